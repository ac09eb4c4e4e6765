"""docs/rules.md is generated; it must match the catalog and the cases it is generated from."""

from __future__ import annotations

from generate_docs import COMMAND, DOC, render_docs

from pypgflow_ops.rules import RULES


def test_docs_rules_md_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == render_docs(), (
        f"docs/rules.md is out of date: run `{COMMAND}` and commit the result"
    )


def test_every_rule_has_a_section_whose_anchor_is_its_id() -> None:
    headings = [line for line in render_docs().splitlines() if line.startswith("## ")]
    assert headings == [f"## {rule.id}" for rule in RULES]
