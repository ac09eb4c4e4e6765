"""DOT to svg, png or pdf with Graphviz's `dot` program, within a time budget.

How long dot takes depends on how tangled a workflow is, not only on its size: 100 states with
many far jumps can take minutes (docs/diagrams.md). When dot has not finished within the budget,
the workflow is laid out again with sfdp, which takes seconds, and the command says so. (The
`graphviz` package's pipe() has no timeout, so the program is run directly.)
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from pypgflow_ops.diagram.dot import LARGE_WORKFLOW_STATES, Layout, layout_for, render_dot
from pypgflow_ops.diagram.scene import Scene
from pypgflow_ops.errors import PypgflowError

DOT_BUDGET_SECONDS = 15.0
INSTALL_HINT = (
    "Graphviz's `dot` program is not installed: install Graphviz (Debian/Ubuntu: "
    "apt-get install graphviz; macOS: brew install graphviz; others: "
    "https://graphviz.org/download/), or use --format dot or --format mermaid"
)


@dataclass(frozen=True, slots=True)
class Picture:
    data: bytes
    notes: tuple[str, ...] = ()  # what the user should know about how it was drawn


def large_layout_note(scene: Scene) -> tuple[str, ...]:
    if layout_for(scene) is Layout.DOT:
        return ()
    return (
        f"note: {scene.name} has {len(scene.nodes)} states, more than {LARGE_WORKFLOW_STATES}: "
        "laid out with sfdp and without transition labels, since dot would take minutes",
    )


def _run(dot_text: str, file_format: str, timeout: float | None) -> Picture:
    try:
        done = subprocess.run(
            ["dot", f"-T{file_format}"],
            input=dot_text.encode(),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        raise PypgflowError(INSTALL_HINT) from None
    messages = done.stderr.decode(errors="replace").strip().splitlines()
    if done.returncode != 0:
        reason = messages[0] if messages else f"exit code {done.returncode}"
        raise PypgflowError(f"Graphviz could not draw the diagram: {reason}")
    return Picture(done.stdout, tuple(f"graphviz: {m}" for m in messages))


def render(scene: Scene, file_format: str, budget: float = DOT_BUDGET_SECONDS) -> Picture:
    if layout_for(scene) is Layout.DOT:
        try:
            return _run(render_dot(scene, Layout.DOT), file_format, budget)
        except subprocess.TimeoutExpired:
            notes: tuple[str, ...] = (
                f"note: dot did not lay out {scene.name} within {budget:g} s: "
                "laid out with sfdp and without transition labels instead",
            )
    else:
        notes = large_layout_note(scene)
    drawn = _run(render_dot(scene, Layout.SFDP), file_format, None)
    return Picture(drawn.data, notes + drawn.notes)
