"""Apply's move of running instances onto the version whose file has a `migrate:` section.

Inside apply's transaction, after the definitions are written: one statement locks the running
instances of the listed versions (as `execute_transition` locks one, waiting at most the lock
timeout for an instance an application transaction holds), writes one history row each and counts
them by version and state; if any would be stranded (`migration.fate`, as the plan decides it), or
the groups are not the ones the plan showed (an instance started or moved since), the whole apply
is refused (and rolled back); else one statement moves them and counts them in the deployment.
Two round trips whatever the number of instances or workflows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from pypgflow_ops.deploy.sql import statement
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.migration import Fate, fate
from pypgflow_ops.model import Workflow
from pypgflow_ops.plan import Plan, RunningInstances
from pypgflow_ops.terminal import printable

# How long the lock statement waits for an instance an application transaction holds, unless
# --lock-timeout says: as long as execute_transition waits for one by default.
DEFAULT_LOCK_TIMEOUT_MS = 5000

Groups = Mapping[tuple[str, str], int]  # (version, state) -> running instances


def migrating(desired: Iterable[Workflow]) -> dict[str, Workflow]:
    """The workflows whose file moves instances, by name."""
    return {w.name: w for w in desired if w.migrate is not None}


def _parameter(workflows: Mapping[str, Workflow]) -> Jsonb:
    return Jsonb(
        [
            {
                "workflow": w.name,
                "version": w.version,
                "from_versions": list(w.migrate.from_versions),
                "states": dict(w.migrate.states),
            }
            for w in workflows.values()
            if w.migrate is not None
        ]
    )


def _where(workflow: Workflow) -> str:
    migrate = workflow.migrate
    line = f":{migrate.position.line}" if migrate and migrate.position else ""
    return f"{workflow.source}{line}" if workflow.source else f"workflow {workflow.name!r}"


def refuse_stranded(workflows: Mapping[str, Workflow], locked: Sequence[RunningInstances]) -> None:
    """Refuse the apply if a locked instance's mapped state is not a state of its new version."""
    for workflow in workflows.values():
        states = {s.name for s in workflow.states}
        stranded = [
            r
            for r in locked
            if r.workflow == workflow.name
            and fate(r.version, r.state, states, workflow.migrate) is Fate.STRANDED
        ]
        if not stranded:
            continue
        assert workflow.migrate is not None  # `fate` strands listed versions only with a map
        groups = ", ".join(
            f"{r.count} of version {r.version!r} in state {r.state!r}"
            + (
                f" (mapped to {workflow.migrate.target(r.state)!r})"
                if r.state in workflow.migrate.states
                else ""
            )
            for r in stranded
        )
        raise PypgflowError(
            printable(
                f"{_where(workflow)}: not applied: moving the running instances of workflow "
                f"{workflow.name!r} to version {workflow.version!r} would strand {groups}, a "
                f"state version {workflow.version!r} does not have; map it under migrate.states"
            )
        )


def planned(plan: Plan, name: str) -> Groups:
    """The running instances of `name` the plan shows moving, by version and state: what the
    user consented to."""
    return {
        (g.version, g.state): g.count
        for c in plan.changes
        if c.workflow == name and c.impact
        for g in c.impact.groups
        if g.fate is Fate.MIGRATED
    }


def refuse_stale(plan: Plan, names: Iterable[str], locked: Sequence[RunningInstances]) -> None:
    """Refuse the apply if the locked instances are not the groups the plan showed: an instance
    started, moved or finished between the plan's read and the lock (READ COMMITTED)."""
    for name in names:
        then = planned(plan, name)
        now = {(r.version, r.state): r.count for r in locked if r.workflow == name}
        for version, state in sorted(then.keys() | now.keys()):
            before, after = then.get((version, state), 0), now.get((version, state), 0)
            if before != after:
                raise PypgflowError(
                    printable(
                        "the running instances to migrate changed since the plan was made "
                        f"(tenant {plan.tenant!r}): workflow {name!r} version {version!r} in "
                        f"state {state!r}: {before} in the plan, {after} now; nothing was "
                        "applied: make the plan again"
                    )
                )


def _lock(
    conn: psycopg.Connection[Any],
    values: Mapping[str, Any],
    names: Iterable[str],
    timeout_ms: int,
) -> tuple[list[RunningInstances], str]:
    """The lock statement under a bounded `lock_timeout`, set for the transaction in the same
    round trip; the locked groups, and the setting to restore. An instance held past the
    timeout refuses the apply."""
    try:
        with conn.pipeline():
            setting = conn.execute(
                "select current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
                [f"{timeout_ms}ms"],
            )
            cursor = conn.execute(statement("migrate_lock"), values)
            locked = [RunningInstances(*row) for row in cursor]
            row = setting.fetchone()
    except psycopg.errors.LockNotAvailable:
        workflows = " or ".join(repr(name) for name in names)
        raise PypgflowError(
            printable(
                f"running instances of workflow {workflows} are busy in application "
                "transactions (their rows stayed locked past the lock timeout): nothing was "
                "applied: retry the apply"
            )
        ) from None
    assert row is not None
    previous: str = row[0]
    return locked, previous


def move(
    conn: psycopg.Connection[Any],
    plan: Plan,
    desired: Iterable[Workflow],
    *,
    tenant_id: uuid.UUID,
    deployment_id: uuid.UUID,
    actor: str,
    lock_timeout_ms: int | None = None,
) -> dict[tuple[str, str], int]:
    """Lock, check against the plan and move; the number of instances moved by (workflow,
    version moved to). `lock_timeout_ms` bounds the wait for each instance (--lock-timeout,
    else DEFAULT_LOCK_TIMEOUT_MS)."""
    workflows = migrating(desired)
    if not workflows:
        return {}
    values = {
        "migrations": _parameter(workflows),
        "tenant_id": tenant_id,
        "deployment_id": deployment_id,
        "actor": actor,
    }
    timeout = DEFAULT_LOCK_TIMEOUT_MS if lock_timeout_ms is None else lock_timeout_ms
    locked, previous = _lock(conn, values, workflows, timeout)
    refuse_stranded(workflows, locked)
    refuse_stale(plan, workflows, locked)
    with conn.pipeline():  # the setting restored in the move's round trip
        conn.execute("select set_config('lock_timeout', %s, true)", [previous])
        if not locked:
            return {}
        rows = conn.execute(statement("migrate_move"), values).fetchall()
    return {(name, version): count for name, version, count in rows}


def described(moved: Mapping[tuple[str, str], int]) -> list[str]:
    """What apply says it moved: a line per workflow."""
    return [
        printable(
            f"Moved {count} running instance{'s' if count != 1 else ''} of {name} to version "
            f"{version}."
        )
        for (name, version), count in moved.items()
    ]
