"""What may reach a terminal or a CI log: hostile text escaped, colour only when wanted.

Every command shows file names and user text through `printable`, and decides colour with
`wants_color`.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from typing import TextIO

# Control and format characters (newlines, terminal escapes, bidi overrides) and the lone
# surrogates that undecodable file names become: shown escaped, never sent to the terminal. A
# newline matters beyond terminals: a CI runner reads a line starting `::` as a workflow command.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def printable(text: str) -> str:
    """`text` with every character that could break a line or drive a terminal escaped."""
    if text.isprintable():  # the common case, checked in C
        return text
    return "".join(
        ascii(char)[1:-1] if unicodedata.category(char) in _UNPRINTABLE else char for char in text
    )


def wants_color(stream: TextIO | None = None) -> bool:
    """Colour on a terminal, unless NO_COLOR is set and not empty (https://no-color.org)."""
    return (stream or sys.stdout).isatty() and not os.environ.get("NO_COLOR")
