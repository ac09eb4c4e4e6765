"""The one way loading stops: a problem that makes the rest of the file meaningless, under one of
the rules of reading a file."""

from __future__ import annotations

from typing import Any

from pypgflow_ops.model import Position
from pypgflow_ops.problems import RuleInfo, Severity, Stage

YAML_SYNTAX = RuleInfo(
    "yaml-syntax",
    Severity.ERROR,
    "The file is not well-formed YAML, or uses YAML that workflow "
    "files may not (tabs, non-UTF-8 bytes, control characters, %YAML and other directives, "
    "several documents, text that YAML parsers read differently, ...).",
    Stage.READ,
    tunable=False,
)
DUPLICATE_KEY = RuleInfo(
    "duplicate-key",
    Severity.ERROR,
    "A mapping has the same key twice; YAML would silently keep the last.",
    Stage.READ,
    tunable=False,
)
YAML_ANCHOR = RuleInfo(
    "yaml-anchor",
    Severity.ERROR,
    "Anchors, aliases and merge keys are not allowed in workflow files.",
    Stage.READ,
    tunable=False,
)
RULES = (YAML_SYNTAX, DUPLICATE_KEY, YAML_ANCHOR)


class Refusal(Exception):
    def __init__(self, rule: RuleInfo, position: Position, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.position = position
        self.message = message


def position_of(mark: Any) -> Position:
    """A yaml Mark (0-based) as a 1-based Position."""
    return Position(mark.line + 1, mark.column + 1)
