"""Lint rules, their problems and the result of a lint run: small immutable records, plain data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pypgflow_ops.errors import ExitCode
from pypgflow_ops.model import Position, Workflow


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Stage(StrEnum):
    """Where in lint a rule runs; a rule of the first two guards reading the file at all."""

    READ = "read"  # the YAML text
    SCHEMA = "schema"  # the document's shape
    WORKFLOW = "workflow"  # one workflow's state machine
    FILES = "files"  # the workflows of all files together


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """One rule, defined next to the code that reports it; `pypgflow_ops.rules` lists them all.

    The id is a contract (configuration, SARIF, CI annotations): never rename one. A rule that is
    not tunable is always an error: without it a file cannot be read, or what breaks it cannot be
    deployed or run.
    """

    id: str
    severity: Severity
    summary: str
    stage: Stage
    tunable: bool = True

    @property
    def help_uri(self) -> str:
        return f"https://github.com/pypgflow/pypgflow-ops/blob/main/docs/rules.md#{self.id}"

    @property
    def why_fixed(self) -> str:
        """Why the rule cannot be tuned (for rules that cannot)."""
        if self.stage in (Stage.READ, Stage.SCHEMA):
            return "without it the file cannot be read into a workflow"
        return "a workflow that breaks it cannot be deployed or run"

    def problem(
        self, file: str, position: Position, message: str, severity: Severity | None = None
    ) -> Problem:
        return Problem(
            file, position.line, position.column, self.id, severity or self.severity, message
        )


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
