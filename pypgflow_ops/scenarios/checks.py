"""The static checks of scenario files against the repository's workflows, without a database:
an unknown workflow, an unknown state, and a step that can never be taken (no transition from the
state the journey is known to be in)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from pypgflow_ops.model import Position, Workflow
from pypgflow_ops.scenarios.model import Scenario, ScenarioFile

UNKNOWN_WORKFLOW = "scenario-unknown-workflow"
UNKNOWN_STATE = "scenario-unknown-state"
IMPOSSIBLE_STEP = "scenario-impossible-step"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    position: Position
    message: str


def _hint(name: str, known: Iterable[str]) -> str:
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"known: {', '.join(known)}" if known else "there are none"


def _targets(workflow: Workflow) -> dict[str, set[str]]:
    targets: dict[str, set[str]] = {s.name: set() for s in workflow.states}
    for t in workflow.transitions:
        targets.setdefault(t.from_state, set()).add(t.to_state)
    return targets


def _impossible(workflow: Workflow, state: str, to: str, targets: set[str]) -> str:
    allowed = ", ".join(repr(t) for t in sorted(targets)) or "none"
    return (
        f"no transition from {state!r} to {to!r} in workflow {workflow.name!r} (allowed: "
        f"{allowed}); the runtime would refuse it: write `refused: not-allowed` or fix the step"
    )


def _journey(workflow: Workflow, scenario: Scenario) -> Iterator[Finding]:
    targets = _targets(workflow)
    initial = [s.name for s in workflow.initial_states]
    state = initial[0] if len(initial) == 1 else None  # None: not known statically
    for step in scenario.steps:
        if step.to not in targets:
            message = f"workflow {workflow.name!r} has no state {step.to!r}; "
            yield Finding(UNKNOWN_STATE, step.position, message + _hint(step.to, targets))
            state = None
        elif step.refused is None:
            if state is not None and step.to not in targets[state]:
                message = _impossible(workflow, state, step.to, targets[state])
                yield Finding(IMPOSSIBLE_STEP, step.position, message)
            state = step.to
    expected = scenario.expect.state if scenario.expect else None
    if scenario.expect and expected is not None and expected not in targets:
        message = f"workflow {workflow.name!r} has no state {expected!r}; "
        yield Finding(
            UNKNOWN_STATE, scenario.expect.state_position, message + _hint(expected, targets)
        )


def check(file: ScenarioFile, workflows: Mapping[str, Workflow]) -> Iterator[Finding]:
    """What is wrong with the file's journeys, known without running them."""
    workflow = workflows.get(file.workflow)
    if workflow is None:
        message = f"no workflow {file.workflow!r} in the repository; " + _hint(
            file.workflow, workflows
        )
        yield Finding(UNKNOWN_WORKFLOW, file.workflow_position, message)
        return
    for scenario in file.scenarios:
        yield from _journey(workflow, scenario)
