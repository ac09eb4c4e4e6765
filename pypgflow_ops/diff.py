"""What changed between two versions of a workflow: states and transitions added, removed, changed.

Pure; shared by the planner (new-version details) and the change diagram. States are matched by
name, transitions by their key (from state, name).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from pypgflow_ops.model import State, Transition, Workflow

T = TypeVar("T", State, Transition)


@dataclass(frozen=True, slots=True)
class Changes(Generic[T]):
    added: tuple[T, ...]
    removed: tuple[T, ...]
    changed: tuple[tuple[T, T], ...]  # (old, new)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True, slots=True)
class WorkflowDiff:
    states: Changes[State]
    transitions: Changes[Transition]
    metadata_changed: bool

    def __bool__(self) -> bool:
        return bool(self.states or self.transitions or self.metadata_changed)


def _changes(old: Iterable[T], new: Iterable[T], key: Callable[[T], Hashable]) -> Changes[T]:
    old_by_key = {key(item): item for item in old}
    new_by_key = {key(item): item for item in new}
    return Changes(
        added=tuple(item for k, item in new_by_key.items() if k not in old_by_key),
        removed=tuple(item for k, item in old_by_key.items() if k not in new_by_key),
        changed=tuple(
            (old_by_key[k], item)
            for k, item in new_by_key.items()
            if k in old_by_key and old_by_key[k] != item
        ),
    )


def diff_workflows(old: Workflow | None, new: Workflow) -> WorkflowDiff:
    """Compare two versions; with no old version everything in the new one is added."""
    old_states = old.states if old else ()
    old_transitions = old.transitions if old else ()
    return WorkflowDiff(
        states=_changes(old_states, new.states, lambda s: s.name),
        transitions=_changes(old_transitions, new.transitions, lambda t: t.key),
        metadata_changed=old is not None and old.metadata != new.metadata,
    )
