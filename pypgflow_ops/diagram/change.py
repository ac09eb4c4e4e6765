"""The scene of a change: the new version, with what was added, changed and removed marked.

Removed states and transitions are drawn too (after the rest), so a reviewer sees what goes away;
then each mapping of the new version's `migrate:` section (old state -> another state) as a dashed
arrow. Metadata colours are left out: in a change diagram, colour means the kind of change.
"""

from __future__ import annotations

from pypgflow_ops.diagram.scene import Edge, Mark, Node, Scene, edge_of, node_of, titles
from pypgflow_ops.diff import diff_workflows
from pypgflow_ops.model import Workflow


def change_scene(old: Workflow | None, new: Workflow) -> Scene:
    diff = diff_workflows(old, new)
    added_states = {s.name for s in diff.states.added}
    changed_states = {new_state.name for _, new_state in diff.states.changed}
    added_transitions = {t.key for t in diff.transitions.added}
    changed_transitions = {new_t.key for _, new_t in diff.transitions.changed}

    def state_mark(name: str) -> Mark:
        if name in added_states:
            return Mark.ADDED
        return Mark.CHANGED if name in changed_states else Mark.PLAIN

    def transition_mark(key: tuple[str, str]) -> Mark:
        if key in added_transitions:
            return Mark.ADDED
        return Mark.CHANGED if key in changed_transitions else Mark.PLAIN

    title, _ = titles(new)
    nodes = (
        *(node_of(s, color=False, mark=state_mark(s.name)) for s in new.states),
        *(node_of(s, color=False, mark=Mark.REMOVED) for s in diff.states.removed),
    )
    moved_from, moves = _mappings(new, {node.name for node in nodes})
    return Scene(
        new.name,
        title,
        _subtitle(old, new, changed=bool(diff)),
        (*nodes, *moved_from),
        (
            *(edge_of(t, color=False, mark=transition_mark(t.key)) for t in new.transitions),
            *(edge_of(t, color=False, mark=Mark.REMOVED) for t in diff.transitions.removed),
            *moves,
        ),
        is_change=True,
    )


def _mappings(new: Workflow, drawn: set[str]) -> tuple[tuple[Node, ...], tuple[Edge, ...]]:
    """The `migrate:` mappings to a state of `new` (a name mapped to itself is no move), and a
    node, drawn as removed, for each old state the diagram does not have yet."""
    if new.migrate is None:
        return (), ()
    states = {state.name for state in new.states}
    moves = [(a, b) for a, b in new.migrate.states.items() if a != b and b in states]
    missing = dict.fromkeys(a for a, _ in moves if a not in drawn)
    return (
        tuple(Node(name, name, mark=Mark.REMOVED) for name in missing),
        tuple(Edge(a, b, "migrate", mark=Mark.MIGRATED) for a, b in moves),
    )


def _subtitle(old: Workflow | None, new: Workflow, *, changed: bool) -> str:
    if old is None:
        return f"{new.name} · new workflow, version {new.version}"
    if old.version == new.version:
        state = "changed" if changed else "unchanged"
        return f"{new.name} · version {new.version}, {state}"
    return f"{new.name} · version {old.version} → {new.version}"
