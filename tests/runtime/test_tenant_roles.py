"""Tenant-bound direct SQL: `db grant-tenant ROLE --tenant SLUG` binds a login role to one tenant,
which claims and settings naming another tenant cannot change."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from pg_harness import with_user
from psycopg import errors, sql
from typer.testing import CliRunner

from pypgflow_ops.cli import app

from .postgrest import Conn, add_order_workflow, add_tenant, rpc


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def login_role(pg_server: str) -> Iterator[Callable[..., str]]:
    made: list[str] = []

    def make(*attributes: str) -> str:
        role = f"pypgflow_test_app_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(sql.SQL("create role {} login " + " ".join(attributes)).format(
                sql.Identifier(role)))
        made.append(role)
        return role

    yield make
    with psycopg.connect(pg_server, autocommit=True) as conn:
        for role in made:
            conn.execute(sql.SQL("drop role {}").format(sql.Identifier(role)))


@pytest.fixture
def world(make_database: Callable[..., str]) -> dict[str, Any]:
    """Tenants a and b, each with an instance of the order workflow."""
    url = make_database(runtime=True)
    made: dict[str, Any] = {"url": url}
    with psycopg.connect(url, autocommit=True) as conn:
        for slug in ("a", "b"):
            tenant = add_tenant(conn, slug)
            add_order_workflow(conn, tenant, head=True)
            instance = rpc(conn, "start_workflow", tenant, workflow_name="order",
                           entity_table="orders", entity_id="1")["id"]
            made[slug] = {"tenant": tenant, "instance": instance}
    return made


def claims(conn: Conn, tenant: uuid.UUID, sub: str = "someone-else") -> None:
    conn.execute("select set_config('request.jwt.claims', %s, false)",
                 [json.dumps({"tenant_id": str(tenant), "sub": sub, "role": "x"})])
    conn.execute("select set_config('pypgflow.tenant_id', %s, false)", [str(tenant)])


def visible(conn: Conn) -> set[Any]:
    return {row[0] for row in conn.execute("select id from api.entity_workflows")}


def test_a_bound_role_sees_and_moves_only_its_tenant_whatever_it_claims(
    world: dict[str, Any], login_role: Callable[..., str]
) -> None:
    role = login_role()
    assert cli("db", "grant-tenant", role, "--tenant", "a", "--database-url", world["url"]) == (
        0, f"Role {role!r} may now use the runtime for tenant 'a', and no other.\n", "")
    a, b = world["a"], world["b"]
    with psycopg.connect(with_user(world["url"], role), autocommit=True) as conn:
        assert visible(conn) == {a["instance"]}
        claims(conn, b["tenant"])  # the attack: claims and settings naming tenant b
        assert visible(conn) == {a["instance"]}
        conn.execute("set role pypgflow_authenticated")
        assert visible(conn) == {a["instance"]}
        with pytest.raises(psycopg.Error) as raised:
            conn.execute("select api.execute_transition(%s, 'cancelled', 'intruder')",
                         [b["instance"]])
        assert raised.value.sqlstate == "PT404"
        started = conn.execute("select id from api.start_workflow('order', 'orders', '2')")
        new = started.fetchone()
        moved = conn.execute("select current_state from api.execute_transition(%s, 'cancelled', "
                             "'clerk')", [a["instance"]]).fetchone()
        subjects = conn.execute("select subject from api.workflow_history "
                                "where entity_workflow_instance_id = %s order by sequence",
                                [a["instance"]]).fetchall()
    assert moved == ("cancelled",)
    assert subjects == [("tester",), (role,)]  # the start was by the test's own JWT sub
    with psycopg.connect(world["url"]) as owner:
        row = owner.execute("select tenant_id from pypgflow.entity_workflow_instances "
                            "where id = %s", [new[0] if new else None]).fetchone()
        b_state = owner.execute("select current_state from pypgflow.entity_workflow_instances "
                                "where id = %s", [b["instance"]]).fetchone()
    assert (row, b_state) == ((a["tenant"],), ("new",))


def test_a_bound_role_reads_only_its_own_binding_and_writes_none(
    world: dict[str, Any], login_role: Callable[..., str]
) -> None:
    bound, other = login_role(), login_role()
    for role, slug in ((bound, "a"), (other, "b")):
        assert cli("db", "grant-tenant", role, "--tenant", slug,
                   "--database-url", world["url"])[0] == 0
    with psycopg.connect(with_user(world["url"], bound), autocommit=True) as conn:
        rows = conn.execute("select tenant_id from pypgflow.tenant_roles").fetchall()
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("update pypgflow.tenant_roles set tenant_id = %s", [world["b"]["tenant"]])
    assert rows == [(world["a"]["tenant"],)]


def test_revoke_takes_the_runtime_away(
    world: dict[str, Any], login_role: Callable[..., str]
) -> None:
    role = login_role()
    cli("db", "grant-tenant", role, "--tenant", "a", "--database-url", world["url"])
    assert cli("db", "revoke-tenant", role, "--tenant", "a", "--database-url", world["url"]) == (
        0, f"Role {role!r} is no longer bound to tenant 'a' and may not use the runtime.\n", "")
    with psycopg.connect(with_user(world["url"], role), autocommit=True) as conn:
        claims(conn, world["b"]["tenant"])
        with pytest.raises(errors.InsufficientPrivilege):
            visible(conn)


def test_an_unbound_login_role_may_not_use_the_runtime(
    world: dict[str, Any], login_role: Callable[..., str]
) -> None:
    with psycopg.connect(with_user(world["url"], login_role()), autocommit=True) as conn:
        claims(conn, world["a"]["tenant"])
        with pytest.raises(errors.InsufficientPrivilege):
            visible(conn)


def test_granting_twice_is_nothing_to_do(
    world: dict[str, Any], login_role: Callable[..., str]
) -> None:
    role = login_role()
    cli("db", "grant-tenant", role, "--tenant", "a", "--database-url", world["url"])
    assert cli("db", "grant-tenant", role, "--tenant", "a", "--database-url", world["url"]) == (
        0, f"Role {role!r} is already bound to tenant 'a': nothing to do.\n", "")


def refusal(url: str, *args: str) -> str:
    code, out, err = cli("db", *args, "--database-url", url)
    assert (code, out) == (1, "")
    return err.removeprefix("pypgflow-ops: error: ").rstrip("\n")


def test_refusals_name_the_problem(world: dict[str, Any], login_role: Callable[..., str]) -> None:
    url = world["url"]
    role, member, strong = login_role(), login_role(), login_role("bypassrls")
    creator = login_role("createrole")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("grant pypgflow_authenticated to {}").format(sql.Identifier(member)))
    cli("db", "grant-tenant", role, "--tenant", "a", "--database-url", url)

    assert refusal(url, "grant-tenant", role, "--tenant", "b") == (
        f"role {role!r} is bound to tenant 'a': `pypgflow-ops db revoke-tenant {role} --tenant a` "
        "first")
    assert refusal(url, "grant-tenant", member, "--tenant", "a") == (
        f"role {member!r} is already a member of pypgflow_authenticated, trusted to name any "
        "tenant (like PostgREST's authenticator): bind a role of its own instead")
    assert refusal(url, "grant-tenant", strong, "--tenant", "a") == (
        f"role {strong!r} is a superuser or bypasses row-level security: no tenant binds it")
    assert refusal(url, "grant-tenant", creator, "--tenant", "a") == (
        f"role {creator!r} may create roles (CREATEROLE): it could leave the bound group or make "
        "a role that names any tenant, so no tenant binds it: bind a role without CREATEROLE")
    assert refusal(url, "grant-tenant", "no_such_role_x", "--tenant", "a") == (
        "role 'no_such_role_x' does not exist: create it (CREATE ROLE ... LOGIN) first")
    assert refusal(url, "grant-tenant", role, "--tenant", "zz") == (
        "no tenant 'zz' in the database: `apply --tenant zz` makes it")
    assert refusal(url, "grant-tenant", "pypgflow_owner", "--tenant", "a") == (
        "role 'pypgflow_owner' is not a login role: bind the role a client logs in as")
    assert refusal(url, "revoke-tenant", role, "--tenant", "b") == (
        f"role {role!r} is bound to tenant 'a', not to 'b': nothing was changed")


def test_a_bad_slug_is_a_usage_error(world: dict[str, Any]) -> None:
    code, _, err = cli("db", "grant-tenant", "x", "--tenant", "A B", "--database-url", world["url"])
    assert code == 2
    assert "is not a tenant slug" in err


BOUND = "pypgflow_tenant_bound"


def groups(url: str, role: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid "
            "join pg_roles r on r.oid = m.member where r.rolname = %s order by 1", [role])
        return [row[0] for row in rows]


def test_a_bound_role_is_a_member_of_the_bound_group_until_revoked(
    world: dict[str, Any], login_role: Callable[..., str]
) -> None:
    """current_tenant_id() looks a binding up only for members of the bound group (version 3)."""
    role = login_role()
    cli("db", "grant-tenant", role, "--tenant", "a", "--database-url", world["url"])
    assert groups(world["url"], role) == ["pypgflow_authenticated", BOUND]
    cli("db", "revoke-tenant", role, "--tenant", "a", "--database-url", world["url"])
    assert groups(world["url"], role) == []


def test_a_bound_role_outside_the_bound_group_is_named_by_status(
    world: dict[str, Any], login_role: Callable[..., str]
) -> None:
    """Outside the group, the role's claims would name its tenant: db status says so, exit 1."""
    role = login_role()
    cli("db", "grant-tenant", role, "--tenant", "a", "--database-url", world["url"])
    with psycopg.connect(world["url"], autocommit=True) as conn:
        conn.execute(sql.SQL("revoke {} from {}").format(sql.Identifier(BOUND),
                                                         sql.Identifier(role)))
    code, out, _ = cli("db", "status", "--database-url", world["url"])
    assert code == 1
    assert (f"  tenant-bound role {role}: not a member of {BOUND} (expected: member of {BOUND})"
            in out.splitlines())
    with psycopg.connect(world["url"], autocommit=True) as conn:
        conn.execute(sql.SQL("alter role {} createrole").format(sql.Identifier(role)))
    code, out, _ = cli("db", "status", "--database-url", world["url"])
    assert (f"  tenant-bound role {role}: not a member of {BOUND}; createrole true (expected: "
            f"member of {BOUND}; createrole false)" in out.splitlines())
    assert refusal(world["url"], "grant-tenant", login_role(), "--tenant", "b").startswith(
        "the runtime (version 3) is not intact, so nothing was changed: tenant-bound role "
        f"{role}: not a member of {BOUND}")


