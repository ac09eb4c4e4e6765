"""workflows and instances through the CLI: the api as PostgREST calls it, two tenants at once."""

from __future__ import annotations

import getpass
import json
import re
import uuid
from pathlib import Path

import psycopg
import psycopg.conninfo
import psycopg.sql
import pytest

from pypgflow_ops.report.rows import render_table

from .cli import WORKFLOWS, answer, as_tenant, counts, rows, run


def view_columns(url: str, view: str) -> list[str]:
    return [
        name
        for (name,) in rows(
            url,
            "select column_name from information_schema.columns"
            " where table_schema = 'api' and table_name = %s order by ordinal_position",
            view,
        )
    ]


def start(url: str, tenant: str, entity_id: str, *more: str) -> dict[str, object]:
    row: dict[str, object] = answer(
        url,
        tenant,
        "instances",
        "start",
        "orders",
        entity_id,
        "--workflow",
        "order_fulfilment",
        *more,
    )
    return row


def test_workflows_list_is_the_rows_of_api_workflows(applied: str) -> None:
    listed = answer(applied, "acme", "workflows", "list")
    assert [list(row) for row in listed] == [view_columns(applied, "workflows")] * 4
    assert [(w["name"], w["version"], w["revision"], w["active"]) for w in listed] == [
        ("expense_approval", "1.0", 1, True),
        ("fraud_detection", "1.0", 1, True),
        ("incident_handling", "1.0", 1, True),
        ("order_fulfilment", "1.0", 1, True),
    ]
    ids = {w["id"] for w in answer(applied, "globex", "workflows", "list")}
    assert ids.isdisjoint(w["id"] for w in listed)  # each tenant has its own versions


def test_workflows_list_as_a_table(applied: str) -> None:
    code, out, _ = as_tenant(applied, "acme", "workflows", "list", "--format", "table")
    assert code == 0
    header, *lines = out.splitlines()
    assert header.split() == ["id", "name", "version", "revision", "active", "retired_at"]
    assert lines[0].split()[1:] == ["expense_approval", "1.0", "1", "yes"]


def test_workflows_show(applied: str) -> None:
    shown = answer(applied, "acme", "workflows", "show", "order_fulfilment")
    assert shown["workflow"]["name"] == "order_fulfilment" and shown["workflow"]["active"]
    assert list(shown["states"][0]) == view_columns(applied, "workflow_states")
    assert list(shown["transitions"][0]) == view_columns(applied, "workflow_transitions")
    assert shown["states"][0]["name"] == "placed"  # the initial state first
    pack = next(t for t in shown["transitions"] if t["name"] == "pack")
    assert pack["conditions"] == {"field_required": ["package_count", "total_weight_kg"]}

    code, out, _ = as_tenant(
        applied, "acme", "workflows", "show", "order_fulfilment", "-f", "table"
    )
    assert code == 0
    assert out.startswith("order_fulfilment version 1.0 (revision 1, active, id ")
    assert ["picking", "packed", "pack", '{"field_required":'] in [
        line.split()[:4] for line in out.splitlines()
    ]


def test_workflows_show_an_unknown_name_or_version(applied: str) -> None:
    code, out, err = as_tenant(applied, "acme", "workflows", "show", "nope")
    assert (code, out) == (1, "")
    assert err == (
        "pypgflow-ops: error: no workflow 'nope' in this tenant: "
        "`pypgflow-ops workflows list` lists them\n"
    )
    code, _, err = as_tenant(
        applied, "acme", "workflows", "show", "order_fulfilment", "--version", "9"
    )
    assert code == 1 and "no workflow 'order_fulfilment' version '9'" in err


def test_start_move_and_read_the_history(applied: str) -> None:
    started = start(
        applied, "acme", "move-1", "--metadata", '{"payment_reference": "p-1"}', "--as", "alice"
    )
    assert list(started) == view_columns(applied, "entity_workflows")
    assert (started["current_state"], started["metadata"]) == (
        "placed",
        {"payment_reference": "p-1"},
    )
    instance = str(started["id"])

    moved = answer(
        applied,
        "acme",
        "instances",
        "transition",
        instance,
        "payment_authorised",
        "--executed-by",
        "bob",
        "--notes",
        "paid\nin full",
        "--context",
        '{"channel": "web"}',
    )
    assert moved["current_state"] == "payment_authorised" and moved["id"] == instance

    history = answer(applied, "acme", "instances", "history", instance)
    assert [list(row) for row in history] == [view_columns(applied, "workflow_history")] * 2
    assert [
        (
            h["sequence"],
            h["from_state"],
            h["to_state"],
            h["transition_name"],
            h["executed_by"],
            h["notes"],
            h["context"],
        )
        for h in history
    ] == [
        (0, None, "placed", None, "alice", None, {}),
        (
            1,
            "placed",
            "payment_authorised",
            "authorise_payment",
            "bob",
            "paid\nin full",
            {"channel": "web"},
        ),
    ]
    code, out, _ = as_tenant(applied, "acme", "instances", "history", instance, "-f", "table")
    assert code == 0 and "paid\\nin full" in out.splitlines()[2]


