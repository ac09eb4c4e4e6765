"""JUnit XML for a test run: one testsuite per scenario file, one testcase per scenario, a failure
element naming the place, what was expected and what the runtime did."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby

from pypgflow_ops.scenarios.outcome import TestRun
from pypgflow_ops.scenarios.results import ScenarioResult
from pypgflow_ops.terminal import printable


def _case(suite: ET.Element, result: ScenarioResult) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        classname=printable(result.file),
        name=printable(result.name),
        file=printable(result.file),
        line=str(result.position.line),
        time=f"{result.seconds:.6f}",
    )
    failure = result.failure
    if failure is not None:
        at = f"{printable(result.file)}:{failure.position.line}:{failure.position.column}"
        element = ET.SubElement(
            case, "failure", message=f"expected {printable(failure.expected)}", type="scenario"
        )
        expected, actual = printable(failure.expected), printable(failure.actual)
        element.text = f"{at}\nexpected: {expected}\nruntime:  {actual}\n"


def render(run: TestRun, *, color: bool = False) -> str:
    root = ET.Element(
        "testsuites",
        name="pypgflow-ops test",
        tests=str(len(run.results)),
        failures=str(run.failed),
        errors="0",
    )
    for file, grouped in groupby(run.results, key=lambda r: r.file):
        results = list(grouped)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=printable(file),
            tests=str(len(results)),
            failures=str(sum(1 for r in results if not r.passed)),
            errors="0",
            time=f"{sum(r.seconds for r in results):.6f}",
        )
        for result in results:
            _case(suite, result)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