def test_roles_bound_before_version_3_join_the_group_on_upgrade(
    make_database: Callable[..., str], login_role: Callable[..., str]
) -> None:
    from pypgflow_ops.db import runtime, tenant_roles

    url = make_database()
    role = login_role()
    with psycopg.connect(url) as conn:
        runtime.upgrade(conn, target=2)
        a, b = add_tenant(conn, "a"), add_tenant(conn, "b")
        for tenant in (a, b):
            add_order_workflow(conn, tenant, head=True)
        tenant_roles.grant(conn, role, "a")
        conn.commit()
    assert groups(url, role) == ["pypgflow_authenticated"]
    with psycopg.connect(url) as conn:
        runtime.upgrade(conn)
        conn.commit()
    assert groups(url, role) == ["pypgflow_authenticated", BOUND]
    with psycopg.connect(url, autocommit=True) as conn:
        instance = rpc(conn, "start_workflow", b, workflow_name="order", entity_table="orders",
                       entity_id="1")["id"]
    with psycopg.connect(with_user(url, role), autocommit=True) as conn:
        claims(conn, b)
        assert visible(conn) == set()
        with pytest.raises(psycopg.Error) as raised:
            conn.execute("select api.execute_transition(%s, 'cancelled', 'intruder')", [instance])
    assert raised.value.sqlstate == "PT404"
