"""The JSON format is a contract other tools rely on: exact keys, key order, 1-based positions."""

from __future__ import annotations

import json
from pathlib import Path

from pypgflow_ops.problems import LintResult
from pypgflow_ops.report.json_report import render

HERE = Path(__file__).resolve().parent


def test_exact_document(mixed: LintResult) -> None:
    assert render(mixed) == (HERE / "golden" / "mixed.json").read_text(encoding="utf-8")


def test_clean_result(clean: LintResult) -> None:
    assert render(clean) == '{\n  "files": 12,\n  "problems": []\n}\n'


def test_hostile_text_is_ascii_json_that_round_trips(hostile: LintResult) -> None:
    text = render(hostile)
    assert text.isascii()
    assert '"file": "work flows/a,b:c%d \\"q\\" \\u00fc.yaml"' in text
    assert '"message": "state \\"ja:nein\\" at 50%,\\nthen\\r\\u001b[31mred \\u2713"' in text
    (problem,) = json.loads(text)["problems"]
    assert problem["file"] == hostile.problems[0].file
    assert problem["message"] == hostile.problems[0].message


def test_colour_is_ignored(mixed: LintResult) -> None:
    assert render(mixed, color=True) == render(mixed)
