"""duplicate-state, duplicate-state-case, unknown-state, duplicate-transition, parallel-transitions.

Names are how the runtime and its callers address states and transitions: each must mean one thing.
The runtime compares names exactly, so `Done` and `done` can be stored, but people, URLs and
case-insensitive tools take them for one state: an error by default, which can be tuned.
`execute_transition` is called with a target state, so two transitions between the same two states
cannot be told apart by a caller.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from pypgflow_ops.model import State, Transition
from pypgflow_ops.problems import RuleInfo, Severity, Stage
from pypgflow_ops.rules.subject import Finding, GraphCheck, Subject

DUPLICATE_STATE = RuleInfo(
    "duplicate-state",
    Severity.ERROR,
    "Two states have the same name.",
    Stage.WORKFLOW,
    tunable=False,
)
DUPLICATE_STATE_CASE = RuleInfo(
    "duplicate-state-case",
    Severity.ERROR,
    "Two states' names differ only in case (`Done`, `done`): readers and case-insensitive tools "
    "take them for one state.",
    Stage.WORKFLOW,
)
UNKNOWN_STATE = RuleInfo(
    "unknown-state",
    Severity.ERROR,
    "A transition names a state that is not declared; reported at the `from:` or `to:` value, "
    "with the closest declared name. unreachable-state and no-path-to-final stay silent about "
    "what the typo may explain.",
    Stage.WORKFLOW,
    tunable=False,
)
DUPLICATE_TRANSITION = RuleInfo(
    "duplicate-transition",
    Severity.ERROR,
    "Two transitions leave the same state under the same name: the machine would be ambiguous.",
    Stage.WORKFLOW,
    tunable=False,
)
PARALLEL_TRANSITIONS = RuleInfo(
    "parallel-transitions",
    Severity.WARNING,
    "Two transitions lead from the same state to the same "
    "state; execute_transition picks by target state, so they cannot be told apart.",
    Stage.WORKFLOW,
)


def duplicate_state(subject: Subject) -> Iterator[Finding]:
    for state in subject.workflow.states:
        first = subject.declared[state.name]
        if first is not state:
            yield Finding(
                subject.at(state),
                f"state {state.name!r} is already declared at line "
                f"{subject.at(first).line}; rename or remove one",
            )


def duplicate_state_case(subject: Subject) -> Iterator[Finding]:
    first: dict[str, State] = {}
    for name, state in subject.declared.items():  # exact repeats are duplicate-state's
        earlier = first.setdefault(name.casefold(), state)
        if earlier is not state:
            yield Finding(
                subject.at(state),
                f"state {name!r} differs from {earlier.name!r} (line "
                f"{subject.at(earlier).line}) only in case; rename one",
            )


def unknown_state(subject: Subject) -> Iterator[Finding]:
    for index, transition in enumerate(subject.workflow.transitions):
        for role, name in (("from", transition.from_state), ("to", transition.to_state)):
            if name not in subject.declared:
                close = difflib.get_close_matches(name, subject.declared, n=1)
                hint = f"did you mean {close[0]!r}?" if close else "declare it under `states`"
                yield Finding(
                    subject.locate(("transitions", index, role)),
                    f"transition {transition.name!r}: `{role}` names undeclared state "
                    f"{name!r}; {hint}",
                )


def _repeats(subject: Subject, key: str) -> Iterator[tuple[Transition, Transition]]:
    first: dict[tuple[str, str], Transition] = {}
    for transition in subject.workflow.transitions:
        pair = (transition.from_state, getattr(transition, key))
        earlier = first.setdefault(pair, transition)
        if earlier is not transition:
            yield earlier, transition


def duplicate_transition(subject: Subject) -> Iterator[Finding]:
    for earlier, transition in _repeats(subject, "name"):
        yield Finding(
            subject.at(transition),
            f"transition {transition.name!r} from "
            f"{transition.from_state!r} is already declared at line "
            f"{subject.at(earlier).line}; rename or remove one",
        )


def parallel_transitions(subject: Subject) -> Iterator[Finding]:
    for earlier, transition in _repeats(subject, "to_state"):
        if earlier.name != transition.name:
            yield Finding(
                subject.at(transition),
                f"transitions {earlier.name!r} (line "
                f"{subject.at(earlier).line}) and {transition.name!r} both lead from "
                f"{transition.from_state!r} to {transition.to_state!r}; callers pick by "
                "target state and cannot tell them apart",
            )


CHECKS: dict[RuleInfo, GraphCheck] = {
    DUPLICATE_STATE: duplicate_state,
    DUPLICATE_STATE_CASE: duplicate_state_case,
    UNKNOWN_STATE: unknown_state,
    DUPLICATE_TRANSITION: duplicate_transition,
    PARALLEL_TRANSITIONS: parallel_transitions,
}
