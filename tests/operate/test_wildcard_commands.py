"""`workflows show` of a version with a wildcard: the api row's null source, `*` in the table."""

from __future__ import annotations

from pathlib import Path

from .cli import REPOSITORY, answer, apply, as_tenant

WILDCARD_FILE = REPOSITORY / "tests" / "diagram" / "fixtures" / "wildcard.yaml"


def test_workflows_show_a_wildcard(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "fraud_review.yaml").write_bytes(WILDCARD_FILE.read_bytes())
    apply(tmp_path, "wild", database_url)

    shown = answer(database_url, "wild", "workflows", "show", "fraud_review")
    cancel = next(t for t in shown["transitions"] if t["name"] == "cancel")
    assert (cancel["from_state"], cancel["to_state"]) == (None, "cancelled")  # as the api has it

    code, out, _ = as_tenant(
        database_url, "wild", "workflows", "show", "fraud_review", "-f", "table"
    )
    assert code == 0
    transitions = out.split("\nTransitions:\n")[1].splitlines()
    assert [line.split() for line in transitions] == [
        ["from_state", "to_state", "name", "conditions"],
        ["flagged", "investigating", "investigate", "{}"],
        ["investigating", "cleared", "clear", "{}"],
        ["investigating", "confirmed", "confirm", '{"field_required":', '"evidence"}'],
        ["*", "cancelled", "cancel", "{}"],
    ]
