"""unreachable-state, no-path-to-final.

Each is one breadth-first search (networkx), linear in states plus transitions: forward from the
initial state(s), and backward from all final states at once; a single pass over the transitions
first settles most files without it.
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


def _one_pass(subject: Subject, sources: Iterable[str], *, forward: bool) -> set[str]:
    """Part of what the search reaches: one pass over the transitions between declared states
    (wildcards expanded), in file order (backward: in reverse order). Files mostly list
    transitions in the order of the flow, so this pass alone usually reaches every state, and
    the search (and networkx's import) is left out; it never reaches a state the search would
    not."""
    reached = set(sources)
    moves = list(subject.workflow.moves())
    for source, t in moves if forward else reversed(moves):
        start, end = (source, t.to_state) if forward else (t.to_state, source)
        if start in reached and end in subject.declared:
            reached.add(end)
    return reached


def _reached(subject: Subject, sources: Iterable[str], *, forward: bool) -> set[str]:
    starts = list(sources)
    if not starts:
        return set()
    quick = _one_pass(subject, starts, forward=forward)
    if quick.issuperset(subject.declared):
        return quick
    import networkx as nx

    graph = subject.graph if forward else subject.graph.reverse(copy=False)
    return {node for layer in nx.bfs_layers(graph, starts) for node in layer}


def unreachable_state(subject: Subject) -> Iterator[Finding]:
    initial = [s.name for s in subject.workflow.initial_states]
    if not initial:
        return  # no-initial-state says what is wrong
    reached = _reached(subject, initial, forward=True)
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
    can_finish = _reached(subject, finals, forward=False)
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
