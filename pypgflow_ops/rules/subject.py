"""What the graph rules look at: one workflow, its state graph, and where its parts were written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pypgflow_ops.model import Position, State, Transition, Workflow


@dataclass(frozen=True, slots=True)
class Finding:
    position: Position
    message: str


@dataclass(frozen=True)
class Subject:
    workflow: Workflow
    graph: Any  # networkx.DiGraph over the declared state names (networkx has no type stubs)
    states_key: Position  # where `states:` was written, for problems about the whole list
    declared: dict[str, State]  # each state name's first declaration

    @classmethod
    def of(cls, workflow: Workflow, states_key: Position) -> Subject:
        import networkx as nx

        declared: dict[str, State] = {}
        for state in workflow.states:
            declared.setdefault(state.name, state)
        graph = nx.DiGraph()
        graph.add_nodes_from(declared)
        graph.add_edges_from(
            (t.from_state, t.to_state)
            for t in workflow.transitions
            if t.from_state in declared and t.to_state in declared
        )
        return cls(workflow, graph, states_key, declared)

    def at(self, element: State | Transition) -> Position:
        return element.position or self.states_key


GraphCheck = Callable[[Subject], Iterator[Finding]]
