"""The command line: parse arguments, call one core function, report, return an exit code.

Command modules import their heavy dependencies inside the command, so `--help` stays fast.
"""

from __future__ import annotations

import sys

import typer

from pypgflow_ops import __version__
from pypgflow_ops.commands import db, diagram, lint, plan
from pypgflow_ops.commands.dev import dev
from pypgflow_ops.commands.export import export
from pypgflow_ops.commands.instances import app as instances_app
from pypgflow_ops.commands.workflows import app as workflows_app
from pypgflow_ops.errors import (
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    error_boundary,
    fail,
    unexpected,
)

app = typer.Typer(
    name="pypgflow-ops",
    help="Keep workflow definitions in git and deploy them to PostgreSQL.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pypgflow-ops {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Keep workflow definitions in git and deploy them to PostgreSQL."""


app.command("lint")(error_boundary(lint.lint))
app.command("plan")(error_boundary(plan.plan))
app.command("apply")(error_boundary(plan.apply))
app.command("diagram")(error_boundary(diagram.diagram))
app.add_typer(db.app, name="db")
app.command("export")(error_boundary(export))
app.command("dev")(error_boundary(dev))
app.add_typer(workflows_app, name="workflows")
app.add_typer(instances_app, name="instances")


def _usage_exit_code(args: list[str]) -> int:
    # terraform's convention: with --detailed-exitcode, 2 means "changes", so errors must be 1.
    return EXIT_FAILURE if "plan" in args and "--detailed-exitcode" in args else EXIT_USAGE


def main() -> None:
    args = sys.argv[1:]
    try:
        code = app(args, prog_name="pypgflow-ops", standalone_mode=False)
    except KeyboardInterrupt:
        raise fail("interrupted", EXIT_INTERRUPTED) from None
    except Exception as exc:  # the outermost boundary, for anything outside a command
        show = getattr(exc, "show", None)
        if callable(show) and isinstance(getattr(exc, "exit_code", None), int):
            show()  # a usage error from parsing the command line, said as click says it
            raise SystemExit(_usage_exit_code(args)) from None
        raise unexpected(exc) from None
    if isinstance(code, int) and code:
        raise SystemExit(code)
