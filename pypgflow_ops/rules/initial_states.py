"""no-initial-state, multiple-initial-states, initial-state-final.

An instance starts in the one initial state; with none it cannot start, with several the start is
ambiguous, and an initial state that is also final finishes the instance the moment it starts.
"""

from __future__ import annotations

from collections.abc import Iterator

from pypgflow_ops.problems import RuleInfo, Severity, Stage
from pypgflow_ops.rules.subject import Finding, GraphCheck, Subject

NO_INITIAL_STATE = RuleInfo(
    "no-initial-state",
    Severity.ERROR,
    "No state is marked `initial: true`.",
    Stage.WORKFLOW,
    tunable=False,
)
MULTIPLE_INITIAL_STATES = RuleInfo(
    "multiple-initial-states",
    Severity.ERROR,
    "More than one state is marked `initial: true`.",
    Stage.WORKFLOW,
    tunable=False,
)
INITIAL_STATE_FINAL = RuleInfo(
    "initial-state-final",
    Severity.WARNING,
    "The initial state is also final: instances are done the moment they start.",
    Stage.WORKFLOW,
)


def no_initial_state(subject: Subject) -> Iterator[Finding]:
    if not subject.workflow.initial_states:
        yield Finding(
            subject.states_key,
            "no state is marked `initial: true`; mark the one where instances start",
        )


def multiple_initial_states(subject: Subject) -> Iterator[Finding]:
    initial = subject.workflow.initial_states
    for state in initial[1:]:
        yield Finding(
            subject.at(state),
            f"state {state.name!r} is also initial (first: {initial[0].name!r} at line "
            f"{subject.at(initial[0]).line}); keep one",
        )


def initial_state_final(subject: Subject) -> Iterator[Finding]:
    for state in subject.workflow.initial_states:
        if state.final:
            yield Finding(
                subject.at(state),
                f"state {state.name!r} is both initial and final: "
                "instances are done the moment they start",
            )


CHECKS: dict[RuleInfo, GraphCheck] = {
    NO_INITIAL_STATE: no_initial_state,
    MULTIPLE_INITIAL_STATES: multiple_initial_states,
    INITIAL_STATE_FINAL: initial_state_final,
}
