"""Reading a tenant back: the active versions (for diagrams), and the shortcut for versions proven
to hold the repository's workflow gives the same state as reading every row."""

from __future__ import annotations

from pathlib import Path

import psycopg

from pypgflow_ops.deploy.fingerprint import fingerprint
from pypgflow_ops.deploy.introspect import active_workflows, read_live_state
from pypgflow_ops.lint import lint_paths

from .cli import apply
from .workflow_files import chain, write


def test_active_workflows_are_the_versions_new_instances_start_on(
    runtime_database_url: str, tmp_path: Path
) -> None:
    url = runtime_database_url
    v1 = write(tmp_path / "v1", chain("orders"), chain("other", note="ü"))
    apply(v1, "active", url)
    apply(
        write(tmp_path / "v2", chain("orders", "2", extra="x"), chain("other", note="ü")),
        "active",
        url,
    )
    apply(v1, "active", url)  # rollback
    expected = {w.name: w.canonical() for w in lint_paths([v1]).workflows}

    with psycopg.connect(url) as conn:
        active = active_workflows(conn, "active")

    assert {name: w.canonical() for name, w in active.items()} == expected
    assert list(active) == ["orders", "other"]


def test_reading_with_the_repository_gives_the_state_that_reading_every_row_gives(
    runtime_database_url: str, tmp_path: Path
) -> None:
    url = runtime_database_url
    folder = write(tmp_path / "wf", *(chain(f"w{i}", states=6) for i in range(5)))
    apply(folder, "same", url)
    desired = lint_paths([folder]).workflows

    with psycopg.connect(url) as conn:
        shortcut = read_live_state(conn, "same", desired)
        full = read_live_state(conn, "same")

    assert all(any(d.workflow is w for w in desired) for d in shortcut.definitions)
    assert not any(any(d.workflow is w for w in desired) for d in full.definitions)
    assert fingerprint(shortcut) == fingerprint(full)
    assert sorted(d.workflow.content_hash() for d in full.definitions) == sorted(
        w.content_hash() for w in desired
    )
