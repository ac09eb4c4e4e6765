"""YAML 1.1 plain scalars: which are text, what the rest become, and which of those surprise.

PyYAML's resolver is slow and asked only when a scalar could be something other than text.
Timestamps stay text: JSON has no date type, and the runtime stores JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml

from pypgflow_ops.loading.refusal import YAML_ANCHOR, YAML_SYNTAX, Refusal
from pypgflow_ops.model import Position

NodePath = tuple[str | int, ...]

STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
# Python refuses to turn more digits than this into text (sys.get_int_max_str_digits()).
_MAX_INT_BITS = 14_000
YES_NO = frozenset({"y", "Y", "n", "N"})
# A plain scalar starting with a letter is converted by YAML 1.1 only when it is one of these
# words (booleans and nulls); anything else starting with a letter is text. y/n are text to
# PyYAML but booleans to other YAML 1.1 readers. (Tested against PyYAML's resolver.)
_CONVERTED_WORDS = frozenset(
    {"yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE"}
    | {"on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL"}
    | YES_NO
)


def maybe_converted(text: str) -> bool:
    """False when a plain scalar is surely text, so the resolver need not be asked."""
    return not text[:1].isalpha() or text in _CONVERTED_WORDS


def plain_text(event: yaml.Event) -> str | None:
    """The text of a scalar that needs no other check (most of a file), else None.

    The loader's hot path, so its tests are written out rather than calls.
    """
    if type(event) is not yaml.ScalarEvent or event.anchor is not None or event.tag is not None:
        return None
    text: str = event.value
    if event.implicit[0]:  # plain: may be converted, cannot hold escapes
        return None if not text[:1].isalpha() or text in _CONVERTED_WORDS else text
    if event.style == "'":
        return text
    if event.style == '"' and not _CONTROL.search(text):
        return text
    return None  # a block scalar (| or >), or escapes to check


# Escapes in double-quoted text can write any character; tab and line breaks are ordinary text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def escaped_control(event: yaml.ScalarEvent) -> str | None:
    """The first control character a double-quoted scalar's escapes put in its text, if any."""
    if event.style != '"':
        return None  # the raw text was checked before parsing; only escapes can add more
    found = _CONTROL.search(event.value)
    return found.group() if found else None


SHOWN_LENGTH = 40


def shortened(text: str) -> str:
    """Text from a file as written, cut short for a message (a number can have 4,000 digits)."""
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def describe(value: Any) -> str:
    """How YAML read a scalar, for messages: `null`, `the boolean false`, `the number 1.1`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):  # y / n: text to PyYAML, booleans to other YAML 1.1 readers
        return "a boolean by other YAML 1.1 tools"
    digits = str(value)
    if len(digits) > SHOWN_LENGTH:
        return f"a {len(digits.lstrip('-'))}-digit number"
    return f"the number {digits}"


def _integer(tag: str, text: str, position: Position) -> int:
    value: int | None
    try:
        value = (
            int(text)
            if _DECIMAL_INT.match(text)
            else _CONSTRUCTOR.construct_yaml_int(yaml.ScalarNode(tag, text))
        )
    except ValueError:  # more decimal digits than Python converts
        value = None
    # Hex, octal and base-60 forms convert without that limit, and then fail when printed.
    if value is None or value.bit_length() >= _MAX_INT_BITS:
        raise Refusal(
            YAML_SYNTAX, position, "integer too large to convert; quote it if it is an identifier"
        )
    return value


def as_stored(value: float) -> float | int:
    """The number as PostgreSQL's jsonb gives it back, so a definition hashes the same read from
    a file as read from the database: numeric has no negative zero, and prints a float of 1e16
    or more as a whole number."""
    if value == 0:
        return 0.0
    if value.is_integer() and abs(value) >= 1e16:
        return int(Decimal(repr(value)))
    return value


def convert(text: str, position: Position) -> Any:
    """A plain scalar's value under YAML 1.1, as PyYAML's safe loader would give it."""
    if _DECIMAL_INT.match(text):  # the common number, decided without the resolver
        return _integer("tag:yaml.org,2002:int", text, position)
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return text.lower() in ("yes", "true", "on")
    if tag == "tag:yaml.org,2002:int":
        return _integer(tag, text, position)
    if tag == "tag:yaml.org,2002:float":
        value = _CONSTRUCTOR.construct_yaml_float(yaml.ScalarNode(tag, text))
        if value != value or value in (float("inf"), float("-inf")):
            raise Refusal(
                YAML_SYNTAX, position, f'{text} is not a number JSON can hold; quote it: "{text}"'
            )
        return as_stored(value)
    if tag == "tag:yaml.org,2002:merge":
        raise Refusal(YAML_ANCHOR, position, "merge keys (<<) are not allowed")
    return text


@dataclass(frozen=True, slots=True)
class ImplicitScalar:
    """An unquoted scalar that YAML turned into something other than the text written."""

    path: NodePath
    position: Position
    text: str
    value: Any

    @property
    def ambiguous(self) -> bool:
        """True for YAML 1.1 conversions that surprise readers (yes/no/on/off, y/n, 0755, 1:30)."""
        if self.text in YES_NO:
            return True
        if isinstance(self.value, bool):
            return self.text.lower() not in ("true", "false")
        if isinstance(self.value, int):
            return not _DECIMAL_INT.match(self.text)
        return isinstance(self.value, float) and ":" in self.text
