"""Honest deployment records: the commit, whether the workflow files differed from it, and the hash
of the files read, from a real throwaway git repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pypgflow_ops.deploy.origin import origin

from .cli import apply, apply_plan, plan, rows
from .workflow_files import chain, write


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A committed repository: workflows/orders.yaml, workflows/refunds.yaml and README.md."""
    root = tmp_path / "repo"
    write(root / "workflows", chain("orders"), chain("refunds"))
    (root / "README.md").write_text("notes\n", encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "first")
    return root


def _origin_of(folder: Path) -> tuple[str | None, bool | None]:
    files = sorted(str(f) for f in folder.glob("*.y*ml"))
    found = origin(files, [folder])
    return found.git_commit, found.dirty


def test_a_clean_work_tree_is_its_commit(repo: Path) -> None:
    assert _origin_of(repo / "workflows") == (_git(repo, "rev-parse", "HEAD"), False)


def test_files_outside_the_applied_paths_do_not_count(repo: Path) -> None:
    (repo / "README.md").write_text("changed\n", encoding="utf-8")
    (repo / "workflows" / "notes.txt").write_text("untracked, not a workflow\n", encoding="utf-8")

    assert _origin_of(repo / "workflows")[1] is False


@pytest.mark.parametrize(
    "change",
    [
        "modified",
        "staged",
        "untracked",
        "deleted",
        "ignored",
    ],
)
def test_workflow_files_that_differ_from_head_make_it_dirty(repo: Path, change: str) -> None:
    folder = repo / "workflows"
    if change in ("modified", "staged"):
        write(folder, chain("orders", note="edited"), chain("refunds"))
        if change == "staged":
            _git(repo, "add", ".")
    elif change == "untracked":
        (folder / "extra.yaml").write_text((folder / "orders.yaml").read_text(), encoding="utf-8")
    elif change == "deleted":
        (folder / "refunds.yaml").unlink()
    else:
        (repo / ".gitignore").write_text("workflows/extra.yaml\n", encoding="utf-8")
        _git(repo, "add", ".gitignore")
        _git(repo, "commit", "-q", "-m", "ignore")
        (folder / "extra.yaml").write_text((folder / "orders.yaml").read_text(), encoding="utf-8")

    assert _origin_of(folder) == (_git(repo, "rev-parse", "HEAD"), True)


def test_outside_git_there_is_no_commit_and_no_verdict(tmp_path: Path) -> None:
    folder = write(tmp_path / "wf", chain("orders"))

    assert _origin_of(folder) == (None, None)


def test_the_files_hash_is_the_hash_of_a_sha256sum_listing(repo: Path) -> None:
    folder = repo / "workflows"
    files = sorted(str(f) for f in folder.glob("*.yaml"))
    expected = subprocess.run(
        "git ls-files workflows | LC_ALL=C sort | xargs sha256sum | sha256sum",
        shell=True,
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[0]

    assert origin(files, [folder]).files_sha256 == expected


def _recorded(url: str, tenant: str) -> list[tuple[object, ...]]:
    return rows(
        url,
        "select p.git_commit, p.summary -> 'origin' from pypgflow.deployments p"
        " join pypgflow.tenants t on t.id = p.tenant_id where t.slug = %s",
        tenant,
    )


def test_a_deploy_from_a_dirty_work_tree_says_so_in_plan_and_record(
    runtime_database_url: str, repo: Path
) -> None:
    url, folder, head = runtime_database_url, repo / "workflows", _git(repo, "rev-parse", "HEAD")
    write(folder, chain("orders", note="edited"), chain("refunds"))
    files_hash = origin(sorted(str(f) for f in folder.glob("*.yaml")), [folder]).files_sha256

    code, out, _ = plan(folder, "dirty", url)
    assert (code, out.splitlines()[0]) == (0, f"Source: commit {head[:12]} + uncommitted changes")
    code, out, _ = plan(folder, "dirty", url, "--format", "markdown")
    assert f"\nSource: commit {head[:12]} + uncommitted changes\n" in out

    assert apply(folder, "dirty", url)[0] == 0

    assert _recorded(url, "dirty") == [
        (head, {"git_commit": head, "dirty": True, "files_sha256": files_hash})
    ]


def test_a_saved_plan_carries_its_origin_into_the_record(
    runtime_database_url: str, repo: Path, tmp_path: Path
) -> None:
    url, folder, head = runtime_database_url, repo / "workflows", _git(repo, "rev-parse", "HEAD")
    (folder / "extra.yaml").write_text(
        (folder / "orders.yaml").read_text().replace('"orders"', '"extra"'), encoding="utf-8"
    )
    saved = tmp_path / "plan.json"
    assert plan(folder, "carried", url, "--out", saved)[0] == 0
    (folder / "extra.yaml").unlink()  # the work tree is clean again: the record must not say so

    code, out, _ = apply_plan(saved, "carried", url)

    assert (code, out.splitlines()[0]) == (0, f"Source: commit {head[:12]} + uncommitted changes")
    ((commit, recorded),) = _recorded(url, "carried")
    assert (commit, recorded["dirty"]) == (head, True)
