"""Apply: one transaction under the tenant's deploy lock; either all of a plan lands or none of it.

The plan is decided after the lock is taken, against the state read under it: from the
repository (`FromRepository`), or from a saved plan's definitions, refused if the database moved
on since or if the plan made again differs from what the file says (`FromSavedPlan`).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import psycopg

from pypgflow_ops.db import runtime
from pypgflow_ops.db.failure import one_line
from pypgflow_ops.deploy import lock, migrate, record
from pypgflow_ops.deploy.fingerprint import fingerprint
from pypgflow_ops.deploy.introspect import read_live_state
from pypgflow_ops.deploy.saved_plan import SavedPlan
from pypgflow_ops.deploy.statements import writes
from pypgflow_ops.deploy.write import ensure_tenant, execute, record_deployment
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.model import Workflow
from pypgflow_ops.plan import LiveState, Origin, Plan, make_plan
from pypgflow_ops.terminal import printable


class StalePlanError(PypgflowError):
    """The database is no longer in the state a saved plan was computed against."""


@dataclass(frozen=True, slots=True)
class Outcome:
    plan: Plan
    deployment_id: uuid.UUID | None  # None: nothing was written
    # running instances moved, by (workflow, version moved to)
    migrated: Mapping[tuple[str, str], int] = dataclasses.field(default_factory=dict)


def plan_against(
    tenant: str,
    desired: Sequence[Workflow],
    live: LiveState,
    *,
    prune: bool,
    origin: Origin | None = None,
) -> Plan:
    return make_plan(
        tenant, desired, live, runtime_target=runtime.RUNTIME_VERSION, prune=prune, origin=origin
    )


@dataclass(frozen=True, slots=True)
class FromRepository:
    """Plan the repository's workflows against the state read under the lock."""

    tenant: str
    desired: tuple[Workflow, ...]
    prune: bool = False
    origin: Origin | None = None

    def decide(self, live: LiveState) -> Plan:
        return plan_against(self.tenant, self.desired, live, prune=self.prune, origin=self.origin)


def _key(change: Any) -> str:
    return f"{printable(str(change['workflow']))} {printable(str(change['version']))}"


def _difference(said: Any, made: Any) -> str:
    """The first thing the file says that the plan made again does not, in words."""
    said_changes = {_key(c): c for c in said["changes"]}
    made_changes = {_key(c): c for c in made["changes"]}
    for key, change in said_changes.items():
        if key not in made_changes:
            return f"it lists {key} ({printable(str(change['action']))}), which the plan does not"
        for field, value in change.items():
            if made_changes[key][field] != value:
                return (
                    f"{key}: it says {field} {printable(repr(value))}, the plan "
                    f"{printable(repr(made_changes[key][field]))}"
                )
    for key, change in made_changes.items():
        if key not in said_changes:
            return f"it leaves out {key} ({change['action']}), which the plan has"
    if said["changes"] != made["changes"]:
        return "it lists a change twice or out of order"
    field = next(f for f in made if said[f] != made[f])
    return (
        f"it says {field} {printable(repr(said[field]))}, the plan {printable(repr(made[field]))}"
    )


def _same_instances_migrate(said: Any, made: Any, tenant: str) -> None:
    """Refuse a saved plan whose migrations would now move other running instances than it says
    (someone started, moved or finished one since): the database moved on, as with a fingerprint
    that differs."""
    moves = {_key(c): c["migrated"] for c in made["changes"]}
    for change in said["changes"]:
        key = _key(change)
        if key in moves and moves[key] != change["migrated"]:
            then = sum(g["count"] for g in change["migrated"])
            now = sum(g["count"] for g in moves[key])
            raise StalePlanError(
                f"the running instances a migration moves changed since the plan was made "
                f"(tenant {tenant!r}, {key}: {then} then, {now} now, by version and state); "
                "nothing was applied: make the plan again"
            )


