"""Apply: one transaction under the tenant's deploy lock; either all of a plan lands or none of it.

The plan is decided after the lock is taken, against the state read under it: from the
repository (`FromRepository`), or a saved plan, refused if the database moved on since
(`FromSavedPlan`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import psycopg

from pypgflow_ops.db import runtime
from pypgflow_ops.db.failure import one_line
from pypgflow_ops.deploy import lock
from pypgflow_ops.deploy.fingerprint import fingerprint
from pypgflow_ops.deploy.introspect import read_live_state
from pypgflow_ops.deploy.saved_plan import SavedPlan
from pypgflow_ops.deploy.write import ensure_tenant, record_deployment, write_changes
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.model import Workflow
from pypgflow_ops.plan import Action, LiveState, Plan, make_plan


class StalePlanError(PypgflowError):
    """The database is no longer in the state a saved plan was computed against."""


@dataclass(frozen=True, slots=True)
class Outcome:
    plan: Plan
    deployment_id: uuid.UUID | None  # None: nothing was written


_CREATING = (Action.CREATE, Action.NEW_VERSION)


def plan_against(
    tenant: str,
    desired: Sequence[Workflow],
    live: LiveState,
    *,
    prune: bool,
    git_commit: str | None = None,
) -> SavedPlan:
    plan = make_plan(tenant, desired, live, runtime_target=runtime.RUNTIME_VERSION, prune=prune)
    written = {(c.workflow, c.version) for c in plan.changes if c.action in _CREATING}
    new = tuple(w for w in desired if (w.name, w.version) in written)
    return SavedPlan(plan, fingerprint(live), new, git_commit)


@dataclass(frozen=True, slots=True)
class FromRepository:
    """Plan the repository's workflows against the state read under the lock."""

    tenant: str
    desired: tuple[Workflow, ...]
    prune: bool = False
    git_commit: str | None = None

    def decide(self, live: LiveState) -> SavedPlan:
        return plan_against(
            self.tenant, self.desired, live, prune=self.prune, git_commit=self.git_commit
        )


@dataclass(frozen=True, slots=True)
class FromSavedPlan:
    """Apply a saved plan exactly, or refuse it if the database moved on since."""

    saved: SavedPlan

    @property
    def desired(self) -> tuple[Workflow, ...]:
        return self.saved.workflows

    def decide(self, live: LiveState) -> SavedPlan:
        if self.saved.plan.runtime_target != runtime.RUNTIME_VERSION:
            raise StalePlanError(
                f"the plan targets runtime version {self.saved.plan.runtime_target}, this "
                f"pypgflow-ops installs {runtime.RUNTIME_VERSION}: make the plan again"
            )
        if fingerprint(live) != self.saved.fingerprint:
            raise StalePlanError(
                f"the database changed since the plan was made (tenant "
                f"{self.saved.plan.tenant!r}); nothing was applied: make the plan again"
            )
        return self.saved


def _write(conn: psycopg.Connection[Any], saved_plan: SavedPlan, actor: str) -> uuid.UUID:
    plan = saved_plan.plan
    tenant_id = ensure_tenant(conn, plan.tenant)
    workflows = {(w.name, w.version): w for w in saved_plan.workflows}
    write_changes(conn, tenant_id, plan, workflows, actor)
    return record_deployment(conn, tenant_id, plan, actor, saved_plan.git_commit)


def apply(
    conn: psycopg.Connection[Any],
    tenant: str,
    source: FromRepository | FromSavedPlan,
    *,
    actor: str,
    on_wait: Callable[[str], None],
    show: Callable[[Plan], None],
    confirm: Callable[[], bool],
) -> Outcome:
    """Lock, read, decide, show; then, if there is something to do and it is confirmed, write.

    A database error becomes one line saying whether anything changed: nothing did, unless the
    connection was lost while committing writes, when nobody can tell.
    """
    committing = False
    try:
        with conn.transaction() as transaction:
            lock.acquire(conn, tenant, on_wait)
            # Upgrade first: it refuses a runtime that is not intact, and introspection is written
            # for the newest runtime. Anything but a confirmed write rolls the upgrade back.
            installed = runtime.upgrade(conn).previous_version
            live = read_live_state(conn, tenant, source.desired)
            saved_plan = source.decide(replace(live, runtime_version=installed))
            plan = saved_plan.plan
            show(plan)
            if plan.errors or not plan.has_changes or not confirm():
                outcome = Outcome(plan, None)
                raise psycopg.Rollback(transaction)
            outcome = Outcome(plan, _write(conn, saved_plan, actor))
            committing = True
    except psycopg.Error as exc:
        if committing and conn.broken:
            raise PypgflowError(
                "the connection was lost during COMMIT, so the outcome is unknown: run plan to "
                f"see what the database holds ({one_line(exc)})"
            ) from None
        raise PypgflowError(f"apply failed, nothing was changed: {one_line(exc)}") from None
    return outcome
