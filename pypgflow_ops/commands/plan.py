"""`pypgflow-ops plan` and `pypgflow-ops apply`: what the repository would change, and changing it.

plan exits 0 on success and 1 on an error (lint error, conflict, drift, unreachable database);
with --detailed-exitcode, 0 means no changes and 2 changes to apply (errors.ExitCode).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from typer._click import Context
from typer._click.exceptions import UsageError as CommandLineError
from typer.core import TyperCommand

from pypgflow_ops.commands.db import DATABASE_URL
from pypgflow_ops.errors import ExitCode, PypgflowError, UsageError
from pypgflow_ops.report.plan_views import PLAN_VIEWS
from pypgflow_ops.terminal import printable, wants_color

if TYPE_CHECKING:
    from collections.abc import Callable

    from pypgflow_ops.config import Config
    from pypgflow_ops.deploy.apply import FromRepository, FromSavedPlan, Outcome
    from pypgflow_ops.deploy.fleet import Source, Wanted
    from pypgflow_ops.deploy.targets import Selection
    from pypgflow_ops.model import Workflow
    from pypgflow_ops.plan import LiveState, Origin, Plan
    from pypgflow_ops.problems import LintResult

DETAILED_EXITCODE = "--detailed-exitcode"


class DetailedExitcodeCommand(TyperCommand):
    """plan's command line: with --detailed-exitcode, 2 means changes, so a usage error exits 1."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        options = args[: args.index("--")] if "--" in args else [*args]  # the parser eats args
        try:
            return super().parse_args(ctx, args)
        except CommandLineError as exc:
            if DETAILED_EXITCODE in options:
                exc.exit_code = ExitCode.FAILURE
            raise


TENANT = typer.Option(
    ...,
    "--tenant",
    help="The tenant's slug: 1 to 63 of a-z, 0-9, '_' and '-'.",
    show_default=False,
)
TENANTS = typer.Option(
    None,
    "--tenant",
    help="A tenant's slug (1 to 63 of a-z, 0-9, '_' and '-'); give it once per tenant.",
    show_default=False,
)
ALL_TENANTS = typer.Option(
    False, "--all-tenants", help="Every tenant of the configuration's `tenants` table."
)
LOCK_TIMEOUT = typer.Option(
    None,
    "--lock-timeout",
    help="Give up waiting for a deploy lock after DURATION (500ms, 30s, 2m). Default: wait.",
    show_default=False,
)
PRUNE = typer.Option(False, "--prune", help="Retire workflows that the repository no longer has.")
PATHS = typer.Argument(
    None,
    help="Workflow files or folders. Default: `paths` from the configuration, else workflows/.",
    show_default=False,
)


if TYPE_CHECKING:
    PlanFormat = str
else:  # typer offers an enum's values as the choices: built from the views table, not repeated
    PlanFormat = StrEnum("PlanFormat", {name: name for name in PLAN_VIEWS})


def _linted(
    paths: list[Path], config: Config, refused: Callable[[LintResult], str] | None = None
) -> tuple[list[Path], tuple[Workflow, ...]]:
    """The paths read and the repository's workflows; any lint error stops the command before
    the database, after `refused` has said so on stdout (a document CI can still post)."""
    from pypgflow_ops.lint import lint_paths
    from pypgflow_ops.progress import Bar
    from pypgflow_ops.report.lint import LINT_FORMATS

    with Bar("Linting") as progress:
        result = lint_paths(paths, config, progress)
    if result.errors:
        typer.echo(LINT_FORMATS["text"](result, color=False), err=True, nl=False)
        if refused:
            typer.echo(refused(result), nl=False)
        errors = f"{result.errors} error{'' if result.errors == 1 else 's'}"
        raise PypgflowError(f"lint found {errors}: fix them, then plan again")
    return paths, result.workflows


def _origin(paths: list[Path], desired: tuple[Workflow, ...]) -> Origin:
    from pypgflow_ops.deploy.origin import origin

    return origin([w.source for w in desired if w.source], paths)


def _selected(
    paths: list[Path] | None, tenant: list[str] | None, all_tenants: bool
) -> tuple[Config, Selection]:
    from pypgflow_ops.config import load_config
    from pypgflow_ops.deploy.targets import select

    config = load_config(None)
    return config, select(tenant, all_tenants, paths, config)


def _wanted(
    selection: Selection, config: Config, refused: Callable[[LintResult], str] | None = None
) -> list[Wanted]:
    """Each tenant's workflows, linted once per set of paths."""
    from pypgflow_ops.deploy.fleet import Wanted

    read: dict[tuple[Path, ...], Wanted] = {}
    wanted = []
    for target in selection.targets:
        if target.paths not in read:
            paths, desired = _linted(list(target.paths), config, refused)
            read[target.paths] = Wanted(target.tenant, desired, _origin(paths, desired))
        known = read[target.paths]
        wanted.append(Wanted(target.tenant, known.desired, known.origin))
    return wanted


