"""The command line: parse arguments, call one core function, report, return an exit code.

Command modules import their heavy dependencies inside the command, so `--help` stays fast.
"""

from __future__ import annotations

import typer
from typer._click.exceptions import ClickException

from pypgflow_ops import __version__
from pypgflow_ops.commands import db, diagram, lint, plan, test
from pypgflow_ops.commands.dev import dev
from pypgflow_ops.commands.export import export
from pypgflow_ops.commands.instances import app as instances_app
from pypgflow_ops.commands.workflows import app as workflows_app
from pypgflow_ops.errors import ExitCode, bug, error_boundary, fail
from pypgflow_ops.terminal import printable

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
    debug: bool = typer.Option(
        False, "--debug", help="On an internal error, show the traceback instead of saving it."
    ),
) -> None:
    """Keep workflow definitions in git and deploy them to PostgreSQL."""


app.command("lint")(error_boundary(lint.lint))
app.command("plan", cls=plan.DetailedExitcodeCommand)(error_boundary(plan.plan))
app.command("apply")(error_boundary(plan.apply))
app.command("diagram")(error_boundary(diagram.diagram))
app.command("test")(error_boundary(test.test))
app.add_typer(db.app, name="db")
app.command("export")(error_boundary(export))
app.command("dev")(error_boundary(dev))
app.add_typer(workflows_app, name="workflows")
app.add_typer(instances_app, name="instances")


def main() -> None:
    try:
        code = app(prog_name="pypgflow-ops", standalone_mode=False)
    except ClickException as exc:  # a usage error from parsing the command line
        exc.message = printable(exc.message)  # it may quote what was typed
        exc.show()
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        raise fail("aborted", ExitCode.FAILURE) from None
    except KeyboardInterrupt:
        raise fail("interrupted", ExitCode.INTERRUPTED) from None
    except Exception as exc:  # the outermost boundary, for anything outside a command
        raise bug(exc) from None
    if isinstance(code, int) and code:
        raise SystemExit(code)
