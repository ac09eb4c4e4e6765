"""Reading a tenant and applying to it cost the same number of round trips for 2 workflows as for
25: no statement per workflow, state or transition."""

from __future__ import annotations

from pathlib import Path

import psycopg

from pypgflow_ops.deploy import apply
from pypgflow_ops.deploy.introspect import read_live_state
from pypgflow_ops.lint import lint_paths

from .roundtrips import counted
from .workflow_files import chain, write


def _apply_counted(url: str, tenant: str, folder: Path) -> tuple[int, int]:
    """(round trips of the apply, round trips of reading the state afterwards)."""
    desired = lint_paths([folder]).workflows
    with psycopg.connect(url) as conn:
        with counted(conn) as writing:
            outcome = apply.apply(
                conn,
                tenant,
                apply.FromRepository(tenant, desired),
                actor="test",
                on_wait=print,
                show=lambda plan: None,
                confirm=lambda: True,
            )
        assert outcome.deployment_id is not None
        with counted(conn) as reading:
            live = read_live_state(conn, tenant)  # everything read: nothing known
        assert len(live.definitions) == len(desired)
    return writing.count, reading.count


def test_round_trips_do_not_grow_with_the_number_of_workflows(
    runtime_database_url: str, tmp_path: Path
) -> None:
    few = write(tmp_path / "few", *(chain(f"w{i}") for i in range(2)))
    many = write(tmp_path / "many", *(chain(f"w{i}", states=12) for i in range(25)))

    assert _apply_counted(runtime_database_url, "few", few) == _apply_counted(
        runtime_database_url, "many", many
    )