def test_the_subject_defaults_to_the_os_user(applied: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTOR", raising=False)
    instance = start(applied, "acme", "who-1")["id"]
    (first,) = answer(applied, "acme", "instances", "history", str(instance))
    assert first["executed_by"] == getpass.getuser()


def test_start_by_definition_id(applied: str) -> None:
    (definition,) = [
        w for w in answer(applied, "acme", "workflows", "list") if w["name"] == "fraud_detection"
    ]
    started = answer(
        applied,
        "acme",
        "instances",
        "start",
        "transactions",
        "12345",
        "--workflow-id",
        definition["id"],
        "--metadata",
        '{"amount": 5000}',
    )
    assert (started["workflow_definition_id"], started["workflow_name"]) == (
        definition["id"],
        "fraud_detection",
    )


def test_instances_list_filters_newest_first(applied: str) -> None:
    first = start(applied, "globex", "list-1")["id"]
    second = start(applied, "globex", "list-2")["id"]
    third = start(applied, "globex", "list-3", "--metadata", '{"cancellation_reason": "x"}')["id"]
    answer(
        applied,
        "globex",
        "instances",
        "transition",
        str(third),
        "cancelled",
        "--executed-by",
        "carol",
    )

    def ids(*filters: str) -> list[object]:
        return [row["id"] for row in answer(applied, "globex", "instances", "list", *filters)]

    assert ids("--entity-table", "orders")[:3] == [third, second, first]
    assert ids("--completed") == [third]
    assert third not in ids("--running") and first in ids("--running")
    assert ids("--state", "cancelled") == [third]
    assert ids("--entity-id", "list-2") == [second]
    assert ids("--workflow", "expense_approval") == []
    assert ids("--entity-table", "orders", "--limit", "2") == [third, second]
    code, out, _ = as_tenant(
        applied, "globex", "instances", "list", "--workflow", "nope", "-f", "table"
    )
    assert (code, out) == (0, "No instances.\n")


def test_tenants_are_isolated_through_the_cli(applied: str) -> None:
    acme_instance = str(start(applied, "acme", "shared-1")["id"])
    globex_instance = str(start(applied, "globex", "shared-1")["id"])
    assert acme_instance != globex_instance
    listed = {row["id"] for row in answer(applied, "globex", "instances", "list")}
    assert globex_instance in listed and acme_instance not in listed

    before = counts(applied)
    code, out, err = as_tenant(applied, "globex", "instances", "history", acme_instance)
    assert (code, out, err) == (
        1,
        "",
        f"pypgflow-ops: error: refused (unknown-instance): unknown workflow instance "
        f"{acme_instance}\n",
    )
    code, _, err = as_tenant(
        applied,
        "globex",
        "instances",
        "transition",
        acme_instance,
        "cancelled",
        "--executed-by",
        "mallory",
    )
    assert code == 1 and err.startswith("pypgflow-ops: error: refused (unknown-instance): ")
    (acme_definition,) = [
        w["id"]
        for w in answer(applied, "acme", "workflows", "list")
        if w["name"] == "order_fulfilment"
    ]
    code, _, err = as_tenant(
        applied, "globex", "instances", "start", "orders", "x", "--workflow-id", acme_definition
    )
    assert code == 1 and err.startswith("pypgflow-ops: error: refused (unknown-workflow): ")
    assert counts(applied) == before
    assert (
        answer(applied, "acme", "instances", "list", "--entity-id", "shared-1")[0]["current_state"]
        == "placed"
    )


@pytest.mark.parametrize(
    ("setup", "to_state", "kind"),
    [
        ((), "delivered", "not-allowed"),
        ((), "payment_authorised", "condition-not-met"),
        (("cancelled",), "payment_authorised", "finished"),
    ],
)
def test_refusals_are_one_line_and_change_nothing(
    applied: str, setup: tuple[str, ...], to_state: str, kind: str
) -> None:
    instance = str(start(applied, "acme", f"refused-{kind}")["id"])
    for state in setup:
        answer(applied, "acme", "instances", "transition", instance, state, "--executed-by", "x")
    before = counts(applied)
    code, out, err = as_tenant(
        applied, "acme", "instances", "transition", instance, to_state, "--executed-by", "x"
    )
    assert (code, out) == (1, "")
    assert err.startswith(f"pypgflow-ops: error: refused ({kind}): ") and err.count("\n") == 1
    assert counts(applied) == before


def test_a_refusal_carries_the_runtimes_hint(applied: str) -> None:
    start(applied, "acme", "twice-1")
    before = counts(applied)
    code, _, err = as_tenant(
        applied, "acme", "instances", "start", "orders", "twice-1", "--workflow", "order_fulfilment"
    )
    assert code == 1
    assert err.startswith("pypgflow-ops: error: refused (already-running): orders twice-1 already")
    assert err.endswith(
        "; hint: Transition the running instance to a final state before starting another.\n"
    )
    assert counts(applied) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            (
                "instances",
                "start",
                "orders",
                "1",
                "--workflow",
                "order_fulfilment",
                "--metadata",
                "{nope",
            ),
            "--metadata is not valid JSON: ",
        ),
        (
            (
                "instances",
                "start",
                "orders",
                "1",
                "--workflow",
                "order_fulfilment",
                "--metadata",
                "[1]",
            ),
            "--metadata must be a JSON object",
        ),
        (
            (
                "instances",
                "transition",
                "00000000-0000-0000-0000-000000000000",
                "x",
                "--executed-by",
                "x",
                "--context",
                "'single'",
            ),
            "--context is not valid JSON: ",
        ),
        (("instances", "start", "orders", "1"), "give exactly one of --workflow NAME and"),
        (("instances", "history", "not-a-uuid"), "INSTANCE_ID 'not-a-uuid' is not a UUID"),
        (("instances", "list", "--running", "--completed"), "--running and --completed exclude"),
    ],
)
def test_usage_errors_exit_2_and_change_nothing(
    applied: str, args: tuple[str, ...], message: str
) -> None:
    before = counts(applied)
    code, out, err = as_tenant(applied, "acme", *args)
    assert (code, out) == (2, "")
    assert err.startswith(f"pypgflow-ops: error: {message}")
    assert counts(applied) == before


