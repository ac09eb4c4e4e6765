"""`pypgflow-ops test` against the real runtime: verdicts, reports, exit codes, and a database left
byte for byte as it was (compared by pg_dump before and after every run)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import psycopg
import pytest

from .helpers import ORDER, dump, repository, run

PASSING = """\
workflow: order
scenarios:
  - name: paid, shipped and delivered
    start: {entity_table: orders, entity_id: "1", metadata: {payment_reference: p-1}}
    steps:
      - to: paid
      - to: shipped
      - {to: placed, refused: not-allowed}
      - to: delivered
      - {to: cancelled, refused: finished}
    expect: {state: delivered, finished: true, history: 4}
  - name: no payment without its reference
    start: {entity_table: orders, entity_id: "2"}
    steps:
      - {to: paid, refused: condition-not-met}
      - to: cancelled
    expect: {state: cancelled, finished: true, history: 2}
"""

FAILING = """\
workflow: order
scenarios:
  - name: paid, shipped and delivered
    start: {entity_table: orders, entity_id: "1", metadata: {payment_reference: p-1}}
    steps:
      - to: paid
      - to: shipped
      - to: delivered
  - name: a payment without its reference
    start: {entity_table: orders, entity_id: "2"}
    steps:
      - {to: paid, refused: condition-not-met}
      - to: paid
      - to: shipped
  - name: a paid order is not refused
    start: {entity_table: orders, entity_id: "3", metadata: {payment_reference: p-3}}
    steps:
      - {to: paid, refused: condition-not-met}
  - name: the wrong state
    start: {entity_table: orders, entity_id: "5", metadata: {payment_reference: p-5}}
    steps:
      - to: paid
    expect: {state: shipped, finished: false}
  - name: the wrong history
    start: {entity_table: orders, entity_id: "6"}
    expect: {finished: true, history: 3}
  - name: the same entity again, as the others were rolled back
    start: {entity_table: orders, entity_id: "2"}
    expect: {state: placed, history: 1}
"""

FAILING_TEXT = """\
PASS {f}:3: paid, shipped and delivered
FAIL {f}:9: a payment without its reference
  at {f}:13:9
    expected: a move to 'paid'
    runtime:  refused: condition-not-met (PT412): condition not met for transition 'pay': \
payment_reference required
FAIL {f}:15: a paid order is not refused
  at {f}:18:9
    expected: refused: condition-not-met
    runtime:  moved to 'paid'
FAIL {f}:19: the wrong state
  at {f}:23:13
    expected: state 'shipped'
    runtime:  state 'paid'
FAIL {f}:24: the wrong history
  at {f}:26:13
    expected: finished true, history 3
    runtime:  finished false, history 1
PASS {f}:27: the same entity again, as the others were rolled back
6 scenarios: 2 passed, 4 failed.
"""

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def busy_database(runtime_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database in use: a tenant with the workflow applied and an instance running."""
    folder = repository(tmp_path_factory.mktemp("applied"), PASSING)
    code, _, err = run(
        "apply", folder / "order.yaml", "--tenant", "shop", "--database-url",
        runtime_database_url, "--yes",
    )  # fmt: skip
    assert code == 0, err
    with psycopg.connect(runtime_database_url, autocommit=True) as conn:
        tenant = conn.execute("select id from pypgflow.tenants where slug = 'shop'").fetchone()
        assert tenant is not None
        conn.execute("select set_config('pypgflow.tenant_id', %s, false)", [str(tenant[0])])
        conn.execute("select api.start_workflow('order', 'orders', '1', '{}')")
    return runtime_database_url


def test_passing_scenarios_on_an_empty_database_leave_it_empty(
    database_url: str, tmp_path: Path
) -> None:
    folder = repository(tmp_path, PASSING)
    before = dump(database_url)
    code, out, err = run("test", folder, "--database-url", database_url)
    assert (code, err) == (0, "")
    f = folder / "order.scenarios.yaml"
    assert out == (
        f"PASS {f}:3: paid, shipped and delivered\n"
        f"PASS {f}:12: no payment without its reference\n"
        "2 scenarios: 2 passed, 0 failed.\n"
    )
    assert dump(database_url) == before


def test_each_failure_names_its_step_what_was_expected_and_what_the_runtime_did(
    busy_database: str, tmp_path: Path
) -> None:
    folder = repository(tmp_path, FAILING)
    before = dump(busy_database)
    code, out, err = run("test", folder, "--database-url", busy_database)
    assert (code, err) == (1, "")
    assert UUID.sub("UUID", out) == FAILING_TEXT.format(f=folder / "order.scenarios.yaml")
    assert dump(busy_database) == before


def _json(folder: Path, url: str, *more: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run("test", folder, "--database-url", url, "--format", "json", *more)
    assert err == ""
    document: dict[str, Any] = json.loads(out)
    return code, document


def test_json_lists_every_scenario_and_each_failure(busy_database: str, tmp_path: Path) -> None:
    folder = repository(tmp_path, FAILING)
    code, document = _json(folder, busy_database)
    assert code == 1
    assert (document["version"], document["passed"], document["failed"]) == (1, 2, 4)
    assert document["coverage"] is None
    first, second = document["scenarios"][:2]
    assert {k: v for k, v in first.items() if k != "seconds"} == {
        "file": str(folder / "order.scenarios.yaml"),
        "line": 3,
        "workflow": "order",
        "name": "paid, shipped and delivered",
        "passed": True,
        "failure": None,
    }
    assert second["failure"] == {
        "line": 13,
        "column": 9,
        "expected": "a move to 'paid'",
        "actual": "refused: condition-not-met (PT412): condition not met for transition 'pay': "
        "payment_reference required",
    }


def test_junit_is_read_back_by_an_xml_parser(busy_database: str, tmp_path: Path) -> None:
    folder = repository(tmp_path, FAILING)
    code, out, _ = run("test", folder, "--database-url", busy_database, "--format", "junit")
    assert code == 1
    root = ET.fromstring(out)
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "6", "4")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == str(folder / "order.scenarios.yaml")
    cases = suite.findall("testcase")
    assert [(c.get("name"), c.get("line"), c.find("failure") is None) for c in cases] == [
        ("paid, shipped and delivered", "3", True),
        ("a payment without its reference", "9", False),
        ("a paid order is not refused", "15", False),
        ("the wrong state", "19", False),
        ("the wrong history", "24", False),
        ("the same entity again, as the others were rolled back", "27", True),
    ]
    failure = cases[2].find("failure")
    assert failure is not None
    assert failure.get("message") == "expected refused: condition-not-met"
    assert failure.text == (
        f"{folder / 'order.scenarios.yaml'}:18:9\n"
        "expected: refused: condition-not-met\nruntime:  moved to 'paid'\n"
    )


