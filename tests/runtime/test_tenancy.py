"""Tenant isolation by row-level security, through tables, views and functions, and its traps."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest
from psycopg import errors, sql

from .postgrest import (
    ANON,
    Conn,
    add_order_workflow,
    add_tenant,
    get,
    new_entity,
    request,
    rpc,
)

VIEWS = ["workflows", "workflow_states", "workflow_transitions", "entity_workflows",
         "workflow_history"]
TABLES = ["tenants", "workflow_definitions", "workflow_states", "workflow_transitions",
          "workflow_heads", "entity_workflow_instances", "workflow_transition_history",
          "deployments"]


@pytest.fixture(scope="module")
def tenants(runtime_database_url: str) -> dict[str, Any]:
    """Tenants a and b, each with the same workflow and an instance on the same entity."""
    with psycopg.connect(runtime_database_url, autocommit=True) as conn:
        made: dict[str, Any] = {}
        for slug in ("a", "b"):
            tenant = add_tenant(conn, slug)
            definition = add_order_workflow(conn, tenant, head=True)
            conn.execute(
                "insert into pypgflow.deployments (tenant_id, actor, plan_hash) "
                "values (%s, 'ci', 'h')", [tenant])
            instance = rpc(conn, "start_workflow", tenant, workflow_name="order",
                           entity_table="orders", entity_id="shared-1")["id"]
            rpc(conn, "execute_transition", tenant, instance_id=instance, to_state="cancelled",
                executed_by=slug)
            made[slug] = {"tenant": tenant, "definition": definition, "instance": instance}
        return made


def ids_in(rows: list[dict[str, Any]], *keys: str) -> set[Any]:
    return {row[key] for row in rows for key in keys if key in row}


@pytest.mark.parametrize("view", VIEWS)
def test_a_view_shows_only_the_callers_tenant(
    runtime_conn: Conn, tenants: dict[str, Any], view: str
) -> None:
    a, b = tenants["a"], tenants["b"]
    seen = ids_in(get(runtime_conn, view, a["tenant"]),
                  "id", "workflow_definition_id", "entity_workflow_instance_id")
    assert seen & {a["definition"], a["instance"]}
    assert not seen & {b["definition"], b["instance"]}


@pytest.mark.parametrize("table", TABLES)
def test_a_table_shows_only_the_callers_tenant(
    runtime_conn: Conn, tenants: dict[str, Any], table: str
) -> None:
    rows = get(runtime_conn, table, tenants["a"]["tenant"], schema="pypgflow")
    assert rows
    owners = {row["tenant_id"] if "tenant_id" in row else row["id"] for row in rows}
    assert owners == {tenants["a"]["tenant"]}


@pytest.mark.parametrize("relation", [*(f"api.{v}" for v in VIEWS),
                                      *(f"pypgflow.{t}" for t in TABLES)])
def test_no_tenant_sees_nothing(
    runtime_conn: Conn, tenants: dict[str, Any], relation: str
) -> None:
    schema, name = relation.split(".")
    assert get(runtime_conn, name, None, schema=schema) == []


def test_an_empty_tenant_setting_on_a_pooled_connection_counts_as_none(
    runtime_conn: Conn, tenants: dict[str, Any]
) -> None:
    with runtime_conn.transaction():
        runtime_conn.execute("select set_config('pypgflow.tenant_id', %s, true)",
                             [str(tenants["a"]["tenant"])])
    # the local setting has ended: the session now reads '' for it, and '' for the claims too
    setting = runtime_conn.execute("select current_setting('pypgflow.tenant_id', true)")
    assert setting.fetchone() == ("",)
    assert get(runtime_conn, "entity_workflows", None) == []


def test_the_session_setting_serves_direct_sql_clients(
    runtime_conn: Conn, tenants: dict[str, Any]
) -> None:
    with runtime_conn.transaction():
        runtime_conn.execute("set local role pypgflow_authenticated")
        runtime_conn.execute("select set_config('pypgflow.tenant_id', %s, true)",
                             [str(tenants["b"]["tenant"])])
        rows = runtime_conn.execute("select id from api.entity_workflows").fetchall()
    assert rows == [(tenants["b"]["instance"],)]


def test_a_tenant_cannot_start_anothers_workflow(
    runtime_conn: Conn, tenants: dict[str, Any]
) -> None:
    with pytest.raises(psycopg.Error) as raised:
        rpc(runtime_conn, "start_workflow_by_id", tenants["a"]["tenant"],
            workflow_definition_id=tenants["b"]["definition"], entity_table="t",
            entity_id=new_entity())
    assert raised.value.sqlstate == "PT422"


def test_a_tenant_cannot_transition_anothers_instance(
    runtime_database_url: str, tenants: dict[str, Any]
) -> None:
    with psycopg.connect(runtime_database_url, autocommit=True) as conn:
        b_instance = rpc(conn, "start_workflow", tenants["b"]["tenant"], workflow_name="order",
                         entity_table="orders", entity_id=new_entity())["id"]
        with pytest.raises(psycopg.Error) as raised:
            rpc(conn, "execute_transition", tenants["a"]["tenant"], instance_id=b_instance,
                to_state="cancelled", executed_by="intruder")
        assert raised.value.sqlstate == "PT404"
        [row] = [r for r in get(conn, "entity_workflows", tenants["b"]["tenant"])
                 if r["id"] == b_instance]
        assert row["current_state"] == "new"


def test_the_same_entity_in_two_tenants_does_not_collide(tenants: dict[str, Any]) -> None:
    # both fixtures' instances sit on orders/shared-1: a key without tenant_id would have refused
    assert tenants["a"]["instance"] != tenants["b"]["instance"]


@pytest.mark.parametrize("table", ["workflow_definitions", "entity_workflow_instances",
                                   "workflow_transition_history"])
def test_the_authenticated_role_cannot_write_tables(
    runtime_conn: Conn, tenants: dict[str, Any], table: str
) -> None:
    with pytest.raises(errors.InsufficientPrivilege), request(
        runtime_conn, tenants["a"]["tenant"]
    ) as cur:
        cur.execute(sql.SQL("delete from pypgflow.{}").format(sql.Identifier(table)))


@pytest.mark.parametrize("relation", [f"api.{v}" for v in VIEWS])
def test_anon_can_read_nothing(runtime_conn: Conn, tenants: dict[str, Any], relation: str) -> None:
    schema, name = relation.split(".")
    with pytest.raises(errors.InsufficientPrivilege):
        get(runtime_conn, name, tenants["a"]["tenant"], role=ANON, schema=schema)


def test_anon_can_call_nothing(runtime_conn: Conn, tenants: dict[str, Any]) -> None:
    with pytest.raises(errors.InsufficientPrivilege):
        rpc(runtime_conn, "start_workflow", tenants["a"]["tenant"], role=ANON,
            workflow_name="order", entity_table="t", entity_id=new_entity())


def test_a_second_permissive_policy_does_not_widen_access(
    runtime_database_url: str, tenants: dict[str, Any]
) -> None:
    with psycopg.connect(runtime_database_url, autocommit=True) as conn:
        conn.execute("begin")
        conn.execute("create policy careless on pypgflow.workflow_definitions for select "
                      "using (true)")
        rows = get_in_transaction(conn, tenants["a"]["tenant"])
        conn.execute("rollback")
    assert rows == {tenants["a"]["definition"]}


def get_in_transaction(conn: Conn, tenant: uuid.UUID) -> set[Any]:
    conn.execute("set local role pypgflow_authenticated")
    conn.execute("select set_config('pypgflow.tenant_id', %s, true)", [str(tenant)])
    ids = {row[0] for row in conn.execute("select id from api.workflows").fetchall()}
    conn.execute("reset role")
    return ids


def test_a_temporary_table_cannot_shadow_the_runtimes(
    runtime_conn: Conn, tenants: dict[str, Any]
) -> None:
    a = tenants["a"]
    instance = rpc(runtime_conn, "start_workflow", a["tenant"], workflow_name="order",
                   entity_table="orders", entity_id=new_entity())["id"]
    with pytest.raises(psycopg.Error) as raised, request(runtime_conn, a["tenant"]) as cur:
        # a forged transition straight to the final state, in a table that would come first
        # on a search_path without pg_temp pinned last
        cur.execute("create temporary table workflow_transitions "
                    "(like pypgflow.workflow_transitions including defaults)")
        cur.execute("insert into workflow_transitions (tenant_id, definition_id, from_state, "
                    "name, to_state) values (%s, %s, 'new', 'forged', 'delivered')",
                    [a["tenant"], a["definition"]])
        cur.execute("select * from api.execute_transition(%s, 'delivered', 'intruder')",
                    [instance])
    assert raised.value.sqlstate == "PT400"


def test_every_table_has_row_level_security_enabled_and_forced(runtime_conn: Conn) -> None:
    rows = runtime_conn.execute(
        "select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_class c "
        "where c.relnamespace = 'pypgflow'::regnamespace and c.relkind = 'r' order by 1"
    ).fetchall()
    assert [r[0] for r in rows] == sorted([*TABLES, "runtime_versions", "runtime_steps",
                                           "tenant_roles"])
    assert all(r[1] and r[2] for r in rows)


def test_the_tenant_guard_is_restrictive_everywhere(runtime_conn: Conn) -> None:
    rows = runtime_conn.execute(
        "select tablename from pg_policies where schemaname = 'pypgflow' "
        "and policyname = 'tenant_guard' and permissive = 'RESTRICTIVE' order by 1"
    ).fetchall()
    assert [r[0] for r in rows] == sorted(TABLES)


def test_every_api_view_runs_with_the_callers_rights(runtime_conn: Conn) -> None:
    rows = runtime_conn.execute(
        "select c.relname from pg_class c where c.relnamespace = 'api'::regnamespace "
        "and c.relkind = 'v' and 'security_invoker=true' = any(c.reloptions) order by 1"
    ).fetchall()
    assert [r[0] for r in rows] == sorted(VIEWS)


@pytest.mark.parametrize(
    "statement",
    [
        "update api.entity_workflows set current_state = 'cancelled'",
        "insert into api.workflows (name, version) values ('forged', '1')",
        "delete from api.workflow_history",
        "update api.workflow_states set final = true",
    ],
)
def test_writes_to_views_are_permission_denied(
    runtime_conn: Conn, tenants: dict[str, Any], statement: str
) -> None:
    with pytest.raises(errors.InsufficientPrivilege), request(
        runtime_conn, tenants["a"]["tenant"]
    ) as cur:
        cur.execute(statement.encode())


def test_even_the_owner_cannot_write_through_a_view(
    runtime_conn: Conn, tenants: dict[str, Any]
) -> None:
    with pytest.raises(errors.InsufficientPrivilege, match="entity_workflows is read-only"):
        runtime_conn.execute("update api.entity_workflows set current_state = 'x'")
