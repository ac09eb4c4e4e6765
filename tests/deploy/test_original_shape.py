"""Acceptance of issue 15's tool side with two files of the original pypgflow's shape, written for
this project (original_shape/): a fraud-detection workflow with a wildcard `cancel` and free-form
conditions (requires_documentation, amount_threshold, risk_score), and an order-processing one
(return_window_days, requires_approval), comments between the keys. Each goes through what a team
moving from the original would run: lint in every format, `lint --fix` (byte for byte), plan, apply
to a real database, plan again, diagrams, export and its round trip, `diagram --against-db` and
`lint --against-ref`; then the runtime's decisions on the applied fixed files (the wildcard
`cancel`, each enforced condition kind, the parallel wildcard and declared transition to one target,
api.get_transitions, `instances transitions`) and their scenarios under `pypgflow-ops test`."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from runtime.postgrest import Conn, get, new_entity, request, rpc

from .cli import apply, plan, rows, run

ORIGINALS = Path(__file__).resolve().parent / "original_shape"
NAMES = ("fraud_detection.yaml", "order_processing.yaml")
TENANT = "acme"
FIX = "else move it under context with pypgflow-ops lint --fix"
REFUSED = "the runtime does not enforce {!r} and would refuse the transition"


def _unenforced(at: str, transition: str, key: str, enforce: str) -> str:
    return (
        f"{at}: error unenforced-condition transition {transition!r}: {REFUSED.format(key)}; "
        f"to enforce {enforce}, {FIX}"
    )


PARALLEL = (
    "fraud_detection.yaml:{line}:5: warning parallel-transitions transitions 'cancel' (line {at})"
    " and 'customer_withdrew' both lead from 'flagged' (line {at}'s `from: \"*\"` includes it) to"
    " 'cancelled'; callers pick by target state and cannot tell them apart"
)
ORIGINAL_PROBLEMS = [
    _unenforced(
        "fraud_detection.yaml:59:7",
        "clear",
        "requires_documentation",
        "the value write field_equals: {requires_documentation: true}",
    ),
    _unenforced(
        "fraud_detection.yaml:69:7",
        "escalate",
        "amount_threshold",
        "a bound write field_min or field_max: {amount: 10000}",
    ),
    _unenforced(
        "fraud_detection.yaml:71:7",
        "escalate",
        "risk_score",
        'the value write field_equals: {risk_score: "high"}',
    ),
    _unenforced(
        "fraud_detection.yaml:93:7",
        "cancel",
        "requires_supervisor",
        "the value write field_equals: {requires_supervisor: true}",
    ),
    PARALLEL.format(line=101, at=88),
    _unenforced(
        "order_processing.yaml:47:7",
        "return_items",
        "return_window_days",
        "a bound write field_min or field_max: {return_window_days: 30}",
    ),
    _unenforced(
        "order_processing.yaml:60:7",
        "refund",
        "requires_approval",
        "the value write field_equals: {requires_approval: true}",
    ),
    _unenforced(
        "order_processing.yaml:69:7",
        "cancel",
        "requires_approval",
        "the value write field_equals: {requires_approval: true}",
    ),
]
# (file, line, rule) of each problem above, what every machine format must carry
LOCATED = [(p.split(":")[0], int(p.split(":")[1]), p.split(" ")[2]) for p in ORIGINAL_PROBLEMS]


@pytest.fixture
def originals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in NAMES:
        shutil.copyfile(ORIGINALS / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def fixed(tmp_path: Path) -> Path:
    folder = tmp_path / "fixed"
    folder.mkdir()
    for name in NAMES:
        shutil.copyfile(ORIGINALS / name.replace(".yaml", ".fixed.yaml"), folder / name)
    return folder


@pytest.fixture
def applied(make_database: Callable[..., str], fixed: Path) -> str:
    """A database with the runtime, the fixed files applied for TENANT."""
    url = make_database(runtime=True)
    code, _, err = apply(fixed, TENANT, url)
    assert (code, err) == (0, "")
    return url


def _lint(*args: str) -> tuple[int, str, str]:
    return run("lint", *args)


# lint: each format, one record


def _from_json(out: str) -> list[tuple[str, int, str]]:
    return [(p["file"], p["line"], p["rule"]) for p in json.loads(out)["problems"]]


def _from_github(out: str) -> list[tuple[str, int, str]]:
    found = []
    for line in out.splitlines():
        fields = dict(f.split("=", 1) for f in line.split(" ", 1)[1].split("::")[0].split(","))
        found.append((fields["file"], int(fields["line"]), fields["title"]))
    return found


def _from_sarif(out: str) -> list[tuple[str, int, str]]:
    results = json.loads(out)["runs"][0]["results"]
    return [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["ruleId"],
        )
        for r in results
    ]


def _from_junit(out: str) -> list[tuple[str, int, str]]:
    found = []
    for case in ET.fromstring(out).iter("testcase"):
        for failure in case.iter("failure"):
            assert failure.text is not None
            found.append(
                (case.attrib["name"], int(failure.text.split(":")[1]), failure.attrib["type"])
            )
    return found


def _from_gitlab(out: str) -> list[tuple[str, int, str]]:
    issues = json.loads(out)
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    return [
        (i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"]) for i in issues
    ]


def test_lint_reports_each_free_form_condition_at_its_key_and_the_wildcard_parallel(
    originals: Path,
) -> None:
    code, out, err = _lint(".")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        *ORIGINAL_PROBLEMS,
        "Found 8 problems (7 errors, 1 warning) in 2 files.",
    ]


@pytest.mark.parametrize(
    ("form", "read"),
    [
        ("json", _from_json),
        ("github", _from_github),
        ("sarif", _from_sarif),
        ("junit", _from_junit),
        ("gitlab", _from_gitlab),
    ],
)
def test_every_format_carries_the_same_problems(
    originals: Path, form: str, read: Callable[[str], list[tuple[str, int, str]]]
) -> None:
    code, out, _ = _lint("--format", form, ".")
    assert code == 1
    found = read(out)
    if form == "junit":  # failures only: the warning is not one
        assert found == [p for p in LOCATED if p[2] != "parallel-transitions"]
    else:
        assert found == LOCATED


TOGETHER = """\
workflow:
  name: ticket
  version: "1.0"
