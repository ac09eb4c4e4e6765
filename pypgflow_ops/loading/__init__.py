"""Strict YAML loading: bytes -> plain data with the positions of its nodes, or located problems.

Stock `yaml.safe_load` is not safe enough for files that drive deployments: it keeps the last of
duplicate keys, expands alias bombs, and turns `no` into false. This loader reads the event stream
(libyaml's C parser when present) and builds plain data itself.
"""

from __future__ import annotations

from typing import Any

import yaml

from pypgflow_ops.loading.agreement import check_all
from pypgflow_ops.loading.builder import MAX_DEPTH, Builder, NeedsPositions
from pypgflow_ops.loading.document import Document, Loaded
from pypgflow_ops.loading.refusal import YAML_SYNTAX, Refusal, position_of
from pypgflow_ops.loading.scalars import ImplicitScalar, NodePath, describe, shortened
from pypgflow_ops.loading.text import character_problems, decode, refuse_directives
from pypgflow_ops.model import Position
from pypgflow_ops.problems import Problem

__all__ = [
    "DEFAULT_MAX_FILE_SIZE",
    "FAST_LOADER",
    "MAX_DEPTH",
    "Document",
    "ImplicitScalar",
    "Loaded",
    "NodePath",
    "describe",
    "load",
    "shortened",
]

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
# libyaml when it is there; the pure-Python parser gives the same verdicts (tested with both).
FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _check_syntax(text: str, loader: type[yaml.SafeLoader]) -> None:
    parser = loader(text)
    try:
        check_all(iter(parser.get_event, None), text)
    finally:
        parser.dispose()


def _parse(builder: Builder, text: str, loader: type[yaml.SafeLoader]) -> dict[str, Any]:
    parser = loader(text)
    # Both parsers return None after the last event: a C-level iterator, no generator frames.
    events = iter(parser.get_event, None)
    try:
        try:
            return builder.document(events)
        except Refusal:
            # A syntax error anywhere wins: the parsers find it at different points of the file.
            _check_syntax(text, loader)
            raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or exc.context or "not valid YAML"
        if exc.context and exc.context_mark is not None and exc.problem_mark is not None:
            detail += f" ({exc.context} at line {exc.context_mark.line + 1})"
        position = position_of(mark) if mark is not None else Position(1, 1)
        hint = "check the indentation, quotes and brackets"
        if exc.context == "while scanning an alias":  # most likely a wildcard left unquoted
            hint = 'a bare * starts a YAML alias: a transition from any state is `from: "*"`'
        raise Refusal(YAML_SYNTAX, position, f"{detail}; {hint}") from None
    except yaml.YAMLError as exc:
        raise Refusal(YAML_SYNTAX, Position(1, 1), str(exc).splitlines()[0]) from None
    finally:
        parser.dispose()


def load(
    data: bytes,
    file: str,
    *,
    loader: type[yaml.SafeLoader] = FAST_LOADER,
    every_position: bool = False,
) -> Loaded:
    """Load one workflow file's bytes; problems carry `file` and 1-based positions.

    Without `every_position` the document places only its top two levels (every state and
    transition entry); load again with it to explain a problem deeper down.
    """
    try:
        text = decode(data)
        problems = character_problems(text)
        if problems:
            return Loaded(None, tuple(YAML_SYNTAX.problem(file, p, m) for p, m in problems))
        refuse_directives(text)
        builder = Builder(text, every_position)
        root = _parse(builder, text, loader)
    except NeedsPositions:
        return load(data, file, loader=loader, every_position=True)
    except Refusal as refusal:
        return Loaded(None, (refusal.rule.problem(file, refusal.position, refusal.message),))
    return Loaded(Document(root, builder.values, builder.keys, tuple(builder.implicit)))


def too_large(file: str, size: int, max_size: int) -> Problem:
    """The problem for a file refused unread because of its size."""
    return YAML_SYNTAX.problem(
        file,
        Position(1, 1),
        f"file is {size:,} bytes, over the limit of {max_size:,}; split it or raise "
        "max-file-size in the configuration",
    )
