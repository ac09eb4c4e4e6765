"""How diagrams look, shared by the DOT and the Mermaid forms: colours, font, markers."""

from __future__ import annotations

from collections.abc import Mapping

from pypgflow_ops.diagram.scene import Mark

FONT = "Helvetica"
INK = "#3c4450"  # text, the entry point
LINE = "#5b6776"  # borders and arrows
FILL = "#f3f5f8"  # a state without a colour of its own
QUIET = "#8a93a0"  # subtitles, the conditions marker
GUARD_MARKER = "◇"  # after the label of a transition that has conditions

MARK_COLORS: Mapping[Mark, str] = {
    Mark.ADDED: "#2ca02c",
    Mark.CHANGED: "#ff7f0e",
    Mark.REMOVED: "#d62728",
    Mark.PROBLEM: "#d62728",
    Mark.MIGRATED: "#1f77b4",
}


def tint(color: str, share: float = 0.22) -> str:
    """`color` (hex) mixed with white: a fill light enough for dark text."""
    return "#" + "".join(f"{round(255 - (255 - c) * share):02x}" for c in _channels(color))


def _channels(color: str) -> tuple[int, int, int]:
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return red, green, blue


def border(color: str) -> str:
    """`color` (hex) for a border: a very light colour is darkened so the outline still shows."""
    red, green, blue = _channels(color)
    if 0.299 * red + 0.587 * green + 0.114 * blue < 180:  # perceived brightness, 0 to 255
        return color
    return "#" + "".join(f"{round(c * 0.6):02x}" for c in (red, green, blue))


def line_color(mark: Mark, color: str | None) -> str | None:
    """The colour of a transition's arrow: its mark's, else its own (as a border), else none."""
    if mark in MARK_COLORS:
        return MARK_COLORS[mark]
    return border(color) if color is not None else None