def _milliseconds(lock_timeout: str | None) -> int | None:
    from pypgflow_ops.deploy.lock import milliseconds

    return None if lock_timeout is None else milliseconds(lock_timeout)


def plan(
    paths: list[Path] = PATHS,
    tenant: list[str] | None = TENANTS,
    all_tenants: bool = ALL_TENANTS,
    database_url: str | None = DATABASE_URL,
    output_format: PlanFormat = typer.Option("text", "--format", "-f", help="Output format."),
    out: Path | None = typer.Option(
        None, "--out", help="Save the plan, for `apply --plan FILE`.", show_default=False
    ),
    detailed_exitcode: bool = typer.Option(
        False, DETAILED_EXITCODE, help="Exit 0 with no changes, 2 with changes, 1 on error."
    ),
    prune: bool = PRUNE,
    lock_timeout: str | None = LOCK_TIMEOUT,
    fail_on_stranded: bool = typer.Option(
        False,
        "--fail-on-stranded",
        help="Exit 1 when applying would leave running instances in a state the version new "
        "starts use lacks.",
    ),
) -> int:
    """Show what apply would change in the database."""
    from pypgflow_ops.commands import fleet
    from pypgflow_ops.deploy.apply import plan_against
    from pypgflow_ops.report.plan_views import ViewContext

    view = PLAN_VIEWS[output_format]
    try:
        config, selection = _selected(paths, tenant, all_tenants)
        timeout = _milliseconds(lock_timeout)
        # One tenant's document for CI when lint refuses the files (a fleet's report says it all)
        single = None if selection.fleet else selection.targets[0].tenant
        refused = partial(view.refused, single) if view.refused and single else None
        wanted = _wanted(selection, config, refused)
    except UsageError as exc:
        if not detailed_exitcode:
            raise
        raise PypgflowError(str(exc)) from None  # exit 2 means "changes" here: say 1
    if selection.fleet:
        return fleet.plan(
            selection,
            wanted,
            database_url=database_url,
            output_format=output_format,
            out=out,
            detailed_exitcode=detailed_exitcode,
            prune=prune,
            lock_timeout_ms=timeout,
            color=wants_color(),
            fail_on_stranded=fail_on_stranded,
        )
    [(tenant_slug, desired, origin)] = [(w.tenant, w.desired, w.origin) for w in wanted]
    live = _read_live_state(database_url, tenant_slug, desired, timeout)
    planned = plan_against(tenant_slug, desired, live, prune=prune, origin=origin)
    if out is not None:
        _save(out, planned, desired, live, prune)
    context = ViewContext(desired, live, color=wants_color())
    typer.echo(view.render(planned, context), nl=False)
    if planned.errors or (fail_on_stranded and refuse_stranded(planned.stranded)):
        return ExitCode.FAILURE
    return ExitCode.CHANGES if detailed_exitcode and planned.has_changes else ExitCode.OK


def refuse_stranded(stranded: int) -> bool:
    """--fail-on-stranded: say so on stderr when the plan strands running instances."""
    if stranded:
        instances = f"{stranded} running instance{'' if stranded == 1 else 's'}"
        _say(
            f"{instances} would be left in a state the version new starts use lacks "
            "(--fail-on-stranded): map them in a `migrate:` section, or plan without the flag"
        )
    return bool(stranded)


def _read_live_state(
    database_url: str | None,
    tenant: str,
    desired: tuple[Workflow, ...],
    lock_timeout_ms: int | None,
) -> LiveState:
    from psycopg import IsolationLevel

    from pypgflow_ops.db.connect import resolve_database_url, session
    from pypgflow_ops.deploy.fleet import wait_for_applies
    from pypgflow_ops.deploy.introspect import read_live_state

    with session(resolve_database_url(database_url)) as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ  # one snapshot for every query
        conn.read_only = True
        wait_for_applies(conn, [tenant], _say, lock_timeout_ms)
        return read_live_state(conn, tenant, desired)


def _say(message: str) -> None:
    typer.echo(message, err=True)


def _save(
    out: Path, planned: Plan, desired: tuple[Workflow, ...], live: LiveState, prune: bool
) -> None:
    import shlex

    from pypgflow_ops.deploy import saved_plan
    from pypgflow_ops.deploy.fingerprint import fingerprint

    if planned.errors:
        typer.echo(printable(f"The plan was not saved to {out}: it has errors."), err=True)
        return
    saved_plan.write(out, saved_plan.saved(planned, desired, fingerprint(live), prune=prune))
    command = shlex.join(["apply", "--plan", str(out), "--tenant", planned.tenant])
    typer.echo(printable(f"Saved the plan to {out}: apply it with `{command}`."), err=True)


