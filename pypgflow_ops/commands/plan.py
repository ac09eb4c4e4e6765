"""`pypgflow-ops plan` and `pypgflow-ops apply`: what the repository would change, and changing it.

plan exits 0 on success and 1 on an error (lint error, conflict, drift, unreachable database);
with --detailed-exitcode, 0 means no changes and 2 changes to apply.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from pypgflow_ops.commands.db import DATABASE_URL
from pypgflow_ops.errors import EXIT_FAILURE, EXIT_OK, PypgflowError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from pypgflow_ops.deploy.apply import FromRepository, FromSavedPlan, Outcome
    from pypgflow_ops.deploy.saved_plan import SavedPlan
    from pypgflow_ops.model import Workflow
    from pypgflow_ops.plan import LiveState, Plan
    from pypgflow_ops.problems import LintResult

EXIT_CHANGES = 2


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


class PlanFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


def _wants_color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _linted(
    paths: list[Path] | None, refused: Callable[[LintResult], str] | None = None
) -> tuple[Workflow, ...]:
    """The repository's workflows; any lint error stops the command before the database,
    after `refused` has said so on stdout (a document CI can still post)."""
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
        typer.echo(LINT_FORMATS["text"].render(result, color=False), err=True, nl=False)
        if refused:
            typer.echo(refused(result), nl=False)
        errors = f"{result.errors} error{'' if result.errors == 1 else 's'}"
        raise PypgflowError(f"lint found {errors}: fix them, then plan again")
    return result.workflows


def plan(
    paths: list[Path] = PATHS,
    tenant: str = TENANT,
    database_url: str | None = DATABASE_URL,
    output_format: PlanFormat = typer.Option(
        PlanFormat.TEXT, "--format", "-f", help="Output format."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Save the plan, for `apply --plan FILE`.", show_default=False
    ),
    detailed_exitcode: bool = typer.Option(
        False, "--detailed-exitcode", help="Exit 0 with no changes, 2 with changes, 1 on error."
    ),
    prune: bool = PRUNE,
) -> int:
    """Show what apply would change in the database."""
    from pypgflow_ops.deploy.apply import plan_against
    from pypgflow_ops.deploy.tenant import checked_slug

    try:
        checked_slug(tenant)
        desired = _linted(paths, _lint_refusal(output_format, tenant))
    except UsageError as exc:
        if not detailed_exitcode:
            raise
        raise PypgflowError(str(exc)) from None  # exit 2 means "changes" here: say 1
    live = _read_live_state(database_url, tenant, desired)
    saved = plan_against(tenant, desired, live, prune=prune, git_commit=_git_commit(paths))
    if out is not None:
        _save(out, saved)
    typer.echo(_render(output_format, saved, desired, live), nl=False)
    if saved.plan.errors:
        return EXIT_FAILURE
    return EXIT_CHANGES if detailed_exitcode and saved.plan.has_changes else EXIT_OK


def _git_commit(paths: list[Path] | None) -> str | None:
    from pypgflow_ops.deploy.identity import git_commit

    return git_commit(paths[0] if paths else Path())


def _read_live_state(
    database_url: str | None, tenant: str, desired: tuple[Workflow, ...]
) -> LiveState:
    from psycopg import IsolationLevel

    from pypgflow_ops.db.connect import connect, resolve_database_url
    from pypgflow_ops.deploy.introspect import read_live_state

    with connect(resolve_database_url(database_url)) as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ  # one snapshot for every query
        conn.read_only = True
        return read_live_state(conn, tenant, desired)


def _save(out: Path, saved: SavedPlan) -> None:
    import shlex

    from pypgflow_ops.deploy import saved_plan

    if saved.plan.errors:
        typer.echo(f"The plan was not saved to {out}: it has errors.", err=True)
        return
    saved_plan.write(out, saved)
    command = shlex.join(["apply", "--plan", str(out), "--tenant", saved.plan.tenant])
    typer.echo(f"Saved the plan to {out}: apply it with `{command}`.", err=True)


def _render(
    output_format: PlanFormat, saved: SavedPlan, desired: tuple[Workflow, ...], live: LiveState
) -> str:
    from pypgflow_ops.report import plan_json, plan_markdown, plan_text

    plan = saved.plan
    if output_format is PlanFormat.JSON:
        return plan_json.render(plan)
    if output_format is PlanFormat.MARKDOWN:
        diagrams = plan_markdown.change_diagrams(plan, desired, live)
        plan_hash = f"sha256:{plan.content_hash()}"
        return plan_markdown.render(
            plan, diagrams=diagrams, plan_hash=plan_hash, fingerprint=saved.fingerprint
        )
    return plan_text.render(plan, color=_wants_color())


def _lint_refusal(output_format: PlanFormat, tenant: str) -> Callable[[LintResult], str] | None:
    """For the formats CI posts or parses: the lint problems as that document."""
    from pypgflow_ops.report import plan_json, plan_markdown

    if output_format is PlanFormat.JSON:
        return lambda result: plan_json.render_lint_failure(tenant, result)
    if output_format is PlanFormat.MARKDOWN:
        return lambda result: plan_markdown.render_lint_failure(tenant, result)
    return None


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
    from pypgflow_ops.db.connect import connect, resolve_database_url
    from pypgflow_ops.deploy import apply as deploy
    from pypgflow_ops.deploy import identity
    from pypgflow_ops.deploy.tenant import checked_slug
    from pypgflow_ops.report import plan_text

    source = _source(paths, plan_file, checked_slug(tenant), prune)

    def show(plan: Plan) -> None:
        typer.echo(plan_text.render(plan, color=_wants_color()), nl=False)

    def confirm() -> bool:
        if yes or not sys.stdin.isatty():
            return True
        return typer.confirm("Apply these changes?", default=False)

    with connect(resolve_database_url(database_url)) as conn:
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
    from pypgflow_ops.deploy import saved_plan
    from pypgflow_ops.deploy.apply import FromRepository, FromSavedPlan

    if plan_file is None:
        return FromRepository(tenant, _linted(paths), prune, _git_commit(paths))
    if paths or prune:
        raise UsageError("a saved plan is applied as it was made: no paths, no --prune")
    saved = saved_plan.read(plan_file)
    if saved.plan.tenant != tenant:
        raise UsageError(f"{plan_file} is a plan for tenant {saved.plan.tenant!r}, not {tenant!r}")
    return FromSavedPlan(saved)


def _reported(outcome: Outcome) -> int:
    if outcome.plan.errors:
        return EXIT_FAILURE
    if outcome.deployment_id is not None:
        typer.echo(f"Applied (deployment {outcome.deployment_id}).")
    elif outcome.plan.has_changes:
        typer.echo("Cancelled: nothing was changed.")
        return EXIT_FAILURE
    return EXIT_OK
