"""The workflow model: frozen records, their canonical form and content hash.

Positions say where an element was written; they never take part in equality or the hash, so a
definition loaded from a file and the same definition read back from the database compare equal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

CANONICAL_FORMAT = 1

# `from: "*"`: a transition that may be taken from every non-final state other than its target.
# Stored in the database with no source state (from_state null).
WILDCARD = "*"

JsonObject = Mapping[str, Any]


def _label(metadata: JsonObject, name: str) -> str:
    """What people read: metadata.display_name, else the name."""
    display = metadata.get("display_name")
    return display if isinstance(display, str) and display else name


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """A 1-based line and column in a source file."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class State:
    name: str
    initial: bool = False
    final: bool = False
    metadata: JsonObject = field(default_factory=dict)
    position: Position | None = field(default=None, compare=False, repr=False)

    @property
    def label(self) -> str:
        return _label(self.metadata, self.name)

    def canonical(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "initial": self.initial,
            "final": self.final,
            "metadata": dict(self.metadata),
        }


@dataclass(frozen=True, slots=True)
class Transition:
    from_state: str
    to_state: str
    name: str
    conditions: JsonObject = field(default_factory=dict)
    context: JsonObject = field(default_factory=dict)
    metadata: JsonObject = field(default_factory=dict)
    position: Position | None = field(default=None, compare=False, repr=False)

    @property
    def is_wildcard(self) -> bool:
        return self.from_state == WILDCARD

    @property
    def key(self) -> tuple[str, str]:
        """What identifies a transition: its source state and its name."""
        return (self.from_state, self.name)

    @property
    def label(self) -> str:
        return _label(self.metadata, self.name)

    def canonical(self) -> dict[str, Any]:
        return {
            "from": self.from_state,
            "to": self.to_state,
            "name": self.name,
            "conditions": dict(self.conditions),
            "context": dict(self.context),
            "metadata": dict(self.metadata),
        }


@dataclass(frozen=True, slots=True)
class Migration:
    """The file's `migrate:` section: on apply, the running instances of these older versions move
    to this version, each old state to `states[old]`, or to the state of the same name.

    An instruction for the deploy, not part of the definition: it takes no part in the canonical
    form or the content hash, so a map can be added to a version that is already applied.
    """

    from_versions: tuple[str, ...]
    states: Mapping[str, str] = field(default_factory=dict)
    position: Position | None = field(default=None, compare=False, repr=False)

    def target(self, old_state: str) -> str:
        return self.states.get(old_state, old_state)


@dataclass(frozen=True, slots=True)
class Workflow:
    name: str
    version: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    metadata: JsonObject = field(default_factory=dict)
    source: str | None = field(default=None, compare=False, repr=False)
    position: Position | None = field(default=None, compare=False, repr=False)
    migrate: Migration | None = field(default=None, compare=False)

    @property
    def initial_states(self) -> tuple[State, ...]:
        return tuple(state for state in self.states if state.initial)

    @property
    def final_states(self) -> tuple[State, ...]:
        return tuple(state for state in self.states if state.final)

    def sources(self, transition: Transition) -> tuple[str, ...]:
        """The states `transition` may be taken from: its `from`, or for the wildcard every
        non-final state other than its target, in the order of the file."""
        if not transition.is_wildcard:
            return (transition.from_state,)
        return tuple(
            dict.fromkeys(
                s.name for s in self.states if not s.final and s.name != transition.to_state
            )
        )

    def moves(self) -> Iterator[tuple[str, Transition]]:
        """Every (source state, transition) the runtime allows, in the order of the file: the
        wildcards expanded. What lint's graph rules, the scenarios' checks and coverage read."""
        for transition in self.transitions:
            for source in self.sources(transition):
                yield source, transition

    def canonical(self) -> dict[str, Any]:
        """The order-independent form that the content hash is taken of.

        States are sorted by name and transitions by (from, name, to): reordering a file is not a
        change to the definition.
        """
        return {
            "format": CANONICAL_FORMAT,
            "name": self.name,
            "version": self.version,
            "metadata": dict(self.metadata),
            "states": [s.canonical() for s in sorted(self.states, key=lambda s: s.name)],
            "transitions": [
                t.canonical()
                for t in sorted(self.transitions, key=lambda t: (t.from_state, t.name, t.to_state))
            ],
        }

    def content_hash(self) -> str:
        """sha256 (hex) of the canonical form as compact JSON with sorted keys."""
        text = json.dumps(
            self.canonical(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
