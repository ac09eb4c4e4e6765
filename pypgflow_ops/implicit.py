"""implicit-type and ambiguous-value: YAML 1.1 conversions of unquoted values.

Where the schema expects text, a conversion is an error (the state `no` would become false);
elsewhere, only the conversions that surprise readers are worth a warning.
"""

from __future__ import annotations

from pypgflow_ops.loading import Document, ImplicitScalar, NodePath, describe, shortened
from pypgflow_ops.problems import Problem, RuleInfo, Severity, Stage
from pypgflow_ops.schema_paths import expects_text, json_path

IMPLICIT_TYPE = RuleInfo(
    "implicit-type",
    Severity.ERROR,
    "Text was expected, but YAML reads the unquoted value as a "
    "boolean, null or number (the state `no` becomes false): quote it.",
    Stage.SCHEMA,
    tunable=False,
)
AMBIGUOUS_VALUE = RuleInfo(
    "ambiguous-value",
    Severity.WARNING,
    "An unquoted value that YAML 1.1 converts in a surprising "
    "way (yes/no/on/off/y/n, 0755, 1:30): write it explicitly.",
    Stage.SCHEMA,
)
RULES = (IMPLICIT_TYPE, AMBIGUOUS_VALUE)


def _quote_it(scalar: ImplicitScalar) -> str:
    text = scalar.text
    return f'quote it: "{text}"' if shortened(text) == text else "quote it"


def _instead(scalar: ImplicitScalar) -> str:
    value = scalar.value
    if isinstance(value, bool):
        return f"write {str(value).lower()}, or {_quote_it(scalar)}"
    if isinstance(value, str):  # y / n
        return f'write true or false for a boolean, or quote it for text: "{scalar.text}"'
    if shortened(str(value)) != str(value):
        return _quote_it(scalar)
    return f"write {value}, or {_quote_it(scalar)}"


def _read_as(scalar: ImplicitScalar) -> str:
    return (
        f"{json_path(scalar.path)}: unquoted {shortened(scalar.text)} is read by YAML as "
        f"{describe(scalar.value)}"
    )


_ANY_STATE = 'a transition from any state is `from: "*"`'


def _text_expected(scalar: ImplicitScalar) -> str:
    # a source left empty or null, as the original pypgflow stored a transition from any state
    path = scalar.path
    wildcard = scalar.value is None and path[:1] == ("transitions",) and path[-1:] == ("from",)
    if scalar.text == "":
        return f"{json_path(scalar.path)} has no value; {_ANY_STATE if wildcard else 'write one'}"
    if wildcard:
        name = shortened(scalar.text)
        return f'{_read_as(scalar)}; {_ANY_STATE}, a state named {name} is quoted: "{name}"'
    return f"{_read_as(scalar)}; {_quote_it(scalar)}"


def implicit_problems(document: Document, file: str) -> tuple[list[Problem], set[NodePath]]:
    """The problems, and the paths they explain (the schema need not report those again)."""
    problems: list[Problem] = []
    explained: set[NodePath] = set()
    for scalar in document.implicit:
        if expects_text(scalar.path):
            explained.add(scalar.path)
            problems.append(IMPLICIT_TYPE.problem(file, scalar.position, _text_expected(scalar)))
        elif scalar.ambiguous:
            problems.append(
                AMBIGUOUS_VALUE.problem(
                    file,
                    scalar.position,
                    f"{_read_as(scalar)}; {_instead(scalar)}",
                )
            )
    return problems, explained
