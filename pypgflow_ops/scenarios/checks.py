"""The static checks of scenario files against the repository's workflows, without a database:
an unknown workflow, an unknown state, and a step that cannot turn out as written from the state
the journey is known to be in (a move with no transition; a refusal the runtime cannot give)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from pypgflow_ops.model import Position, Workflow
from pypgflow_ops.problems import RuleInfo, Severity, Stage
from pypgflow_ops.scenarios.model import Scenario, ScenarioFile, Step

UNKNOWN_WORKFLOW = RuleInfo(
    "scenario-unknown-workflow",
    Severity.ERROR,
    "A scenario file names a workflow the repository does not have.",
    Stage.FILES,
)
UNKNOWN_STATE = RuleInfo(
    "scenario-unknown-state",
    Severity.ERROR,
    "A scenario names a state its workflow does not have.",
    Stage.FILES,
)
IMPOSSIBLE_STEP = RuleInfo(
    "scenario-impossible-step",
    Severity.ERROR,
    "A scenario step cannot turn out as written from the state the previous steps lead "
    "to: a move the workflow has no transition for, a `not-allowed` refusal of a declared "
    "transition, or a `finished` refusal outside a final state.",
    Stage.FILES,
)
RULES = (UNKNOWN_WORKFLOW, UNKNOWN_STATE, IMPOSSIBLE_STEP)


@dataclass(frozen=True, slots=True)
class Finding:
    rule: RuleInfo
    position: Position
    message: str


def _hint(name: str, known: Iterable[str]) -> str:
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"known: {', '.join(known)}" if known else "there are none"


# Per state, the states a transition leads to (a wildcard from each state it may be taken from),
# each with whether one of those transitions has conditions (only then can the runtime refuse the
# move as condition-not-met).
Targets = dict[str, dict[str, bool]]


def _targets(workflow: Workflow) -> Targets:
    targets: Targets = {s.name: {} for s in workflow.states}
    for source, t in workflow.moves():
        moves = targets.setdefault(source, {})
        moves[t.to_state] = moves.get(t.to_state, False) or bool(t.conditions)
    return targets


def _impossible(
    workflow: Workflow, state: str, final: bool, step: Step, moves: dict[str, bool]
) -> str | None:
    """Why the step cannot turn out as written from `state`, or None when it can."""
    declared = step.to in moves
    if step.refused is None and not declared:
        allowed = ", ".join(repr(t) for t in sorted(moves)) or "none"
        fix = "write `refused: finished`" if final else "write `refused: not-allowed`"
        return (
            f"no transition from {state!r} to {step.to!r} in workflow {workflow.name!r} (allowed: "
            f"{allowed}); the runtime would refuse it: {fix} or fix the step"
        )
    if step.refused == "not-allowed" and (final or declared):
        why = "it is final" if final else "the workflow declares that transition"
        return f"the move from {state!r} to {step.to!r} cannot be refused as not-allowed: {why}"
    if step.refused == "condition-not-met" and (final or not moves.get(step.to, False)):
        why = "it is final" if final else "no transition there has conditions"
        return (
            f"the move from {state!r} to {step.to!r} cannot be refused as condition-not-met: {why}"
        )
    if step.refused == "finished" and not final:
        return f"the instance is in {state!r}, which is not final: it cannot be refused as finished"
    return None


def _journey(workflow: Workflow, scenario: Scenario) -> Iterator[Finding]:
    targets = _targets(workflow)
    finals = {s.name for s in workflow.final_states}
    initial = [s.name for s in workflow.initial_states]
    state = initial[0] if len(initial) == 1 else None  # None: not known statically
    for step in scenario.steps:
        if step.to not in targets:
            message = f"workflow {workflow.name!r} has no state {step.to!r}; "
            yield Finding(UNKNOWN_STATE, step.position, message + _hint(step.to, targets))
            state = None
            continue
        if state is not None:
            why = _impossible(workflow, state, state in finals, step, targets[state])
            if why is not None:
                yield Finding(IMPOSSIBLE_STEP, step.position, why)
        if step.refused is None:
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
        hint = (
            _hint(file.workflow, workflows)
            if workflows
            else "lint the folder that holds the workflow too"
        )
        message = f"no workflow {file.workflow!r} among the files linted; {hint}"
        yield Finding(UNKNOWN_WORKFLOW, file.workflow_position, message)
        return
    for scenario in file.scenarios:
        yield from _journey(workflow, scenario)
