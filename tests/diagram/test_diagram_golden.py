"""DOT and Mermaid text of every example and fixture, byte for byte (tests/diagram/golden/)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from diagram_cases import EXAMPLES, FIXTURES, GOLDEN, REPO, check_golden, drawable, workflow

from pypgflow_ops.diagram import dot_change, mermaid_change, to_dot, to_mermaid
from pypgflow_ops.model import Migration

SOURCES = [*EXAMPLES, FIXTURES / "hostile.yaml", FIXTURES / "wildcard.yaml"]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_workflow(path: Path) -> None:
    drawn = workflow(path)
    check_golden(f"{path.stem}.dot", to_dot(drawn))
    check_golden(f"{path.stem}.mmd", to_mermaid(drawn))


def test_workflow_with_its_problems_highlighted() -> None:
    problems = drawable(FIXTURES / "problems.yaml")
    assert problems.problems == {
        "waiting": ("no-path-to-final",),
        "orphan": ("unreachable-state",),
    }
    check_golden("problems.dot", to_dot(problems.workflow, problems.problems))
    check_golden("problems.mmd", to_mermaid(problems.workflow, problems.problems))


def test_change_between_two_versions() -> None:
    old, new = workflow(FIXTURES / "change_old.yaml"), workflow(FIXTURES / "change_new.yaml")
    check_golden("change.dot", dot_change(old, new))
    check_golden("change.mmd", mermaid_change(old, new))


def test_a_change_draws_each_migrate_mapping_as_a_dashed_arrow() -> None:
    old, new = workflow(FIXTURES / "change_old.yaml"), workflow(FIXTURES / "change_new.yaml")
    # `reviewing` maps to itself (no arrow); `on_hold`, a state of an older version, is drawn
    migrate = Migration(
        ("1.0",), {"paper_check": "transfer", "reviewing": "reviewing", "on_hold": "reviewing"}
    )
    check_golden("change_migrate.dot", dot_change(old, replace(new, migrate=migrate)))
    check_golden("change_migrate.mmd", mermaid_change(old, replace(new, migrate=migrate)))


def test_change_from_nothing_marks_everything_added() -> None:
    new = workflow(FIXTURES / "change_new.yaml")
    check_golden("change_from_nothing.dot", dot_change(None, new))
    check_golden("change_from_nothing.mmd", mermaid_change(None, new))


def test_a_changed_and_an_added_wildcard_are_marked_on_their_one_edge_each() -> None:
    old, new = workflow(FIXTURES / "wildcard.yaml"), workflow(FIXTURES / "wildcard_v2.yaml")
    check_golden("change_wildcard.dot", dot_change(old, new))
    check_golden("change_wildcard.mmd", mermaid_change(old, new))


def test_the_docs_show_the_current_mermaid() -> None:
    docs = (REPO / "docs" / "diagrams.md").read_text(encoding="utf-8")
    for name in ("fraud_detection.mmd", "change.mmd"):
        assert f"```mermaid\n{(GOLDEN / name).read_text(encoding='utf-8')}```" in docs, name
