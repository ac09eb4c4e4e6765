"""Graphviz accepts every DOT text we write, without a warning, and draws every label as written."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from diagram_cases import EXAMPLES, FIXTURES, drawable, hostile_workflow, large_workflow, workflow

from pypgflow_ops.diagram.change import change_scene
from pypgflow_ops.diagram.dot import ANY_ID, render_dot
from pypgflow_ops.diagram.escape import visible_lines
from pypgflow_ops.diagram.render import render
from pypgflow_ops.diagram.scene import ANY_LABEL, Scene, workflow_scene
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.model import Migration, Workflow

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def words(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


def svg_labels(svg: bytes) -> set[str]:
    """The text of each node and edge, its lines joined by spaces."""
    groups = ET.fromstring(svg).iter(f"{SVG}g")
    return {
        words([text.text or "" for text in group.iter(f"{SVG}text")])
        for group in groups
        if group.get("class") in ("node", "edge")
    }


def drawn_without_warnings(scene: Scene) -> set[str]:
    picture = render(scene, "svg")
    assert picture.notes == ()
    return svg_labels(picture.data)


def labels(drawn: Workflow) -> set[str]:
    states = {words(visible_lines(s.label)) for s in drawn.states}
    guard = {True: " ◇", False: ""}
    return states | {
        words(visible_lines(t.label)) + guard[bool(t.conditions)] for t in drawn.transitions
    }


@pytest.mark.parametrize(
    "drawn",
    [workflow(p) for p in [*EXAMPLES, FIXTURES / "hostile.yaml", FIXTURES / "wildcard.yaml"]]
    + [hostile_workflow()],
    ids=lambda w: w.name,
)
def test_every_state_and_transition_is_drawn_with_its_label(drawn: Workflow) -> None:
    assert labels(drawn) - drawn_without_warnings(workflow_scene(drawn)) == set()


def test_the_any_state_node_is_drawn_once_with_its_label() -> None:
    old, new = workflow(FIXTURES / "wildcard.yaml"), workflow(FIXTURES / "wildcard_v2.yaml")
    for scene in (workflow_scene(old), change_scene(old, new)):
        assert ANY_LABEL in drawn_without_warnings(scene)
        assert render_dot(scene).count(f"{ANY_ID} [") == 1


def test_problems_and_changes_draw_too() -> None:
    problems = drawable(FIXTURES / "problems.yaml")
    assert "Orphaned" in drawn_without_warnings(
        workflow_scene(problems.workflow, problems.problems)
    )
    old, new = workflow(FIXTURES / "change_old.yaml"), workflow(FIXTURES / "change_new.yaml")
    assert "Paper cheque" in drawn_without_warnings(change_scene(old, new))  # removed
    moved = replace(new, migrate=Migration(("1.0",), {"paper_check": "transfer"}))
    assert "migrate" in drawn_without_warnings(change_scene(old, moved))


def test_a_2000_state_workflow_is_laid_out_with_sfdp_and_every_state_drawn() -> None:
    large = large_workflow(2000)
    picture = render(workflow_scene(large), "svg")
    assert picture.notes == (
        "note: large_2000 has 2000 states, more than 200: laid out with sfdp and without "
        "transition labels, since dot would take minutes",
    )
    assert {words(visible_lines(s.label)) for s in large.states} - svg_labels(picture.data) == set()


def test_when_dot_runs_over_its_budget_sfdp_draws_instead() -> None:
    drawn = workflow(EXAMPLES[0])
    picture = render(workflow_scene(drawn), "svg", budget=0.001)
    assert picture.notes == (
        f"note: dot did not lay out {drawn.name} within 0.001 s: laid out with sfdp and without "
        "transition labels instead",
    )
    assert {words(visible_lines(s.label)) for s in drawn.states} <= svg_labels(picture.data)


def test_without_graphviz_one_line_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(PypgflowError, match=r"^Graphviz's `dot` program is not installed: install"):
        render(workflow_scene(workflow(EXAMPLES[0])), "png")


def test_a_tooltip_shows_hostile_text_as_written() -> None:
    hostile = hostile_workflow()
    rules = ('quote" and \\N back\\', "new\nline")
    picture = render(workflow_scene(hostile, {hostile.states[0].name: rules}), "svg")
    titles = {
        element.get(f"{XLINK}title") for element in ET.fromstring(picture.data).iter(f"{SVG}a")
    }
    assert 'quote" and \\N back\\, new line' in titles
