"""The fix for unenforced-condition: move the keys of `conditions` the runtime does not enforce
under the transition's `context`, where the original pypgflow's free-form keys belong.

The file is edited as text, whole lines at the positions the parser reports, so that comments,
quoting and order stay byte for byte everywhere else. A key moves with the comment lines right
above it and the comment at the end of its line; into `context` if there is one (at the end, at
its indentation), else into a new `context` written after `conditions`, or `conditions` is renamed
`context` when every key of it moves; a `conditions` left empty is removed. Block style only: a
`conditions` or `context` in flow style (`{...}`), or a key the other section also has, refuses the
file. The result is read again and must hold exactly the data expected, else the file is refused.
A key that reads as a misspelt condition (`field_requird`) or is named like one (`field_regex`)
stays: under context it would silently guard nothing, and lint goes on reporting it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from pypgflow_ops.loading import FAST_LOADER, load
from pypgflow_ops.model import Position
from pypgflow_ops.rules.conditions import movable_keys


@dataclass(frozen=True, slots=True)
class Moved:
    file: str
    position: Position  # of the key, in the file as it was
    key: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.position.line}:{self.position.column}"
        return f"{where}: moved `{self.key}` from conditions to context"


@dataclass(frozen=True, slots=True)
class Refused:
    file: str
    position: Position
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.position.line}:{self.position.column}"
        return f"{where}: not fixed, the file is left as it was: {self.reason}"


@dataclass(frozen=True, slots=True)
class Fixed:
    data: bytes  # the file's new bytes (the old ones when nothing moved or it was refused)
    moved: tuple[Moved, ...] = ()
    refused: Refused | None = None


class _CannotFix(Exception):
    def __init__(self, mark: Any, reason: str) -> None:
        super().__init__(reason)
        self.position = Position(mark.line + 1, mark.column + 1)
        self.reason = reason


# Replace lines[start:end] with the given lines (an insertion when start == end).
_Edit = tuple[int, int, list[str]]

_FLOW = (
    "is written in flow style ({...}); write it as a block, one key a line, "
    "or move the keys by hand"
)


def _last_mark(node: yaml.Node) -> Any:
    """Where the node's own text ends: a block collection's end mark lies past what follows it."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _last_mark(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _last_mark(node.value[-1])
    return node.end_mark


def _last_line(lines: list[str], key: yaml.Node, value: yaml.Node) -> int:
    """The last line holding the entry `key: value` (a block scalar's end mark lies past its
    trailing blank lines)."""
    end = _last_mark(value)
    last: int = end.line if end.column > 0 else end.line - 1
    while last > key.start_mark.line and not lines[last].strip():
        last -= 1
    return last


def _entry_lines(lines: list[str], owner: yaml.Node, mapping: yaml.MappingNode) -> list[range]:
    """Each entry's lines: its comment lines right above it, its key's line to its value's last."""
    spans: list[range] = []
    after = owner.start_mark.line  # the line of the key that owns the mapping
    for key, value in mapping.value:
        first = key.start_mark.line
        if lines[first][: key.start_mark.column].strip():
            raise _CannotFix(key.start_mark, f"`{key.value}` does not start its line")
        while first - 1 > after and lines[first - 1].lstrip().startswith("#"):
            first -= 1
        after = _last_line(lines, key, value)
        spans.append(range(first, after + 1))
    return spans


def _shifted(line: str, by: int) -> str:
    if not line.strip() or by == 0:
        return line
    if by > 0:
        return " " * by + line
    return line[min(-by, len(line) - len(line.lstrip(" "))) :]


def _eol(line: str) -> str:
    return "\r\n" if line.endswith("\r\n") else "\n"


def _starts_line(lines: list[str], key: yaml.Node) -> bool:
    return not lines[key.start_mark.line][: key.start_mark.column].strip()


def _into_context(
    lines: list[str], context: tuple[yaml.Node, yaml.Node], moved: list[str], shift_from: int
) -> _Edit:
    """The insertion of the moved lines (written at indentation `shift_from`) into `context`."""
    key, value = context
    if not isinstance(value, yaml.MappingNode):
        raise _CannotFix(key.start_mark, "`context` is not a mapping")
    if value.flow_style and value.value:
        raise _CannotFix(key.start_mark, f"`context` {_FLOW}")
    if not value.flow_style:
        last = _last_line(lines, *value.value[-1])
        by = value.value[0][0].start_mark.column - shift_from
        return (last + 1, last + 1, [_shifted(line, by) for line in moved])
    # `context: {}`: the braces go, the keys follow on their own lines.
    start, end = value.start_mark, value.end_mark
    if start.line != end.line:
        raise _CannotFix(key.start_mark, f"`context` {_FLOW}")
    line = lines[start.line]
    written = line[: start.column].rstrip() + line[end.column :]
    by = key.start_mark.column + 2 - shift_from
    return (start.line, start.line + 1, [written, *(_shifted(m, by) for m in moved)])


