"""`plan` and `apply` for several tenants (`--tenant` more than once, or `--all-tenants`): the
command line's side of `deploy.fleet`, called by commands/plan.py.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from pypgflow_ops.errors import ExitCode, PypgflowError, UsageError

if TYPE_CHECKING:
    from pypgflow_ops.config import Config
    from pypgflow_ops.deploy.fleet import FleetPlan, Source, TenantOutcome, Wanted
    from pypgflow_ops.deploy.targets import Selection


def _say(message: str) -> None:
    typer.echo(message, err=True)


def _connector(database_url: str | None) -> Callable[[], Any]:
    from pypgflow_ops.db.connect import connect, resolve_database_url

    url = resolve_database_url(database_url)
    return lambda: connect(url)


def read_plan(
    wanted: Sequence[Wanted], database_url: str | None, prune: bool, lock_timeout_ms: int | None
) -> FleetPlan:
    from pypgflow_ops.deploy.fleet import plan_fleet
    from pypgflow_ops.progress import Bar

    with _connector(database_url)() as conn, Bar("Tenants") as progress:
        return plan_fleet(
            conn,
            wanted,
            prune=prune,
            on_wait=_say,
            lock_timeout_ms=lock_timeout_ms,
            progress=progress,
        )


def plan(
    selection: Selection,
    wanted: Sequence[Wanted],
    *,
    database_url: str | None,
    output_format: str,
    out: Path | None,
    detailed_exitcode: bool,
    prune: bool,
    lock_timeout_ms: int | None,
    color: bool,
    fail_on_stranded: bool = False,
) -> int:
    from pypgflow_ops.commands.plan import refuse_stranded
    from pypgflow_ops.report.fleet_views import FLEET_VIEWS

    fleet = read_plan(wanted, database_url, prune, lock_timeout_ms)
    if out is not None:
        _save(out, fleet, selection, prune)
    typer.echo(FLEET_VIEWS[output_format](fleet, color), nl=False)
    stranded = sum(t.plan.stranded for t in fleet.tenants if t.plan is not None)
    if fleet.failed or (fail_on_stranded and refuse_stranded(stranded)):
        return ExitCode.FAILURE
    return ExitCode.CHANGES if detailed_exitcode and fleet.with_changes else ExitCode.OK


def _tenant_options(selection: Selection) -> list[str]:
    return [option for tenant in selection.tenants for option in ("--tenant", tenant)]


def _save(out: Path, fleet: FleetPlan, selection: Selection, prune: bool) -> None:
    from pypgflow_ops.deploy import fleet_plan_file, saved_plan
    from pypgflow_ops.deploy.fingerprint import fingerprint

    if fleet.failed:
        typer.echo(f"The plan was not saved to {out}: it has errors.", err=True)
        return
    plans = []
    for each in fleet.tenants:
        assert each.plan is not None and each.live is not None  # not failed
        plans.append(saved_plan.saved(each.plan, each.desired, fingerprint(each.live), prune=prune))
    fleet_plan_file.write(out, plans)
    command = shlex.join(["apply", "--plan", str(out), *_tenant_options(selection)])
    typer.echo(f"Saved the plan to {out}: apply it with `{command}`.", err=True)


def saved_sources(
    plan_file: Path, selection: Selection, config: Config
) -> Sequence[tuple[str, Source]]:
    """A fleet plan file's tenants, which must be exactly the ones named."""
    from pypgflow_ops.deploy import fleet_plan_file
    from pypgflow_ops.deploy.apply import FromSavedPlan

    plans = fleet_plan_file.read(plan_file, config)
    made_for = sorted(p.tenant for p in plans)
    if made_for != sorted(selection.tenants):
        raise UsageError(
            f"{plan_file} is a plan for tenants {', '.join(made_for)}, not "
            f"{', '.join(sorted(selection.tenants))}: name the same tenants"
        )
    return [(p.tenant, FromSavedPlan(p, str(plan_file))) for p in plans]