states:
  - name: open
    initial: true
  - name: waiting
  - name: done
    final: true
transitions:
  - from: "*"
    to: done
    name: finish
    conditions:
      field_min: {amount: 10}
      field_max: {amount: 5}
      requires_approval: true
  - from: open
    to: done
    name: finish
  - from: open
    to: waiting
    name: wait
  - from: "*"
    to: open
    name: reopen
    conditions:
      field_in: {reason: [customer, agent]}
"""


def test_the_wildcard_and_the_condition_rules_report_together(tmp_path: Path) -> None:
    (tmp_path / "ticket.yaml").write_text(TOGETHER, encoding="utf-8")
    code, out, _ = _lint(str(tmp_path / "ticket.yaml"))
    file = str(tmp_path / "ticket.yaml")
    assert code == 1
    assert out.splitlines() == [
        f"{file}:16:19: warning unsatisfiable-condition transition 'finish': no value of 'amount'"
        " meets field_min 10 and field_max 5; no call can take the transition",
        _unenforced(
            f"{file}:17:7",
            "finish",
            "requires_approval",
            "the value write field_equals: {requires_approval: true}",
        ),
        f"{file}:18:5: error duplicate-transition transition 'finish' from 'open' (line 11's"
        ' `from: "*"` includes it) is already declared at line 11; rename or remove one',
        "Found 3 problems (2 errors, 1 warning) in 1 file.",
    ]


def test_a_schema_error_holds_back_the_condition_rules_until_it_is_fixed(tmp_path: Path) -> None:
    path = tmp_path / "ticket.yaml"
    path.write_text(TOGETHER.replace("    initial: true\n", "    initial: true\n    colour: red\n"))
    code, out, _ = _lint(str(path))
    assert (code, out.splitlines()) == (
        1,
        [
            f"{path}:7:5: error schema states[0]: unknown key 'colour'; allowed: final, initial,"
            " metadata, name",
            "Found 1 problem (1 error, 0 warnings) in 1 file.",
        ],
    )


# lint --fix


def test_one_fix_makes_them_deployable_byte_for_byte_and_a_second_changes_nothing(
    originals: Path,
) -> None:
    code, out, err = _lint("--fix", ".")
    assert (code, out.splitlines()) == (
        0,
        [PARALLEL.format(line=103, at=90), "Found 1 problem (0 errors, 1 warning) in 2 files."],
    )
    assert err.splitlines() == [
        f"{file}:{line}: moved `{key}` from conditions to context"
        for file, line, key in [
            ("fraud_detection.yaml", "59:7", "requires_documentation"),
            ("fraud_detection.yaml", "69:7", "amount_threshold"),
            ("fraud_detection.yaml", "71:7", "risk_score"),
            ("fraud_detection.yaml", "93:7", "requires_supervisor"),
            ("order_processing.yaml", "47:7", "return_window_days"),
            ("order_processing.yaml", "60:7", "requires_approval"),
            ("order_processing.yaml", "69:7", "requires_approval"),
        ]
    ]
    for name in NAMES:
        expected = (ORIGINALS / name.replace(".yaml", ".fixed.yaml")).read_bytes()
        assert (originals / name).read_bytes() == expected, name

    again = _lint("--fix", ".")
    assert again == (0, out, "")
    for name in NAMES:
        expected = (ORIGINALS / name.replace(".yaml", ".fixed.yaml")).read_bytes()
        assert (originals / name).read_bytes() == expected, name


# plan and apply


def test_plan_refuses_the_originals_and_leaves_the_database_as_it_was(
    make_database: Callable[..., str], originals: Path
) -> None:
    url = make_database(runtime=True)
    code, _, err = plan(originals, TENANT, url)
    assert code == 1
    assert (
        err.splitlines()[-1]
        == "pypgflow-ops: error: lint found 7 errors: fix them, then plan again"
    )
    code, _, err = apply(originals, TENANT, url)
    assert code == 1
    assert rows(url, "select count(*) from pypgflow.workflow_transitions") == [(0,)]


def test_the_fixed_files_apply_with_the_wildcard_stored_as_null_and_plan_has_nothing_left(
    applied: str, fixed: Path
) -> None:
    stored = rows(
        applied,
        "select d.name, tr.from_state, tr.name, tr.conditions, tr.context"
        " from pypgflow.workflow_transitions tr"
        " join pypgflow.workflow_definitions d on d.id = tr.definition_id"
        " where tr.name in ('cancel', 'customer_withdrew', 'escalate', 'return_items')"
        " order by d.name, tr.name",
    )
    assert stored == [
        (
            "fraud_detection",
            None,
            "cancel",
            {"field_required": "cancel_reason"},
            {"reasons": ["duplicate", "withdrawn", "test"], "requires_supervisor": True},
        ),
        (
            "fraud_detection",
            "flagged",
            "customer_withdrew",
            {"field_equals": {"customer_confirmed": True}},
            {},
        ),
        (
            "fraud_detection",
            "investigating",
            "escalate",
            {"field_min": {"amount": 10000}},
            {"amount_threshold": 10000, "risk_score": "high"},
        ),
        ("order_processing", None, "cancel", {}, {"requires_approval": True}),
        (
            "order_processing",
            "delivered",
            "return_items",
            {},
            {"refund_method": "original_payment", "label_printing": True, "return_window_days": 30},
        ),
    ]
    code, out, _ = plan(fixed, TENANT, applied, "--detailed-exitcode")
    assert (code, out) == (
        0,
        "Tenant acme:\n\nNo changes. The database matches the repository.\n",
    )


def test_the_plan_of_a_new_version_names_the_wildcard_transition_it_changes(
    applied: str, fixed: Path
) -> None:
    path = fixed / "fraud_detection.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('version: "1.0"', 'version: "1.1"').replace(
            '  - from: "*"\n', '  - from: "investigating"\n'
        ),
        encoding="utf-8",
    )
    code, out, _ = plan(fixed, TENANT, applied, "--format", "json")
    assert code == 0
    (change,) = [c for c in json.loads(out)["changes"] if c["action"] != "unchanged"]
    assert (change["workflow"], change["action"]) == ("fraud_detection", "new-version")
    assert change["transitions"] == {
        "added": ["investigating --cancel--> cancelled"],
        "removed": ["* --cancel--> cancelled"],
        "changed": [],
    }


# diagrams


WILDCARD_DOT = (
    '  "~any" [label=<any non-final state>, style="rounded,dashed", fontcolor="#8a93a0"];',
    '  "~any" -> "cancelled" [label=<Cancel <font color="#8a93a0">◇</font>>, color="#808080",'
    ' fontcolor="#808080", tooltip="has conditions"];',
    '  "flagged" -> "cancelled" [label=<customer_withdrew <font color="#8a93a0">◇</font>>,'
    ' tooltip="has conditions"];',
)


def test_dot_draws_the_wildcard_once_from_an_any_state_node(fixed: Path) -> None:
    code, out, _ = run("diagram", fixed / "fraud_detection.yaml")
    assert code == 0
    lines = out.splitlines()
    assert [line for line in lines if "~any" in line or '-> "cancelled"' in line] == list(
        WILDCARD_DOT
    )


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")
def test_svg_shows_the_any_state_node_and_the_edge_labels(fixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "fraud_detection.svg"
    code, _, err = run("diagram", fixed / "fraud_detection.yaml", "-o", out)
    assert (code, err) == (0, "")
    svg = "{http://www.w3.org/2000/svg}"
    texts = {"".join(t.itertext()).strip() for t in ET.parse(out).iter(f"{svg}text")}
    assert {"any non-final state", "Cancel", "customer_withdrew", "Cancelled", "◇"} <= texts


def test_mermaid_draws_the_wildcard_as_one_dashed_source(fixed: Path) -> None:
    code, out, _ = run("diagram", "-f", "mermaid", fixed / "order_processing.yaml")
    assert code == 0
    lines = out.splitlines()
    assert '  any_state("any non-final state")' in lines
    assert '  any_state -->|"cancel"| s_cancelled' in lines  # its conditions went to context
    assert "  class any_state wildcard" in lines
    assert '  s_returned -->|"Refund ◇"| s_refunded' in lines


MERMAID = Path(__file__).resolve().parents[1] / "diagram" / "mermaid"


@pytest.mark.skipif(
    not (MERMAID / "node_modules" / "mermaid").is_dir() or shutil.which("node") is None,
    reason="Mermaid is not installed: npm ci --prefix tests/diagram/mermaid",
)
def test_mermaids_own_parser_reads_every_drawing_of_them() -> None:
    texts = []
    for name in (*NAMES, *(n.replace(".yaml", ".fixed.yaml") for n in NAMES)):
        code, out, _ = run("diagram", "-f", "mermaid", ORIGINALS / name)
        assert code == 0
        texts.append(out)
    done = subprocess.run(
        ["node", str(MERMAID / "parse.mjs")],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    # states plus the entry dot and the "any non-final state" node; every transition one edge
    assert [(len(g["vertices"]), len(g["edges"])) for g in json.loads(done.stdout)] == [
        (8, 8),
        (10, 8),
        (8, 8),
        (10, 8),
    ]


def test_diagram_against_the_database_marks_a_changed_wildcard(applied: str, fixed: Path) -> None:
    path = fixed / "fraud_detection.yaml"
    code, out, _ = run(
        "diagram",
        path,
        "-f",
        "mermaid",
        "--against-db",
        "--tenant",
        TENANT,
        "--database-url",
        applied,
    )
    assert code == 0
    assert "version 1.0, unchanged" in out.splitlines()[1]
    assert "linkStyle" not in out

    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('version: "1.0"', 'version: "1.1"').replace(
            '      field_required: "cancel_reason"\n',
            '      field_in: {cancel_reason: ["duplicate", "withdrawn"]}\n',
        ),
        encoding="utf-8",
    )
    code, out, _ = run(
        "diagram",
        path,
        "-f",
        "mermaid",
        "--against-db",
        "--tenant",
        TENANT,
        "--database-url",
        applied,
    )
    assert code == 0
    lines = out.splitlines()
    cancel = lines.index('  any_state -->|"Cancel ◇"| s_cancelled')
    edges = [line for line in lines if "-->" in line]
    changed = edges.index(lines[cancel])
    assert [line for line in lines if line.startswith("  linkStyle")] == [
        f"  linkStyle {changed} stroke:#ff7f0e,color:#ff7f0e,stroke-width:2px"
    ]


# export: the round trip


def test_the_export_lints_as_the_files_did_and_plans_as_no_changes(
    applied: str, tmp_path: Path
) -> None:
    out = tmp_path / "exported"
    code, _, err = run("export", "--tenant", TENANT, "--database-url", applied, "--out", out)
    assert (code, err) == (0, "")
    assert sorted(p.name for p in out.iterdir()) == list(NAMES)
    fraud = (out / "fraud_detection.yaml").read_text(encoding="utf-8")
    assert '  - from: "*"\n    to: cancelled\n    name: cancel\n' in fraud
    assert "      requires_supervisor: true\n" in fraud  # under context, as --fix moved it

    code, report, _ = _lint(str(out))
    assert (
        code,
        [line.split(" warning ")[1].split(" ")[0] for line in report.splitlines()[:-1]],
    ) == (
        0,
        ["parallel-transitions"],
    )
    code, report, _ = plan(out, TENANT, applied, "--detailed-exitcode")
    assert (code, report) == (
        0,
        "Tenant acme:\n\nNo changes. The database matches the repository.\n",
    )


# lint --against-ref


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_against_ref_sees_a_wildcard_made_explicit_without_a_version_bump(
    fixed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _git(fixed, "init", "-q", "-b", "main")
    _git(fixed, "add", *NAMES)
    _git(fixed, "commit", "-qm", "base")
    monkeypatch.chdir(fixed)
    assert _lint("--against-ref", "main", ".")[0] == 0

    path = fixed / "order_processing.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('  - from: "*"\n', '  - from: "placed"\n'),
        encoding="utf-8",
    )
    code, out, _ = _lint("--against-ref", "main", ".")
    assert code == 1
    assert (
        "order_processing.yaml:3:12: error version-not-bumped workflow 'order_processing' changed"
        " since main but kept its version '2.1'; give it a version after '2.1'"
    ) in out.splitlines()


# The runtime's decisions on the applied fixed files: api.execute_transition (the wildcard
# `cancel`, each enforced condition kind, the parallel wildcard and explicit transition to one
# target), api.get_transitions and `pypgflow-ops instances transitions`, called as PostgREST calls
# them (the tenant's JWT claims, role pypgflow_authenticated) and as the CLI does.


def _tenant(url: str) -> uuid.UUID:
    ((tenant,),) = rows(url, "select id from pypgflow.tenants where slug = %s", TENANT)
    assert isinstance(tenant, uuid.UUID)
    return tenant


def _start(conn: Conn, tenant: uuid.UUID, workflow: str, **metadata: Any) -> uuid.UUID:
    started = rpc(conn, "start_workflow", tenant, workflow_name=workflow,
                  entity_table="payments", entity_id=new_entity(), metadata=metadata)
    instance: uuid.UUID = started["id"]
    return instance


def _move(conn: Conn, tenant: uuid.UUID, instance: uuid.UUID, to: str, **context: Any) -> str:
    """execute_transition as clerk; the state it lands in."""
    moved = rpc(conn, "execute_transition", tenant, instance_id=instance, to_state=to,
                executed_by="clerk", context=context)
    state: str = moved["current_state"]
    return state


def _refused(conn: Conn, tenant: uuid.UUID, instance: uuid.UUID, to: str,
             **context: Any) -> tuple[str | None, str]:
    """(SQLSTATE, message) of a refused execute_transition."""
    with pytest.raises(psycopg.Error) as raised:
        _move(conn, tenant, instance, to, **context)
    return raised.value.sqlstate, raised.value.diag.message_primary or ""


def _history(conn: Conn, tenant: uuid.UUID, instance: uuid.UUID) -> list[tuple[Any, ...]]:
    """(sequence, from, to, transition_name) of the instance's history."""
    return sorted(
        (r["sequence"], r["from_state"], r["to_state"], r["transition_name"])
        for r in get(conn, "workflow_history", tenant)
        if r["entity_workflow_instance_id"] == instance
    )


