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
}


def tint(color: str, share: float = 0.22) -> str:
    """`color` (hex) mixed with white: a fill light enough for dark text."""
    rgb = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - c) * share):02x}" for c in rgb)
