"""no-final-state, final-state-outgoing.

A workflow without a final state never finishes; a transition out of a final state can never run,
because the runtime refuses to move a finished instance.
"""

from __future__ import annotations

from collections.abc import Iterator

from pypgflow_ops.problems import RuleInfo, Severity, Stage
from pypgflow_ops.rules.subject import Finding, GraphCheck, Subject

NO_FINAL_STATE = RuleInfo(
    "no-final-state",
    Severity.ERROR,
    "No state is marked `final: true`: no instance could finish.",
    Stage.WORKFLOW,
    tunable=False,
)
FINAL_STATE_OUTGOING = RuleInfo(
    "final-state-outgoing",
    Severity.ERROR,
    "A final state has outgoing transitions; a finished instance can never move.",
    Stage.WORKFLOW,
)


def no_final_state(subject: Subject) -> Iterator[Finding]:
    if not subject.workflow.final_states:
        yield Finding(
            subject.states_key, "no state is marked `final: true`; instances could never finish"
        )


def final_state_outgoing(subject: Subject) -> Iterator[Finding]:
    finals = {state.name for state in subject.workflow.final_states}
    for source, transition in subject.workflow.moves():  # a wildcard never leaves a final state
        if source in finals:
            yield Finding(
                subject.at(transition),
                f"transition {transition.name!r} leaves final "
                f"state {transition.from_state!r}; a finished instance never moves",
            )


CHECKS: dict[RuleInfo, GraphCheck] = {
    NO_FINAL_STATE: no_final_state,
    FINAL_STATE_OUTGOING: final_state_outgoing,
}