def _transition_edits(
    lines: list[str], transition: yaml.MappingNode, keys: list[str]
) -> Iterator[_Edit]:
    pairs = {key.value: (key, value) for key, value in transition.value}
    conditions_key, conditions = pairs["conditions"]
    if not isinstance(conditions, yaml.MappingNode) or conditions.flow_style:
        raise _CannotFix(conditions_key.start_mark, f"`conditions` {_FLOW}")
    context = pairs.get("context")
    if context is not None and isinstance(context[1], yaml.MappingNode):
        for key, _ in context[1].value:
            if key.value in keys:
                raise _CannotFix(
                    key.start_mark, f"`{key.value}` is under both conditions and context; keep one"
                )
    spans = _entry_lines(lines, conditions_key, conditions)
    going = [
        span for span, (key, _) in zip(spans, conditions.value, strict=True) if key.value in keys
    ]
    every = len(going) == len(spans)
    if context is None and every:  # the whole mapping becomes the context, where it is
        line, column = conditions_key.start_mark.line, conditions_key.start_mark.column
        text = lines[line]
        yield (line, line + 1, [text[:column] + "context" + text[conditions_key.end_mark.column :]])
        return
    yield from ((span.start, span.stop, []) for span in going)
    moved = [lines[index] for span in going for index in span]
    indent = conditions.value[0][0].start_mark.column
    if context is None:
        header = " " * conditions_key.start_mark.column + "context:" + _eol(lines[spans[-1][-1]])
        yield (spans[-1].stop, spans[-1].stop, [header, *moved])
        return
    yield _into_context(lines, context, moved, indent)
    if every:  # `conditions` is left empty: its line goes
        if not _starts_line(lines, conditions_key):
            raise _CannotFix(
                conditions_key.start_mark,
                "`conditions` is the first key of its list item (- conditions:); "
                "write another key first",
            )
        line = conditions_key.start_mark.line
        yield (line, line + 1, [])


def _applied(lines: list[str], edits: list[_Edit]) -> list[str]:
    result = list(lines)
    # From the end, so that earlier line numbers still hold; at one line a removal goes first.
    for start, end, new in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        result[start:end] = new
    return result


def _expected(data: dict[str, Any], todo: dict[int, list[str]]) -> dict[str, Any]:
    expected = copy.deepcopy(data)
    for index, keys in todo.items():
        transition = expected["transitions"][index]
        moved = {key: transition["conditions"].pop(key) for key in keys}
        if not transition["conditions"]:
            del transition["conditions"]
        transition["context"] = {**transition.get("context", {}), **moved}
    return expected


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _lines(text: str) -> list[str]:
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]  # after the last line break: empty, or a line without one
    return lines


def fix_conditions(data: bytes, file: str) -> Fixed:
    """The file with its unenforced conditions moved under context; unchanged when it has none,
    or when it cannot be read (lint reports why)."""
    document = load(data, file).document
    transitions = document.data.get("transitions") if document is not None else None
    if document is None or not isinstance(transitions, list):
        return Fixed(data)
    todo = {
        index: keys
        for index, transition in enumerate(transitions)
        if isinstance(transition, dict)
        and isinstance(transition.get("conditions"), dict)
        and (keys := movable_keys(transition["conditions"]))
    }
    if not todo:
        return Fixed(data)
    text = data.decode("utf-8")
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = _lines(text.removeprefix(bom))
    unended = lines[-1] != ""  # the last line has no line break: one is lent while editing
    if unended:
        lines[-1] += _eol(lines[-2]) if len(lines) > 1 else "\n"
        lines.append("")
    root: Any = yaml.compose("".join(lines), Loader=FAST_LOADER)  # the loader read it: a mapping
    nodes = next(value for key, value in root.value if key.value == "transitions").value
    edits: list[_Edit] = []
    moved: list[Moved] = []
    try:
        for index, keys in todo.items():
            edits.extend(_transition_edits(lines, nodes[index], keys))
            conditions = next(v for k, v in nodes[index].value if k.value == "conditions")
            marks = {key.value: key.start_mark for key, _ in conditions.value}
            for key in keys:
                moved.append(Moved(file, Position(marks[key].line + 1, marks[key].column + 1), key))
    except _CannotFix as cannot:
        return Fixed(data, refused=Refused(file, cannot.position, cannot.reason))
    result = "".join(_applied(lines, edits))
    if unended:
        result = result.removesuffix(_eol(result))
    fixed = (bom + result).encode("utf-8")
    again = load(fixed, file).document
    if again is None or not _same(again.data, _expected(document.data, todo)):
        first = moved[0].position
        return Fixed(
            data,
            refused=Refused(
                file,
                first,
                "moved as text, the values would not read back the same (a block scalar "
                "that keeps trailing blank lines?); move the keys by hand",
            ),
        )
    return Fixed(fixed, tuple(moved))