def test_github_annotates_each_failing_step(busy_database: str, tmp_path: Path) -> None:
    folder = repository(tmp_path, FAILING)
    code, out, _ = run("test", folder, "--database-url", busy_database, "--format", "github")
    assert code == 1
    lines = out.splitlines()
    f = str(folder / "order.scenarios.yaml").replace(":", "%3A").replace(",", "%2C")
    assert lines[1] == (
        f"::error file={f},line=18,col=9,title=scenario failed::a paid order is not refused: "
        "expected refused: condition-not-met; runtime moved to 'paid'"
    )
    assert lines[-1] == ("::notice title=pypgflow-ops test::6 scenarios: 2 passed, 4 failed.")
    assert len(lines) == 5


def test_coverage_lists_what_no_passing_scenario_took(busy_database: str, tmp_path: Path) -> None:
    folder = repository(tmp_path, PASSING)
    code, document = _json(folder, busy_database, "--coverage")
    assert code == 0
    assert document["coverage"] == [
        {
            "workflow": "order",
            "transitions": 4,
            "states": 5,
            "untested_transitions": [],
            "unreached_states": [],
        }
    ]
    only_first = PASSING[: PASSING.index("  - name: no payment")]
    repository(folder, only_first)
    code, document = _json(folder, busy_database, "--require-all-transitions")
    assert code == 1
    assert document["coverage"][0]["untested_transitions"] == [
        {"from": "placed", "name": "cancel", "to": "cancelled"}
    ]
    assert document["coverage"][0]["unreached_states"] == ["cancelled"]
    code, out, _ = run("test", folder, "--database-url", busy_database, "--coverage")
    assert code == 0
    assert out.endswith(
        "Coverage (moves of the passing scenarios):\n"
        "  order: 3/4 transitions, 4/5 states\n"
        "    untested transition placed -> cancelled (cancel)\n"
        "    unreached state cancelled\n"
        "1 scenario: 1 passed, 0 failed.\n"
    )


@pytest.mark.parametrize(
    ("scenarios", "message"),
    [
        (
            PASSING.replace('entity_id: "2"', "entity_id: 2"),
            "order.scenarios.yaml:13:46: error schema scenarios[1].start.entity_id: expected "
            "text, not 2; quote it",
        ),
        (
            PASSING.replace("      - to: shipped\n", "      - to: shiped\n"),
            "order.scenarios.yaml:7:9: error scenario-unknown-state workflow 'order' has no state "
            "'shiped'; did you mean 'shipped'?",
        ),
    ],
    ids=["invalid file", "unknown state"],
)
def test_an_invalid_file_is_a_located_problem_and_exit_2(
    database_url: str, tmp_path: Path, scenarios: str, message: str
) -> None:
    folder = repository(tmp_path, scenarios)
    code, out, err = run("test", folder, "--database-url", database_url)
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == f"{folder}/{message}"
    assert err.splitlines()[-1] == (
        "pypgflow-ops: error: lint found 1 error(s): fix them, then test again"
    )


def test_no_scenario_files_is_a_usage_error(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "order.yaml").write_text(ORDER, encoding="utf-8")
    code, out, err = run("test", tmp_path, "--database-url", database_url)
    assert (code, out) == (2, "")
    assert err == (
        f"pypgflow-ops: error: no *.scenarios.yaml files in {tmp_path}; write one beside a "
        "workflow\n"
    )


def test_the_example_workflows_scenarios_pass_and_take_every_transition(
    database_url: str,
) -> None:
    examples = Path(__file__).resolve().parents[2] / "workflows"
    before = dump(database_url)
    code, document = _json(examples, database_url, "--require-all-transitions")
    assert code == 0
    assert document["failed"] == 0 and document["passed"] >= 4
    assert {c["workflow"] for c in document["coverage"]} == {
        "expense_approval",
        "fraud_detection",
        "incident_handling",
        "order_fulfilment",
    }
    assert all(not c["untested_transitions"] for c in document["coverage"])
    assert all(not c["unreached_states"] for c in document["coverage"])
    assert dump(database_url) == before


def test_an_unreachable_database_is_one_line_and_exit_1(tmp_path: Path) -> None:
    folder = repository(tmp_path, PASSING)
    code, out, err = run("test", folder, "--database-url", "postgresql://postgres@127.0.0.1:1/x")
    assert (code, out) == (1, "")
    assert err.startswith("pypgflow-ops: error: cannot connect to PostgreSQL (host 127.0.0.1, ")
    assert err.count("\n") == 1


def test_an_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    folder = repository(tmp_path, PASSING)
    code, _, err = run("test", folder, "--format", "xml")
    assert code == 2
    assert "'xml' is not one of 'text', 'json', 'junit', 'github'" in err
