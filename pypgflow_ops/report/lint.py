"""The lint reporters by `--format` name: the one table the CLI's choices are built from.

A reporter's module is imported when it is used, so start-up pays for none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pypgflow_ops.problems import LintResult


class LintReporter(Protocol):
    def __call__(self, result: LintResult, *, color: bool = False) -> str: ...


@dataclass(frozen=True, slots=True)
class LintFormat:
    """One `--format`; called like its reporter: `LINT_FORMATS[name](result, color=...)`."""

    module: str  # in pypgflow_ops.report, with a `render` function
    ci_paths: bool = False  # files named relative to the git work tree, as CI maps them

    @property
    def reporter(self) -> LintReporter:
        reporter: LintReporter = import_module(f"pypgflow_ops.report.{self.module}").render
        return reporter

    def __call__(self, result: LintResult, *, color: bool = False) -> str:
        if self.ci_paths:
            from pypgflow_ops.report.ci_paths import with_ci_paths

            result = with_ci_paths(result)
        return self.reporter(result, color=color)


LINT_FORMATS: dict[str, LintFormat] = {
    "text": LintFormat("text"),
    "json": LintFormat("json_report"),
    "github": LintFormat("github", ci_paths=True),
    "sarif": LintFormat("sarif", ci_paths=True),
    "junit": LintFormat("junit", ci_paths=True),
    "gitlab": LintFormat("gitlab", ci_paths=True),
}
