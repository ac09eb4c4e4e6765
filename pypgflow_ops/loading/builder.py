"""YAML events -> plain data, refusing what workflow files may not contain.

Anchors and aliases are refused as their events arrive, before anything is built from them, so an
alias bomb costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import yaml

from pypgflow_ops.loading.agreement import (
    refuse_disputed_block_scalar,
    refuse_disputed_flow_scalar,
    refuse_tag,
)
from pypgflow_ops.loading.refusal import (
    DUPLICATE_KEY,
    YAML_ANCHOR,
    YAML_SYNTAX,
    Refusal,
    position_of,
)
from pypgflow_ops.loading.scalars import (
    STR_TAG,
    YES_NO,
    ImplicitScalar,
    NodePath,
    convert,
    describe,
    escaped_control,
    maybe_converted,
    plain_text,
)
from pypgflow_ops.model import Position

MAX_DEPTH = 64


class NeedsPositions(Exception):
    """A problem was found where positions were not kept: load again, keeping them all."""


class Builder:
    def __init__(self, text: str, every_position: bool) -> None:
        self.text = text
        # The top two levels (`workflow`, `states`, each state and transition entry) are always
        # placed; deeper nodes only on request, since most files need no more than that.
        self.placed_depth = MAX_DEPTH + 1 if every_position else 2
        self.values: dict[NodePath, Any] = {}
        self.keys: dict[NodePath, Any] = {}
        self.implicit: list[ImplicitScalar] = []

    def document(self, events: Iterator[yaml.Event]) -> dict[str, Any]:
        root: Any = None
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise Refusal(
                        YAML_SYNTAX,
                        position_of(event.start_mark),
                        "a second YAML document; keep one workflow per file",
                    )
            elif isinstance(event, yaml.NodeEvent):
                root = self._node(event, events, (), 0)
        if documents == 0:
            raise Refusal(YAML_SYNTAX, Position(1, 1), "the file is empty; write a workflow")
        if not isinstance(root, dict):
            raise Refusal(
                YAML_SYNTAX,
                position_of(self.values[()]) if () in self.values else Position(1, 1),
                "the top level must be a mapping with `workflow`, `states` and `transitions`",
            )
        return root

    def _node(
        self,
        event: yaml.Event,
        events: Iterator[yaml.Event],
        path: NodePath,
        depth: int,
        flow: bool = False,
    ) -> Any:
        mark = event.start_mark
        if depth <= self.placed_depth:
            self.values[path] = mark
        if isinstance(event, yaml.AliasEvent):
            raise Refusal(
                YAML_ANCHOR,
                position_of(mark),
                "aliases (*name) are not allowed; write the value out",
            )
        if not isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
            raise AssertionError(f"the parser gave {event} where a node belongs")
        if event.anchor is not None:
            raise Refusal(
                YAML_ANCHOR,
                position_of(mark),
                f"anchor &{event.anchor} is not allowed; workflow files need no anchors",
            )
        if isinstance(event, yaml.ScalarEvent):
            if flow:
                refuse_disputed_flow_scalar(event, self.text)
            return self._scalar(event, path)
        if depth > MAX_DEPTH:
            raise Refusal(YAML_SYNTAX, position_of(mark), f"nesting deeper than {MAX_DEPTH} levels")
        refuse_tag(event)
        flow = flow or bool(event.flow_style)
        if type(event) is yaml.SequenceStartEvent:
            return self._sequence(events, path, depth, flow)
        return self._mapping(events, path, depth, flow)

    def _sequence(
        self, events: Iterator[yaml.Event], path: NodePath, depth: int, flow: bool
    ) -> list[Any]:
        items: list[Any] = []
        for event in events:
            if type(event) is yaml.SequenceEndEvent:
                return items
            text = plain_text(event)
            if text is None:
                items.append(self._node(event, events, (*path, len(items)), depth + 1, flow))
            else:
                if flow:
                    refuse_disputed_flow_scalar(cast(yaml.ScalarEvent, event), self.text)
                if depth < self.placed_depth:
                    self.values[(*path, len(items))] = event.start_mark
                items.append(text)
        raise AssertionError("the parser ends every sequence")

    def _mapping(
        self, events: Iterator[yaml.Event], path: NodePath, depth: int, flow: bool
    ) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        for event in events:
            if type(event) is yaml.MappingEndEvent:
                return mapping
            if flow and isinstance(event, yaml.ScalarEvent):
                refuse_disputed_flow_scalar(event, self.text)
            key = self._key(event, path)
            key_path = (*path, key)
            if key in mapping:
                if key_path not in self.keys:
                    raise NeedsPositions
                first_line = self.keys[key_path].line + 1
                raise Refusal(
                    DUPLICATE_KEY,
                    position_of(event.start_mark),
                    f"duplicate key {key!r} (first at line {first_line}); YAML would silently "
                    "keep the last: remove one",
                )
            value_event = next(events)
            text = plain_text(value_event)
            if depth < self.placed_depth:
                self.keys[key_path] = event.start_mark
                if text is not None:
                    self.values[key_path] = value_event.start_mark
            if text is None:
                mapping[key] = self._node(value_event, events, key_path, depth + 1, flow)
            else:
                if flow:
                    refuse_disputed_flow_scalar(cast(yaml.ScalarEvent, value_event), self.text)
                mapping[key] = text
        raise AssertionError("the parser ends every mapping")

    def _key(self, event: yaml.Event, path: NodePath) -> str:
        text = plain_text(event)
        if text is not None:
            return text
        position = position_of(event.start_mark)
        if isinstance(event, yaml.AliasEvent):
            raise Refusal(YAML_ANCHOR, position, "aliases (*name) are not allowed")
        if not isinstance(event, yaml.ScalarEvent):
            raise Refusal(
                YAML_SYNTAX, position, "a mapping key must be text, not a mapping or a list"
            )
        if event.anchor is not None:
            raise Refusal(YAML_ANCHOR, position, f"anchor &{event.anchor} is not allowed")
        if event.implicit[0] and event.value == "<<":
            raise Refusal(
                YAML_ANCHOR, position, "merge keys (<<) are not allowed; write the keys out"
            )
        value = self._scalar(event, (*path, event.value), record=False)
        if not isinstance(value, str):
            raise Refusal(
                YAML_SYNTAX,
                position,
                f"key {event.value} is read by YAML as {describe(value)}, not text; "
                f'quote it: "{event.value}"',
            )
        return value

    def _scalar(self, event: yaml.ScalarEvent, path: NodePath, *, record: bool = True) -> Any:
        text: str = event.value
        if event.tag is not None:
            refuse_tag(event)
        control = escaped_control(event)
        if control == "\x00":
            raise Refusal(
                YAML_SYNTAX,
                position_of(event.start_mark),
                "text contains a NUL character (\\0), which PostgreSQL cannot store; remove it",
            )
        if control is not None:
            raise Refusal(
                YAML_SYNTAX,
                position_of(event.start_mark),
                f"text contains control character U+{ord(control):04X} (written as an escape); "
                "remove it: terminals and logs that show it would obey it",
            )
        if event.style in ("|", ">"):
            refuse_disputed_block_scalar(event, self.text)
        if event.tag == STR_TAG or not event.implicit[0] or not maybe_converted(text):
            return text
        position = position_of(event.start_mark)
        value = convert(text, position)
        if record and (not isinstance(value, str) or text in YES_NO):
            self.implicit.append(ImplicitScalar(path, position, text, value))
        return value
