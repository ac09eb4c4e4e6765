"""JUnit XML, checked for the structure CI servers read (the Jenkins/Ant junit schema: testsuites >
testsuite > testcase, `failure` with `message` and `type`) and against a golden file."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

from pypgflow_ops.lint import lint_source
from pypgflow_ops.problems import LintResult, Problem, Severity
from pypgflow_ops.report.junit import render

HOSTILE_FILE = 'work flows/a,b:c%d "q" ü.yaml'  # as in conftest.py

HERE = Path(__file__).resolve().parent
CASE_CHILDREN = {"failure", "system-out"}
CLEAN = """\
workflow: {name: ok, version: "1"}
states:
  - {name: start, initial: true}
  - {name: done, final: true}
transitions:
  - {from: start, to: done, name: finish}
"""


def _suite(text: str) -> ET.Element:
    """The one test suite, after checking the document as a JUnit consumer would."""
    assert text.startswith("<?xml version='1.0' encoding='utf-8'?>\n")
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    (suite,) = root
    assert suite.tag == "testsuite"
    cases = list(suite)
    assert all(case.tag == "testcase" for case in cases)
    for case in cases:
        assert {"name", "classname", "time"} <= set(case.keys())
        assert {child.tag for child in case} <= CASE_CHILDREN  # never skipped, never error
        for failure in case.iter("failure"):
            assert {"message", "type"} <= set(failure.keys()) and failure.text
    failures = sum(1 for _ in suite.iter("failure"))
    for element in (root, suite):
        assert element.get("tests") == str(len(cases))
        assert element.get("failures") == str(failures)
        assert (element.get("errors"), element.get("skipped")) == ("0", "0")
    return suite


def test_golden(mixed: LintResult) -> None:
    golden = HERE / "golden" / "mixed.junit.xml"
    if os.environ.get("PYPGFLOW_UPDATE_GOLDEN"):  # then review the diff before committing it
        golden.write_text(render(mixed), encoding="utf-8")
    assert render(mixed) == golden.read_text(encoding="utf-8")


def test_one_case_per_file_a_failure_per_error_and_warnings_in_the_output(
    mixed: LintResult,
) -> None:
    suite = _suite(render(mixed))

    cases = {case.get("name"): case for case in suite}
    assert list(cases) == ["workflows/approval.yaml", "workflows/order.yaml"]
    approval = cases["workflows/approval.yaml"]
    assert [f.get("type") for f in approval.iter("failure")] == ["implicit-type"]
    assert "parallel-transitions" in (approval.findtext("system-out") or "")


def test_a_clean_file_is_a_passing_case() -> None:
    result = lint_source(CLEAN.encode(), "ok.yaml")
    assert result.problems == ()

    suite = _suite(render(result))

    assert [(case.get("name"), list(case)) for case in suite] == [("ok.yaml", [])]


def test_control_characters_and_undecodable_names_stay_well_formed(hostile: LintResult) -> None:
    odd = os.fsdecode(b"bad\xff.yaml")
    result = LintResult(
        files=2,
        problems=(*hostile.problems, Problem(odd, 1, 1, "yaml-syntax", Severity.ERROR, "x\x00y")),
        workflows=(),
    )

    suite = _suite(render(result))

    names = [case.get("name") for case in suite]
    assert names == ["bad\\udcff.yaml", HOSTILE_FILE]
    assert next(f.get("message") for f in suite.iter("failure")) == "x\\x00y"
