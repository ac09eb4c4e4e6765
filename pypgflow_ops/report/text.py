"""The text format: `path:line:col: severity rule-id message` per problem, then a summary line."""

from __future__ import annotations

from pypgflow_ops.problems import LintResult, Problem, Severity
from pypgflow_ops.terminal import printable

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_RULE = "\x1b[36m"
_SEVERITY = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m"}
_PASSED = "\x1b[1;32m"


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color else text


def _line(problem: Problem, color: bool) -> str:
    path = _paint(printable(problem.file), _BOLD, color)
    severity = _paint(problem.severity.value, _SEVERITY[problem.severity], color)
    rule = _paint(problem.rule, _RULE, color)
    return f"{path}:{problem.line}:{problem.column}: {severity} {rule} {printable(problem.message)}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def summary(result: LintResult) -> str:
    files = _count(result.files, "file")
    if not result.problems:
        return f"All checks passed ({files})."
    return (
        f"Found {_count(len(result.problems), 'problem')} ({_count(result.errors, 'error')}, "
        f"{_count(result.warnings, 'warning')}) in {files}."
    )


def _summary_style(result: LintResult) -> str:
    if result.errors:
        return _SEVERITY[Severity.ERROR]
    return _SEVERITY[Severity.WARNING] if result.warnings else _PASSED


def render(result: LintResult, *, color: bool = False) -> str:
    lines = [_line(problem, color) for problem in sorted(result.problems)]
    lines.append(_paint(summary(result), _summary_style(result), color))
    return "".join(f"{line}\n" for line in lines)
