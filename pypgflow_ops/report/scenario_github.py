"""GitHub Actions workflow commands for a test run: an error annotation at each failing step,
then a notice with the summary."""

from __future__ import annotations

from pypgflow_ops.report.github import workflow_command
from pypgflow_ops.report.scenario_text import summary
from pypgflow_ops.scenarios.outcome import TestRun


def render(run: TestRun, *, color: bool = False) -> str:
    lines = [
        workflow_command(
            "error",
            f"{result.name}: expected {result.failure.expected}; runtime {result.failure.actual}",
            file=result.file,
            line=result.failure.position.line,
            col=result.failure.position.column,
            title="scenario failed",
        )
        for result in run.results
        if result.failure is not None
    ]
    lines.append(workflow_command("notice", summary(run), title="pypgflow-ops test"))
    return "".join(lines)
