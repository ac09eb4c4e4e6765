"""Rows of the api views as a table for people or as JSON for tools.

JSON is a contract: a list of objects, each a row of the api view with its column names (one
object for a command that returns one row); ids and timestamps as text (ISO 8601), jsonb columns
as JSON. A table shows the columns that matter, one line per row, control characters escaped.
"""

from __future__ import annotations

import datetime
import json
import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from pypgflow_ops.terminal import printable

Row = Mapping[str, Any]


class RowFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def _json_value(value: object) -> object:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def render_json(value: object) -> str:
    return json.dumps(value, default=_json_value, ensure_ascii=False, indent=2) + "\n"


def cell(value: object) -> str:
    """A value on one line: control and format characters (newlines, terminal escapes, bidi
    overrides) written as escapes."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "yes" if value else ""
    elif isinstance(value, datetime.datetime):
        text = value.isoformat(sep=" ", timespec="seconds")
    elif isinstance(value, Mapping | list):
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    else:
        text = str(value)
    return printable(text)


def render_table(rows: Sequence[Row], columns: Sequence[str], *, empty: str) -> str:
    """Aligned columns under a header; `empty` when there are no rows."""
    if not rows:
        return f"{empty}\n"
    cells = [[cell(row[c]) for c in columns] for row in rows]
    widths = [
        max(_columns(c), *(_columns(line[i]) for line in cells)) for i, c in enumerate(columns)
    ]
    lines = [columns, *cells]
    return "".join(
        "  ".join(
            text + " " * (width - _columns(text)) for text, width in zip(line, widths, strict=True)
        ).rstrip()
        + "\n"
        for line in lines
    )


def _columns(text: str) -> int:
    """How many terminal columns `text` takes: wide and full-width characters take two,
    combining marks none."""
    if text.isascii():
        return len(text)
    return sum(
        0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
        for char in text
    )
