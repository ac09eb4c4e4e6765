"""What a test run found: per scenario, passed or where and how it failed, and the moves it made."""

from __future__ import annotations

from dataclasses import dataclass

from pypgflow_ops.model import Position

# One history row: (from_state, transition_name, to_state); the start has no from or name.
Move = tuple[str | None, str | None, str]


@dataclass(frozen=True, slots=True)
class Failure:
    position: Position  # the step, start or expect at fault
    expected: str
    actual: str


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    file: str
    workflow: str
    name: str
    position: Position
    seconds: float
    failure: Failure | None = None
    moves: tuple[Move, ...] = ()  # of a passing scenario, for coverage

    @property
    def passed(self) -> bool:
        return self.failure is None
