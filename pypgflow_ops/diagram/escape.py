"""Text made safe for the places diagrams put it: Graphviz HTML-like labels and Mermaid strings.

Both get the same visible text: each line break starts a new line, and any other control or format
character (and the lone surrogates that undecodable bytes become) is shown as its Python escape,
so nothing can break the syntax or hide text.
"""

from __future__ import annotations

import html
import re
import unicodedata

_UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Format characters that shape text (Persian, emoji sequences, hyphenation) rather than hide it.
_SHAPING = frozenset({"\u200c", "\u200d", "\u00ad"})
# Inside a quoted Mermaid label, `"` ends the string, `#...;` is an entity, `%%{...}%%` a directive,
# `&`, `<` and `>` are HTML, and a leading backquote starts Markdown (tests/diagram/mermaid checks
# this with Mermaid's own parser); `:` too, since Mermaid's pre-pass for `style ...:#...;` would
# eat the `;` of a later entity. Their `#code;` entities show them as written.
_MERMAID_SPECIAL = re.compile(r'["#%&<>`:]')


def visible_lines(text: str) -> list[str]:
    return [_visible(line) for line in text.splitlines()] or [""]


def _visible(line: str) -> str:
    if line.isprintable():
        return line
    return "".join(
        ascii(char)[1:-1]
        if unicodedata.category(char) in _UNPRINTABLE and char not in _SHAPING
        else char
        for char in line
    )


def html_label(text: str) -> str:
    """The inside of a Graphviz HTML-like label (`<...>`) that shows `text` as written.

    Graphviz still expands escapes such as `\\N` in HTML-like labels, so backslashes are doubled.
    """
    return "<br/>".join(html.escape(line).replace("\\", "\\\\") for line in visible_lines(text))


def mermaid_string(text: str) -> str:
    """The inside of a Mermaid `"..."` string that shows `text` as written."""
    return "<br/>".join(
        _MERMAID_SPECIAL.sub(lambda m: f"#{ord(m.group())};", line) for line in visible_lines(text)
    )
