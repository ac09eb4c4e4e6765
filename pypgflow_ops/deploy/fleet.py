"""Plan and apply for many tenants at once (docs/plan-apply.md, "Many tenants").

A fleet plan reads every tenant in one snapshot, after waiting for any apply in progress. A fleet
apply either gives each tenant its own transaction under its own lock, over `jobs` connections in
parallel (a tenant that fails is reported and the others go on), or, `atomic`, puts every tenant
in one transaction, its locks taken in slug order so that two fleet applies never deadlock.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import psycopg
from psycopg import IsolationLevel

from pypgflow_ops.db import runtime
from pypgflow_ops.db.failure import one_line
from pypgflow_ops.deploy import apply as deploy
from pypgflow_ops.deploy import lock, record
from pypgflow_ops.deploy.apply import Outcome, StalePlanError, plan_against
from pypgflow_ops.deploy.introspect import read_live_state
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.model import Workflow
from pypgflow_ops.plan import LiveState, Origin, Plan
from pypgflow_ops.progress import Progress, no_progress


class Source(Protocol):
    """What a tenant's apply decides from: `deploy.apply.FromRepository`, `FromSavedPlan`."""

    @property
    def desired(self) -> tuple[Workflow, ...]: ...

    def decide(self, live: LiveState) -> Plan: ...


@dataclass(frozen=True, slots=True)
class Wanted:
    """One tenant of a fleet plan: the workflows its paths hold, and where they came from."""

    tenant: str
    desired: tuple[Workflow, ...]
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class TenantPlan:
    tenant: str
    plan: Plan | None = None  # None when the tenant could not be planned
    error: str | None = None
    desired: tuple[Workflow, ...] = ()
    live: LiveState | None = None

    @property
    def failed(self) -> bool:
        return self.plan is None or bool(self.plan.errors)

    @property
    def has_changes(self) -> bool:
        return self.plan is not None and self.plan.has_changes


@dataclass(frozen=True, slots=True)
class FleetPlan:
    tenants: tuple[TenantPlan, ...]

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(t.tenant for t in self.tenants if t.failed)

    @property
    def with_changes(self) -> tuple[str, ...]:
        return tuple(t.tenant for t in self.tenants if not t.failed and t.has_changes)

    @property
    def without_changes(self) -> tuple[str, ...]:
        return tuple(t.tenant for t in self.tenants if not t.failed and not t.has_changes)


def wait_for_applies(
    conn: psycopg.Connection[Any],
    tenants: Sequence[str],
    on_wait: Callable[[str], None],
    timeout_ms: int | None,
) -> None:
    """Wait until no apply holds any of the tenants' deploy locks (a plan never waits for a
    plan). The locks are let go before the plan's snapshot is taken, which must be newer."""
    with conn.transaction():
        for tenant in sorted(tenants):
            lock.acquire(conn, tenant, on_wait, timeout_ms=timeout_ms, shared=True)


def plan_fleet(
    conn: psycopg.Connection[Any],
    wanted: Sequence[Wanted],
    *,
    prune: bool,
    on_wait: Callable[[str], None],
    lock_timeout_ms: int | None = None,
    progress: Progress = no_progress,
) -> FleetPlan:
    """Every tenant's plan, read in one snapshot; a tenant that cannot be planned says why."""
    conn.isolation_level = IsolationLevel.REPEATABLE_READ
    conn.read_only = True
    wait_for_applies(conn, [w.tenant for w in wanted], on_wait, lock_timeout_ms)
    planned: list[TenantPlan] = []
    with conn.transaction():
        for each in wanted:
            live = read_live_state(conn, each.tenant, each.desired)
            try:
                plan = plan_against(
                    each.tenant, each.desired, live, prune=prune, origin=each.origin
                )
            except PypgflowError as exc:
                planned.append(TenantPlan(each.tenant, error=str(exc), live=live))
            else:
                planned.append(TenantPlan(each.tenant, plan, None, each.desired, live))
            progress(len(planned), len(wanted))
    return FleetPlan(tuple(planned))


@dataclass(frozen=True, slots=True)
class Confirmed:
    """A tenant's source held to the plan a person was shown and said yes to."""

    tenant: str
    source: Source
    decisions: Any  # record.decisions of the plan shown

    @property
    def desired(self) -> tuple[Workflow, ...]:
        return self.source.desired

    def decide(self, live: LiveState) -> Plan:
        plan = self.source.decide(live)
        if record.decisions(plan) != self.decisions:
            raise StalePlanError(
                f"tenant {self.tenant!r} changed since the plan was shown: nothing was applied "
                "to it: plan again"
            )
        return plan


@dataclass(frozen=True, slots=True)
class TenantOutcome:
    tenant: str
    outcome: Outcome | None = None  # None: the tenant failed, or (atomic) another one did
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None or self.outcome is None or bool(self.outcome.plan.errors)


Connect = Callable[[], psycopg.Connection[Any]]


