"""The runtime's api, one function per CLI command: each returns rows of an api view."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from psycopg.types.json import Jsonb

from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.operate.session import Cursor, Row, RuntimeRefused, query
from pypgflow_ops.runtime_errors import REFUSALS


@dataclass(frozen=True, slots=True)
class WorkflowDetail:
    """One version: its row of api.workflows, and its rows of the states and transitions views."""

    workflow: Row
    states: list[Row]
    transitions: list[Row]


@dataclass(frozen=True, slots=True)
class InstanceFilter:
    workflow: str | None = None
    state: str | None = None
    entity_table: str | None = None
    entity_id: str | None = None
    completed: bool | None = None
    limit: int = 100


def _one(cur: Cursor, name: str, params: dict[str, Any]) -> Row:
    row = cur.execute(query(name), params).fetchone()
    assert row is not None  # the api functions return a row or raise
    return row


def list_workflows(cur: Cursor) -> list[Row]:
    return cur.execute(query("workflows")).fetchall()


def show_workflow(cur: Cursor, name: str, version: str | None) -> WorkflowDetail:
    workflow = cur.execute(query("workflow"), {"name": name, "version": version}).fetchone()
    if workflow is None:
        shown = f"{name!r} version {version!r}" if version is not None else repr(name)
        raise PypgflowError(
            f"no workflow {shown} in this tenant: `pypgflow-ops workflows list` lists them"
        )
    ids = {"id": workflow["id"]}
    states = cur.execute(query("workflow_states"), ids).fetchall()
    transitions = cur.execute(query("workflow_transitions"), ids).fetchall()
    return WorkflowDetail(workflow, states, transitions)


def start(
    cur: Cursor,
    entity_table: str,
    entity_id: str,
    *,
    workflow: str | None = None,
    workflow_id: uuid.UUID | None = None,
    metadata: dict[str, Any],
) -> Row:
    """Start by name (its active version) or by definition id (that version)."""
    params = {"entity_table": entity_table, "entity_id": entity_id, "metadata": Jsonb(metadata)}
    if workflow_id is not None:
        return _one(cur, "start_workflow_by_id", {**params, "workflow_id": workflow_id})
    return _one(cur, "start_workflow", {**params, "workflow": workflow})


def list_instances(cur: Cursor, where: InstanceFilter) -> list[Row]:
    params = {
        "workflow": where.workflow,
        "state": where.state,
        "entity_table": where.entity_table,
        "entity_id": where.entity_id,
        "completed": where.completed,
        "limit": where.limit,
    }
    return cur.execute(query("instances"), params).fetchall()


def transition(
    cur: Cursor,
    instance: uuid.UUID,
    to_state: str,
    *,
    executed_by: str,
    notes: str | None,
    context: dict[str, Any],
) -> Row:
    params = {
        "instance": instance,
        "to_state": to_state,
        "executed_by": executed_by,
        "notes": notes,
        "context": Jsonb(context),
    }
    return _one(cur, "execute_transition", params)


def history(cur: Cursor, instance: uuid.UUID) -> list[Row]:
    """The instance's moves in sequence order; an unknown instance is refused as the api does."""
    if cur.execute(query("instance"), {"id": instance}).fetchone() is None:
        kind = REFUSALS["PT404"].kind
        raise RuntimeRefused(f"refused ({kind}): unknown workflow instance {instance}")
    return cur.execute(query("history"), {"id": instance}).fetchall()


def transitions(cur: Cursor, instance: uuid.UUID) -> list[Row]:
    """What the instance may do next (rows of api.get_transitions), in the order the runtime
    prefers them for one target; none for a finished instance."""
    return cur.execute(query("get_transitions"), {"instance": instance}).fetchall()
