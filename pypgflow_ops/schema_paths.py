"""Questions about the workflow schema at a place in a document: what is allowed, what is text."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from pypgflow_ops import resources
from pypgflow_ops.loading import NodePath


def json_path(path: NodePath) -> str:
    """`("states", 2, "name")` -> `states[2].name`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def subschemas(node: Any) -> Iterator[dict[str, Any]]:
    """A schema node with its $ref and anyOf/oneOf/allOf branches followed."""
    if not isinstance(node, dict):
        return
    yield node
    if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target: Any = resources.workflow_schema()
        for part in node["$ref"][2:].split("/"):
            target = target.get(part, {})
        yield from subschemas(target)
    for keyword in ("anyOf", "oneOf", "allOf"):
        for branch in node.get(keyword, ()):
            yield from subschemas(branch)


def allowed_keys(schema: dict[str, Any]) -> list[str]:
    return sorted({key for sub in subschemas(schema) for key in sub.get("properties", {})})


_CONVERTED_KINDS = frozenset({"boolean", "null", "number", "integer"})


def expects_text(path: NodePath) -> bool:
    """Whether the schema wants a string at `path` (so that `no` there is a mistake)."""
    # Every item of a list has the same schema: ask once per shape of path.
    return _expects_text(tuple(0 if isinstance(part, int) else part for part in path))


@functools.cache
def _expects_text(path: NodePath) -> bool:
    nodes: list[Any] = [resources.workflow_schema()]
    for part in path:
        children: list[Any] = []
        for node in (sub for n in nodes for sub in subschemas(n)):
            if isinstance(part, int):
                children.append(node.get("items"))
            elif part in node.get("properties", {}):
                children.append(node["properties"][part])
            elif isinstance(node.get("additionalProperties"), dict):
                children.append(node["additionalProperties"])
        nodes = children
    for node in (sub for n in nodes for sub in subschemas(n)):
        kind = node.get("type")
        kinds = {kind} if isinstance(kind, str) else set(kind or ())
        # Where a boolean, null or number is allowed too (field_equals), `true` is no mistake.
        if "string" in kinds and not kinds & _CONVERTED_KINDS:
            return True
    return False
