"""The test run reporters by `--format` name."""

from __future__ import annotations

from typing import Protocol

from pypgflow_ops.report import scenario_github, scenario_json, scenario_junit, scenario_text
from pypgflow_ops.scenarios.outcome import TestRun


class TestReporter(Protocol):
    def __call__(self, run: TestRun, *, color: bool = False) -> str: ...


TEST_FORMATS: dict[str, TestReporter] = {
    "text": scenario_text.render,
    "json": scenario_json.render,
    "junit": scenario_junit.render,
    "github": scenario_github.render,
}