def _consented(
    sources: Sequence[tuple[str, Source]], database_url: str | None, lock_timeout_ms: int | None
) -> Sequence[tuple[str, Source]] | None:
    """At a terminal without --yes: show the fleet's plan and ask once; the tenants are then
    held to it. None: no."""
    from pypgflow_ops.deploy import record
    from pypgflow_ops.deploy.fleet import Confirmed, Wanted
    from pypgflow_ops.report.fleet_views import text

    if not sys.stdin.isatty():
        raise PypgflowError(
            "not applied: standard input is not a terminal, so nobody can confirm; "
            "run again with --yes to apply without asking"
        )
    wanted = [Wanted(tenant, source.desired) for tenant, source in sources]
    decided: dict[str, Any] = {}
    fleet = read_plan(wanted, database_url, False, lock_timeout_ms)
    for (tenant, source), each in zip(sources, fleet.tenants, strict=True):
        if each.live is not None:
            try:
                decided[tenant] = record.decisions(source.decide(each.live))
            except PypgflowError:  # refused again under the lock, where it is reported
                decided[tenant] = None
    typer.echo(text(fleet, color=sys.stdout.isatty()), nl=False)
    if not typer.confirm(f"Apply these changes to {len(sources)} tenants?", default=False):
        return None
    return [(t, Confirmed(t, s, decided.get(t))) for t, s in sources]


def apply(
    sources: Sequence[tuple[str, Source]],
    *,
    database_url: str | None,
    actor: str,
    yes: bool,
    jobs: int,
    atomic: bool,
    lock_timeout_ms: int | None,
) -> int:
    from pypgflow_ops.deploy import fleet
    from pypgflow_ops.progress import Bar

    if jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    if not yes:
        confirmed = _consented(sources, database_url, lock_timeout_ms)
        if confirmed is None:
            typer.echo("Cancelled: nothing was changed.")
            return ExitCode.FAILURE
        sources = confirmed
    connect = _connector(database_url)
    if atomic:
        with connect() as conn:
            outcomes = fleet.apply_atomic(
                conn, sources, actor=actor, on_wait=_say, lock_timeout_ms=lock_timeout_ms
            )
    else:
        with Bar("Tenants") as progress:
            outcomes = fleet.apply_each(
                connect,
                sources,
                jobs=jobs,
                actor=actor,
                on_wait=_say,
                lock_timeout_ms=lock_timeout_ms,
                progress=progress,
            )
    typer.echo(report(outcomes), nl=False)
    return ExitCode.FAILURE if any(o.failed for o in outcomes) else ExitCode.OK


def _result(outcome: TenantOutcome) -> str:
    from pypgflow_ops.plan import Action
    from pypgflow_ops.terminal import printable

    name = printable(outcome.tenant)
    if outcome.outcome is None:
        return f"{name}: failed, nothing changed: {printable(outcome.error or '')}"
    plan = outcome.outcome.plan
    versions = ", ".join(
        f"{printable(c.workflow)} {printable(c.version)}"
        for c in plan.changes
        if not c.action.error and c.action is not Action.RETIRE
    )
    if plan.errors:
        return f"{name}: refused, nothing changed ({len(plan.errors)} errors)"
    if outcome.outcome.deployment_id is not None:
        from pypgflow_ops.deploy.migrate import described

        moved = "".join(f"\n  {line}" for line in described(outcome.outcome.migrated))
        return (
            f"{name}: applied (deployment {outcome.outcome.deployment_id}): now on {versions}"
            + moved
        )
    return f"{name}: no changes: on {versions}"


def report(outcomes: Sequence[TenantOutcome]) -> str:
    """Each tenant's plan, then where every tenant stands, then one "Fleet:" line."""
    from pypgflow_ops.report import plan_text

    parts = [plan_text.render(o.outcome.plan) for o in outcomes if o.outcome is not None]
    applied = [o.tenant for o in outcomes if o.outcome and o.outcome.deployment_id]
    failed = [o.tenant for o in outcomes if o.failed]
    unchanged = len(outcomes) - len(applied) - len(failed)
    lines = [
        *parts,
        *(_result(o) for o in outcomes),
        f"Fleet: {len(outcomes)} tenants: {len(applied)} applied, {unchanged} without changes, "
        f"{len(failed)} failed{' (' + ', '.join(failed) + ')' if failed else ''}.",
    ]
    return "\n".join(lines) + "\n"
