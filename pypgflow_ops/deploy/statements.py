"""The writes of an apply as data, decided without a database: `writes(...)` gives every
statement, which `deploy.write.execute` runs. Definitions, states and transitions go in with COPY
(the bulk); the rest is one array-bound statement per kind of change.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pypgflow_ops.deploy.sql import statement
from pypgflow_ops.model import Workflow
from pypgflow_ops.plan import Action, Change, Plan

Key = tuple[str, str]
Row = tuple[Any, ...]

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Statement:
    """SQL text (identifiers already quoted) and its bind parameters, or COPY ... FROM STDIN
    and its rows."""

    sql: str
    params: Mapping[str, Any] = field(default_factory=dict)
    rows: tuple[Row, ...] | None = None


def _json(value: Mapping[str, Any]) -> str:
    return _ENCODER.encode(value) if value else "{}"


def _copies(
    tenant_id: uuid.UUID, new: Sequence[tuple[uuid.UUID, Change, Workflow]], actor: str
) -> list[Statement]:
    definitions = tuple(
        (
            tenant_id,
            definition_id,
            wf.name,
            wf.version,
            change.revision,
            change.content_hash,
            _json(wf.metadata),
            actor,
            len(wf.states),
            len(wf.transitions),
        )
        for definition_id, change, wf in new
    )
    states = tuple(
        (tenant_id, definition_id, s.name, s.initial, s.final, _json(s.metadata))
        for definition_id, _, wf in new
        for s in wf.states
    )
    transitions = tuple(
        (
            tenant_id,
            definition_id,
            None if t.is_wildcard else t.from_state,  # `from: "*"` is stored as null
            t.to_state,
            t.name,
            _json(t.conditions),
            _json(t.context),
            _json(t.metadata),
        )
        for definition_id, _, wf in new
        for t in wf.transitions
    )
    return [
        Statement(statement("copy_definitions").as_string(None), rows=definitions),
        Statement(statement("copy_states").as_string(None), rows=states),
        Statement(statement("copy_transitions").as_string(None), rows=transitions),
    ]


def _keys(changes: Sequence[Change]) -> dict[str, list[str]]:
    return {"names": [c.workflow for c in changes], "versions": [c.version for c in changes]}


def writes(
    plan: Plan,
    workflows: Mapping[Key, Workflow],
    *,
    tenant_id: uuid.UUID,
    actor: str,
    new_id: Callable[[], uuid.UUID] = uuid.uuid4,
) -> list[Statement]:
    """What the plan writes: new versions, rollbacks, retirements and the active versions."""
    by_action = {action: [c for c in plan.changes if c.action is action] for action in Action}
    added = [c for c in plan.changes if c.action.adds_version]
    new = [(new_id(), c, workflows[(c.workflow, c.version)]) for c in added]
    rollbacks = by_action[Action.ROLLBACK]
    return [
        *_copies(tenant_id, new, actor),
        Statement(
            statement("reactivate").as_string(None), {"tenant_id": tenant_id, **_keys(rollbacks)}
        ),
        Statement(
            statement("retire").as_string(None),
            {"tenant_id": tenant_id, "names": [c.workflow for c in by_action[Action.RETIRE]]},
        ),
        Statement(
            statement("set_heads").as_string(None),
            {"tenant_id": tenant_id, **_keys(added + rollbacks)},
        ),
    ]
