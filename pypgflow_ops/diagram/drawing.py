"""One workflow to the bytes of one diagram file, in the format asked for."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pypgflow_ops.diagram.change import change_scene
from pypgflow_ops.diagram.dot import render_dot
from pypgflow_ops.diagram.mermaid import (
    MERMAID_MAX_EDGES,
    MERMAID_MAX_TEXT,
    render_mermaid,
    within_mermaid_limits,
)
from pypgflow_ops.diagram.render import Picture, large_layout_note, render
from pypgflow_ops.diagram.scene import Scene, workflow_scene
from pypgflow_ops.diagram.sources import Drawable

if TYPE_CHECKING:
    from pypgflow_ops.diagram.baseline import Baseline


# Format name -> file suffix (the command's --format choices are these names).
SUFFIXES = {"dot": ".dot", "mermaid": ".mmd", "svg": ".svg", "png": ".png", "pdf": ".pdf"}
_BY_SUFFIX = {suffix: name for name, suffix in SUFFIXES.items()} | {".gv": "dot"}
BINARY_FORMATS = frozenset({"png", "pdf"})


def format_for(output: Path | None, given: str | None) -> str:
    """The format asked for, else the one the output file's suffix names, else dot."""
    if given is not None:
        return given
    suffix = output.suffix.lower() if output is not None else ""
    return _BY_SUFFIX.get(suffix, "dot")


def scene_for(drawable: Drawable, *, highlight: bool, baseline: Baseline | None) -> Scene:
    workflow = drawable.workflow
    if baseline is not None:
        return change_scene(baseline(workflow), workflow)
    return workflow_scene(workflow, drawable.problems if highlight else None)


def draw(scene: Scene, file_format: str) -> Picture:
    if file_format == "mermaid":
        text = render_mermaid(scene)
        notes = (
            ()
            if within_mermaid_limits(text)
            else (
                f"note: {scene.name} is over Mermaid's default limits ({MERMAID_MAX_EDGES} edges, "
                f"{MERMAID_MAX_TEXT:,} characters), which most Mermaid renderers refuse to draw; "
                "use --format svg",
            )
        )
        return Picture(text.encode(), notes)
    if file_format == "dot":
        return Picture(render_dot(scene).encode(), large_layout_note(scene))
    return render(scene, file_format)
