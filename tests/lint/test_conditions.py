"""The condition language as lint checks it: each condition's type errors at the value at fault,
values of any JSON type where a condition compares values, and contradictions between conditions."""

from __future__ import annotations

from pathlib import Path

import pytest

from pypgflow_ops.lint import lint_source

HEAD = """\
workflow:
  name: refund
  version: "1.0"
states:
  - name: requested
    initial: true
  - name: refunded
    final: true
transitions:
  - from: requested
    to: refunded
    name: refund
    conditions:
"""


def shown(conditions: str) -> list[str]:
    result = lint_source((HEAD + conditions).encode(), "wf.yaml")
    return [f"{p.file}:{p.line}:{p.column}: {p.rule} {p.message}" for p in result.problems]


FIELD_NAME = (
    "The name of a field in an instance's metadata or a transition call's context: a letter or "
    "`_`, then letters, digits, `_` or `-`; at most 63 characters."
)


@pytest.mark.parametrize(
    ("conditions", "problem"),
    [
        (
            "      field_equals: {priority: [high]}\n",
            "14:32: schema transitions[0].conditions.field_equals.priority: expected text or a "
            "number or true or false or null, not a list",
        ),
        (
            "      field_equals: {risk level: low}\n",
            '14:21: schema transitions[0].conditions.field_equals: "risk level" is not allowed '
            f"here. {FIELD_NAME}",
        ),
        (
            "      field_equals: {}\n",
            "14:21: schema transitions[0].conditions.field_equals: needs at least 1 key(s)",
        ),
        (
            "      field_in:\n        region: []\n",
            "15:17: schema transitions[0].conditions.field_in.region: needs at least 1 item(s)",
        ),
        (
            "      field_in: {region: [eu, eu]}\n",
            "14:26: schema transitions[0].conditions.field_in.region: lists the same value "
            "twice; remove the repeat",
        ),
        (
            "      field_in: {region: eu}\n",
            '14:26: schema transitions[0].conditions.field_in.region: expected a list, not "eu"',
        ),
        (
            '      field_min: {amount: "1000"}\n',
            "14:27: schema transitions[0].conditions.field_min.amount: expected a number, "
            'not "1000"',
        ),
        (
            "      field_max: {amount: true}\n",
            "14:27: schema transitions[0].conditions.field_max.amount: expected a number, not true",
        ),
        (
            "      field_min: 1000\n",
            "14:18: schema transitions[0].conditions.field_min: expected a mapping, not 1000",
        ),
    ],
    ids=[
        "equals a list",
        "equals a bad field name",
        "equals nothing",
        "in an empty list",
        "in a repeated value",
        "in one value",
        "min text",
        "max boolean",
        "min not a mapping",
    ],
)
def test_each_condition_is_type_checked_at_the_value_at_fault(
    conditions: str, problem: str
) -> None:
    assert shown(conditions) == [f"wf.yaml:{problem}"]


def test_every_condition_with_values_of_every_json_type_lints_clean() -> None:
    assert (
        shown(
            "      field_required: [order_id]\n"
            "      field_equals: {risk: low, verified: true, note: null, tier: 2}\n"
            "      field_in: {region: [eu, 3, false, null]}\n"
            "      field_min: {amount: -0.5}\n"
            "      field_max: {amount: 1.0e+3}\n"
        )
        == []
    )


def test_an_unquoted_yes_compared_with_is_a_warning_not_an_error() -> None:
    assert shown("      field_equals: {verified: yes}\n") == [
        "wf.yaml:14:32: ambiguous-value transitions[0].conditions.field_equals.verified: "
        'unquoted yes is read by YAML as the boolean true; write true, or quote it: "yes"'
    ]


def test_a_field_name_must_still_be_text() -> None:
    assert shown("      field_required: [no]\n") == [
        "wf.yaml:14:24: implicit-type transitions[0].conditions.field_required[0]: unquoted no "
        'is read by YAML as the boolean false; quote it: "no"'
    ]


@pytest.mark.parametrize(
    ("conditions", "problem"),
    [
        (
            "      field_min: {amount: 10}\n      field_max: {amount: 5}\n",
            "15:19: unsatisfiable-condition transition 'refund': no value of 'amount' meets "
            "field_min 10 and field_max 5; no call can take the transition",
        ),
        (
            "      field_equals: {tier: true}\n      field_in: {tier: [1, 2]}\n",
            "15:18: unsatisfiable-condition transition 'refund': no value of 'tier' meets "
            "field_equals true and field_in [1, 2]; no call can take the transition",
        ),
        (
            '      field_in: {tier: ["5", 50]}\n      field_max: {tier: 10}\n',
            "15:19: unsatisfiable-condition transition 'refund': no value of 'tier' meets "
            'field_in ["5", 50] and field_max 10; no call can take the transition',
        ),
    ],
    ids=["min above max", "true is not 1", "text is no number"],
)
def test_contradictions_are_warned_about_at_the_last_condition(
    conditions: str, problem: str
) -> None:
    assert shown(conditions) == [f"wf.yaml:{problem}"]


def test_a_number_equal_in_value_meets_the_bounds() -> None:
    assert (
        shown(
            "      field_equals: {tier: 1.0}\n      field_in: {tier: [1]}\n"
            "      field_min: {tier: 1}\n"
        )
        == []
    )


def test_the_readme_example_of_each_condition_lints_clean() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("### Conditions\n", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    assert example.startswith("    conditions:\n")
    assert shown(example.removeprefix("    conditions:\n")) == []
