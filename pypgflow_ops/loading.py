"""Strict YAML loading: text -> plain data with the position of every node, or located problems.

Stock `yaml.safe_load` is not safe enough for files that drive deployments: it keeps the last of
duplicate keys, expands alias bombs, and turns `no` into false. This loader reads the event stream
(libyaml's C parser when present) and builds plain data itself, so that anchors and aliases are
refused before anything is built, and every key and value keeps its line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from pypgflow_ops.model import Position
from pypgflow_ops.problems import Problem, Severity

Path_ = tuple[str | int, ...]

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_DEPTH = 64

# libyaml when it is there; the pure-Python parser gives the same verdicts (tested with both).
FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()

# C0 controls but tab/LF/CR, DEL, C1 controls but NEL, and the non-characters YAML forbids.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_YES_NO = frozenset({"y", "Y", "n", "N"})
# A plain scalar that starts with a letter is converted by YAML 1.1 only when it is one of these
# words (booleans and nulls); anything else starting with a letter is text. (Tested against
# PyYAML's resolver.)
_CONVERTED_WORDS = frozenset(
    {"yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE"}
    | {"on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL"}
    | _YES_NO
)


def _plain_text(event: yaml.Event) -> str | None:
    """The text of a scalar that needs no other check (most of a file), else None.

    The loader's hot path: it decides without PyYAML's resolver.
    """
    if type(event) is not yaml.ScalarEvent or event.anchor is not None or event.tag is not None:
        return None
    text: str = event.value
    if event.implicit[0] and (not text[:1].isalpha() or text in _CONVERTED_WORDS):
        return None
    return None if "\x00" in text else text


def _maybe_converted(text: str) -> bool:
    """False when a plain scalar is surely text, so the (slow) resolver need not be asked."""
    return not text[:1].isalpha() or text in _CONVERTED_WORDS


@dataclass(frozen=True, slots=True)
class ImplicitScalar:
    """An unquoted scalar that YAML turned into something other than the text written."""

    path: Path_
    position: Position
    text: str
    value: Any

    @property
    def ambiguous(self) -> bool:
        """True for YAML 1.1 conversions that surprise readers (yes/no/on/off, y/n, 0755, 1:30)."""
        if self.text in _YES_NO:
            return True
        if isinstance(self.value, bool):
            return self.text.lower() not in ("true", "false")
        if isinstance(self.value, int):
            return not _DECIMAL_INT.match(self.text)
        return isinstance(self.value, float) and ":" in self.text


@dataclass(frozen=True, slots=True)
class Document:
    """A loaded file: plain data plus where each node and each mapping key was written."""

    data: dict[str, Any]
    value_marks: dict[Path_, Any]  # yaml Marks, turned into Positions only when asked for
    key_marks: dict[Path_, Any]
    implicit: tuple[ImplicitScalar, ...]

    def position(self, path: Path_) -> Position:
        """Where the value at `path` (or the nearest one above it) was written."""
        while path not in self.value_marks and path:
            path = path[:-1]
        mark = self.value_marks.get(path)
        return _mark(mark) if mark is not None else Position(1, 1)

    def key_position(self, path: Path_) -> Position | None:
        """Where the mapping key ending `path` was written."""
        mark = self.key_marks.get(path)
        return _mark(mark) if mark is not None else None


@dataclass(frozen=True, slots=True)
class Loaded:
    document: Document | None
    problems: tuple[Problem, ...] = field(default=())


class _NeedsPositions(Exception):
    """A problem was found where positions were not kept: load again, keeping them all."""


class _Refused(Exception):
    """Loading stops at the first problem that makes the rest of the file meaningless."""

    def __init__(self, rule: str, position: Position, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.position = position
        self.message = message


def _line_col(text: str, index: int) -> Position:
    line_start = text.rfind("\n", 0, index) + 1
    return Position(text.count("\n", 0, index) + 1, index - line_start + 1)


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        valid = data[: exc.start].decode("utf-8")
        raise _Refused(
            "yaml-syntax",
            _line_col(valid, len(valid)),
            f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


def _check_characters(text: str, file: str) -> list[Problem]:
    """Tabs and control characters, each reported once per line, before any parsing.

    libyaml accepts tabs in places where the pure-Python parser does not; refusing them all makes
    both parsers agree.
    """
    found: list[tuple[Position, str]] = []
    seen_lines: set[tuple[int, str]] = set()
    for match in re.finditer("\t", text):
        pos = _line_col(text, match.start())
        if (pos.line, "tab") not in seen_lines:
            seen_lines.add((pos.line, "tab"))
            found.append((pos, "tab character; indent and separate with spaces"))
    for match in _CONTROL.finditer(text):
        pos = _line_col(text, match.start())
        if (pos.line, "control") not in seen_lines:
            seen_lines.add((pos.line, "control"))
            code = f"U+{ord(match.group()):04X}"
            found.append((pos, f"control character {code}; remove it"))
    return [
        Problem(file, pos.line, pos.column, "yaml-syntax", Severity.ERROR, message)
        for pos, message in found
    ]


def _mark(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1)


class _Builder:
    """Builds plain data from YAML events, refusing what workflow files may not contain."""

    def __init__(self, every_position: bool) -> None:
        # The top two levels (`workflow`, `states`, each state and transition entry) are always
        # placed; deeper nodes only on request, since most files need no more than that.
        self.placed_depth = MAX_DEPTH + 1 if every_position else 2
        self.values: dict[Path_, Any] = {}
        self.keys: dict[Path_, Any] = {}
        self.implicit: list[ImplicitScalar] = []

    def document(self, events: Iterator[yaml.Event]) -> dict[str, Any]:
        root: Any = None
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Refused(
                        "yaml-syntax",
                        _mark(event.start_mark),
                        "a second YAML document; keep one workflow per file",
                    )
            elif isinstance(event, yaml.NodeEvent):
                root = self._node(event, events, (), 0)
        if documents == 0:
            raise _Refused("yaml-syntax", Position(1, 1), "the file is empty; write a workflow")
        if not isinstance(root, dict):
            raise _Refused(
                "yaml-syntax",
                _mark(self.values[()]) if () in self.values else Position(1, 1),
                "the top level must be a mapping with `workflow`, `states` and `transitions`",
            )
        return root

    def _node(
        self, event: yaml.Event, events: Iterator[yaml.Event], path: Path_, depth: int
    ) -> Any:
        mark = event.start_mark
        if depth <= self.placed_depth:
            self.values[path] = mark
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(
                "yaml-anchor", _mark(mark), "aliases (*name) are not allowed; write the value out"
            )
        if not isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
            raise AssertionError(f"the parser gave {event} where a node belongs")
        if event.anchor is not None:
            raise _Refused(
                "yaml-anchor",
                _mark(mark),
                f"anchor &{event.anchor} is not allowed; workflow files need no anchors",
            )
        if type(event) is yaml.ScalarEvent:
            return self._scalar(event, path)
        if depth > MAX_DEPTH:
            raise _Refused("yaml-syntax", _mark(mark), f"nesting deeper than {MAX_DEPTH} levels")
        self._refuse_tag(event)
        if type(event) is yaml.SequenceStartEvent:
            return self._sequence(events, path, depth)
        return self._mapping(events, path, depth)

    @staticmethod
    def _refuse_tag(event: yaml.CollectionStartEvent | yaml.ScalarEvent) -> None:
        if event.tag not in (None, "!", _STR_TAG):
            shown = event.tag.replace("tag:yaml.org,2002:", "!!")
            raise _Refused(
                "yaml-syntax",
                _mark(event.start_mark),
                f"explicit tag {shown} is not allowed; remove it",
            )

    def _sequence(self, events: Iterator[yaml.Event], path: Path_, depth: int) -> list[Any]:
        items: list[Any] = []
        for event in events:
            if type(event) is yaml.SequenceEndEvent:
                return items
            text = _plain_text(event)
            if text is None:
                items.append(self._node(event, events, (*path, len(items)), depth + 1))
            else:
                if depth < self.placed_depth:
                    self.values[(*path, len(items))] = event.start_mark
                items.append(text)
        raise AssertionError("the parser ends every sequence")

    def _mapping(self, events: Iterator[yaml.Event], path: Path_, depth: int) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        for event in events:
            if type(event) is yaml.MappingEndEvent:
                return mapping
            key = self._key(event, path)
            key_path = (*path, key)
            if key in mapping:
                if key_path not in self.keys:
                    raise _NeedsPositions
                first_line = self.keys[key_path].line + 1
                raise _Refused(
                    "duplicate-key",
                    _mark(event.start_mark),
                    f"duplicate key {key!r} (first at line {first_line}); YAML would silently "
                    "keep the last: remove one",
                )
            value_event = next(events)
            text = _plain_text(value_event)
            if depth < self.placed_depth:
                self.keys[key_path] = event.start_mark
                if text is not None:
                    self.values[key_path] = value_event.start_mark
            if text is None:
                mapping[key] = self._node(value_event, events, key_path, depth + 1)
            else:
                mapping[key] = text
        raise AssertionError("the parser ends every mapping")

    def _key(self, event: yaml.Event, path: Path_) -> str:
        text = _plain_text(event)
        if text is not None:
            return text
        position = _mark(event.start_mark)
        if not isinstance(event, yaml.ScalarEvent):
            if isinstance(event, yaml.AliasEvent):
                raise _Refused("yaml-anchor", position, "aliases (*name) are not allowed")
            raise _Refused(
                "yaml-syntax", position, "a mapping key must be text, not a mapping or a list"
            )
        if event.anchor is not None:
            raise _Refused("yaml-anchor", position, f"anchor &{event.anchor} is not allowed")
        if event.implicit[0] and event.value == "<<":
            raise _Refused(
                "yaml-anchor", position, "merge keys (<<) are not allowed; write the keys out"
            )
        value = self._scalar(event, (*path, event.value), record=False)
        if not isinstance(value, str):
            raise _Refused(
                "yaml-syntax",
                position,
                f"key {event.value} is read by YAML as {_describe(value)}, not text; "
                f'quote it: "{event.value}"',
            )
        return value

    def _scalar(self, event: yaml.ScalarEvent, path: Path_, *, record: bool = True) -> Any:
        text: str = event.value
        if event.tag is not None:
            self._refuse_tag(event)
        if "\x00" in text:
            raise _Refused(
                "yaml-syntax",
                _mark(event.start_mark),
                "text contains a NUL character (\\0), which PostgreSQL cannot store; remove it",
            )
        if event.tag == _STR_TAG or not event.implicit[0] or not _maybe_converted(text):
            return text
        tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
        value = _convert(tag, text, event.start_mark)
        if record and (not isinstance(value, str) or text in _YES_NO):
            self.implicit.append(ImplicitScalar(path, _mark(event.start_mark), text, value))
        return value


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    return f"the number {value}"


def _convert(tag: str, text: str, mark: Any) -> Any:
    """A plain scalar's value under YAML 1.1, as PyYAML's safe loader would give it.

    Timestamps stay text: JSON has no date type, and the runtime stores JSON.
    """
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return text.lower() in ("yes", "true", "on")
    if tag == "tag:yaml.org,2002:int":
        try:
            return _CONSTRUCTOR.construct_yaml_int(yaml.ScalarNode(tag, text))
        except ValueError:
            raise _Refused(
                "yaml-syntax",
                _mark(mark),
                "integer too large to convert; quote it if it is an identifier",
            ) from None
    if tag == "tag:yaml.org,2002:float":
        value = _CONSTRUCTOR.construct_yaml_float(yaml.ScalarNode(tag, text))
        if value != value or value in (float("inf"), float("-inf")):
            raise _Refused(
                "yaml-syntax",
                _mark(mark),
                f'{text} is not a number JSON can hold; quote it: "{text}"',
            )
        return value
    if tag == "tag:yaml.org,2002:merge":
        raise _Refused("yaml-anchor", _mark(mark), "merge keys (<<) are not allowed")
    return text


_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def load(
    data: bytes,
    file: str,
    *,
    max_size: int = DEFAULT_MAX_FILE_SIZE,
    loader: type[yaml.SafeLoader] = FAST_LOADER,
    every_position: bool = False,
) -> Loaded:
    """Load one workflow file's bytes; problems carry `file` and 1-based positions.

    Without `every_position` the document places only its top two levels (every state and
    transition entry); load again with it to explain a problem deeper down.
    """
    try:
        if len(data) > max_size:
            raise _Refused(
                "yaml-syntax",
                Position(1, 1),
                f"file is {len(data):,} bytes, over the limit of {max_size:,}; split it or raise "
                "max-file-size in the configuration",
            )
        text = _decode(data)
        problems = _check_characters(text, file)
        if problems:
            return Loaded(None, tuple(problems))
        builder = _Builder(every_position)
        root = _parse(builder, text, loader)
    except _NeedsPositions:
        return load(data, file, max_size=max_size, loader=loader, every_position=True)
    except _Refused as refused:
        return Loaded(
            None,
            (
                Problem(
                    file,
                    refused.position.line,
                    refused.position.column,
                    refused.rule,
                    Severity.ERROR,
                    refused.message,
                ),
            ),
        )
    return Loaded(Document(root, builder.values, builder.keys, tuple(builder.implicit)))


def _parse(builder: _Builder, text: str, loader: type[yaml.SafeLoader]) -> dict[str, Any]:
    parser = loader(text)
    try:
        # Both parsers return None after the last event: a C-level iterator, no generator frames.
        return builder.document(iter(parser.get_event, None))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = _mark(mark) if mark is not None else Position(1, 1)
        detail = exc.problem or exc.context or "not valid YAML"
        raise _Refused("yaml-syntax", position, f"{detail}") from None
    except yaml.YAMLError as exc:
        raise _Refused("yaml-syntax", Position(1, 1), str(exc).splitlines()[0]) from None
    finally:
        parser.dispose()
