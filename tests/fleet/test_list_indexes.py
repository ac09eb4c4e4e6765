"""The seed's list queries read one page through an index, newest first, without sorting the
tenant's instances (runtime v2, 90_list_indexes.sql; figures in docs/benchmarks.md)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

TENANT = "00000000-0000-4000-8000-0000000000aa"
PAGE = (
    "select * from pypgflow.entity_workflow_instances where tenant_id = %(t)s and {}"
    " order by updated_at desc, id desc limit 50"
)
QUERIES = [
    ("by_workflow", "workflow_name = 'x'"),
    ("by_workflow_state", "workflow_name = 'x' and current_state = 'y'"),
    ("running", "completed_at is null"),
    ("by_workflow", "workflow_name = 'x' and (updated_at, id) < (now(), %(t)s::uuid)"),
]


@pytest.mark.parametrize(("index", "where"), QUERIES)
def test_a_list_query_reads_one_page_through_its_index(
    runtime_conn: psycopg.Connection[tuple[Any, ...]], index: str, where: str
) -> None:
    with runtime_conn.transaction():
        runtime_conn.execute("set local enable_seqscan = off")  # an empty table: no statistics
        plan = "\n".join(
            row[0]
            for row in runtime_conn.execute(
                ("explain " + PAGE.format(where)).encode(), {"t": TENANT}
            )
        )
    assert f"Index Scan using entity_workflow_instances_{index} " in plan
    assert "Sort" not in plan
