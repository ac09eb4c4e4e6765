"""JUnit XML, as GitLab, Jenkins and Azure Pipelines read it: one test case per file, one
`<failure>` per error; warnings are printed in the case's `<system-out>`, and a clean file passes.

XML 1.0 cannot carry control characters at all: they are shown escaped, as the text format does.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from pypgflow_ops.problems import LintResult, Problem, Severity
from pypgflow_ops.report.ci_paths import files
from pypgflow_ops.terminal import printable

SUITE = "pypgflow-ops lint"


def _location(problem: Problem) -> str:
    return f"{printable(problem.file)}:{problem.line}:{problem.column}"


def _case(suite: ET.Element, file: str, problems: list[Problem]) -> int:
    case = ET.SubElement(
        suite, "testcase", name=printable(file), classname="pypgflow-ops.lint", time="0"
    )
    errors = [p for p in problems if p.severity is Severity.ERROR]
    for problem in errors:
        failure = ET.SubElement(
            case, "failure", message=printable(problem.message), type=problem.rule
        )
        failure.text = f"{_location(problem)}: {problem.rule} {printable(problem.message)}"
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    if warnings:
        ET.SubElement(case, "system-out").text = "".join(
            f"{_location(p)}: warning {p.rule} {printable(p.message)}\n" for p in warnings
        )
    return len(errors)


def render(result: LintResult, *, color: bool = False) -> str:
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in sorted(result.problems):
        by_file[problem.file].append(problem)
    root = ET.Element("testsuites", name=SUITE)
    suite = ET.SubElement(root, "testsuite", name=SUITE)
    names = files(result)
    failures = sum(_case(suite, file, by_file[file]) for file in names)
    counts = {"tests": str(len(names)), "failures": str(failures), "errors": "0", "skipped": "0"}
    for element in (root, suite):
        element.attrib.update(counts)
    suite.set("time", "0")
    root.set("time", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