def _transitions(conn: Conn, tenant: uuid.UUID, instance: uuid.UUID) -> list[dict[str, Any]]:
    with request(conn, tenant) as cur:
        return cur.execute("select * from api.get_transitions(%s)", [instance]).fetchall()


@pytest.fixture
def api(applied: str) -> Iterator[tuple[Conn, uuid.UUID]]:
    """A connection to the applied database and TENANT's id, for the api as PostgREST calls it."""
    with psycopg.connect(applied, autocommit=True) as conn:
        yield conn, _tenant(applied)


ORDER_PATH = [("paid", {"amount": 10, "currency": "EUR"}), ("shipped", {"tracking_number": "T1"}),
              ("delivered", {}), ("returned", {})]


def test_the_wildcard_cancel_is_taken_from_every_non_final_state(
    api: tuple[Conn, uuid.UUID],
) -> None:
    conn, tenant = api
    states = ["placed", *(state for state, _ in ORDER_PATH)]
    for steps, state in enumerate(states):
        instance = _start(conn, tenant, "order_processing")
        for to, context in ORDER_PATH[:steps]:
            assert _move(conn, tenant, instance, to, **context) == to
        assert _move(conn, tenant, instance, "cancelled") == "cancelled"
        assert _history(conn, tenant, instance)[-1] == (
            steps + 1, state, "cancelled", "cancel"), state

    instance = _start(conn, tenant, "fraud_detection", analyst_id="a1", amount=25000)
    _move(conn, tenant, instance, "investigating")
    _move(conn, tenant, instance, "escalated")
    assert _refused(conn, tenant, instance, "cancelled") == (
        "PT412", "condition not met for transition 'cancel': cancel_reason required")
    assert _move(conn, tenant, instance, "cancelled", cancel_reason="duplicate") == "cancelled"
    assert _history(conn, tenant, instance) == [
        (0, None, "flagged", None),
        (1, "flagged", "investigating", "investigate"),
        (2, "investigating", "escalated", "escalate"),
        (3, "escalated", "cancelled", "cancel"),
    ]


