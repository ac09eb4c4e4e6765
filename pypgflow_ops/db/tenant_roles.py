"""Tenant-bound login roles: `db grant-tenant` and `db revoke-tenant`.

A bound role is a member of the authenticated role, and its tenant comes from
pypgflow.tenant_roles (read by current_tenant_id() for the session user), which only the tool
writes: claims and settings naming another tenant change nothing for it. Since runtime version 3
it is also a member of the bound group (RuntimeNames.bound_role): current_tenant_id() looks up a
binding only for members of that group.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

from pypgflow_ops.db import integrity
from pypgflow_ops.db.runtime import DEFAULT_NAMES, RuntimeNames, installed_version
from pypgflow_ops.errors import PypgflowError


def _ready(conn: psycopg.Connection[Any], names: RuntimeNames) -> None:
    version = installed_version(conn, names)
    if version is None or version < 2:
        shown = "no runtime" if version is None else f"runtime version {version}"
        raise PypgflowError(
            f"the database has {shown}; tenant-bound roles need version 2 or later: run "
            "`pypgflow-ops db upgrade` first"
        )
    integrity.refuse_unless_intact(conn, names, version)


def _role(conn: psycopg.Connection[Any], role: str, names: RuntimeNames) -> tuple[int, bool]:
    """The role's oid and whether it is already a member of the authenticated role."""
    row = conn.execute(
        "select oid, rolcanlogin, rolsuper or rolbypassrls, pg_has_role(oid, %s, 'member'), "
        "rolcreaterole from pg_roles where rolname = %s",
        [names.authenticated_role, role],
    ).fetchone()
    if row is None:
        raise PypgflowError(
            f"role {role!r} does not exist: create it (CREATE ROLE ... LOGIN) first"
        )
    oid, can_login, bypasses, member, creates_roles = row
    runtime_roles = {names.anon_role, names.authenticated_role, names.owner_role}
    if role in runtime_roles or not can_login:
        raise PypgflowError(f"role {role!r} is not a login role: bind the role a client logs in as")
    if bypasses:
        raise PypgflowError(
            f"role {role!r} is a superuser or bypasses row-level security: no tenant binds it"
        )
    if creates_roles:
        raise PypgflowError(
            f"role {role!r} may create roles (CREATEROLE): it could leave the bound group or "
            "make a role that names any tenant, so no tenant binds it: bind a role without "
            "CREATEROLE"
        )
    return int(oid), bool(member)


def _tenant(conn: psycopg.Connection[Any], slug: str, names: RuntimeNames) -> Any:
    query = sql.SQL("select id from {}.tenants where slug = %s").format(
        sql.Identifier(names.schema)
    )
    row = conn.execute(query, [slug]).fetchone()
    if row is None:
        raise PypgflowError(f"no tenant {slug!r} in the database: `apply --tenant {slug}` makes it")
    return row[0]


def _bound_slug(conn: psycopg.Connection[Any], oid: int, names: RuntimeNames) -> str | None:
    query = sql.SQL(
        "select t.slug from {s}.tenant_roles b join {s}.tenants t on t.id = b.tenant_id "
        "where b.role_id = %s"
    ).format(s=sql.Identifier(names.schema))
    row = conn.execute(query, [oid]).fetchone()
    return None if row is None else str(row[0])


def grant(
    conn: psycopg.Connection[Any], role: str, slug: str, names: RuntimeNames = DEFAULT_NAMES
) -> bool:
    """Bind `role` to the tenant `slug` inside the caller's transaction; False: it already was."""
    _ready(conn, names)
    oid, member = _role(conn, role, names)
    tenant = _tenant(conn, slug, names)
    bound = _bound_slug(conn, oid, names)
    if bound == slug:
        return False
    if bound is not None:
        raise PypgflowError(
            f"role {role!r} is bound to tenant {bound!r}: `pypgflow-ops db revoke-tenant {role} "
            f"--tenant {bound}` first"
        )
    if member:
        raise PypgflowError(
            f"role {role!r} is already a member of {names.authenticated_role}, trusted to name "
            "any tenant (like PostgREST's authenticator): bind a role of its own instead"
        )
    insert = sql.SQL("insert into {}.tenant_roles (role_id, tenant_id) values (%s, %s)").format(
        sql.Identifier(names.schema)
    )
    conn.execute(insert, [oid, tenant])
    for group in _groups(conn, names):
        conn.execute(sql.SQL("grant {} to {}").format(sql.Identifier(group), sql.Identifier(role)))
    return True


def _groups(conn: psycopg.Connection[Any], names: RuntimeNames) -> list[str]:
    """The roles a bound role is a member of: the authenticated role, and since version 3 the
    bound group (without which current_tenant_id() would not look its binding up)."""
    version = installed_version(conn, names) or 0
    return [names.authenticated_role] + ([names.bound_role] if version >= 3 else [])


def revoke(
    conn: psycopg.Connection[Any], role: str, slug: str, names: RuntimeNames = DEFAULT_NAMES
) -> None:
    """Unbind `role` from `slug` and take back its membership, inside the caller's transaction."""
    _ready(conn, names)
    row = conn.execute("select oid from pg_roles where rolname = %s", [role]).fetchone()
    if row is None:
        raise PypgflowError(f"role {role!r} does not exist")
    bound = _bound_slug(conn, int(row[0]), names)
    if bound != slug:
        now = "is bound to no tenant" if bound is None else f"is bound to tenant {bound!r}"
        raise PypgflowError(f"role {role!r} {now}, not to {slug!r}: nothing was changed")
    delete = sql.SQL("delete from {}.tenant_roles where role_id = %s").format(
        sql.Identifier(names.schema)
    )
    conn.execute(delete, [row[0]])
    # Unbound, a member could name any tenant in its claims: the membership goes with the binding.
    for group in _groups(conn, names):
        conn.execute(
            sql.SQL("revoke {} from {}").format(sql.Identifier(group), sql.Identifier(role))
        )
