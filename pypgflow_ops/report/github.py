"""GitHub Actions workflow commands: one `::error` or `::warning` annotation per problem.

Escaping follows actions/toolkit (packages/core/src/command.ts): `%`, CR and LF in the message;
those and `:` and `,` in property values.
"""

from __future__ import annotations

from pypgflow_ops.problems import LintResult, Problem

_DATA = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A"})
_PROPERTY = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"})


def _command(problem: Problem) -> str:
    properties = ",".join(
        f"{key}={str(value).translate(_PROPERTY)}"
        for key, value in (
            ("file", problem.file),
            ("line", problem.line),
            ("col", problem.column),
            ("title", problem.rule),
        )
    )
    return f"::{problem.severity.value} {properties}::{problem.message.translate(_DATA)}\n"


def render(result: LintResult, *, color: bool = False) -> str:
    return "".join(_command(problem) for problem in sorted(result.problems))