def test_the_wildcard_cancel_is_refused_from_a_final_state_and_from_its_own_target(
    api: tuple[Conn, uuid.UUID],
) -> None:
    conn, tenant = api
    closed = _start(conn, tenant, "order_processing")
    for to, context in ORDER_PATH[:3]:
        _move(conn, tenant, closed, to, **context)
    _move(conn, tenant, closed, "closed")
    assert _refused(conn, tenant, closed, "cancelled") == (
        "PT423",
        f"workflow instance {closed} finished in state 'closed': it accepts no transitions",
    )

    cancelled = _start(conn, tenant, "fraud_detection")
    _move(conn, tenant, cancelled, "cancelled", cancel_reason="test")
    assert _refused(conn, tenant, cancelled, "cancelled", cancel_reason="test") == (
        "PT423",
        f"workflow instance {cancelled} finished in state 'cancelled': it accepts no transitions",
    )
    assert _history(conn, tenant, cancelled)[1:] == [(1, "flagged", "cancelled", "cancel")]
    assert _history(conn, tenant, closed)[-1] == (4, "delivered", "closed", "close")


# (workflow, the moves to reach the state, the target, the metadata the instance starts with, the
# context of a refused call, the refusal, the context that lets the same call through)
CONDITIONS = [
    (
        "fraud_detection", [], "investigating", {}, {},
        "condition not met for transition 'investigate': analyst_id required",
        {"analyst_id": "a1"},
    ),
    (
        "fraud_detection", [("investigating", {})], "cleared", {"analyst_id": "a1"},
        {"decision": "fraud"},
        "condition not met for transition 'clear': decision_note required;"
        ' field_equals decision: found "fraud", expected "legitimate"',
        {"decision": "legitimate", "decision_note": "refund confirmed"},
    ),
    (
        "fraud_detection", [("investigating", {})], "escalated", {"analyst_id": "a1"},
        {"amount": "25000"},
        "condition not met for transition 'escalate':"
        ' field_min amount: found "25000", expected a number at least 10000',
        {"amount": 10000},
    ),
    (
        "fraud_detection", [("investigating", {}), ("escalated", {})], "confirmed_fraud",
        {"analyst_id": "a1", "amount": 12000.5}, {"reviewer_level": "junior"},
        "condition not met for transition 'confirm':"
        ' field_in reviewer_level: found "junior", expected one of ["senior", "lead"];'
        " field_max risk_score_value: missing",
        {"reviewer_level": "lead", "risk_score_value": 100},
    ),
    (
        "fraud_detection", [("investigating", {}), ("escalated", {})], "confirmed_fraud",
        {"analyst_id": "a1", "amount": 12000.5, "reviewer_level": "senior"},
        {"risk_score_value": 100.5},
        "condition not met for transition 'confirm':"
        " field_max risk_score_value: found 100.5, expected a number at most 100",
        {"risk_score_value": 99},
    ),
    (
        "order_processing", [], "paid", {"currency": "GBP"}, {"amount": 0},
        "condition not met for transition 'pay':"
        ' field_in currency: found "GBP", expected one of ["EUR", "USD"];'
        " field_min amount: found 0, expected a number at least 0.01",
        {"amount": 0.01, "currency": "USD"},
    ),
]


