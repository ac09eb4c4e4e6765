"""Hostile file names and text reach no terminal or CI log raw: no line a CI runner would read as
a workflow command (`::error ...`), no terminal escape sequence, from any command."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from .process import REPO, pypgflow_ops

HOSTILE_NAME = "z\n::error title=INJECTED::\x1b[31m.yaml"


def _assert_harmless(*outputs: str) -> None:
    for output in outputs:
        assert "\x1b" not in output
        assert not any(line.startswith("::") for line in output.splitlines())
        assert "\r" not in output


@pytest.fixture
def hostile_repository(tmp_path: Path) -> Path:
    """The examples, plus a hostile-named copy of one of them (one workflow in two files)."""
    folder = tmp_path / "wf"
    shutil.copytree(REPO / "workflows", folder)
    shutil.copy(folder / "expense_approval.yaml", folder / HOSTILE_NAME)
    return folder


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_a_hostile_file_name_is_escaped_by_plan_and_apply(
    command: str, hostile_repository: Path, make_database: Callable[..., str]
) -> None:
    url = make_database()

    done = pypgflow_ops(command, hostile_repository, "--tenant", "acme", "--database-url", url)

    assert done.returncode == 1
    assert "INJECTED" in done.stdout + done.stderr
    assert "z\\n::error title=INJECTED::\\x1b[31m.yaml" in done.stdout + done.stderr
    _assert_harmless(done.stdout, done.stderr)


def test_a_hostile_plan_file_name_is_escaped(
    make_database: Callable[..., str], tmp_path: Path
) -> None:
    out = tmp_path / "p\n::error title=INJECTED::\x1b[31m.json"

    done = pypgflow_ops(
        "plan", "workflows", "--tenant", "acme", "--database-url", make_database(), "--out", out
    )

    assert done.returncode == 0
    assert "INJECTED" in done.stderr
    _assert_harmless(done.stdout, done.stderr)


def test_a_hostile_file_name_is_escaped_by_diagram(tmp_path: Path) -> None:
    broken = tmp_path / HOSTILE_NAME
    broken.write_text("workflow: [\n")

    done = pypgflow_ops("diagram", broken)

    assert done.returncode == 1 and "INJECTED" in done.stderr
    _assert_harmless(done.stdout, done.stderr)


def test_a_hostile_folder_output_name_is_escaped_by_diagram(tmp_path: Path) -> None:
    output = tmp_path / "a\n::error::\x1b[31m"
    output.write_text("a file where a folder should be")

    done = pypgflow_ops("diagram", "workflows", "-o", output)

    assert done.returncode == 2 and "error" in done.stderr
    _assert_harmless(done.stdout, done.stderr)


@pytest.mark.parametrize(
    "command", [["db", "status"], ["db", "upgrade"], ["plan", "workflows", "--tenant", "acme"]]
)
def test_a_hostile_host_name_is_escaped_by_the_database_commands(command: list[str]) -> None:
    url = "host='evil\n::error title=INJECTED::\x1b[31m' connect_timeout=2"

    done = pypgflow_ops(*command, "--database-url", url)

    assert done.returncode == 1 and "INJECTED" in done.stderr
    _assert_harmless(done.stdout, done.stderr)
