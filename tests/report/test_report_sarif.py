"""SARIF 2.1.0 for GitHub code scanning, checked against the official OASIS schema.

tests/report/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 errata 01 schema (draft-04), the
same text as oasis-tcs/sarif-spec Schemata/sarif-schema-2.1.0.json; sha256
c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from pypgflow_ops import __version__, rules
from pypgflow_ops.problems import LintResult, Problem, RuleInfo, Severity, Stage
from pypgflow_ops.report.sarif import render
from pypgflow_ops.rules import RULES

HERE = Path(__file__).resolve().parent
SARIF_SCHEMA = json.loads((HERE / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
# RFC 3986 characters: Draft4Validator has no `uri-reference` format checker installed.
URI_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*\Z")

SMALL_CATALOG = (
    RuleInfo("implicit-type", Severity.ERROR, "Unquoted text read as a number.", Stage.SCHEMA),
    RuleInfo(
        "parallel-transitions",
        Severity.WARNING,
        "Two transitions between the same states.",
        Stage.WORKFLOW,
    ),
    RuleInfo("unreachable-state", Severity.ERROR, "A state nothing leads to.", Stage.WORKFLOW),
)


def _valid_sarif(text: str) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(text)
    errors = [e.message for e in Draft4Validator(SARIF_SCHEMA).iter_errors(log)]
    assert errors == []
    return log


def _locations(log: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        result["locations"][0]["physicalLocation"]["artifactLocation"]
        for result in log["runs"][0]["results"]
    ]


@pytest.fixture
def small_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalog of three rules keeps the golden file short and stable as rules are added."""
    monkeypatch.setattr(rules, "RULES", SMALL_CATALOG)


@pytest.mark.usefixtures("small_catalog")
def test_golden(mixed: LintResult) -> None:
    golden = (HERE / "golden" / "mixed.sarif").read_text(encoding="utf-8")
    assert render(mixed) == golden.replace("@VERSION@", __version__)


def test_valid_against_the_sarif_schema(mixed: LintResult, hostile: LintResult) -> None:
    _valid_sarif(render(mixed))
    _valid_sarif(render(hostile))


def test_one_rule_entry_per_catalog_rule_with_help_and_default_level(clean: LintResult) -> None:
    rules = _valid_sarif(render(clean))["runs"][0]["tool"]["driver"]["rules"]
    assert [
        (r["id"], r["shortDescription"]["text"], r["helpUri"], r["defaultConfiguration"]["level"])
        for r in rules
    ] == [(rule.id, rule.summary, rule.help_uri, rule.severity.value) for rule in RULES]
    # GitHub code scanning shows these beside each alert.
    assert all(r["fullDescription"]["text"] and r["help"]["text"] for r in rules)


def test_rule_index_points_at_the_rule_and_level_is_the_problem_severity(
    warnings_only: LintResult,
) -> None:
    """`implicit-type` turned down to a warning by configuration stays a warning."""
    result = LintResult(
        1,
        (
            *warnings_only.problems,
            Problem("w.yaml", 2, 3, "implicit-type", Severity.WARNING, "configured down"),
        ),
        (),
    )
    log = _valid_sarif(render(result))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    found = [
        (r["ruleId"], rules[r["ruleIndex"]]["id"], r["level"]) for r in log["runs"][0]["results"]
    ]
    assert found == [
        ("implicit-type", "implicit-type", "warning"),
        ("ambiguous-value", "ambiguous-value", "warning"),
    ]


def test_hostile_path_becomes_a_percent_encoded_relative_uri(hostile: LintResult) -> None:
    log = _valid_sarif(render(hostile))
    assert _locations(log) == [
        {
            "uri": "work%20flows/a%2Cb%3Ac%25d%20%22q%22%20%C3%BC.yaml",
            "uriBaseId": "%SRCROOT%",
        }
    ]
    assert log["runs"][0]["results"][0]["message"]["text"] == hostile.problems[0].message


@pytest.mark.parametrize(
    ("file", "location"),
    [
        ("./workflows/a.yaml", {"uri": "workflows/a.yaml", "uriBaseId": "%SRCROOT%"}),
        ("../other/a.yaml", {"uri": "../other/a.yaml", "uriBaseId": "%SRCROOT%"}),
        ("/srv/flows/a b.yaml", {"uri": "file:///srv/flows/a%20b.yaml"}),
    ],
)
def test_paths_as_given_become_uris(file: str, location: dict[str, str]) -> None:
    result = LintResult(1, (Problem(file, 1, 1, "schema", Severity.ERROR, "m"),), ())
    (found,) = _locations(_valid_sarif(render(result)))
    assert found == location
    assert URI_CHARACTERS.match(found["uri"])


def test_output_is_ascii_and_colour_is_ignored(hostile: LintResult) -> None:
    assert render(hostile).isascii()
    assert render(hostile, color=True) == render(hostile)
