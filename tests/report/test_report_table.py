"""The --format names, the reporter each one selects, and which of them name files for CI."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from pypgflow_ops.cli import app
from pypgflow_ops.report import github, gitlab, json_report, junit, sarif, text
from pypgflow_ops.report.lint import LINT_FORMATS


def test_every_format_of_the_issues_and_nothing_else() -> None:
    expected = {
        "text": text.render,
        "json": json_report.render,
        "github": github.render,
        "sarif": sarif.render,
        "junit": junit.render,
        "gitlab": gitlab.render,
    }
    assert {name: fmt.reporter for name, fmt in LINT_FORMATS.items()} == expected


def test_ci_formats_map_paths_and_the_others_keep_them() -> None:
    mapped = {name for name, fmt in LINT_FORMATS.items() if fmt.ci_paths}
    assert mapped == {"github", "sarif", "junit", "gitlab"}


def test_the_command_line_offers_exactly_the_table() -> None:
    result = CliRunner().invoke(app, ["lint", "--help"], terminal_width=200)
    choices = re.search(r"--format <([a-z|]+)>", result.stdout)
    assert choices is not None
    assert choices.group(1).split("|") == list(LINT_FORMATS)
