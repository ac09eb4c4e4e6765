"""A loaded file: plain data, and where its nodes were written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pypgflow_ops.loading.refusal import position_of
from pypgflow_ops.loading.scalars import ImplicitScalar, NodePath
from pypgflow_ops.model import Position
from pypgflow_ops.problems import Problem


@dataclass(frozen=True, slots=True)
class Document:
    data: dict[str, Any]
    value_marks: dict[NodePath, Any]  # yaml Marks, turned into Positions only when asked for
    key_marks: dict[NodePath, Any]
    implicit: tuple[ImplicitScalar, ...]

    def position(self, path: NodePath) -> Position:
        """Where the value at `path` (or the nearest placed one above it) was written."""
        while path not in self.value_marks and path:
            path = path[:-1]
        mark = self.value_marks.get(path)
        return position_of(mark) if mark is not None else Position(1, 1)

    def key_position(self, path: NodePath) -> Position | None:
        """Where the mapping key ending `path` was written."""
        mark = self.key_marks.get(path)
        return position_of(mark) if mark is not None else None


@dataclass(frozen=True, slots=True)
class Loaded:
    document: Document | None
    problems: tuple[Problem, ...] = field(default=())
