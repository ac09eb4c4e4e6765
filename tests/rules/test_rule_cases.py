"""Every case in cases/<rule-id>.yaml is a test: failing files are flagged by their rule at exactly
the lines given (the line of the element at fault), at the rule's default severity, and by no other
rule; passing files lint without any problem."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from rule_cases import Case, all_cases, lint_case

from pypgflow_ops.problems import Problem, Severity
from pypgflow_ops.rules import RULES, RULES_BY_ID

CASES = all_cases()
# Cases are optional for these: the loader's own tests (tests/loading/) cover them byte by byte.
LOADER_RULES = frozenset({"yaml-syntax", "duplicate-key", "yaml-anchor"})


def _shown(problems: Iterable[Problem]) -> list[str]:
    return [f"{p.file}:{p.line}:{p.column}: {p.rule} {p.message}" for p in problems]


@pytest.mark.parametrize(
    "case",
    [case for cases in CASES.values() for case in cases],
    ids=lambda case: f"{case.rule}: {case.name}",
)
def test_case(case: Case) -> None:
    problems = lint_case(case).problems
    if case.passes:
        assert _shown(problems) == []
        return
    reported = {
        path: tuple(p.line for p in problems if p.rule == case.rule and p.file == path)
        for path in case.paths
    }
    assert {path: lines for path, lines in reported.items() if lines} == dict(case.fails_at)
    assert _shown(p for p in problems if p.rule != case.rule) == []
    default: Severity = RULES_BY_ID[case.rule].severity
    assert {p.severity for p in problems if p.rule == case.rule} == {default}


@pytest.mark.parametrize(
    "rule", [rule.id for rule in RULES if rule.id not in LOADER_RULES], ids=str
)
def test_every_rule_has_a_failing_and_a_passing_case(rule: str) -> None:
    cases = CASES.get(rule, [])
    assert any(not case.passes for case in cases), f"tests/rules/cases/{rule}.yaml: no failing case"
    assert any(case.passes for case in cases), f"tests/rules/cases/{rule}.yaml: no passing case"


def test_case_files_are_named_after_catalog_rules() -> None:
    assert set(CASES) - set(RULES_BY_ID) == set()