def test_unknown_and_malformed_tenants(applied: str) -> None:
    code, _, err = as_tenant(applied, "initech", "workflows", "list")
    assert code == 1
    assert err.startswith("pypgflow-ops: error: no tenant 'initech' in this database")
    code, _, err = as_tenant(applied, "Acme ", "workflows", "list")
    assert code == 2 and "is not a tenant slug" in err


def test_a_database_without_the_runtime(database_url: str, make_database: object) -> None:
    assert callable(make_database)
    code, _, err = run("workflows", "list", "--tenant", "acme", "--database-url", make_database())
    assert code == 1
    assert err.startswith("pypgflow-ops: error: the runtime is not installed in this database")


def test_table_cells_escape_control_characters() -> None:
    table = render_table([{"a": "x\x1b[2Jy", "b": {"k": "ü"}}], ["a", "b"], empty="-")
    assert table == json.loads(json.dumps('a          b\nx\\x1b[2Jy  {"k": "ü"}\n'))


def test_a_refusal_naming_hostile_text_stays_one_line(applied: str) -> None:
    entity = "line 1\nline 2 \x1b[2J"
    start(applied, "acme", entity)
    code, _, err = as_tenant(
        applied, "acme", "instances", "start", "orders", entity, "--workflow", "order_fulfilment"
    )
    assert code == 1 and err.count("\n") == 1
    assert "orders line 1\\nline 2 \\x1b[2J already has a running" in err


def test_a_retired_version_cannot_be_started(applied: str, tmp_path: Path) -> None:
    (definition,) = [
        w["id"]
        for w in answer(applied, "globex", "workflows", "list")
        if w["name"] == "expense_approval"
    ]
    kept = tmp_path / "kept"
    kept.mkdir()
    for source in WORKFLOWS.glob("*.yaml"):
        if not source.name.startswith("expense_approval."):  # its scenarios go with it
            (kept / source.name).write_bytes(source.read_bytes())
    code, out, err = run(
        "apply", kept, "--tenant", "globex", "--database-url", applied, "--yes", "--prune"
    )
    assert code == 0, out + err
    before = counts(applied)
    code, _, err = as_tenant(
        applied, "globex", "instances", "start", "claims", "1", "--workflow-id", definition
    )
    assert code == 1
    assert err.startswith(
        "pypgflow-ops: error: refused (retired): workflow expense_approval version 1.0 is retired"
    )
    assert counts(applied) == before
    assert answer(applied, "acme", "workflows", "show", "expense_approval")["workflow"]["active"]


