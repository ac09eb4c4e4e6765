"""The --format names and the reporter each one selects."""

from __future__ import annotations

from pypgflow_ops.report import github, json_report, sarif, text
from pypgflow_ops.report.lint import LINT_FORMATS


def test_every_format_of_the_issue_and_nothing_else() -> None:
    expected = {
        "text": text.render,
        "json": json_report.render,
        "github": github.render,
        "sarif": sarif.render,
    }
    assert expected == LINT_FORMATS
