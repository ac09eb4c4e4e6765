"""GitLab Code Quality JSON, checked against the fields GitLab documents and a golden file."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from pypgflow_ops.problems import LintResult
from pypgflow_ops.report.gitlab import render

HERE = Path(__file__).resolve().parent
SCHEMA = json.loads((HERE / "gitlab-code-quality.schema.json").read_text(encoding="utf-8"))


def _valid(text: str) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = json.loads(text)
    assert [e.message for e in Draft202012Validator(SCHEMA).iter_errors(issues)] == []
    return issues


def test_golden(mixed: LintResult) -> None:
    golden = HERE / "golden" / "mixed.gitlab.json"
    if os.environ.get("PYPGFLOW_UPDATE_GOLDEN"):  # then review the diff before committing it
        golden.write_text(render(mixed), encoding="utf-8")
    assert render(mixed) == golden.read_text(encoding="utf-8")


def test_every_issue_has_the_documented_fields(mixed: LintResult, hostile: LintResult) -> None:
    issues = _valid(render(mixed))

    assert [(i["check_name"], i["severity"], i["location"]["lines"]["begin"]) for i in issues] == [
        ("implicit-type", "major", 3),
        ("parallel-transitions", "minor", 20),
        ("unreachable-state", "major", 14),
    ]
    assert _valid(render(hostile))[0]["description"] == hostile.problems[0].message


def test_a_clean_result_is_an_empty_list(clean: LintResult) -> None:
    assert _valid(render(clean)) == []


def test_fingerprints_survive_moved_lines_and_differ_for_repeats(mixed: LintResult) -> None:
    moved = replace(mixed, problems=tuple(replace(p, line=p.line + 5) for p in mixed.problems))
    first = mixed.problems[0]
    repeated = replace(mixed, problems=(*mixed.problems, replace(first, line=first.line + 40)))

    fingerprints = [i["fingerprint"] for i in _valid(render(mixed))]
    assert [i["fingerprint"] for i in _valid(render(moved))] == fingerprints
    assert len({i["fingerprint"] for i in _valid(render(repeated))}) == 4


def test_an_undecodable_file_name_stays_json(mixed: LintResult) -> None:
    odd = replace(mixed.problems[0], file=os.fsdecode(b"bad\xff.yaml"))

    issues = _valid(render(replace(mixed, problems=(odd,))))

    assert issues[0]["location"]["path"] == odd.file
