"""The second wall: the api functions run as a role that row-level security binds, so a
function that forgets its tenant predicate still sees one tenant."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from .postgrest import Conn, add_order_workflow, add_tenant, get, rpc

PREDICATE = "i.tenant_id = tenant and "


@pytest.fixture
def two_tenants(make_database: Callable[..., str]) -> tuple[str, dict[str, Any]]:
    url = make_database(runtime=True)
    with psycopg.connect(url, autocommit=True) as conn:
        made = {}
        for slug in ("a", "b"):
            tenant = add_tenant(conn, slug)
            add_order_workflow(conn, tenant, head=True)
            instance = rpc(
                conn,
                "start_workflow",
                tenant,
                workflow_name="order",
                entity_table="orders",
                entity_id="1",
            )["id"]
            made[slug] = {"tenant": tenant, "instance": instance}
    return url, made


def without_tenant_predicate(conn: Conn) -> None:
    """Replace execute_transition with a copy whose instance lookups and update lack the tenant
    predicate, as its owner could; CREATE OR REPLACE keeps the owner and the privileges."""
    row = conn.execute(
        "select pg_get_functiondef('api.execute_transition(uuid, text, text, text, jsonb)'"
        "::regprocedure)"
    ).fetchone()
    assert row is not None and row[0].count(PREDICATE) == 4
    conn.execute(row[0].replace(PREDICATE, "").encode())


def test_the_api_functions_belong_to_a_role_bound_by_row_level_security(
    runtime_conn: Conn,
) -> None:
    rows = runtime_conn.execute(
        "select p.proname, r.rolname, r.rolcanlogin, r.rolsuper, r.rolbypassrls "
        "from pg_proc p join pg_roles r on r.oid = p.proowner "
        "where p.pronamespace = 'api'::regnamespace order by 1"
    ).fetchall()
    assert rows == [
        (name, "pypgflow_owner", False, False, False)
        for name in (
            "execute_transition", "get_transitions", "start_workflow", "start_workflow_by_id"
        )
    ]


def test_a_function_without_its_tenant_predicate_still_sees_one_tenant(
    two_tenants: tuple[str, dict[str, Any]],
) -> None:
    url, made = two_tenants
    a, b = made["a"], made["b"]
    with psycopg.connect(url, autocommit=True) as conn:
        without_tenant_predicate(conn)
        with pytest.raises(psycopg.Error) as raised:
            rpc(
                conn,
                "execute_transition",
                a["tenant"],
                instance_id=b["instance"],
                to_state="cancelled",
                executed_by="intruder",
            )
        [row] = get(conn, "entity_workflows", b["tenant"])
        history = get(conn, "workflow_history", b["tenant"])
    assert raised.value.sqlstate == "PT404"
    assert row["current_state"] == "new"
    assert [h["sequence"] for h in history] == [0]


def test_the_same_copy_owned_by_a_role_that_bypasses_it_would_leak(
    two_tenants: tuple[str, dict[str, Any]],
) -> None:
    """What the wall stops: the copy, owned as in version 1 by the installer, moves B's instance
    for A (and then fails only on the tenant check of the history insert's policy)."""
    url, made = two_tenants
    a, b = made["a"], made["b"]
    with psycopg.connect(url, autocommit=True) as conn:
        without_tenant_predicate(conn)
        conn.execute(
            "alter function api.execute_transition(uuid, text, text, text, jsonb) "
            "owner to current_user"
        )
        with pytest.raises(psycopg.Error) as raised:
            rpc(
                conn,
                "execute_transition",
                a["tenant"],
                instance_id=b["instance"],
                to_state="cancelled",
                executed_by="intruder",
            )
    # found B's instance (no PT404): it got as far as writing it
    assert raised.value.sqlstate != "PT404"


def test_rows_written_by_the_functions_carry_the_callers_tenant(
    two_tenants: tuple[str, dict[str, Any]],
) -> None:
    url, made = two_tenants
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "select i.tenant_id, count(*) from pypgflow.entity_workflow_instances i group by 1"
        ).fetchall()
    assert dict(rows) == {made["a"]["tenant"]: 1, made["b"]["tenant"]: 1}
    assert all(isinstance(t, uuid.UUID) for t, _ in rows)
