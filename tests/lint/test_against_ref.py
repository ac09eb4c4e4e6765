"""`pypgflow-ops lint --against-ref REF` in real git repositories: a detached HEAD, a moved file,
and the refs that are not there (a shallow clone, a folder outside git), which exit 2 with the
command that fetches them. The rules' own verdicts are rule cases (tests/rules/cases)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

WORKFLOW = """\
workflow:
  name: refund
  version: "{version}"
states:
  - name: requested
    initial: true
  - name: {final}
    final: true
transitions:
  - from: requested
    to: {final}
    name: finish
"""


def git(folder: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args]
    done = subprocess.run(command, cwd=folder, check=True, capture_output=True, text=True)
    return done.stdout


def lint(folder: Path, *args: str) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "pypgflow_ops", "lint", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def write(path: Path, version: str, final: str = "refunded") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(WORKFLOW.format(version=version, final=final), encoding="utf-8")


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A repository whose `main` has workflows/refund.yaml at 1.0."""
    repo = tmp_path / "origin"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo / "workflows" / "refund.yaml", "1.0")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "1.0")
    return repo


def test_a_moved_and_bumped_workflow_in_a_detached_head_is_clean(origin: Path) -> None:
    git(origin, "checkout", "-q", "--detach")
    git(origin, "mv", "workflows/refund.yaml", "workflows/refunds.yaml")
    write(origin / "workflows" / "refunds.yaml", "1.1", final="rejected")
    assert lint(origin, "--against-ref", "main", "workflows") == (
        0,
        "All checks passed (1 file).\n",
        "",
    )


def test_a_change_without_a_bump_is_annotated_at_the_version(origin: Path) -> None:
    write(origin / "workflows" / "refund.yaml", "1.0", final="rejected")
    code, out, _ = lint(origin / "workflows", "--against-ref", "main", "-f", "github", ".")
    assert code == 1
    assert out.startswith(
        "::error file=workflows/refund.yaml,line=3,col=12,title=version-not-bumped::"
    )


def test_a_single_branch_shallow_clone_says_how_to_fetch_the_base(
    origin: Path, tmp_path: Path
) -> None:
    git(origin, "checkout", "-q", "-b", "feature")
    write(origin / "workflows" / "refund.yaml", "1.0", final="rejected")
    git(origin, "commit", "-q", "-am", "change")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", "--branch=feature", f"file://{origin}", str(clone))
    fetch = "git fetch --depth=1 origin main:refs/remotes/origin/main"
    assert lint(clone, "--against-ref", "origin/main", "workflows") == (
        2,
        "",
        f"pypgflow-ops: error: --against-ref origin/main: not in this shallow clone; "
        f"fetch it first: {fetch}\n",
    )
    git(clone, *fetch.split()[1:])  # what the line says to run, run: now it compares
    code, out, _ = lint(clone, "--against-ref", "origin/main", "workflows")
    assert (code, out.split()[1:3]) == (1, ["error", "version-not-bumped"])


def test_an_unknown_ref_exits_2_with_the_fetch_command(origin: Path) -> None:
    assert lint(origin, "--against-ref", "nope", "workflows") == (
        2,
        "",
        "pypgflow-ops: error: --against-ref nope: no such commit; "
        "fetch it first: git fetch --depth=1 origin nope\n",
    )


def test_a_folder_outside_git_exits_2(tmp_path: Path) -> None:
    write(tmp_path / "refund.yaml", "1.0")
    assert lint(tmp_path, "--against-ref", "main", "refund.yaml") == (
        2,
        "",
        "pypgflow-ops: error: --against-ref main: refund.yaml is not in a git work tree; "
        "run it in a clone of the repository\n",
    )


def test_a_workflow_that_could_not_be_deployed_at_the_ref_needs_no_bump_once_fixed(
    origin: Path,
) -> None:
    """A team moving from the original pypgflow commits its files as they were (free-form
    conditions: lint errors, so plan refuses them and no version was applied); the pull request
    that runs `lint --fix` keeps the version, and CI's `--against-ref` lets it."""
    path = origin / "workflows" / "refund.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "    conditions:\n      requires_approval: true\n",
        encoding="utf-8",
    )
    git(origin, "commit", "-q", "-am", "as the original had it")
    assert lint(origin, "--fix", "workflows")[0] == 0
    assert lint(origin, "--against-ref", "main", "workflows") == (
        0,
        "All checks passed (1 file).\n",
        "",
    )