@pytest.mark.parametrize(
    ("workflow", "moves", "to", "metadata", "refused", "message", "allowed"),
    CONDITIONS,
    ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CONDITIONS)],
)
def test_each_condition_kind_refuses_naming_it_then_lets_the_call_through(
    api: tuple[Conn, uuid.UUID],
    workflow: str,
    moves: list[tuple[str, dict[str, Any]]],
    to: str,
    metadata: dict[str, Any],
    refused: dict[str, Any],
    message: str,
    allowed: dict[str, Any],
) -> None:
    conn, tenant = api
    instance = _start(conn, tenant, workflow, **metadata)
    for state, context in moves:
        assert _move(conn, tenant, instance, state, **context) == state
    before = _history(conn, tenant, instance)
    assert _refused(conn, tenant, instance, to, **refused) == ("PT412", message)
    assert _history(conn, tenant, instance) == before
    assert _move(conn, tenant, instance, to, **allowed) == to
    assert _history(conn, tenant, instance)[-1][2] == to


def test_the_metadata_alone_meets_the_conditions_and_the_context_wins_over_it(
    api: tuple[Conn, uuid.UUID],
) -> None:
    conn, tenant = api
    instance = _start(conn, tenant, "fraud_detection", analyst_id="a1", decision="fraud",
                      decision_note="n")
    assert _move(conn, tenant, instance, "investigating") == "investigating"
    assert _refused(conn, tenant, instance, "cleared") == (
        "PT412",
        "condition not met for transition 'clear':"
        ' field_equals decision: found "fraud", expected "legitimate"',
    )
    assert _move(conn, tenant, instance, "cleared", decision="legitimate") == "cleared"
    # a key in the context, even null, counts as present for field_required; a null is no number
    other = _start(conn, tenant, "fraud_detection")
    assert _move(conn, tenant, other, "investigating", analyst_id=None) == "investigating"
    assert _refused(conn, tenant, other, "escalated", amount=None) == (
        "PT412",
        "condition not met for transition 'escalate':"
        " field_min amount: found null, expected a number at least 10000",
    )


