"""Diagram benchmark: text generation, layout times, the dot budget, the command end to end.

    python benchmarks/diagram/run.py

Workflows are generated in memory (tests/diagram/diagram_cases.py: typical workflows, moves mostly
a few steps forward; and here: tangled ones, where every state also jumps somewhere at random).
Prints a Markdown table for docs/benchmarks.md. Needs Graphviz.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "diagram"))

from diagram_cases import large_workflow  # type: ignore[import-not-found]  # noqa: E402

from pypgflow_ops.diagram import to_dot, to_mermaid  # noqa: E402
from pypgflow_ops.diagram.dot import Layout, render_dot  # noqa: E402
from pypgflow_ops.diagram.render import Picture, render  # noqa: E402
from pypgflow_ops.diagram.scene import workflow_scene  # noqa: E402
from pypgflow_ops.model import Transition, Workflow  # noqa: E402


def tangled_workflow(states: int, seed: int = 3) -> Workflow:
    """A typical workflow plus, from every state, one move to a state chosen at random."""
    rng = random.Random(seed)
    base = large_workflow(states)
    names = [s.name for s in base.states]
    jumps = tuple(
        Transition(s.name, rng.choice(names), "jump", metadata={"display_name": "Jump"})
        for s in base.states
        if not s.final
    )
    return Workflow(f"tangled_{states}", "1", base.states, base.transitions + jumps)


def clock(action: Callable[..., T], *args: object, **kwargs: object) -> tuple[T, float]:
    start = time.perf_counter()
    result = action(*args, **kwargs)
    return result, time.perf_counter() - start


def dot_alone(workflow: Workflow, limit: float) -> str:
    command = ["dot", "-Tsvg", "-o", "/dev/null"]
    text = render_dot(workflow_scene(workflow), Layout.DOT).encode()
    try:
        _, seconds = clock(subprocess.run, command, input=text, timeout=limit, check=True)
    except subprocess.TimeoutExpired:
        return f"over {limit:g} s (stopped)"
    return f"{seconds:.2f} s"


def texts(workflow: Workflow) -> tuple[str, str]:
    return to_dot(workflow), to_mermaid(workflow)


def svg(workflow: Workflow) -> Picture:
    return render(workflow_scene(workflow), "svg")


def size(workflow: Workflow) -> str:
    return f"{len(workflow.states):,} / {len(workflow.transitions):,}"


def main() -> None:
    rows: list[tuple[str, str, str]] = []
    for states in (2_000, 10_000):
        drawn = large_workflow(states)
        _, seconds = clock(texts, drawn)
        rows.append((f"DOT and Mermaid text, {size(drawn)}", "in process", f"{seconds:.2f} s"))
    for states in (50, 100, 200):
        drawn = large_workflow(states)
        rows.append((f"dot layout, typical, {size(drawn)}", "`dot -Tsvg`", dot_alone(drawn, 120)))
    for states in (50, 100):
        drawn = tangled_workflow(states)
        rows.append((f"dot layout, tangled, {size(drawn)}", "`dot -Tsvg`", dot_alone(drawn, 120)))
        picture, seconds = clock(svg, drawn)
        how = "sfdp after the budget" if picture.notes else "dot"
        rows.append(
            (f"svg, tangled, {size(drawn)}", "render(), 15 s budget", f"{seconds:.2f} s ({how})")
        )
    for states in (2_000, 10_000):
        drawn = large_workflow(states)
        _, seconds = clock(svg, drawn)
        rows.append(
            (f"svg, typical, {size(drawn)}", "render(): sfdp, no edge labels", f"{seconds:.2f} s")
        )
    command = [str(REPO / ".venv" / "bin" / "pypgflow-ops"), "diagram"]
    example = str(REPO / "workflows" / "fraud_detection.yaml")
    with tempfile.TemporaryDirectory() as out:
        for fmt in ("mermaid", "svg"):
            args = [*command, example, "-f", fmt, "-o", f"{out}/x"]
            runs = [clock(subprocess.run, args, check=True)[1] for _ in range(10)]
            median = statistics.median(runs) * 1000
            rows.append(
                (
                    f"command, fraud_detection, {fmt}",
                    f"`pypgflow-ops diagram -f {fmt}`",
                    f"{median:.0f} ms (median of 10)",
                )
            )
    print("| case | how | wall time |\n| --- | --- | --- |")
    for case, how, figure in rows:
        print(f"| {case} | {how} | {figure} |")


if __name__ == "__main__":
    main()
