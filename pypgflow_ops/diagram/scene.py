"""What a diagram shows, as plain data: the nodes and edges to draw and how each is marked.

Built from a workflow (optionally with the states lint found problems in) or from a change between
two versions (change.py); drawn as DOT (dot.py) or Mermaid (mermaid.py). Nodes and edges keep the
order of the file, so the same workflow always gives the same text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from pypgflow_ops.colors import is_valid_color, to_hex
from pypgflow_ops.model import JsonObject, State, Transition, Workflow

# The label of the node every `from: "*"` is drawn from.
ANY_LABEL = "any non-final state"


class Mark(StrEnum):
    PLAIN = "plain"
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"
    PROBLEM = "problem"
    MIGRATED = "migrated"  # a `migrate:` mapping: running instances move from one state to another


@dataclass(frozen=True, slots=True)
class Node:
    name: str
    label: str
    initial: bool = False
    final: bool = False
    color: str | None = None  # `#rrggbb` or `#rrggbbaa`
    mark: Mark = Mark.PLAIN
    problems: tuple[str, ...] = ()  # rule ids


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    label: str
    guarded: bool = False  # the transition has conditions
    color: str | None = None
    mark: Mark = Mark.PLAIN
    from_any: bool = False  # `from: "*"`: drawn from the one "any state" node (ANY_LABEL)


@dataclass(frozen=True, slots=True)
class Scene:
    name: str
    title: str
    subtitle: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    is_change: bool = False

    @property
    def entered(self) -> tuple[Node, ...]:
        """The states the entry arrow points at: the initial ones, unless removed."""
        return tuple(n for n in self.nodes if n.initial and n.mark is not Mark.REMOVED)

    @property
    def has_guards(self) -> bool:
        return any(edge.guarded for edge in self.edges)

    @property
    def has_wildcards(self) -> bool:
        """Whether the "any state" node is drawn: one source for every `from: "*"`, not an edge
        from each state a wildcard may be taken from."""
        return any(edge.from_any for edge in self.edges)


def element_color(metadata: JsonObject) -> str | None:
    """`metadata.color` as hex; a colour lint warned about is simply not drawn."""
    color = metadata.get("color")
    return to_hex(color) if isinstance(color, str) and is_valid_color(color) else None


def node_of(state: State, *, color: bool = True, mark: Mark = Mark.PLAIN) -> Node:
    return Node(
        state.name,
        state.label,
        state.initial,
        state.final,
        element_color(state.metadata) if color else None,
        mark,
    )


def edge_of(transition: Transition, *, color: bool = True, mark: Mark = Mark.PLAIN) -> Edge:
    return Edge(
        transition.from_state,
        transition.to_state,
        transition.label,
        bool(transition.conditions),
        element_color(transition.metadata) if color else None,
        mark,
        transition.is_wildcard,
    )


def titles(workflow: Workflow) -> tuple[str, str]:
    display = workflow.metadata.get("display_name")
    if isinstance(display, str) and display:
        return display, f"{workflow.name} · version {workflow.version}"
    return workflow.name, f"version {workflow.version}"


def _with_problems(node: Node, rules: Sequence[str]) -> Node:
    if not rules:
        return node
    return Node(node.name, node.label, node.initial, node.final, None, Mark.PROBLEM, tuple(rules))


def workflow_scene(
    workflow: Workflow, problems: Mapping[str, Sequence[str]] | None = None
) -> Scene:
    """The workflow as written; `problems` maps state names to the rule ids to show on them."""
    problems = problems or {}
    title, subtitle = titles(workflow)
    return Scene(
        workflow.name,
        title,
        subtitle,
        tuple(_with_problems(node_of(s), problems.get(s.name, ())) for s in workflow.states),
        tuple(edge_of(t) for t in workflow.transitions),
    )
