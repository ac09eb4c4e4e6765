"""no-final-state, final-state-outgoing, wildcard-without-source.

A workflow without a final state never finishes; a transition out of a final state can never run,
because the runtime refuses to move a finished instance; nor can a wildcard into the only state
that is not final, since a wildcard is never taken from its own target or from a final state.
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

WILDCARD_WITHOUT_SOURCE = RuleInfo(
    "wildcard-without-source",
    Severity.WARNING,
    'A wildcard transition (`from: "*"`) is taken from every non-final state other than its '
    "target; into the only state that is not final, it is taken from none and can never run.",
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


def wildcard_without_source(subject: Subject) -> Iterator[Finding]:
    workflow = subject.workflow
    for transition in workflow.transitions:
        if transition.is_wildcard and not workflow.sources(transition):
            yield Finding(
                subject.at(transition),
                f"wildcard transition {transition.name!r} can be taken from no state: it leaves "
                f"every non-final state other than its target {transition.to_state!r}, and there "
                "is none; write it from a state, or remove it",
            )


CHECKS: dict[RuleInfo, GraphCheck] = {
    NO_FINAL_STATE: no_final_state,
    FINAL_STATE_OUTGOING: final_state_outgoing,
    WILDCARD_WITHOUT_SOURCE: wildcard_without_source,
}
