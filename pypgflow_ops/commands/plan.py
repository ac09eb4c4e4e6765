"""`pypgflow-ops plan` and `pypgflow-ops apply`: what the repository would change, and changing it.

plan exits 0 on success and 1 on an error (lint error, conflict, drift, unreachable database);
with --detailed-exitcode, 0 means no changes and 2 changes to apply (errors.ExitCode).
"""

from __future__ import annotations

import os
import sys
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

    from pypgflow_ops.deploy.apply import FromRepository, FromSavedPlan, Outcome
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
    paths: list[Path] | None, refused: Callable[[LintResult], str] | None = None
) -> tuple[list[Path], tuple[Workflow, ...]]:
    """The paths read and the repository's workflows; any lint error stops the command before
    the database, after `refused` has said so on stdout (a document CI can still post)."""
    from pypgflow_ops.config import load_config
    from pypgflow_ops.lint import lint_paths
    from pypgflow_ops.progress import Bar
    from pypgflow_ops.report.lint import LINT_FORMATS

    config = load_config(None)
    if not paths:
        base = config.source.parent if config.source else Path()
        paths = [Path(os.path.relpath(base / p)) for p in config.paths]
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


def plan(
    paths: list[Path] = PATHS,
    tenant: str = TENANT,
    database_url: str | None = DATABASE_URL,
    output_format: PlanFormat = typer.Option("text", "--format", "-f", help="Output format."),
    out: Path | None = typer.Option(
        None, "--out", help="Save the plan, for `apply --plan FILE`.", show_default=False
    ),
    detailed_exitcode: bool = typer.Option(
        False, DETAILED_EXITCODE, help="Exit 0 with no changes, 2 with changes, 1 on error."
    ),
    prune: bool = PRUNE,
) -> int:
    """Show what apply would change in the database."""
    from pypgflow_ops.deploy.apply import plan_against
    from pypgflow_ops.deploy.tenant import checked_slug
    from pypgflow_ops.report.plan_views import ViewContext

    view = PLAN_VIEWS[output_format]
    refused = partial(view.refused, tenant) if view.refused else None
    try:
        checked_slug(tenant)
        paths, desired = _linted(paths, refused)
    except UsageError as exc:
        if not detailed_exitcode:
            raise
        raise PypgflowError(str(exc)) from None  # exit 2 means "changes" here: say 1
    live = _read_live_state(database_url, tenant, desired)
    planned = plan_against(tenant, desired, live, prune=prune, origin=_origin(paths, desired))
    if out is not None:
        _save(out, planned, desired, live, prune)
    context = ViewContext(desired, live, color=wants_color())
    typer.echo(view.render(planned, context), nl=False)
    if planned.errors:
        return ExitCode.FAILURE
    return ExitCode.CHANGES if detailed_exitcode and planned.has_changes else ExitCode.OK


def _read_live_state(
    database_url: str | None, tenant: str, desired: tuple[Workflow, ...]
) -> LiveState:
    from psycopg import IsolationLevel

    from pypgflow_ops.db.connect import resolve_database_url, session
    from pypgflow_ops.deploy.introspect import read_live_state

    with session(resolve_database_url(database_url)) as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ  # one snapshot for every query
        conn.read_only = True
        return read_live_state(conn, tenant, desired)


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
    tenant: str = TENANT,
    database_url: str | None = DATABASE_URL,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    prune: bool = PRUNE,
    actor: str | None = typer.Option(
        None,
        "--actor",
        help="Who applies (default: GITHUB_ACTOR, else the OS user, else its uid).",
        show_default=False,
    ),
) -> int:
    """Apply the repository's workflow definitions to the database, in one transaction."""
    from pypgflow_ops.db.connect import resolve_database_url, session
    from pypgflow_ops.deploy import apply as deploy
    from pypgflow_ops.deploy import identity
    from pypgflow_ops.deploy.tenant import checked_slug
    from pypgflow_ops.report import plan_text

    source = _source(paths, plan_file, checked_slug(tenant), prune)

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
            tenant,
            source,
            actor=identity.actor(actor),
            on_wait=lambda message: typer.echo(message, err=True),
            show=show,
            confirm=confirm,
        )
    return _reported(outcome)


def _source(
    paths: list[Path] | None, plan_file: Path | None, tenant: str, prune: bool
) -> FromRepository | FromSavedPlan:
    """What to apply: the repository's workflows, or a saved plan."""
    from pypgflow_ops.config import load_config
    from pypgflow_ops.deploy import saved_plan
    from pypgflow_ops.deploy.apply import FromRepository, FromSavedPlan

    if plan_file is None:
        paths, desired = _linted(paths)
        return FromRepository(tenant, desired, prune, _origin(paths, desired))
    if paths or prune:
        raise UsageError("a saved plan is applied as it was made: no paths, no --prune")
    saved = saved_plan.read(plan_file, load_config(None))
    if saved.tenant != tenant:
        raise UsageError(f"{plan_file} is a plan for tenant {saved.tenant!r}, not {tenant!r}")
    return FromSavedPlan(saved, str(plan_file))


def _reported(outcome: Outcome) -> int:
    if outcome.plan.errors:
        return ExitCode.FAILURE
    if outcome.deployment_id is not None:
        typer.echo(f"Applied (deployment {outcome.deployment_id}).")
    elif outcome.plan.has_changes:
        typer.echo("Cancelled: nothing was changed.")
        return ExitCode.FAILURE
    return ExitCode.OK
