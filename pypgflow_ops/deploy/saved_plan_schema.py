"""The JSON Schema of a saved plan file: its shape only. What the definitions say is
lint's to check, and what the plan says is checked by making it again (`deploy.apply`)."""

from __future__ import annotations

from typing import Any

from pypgflow_ops.model import CANONICAL_FORMAT

_TEXT: dict[str, Any] = {"type": "string"}
_OBJECT: dict[str, Any] = {"type": "object"}
_HASH: dict[str, Any] = {"type": "string", "pattern": "^[0-9a-f]{64}$"}


def _record(**properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _list(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [{"type": "null"}, schema]}


_CHANGE = _record(
    workflow=_TEXT,
    version=_TEXT,
    action=_TEXT,
    active_version=_nullable(_TEXT),
    revision=_nullable({"type": "integer"}),
    content_hash=_HASH,
)
_DEFINITION = _record(
    format={"const": CANONICAL_FORMAT},
    name=_TEXT,
    version=_TEXT,
    metadata=_OBJECT,
    states=_list(
        _record(
            name=_TEXT, initial={"type": "boolean"}, final={"type": "boolean"}, metadata=_OBJECT
        )
    ),
    transitions=_list(
        _record(
            **{"from": _TEXT, "to": _TEXT},
            name=_TEXT,
            conditions=_OBJECT,
            context=_OBJECT,
            metadata=_OBJECT,
        )
    ),
)

# The file's `migrate:` section beside its definition, when it has one (lint checks what it says).
_MIGRATE = _record(
    **{"from": _list(_TEXT)}, states={"type": "object", "additionalProperties": _TEXT}
)
_ENTRY = {
    **_record(source=_nullable(_TEXT), definition=_DEFINITION, migrate=_MIGRATE),
    "required": ["source", "definition"],
}

SAVED_PLAN_SCHEMA: dict[str, Any] = _record(
    saved_plan_format={"type": "integer"},
    written_by=_TEXT,
    tenant=_TEXT,
    prune={"type": "boolean"},
    fingerprint=_TEXT,
    origin=_nullable(
        _record(
            git_commit=_nullable(_TEXT), dirty=_nullable({"type": "boolean"}), files_sha256=_HASH
        )
    ),
    plan=_record(
        create_tenant={"type": "boolean"},
        runtime=_record(installed=_nullable({"type": "integer"}), target={"type": "integer"}),
        changes=_list(_CHANGE),
        not_in_repository=_list(_TEXT),
    ),
    definitions=_list(_ENTRY),
)
