"""Read the live state of one tenant in a constant number of queries, sent in one pipeline.

The apply tool connects as an owner, which bypasses row-level security: every query filters by
the tenant explicitly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg

from pypgflow_ops.db.runtime import installed_version
from pypgflow_ops.deploy.sql import statement
from pypgflow_ops.model import State, Transition, Workflow
from pypgflow_ops.plan import LiveDefinition, LiveState, RunningInstances


def _workflow(row: Sequence[Any]) -> LiveDefinition:
    name, version, revision, content_hash, retired, metadata, states, transitions = row
    workflow = Workflow(
        name=name,
        version=version,
        states=tuple(State(n, i, f, m) for n, i, f, m in states),
        transitions=tuple(Transition(*t) for t in transitions),
        metadata=metadata,
    )
    return LiveDefinition(workflow, revision, content_hash, retired)


def read_live_state(conn: psycopg.Connection[Any], tenant: str) -> LiveState:
    runtime_version = installed_version(conn)
    if runtime_version is None:
        return LiveState(runtime_version=None, tenant_exists=False)
    with conn.pipeline():  # one round trip for all four queries
        tenant_row, definitions, heads, running = (
            conn.execute(statement(name), {"tenant": tenant})
            for name in ("live_tenant", "live_definitions", "live_heads", "live_running")
        )
    return LiveState(
        runtime_version,
        tenant_exists=tenant_row.fetchone() is not None,
        definitions=tuple(_workflow(row) for row in definitions),
        heads=dict(heads.fetchall()),
        running=tuple(RunningInstances(*row) for row in running),
    )


def active_workflows(conn: psycopg.Connection[Any], tenant_slug: str) -> dict[str, Workflow]:
    """The version new instances start on, per workflow name, for the diagram command."""
    live = read_live_state(conn, tenant_slug)
    by_version = {(d.workflow.name, d.workflow.version): d.workflow for d in live.definitions}
    names = {d.workflow.name for d in live.definitions}
    return {
        name: by_version[(name, version)]
        for name in sorted(names)
        if (version := live.active_version(name)) is not None
    }
