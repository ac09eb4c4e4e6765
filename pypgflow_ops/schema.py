"""JSON Schema validation, with every violation placed at the line of the node at fault.

Valid files are the common case, so a compiled validator (jsonschema-rs, when installed) gives the
verdict first; the slower `jsonschema` runs only on invalid files, for its detailed errors. Both
apply ECMA-262 regular expressions, where `$` is the end of the text (Python's `re` would also let a
trailing newline through).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pypgflow_ops import resources
from pypgflow_ops.loading import Document, ImplicitScalar, Path_
from pypgflow_ops.model import Position
from pypgflow_ops.problems import Problem, Severity

if TYPE_CHECKING:
    from jsonschema import ValidationError

_MAX_SHOWN = 60


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


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def json_path(path: Path_) -> str:
    """`("states", 2, "name")` -> `states[2].name`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def _subschemas(node: Any) -> Iterator[dict[str, Any]]:
    """A schema node with its $ref and anyOf/oneOf/allOf branches followed."""
    if not isinstance(node, dict):
        return
    yield node
    if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target: Any = resources.workflow_schema()
        for part in node["$ref"][2:].split("/"):
            target = target.get(part, {})
        yield from _subschemas(target)
    for keyword in ("anyOf", "oneOf", "allOf"):
        for branch in node.get(keyword, ()):
            yield from _subschemas(branch)


def expects_text(path: Path_) -> bool:
    """Whether the schema wants a string at `path` (so that `no` there is a mistake)."""
    # Every item of a list has the same schema: ask once per shape of path.
    return _expects_text(tuple(0 if isinstance(part, int) else part for part in path))


@functools.cache
def _expects_text(path: Path_) -> bool:
    nodes: list[Any] = [resources.workflow_schema()]
    for part in path:
        children: list[Any] = []
        for node in (sub for n in nodes for sub in _subschemas(n)):
            if isinstance(part, int):
                children.append(node.get("items"))
            elif part in node.get("properties", {}):
                children.append(node["properties"][part])
            elif isinstance(node.get("additionalProperties"), dict):
                children.append(node["additionalProperties"])
        nodes = children
    for node in (sub for n in nodes for sub in _subschemas(n)):
        kind = node.get("type")
        if kind == "string" or (isinstance(kind, list) and "string" in kind):
            return True
    return False


def _describe(scalar: ImplicitScalar) -> str:
    value = scalar.value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):  # y / n: text to PyYAML, booleans to other YAML 1.1 readers
        return "a boolean by other YAML 1.1 tools"
    return f"the number {value}"


def _implicit_problems(document: Document, file: str) -> tuple[list[Problem], set[Path_]]:
    problems: list[Problem] = []
    text_paths: set[Path_] = set()
    for scalar in document.implicit:
        line, column = scalar.position.line, scalar.position.column
        if expects_text(scalar.path):
            text_paths.add(scalar.path)
            problems.append(
                Problem(
                    file,
                    line,
                    column,
                    "implicit-type",
                    Severity.ERROR,
                    f"{json_path(scalar.path)}: unquoted {scalar.text} is read by YAML as "
                    f'{_describe(scalar)}; quote it: "{scalar.text}"',
                )
            )
        elif scalar.ambiguous:
            problems.append(
                Problem(
                    file,
                    line,
                    column,
                    "ambiguous-value",
                    Severity.WARNING,
                    f"{json_path(scalar.path)}: unquoted {scalar.text} is read by YAML as "
                    f"{_describe(scalar)}; write {_explicit(scalar)}",
                )
            )
    return problems, text_paths


def _explicit(scalar: ImplicitScalar) -> str:
    value = scalar.value
    if isinstance(value, bool):
        return f'{str(value).lower()}, or quote it: "{scalar.text}"'
    if isinstance(value, str):
        return f'"{scalar.text}" (quoted) or a boolean true/false'
    return f'{value}, or quote it: "{scalar.text}"'


def _allowed_keys(schema: dict[str, Any]) -> list[str]:
    return sorted({k for sub in _subschemas(schema) for k in sub.get("properties", {})})


def _error_problem(error: ValidationError, document: Document, file: str) -> Problem:
    path: Path_ = tuple(error.absolute_path)
    where = json_path(path)
    position: Position = document.position(path)
    message = f"{where}: {error.message}"
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = _allowed_keys(error.schema if isinstance(error.schema, dict) else {})
        unknown = sorted(k for k in error.instance if k not in allowed)
        if unknown:
            key = unknown[0]
            position = document.key_position((*path, key)) or position
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(allowed)}"
            message = f"{where}: unknown key {key!r}; {hint}"
    elif error.validator == "required":
        message = f"{where}: {error.message}"
    elif error.validator == "type":
        message = f"{where}: {_shown(error.instance)} is not of type {error.validator_value!r}"
    elif error.validator in ("anyOf", "oneOf"):
        message = (
            f"{where}: {_shown(error.instance)} is not valid here; see the schema's "
            "description of this field"
        )
    return Problem(file, position.line, position.column, "schema", Severity.ERROR, message)


def is_valid(data: dict[str, Any]) -> bool:
    fast = _fast_verdict()
    return bool(fast.is_valid(data)) if fast is not None else bool(_validator().is_valid(data))


def schema_problems(document: Document, file: str, *, valid: bool) -> list[Problem]:
    """YAML implicit-type mistakes and, for an invalid document, its schema violations, each at
    the node at fault (so an invalid document should be loaded with every position)."""
    problems, text_paths = _implicit_problems(document, file)
    if valid:
        return problems
    for error in _validator().iter_errors(document.data):
        if tuple(error.absolute_path) in text_paths:
            continue  # already explained as an implicit-type problem
        problems.append(_error_problem(error, document, file))
    return problems
