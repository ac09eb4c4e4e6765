"""The text format of a test run: PASS or FAIL per scenario (a failure with the place, what was
expected and what the runtime did), the coverage when asked for, then a summary line."""

from __future__ import annotations

from pypgflow_ops.scenarios.coverage import WorkflowCoverage
from pypgflow_ops.scenarios.outcome import TestRun
from pypgflow_ops.scenarios.results import ScenarioResult
from pypgflow_ops.terminal import printable


def _result(result: ScenarioResult) -> list[str]:
    file = printable(result.file)
    head = f"{file}:{result.position.line}: {printable(result.name)}"
    if result.failure is None:
        return [f"PASS {head}"]
    failure = result.failure
    return [
        f"FAIL {head}",
        f"  at {file}:{failure.position.line}:{failure.position.column}",
        f"    expected: {printable(failure.expected)}",
        f"    runtime:  {printable(failure.actual)}",
    ]


def _coverage(entry: WorkflowCoverage) -> list[str]:
    took = entry.transitions - len(entry.untested_transitions)
    reached = entry.states - len(entry.unreached_states)
    lines = [
        f"  {entry.workflow}: {took}/{entry.transitions} transitions, "
        f"{reached}/{entry.states} states"
    ]
    lines.extend(
        f"    untested transition {source} -> {target} ({name})"
        for source, name, target in entry.untested_transitions
    )
    lines.extend(f"    unreached state {state}" for state in entry.unreached_states)
    return lines


def summary(run: TestRun) -> str:
    count = len(run.results)
    line = f"{count} scenario{'' if count == 1 else 's'}: {run.passed} passed, {run.failed} failed"
    if run.untested:
        line += f"; {run.untested} transition{'' if run.untested == 1 else 's'} untested"
    return line + "."


def render(run: TestRun, *, color: bool = False) -> str:
    lines = [line for result in run.results for line in _result(result)]
    if run.coverage is not None:
        lines.append("Coverage (moves of the passing scenarios):")
        lines.extend(line for entry in run.coverage for line in _coverage(entry))
    lines.append(summary(run))
    return "".join(f"{line}\n" for line in lines)
