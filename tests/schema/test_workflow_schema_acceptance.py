"""Acceptance tests for schemas/workflow.schema.json, run through jsonschema directly.

Each file in negative/ breaks exactly one constraint and says which in its first line:
`# expect: <keyword> at <json pointer>`; the test checks that this is the only error reported.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml
from jsonschema import Draft202012Validator

from pypgflow_ops.discovery import is_scenario_file

REPO = Path(__file__).resolve().parents[2]
SCHEMA_FILE = REPO / "schemas" / "workflow.schema.json"
HERE = Path(__file__).resolve().parent
POSITIVE = sorted((HERE / "positive").glob("*.yaml"))
NEGATIVE = sorted((HERE / "negative").glob("*.yaml"))
EXAMPLES = sorted(p for p in (REPO / "workflows").glob("*.yaml") if not is_scenario_file(p.name))
EXPECT = re.compile(r"# expect: (?P<keyword>\w+) at (?P<pointer>/\S*|/)\n")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema)


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _pointer(path: Any) -> str:
    return "/" + "/".join(str(part) for part in path)


def test_the_schema_is_valid_draft_2020_12_with_an_id(schema: dict[str, Any]) -> None:
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("/workflow.schema.json")


def _property_schemas(node: Any, where: str = "#") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{where}/properties/{name}", sub
        for key, value in node.items():
            yield from _property_schemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _property_schemas(item, f"{where}/{index}")


def test_every_property_and_definition_has_a_description(schema: dict[str, Any]) -> None:
    definitions = ((f"#/$defs/{name}", sub) for name, sub in schema["$defs"].items())
    described = [*_property_schemas(schema), *definitions]
    missing = [where for where, sub in described if not sub.get("description")]
    assert len(described) > 20
    assert missing == []


def _patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from _patterns(item)


def test_every_pattern_is_anchored_and_linear(schema: dict[str, Any]) -> None:
    patterns = list(_patterns(schema))
    assert patterns
    for pattern in patterns:
        assert pattern.startswith("^") and pattern.endswith("$"), pattern
        assert backtracking_hazards(pattern) == [], pattern


# Single-character matchers: a quantifier over one of these cannot backtrack into itself.
_ATOMS = frozenset({"LITERAL", "NOT_LITERAL", "IN", "ANY", "CATEGORY"})


def backtracking_hazards(pattern: str) -> list[str]:
    """Why `pattern` could backtrack more than linearly: empty when it cannot.

    A pattern is linear when every quantifier applies to a single character class and at most one
    quantifier is unbounded: nothing can be split two ways, so a failed match never retries.
    """
    sre = importlib.import_module("re._parser")  # the stdlib's own parse tree: no timing

    hazards: list[str] = []
    unbounded = 0
    for op, argument in sre.parse(pattern):
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            _low, high, body = argument
            if high == sre.MAXREPEAT:
                unbounded += 1
            if len(body) != 1 or str(body[0][0]) not in _ATOMS:
                hazards.append(f"quantifier over a group: {body}")
        elif name not in _ATOMS and name != "AT":
            hazards.append(f"construct {name} (groups and alternations are not allowed)")
    if unbounded > 1:
        hazards.append(f"{unbounded} unbounded quantifiers")
    return hazards


@pytest.mark.parametrize(
    "pattern", ["^(a+)+$", "^(a|a)*$", "^[a-z]*[a-z]*$", "^(ab)*$", "^(?:ab|c)$"]
)
def test_the_pattern_check_refuses_backtracking_shapes(pattern: str) -> None:
    assert backtracking_hazards(pattern) != []


@pytest.mark.parametrize("path", POSITIVE, ids=lambda p: p.name)
def test_positive_examples_are_valid(path: Path, validator: Draft202012Validator) -> None:
    assert [e.message for e in validator.iter_errors(_load(path))] == []


@pytest.mark.parametrize("path", NEGATIVE, ids=lambda p: p.name)
def test_negative_examples_break_exactly_the_constraint_they_name(
    path: Path, validator: Draft202012Validator
) -> None:
    expected = EXPECT.match(path.read_text(encoding="utf-8"))
    assert expected, f"{path.name} must start with '# expect: <keyword> at <json pointer>'"
    errors = list(validator.iter_errors(_load(path)))
    assert [(e.validator, _pointer(e.absolute_path)) for e in errors] == [
        (expected["keyword"], expected["pointer"])
    ]


def test_there_are_enough_acceptance_examples() -> None:
    assert len(POSITIVE) >= 3
    assert len(NEGATIVE) >= 20


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_workflow_is_valid(path: Path, validator: Draft202012Validator) -> None:
    assert [e.message for e in validator.iter_errors(_load(path))] == []


def test_the_required_example_workflows_exist() -> None:
    names = {path.stem for path in EXAMPLES}
    assert {"fraud_detection", "order_fulfilment", "incident_handling", "expense_approval"} <= names


@pytest.mark.parametrize("path", POSITIVE + NEGATIVE, ids=lambda p: p.name)
def test_jsonschema_rs_gives_the_same_verdict(
    path: Path, schema: dict[str, Any], validator: Draft202012Validator
) -> None:
    """lint takes jsonschema-rs's verdict on valid files: the two validators must agree."""
    document = _load(path)
    assert jsonschema_rs.validator_for(schema).is_valid(document) == validator.is_valid(document)
