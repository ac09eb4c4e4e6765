"""Read the live state of one tenant in two round trips, whatever the number of workflows.

First, in one pipeline: the tenant, a summary of every applied version, the active versions and
the running instances. A version whose rows are all still the ones its apply wrote, and whose
recorded hash and counts match the repository's workflow of that name and version, has that
workflow's content: it is not fetched again. Second, the full content of the versions still
needed, so that its hash can be taken of its rows (drift) and a new version can be compared with
it. For a plan (given the repository's workflows), an old or retired version whose rows are
intact is proven untouched by that check alone: its recorded hash stands for its content and
its rows are not read, so a no-op plan costs the same whatever the history (issue 11). Only
the active version of each workflow is read in full, which a new version is compared with.

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


class _Summary(NamedTuple):  # a tuple: thousands are made per plan, one per version
    id: uuid.UUID
    name: str
    version: str
    revision: int
    recorded_hash: str
    retired: bool
    states: int | None  # as its apply recorded them; None for a definition inserted by hand
    transitions: int | None
    intact: bool  # every state and transition row is the one its apply wrote

    def holds(self, workflow: Workflow | None) -> bool:
        """Whether the rows are known to hold `workflow`, without reading them."""
        return (
            workflow is not None
            and self.intact
            and (self.states, self.transitions) == (len(workflow.states), len(workflow.transitions))
            and workflow.content_hash() == self.recorded_hash
        )


def _proven(summary: _Summary) -> LiveDefinition:
    """An intact version not read: only its name and version; its hash is the recorded one."""
    workflow = Workflow(name=summary.name, version=summary.version, states=(), transitions=())
    return LiveDefinition(
        workflow,
        summary.revision,
        summary.recorded_hash,
        summary.recorded_hash,
        summary.retired,
        content_read=False,
    )


def _active_ids(summaries: Sequence[_Summary], heads: Mapping[str, str]) -> set[uuid.UUID]:
    """The version new instances start on, per workflow: the head, else the newest revision."""
    newest: dict[str, _Summary] = {}
    for summary in summaries:
        if summary.name not in newest or summary.revision > newest[summary.name].revision:
            newest[summary.name] = summary
    active = {s.id for s in summaries if s.name in heads and heads[s.name] == s.version}
    return active | {s.id for s in newest.values() if s.name not in heads}


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
    with conn.pipeline():  # one round trip for all four queries
        tenant_row, summaries, heads, running = (
            conn.execute(statement(name), {"tenant": tenant, "schema": SCHEMA})
            for name in ("live_tenant", "live_definitions", "live_heads", "live_running")
        )
    wanted: Mapping[tuple[str, str], Workflow] = {(w.name, w.version): w for w in desired or ()}
    every = list(map(_Summary._make, summaries.fetchall()))
    head_versions = dict(heads.fetchall())
    active = _active_ids(every, head_versions)
    known: dict[uuid.UUID, LiveDefinition] = {}
    unknown: list[_Summary] = []
    for summary in every:
        workflow = wanted.get((summary.name, summary.version))
        untouched = desired is not None and summary.intact and summary.id not in active
        if untouched and not summary.holds(workflow):
            known[summary.id] = _proven(summary)
        elif summary.holds(workflow):
            assert workflow is not None
            known[summary.id] = LiveDefinition(
                workflow,
                summary.revision,
                summary.recorded_hash,
                summary.recorded_hash,
                summary.retired,
            )
        else:
            unknown.append(summary)
    contents = _contents(conn, tenant, (s.id for s in unknown))
    known.update((s.id, _from_rows(s, contents[s.id])) for s in unknown)
    return LiveState(
        runtime_version,
        tenant_exists=tenant_row.fetchone() is not None,
        definitions=tuple(known.values()),
        heads=head_versions,
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
