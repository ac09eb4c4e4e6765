"""GitHub Actions workflow commands: one `::error` or `::warning` annotation per problem.

Escaping follows actions/toolkit (packages/core/src/command.ts): `%`, CR and LF in the message;
those and `:` and `,` in property values.
"""

from __future__ import annotations

from pypgflow_ops.problems import LintResult, Problem

_DATA = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A"})
_PROPERTY = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"})


def workflow_command(kind: str, message: str, **properties: str | int) -> str:
    """`::kind key=value,...::message`, escaped as the runner reads it."""
    shown = ",".join(
        f"{key}={str(value).translate(_PROPERTY)}" for key, value in properties.items()
    )
    return f"::{kind} {shown}::{message.translate(_DATA)}\n"


def _command(problem: Problem) -> str:
    return workflow_command(
        problem.severity.value,
        problem.message,
        file=problem.file,
        line=problem.line,
        col=problem.column,
        title=problem.rule,
    )


def render(result: LintResult, *, color: bool = False) -> str:
    return "".join(_command(problem) for problem in sorted(result.problems))
