"""The test run reporters, on a made-up run: exact output, and hostile names kept harmless."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from pypgflow_ops.commands.test import TestFormat
from pypgflow_ops.model import Position
from pypgflow_ops.report.scenarios import TEST_FORMATS
from pypgflow_ops.scenarios.coverage import WorkflowCoverage
from pypgflow_ops.scenarios.outcome import TestRun
from pypgflow_ops.scenarios.results import Failure, ScenarioResult

HOSTILE = "evil\n::error::forged \u202e\x1b[31m"
RUN = TestRun(
    (
        ScenarioResult("a.scenarios.yaml", "order", "fine", Position(3, 5), 0.5),
        ScenarioResult(
            "a.scenarios.yaml",
            "order",
            HOSTILE,
            Position(9, 5),
            0.25,
            Failure(Position(12, 9), "a move to 'paid'", "refused: finished (PT423): done"),
        ),
    ),
    (WorkflowCoverage("order", 2, 3, (("placed", "cancel", "cancelled"),), ("cancelled",)),),
    require_all_transitions=True,
)


def test_the_format_choices_are_the_reporters() -> None:
    assert [f.value for f in TestFormat] == list(TEST_FORMATS)


def test_text() -> None:
    assert TEST_FORMATS["text"](RUN) == (
        "PASS a.scenarios.yaml:3: fine\n"
        "FAIL a.scenarios.yaml:9: evil\\n::error::forged \\u202e\\x1b[31m\n"
        "  at a.scenarios.yaml:12:9\n"
        "    expected: a move to 'paid'\n"
        "    runtime:  refused: finished (PT423): done\n"
        "Coverage (moves of the passing scenarios):\n"
        "  order: 1/2 transitions, 2/3 states\n"
        "    untested transition placed -> cancelled (cancel)\n"
        "    unreached state cancelled\n"
        "2 scenarios: 1 passed, 1 failed; 1 transition untested.\n"
    )


def test_json() -> None:
    document = json.loads(TEST_FORMATS["json"](RUN))
    assert document["scenarios"][1]["name"] == HOSTILE
    assert document["coverage"] == [
        {
            "workflow": "order",
            "transitions": 2,
            "states": 3,
            "untested_transitions": [{"from": "placed", "name": "cancel", "to": "cancelled"}],
            "unreached_states": ["cancelled"],
        }
    ]


def test_junit() -> None:
    root = ET.fromstring(TEST_FORMATS["junit"](RUN))
    cases = root.findall("testsuite/testcase")
    assert [(c.get("name"), c.get("time")) for c in cases] == [
        ("fine", "0.500000"),
        ("evil\\n::error::forged \\u202e\\x1b[31m", "0.250000"),
    ]


def test_github() -> None:
    assert TEST_FORMATS["github"](RUN) == (
        "::error file=a.scenarios.yaml,line=12,col=9,title=scenario failed::"
        "evil%0A::error::forged \u202e\x1b[31m: expected a move to 'paid'; runtime refused: "
        "finished (PT423): done\n"
        "::notice title=pypgflow-ops test::2 scenarios: 1 passed, 1 failed; 1 transition "
        "untested.\n"
    )
