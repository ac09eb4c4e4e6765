"""The writes of an apply, inside the caller's transaction: the tenant, the statements
`deploy.statements.writes` decided, and the deployment row.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from pypgflow_ops.deploy.sql import statement
from pypgflow_ops.deploy.statements import Statement


def ensure_tenant(conn: psycopg.Connection[Any], tenant: str) -> uuid.UUID:
    row = conn.execute(statement("ensure_tenant"), {"tenant": tenant}).fetchone()
    assert row is not None  # the insert or the select returns the row
    tenant_id: uuid.UUID = row[0]
    return tenant_id


def execute(conn: psycopg.Connection[Any], statements: Sequence[Statement]) -> None:
    """Run the statements in order: each COPY on its own, the others in pipelines."""
    for is_copy, batch in itertools.groupby(statements, key=lambda s: s.rows is not None):
        if is_copy:
            for each in batch:
                with conn.cursor() as cur, cur.copy(sql.SQL(each.sql)) as copy:
                    for row in each.rows or ():
                        copy.write_row(row)
        else:
            with conn.pipeline():
                for each in batch:
                    conn.execute(sql.SQL(each.sql), each.params)


def record_deployment(
    conn: psycopg.Connection[Any],
    tenant_id: uuid.UUID,
    actor: str,
    *,
    git_commit: str | None,
    plan_hash: str,
    summary: Mapping[str, Any],
) -> uuid.UUID:
    row = conn.execute(
        statement("record_deployment"),
        {
            "tenant_id": tenant_id,
            "actor": actor,
            "git_commit": git_commit,
            "plan_hash": plan_hash,
            "summary": Jsonb(summary),
        },
    ).fetchone()
    assert row is not None
    deployment_id: uuid.UUID = row[0]
    return deployment_id
