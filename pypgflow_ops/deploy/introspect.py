"""Read the live state of one tenant in two round trips, whatever the number of workflows.

First, in one pipeline: the tenant, a summary of the applied versions (heads marked) and the
running instances. For a plan (given the repository's workflows), the summary holds only the
versions the plan decides with (the head, the newest version where it is not the head, the
repository's) and any whose rows are not intact; every other version is old, and the database
proves it untouched (its rows are the ones its apply wrote, its recorded hash stands for its
content) without sending it, so a no-op plan costs the same whatever the history (issue 11).
A version whose rows are intact and whose recorded hash and counts match the repository's
workflow of that name and version has that workflow's content: it is not fetched again.
Second, the full content of the versions still needed, so that its hash can be taken of its rows
(drift) and a new version can be compared with it. Without the repository's workflows (export,
diagrams) every version is read in full.

The apply tool connects as a role that bypasses row-level security (a superuser, or a role with
BYPASSRLS; RLS is forced, so merely owning the tables is not enough), and is refused otherwise:
every query filters by the tenant explicitly.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import psycopg
from psycopg import sql

from pypgflow_ops.db.runtime import installed_version
from pypgflow_ops.deploy.sql import SCHEMA, statement
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.model import WILDCARD, State, Transition, Workflow
from pypgflow_ops.plan import LiveDefinition, LiveState, RunningInstances


class _Summary(NamedTuple):  # a tuple: thousands are made per plan, one per version sent
    id: uuid.UUID
    name: str
    version: str
    revision: int
    recorded_hash: str
    retired: bool
    states: int | None  # as its apply recorded them; None for a definition inserted by hand
    transitions: int | None
    intact: bool  # every state and transition row is the one its apply wrote
    head: bool  # the version its workflow's new instances start on
    needed: bool  # the plan decides with it; else it was sent only to be checked for drift

    def holds(self, workflow: Workflow | None) -> bool:
        """Whether the rows are known to hold `workflow`, without reading them."""
        return (
            workflow is not None
            and self.intact
            and (self.states, self.transitions) == (len(workflow.states), len(workflow.transitions))
            and workflow.content_hash() == self.recorded_hash
        )


def _from_rows(summary: _Summary, row: Sequence[Any]) -> LiveDefinition:
    _, metadata, states, transitions = row
    workflow = Workflow(
        name=summary.name,
        version=summary.version,
        states=tuple(State(n, i, f, m) for n, i, f, m in states),
        transitions=tuple(Transition(f or WILDCARD, *t) for f, *t in transitions),  # null: "*"
        metadata=metadata,
    )
    return LiveDefinition(
        workflow, summary.revision, summary.recorded_hash, workflow.content_hash(), summary.retired
    )


def _contents(
    conn: psycopg.Connection[Any], tenant: str, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Sequence[Any]]:
    ids = list(ids)
    if not ids:
        return {}
    rows = conn.execute(statement("live_contents"), {"tenant": tenant, "ids": ids})
    return {row[0]: row for row in rows}


def _one(row: Sequence[Any] | None) -> Sequence[Any]:
    assert row is not None
    return row


def _refuse_unless_bypassing_rls(role: str, bypasses: bool) -> None:
    """Row-level security would hide every tenant's rows: the plan would be wrong, apply fail."""
    if not bypasses:
        quoted = sql.Identifier(role).as_string(None)
        raise PypgflowError(
            f"role {role!r} does not bypass row-level security, so it cannot see the tenants' "
            f"rows: connect as the runtime's owner, or run ALTER ROLE {quoted} BYPASSRLS"
        )


def read_live_state(
    conn: psycopg.Connection[Any], tenant: str, desired: Iterable[Workflow] | None = None
) -> LiveState:
    """The tenant's live state; `desired` (the repository's workflows, for a plan) spares
    reading rows. Without it every version is read in full (export, diagrams)."""
    with conn.pipeline():  # the role check costs no round trip of its own
        role = conn.execute(statement("live_role"))
        runtime_version = installed_version(conn)
    _refuse_unless_bypassing_rls(*_one(role.fetchone()))
    if runtime_version is None:
        return LiveState(runtime_version=None, tenant_exists=False)
    wanted: Mapping[tuple[str, str], Workflow] = {(w.name, w.version): w for w in desired or ()}
    values = {"tenant": tenant, "schema": SCHEMA}
    sent = values | {  # every version, or those a plan for `desired` decides with
        "every": desired is None,
        "names": [name for name, _ in wanted],
        "versions": [version for _, version in wanted],
    }
    with conn.pipeline():  # one round trip for all three queries
        tenant_row = conn.execute(statement("live_tenant"), values)
        summaries = conn.execute(statement("live_definitions"), sent)
        running = conn.execute(statement("live_running"), values)
    known: list[LiveDefinition] = []
    unknown: list[_Summary] = []
    heads: dict[str, str] = {}
    for summary in map(_Summary._make, summaries):
        if summary.head:
            heads[summary.name] = summary.version
        workflow = wanted.get((summary.name, summary.version))
        if summary.holds(workflow):
            assert workflow is not None
            known.append(
                LiveDefinition(
                    workflow,
                    summary.revision,
                    summary.recorded_hash,
                    summary.recorded_hash,
                    summary.retired,
                )
            )
        else:
            unknown.append(summary)
    contents = _contents(conn, tenant, (s.id for s in unknown))
    for summary in unknown:
        read = _from_rows(summary, contents[summary.id])
        # An old version that was only checked, and holds what its apply wrote (rewritten with the
        # same values, say), plays no part in the plan: it is left out, as if proven untouched.
        if desired is None or summary.needed or read.drifted:
            known.append(read)
    return LiveState(
        runtime_version,
        tenant_exists=tenant_row.fetchone() is not None,
        definitions=tuple(known),
        heads=heads,
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
