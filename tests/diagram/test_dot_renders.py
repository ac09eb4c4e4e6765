"""Graphviz accepts every DOT text we write, without a warning, and draws every label as written."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from diagram_cases import EXAMPLES, FIXTURES, drawable, hostile_workflow, workflow

from pypgflow_ops.diagram import dot_change, to_dot
from pypgflow_ops.diagram.escape import visible_lines
from pypgflow_ops.diagram.render import render
from pypgflow_ops.model import Workflow

SVG = "{http://www.w3.org/2000/svg}"


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


def drawn_without_warnings(dot_text: str, capfd: pytest.CaptureFixture[str]) -> set[str]:
    svg = render(dot_text, "svg")
    assert capfd.readouterr().err == ""
    return svg_labels(svg)


def labels(drawn: Workflow) -> set[str]:
    states = {words(visible_lines(s.label)) for s in drawn.states}
    guard = {True: " ◇", False: ""}
    return states | {
        words(visible_lines(t.label)) + guard[bool(t.conditions)] for t in drawn.transitions
    }


@pytest.mark.parametrize(
    "drawn",
    [workflow(p) for p in [*EXAMPLES, FIXTURES / "hostile.yaml"]] + [hostile_workflow()],
    ids=lambda w: w.name,
)
def test_every_state_and_transition_is_drawn_with_its_label(
    drawn: Workflow, capfd: pytest.CaptureFixture[str]
) -> None:
    assert labels(drawn) - drawn_without_warnings(to_dot(drawn), capfd) == set()


def test_problems_and_changes_draw_too(capfd: pytest.CaptureFixture[str]) -> None:
    problems = drawable(FIXTURES / "problems.yaml")
    drawn_without_warnings(to_dot(problems.workflow, problems.problems), capfd)
    old, new = workflow(FIXTURES / "change_old.yaml"), workflow(FIXTURES / "change_new.yaml")
    assert "Paper cheque" in drawn_without_warnings(dot_change(old, new), capfd)  # removed
