"""Checks on the raw text, before any parsing: encoding, tabs, control characters, line breaks,
directives.

libyaml accepts tabs in places where the pure-Python parser does not; refusing them all makes both
parsers agree. Line breaks other than LF and CRLF are refused so that every tool (editors, CI
annotations, both parsers) counts lines the same way.
"""

from __future__ import annotations

import io
import re

from pypgflow_ops.loading.refusal import YAML_SYNTAX, Refusal
from pypgflow_ops.model import Position

# Tab; C0 controls but LF and CR; a CR not followed by LF; DEL and the C1 controls (NEL
# included, which YAML 1.1 reads as a line break); the Unicode line and paragraph separators; and
# the non-characters YAML forbids.
_SUSPECT = re.compile("[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]|\r(?!\n)")


def decode(data: bytes) -> str:
    """UTF-8 text without a byte-order mark; a byte that is not UTF-8 is refused at its place."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        valid = data[: exc.start].decode("utf-8")
        line_start = valid.rfind("\n") + 1
        raise Refusal(
            YAML_SYNTAX,
            Position(valid.count("\n") + 1, len(valid) - line_start + 1),
            f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


def _describe(character: str) -> str:
    if character == "\t":
        return "tab character; indent and separate with spaces"
    if character == "\r":
        return "carriage return without a line feed; save the file with LF line endings"
    if character in "\x85\u2028\u2029":
        return f"line separator U+{ord(character):04X}, which YAML reads as a line break; remove it"
    return f"control character U+{ord(character):04X}; remove it"


def character_problems(text: str) -> list[tuple[Position, str]]:
    """Each kind of suspect character once per line where it occurs, in one pass over the text."""
    found: list[tuple[Position, str]] = []
    seen: set[tuple[int, str]] = set()
    line, line_start, scanned = 1, 0, 0
    for match in _SUSPECT.finditer(text):
        index = match.start()
        newlines = text.count("\n", scanned, index)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", scanned, index) + 1
        scanned = index
        message = _describe(match.group())
        if (line, message) not in seen:
            seen.add((line, message))
            found.append((Position(line, index - line_start + 1), message))
    return found


def refuse_directives(text: str) -> None:
    """Refuses a directive (`%YAML 1.2`, `%TAG`, ...) before the document: files are read as
    YAML 1.1 whatever a directive says, and the two parsers disagree on unknown ones."""
    for number, line in enumerate(io.StringIO(text), start=1):  # lazily: stops at the document
        if line.startswith("%"):
            name = line.split(maxsplit=1)[0]
            raise Refusal(
                YAML_SYNTAX,
                Position(number, 1),
                f"the {name} directive is not allowed: this tool reads YAML 1.1, strictly; "
                "remove the line",
            )
        if line.strip() and not line.lstrip().startswith("#"):
            return  # the document has begun: a `%` further down is part of it