@pytest.mark.parametrize(
    ("metadata", "context", "taken"),
    [
        # both hold: the declared `customer_withdrew` before the wildcard `cancel`
        ({"cancel_reason": "withdrawn"}, {"customer_confirmed": True}, "customer_withdrew"),
        # only the wildcard's holds: conditions that hold come first
        ({}, {"cancel_reason": "withdrawn", "customer_confirmed": False}, "cancel"),
        ({"cancel_reason": "withdrawn"}, {}, "cancel"),
        # only the declared one's holds
        ({"customer_confirmed": True}, {}, "customer_withdrew"),
    ],
)
def test_the_wildcard_and_the_declared_transition_to_one_target_pick_as_documented(
    api: tuple[Conn, uuid.UUID], metadata: dict[str, Any], context: dict[str, Any], taken: str
) -> None:
    conn, tenant = api
    instance = _start(conn, tenant, "fraud_detection", **metadata)
    assert _move(conn, tenant, instance, "cancelled", **context) == "cancelled"
    assert _history(conn, tenant, instance) == [
        (0, None, "flagged", None),
        (1, "flagged", "cancelled", taken),
    ]


def test_when_neither_holds_the_refusal_names_the_declared_transition(
    api: tuple[Conn, uuid.UUID],
) -> None:
    conn, tenant = api
    instance = _start(conn, tenant, "fraud_detection")
    assert _refused(conn, tenant, instance, "cancelled", customer_confirmed="yes") == (
        "PT412",
        "condition not met for transition 'customer_withdrew':"
        ' field_equals customer_confirmed: found "yes", expected true',
    )
    assert _history(conn, tenant, instance) == [(0, None, "flagged", None)]


EXTRA = """
  # Two more wildcards: one beside `cancel` (picked from it by name), one to a state that is not
  # final (never taken from that state itself)
  - from: "*"
    to: "cancelled"
    name: "abandon"
    conditions:
      field_required: "cancel_reason"

  - from: "*"
    to: "investigating"
    name: "reopen"
"""


