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

from pypgflow_ops.model import WILDCARD, State, Transition
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
    "Two transitions leave the same state under the same name: the machine would be ambiguous. "
    'A wildcard (`from: "*"`) leaves every state it may be taken from.',
    Stage.WORKFLOW,
    tunable=False,
)
PARALLEL_TRANSITIONS = RuleInfo(
    "parallel-transitions",
    Severity.WARNING,
    "Two transitions lead from the same state to the same "
    "state; execute_transition picks by target state, so they cannot be told apart. A wildcard "
    '(`from: "*"`) leads from every state it may be taken from; where it and another transition '
    "could both be taken, the runtime takes one whose conditions hold, then the explicit one over "
    "the wildcard, then the first by name.",
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
            if name not in subject.declared and not (role == "from" and transition.is_wildcard):
                close = difflib.get_close_matches(name, subject.declared, n=1)
                hint = f"did you mean {close[0]!r}?" if close else "declare it under `states`"
                yield Finding(
                    subject.locate(("transitions", index, role)),
                    f"transition {transition.name!r}: `{role}` names undeclared state "
                    f"{name!r}; {hint}",
                )


def _repeats(subject: Subject, key: str) -> Iterator[tuple[Transition, Transition, str]]:
    """Each later transition that shares its source state and `key` with an earlier one, once
    per pair, with the first state they share: a wildcard shares every state it may be taken
    from (Workflow.moves)."""
    first: dict[tuple[str, str], Transition] = {}
    pairs: set[tuple[int, int]] = set()
    for source, transition in subject.workflow.moves():
        earlier = first.setdefault((source, getattr(transition, key)), transition)
        pair = (id(earlier), id(transition))
        if earlier is not transition and pair not in pairs:
            pairs.add(pair)
            yield earlier, transition, source


def _source(subject: Subject, earlier: Transition, transition: Transition, source: str) -> str:
    """Where two transitions both start: `'*'` for two wildcards, else the state, saying which
    wildcard includes it."""
    if earlier.is_wildcard and transition.is_wildcard:
        return repr(WILDCARD)
    wildcard = next((t for t in (earlier, transition) if t.is_wildcard), None)
    if wildcard is None:
        return repr(source)
    return f'{source!r} (line {subject.at(wildcard).line}\'s `from: "*"` includes it)'


def duplicate_transition(subject: Subject) -> Iterator[Finding]:
    for earlier, transition, source in _repeats(subject, "name"):
        yield Finding(
            subject.at(transition),
            f"transition {transition.name!r} from "
            f"{_source(subject, earlier, transition, source)} is already declared at line "
            f"{subject.at(earlier).line}; rename or remove one",
        )


def parallel_transitions(subject: Subject) -> Iterator[Finding]:
    for earlier, transition, source in _repeats(subject, "to_state"):
        if earlier.name != transition.name:
            yield Finding(
                subject.at(transition),
                f"transitions {earlier.name!r} (line "
                f"{subject.at(earlier).line}) and {transition.name!r} both lead from "
                f"{_source(subject, earlier, transition, source)} to "
                f"{transition.to_state!r}; callers pick by target state and cannot tell them apart",
            )


CHECKS: dict[RuleInfo, GraphCheck] = {
    DUPLICATE_STATE: duplicate_state,
    DUPLICATE_STATE_CASE: duplicate_state_case,
    UNKNOWN_STATE: unknown_state,
    DUPLICATE_TRANSITION: duplicate_transition,
    PARALLEL_TRANSITIONS: parallel_transitions,
}
