"""A no-op plan proves old versions untouched by their recorded hash and intact rows, without
reading them; a version edited by hand is still read, and reported as drift."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pypgflow_ops.deploy.introspect import read_live_state
from pypgflow_ops.lint import lint_paths
from tests.deploy.cli import apply, plan
from tests.deploy.workflow_files import chain, write


def test_old_versions_are_proven_untouched_until_edited_by_hand(
    make_database, tmp_path: Path
) -> None:
    url = make_database(runtime=True)
    for version in ("1", "2", "3"):
        folder = write(tmp_path / "wf", chain("orders", version))
        assert apply(folder, "acme", url)[0] == 0
    desired = lint_paths([folder]).workflows
    with psycopg.connect(url) as conn:
        live = read_live_state(conn, "acme", desired)
        full = read_live_state(conn, "acme")
    read = {d.workflow.version: d.content_read for d in live.definitions}
    assert read == {"1": False, "2": False, "3": True}
    assert all(d.content_read for d in full.definitions)
    assert [d.actual_hash for d in sorted(live.definitions, key=lambda d: d.revision)] == [
        d.actual_hash for d in sorted(full.definitions, key=lambda d: d.revision)
    ]

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("set session_replication_role = replica")  # past the immutability triggers
        conn.execute(
            'update pypgflow.workflow_states s set metadata = \'{"by": "hand"}\''
            " from pypgflow.workflow_definitions d"
            " where d.id = s.definition_id and d.version = '1' and s.name = 'start'"
        )
    code, out, _ = plan(folder, "acme", url)
    assert code == 1
    assert "! orders 1 (drift: its rows in the database no longer match" in out


@pytest.mark.xfail(
    strict=True,
    reason="known gap: an old version's row counts are not recorded anywhere, so a deleted row "
    "leaves every remaining row intact and the version is proven by its recorded hash",
)
def test_a_row_deleted_by_hand_from_an_old_version_is_drift(make_database, tmp_path: Path) -> None:
    url = make_database(runtime=True)
    for version in ("1", "2"):
        folder = write(tmp_path / "wf", chain("orders", version))
        assert apply(folder, "acme", url)[0] == 0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("set session_replication_role = replica")  # past the immutability triggers
        deleted = conn.execute(
            "delete from pypgflow.workflow_transitions t using pypgflow.workflow_definitions d"
            " where d.id = t.definition_id and d.version = '1' and t.name = 'to_done'"
        )
        assert deleted.rowcount == 1
    code, out, _ = plan(folder, "acme", url)
    assert code == 1
    assert "! orders 1 (drift: its rows in the database no longer match" in out