def test_two_wildcards_pick_by_name_and_a_wildcard_is_not_taken_from_its_own_target(
    make_database: Callable[..., str], fixed: Path
) -> None:
    path = fixed / "fraud_detection.yaml"
    path.write_text(path.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    url = make_database(runtime=True)
    code, _, err = apply(fixed, TENANT, url)
    assert (code, err) == (0, "")
    with psycopg.connect(url, autocommit=True) as conn:
        tenant = _tenant(url)
        instance = _start(conn, tenant, "fraud_detection", analyst_id="a1")
        assert _move(conn, tenant, instance, "investigating") == "investigating"
        assert _refused(conn, tenant, instance, "investigating") == (
            "PT400",
            "transition from 'investigating' to 'investigating' is not allowed in workflow"
            " fraud_detection (allowed: 'cancelled', 'cleared', 'escalated')",
        )
        assert _move(conn, tenant, instance, "cancelled", cancel_reason="test") == "cancelled"
        other = _start(conn, tenant, "fraud_detection")
        # `investigate` does not hold (no analyst_id), the wildcard `reopen` does: it is taken
        assert _move(conn, tenant, other, "investigating") == "investigating"
        assert [h[3] for h in _history(conn, tenant, instance)] == [
            None, "investigate", "abandon"]
        assert [h[3] for h in _history(conn, tenant, other)] == [None, "reopen"]




CANCEL = {
    "name": "cancel",
    "from_state": None,
    "to_state": "cancelled",
    "final": True,
    "to_state_metadata": {"display_name": "Cancelled"},
    "context": {"reasons": ["duplicate", "withdrawn", "test"], "requires_supervisor": True},
    "conditions": {"field_required": "cancel_reason"},
    "conditions_met": False,
    "unmet": [{"condition": "field_required", "field": "cancel_reason", "reason": "missing"}],
}
WITHDREW = {
    "name": "customer_withdrew",
    "from_state": "flagged",
    "to_state": "cancelled",
    "final": True,
    "to_state_metadata": {"display_name": "Cancelled"},
    "context": {},
    "conditions": {"field_equals": {"customer_confirmed": True}},
    "conditions_met": False,
    "unmet": [{"condition": "field_equals", "field": "customer_confirmed", "reason": "missing"}],
}
INVESTIGATE = {
    "name": "investigate",
    "from_state": "flagged",
    "to_state": "investigating",
    "final": False,
    "to_state_metadata": {"display_name": "Investigating", "requires_role": "analyst"},
    "context": {"case_priority": "high", "typical_user_roles": ["analyst", "admin"]},
    "conditions": {"field_required": "analyst_id"},
    "conditions_met": False,
    "unmet": [{"condition": "field_required", "field": "analyst_id", "reason": "missing"}],
}
MET = {"conditions_met": True, "unmet": []}


def test_get_transitions_lists_what_an_instance_may_do_next_in_the_order_it_is_picked(
    api: tuple[Conn, uuid.UUID],
) -> None:
    conn, tenant = api
    flagged = _start(conn, tenant, "fraud_detection", amount=500)
    # neither transition to `cancelled` holds: the declared one first, then the wildcard
    assert _transitions(conn, tenant, flagged) == [WITHDREW, CANCEL, INVESTIGATE]
    # the wildcard's holds: it comes first, as execute_transition would take it
    reason = _start(conn, tenant, "fraud_detection", cancel_reason="duplicate", analyst_id="a1")
    assert _transitions(conn, tenant, reason) == [
        CANCEL | MET,
        WITHDREW,
        INVESTIGATE | MET,
    ]

    _move(conn, tenant, reason, "investigating")
    assert [
        (t["name"], t["from_state"], t["to_state"], t["conditions_met"], t["unmet"])
        for t in _transitions(conn, tenant, reason)
    ] == [
        ("cancel", None, "cancelled", True, []),
        (
            "clear", "investigating", "cleared", False,
            [
                {"condition": "field_equals", "field": "decision", "reason": "missing"},
                {"condition": "field_required", "field": "decision_note", "reason": "missing"},
            ],
        ),
        (
            "escalate", "investigating", "escalated", False,
            [{"condition": "field_min", "field": "amount", "reason": "missing"}],
        ),
    ]

    _move(conn, tenant, reason, "cancelled")
    assert _transitions(conn, tenant, reason) == []  # finished: nothing, not even the wildcard
    unknown = uuid.uuid4()
    with pytest.raises(psycopg.Error) as raised:
        _transitions(conn, tenant, unknown)
    assert (raised.value.sqlstate, raised.value.diag.message_primary) == (
        "PT404", f"unknown workflow instance {unknown}")


def test_instances_transitions_prints_them_as_a_table_and_as_the_api_rows(
    api: tuple[Conn, uuid.UUID], applied: str
) -> None:
    conn, tenant = api
    instance = _start(conn, tenant, "fraud_detection", analyst_id="a1", amount=12000,
                      reviewer_level="junior", cancel_reason="duplicate")
    _move(conn, tenant, instance, "investigating")
    _move(conn, tenant, instance, "escalated")
    command = ("instances", "transitions", str(instance), "--tenant", TENANT,
               "--database-url", applied)
    assert run(*command, "-f", "table") == (
        0,
        "name     from       to_state         final  conditions_met  unmet\n"
        "cancel   *          cancelled        yes    yes\n"
        "clear    escalated  cleared          yes                    field_required"
        " decision_note: missing\n"
        "confirm  escalated  confirmed_fraud  yes                    field_in reviewer_level:"
        ' found "junior", expected one of ["senior", "lead"]; field_max risk_score_value:'
        " missing\n",
        "",
    )
    code, out, err = run(*command)
    assert (code, err) == (0, "")
    assert json.loads(out) == _transitions(conn, tenant, instance)
    assert [t["name"] for t in json.loads(out)] == ["cancel", "clear", "confirm"]


# `pypgflow-ops test`: scenarios (original_shape/*.scenarios.yaml) express the refusals by kind and
# the states reached; which of two transitions to one target was taken shows only in coverage.

SCENARIOS = [
    ("fraud_detection", 7, "a reason cancels a flagged payment through the wildcard"),
    ("fraud_detection", 19, "the customer withdraws before the investigation"),
    ("fraud_detection", 25, "a legitimate payment is cleared with a note"),
    ("fraud_detection", 39, "a large payment is escalated and confirmed by a senior reviewer"),
    ("fraud_detection", 57, "an escalation is cleared on review with a note"),
    ("order_processing", 6, "an order is paid in a known currency, returned and refunded"),
    ("order_processing", 29, "a delivered order is closed"),
    ("order_processing", 41, "any open order can be cancelled, a returned one too"),
]


@pytest.fixture
def scenarios(fixed: Path) -> Path:
    for name in NAMES:
        scenario = name.replace(".yaml", ".scenarios.yaml")
        shutil.copyfile(ORIGINALS / scenario, fixed / scenario)
    return fixed


def test_the_scenarios_take_every_transition_and_refuse_by_each_condition_kind(
    make_database: Callable[..., str], scenarios: Path
) -> None:
    url = make_database(runtime=True)
    code, out, err = run("test", scenarios, "--require-all-transitions", "--database-url", url)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        *(f"PASS {scenarios}/{w}.scenarios.yaml:{line}: {name}" for w, line, name in SCENARIOS),
        "Coverage (moves of the passing scenarios):",
        "  fraud_detection: 7/7 transitions, 6/6 states",
        "  order_processing: 7/7 transitions, 8/8 states",
        "8 scenarios: 8 passed, 0 failed.",
    ]
    assert rows(url, "select count(*) from pypgflow.entity_workflow_instances") == [(0,)]


