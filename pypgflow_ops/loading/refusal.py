"""The one way loading stops: a problem that makes the rest of the file meaningless."""

from __future__ import annotations

from typing import Any

from pypgflow_ops.model import Position


class Refusal(Exception):
    def __init__(self, rule: str, position: Position, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.position = position
        self.message = message


def position_of(mark: Any) -> Position:
    """A yaml Mark (0-based) as a 1-based Position."""
    return Position(mark.line + 1, mark.column + 1)
