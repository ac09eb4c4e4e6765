"""Coverage counts a wildcard as taken when a passing scenario took it from any state it may be
taken from; untested, it is listed with `*` as its source."""

from __future__ import annotations

from pypgflow_ops.model import Position, State, Transition, Workflow
from pypgflow_ops.scenarios.coverage import coverage
from pypgflow_ops.scenarios.results import Move, ScenarioResult

ORDER = Workflow(
    "order",
    "1",
    (
        State("placed", initial=True),
        State("paid"),
        State("done", final=True),
        State("gone", final=True),
    ),
    (
        Transition("placed", "paid", "pay"),
        Transition("paid", "done", "finish"),
        Transition("*", "gone", "cancel"),
        Transition("*", "placed", "restart"),
    ),
)


def _took(*moves: Move) -> ScenarioResult:
    return ScenarioResult("order.scenarios.yaml", "order", "s", Position(1, 1), 0.0, moves=moves)


def test_a_wildcard_taken_from_one_of_its_states_is_covered() -> None:
    started: Move = (None, None, "placed")
    (entry,) = coverage(
        [ORDER], [_took(started, ("placed", "pay", "paid"), ("paid", "cancel", "gone"))]
    )
    assert entry.untested_transitions == (("*", "restart", "placed"), ("paid", "finish", "done"))


def test_a_move_of_the_wildcards_name_from_a_state_it_is_not_taken_from_is_not_it() -> None:
    (entry,) = coverage(
        [ORDER], [_took(("done", "cancel", "gone"), ("placed", "restart", "placed"))]
    )
    assert ("*", "cancel", "gone") in entry.untested_transitions
    assert ("*", "restart", "placed") in entry.untested_transitions
