"""implicit-type and ambiguous-value: YAML 1.1 conversions of unquoted values.

Where the schema expects text, a conversion is an error (the state `no` would become false);
elsewhere, only the conversions that surprise readers are worth a warning.
"""

from __future__ import annotations

from pypgflow_ops.loading import Document, ImplicitScalar, NodePath, describe
from pypgflow_ops.problems import Problem, Severity
from pypgflow_ops.schema_paths import expects_text, json_path


def _instead(scalar: ImplicitScalar) -> str:
    value = scalar.value
    if isinstance(value, bool):
        return f'write {str(value).lower()}, or quote it: "{scalar.text}"'
    if isinstance(value, str):  # y / n
        return f'write true or false for a boolean, or quote it for text: "{scalar.text}"'
    return f'write {value}, or quote it: "{scalar.text}"'


def _text_expected(scalar: ImplicitScalar) -> str:
    where = json_path(scalar.path)
    if scalar.text == "":
        return f"{where} has no value; write one"
    return (
        f"{where}: unquoted {scalar.text} is read by YAML as {describe(scalar.value)}; "
        f'quote it: "{scalar.text}"'
    )


def implicit_problems(document: Document, file: str) -> tuple[list[Problem], set[NodePath]]:
    """The problems, and the paths they explain (the schema need not report those again)."""
    problems: list[Problem] = []
    explained: set[NodePath] = set()
    for scalar in document.implicit:
        line, column = scalar.position.line, scalar.position.column
        if expects_text(scalar.path):
            explained.add(scalar.path)
            problems.append(
                Problem(file, line, column, "implicit-type", Severity.ERROR, _text_expected(scalar))
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
                    f"{describe(scalar.value)}; {_instead(scalar)}",
                )
            )
    return problems, explained
