"""Scenario files are read strictly: positions for every part, located problems for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from pypgflow_ops import resources
from pypgflow_ops.discovery import discover, is_scenario_file
from pypgflow_ops.lint import lint_paths
from pypgflow_ops.model import Position
from pypgflow_ops.runtime_errors import REFUSALS
from pypgflow_ops.scenarios.model import Expect, Step
from pypgflow_ops.scenarios.reading import read_scenarios

GOOD = """\
# a comment
workflow: order
scenarios:
  - name: paid
    start: {entity_table: orders, entity_id: "1", metadata: {payment_reference: p-1}}
    steps:
      - to: paid
      - to: delivered
        context: {by: van}
        refused: not-allowed
    expect: {state: paid, finished: false, history: 2}
  - name: bare
    start:
      entity_table: orders
      entity_id: "2"
"""


def test_a_file_becomes_records_with_the_position_of_each_part() -> None:
    file, problems = read_scenarios(GOOD.encode(), "o.scenarios.yaml")
    assert problems == []
    assert file is not None
    assert (file.workflow, file.workflow_position) == ("order", Position(2, 11))
    first, bare = file.scenarios
    assert (first.name, first.position, first.start_position) == (
        "paid",
        Position(4, 5),
        Position(5, 12),
    )
    assert (first.entity_table, first.entity_id) == ("orders", "1")
    assert first.metadata == {"payment_reference": "p-1"}
    assert first.steps == (
        Step("paid", {}, None, Position(7, 9)),
        Step("delivered", {"by": "van"}, "not-allowed", Position(8, 9)),
    )
    assert first.expect == Expect("paid", False, 2, Position(11, 13), Position(11, 21))
    assert (bare.steps, bare.expect, bare.metadata) == ((), None, {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD.replace("refused: not-allowed", "refused: forbidden"),
            "o.scenarios.yaml:10:18: schema scenarios[0].steps[1].refused: 'forbidden' is not one "
            "of: not-allowed, no-tenant,",
        ),
        (
            GOOD.replace('entity_id: "2"', "entity_id: 2"),
            "o.scenarios.yaml:15:18: schema scenarios[1].start.entity_id: expected text, not 2; "
            "quote it",
        ),
        (
            GOOD.replace("      - to: paid\n", "      - to: paid\n        when: now\n"),
            "o.scenarios.yaml:8:9: schema scenarios[0].steps[0]: unknown key 'when'; allowed: "
            "context, refused, to",
        ),
        (
            GOOD.replace("    expect: {", "    expect: {state: x, "),
            "o.scenarios.yaml:11:24: duplicate-key duplicate key 'state'",
        ),
        (
            "workflow: order\n",
            "o.scenarios.yaml:1:1: schema (top level): missing required key(s): 'scenarios'",
        ),
    ],
    ids=["refusal kind", "number for text", "unknown key", "duplicate key", "no scenarios"],
)
def test_problems_are_located(text: str, expected: str) -> None:
    file, problems = read_scenarios(text.encode(), "o.scenarios.yaml")
    assert file is None
    shown = [f"{p.file}:{p.line}:{p.column}: {p.rule} {p.message}" for p in problems]
    assert len(shown) == 1 and shown[0].startswith(expected), shown


def test_the_schema_is_a_valid_draft_2020_12_schema_listing_the_runtime_refusal_kinds() -> None:
    from jsonschema import Draft202012Validator

    schema = resources.scenarios_schema()
    Draft202012Validator.check_schema(schema)
    kinds = list(dict.fromkeys(refusal.kind for refusal in REFUSALS.values()))
    assert schema["$defs"]["step"]["properties"]["refused"]["enum"] == kinds


def test_discovery_tells_scenario_files_from_workflow_files(tmp_path: Path) -> None:
    (tmp_path / "order.yaml").write_text("x: 1\n")
    (tmp_path / "order.scenarios.yaml").write_text(GOOD)
    (tmp_path / "more.Scenarios.YML").write_text(GOOD)
    found = discover([tmp_path])
    assert [Path(f).name for f in found if is_scenario_file(f)] == [
        "more.Scenarios.YML",
        "order.scenarios.yaml",
    ]
    assert [Path(f).name for f in found if not is_scenario_file(f)] == ["order.yaml"]


def test_lint_does_not_read_a_scenario_file_as_a_workflow(tmp_path: Path) -> None:
    repository = Path(__file__).resolve().parents[2] / "workflows"
    result = lint_paths([repository])
    assert [p for p in result.problems] == []
    assert sorted(w.name for w in result.workflows) == [
        "expense_approval",
        "fraud_detection",
        "incident_handling",
        "order_fulfilment",
    ]
    assert result.files == len(list(repository.glob("*.yaml")))


def test_docs_testing_md_lists_every_refusal_kind() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "testing.md").read_text()
    listed = [line.split("`")[1] for line in doc.splitlines() if line.startswith("| `")]
    assert listed == list(dict.fromkeys(refusal.kind for refusal in REFUSALS.values()))


def test_the_example_scenario_files_read_the_same_with_both_yaml_parsers() -> None:
    import yaml

    from pypgflow_ops.loading import load

    examples = sorted((Path(__file__).resolve().parents[2] / "workflows").glob("*.scenarios.yaml"))
    assert len(examples) == 4
    for path in examples:
        data = path.read_bytes()
        fast = load(data, str(path), every_position=True).document
        pure = load(data, str(path), loader=yaml.SafeLoader, every_position=True).document
        assert fast is not None and pure is not None, path
        assert fast.data == pure.data
