"""`pypgflow-ops instances start|list|transition|transitions|history`: drive instances through
the api.

Each call runs as the tenant's JWT, as PostgREST runs it; a refusal from the runtime is one line
naming its kind, with the runtime's message and hint, exit 1, and changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import typer

from pypgflow_ops.commands.runtime_options import (
    AS,
    DATABASE_URL,
    FORMAT,
    TENANT,
    chosen_format,
    echo_rows,
    json_object,
    subject,
    utf8,
)
from pypgflow_ops.errors import ExitCode, UsageError, error_boundary
from pypgflow_ops.report.rows import RowFormat, render_json, render_table

if TYPE_CHECKING:
    from pypgflow_ops.operate.session import Cursor, Row

app = typer.Typer(help="Start, list and move workflow instances.", no_args_is_help=True)

INSTANCE_COLUMNS = (
    "id",
    "workflow_name",
    "version",
    "entity_table",
    "entity_id",
    "current_state",
    "created_at",
    "completed_at",
)
BIGINT_MAX = 2**63 - 1  # PostgreSQL's LIMIT is a bigint
HISTORY_COLUMNS = (
    "sequence",
    "from_state",
    "to_state",
    "transition_name",
    "executed_by",
    "executed_at",
    "notes",
    "context",
)


TRANSITION_COLUMNS = ("name", "from", "to_state", "final", "conditions_met", "unmet")


def _uuid(text: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise UsageError(f"{what} {text!r} is not a UUID") from None


def _report(rows: Sequence[dict[str, Any]], output_format: RowFormat | None, *, one: bool) -> None:
    if chosen_format(output_format) is RowFormat.JSON:
        typer.echo(render_json(rows[0] if one else list(rows)), nl=False)
    else:
        typer.echo(render_table(rows, INSTANCE_COLUMNS, empty="No instances."), nl=False)


def start(
    entity_table: str = typer.Argument(..., help="The entity's table, e.g. orders.", callback=utf8),
    entity_id: str = typer.Argument(..., help="The entity's id, e.g. 123.", callback=utf8),
    workflow: str | None = typer.Option(
        None,
        "--workflow",
        help="Start the active version of this workflow.",
        show_default=False,
        callback=utf8,
    ),
    workflow_id: str | None = typer.Option(
        None, "--workflow-id", help="Start this version (its id).", show_default=False
    ),
    metadata: str | None = typer.Option(
        None, "--metadata", help="The instance's metadata, a JSON object.", show_default=False
    ),
    tenant: str = TENANT,
    database_url: str | None = DATABASE_URL,
    output_format: RowFormat | None = FORMAT,
    as_: str | None = AS,
) -> int:
    """Start a workflow instance for an entity (api.start_workflow / start_workflow_by_id)."""
    from pypgflow_ops.deploy.tenant import checked_slug
    from pypgflow_ops.operate import calls
    from pypgflow_ops.operate.session import tenant_request

    if (workflow is None) == (workflow_id is None):
        raise UsageError("give exactly one of --workflow NAME and --workflow-id UUID")
    definition = _uuid(workflow_id, "--workflow-id") if workflow_id is not None else None
    values = json_object(metadata, "--metadata")
    with tenant_request(database_url, checked_slug(tenant), subject(as_)) as cur:
        row = calls.start(
            cur, entity_table, entity_id, workflow=workflow, workflow_id=definition, metadata=values
        )
    _report([row], output_format, one=True)
    return ExitCode.OK


def list_(
    workflow: str | None = typer.Option(
        None, "--workflow", help="Only this workflow's.", callback=utf8
    ),
    state: str | None = typer.Option(
        None, "--state", help="Only those in this state.", callback=utf8
    ),
    entity_table: str | None = typer.Option(
        None, "--entity-table", help="Only this table's.", callback=utf8
    ),
    entity_id: str | None = typer.Option(
        None, "--entity-id", help="Only this entity id's.", callback=utf8
    ),
    running: bool = typer.Option(False, "--running", help="Only unfinished instances."),
    completed: bool = typer.Option(False, "--completed", help="Only finished instances."),
    limit: int = typer.Option(100, "--limit", min=1, max=BIGINT_MAX, help="At most this many."),
    tenant: str = TENANT,
    database_url: str | None = DATABASE_URL,
    output_format: RowFormat | None = FORMAT,
    as_: str | None = AS,
) -> int:
    """The tenant's instances, newest first (rows of api.entity_workflows)."""
    from pypgflow_ops.deploy.tenant import checked_slug
    from pypgflow_ops.operate import calls
    from pypgflow_ops.operate.session import tenant_request

    if running and completed:
        raise UsageError("--running and --completed exclude each other: give one")
    where = calls.InstanceFilter(
        workflow,
        state,
        entity_table,
        entity_id,
        True if completed else False if running else None,
        limit,
    )
    with tenant_request(database_url, checked_slug(tenant), subject(as_)) as cur:
        rows = calls.list_instances(cur, where)
    _report(rows, output_format, one=False)
    if len(rows) == limit and chosen_format(output_format) is RowFormat.TABLE:
        typer.echo(f"The newest {limit} shown; there may be more: --limit N shows N.", err=True)
    return ExitCode.OK


