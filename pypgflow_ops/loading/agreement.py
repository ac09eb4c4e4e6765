"""What libyaml and the pure-Python parser read differently, refused so that both give one verdict.

Found by tests/loading/test_parsers_agree.py, a fuzz test; in each case one parser refuses what the
other accepts. Inside `[...]` and `{...}`, libyaml reads a `?` in unquoted text as text
(`{description: Ready?}`), where the pure-Python parser sees a key indicator; only the pure-Python
parser reads a `:` followed by `,`, `]` or `}` as a key without a value. libyaml reads a block
scalar header followed by `#` (`|#`) as a header and a comment. They scan some tags (`!,`)
differently, and tags are refused anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from pypgflow_ops.loading.refusal import YAML_SYNTAX, Refusal, position_of
from pypgflow_ops.loading.scalars import STR_TAG

_VALUE_MISSING = re.compile(r"\s*:[,\]}]")
_HEADER_THEN_COMMENT = re.compile(r"(?:[&!]\S*\s+)*[|>][-+0-9]*#")  # after an anchor, a tag


def _index(mark: Any) -> int:
    """A mark's offset in the text, in characters (both parsers count them so)."""
    return int(mark.index)


def refuse_disputed_flow_scalar(event: yaml.ScalarEvent, text: str) -> None:
    """For a scalar inside a flow collection (the loader's hot path for flow style)."""
    if event.style:
        return  # quoted or a block scalar
    value, start, end = event.value, _index(event.start_mark), _index(event.end_mark)
    if "?" in value or (value and start and text[start - 1] == "?"):
        raise Refusal(
            YAML_SYNTAX,
            position_of(event.start_mark),
            "a `?` in unquoted text inside [...] or {...} is read differently by YAML parsers; "
            "quote the text",
        )
    after = text[end : end + 1]
    if after == ":":
        missing = text[end + 1 : end + 2] in (",", "]", "}")
    else:
        missing = after in (" ", "\n", "\r") and _VALUE_MISSING.match(text, end) is not None
    if missing:
        raise Refusal(
            YAML_SYNTAX,
            position_of(event.end_mark),
            "a `:` inside [...] or {...} needs a value after it; write one, or null",
        )


def refuse_tag(event: yaml.CollectionStartEvent | yaml.ScalarEvent) -> None:
    """Tags are refused: text is the only type, and the parsers scan some tags differently."""
    if event.tag not in (None, STR_TAG):
        shown = event.tag.replace("tag:yaml.org,2002:", "!!")
        raise Refusal(
            YAML_SYNTAX,
            position_of(event.start_mark),
            f"explicit tag {shown} is not allowed; remove it",
        )


def refuse_disputed_block_scalar(event: yaml.ScalarEvent, text: str) -> None:
    if _HEADER_THEN_COMMENT.match(text, _index(event.start_mark)):
        raise Refusal(
            YAML_SYNTAX,
            position_of(event.start_mark),
            "a comment after `|` or `>` needs a space before its `#`",
        )


def check_all(events: Iterator[yaml.Event], text: str) -> None:
    """Every event of a file, for the checks above (and the parser's own) alone."""
    flow = 0
    for event in events:
        if isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
            refuse_tag(event)
        if type(event) is yaml.ScalarEvent:
            if event.style in ("|", ">"):
                refuse_disputed_block_scalar(event, text)
            elif flow:
                refuse_disputed_flow_scalar(event, text)
        elif isinstance(event, yaml.CollectionStartEvent):
            flow += 1 if flow or event.flow_style else 0
        elif isinstance(event, yaml.CollectionEndEvent) and flow:
            flow -= 1
