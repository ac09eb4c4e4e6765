"""A scenario file as frozen records, each part with the position where it was written."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pypgflow_ops.model import Position


@dataclass(frozen=True, slots=True)
class Step:
    to: str
    context: Mapping[str, Any]
    refused: str | None  # a refusal kind (runtime_errors.py); None: the move must happen
    position: Position


@dataclass(frozen=True, slots=True)
class Expect:
    state: str | None
    finished: bool | None
    history: int | None  # history rows, the start included
    position: Position
    state_position: Position


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    entity_table: str
    entity_id: str
    metadata: Mapping[str, Any]
    steps: tuple[Step, ...]
    expect: Expect | None
    position: Position
    start_position: Position


@dataclass(frozen=True, slots=True)
class ScenarioFile:
    path: str
    workflow: str
    workflow_position: Position
    scenarios: tuple[Scenario, ...]