def test_a_busy_instance_is_refused_after_the_lock_timeout(applied: str) -> None:
    instance = str(start(applied, "acme", "busy-1")["id"])
    with psycopg.connect(applied) as holder:
        holder.execute(
            "select from pypgflow.entity_workflow_instances where id = %s for update", [instance]
        )
        code, _, err = as_tenant(
            applied, "acme", "instances", "transition", instance, "cancelled", "--executed-by", "x"
        )
    assert code == 1
    assert err.startswith(
        f"pypgflow-ops: error: refused (busy): workflow instance {instance} is busy"
    )
    (row,) = answer(applied, "acme", "instances", "list", "--entity-id", "busy-1")
    assert row["current_state"] == "placed"


def test_a_limit_beyond_postgresqls_range_is_a_usage_error(applied: str) -> None:
    code, out, err = as_tenant(applied, "acme", "instances", "list", "--limit", str(2**63))
    assert (code, out) == (2, "")
    assert "Invalid value for '--limit'" in err
    assert answer(applied, "acme", "instances", "list", "--limit", str(2**63 - 1)) is not None


@pytest.mark.parametrize(
    "text",
    [
        '{"amount": NaN}',
        '{"amount": Infinity}',
        '{"amount": -Infinity}',
        '{"amount": 1e400}',
        '{"note": "nul \\u0000 inside"}',
        '{"note": "lone \\ud800 surrogate"}',
        '{"amount": ' + "1" * 5000 + "}",
        '{"deep": ' + "[" * 100_000 + "}",
    ],
    ids=["nan", "infinity", "-infinity", "1e400", "nul", "surrogate", "5000-digits", "deep"],
)
@pytest.mark.parametrize("option", ["--metadata", "--context"])
def test_json_that_postgresql_cannot_hold_is_a_usage_error(
    applied: str, option: str, text: str
) -> None:
    instance = str(start(applied, "acme", f"json-{option}-{hash(text)}")["id"])
    command = (
        ("instances", "start", "orders", "json-x", "--workflow", "order_fulfilment")
        if option == "--metadata"
        else ("instances", "transition", instance, "cancelled", "--executed-by", "x")
    )
    before = counts(applied)
    code, out, err = as_tenant(applied, "acme", *command, option, text)
    assert (code, out) == (2, "")
    assert err.startswith(f"pypgflow-ops: error: {option} ") and err.count("\n") == 1
    assert counts(applied) == before


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("instances", "start", "orders", "\udcff", "--workflow", "order_fulfilment"), "entity_id"),
        (("instances", "list", "--state", "\udcffx"), "--state"),
        (("workflows", "show", "\udcff"), "name"),
        (("workflows", "list", "--as", "\udcff"), "--as"),
        (
            (
                "instances",
                "transition",
                "00000000-0000-0000-0000-000000000000",
                "x",
                "--executed-by",
                "x",
                "--notes",
                "caf\udce9",
            ),
            "--notes",
        ),
    ],
)
def test_arguments_that_are_not_utf8_are_a_usage_error(
    applied: str, args: tuple[str, ...], name: str
) -> None:
    """Bytes that are not UTF-8 (a Latin-1 terminal) reach Python as lone surrogates."""
    before = counts(applied)
    code, out, err = as_tenant(applied, "acme", *args)
    assert (code, out) == (2, "")
    assert f"Invalid value for '{name}': not UTF-8 text" in err
    assert counts(applied) == before


def test_table_cells_escape_bidi_overrides_and_invisible_characters() -> None:
    """An entity id with U+202E would draw the rest of its line right to left."""
    table = render_table(
        [{"a": "id\u202e1-gro", "b": "zero\u200bwidth \udcff"}], ["a", "b"], empty="-"
    )
    assert table.splitlines()[1] == "id\\u202e1-gro  zero\\u200bwidth \\udcff"


