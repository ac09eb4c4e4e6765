"""A malformed case file is refused with a message naming the file and the case, so that a
mistake in the test data cannot turn into a test that checks nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rule_cases import SINGLE_FILE, CaseFileError, load_case_file

WORKFLOW = "      workflow: {name: w, version: '1'}\n"


def _case_file(tmp_path: Path, rule: str, case: str) -> Path:
    path = tmp_path / f"{rule}.yaml"
    path.write_text(f"rule: {rule}\ncases:\n{case}", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("case", "error"),
    [
        (
            f"  - name: c\n    file: |\n{WORKFLOW}",
            "give `fails_at` or `passes: true`",
        ),
        (
            f"  - name: c\n    passes: true\n    fails_at: [1]\n    file: |\n{WORKFLOW}",
            "a passing case has no fails_at",
        ),
        (f"  - name: c\n    fails_at: []\n    file: |\n{WORKFLOW}", "fails_at must list line"),
        (f"  - name: c\n    fails_at: ['3']\n    file: |\n{WORKFLOW}", "fails_at must list line"),
        ("  - name: c\n    passes: true\n", "give either `file` or `files`"),
        (
            f"  - name: c\n    fails_at: {{other.yaml: [1]}}\n    file: |\n{WORKFLOW}",
            "fails_at names a file the case does not have",
        ),
    ],
)
def test_malformed_cases_are_refused(tmp_path: Path, case: str, error: str) -> None:
    with pytest.raises(CaseFileError, match="^" + re.escape(f"schema.yaml: c: {error}")):
        load_case_file(_case_file(tmp_path, "schema", case))


def test_the_rule_must_be_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text("rule: no-final-state\ncases: []\n", encoding="utf-8")
    with pytest.raises(
        CaseFileError, match="^" + re.escape("schema.yaml: `rule` must be 'schema'")
    ):
        load_case_file(path)


def test_a_well_formed_case(tmp_path: Path) -> None:
    (case,) = load_case_file(
        _case_file(
            tmp_path, "schema", f"  - name: c\n    fails_at: [3, 1]\n    file: |\n{WORKFLOW}"
        )
    )
    assert (case.rule, case.name, case.passes, case.single) == ("schema", "c", False, True)
    assert case.fails_at == {SINGLE_FILE: (1, 3)}
    assert case.files == {SINGLE_FILE: "workflow: {name: w, version: '1'}\n"}