def test_coverage_shows_the_reason_took_the_wildcard_not_the_declared_transition(
    make_database: Callable[..., str], scenarios: Path
) -> None:
    path = scenarios / "fraud_detection.scenarios.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - name: the customer withdraws")
    path.write_text(text[:start] + text[text.index("  - name:", start + 1):], encoding="utf-8")
    url = make_database(runtime=True)
    code, out, _ = run("test", scenarios, "--coverage", "-f", "json", "--database-url", url)
    assert code == 0
    (fraud,) = [c for c in json.loads(out)["coverage"] if c["workflow"] == "fraud_detection"]
    assert fraud["untested_transitions"] == [
        {"from": "flagged", "name": "customer_withdrew", "to": "cancelled"}
    ]



def test_the_cli_refuses_the_cancel_naming_the_condition_then_takes_it(applied: str) -> None:
    tenant = ("--tenant", TENANT, "--database-url", applied)
    code, out, err = run("instances", "start", "payments", "p-1", "--workflow", "fraud_detection",
                         "--metadata", '{"amount": 5}', *tenant)
    assert (code, err) == (0, "")
    instance = json.loads(out)["id"]
    move = ("instances", "transition", instance, "cancelled", "--executed-by", "bob")
    assert run(*move, *tenant) == (
        1,
        "",
        "pypgflow-ops: error: refused (condition-not-met): condition not met for transition"
        " 'customer_withdrew': field_equals customer_confirmed: missing; hint: Put the fields in"
        " the instance metadata or in the context of the call.\n",
    )
    code, out, _ = run(*move, "--context", '{"cancel_reason": "duplicate"}', *tenant)
    assert (code, json.loads(out)["current_state"]) == (0, "cancelled")
    code, out, _ = run("instances", "history", instance, *tenant)
    assert [(h["from_state"], h["to_state"], h["transition_name"]) for h in json.loads(out)] == [
        (None, "flagged", None),
        ("flagged", "cancelled", "cancel"),
    ]
    assert run("instances", "transitions", instance, "-f", "table", *tenant) == (
        0, "No transitions.\n", "")
    assert run(*move, "--context", '{"cancel_reason": "duplicate"}', *tenant) == (
        1,
        "",
        f"pypgflow-ops: error: refused (finished): workflow instance {instance} finished in"
        " state 'cancelled': it accepts no transitions\n",
    )