@dataclass(frozen=True, slots=True)
class FromSavedPlan:
    """Make the saved plan again from its definitions under the lock; apply it only if it is
    exactly what the file says, against the database state it was made against."""

    saved: SavedPlan
    file: str

    @property
    def desired(self) -> tuple[Workflow, ...]:
        return self.saved.workflows

    def decide(self, live: LiveState) -> Plan:
        target = self.saved.decisions["runtime"]["target"]
        if target != runtime.RUNTIME_VERSION:
            raise StalePlanError(
                f"the plan targets runtime version {target}, this pypgflow-ops installs "
                f"{runtime.RUNTIME_VERSION}: make the plan again"
            )
        if fingerprint(live) != self.saved.fingerprint:
            raise StalePlanError(
                f"the database changed since the plan was made (tenant "
                f"{self.saved.tenant!r}); nothing was applied: make the plan again"
            )
        plan = plan_against(
            self.saved.tenant,
            self.saved.workflows,
            live,
            prune=self.saved.prune,
            origin=self.saved.origin,
        )
        made = record.decisions(plan)
        _same_instances_migrate(self.saved.decisions, made, self.saved.tenant)
        if made != self.saved.decisions:
            raise PypgflowError(
                f"{self.file} is not the plan its definitions make against the database "
                f"({_difference(self.saved.decisions, made)}); the file was edited: nothing "
                "was applied: make the plan again"
            )
        return plan


def write_plan(
    conn: psycopg.Connection[Any],
    plan: Plan,
    desired: Sequence[Workflow],
    actor: str,
    *,
    lock_timeout_ms: int | None = None,
) -> Outcome:
    """The definitions, the deployment, then the running instances the files move onto them
    (as the plan shows them; `lock_timeout_ms` bounds the wait for each)."""
    tenant_id = ensure_tenant(conn, plan.tenant)
    workflows = {(w.name, w.version): w for w in desired}
    execute(conn, writes(plan, workflows, tenant_id=tenant_id, actor=actor))
    deployment_id = record_deployment(
        conn,
        tenant_id,
        actor,
        git_commit=plan.origin.git_commit if plan.origin else None,
        plan_hash=record.plan_hash(plan),
        summary=record.summary(plan),
    )
    moved = migrate.move(
        conn,
        plan,
        desired,
        tenant_id=tenant_id,
        deployment_id=deployment_id,
        actor=actor,
        lock_timeout_ms=lock_timeout_ms,
    )
    return Outcome(plan, deployment_id, moved)


def apply(
    conn: psycopg.Connection[Any],
    tenant: str,
    source: FromRepository | FromSavedPlan,
    *,
    actor: str,
    on_wait: Callable[[str], None],
    show: Callable[[Plan], None],
    confirm: Callable[[], bool],
    lock_timeout_ms: int | None = None,
) -> Outcome:
    """Lock, read, decide, show; then, if there is something to do and it is confirmed, write.

    A database error becomes one line saying whether anything changed: nothing did, unless the
    connection was lost while committing writes, when nobody can tell.
    """
    committing = False
    try:
        with conn.transaction() as transaction:
            lock.acquire(conn, tenant, on_wait, timeout_ms=lock_timeout_ms)
            # Upgrade first: it refuses a runtime that is not intact, and introspection is written
            # for the newest runtime. Anything but a confirmed write rolls the upgrade back.
            installed = runtime.upgrade(conn).previous_version
            live = read_live_state(conn, tenant, source.desired)
            plan = source.decide(replace(live, runtime_version=installed))
            show(plan)
            if plan.errors or not plan.has_changes or not confirm():
                outcome = Outcome(plan, None)
                raise psycopg.Rollback(transaction)
            outcome = write_plan(conn, plan, source.desired, actor, lock_timeout_ms=lock_timeout_ms)
            committing = True
    except psycopg.Error as exc:
        if committing and conn.broken:
            raise PypgflowError(
                "the connection was lost during COMMIT, so the outcome is unknown: run plan to "
                f"see what the database holds ({one_line(exc)})"
            ) from None
        raise PypgflowError(f"apply failed, nothing was changed: {one_line(exc)}") from None
    return outcome
