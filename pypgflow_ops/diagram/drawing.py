"""One workflow to the bytes of one diagram file, in the format asked for."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pypgflow_ops.diagram.baseline import Baseline
from pypgflow_ops.diagram.change import change_scene
from pypgflow_ops.diagram.dot import LARGE_WORKFLOW_STATES, render_dot
from pypgflow_ops.diagram.mermaid import render_mermaid
from pypgflow_ops.diagram.scene import Scene, workflow_scene
from pypgflow_ops.diagram.sources import Drawable


class Format(StrEnum):
    DOT = "dot"
    MERMAID = "mermaid"
    SVG = "svg"
    PNG = "png"
    PDF = "pdf"


SUFFIXES = {
    Format.DOT: ".dot",
    Format.MERMAID: ".mmd",
    Format.SVG: ".svg",
    Format.PNG: ".png",
    Format.PDF: ".pdf",
}
_BY_SUFFIX = {suffix: fmt for fmt, suffix in SUFFIXES.items()} | {".gv": Format.DOT}
TEXT_FORMATS = frozenset({Format.DOT, Format.MERMAID})


def format_for(output: Path | None, given: Format | None) -> Format:
    """The format asked for, else the one the output file's suffix names, else DOT."""
    if given is not None:
        return given
    suffix = output.suffix.lower() if output is not None else ""
    return _BY_SUFFIX.get(suffix, Format.DOT)


def scene_for(drawable: Drawable, *, highlight: bool, baseline: Baseline | None) -> Scene:
    workflow = drawable.workflow
    if baseline is not None:
        return change_scene(baseline(workflow), workflow)
    return workflow_scene(workflow, drawable.problems if highlight else None)


def draw(scene: Scene, file_format: Format) -> bytes:
    if file_format is Format.MERMAID:
        return render_mermaid(scene).encode()
    text = render_dot(scene)
    if file_format is Format.DOT:
        return text.encode()
    from pypgflow_ops.diagram.render import render

    return render(text, file_format.value)


def layout_note(scene: Scene, file_format: Format) -> str | None:
    """Why a large workflow is laid out with sfdp (said on stderr, so nobody is surprised)."""
    if file_format is Format.MERMAID or len(scene.nodes) <= LARGE_WORKFLOW_STATES:
        return None
    return (
        f"note: {scene.name} has {len(scene.nodes)} states, more than "
        f"{LARGE_WORKFLOW_STATES}: laid out with sfdp, since dot would take minutes"
    )
