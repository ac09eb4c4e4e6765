"""The JSON format of a test run, a contract: `{"version": 1, "passed", "failed", "scenarios":
[{file, line, workflow, name, passed, seconds, failure: {line, column, expected, actual} | null}],
"coverage": [...] | null}`, ASCII only."""

from __future__ import annotations

import json
from typing import Any

from pypgflow_ops.scenarios.outcome import TestRun
from pypgflow_ops.scenarios.results import ScenarioResult

FORMAT_VERSION = 1


def _scenario(result: ScenarioResult) -> dict[str, Any]:
    failure = result.failure
    return {
        "file": result.file,
        "line": result.position.line,
        "workflow": result.workflow,
        "name": result.name,
        "passed": result.passed,
        "seconds": round(result.seconds, 6),
        "failure": None
        if failure is None
        else {
            "line": failure.position.line,
            "column": failure.position.column,
            "expected": failure.expected,
            "actual": failure.actual,
        },
    }


def render(run: TestRun, *, color: bool = False) -> str:
    document = {
        "version": FORMAT_VERSION,
        "passed": run.passed,
        "failed": run.failed,
        "scenarios": [_scenario(result) for result in run.results],
        "coverage": None if run.coverage is None else [c.to_dict() for c in run.coverage],
    }
    return json.dumps(document, indent=2) + "\n"
