"""Mermaid's own parser (run in node) reads our Mermaid text back into the labels we meant.

Needs `npm ci --prefix tests/diagram/mermaid` (CI does it); skipped, saying so, when not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from diagram_cases import EXAMPLES, FIXTURES, HOSTILE_NAMES, hostile_workflow, workflow

from pypgflow_ops.diagram import mermaid_change, to_mermaid
from pypgflow_ops.diagram.escape import visible_lines
from pypgflow_ops.diagram.mermaid import ANY_ID, node_id
from pypgflow_ops.diagram.scene import ANY_LABEL
from pypgflow_ops.model import Migration, Transition, Workflow

CHECKER = Path(__file__).parent / "mermaid"


def parsed(texts: list[str]) -> list[dict[str, Any]]:
    if not (CHECKER / "node_modules" / "mermaid").is_dir() or shutil.which("node") is None:
        pytest.skip("Mermaid is not installed: npm ci --prefix tests/diagram/mermaid")
    done = subprocess.run(
        ["node", str(CHECKER / "parse.mjs")],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


def shown(text: str) -> str:
    return "\n".join(visible_lines(text))


def expected_vertices(drawn: Workflow) -> dict[str, str]:
    wildcard = any(t.is_wildcard for t in drawn.transitions)
    return {node_id(s.name): shown(s.label) for s in drawn.states} | (
        {ANY_ID: ANY_LABEL} if wildcard else {}
    )


def source_id(transition: Transition) -> str:
    return ANY_ID if transition.is_wildcard else node_id(transition.from_state)


def test_every_example_and_fixture_parses_into_its_states_and_transitions() -> None:
    files = [*EXAMPLES, FIXTURES / "hostile.yaml", FIXTURES / "wildcard.yaml"]
    drawn = [workflow(p) for p in files] + [hostile_workflow()]
    for flowchart, result in zip(drawn, parsed([to_mermaid(w) for w in drawn]), strict=True):
        assert "error" not in result, (flowchart.name, result)
        vertices = {vid: text for vid, text, _, _ in result["vertices"] if vid != "entry"}
        assert vertices == expected_vertices(flowchart)
        edges = [(a, b, text) for a, b, text, _ in result["edges"] if a != "entry"]
        assert edges == [
            (
                source_id(t),
                node_id(t.to_state),
                shown(t.label) + (" ◇" if t.conditions else ""),
            )
            for t in flowchart.transitions
        ]


def test_hostile_names_stay_apart_and_final_states_are_double_circles() -> None:
    (result,) = parsed([to_mermaid(hostile_workflow())])
    shapes = {vid: shape for vid, _, shape, _ in result["vertices"]}
    assert len({node_id(name) for name in HOSTILE_NAMES}) == len(HOSTILE_NAMES)
    assert shapes[node_id(HOSTILE_NAMES[-1])] == "doublecircle"
    assert shapes[node_id(HOSTILE_NAMES[0])] == "round"


def test_a_change_parses_with_removed_transitions_dotted() -> None:
    old, new = workflow(FIXTURES / "change_old.yaml"), workflow(FIXTURES / "change_new.yaml")
    (result,) = parsed([mermaid_change(old, new)])
    assert "error" not in result, result
    strokes = {(a, b): stroke for a, b, _, stroke in result["edges"]}
    assert strokes[("s_paper_check", "s_refunded")] == "dotted"
    assert strokes[("s_transfer", "s_refunded")] == "normal"
    classes = {vid: classes for vid, _, _, classes in result["vertices"]}
    assert (classes["s_paper_check"], classes["s_transfer"], classes["s_reviewing"]) == (
        ["removed"],
        ["added"],
        ["changed"],
    )


def test_a_wildcard_is_one_dashed_node_with_one_edge_per_wildcard() -> None:
    old, new = workflow(FIXTURES / "wildcard.yaml"), workflow(FIXTURES / "wildcard_v2.yaml")
    (drawn, change) = parsed([to_mermaid(old), mermaid_change(old, new)])
    assert "error" not in drawn, drawn
    classes = {vid: classes for vid, _, _, classes in drawn["vertices"]}
    assert classes[ANY_ID] == ["wildcard"]
    assert [(a, b) for a, b, _, _ in drawn["edges"] if a == ANY_ID] == [(ANY_ID, "s_cancelled")]
    assert "error" not in change, change
    from_any = [(b, text) for a, b, text, _ in change["edges"] if a == ANY_ID]
    assert from_any == [("s_cancelled", "Cancel ◇"), ("s_on_hold", "hold")]


def test_a_migrate_mapping_parses_as_a_dotted_arrow_from_the_old_state() -> None:
    old, new = workflow(FIXTURES / "change_old.yaml"), workflow(FIXTURES / "change_new.yaml")
    moved = replace(new, migrate=Migration(("1.0",), {"paper_check": "transfer"}))
    (result,) = parsed([mermaid_change(old, moved)])
    assert "error" not in result, result
    labels = {(a, b): (label, stroke) for a, b, label, stroke in result["edges"]}
    assert labels[("s_paper_check", "s_transfer")] == ("migrate", "dotted")
