"""unreachable-state, no-path-to-final.

Each is one breadth-first search, linear in states plus transitions: forward from the initial
state(s), and backward from all final states at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pypgflow_ops.problems import RuleInfo, Severity, Stage
from pypgflow_ops.rules.subject import Finding, GraphCheck, Subject

UNREACHABLE_STATE = RuleInfo(
    "unreachable-state",
    Severity.ERROR,
    "The state cannot be reached from the initial state.",
    Stage.WORKFLOW,
)
NO_PATH_TO_FINAL = RuleInfo(
    "no-path-to-final",
    Severity.ERROR,
    "No final state can be reached from the state (a dead end "
    "or a closed cycle): instances there never finish.",
    Stage.WORKFLOW,
)


def _reached(graph: object, sources: Iterable[str]) -> set[str]:
    import networkx as nx

    starts = list(sources)
    if not starts:
        return set()
    return {node for layer in nx.bfs_layers(graph, starts) for node in layer}


def unreachable_state(subject: Subject) -> Iterator[Finding]:
    initial = [s.name for s in subject.workflow.initial_states]
    if not initial:
        return  # no-initial-state says what is wrong
    reached = _reached(subject.graph, initial)
    for name, state in subject.declared.items():
        if name not in reached:
            yield Finding(
                subject.at(state),
                f"state {name!r} cannot be reached from the initial "
                "state; add a transition into it or remove it",
            )


def no_path_to_final(subject: Subject) -> Iterator[Finding]:
    finals = [s.name for s in subject.workflow.final_states]
    if not finals:
        return  # no-final-state says what is wrong
    can_finish = _reached(subject.graph.reverse(copy=False), finals)
    for name, state in subject.declared.items():
        if name not in can_finish:
            yield Finding(
                subject.at(state),
                f"no final state can be reached from state {name!r}; "
                "instances there never finish (a dead end or a closed cycle)",
            )


CHECKS: dict[RuleInfo, GraphCheck] = {
    UNREACHABLE_STATE: unreachable_state,
    NO_PATH_TO_FINAL: no_path_to_final,
}
