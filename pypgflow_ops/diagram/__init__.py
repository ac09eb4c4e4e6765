"""Workflow diagrams: Graphviz DOT and Mermaid text, of a workflow or of a change to one.

Pure text; rendering DOT to svg/png/pdf is render.py's job (it imports graphviz, so it is not
imported here).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pypgflow_ops.diagram.change import change_scene
from pypgflow_ops.diagram.dot import render_dot
from pypgflow_ops.diagram.mermaid import render_mermaid
from pypgflow_ops.diagram.scene import workflow_scene
from pypgflow_ops.model import Workflow

__all__ = ["dot_change", "mermaid_change", "to_dot", "to_mermaid"]


def to_dot(workflow: Workflow, problems: Mapping[str, Sequence[str]] | None = None) -> str:
    """DOT text; `problems` maps state names to lint rule ids, drawn in red with a tooltip."""
    return render_dot(workflow_scene(workflow, problems))


def to_mermaid(workflow: Workflow, problems: Mapping[str, Sequence[str]] | None = None) -> str:
    return render_mermaid(workflow_scene(workflow, problems))


def dot_change(old: Workflow | None, new: Workflow) -> str:
    """DOT text of `new`: added in green, changed in orange, removed in red dashed."""
    return render_dot(change_scene(old, new))


def mermaid_change(old: Workflow | None, new: Workflow) -> str:
    """Mermaid text of `new`: added in green, changed in orange, removed in red dashed."""
    return render_mermaid(change_scene(old, new))
