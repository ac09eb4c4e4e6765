"""One workflow to the bytes of one diagram file, in the format asked for."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pypgflow_ops.diagram.baseline import Baseline
from pypgflow_ops.diagram.change import change_scene
from pypgflow_ops.diagram.dot import render_dot
from pypgflow_ops.diagram.mermaid import render_mermaid
from pypgflow_ops.diagram.render import Picture, large_layout_note, render
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


def draw(scene: Scene, file_format: Format) -> Picture:
    if file_format is Format.MERMAID:
        return Picture(render_mermaid(scene).encode())
    if file_format is Format.DOT:
        return Picture(render_dot(scene).encode(), large_layout_note(scene))
    return render(scene, file_format.value)
