"""The graph rules, by id. Each is a function Subject -> findings; `catalog.py` holds every rule's
id, default severity and summary."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pypgflow_ops.rules import (
    declarations,
    final_states,
    initial_states,
    presentation,
    reachability,
)
from pypgflow_ops.rules.subject import Finding, Subject

GraphRule = Callable[[Subject], Iterator[Finding]]

GRAPH_RULES: dict[str, GraphRule] = {
    "no-initial-state": initial_states.no_initial_state,
    "multiple-initial-states": initial_states.multiple_initial_states,
    "initial-state-final": initial_states.initial_state_final,
    "no-final-state": final_states.no_final_state,
    "final-state-outgoing": final_states.final_state_outgoing,
    "duplicate-state": declarations.duplicate_state,
    "unknown-state": declarations.unknown_state,
    "duplicate-transition": declarations.duplicate_transition,
    "parallel-transitions": declarations.parallel_transitions,
    "unreachable-state": reachability.unreachable_state,
    "no-path-to-final": reachability.no_path_to_final,
    "invalid-color": presentation.invalid_color,
}
