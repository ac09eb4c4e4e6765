"""What the graph rules look at: one workflow, its state graph, and where its parts were written."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pypgflow_ops.model import Position, State, Transition, Workflow

NodePath = tuple[str | int, ...]
Locate = Callable[[NodePath], Position]


@dataclass(frozen=True, slots=True)
class Finding:
    position: Position
    message: str


def _edges(workflow: Workflow, declared: dict[str, State]) -> Iterator[tuple[Any, Any]]:
    """The state graph as far as it can be told, a wildcard as an edge from each state it may be
    taken from (Workflow.sources). A transition naming an undeclared state (a typo) could have
    meant any declared one: it goes through a node of its own from every state or to every
    state, so that only the problems no reading of the typo explains are reported."""
    everything = list(declared)
    for index, t in enumerate(workflow.transitions):
        sources = workflow.sources(t)
        known = all(source in declared for source in sources)
        if known and t.to_state in declared:
            yield from ((source, t.to_state) for source in sources)
            continue
        broken = ("?", index)  # not a str: never a state name
        targets = [t.to_state] if t.to_state in declared else everything
        yield from ((source, broken) for source in (sources if known else everything))
        yield from ((broken, target) for target in targets)


@dataclass(frozen=True)
class Subject:
    workflow: Workflow
    states_key: Position  # where `states:` was written, for problems about the whole list
    declared: dict[str, State]  # each state name's first declaration
    locate: Locate  # where the value at a path of the document was written
    locate_key: Locate  # where the mapping key ending a path was written

    @classmethod
    def of(
        cls,
        workflow: Workflow,
        states_key: Position,
        locate: Locate,
        locate_key: Locate | None = None,  # None: keys are placed where their values are
    ) -> Subject:
        declared: dict[str, State] = {}
        for state in workflow.states:
            declared.setdefault(state.name, state)
        return cls(workflow, states_key, declared, locate, locate_key or locate)

    @functools.cached_property
    def graph(self) -> Any:
        """networkx.DiGraph over the declared state names (networkx has no type stubs); built,
        and networkx imported (about 130 ms of start-up), only when a rule asks for it."""
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(self.declared)
        graph.add_edges_from(_edges(self.workflow, self.declared))
        return graph

    def at(self, element: State | Transition) -> Position:
        return element.position or self.states_key


GraphCheck = Callable[[Subject], Iterator[Finding]]