def _apply_one(
    conn: psycopg.Connection[Any],
    tenant: str,
    source: Source,
    actor: str,
    on_wait: Callable[[str], None],
    lock_timeout_ms: int | None,
) -> TenantOutcome:
    try:
        outcome = deploy.apply(
            conn,
            tenant,
            source,  # type: ignore[arg-type]  # any Source decides as the two built-in ones do
            actor=actor,
            on_wait=on_wait,
            show=lambda plan: None,
            confirm=lambda: True,
            lock_timeout_ms=lock_timeout_ms,
        )
    except PypgflowError as exc:
        return TenantOutcome(tenant, error=str(exc))
    return TenantOutcome(tenant, outcome)


def apply_each(
    connect: Connect,
    sources: Sequence[tuple[str, Source]],
    *,
    jobs: int,
    actor: str,
    on_wait: Callable[[str], None],
    lock_timeout_ms: int | None = None,
    progress: Progress = no_progress,
) -> tuple[TenantOutcome, ...]:
    """Each tenant in its own transaction, over up to `jobs` connections; in slug order."""
    todo: queue.SimpleQueue[tuple[str, Source]] = queue.SimpleQueue()
    for item in sources:
        todo.put(item)
    done: dict[str, TenantOutcome] = {}
    bugs: list[BaseException] = []
    guard = threading.Lock()

    def work() -> None:
        conn: psycopg.Connection[Any] | None = None
        try:
            while True:
                try:
                    tenant, source = todo.get_nowait()
                except queue.Empty:
                    return
                if conn is None or conn.closed or conn.broken:
                    try:
                        conn = connect()
                    except PypgflowError as exc:
                        result = TenantOutcome(tenant, error=str(exc))
                    else:
                        result = _apply_one(conn, tenant, source, actor, on_wait, lock_timeout_ms)
                else:
                    result = _apply_one(conn, tenant, source, actor, on_wait, lock_timeout_ms)
                with guard:
                    done[tenant] = result
                    progress(len(done), len(sources))
        except BaseException as exc:  # a bug: reported after the others are done
            with guard:
                bugs.append(exc)
        finally:
            if conn is not None:
                conn.close()

    workers = [threading.Thread(target=work) for _ in range(max(1, min(jobs, len(sources))))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if bugs:
        raise bugs[0]
    return tuple(done[tenant] for tenant, _ in sorted(sources, key=lambda s: s[0]))


class _Refused(Exception):
    """One tenant of an atomic apply cannot be applied: roll every tenant back."""


def apply_atomic(
    conn: psycopg.Connection[Any],
    sources: Sequence[tuple[str, Source]],
    *,
    actor: str,
    on_wait: Callable[[str], None],
    lock_timeout_ms: int | None = None,
) -> tuple[TenantOutcome, ...]:
    """Every tenant in one transaction: all of them move, or none does."""
    ordered = sorted(sources, key=lambda s: s[0])
    decided: dict[str, TenantOutcome] = {}
    committing = False
    try:
        with conn.transaction():
            for tenant, _ in ordered:  # in slug order: two fleet applies never deadlock
                lock.acquire(conn, tenant, on_wait, timeout_ms=lock_timeout_ms)
            # As deploy.apply does: upgrade first, plan against what was installed before.
            installed = runtime.upgrade(conn).previous_version
            plans: list[tuple[str, Source, Plan]] = []
            for tenant, source in ordered:
                try:
                    live = read_live_state(conn, tenant, source.desired)
                    plan = source.decide(replace(live, runtime_version=installed))
                except PypgflowError as exc:
                    decided[tenant] = TenantOutcome(tenant, error=str(exc))
                    continue
                decided[tenant] = TenantOutcome(tenant, Outcome(plan, None))
                plans.append((tenant, source, plan))
            if any(t.failed for t in decided.values()):
                raise _Refused
            for tenant, source, plan in plans:
                if plan.has_changes:
                    outcome = deploy.write_plan(
                        conn, plan, source.desired, actor, lock_timeout_ms=lock_timeout_ms
                    )
                    decided[tenant] = TenantOutcome(tenant, outcome)
            committing = True
    except _Refused:
        return tuple(_not_applied(decided.get(t), t) for t, _ in ordered)
    except psycopg.Error as exc:
        if committing and conn.broken:
            raise PypgflowError(
                "the connection was lost during COMMIT, so the outcome is unknown: run plan to "
                f"see what the database holds ({one_line(exc)})"
            ) from None
        raise PypgflowError(
            f"apply failed, nothing was changed in any tenant: {one_line(exc)}"
        ) from None
    return tuple(decided[t] for t, _ in ordered)


def _not_applied(outcome: TenantOutcome | None, tenant: str) -> TenantOutcome:
    """After an atomic apply was rolled back: its own failure, or the others'."""
    if outcome is not None and outcome.failed:
        return outcome
    return TenantOutcome(tenant, error="not applied: another tenant failed (--atomic)")
