"""The writes of an apply, in batches: COPY for definitions, states and transitions (the bulk), and
one array-bound statement per kind of change for the rest. Runs inside the caller's transaction.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from pypgflow_ops.deploy.sql import statement
from pypgflow_ops.model import Workflow
from pypgflow_ops.plan import Action, Change, Plan

Key = tuple[str, str]


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _json(value: Mapping[str, Any]) -> str:
    return _ENCODER.encode(value) if value else "{}"


def ensure_tenant(conn: psycopg.Connection[Any], tenant: str) -> uuid.UUID:
    row = conn.execute(statement("ensure_tenant"), {"tenant": tenant}).fetchone()
    assert row is not None  # the insert or the select returns the row
    tenant_id: uuid.UUID = row[0]
    return tenant_id


def _copy_definitions(
    conn: psycopg.Connection[Any],
    tenant_id: uuid.UUID,
    new: Sequence[tuple[uuid.UUID, Change, Workflow]],
    actor: str,
) -> None:
    with conn.cursor() as cur:
        with cur.copy(statement("copy_definitions")) as copy:
            for definition_id, change, wf in new:
                copy.write_row(
                    (
                        tenant_id,
                        definition_id,
                        wf.name,
                        wf.version,
                        change.revision,
                        change.content_hash,
                        _json(wf.metadata),
                        actor,
                    )
                )
        with cur.copy(statement("copy_states")) as copy:
            for definition_id, _, wf in new:
                for s in wf.states:
                    copy.write_row(
                        (tenant_id, definition_id, s.name, s.initial, s.final, _json(s.metadata))
                    )
        with cur.copy(statement("copy_transitions")) as copy:
            for definition_id, _, wf in new:
                for t in wf.transitions:
                    copy.write_row(
                        (
                            tenant_id,
                            definition_id,
                            t.from_state,
                            t.to_state,
                            t.name,
                            _json(t.conditions),
                            _json(t.context),
                            _json(t.metadata),
                        )
                    )


def _keys(changes: Sequence[Change]) -> dict[str, list[str]]:
    return {"names": [c.workflow for c in changes], "versions": [c.version for c in changes]}


def write_changes(
    conn: psycopg.Connection[Any],
    tenant_id: uuid.UUID,
    plan: Plan,
    workflows: Mapping[Key, Workflow],
    actor: str,
) -> None:
    """Write what the plan says: new versions, rollbacks, retirements and the active versions."""
    by_action = {action: [c for c in plan.changes if c.action is action] for action in Action}
    created = by_action[Action.CREATE] + by_action[Action.NEW_VERSION]
    _copy_definitions(
        conn,
        tenant_id,
        [(uuid.uuid4(), c, workflows[(c.workflow, c.version)]) for c in created],
        actor,
    )
    with conn.pipeline():
        conn.execute(
            statement("reactivate"), {"tenant_id": tenant_id, **_keys(by_action[Action.ROLLBACK])}
        )
        conn.execute(
            statement("retire"),
            {"tenant_id": tenant_id, "names": [c.workflow for c in by_action[Action.RETIRE]]},
        )
        conn.execute(
            statement("set_heads"),
            {"tenant_id": tenant_id, **_keys(created + by_action[Action.ROLLBACK])},
        )


def record_deployment(
    conn: psycopg.Connection[Any],
    tenant_id: uuid.UUID,
    plan: Plan,
    actor: str,
    git_commit: str | None,
) -> uuid.UUID:
    row = conn.execute(
        statement("record_deployment"),
        {
            "tenant_id": tenant_id,
            "actor": actor,
            "git_commit": git_commit,
            "plan_hash": plan.content_hash(),
            "summary": Jsonb(plan.summary()),
        },
    ).fetchone()
    assert row is not None
    deployment_id: uuid.UUID = row[0]
    return deployment_id
