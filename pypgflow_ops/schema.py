"""JSON Schema validation, with every violation placed at the node at fault and said plainly.

Valid files are the common case, so a compiled validator (jsonschema-rs, when installed) gives the
verdict first; the slower `jsonschema` runs only on invalid files, for its detailed errors. Both
apply ECMA-262 regular expressions, where `$` is the end of the text (Python's `re` would also let a
trailing newline through).
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from pypgflow_ops import resources
from pypgflow_ops.implicit import implicit_problems
from pypgflow_ops.loading import Document, NodePath, shortened
from pypgflow_ops.problems import Problem, RuleInfo, Severity, Stage
from pypgflow_ops.schema_paths import allowed_keys, json_path

SCHEMA = RuleInfo(
    "schema",
    Severity.ERROR,
    "The document does not match its JSON Schema: schemas/workflow.schema.json, or "
    "schemas/scenarios.schema.json for a scenario file.",
    Stage.SCHEMA,
    tunable=False,
)
RULES = (SCHEMA,)

if TYPE_CHECKING:
    from jsonschema import ValidationError

_KINDS = {
    "string": "text",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "integer": "a whole number",
    "number": "a number",
    "null": "null",
}


@functools.cache
def _compiled_pattern(pattern: str) -> re.Pattern[str]:
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


@functools.cache
def _validator() -> Any:
    # Imported here: valid files never need it, and it costs a tenth of a second to import.
    import jsonschema

    def ecma_pattern(
        validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
    ) -> Iterator[ValidationError]:
        if isinstance(instance, str) and not _compiled_pattern(pattern).search(instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")

    extended = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        jsonschema.Draft202012Validator, {"pattern": ecma_pattern}
    )
    return extended(resources.workflow_schema())


@functools.cache
def _fast_verdict() -> Any:
    try:
        import jsonschema_rs
    except ImportError:  # an optional speed-up: the full validator decides alone
        return None
    return jsonschema_rs.validator_for(resources.workflow_schema())


def is_valid(data: dict[str, Any]) -> bool:
    fast = _fast_verdict()
    return bool(fast.is_valid(data)) if fast is not None else bool(_validator().is_valid(data))


def _shown(value: Any) -> str:
    """A value as the author would write it (null, true, "text"), cut short."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return shortened(json.dumps(value, ensure_ascii=False))


def _kinds(expected: Any) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    return " or ".join(_KINDS.get(name, name) for name in names)


# What a violation of each keyword means, from the value found, the keyword's value and the schema
# node that holds it.
Explain = Callable[[Any, Any, dict[str, Any]], str]

_EXPLAIN: dict[str, Explain] = {
    "type": lambda found, kinds, _: f"expected {_kinds(kinds)}, not {_shown(found)}",
    "pattern": lambda found, _, node: (
        f"{_shown(found)} is not allowed here. {node.get('description', '')}"
    ),
    "anyOf": lambda found, _, node: (
        f"{_shown(found)} is not allowed here. {node.get('description', '')}"
    ),
    "maxLength": lambda _, limit, __: f"longer than {limit} characters",
    "minLength": lambda _, __, ___: "must not be empty",
    "minItems": lambda _, least, __: f"needs at least {least} item(s)",
    "minProperties": lambda _, least, __: f"needs at least {least} key(s)",
    "uniqueItems": lambda _, __, ___: "lists the same value twice; remove the repeat",
    "required": lambda found, keys, _: (
        "missing required key(s): " + ", ".join(repr(k) for k in keys if k not in found)
    ),
    "enum": lambda found, values, _: (
        f"{_shown(found)} is not one of " + ", ".join(_shown(v) for v in values)
    ),
    "const": lambda _, value, __: f"must be {_shown(value)}",
}


def _unknown_keys(
    path: NodePath, found: dict[str, Any], node: dict[str, Any], document: Document, file: str
) -> Iterator[Problem]:
    allowed = allowed_keys(node)
    for key in sorted(k for k in found if k not in allowed):
        position = document.key_position((*path, key)) or document.position(path)
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(allowed)}"
        yield SCHEMA.problem(file, position, f"{json_path(path)}: unknown key {key!r}; {hint}")


def _error_problems(error: ValidationError, document: Document, file: str) -> Iterator[Problem]:
    path: NodePath = tuple(error.absolute_path)
    found: Any = error.instance
    node: dict[str, Any] = dict(error.schema) if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(found, dict):
        yield from _unknown_keys(path, found, node, document, file)
        return
    explain = _EXPLAIN.get(str(error.validator))
    detail = explain(found, error.validator_value, node) if explain else error.message[:200]
    position = document.position(path)
    yield SCHEMA.problem(file, position, f"{json_path(path)}: {detail.strip()}")


def schema_problems(document: Document, file: str, *, valid: bool) -> list[Problem]:
    """YAML implicit-type mistakes and, for an invalid document, its schema violations, each at
    the node at fault (so an invalid document should be loaded with every position)."""
    problems, explained = implicit_problems(document, file)
    if valid:
        return problems
    for error in _validator().iter_errors(document.data):
        if tuple(error.absolute_path) not in explained:
            problems.extend(_error_problems(error, document, file))
    return list(dict.fromkeys(problems))  # one problem for several missing keys, said once
