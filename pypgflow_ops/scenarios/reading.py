"""A scenario file's bytes -> ScenarioFile, or located problems: the strict YAML loader, then
schemas/scenarios.schema.json, then the records."""

from __future__ import annotations

import functools
from typing import Any

from pypgflow_ops import resources
from pypgflow_ops.loading import Document, NodePath, load
from pypgflow_ops.problems import Problem
from pypgflow_ops.scenarios.model import Expect, Scenario, ScenarioFile, Step
from pypgflow_ops.schema import SCHEMA
from pypgflow_ops.schema_paths import json_path

Read = tuple[ScenarioFile | None, list[Problem]]


@functools.cache
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(resources.scenarios_schema())


def _explained(error: Any) -> tuple[NodePath, bool, str]:
    """Where the error is (a path, and whether at its key) and what it means."""
    path: NodePath = tuple(error.absolute_path)
    found, expected = error.instance, error.validator_value
    if error.validator == "additionalProperties" and isinstance(found, dict):
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(k for k in found if k not in allowed)
        message = f"unknown key {unknown[0]!r}; allowed: {', '.join(allowed)}"
        return (*path, unknown[0]), True, f"{json_path(path)}: {message}"
    if error.validator == "required":
        message = "missing required key(s): " + ", ".join(
            repr(k) for k in expected if k not in found
        )
    elif error.validator == "enum":
        message = f"{found!r} is not one of: {', '.join(map(str, expected))}"
    elif error.validator == "type" and expected == "string":
        message = f"expected text, not {found!r}; quote it"
    else:
        message = str(error.message)[:200]
    return path, False, f"{json_path(path)}: {message}"


@functools.cache
def _fast_verdict() -> Any:
    try:
        import jsonschema_rs
    except ImportError:  # an optional speed-up, as for workflow files (schema.py)
        return None
    return jsonschema_rs.validator_for(resources.scenarios_schema())


def _schema_problems(document: Document, file: str) -> list[Problem]:
    fast = _fast_verdict()
    if fast is not None and fast.is_valid(document.data):
        return []
    problems = []
    for error in _validator().iter_errors(document.data):
        path, at_key, message = _explained(error)
        position = (at_key and document.key_position(path)) or document.position(path)
        problems.append(SCHEMA.problem(file, position, message))
    return sorted(set(problems))


def _step(document: Document, path: NodePath, raw: dict[str, Any]) -> Step:
    return Step(raw["to"], raw.get("context", {}), raw.get("refused"), document.position(path))


def _expect(document: Document, path: NodePath, raw: dict[str, Any] | None) -> Expect | None:
    if raw is None:
        return None
    return Expect(
        raw.get("state"),
        raw.get("finished"),
        raw.get("history"),
        document.position(path),
        document.position((*path, "state")),
    )


def _scenario(document: Document, path: NodePath, raw: dict[str, Any]) -> Scenario:
    start = raw["start"]
    return Scenario(
        raw["name"],
        start["entity_table"],
        start["entity_id"],
        start.get("metadata", {}),
        tuple(
            _step(document, (*path, "steps", i), step)
            for i, step in enumerate(raw.get("steps", []))
        ),
        _expect(document, (*path, "expect"), raw.get("expect")),
        document.position(path),
        document.position((*path, "start")),
    )


def read_scenarios(data: bytes, file: str) -> Read:
    """One scenario file, or why it cannot be read (at the line of each problem)."""
    loaded = load(data, file, every_position=True)
    if loaded.document is None:
        return None, list(loaded.problems)
    document = loaded.document
    problems = _schema_problems(document, file)
    if problems:
        return None, problems
    scenarios = tuple(
        _scenario(document, ("scenarios", i), raw)
        for i, raw in enumerate(document.data["scenarios"])
    )
    return (
        ScenarioFile(file, document.data["workflow"], document.position(("workflow",)), scenarios),
        [],
    )
