"""The lint reporters by `--format` name."""

from __future__ import annotations

from typing import Protocol

from pypgflow_ops.problems import LintResult
from pypgflow_ops.report import github, json_report, sarif, text


class LintReporter(Protocol):
    def __call__(self, result: LintResult, *, color: bool = False) -> str: ...


LINT_FORMATS: dict[str, LintReporter] = {
    "text": text.render,
    "json": json_report.render,
    "github": github.render,
    "sarif": sarif.render,
}