def test_every_refusal_the_runtime_raises_has_a_kind() -> None:
    """A new SQLSTATE in a runtime version must be named in runtime_errors.py, the one record."""
    from pypgflow_ops.resources import sql_templates_dir
    from pypgflow_ops.runtime_errors import REFUSALS

    raised = {
        code
        for path in (sql_templates_dir() / "runtime").rglob("*.sql")
        for code in re.findall(r"errcode = '(\w{5})'", path.read_text(encoding="utf-8"))
    }
    assert raised - {"42501"} <= set(REFUSALS)  # 42501: a write to a view, never an api call
    assert {"PT400", "PT404", "PT412", "PT423"} <= raised


def test_an_empty_version_is_named_in_the_message(applied: str) -> None:
    code, _, err = as_tenant(
        applied, "acme", "workflows", "show", "order_fulfilment", "--version", ""
    )
    assert code == 1 and "no workflow 'order_fulfilment' version '' in this tenant" in err


def test_a_role_that_may_not_become_the_api_role_is_told_how_to_grant_it(applied: str) -> None:
    """An owner with CREATEROLE and BYPASSRLS (docs/runtime.md) is no member of the API role."""
    role = f"pypgflow_test_{uuid.uuid4().hex[:12]}"
    quoted = psycopg.sql.Identifier(role)
    with psycopg.connect(applied, autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("create role {} login bypassrls").format(quoted))
        conn.execute(psycopg.sql.SQL("grant usage on schema pypgflow to {}").format(quoted))
        conn.execute(
            psycopg.sql.SQL("grant select on all tables in schema pypgflow to {}").format(quoted)
        )
    try:
        url = psycopg.conninfo.make_conninfo(applied, user=role)
        code, out, err = run("workflows", "list", "--tenant", "acme", "--database-url", url)
        assert (code, out) == (1, "")
        assert err == (
            f"pypgflow-ops: error: role {role!r} may not act as pypgflow_authenticated, which "
            "the runtime commands do (as PostgREST does): as a superuser, run GRANT "
            f'pypgflow_authenticated TO "{role}"\n'
        )
    finally:
        with psycopg.connect(applied, autocommit=True) as conn:
            conn.execute(psycopg.sql.SQL("drop owned by {}").format(quoted))
            conn.execute(psycopg.sql.SQL("drop role {}").format(quoted))


def test_table_columns_stay_aligned_with_wide_characters() -> None:
    """A terminal gives CJK characters and most emoji two columns each, combining marks none."""
    rows = [{"a": "注文", "b": "x"}, {"a": "ab", "b": "y"}, {"a": "e\u0301", "b": "z"}]
    table = render_table(rows, ["a", "b"], empty="-")
    assert table == "a     b\n注文  x\nab    y\ne\u0301     z\n"


def test_a_workflow_of_one_tenant_is_invisible_to_another(applied: str, tmp_path: Path) -> None:
    source = (WORKFLOWS / "order_fulfilment.yaml").read_text(encoding="utf-8")
    (tmp_path / "own.yaml").write_text(
        source.replace("name: order_fulfilment", "name: umbrella_only", 1), encoding="utf-8"
    )
    code, out, err = run(
        "apply", tmp_path, "--tenant", "umbrella", "--database-url", applied, "--yes"
    )
    assert code == 0, out + err
    assert [w["name"] for w in answer(applied, "umbrella", "workflows", "list")] == [
        "umbrella_only"
    ]
    for other in ("acme", "globex"):
        assert "umbrella_only" not in {
            w["name"] for w in answer(applied, other, "workflows", "list")
        }
        code, _, err = as_tenant(applied, other, "workflows", "show", "umbrella_only")
        assert code == 1 and "no workflow 'umbrella_only' in this tenant" in err
        code, _, err = as_tenant(
            applied, other, "instances", "start", "orders", "u-1", "--workflow", "umbrella_only"
        )
        assert code == 1 and "refused (unknown-workflow)" in err


def test_a_table_cut_short_by_the_limit_says_so(applied: str) -> None:
    start(applied, "globex", "limit-1")
    start(applied, "globex", "limit-2")
    code, out, err = as_tenant(
        applied, "globex", "instances", "list", "--limit", "1", "-f", "table"
    )
    assert code == 0 and len(out.splitlines()) == 2
    assert err == "The newest 1 shown; there may be more: --limit N shows N.\n"
    code, out, err = as_tenant(applied, "globex", "instances", "list", "--limit", "1")
    assert (code, err, len(json.loads(out))) == (0, "", 1)  # JSON: the rows, nothing else