def apply(
    paths: list[Path] = PATHS,
    plan_file: Path | None = typer.Option(
        None, "--plan", help="Apply a plan saved by `plan --out FILE`.", show_default=False
    ),
    tenant: list[str] | None = TENANTS,
    all_tenants: bool = ALL_TENANTS,
    database_url: str | None = DATABASE_URL,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    prune: bool = PRUNE,
    actor: str | None = typer.Option(
        None,
        "--actor",
        help="Who applies (default: GITHUB_ACTOR, else the OS user, else its uid).",
        show_default=False,
    ),
    lock_timeout: str | None = LOCK_TIMEOUT,
    jobs: int = typer.Option(
        4, "--jobs", "-j", help="Several tenants: how many to apply at once, each on its own."
    ),
    atomic: bool = typer.Option(
        False, "--atomic", help="Several tenants: all in one transaction, all or none."
    ),
) -> int:
    """Apply the repository's workflow definitions to the database, in one transaction."""
    from pypgflow_ops.commands import fleet
    from pypgflow_ops.db.connect import resolve_database_url, session
    from pypgflow_ops.deploy import apply as deploy
    from pypgflow_ops.deploy import identity
    from pypgflow_ops.report import plan_text

    config, selection = _selected(paths, tenant, all_tenants)
    timeout = _milliseconds(lock_timeout)
    if selection.fleet:
        return fleet.apply(
            _fleet_sources(selection, config, plan_file, paths, prune),
            database_url=database_url,
            actor=identity.actor(actor),
            yes=yes,
            jobs=jobs,
            atomic=atomic or plan_file is not None,  # a saved fleet plan lands whole or not
            lock_timeout_ms=timeout,
        )
    [target] = selection.targets
    tenant_slug = target.tenant
    source = _source(list(target.paths), plan_file, tenant_slug, prune, config, bool(paths))

    def show(plan: Plan) -> None:
        typer.echo(plan_text.render(plan, color=wants_color()), nl=False)

    def confirm() -> bool:
        if yes:
            return True
        if not sys.stdin.isatty():
            raise PypgflowError(
                "not applied: standard input is not a terminal, so nobody can confirm; "
                "run again with --yes to apply without asking"
            )
        return typer.confirm("Apply these changes?", default=False)

    with session(resolve_database_url(database_url)) as conn:
        outcome = deploy.apply(
            conn,
            tenant_slug,
            source,
            actor=identity.actor(actor),
            on_wait=_say,
            show=show,
            confirm=confirm,
            lock_timeout_ms=timeout,
        )
    return _reported(outcome)


def _fleet_sources(
    selection: Selection,
    config: Config,
    plan_file: Path | None,
    paths: list[Path] | None,
    prune: bool,
) -> Sequence[tuple[str, Source]]:
    """What to apply to each tenant: its workflows, or its part of a saved fleet plan."""
    from pypgflow_ops.commands import fleet
    from pypgflow_ops.deploy.apply import FromRepository

    if plan_file is None:
        return [
            (w.tenant, FromRepository(w.tenant, w.desired, prune, w.origin))
            for w in _wanted(selection, config)
        ]
    if paths or prune:
        raise UsageError("a saved plan is applied as it was made: no paths, no --prune")
    return fleet.saved_sources(plan_file, selection, config)


def _source(
    paths: list[Path],
    plan_file: Path | None,
    tenant: str,
    prune: bool,
    config: Config,
    paths_given: bool,
) -> FromRepository | FromSavedPlan:
    """What to apply: the repository's workflows, or a saved plan."""
    from pypgflow_ops.deploy import saved_plan
    from pypgflow_ops.deploy.apply import FromRepository, FromSavedPlan

    if plan_file is None:
        paths, desired = _linted(paths, config)
        return FromRepository(tenant, desired, prune, _origin(paths, desired))
    if paths_given or prune:
        raise UsageError("a saved plan is applied as it was made: no paths, no --prune")
    saved = saved_plan.read(plan_file, config)
    if saved.tenant != tenant:
        raise UsageError(f"{plan_file} is a plan for tenant {saved.tenant!r}, not {tenant!r}")
    return FromSavedPlan(saved, str(plan_file))


def _reported(outcome: Outcome) -> int:
    if outcome.plan.errors:
        return ExitCode.FAILURE
    if outcome.deployment_id is not None:
        from pypgflow_ops.deploy.migrate import described

        for line in described(outcome.migrated):
            typer.echo(line)
        typer.echo(f"Applied (deployment {outcome.deployment_id}).")
    elif outcome.plan.has_changes:
        typer.echo("Cancelled: nothing was changed.")
        return ExitCode.FAILURE
    return ExitCode.OK
