"""Lint problems and the result of a lint run: small immutable records, plain data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pypgflow_ops.errors import ExitCode
from pypgflow_ops.model import Workflow


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One finding, at a 1-based line and column of a file. Sorts by file, then position."""

    file: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True)
class LintResult:
    files: int
    problems: tuple[Problem, ...]
    workflows: tuple[Workflow, ...]

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity is Severity.WARNING)

    @property
    def exit_code(self) -> int:
        return ExitCode.FAILURE if self.errors else ExitCode.OK
