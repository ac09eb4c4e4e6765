"""The pre-commit hook, run by the real `pre-commit try-repo` from this checkout in a throwaway git
repository: a commit of a broken workflow fails with the located problem, a good one passes, and
a commit that touches only a scenario file is judged with the workflow it names."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOOD = """\
workflow: {name: expense, version: "1"}
states:
  - {name: start, initial: true}
  - {name: done, final: true}
transitions:
  - {from: start, to: done, name: finish}
"""


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One hook environment for the module: pre-commit installs the package into it once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "workflows").mkdir()
    yield tmp_path


def _try_repo(project: Path, home: Path) -> tuple[int, str]:
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "pypgflow-ops-lint"],
        cwd=project,
        env={**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


@pytest.mark.slow
def test_a_broken_workflow_fails_with_its_location(project: Path, pre_commit_home: Path) -> None:
    (project / "workflows" / "expense.yaml").write_text(GOOD.replace(", final: true", ""))

    code, out = _try_repo(project, pre_commit_home)

    assert code == 1, out
    assert "pypgflow-ops lint" in out and "Failed" in out
    assert "workflows/expense.yaml:2:1: error no-final-state " in out


@pytest.mark.slow
def test_a_good_workflow_and_a_scenario_changed_alone_pass(
    project: Path, pre_commit_home: Path
) -> None:
    for name in ("expense_approval.yaml", "expense_approval.scenarios.yaml"):
        shutil.copy(REPO / "workflows" / name, project / "workflows" / name)
    (project / "README.md").write_text("not a workflow\n")
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "x"],
        cwd=project,
        check=True,
    )
    with (project / "workflows" / "expense_approval.scenarios.yaml").open("a") as scenarios:
        scenarios.write("# reviewed\n")

    code, out = _try_repo(project, pre_commit_home)

    assert code == 0, out
    assert "pypgflow-ops lint" in out and "Passed" in out