def transition(
    instance_id: str = typer.Argument(..., help="The instance's id."),
    to_state: str = typer.Argument(..., help="The state to move it to.", callback=utf8),
    executed_by: str = typer.Option(
        ..., "--executed-by", help="Who makes the move, recorded in the history.", callback=utf8
    ),
    context: str | None = typer.Option(
        None, "--context", help="Information for this move, a JSON object.", show_default=False
    ),
    notes: str | None = typer.Option(
        None, "--notes", help="A note for the history.", callback=utf8
    ),
    tenant: str = TENANT,
    database_url: str | None = DATABASE_URL,
    output_format: RowFormat | None = FORMAT,
    as_: str | None = AS,
) -> int:
    """Move an instance to another state (api.execute_transition)."""
    from pypgflow_ops.deploy.tenant import checked_slug
    from pypgflow_ops.operate import calls
    from pypgflow_ops.operate.session import tenant_request

    instance = _uuid(instance_id, "INSTANCE_ID")
    values = json_object(context, "--context")
    with tenant_request(database_url, checked_slug(tenant), subject(as_)) as cur:
        row = calls.transition(
            cur, instance, to_state, executed_by=executed_by, notes=notes, context=values
        )
    _report([row], output_format, one=True)
    return ExitCode.OK


def _read_instance(
    instance_id: str,
    tenant: str,
    database_url: str | None,
    as_: str | None,
    read: Callable[[Cursor, uuid.UUID], list[Row]],
) -> list[Row]:
    """`read` of one instance, in one transaction as PostgREST calls it."""
    from pypgflow_ops.deploy.tenant import checked_slug
    from pypgflow_ops.operate.session import tenant_request

    instance = _uuid(instance_id, "INSTANCE_ID")
    with tenant_request(database_url, checked_slug(tenant), subject(as_)) as cur:
        return read(cur, instance)


def history(
    instance_id: str = typer.Argument(..., help="The instance's id."),
    tenant: str = TENANT,
    database_url: str | None = DATABASE_URL,
    output_format: RowFormat | None = FORMAT,
    as_: str | None = AS,
) -> int:
    """An instance's audit trail in sequence order (rows of api.workflow_history)."""
    from pypgflow_ops.operate import calls

    rows = _read_instance(instance_id, tenant, database_url, as_, calls.history)
    echo_rows(rows, output_format, HISTORY_COLUMNS, empty="No history.")
    return ExitCode.OK


def transitions(
    instance_id: str = typer.Argument(..., help="The instance's id."),
    tenant: str = TENANT,
    database_url: str | None = DATABASE_URL,
    output_format: RowFormat | None = FORMAT,
    as_: str | None = AS,
) -> int:
    """What an instance may do next, and whether its metadata meets the conditions now
    (rows of api.get_transitions)."""
    from pypgflow_ops.operate import calls

    rows = _read_instance(instance_id, tenant, database_url, as_, calls.transitions)
    shown = [
        {
            **row,
            "from": "*" if row["from_state"] is None else row["from_state"],
            "unmet": "; ".join(
                f"{u['condition']}{' ' + u['field'] if u['field'] else ''}: {u['reason']}"
                for u in row["unmet"]
            ),
        }
        for row in rows
    ]
    echo_rows(rows, output_format, TRANSITION_COLUMNS, empty="No transitions.", shown=shown)
    return ExitCode.OK


app.command("start")(error_boundary(start))
app.command("list")(error_boundary(list_))
app.command("transition")(error_boundary(transition))
app.command("transitions")(error_boundary(transitions))
app.command("history")(error_boundary(history))
