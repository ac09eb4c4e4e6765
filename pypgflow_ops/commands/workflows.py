"""`pypgflow-ops workflows list|show`: the tenant's applied workflows, through the api views."""

from __future__ import annotations

import typer

from pypgflow_ops.commands.runtime_options import (
    AS,
    DATABASE_URL,
    FORMAT,
    TENANT,
    chosen_format,
    echo_rows,
    subject,
    utf8,
)
from pypgflow_ops.errors import ExitCode, error_boundary
from pypgflow_ops.model import WILDCARD
from pypgflow_ops.report.rows import RowFormat, render_json, render_table

app = typer.Typer(help="List and show the tenant's applied workflows.", no_args_is_help=True)

LIST_COLUMNS = ("id", "name", "version", "revision", "active", "retired_at")
STATE_COLUMNS = ("name", "initial", "final", "metadata")
TRANSITION_COLUMNS = ("from_state", "to_state", "name", "conditions")


def list_(
    tenant: str = TENANT,
    database_url: str | None = DATABASE_URL,
    output_format: RowFormat | None = FORMAT,
    as_: str | None = AS,
) -> int:
    """Every applied version (rows of api.workflows)."""
    from pypgflow_ops.deploy.tenant import checked_slug
    from pypgflow_ops.operate import calls
    from pypgflow_ops.operate.session import tenant_request

    with tenant_request(database_url, checked_slug(tenant), subject(as_)) as cur:
        rows = calls.list_workflows(cur)
    echo_rows(rows, output_format, LIST_COLUMNS, empty="No workflows.")
    return ExitCode.OK


def show(
    name: str = typer.Argument(..., help="The workflow's name.", callback=utf8),
    version: str | None = typer.Option(
        None, "--version", help="Default: the active version.", show_default=False, callback=utf8
    ),
    tenant: str = TENANT,
    database_url: str | None = DATABASE_URL,
    output_format: RowFormat | None = FORMAT,
    as_: str | None = AS,
) -> int:
    """One version's states, transitions and conditions."""
    from pypgflow_ops.deploy.tenant import checked_slug
    from pypgflow_ops.operate import calls
    from pypgflow_ops.operate.session import tenant_request

    with tenant_request(database_url, checked_slug(tenant), subject(as_)) as cur:
        detail = calls.show_workflow(cur, name, version)
    if chosen_format(output_format) is RowFormat.JSON:
        document = {
            "workflow": detail.workflow,
            "states": detail.states,
            "transitions": detail.transitions,
        }
        typer.echo(render_json(document), nl=False)
        return ExitCode.OK
    workflow = detail.workflow
    state = "active" if workflow["active"] else "retired" if workflow["retired_at"] else "inactive"
    typer.echo(
        f"{workflow['name']} version {workflow['version']} (revision {workflow['revision']}, "
        f"{state}, id {workflow['id']})\n\nStates:\n"
        + render_table(detail.states, STATE_COLUMNS, empty="none")
        + "\nTransitions:\n"
        + render_table(
            [{**t, "from_state": t["from_state"] or WILDCARD} for t in detail.transitions],
            TRANSITION_COLUMNS,
            empty="none",
        ),
        nl=False,
    )
    return ExitCode.OK


app.command("list")(error_boundary(list_))
app.command("show")(error_boundary(show))
