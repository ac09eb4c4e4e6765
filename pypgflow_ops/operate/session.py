"""A call to the runtime's api as PostgREST makes it: one transaction as the tenant's JWT.

The tenant's id is read by the connecting role (which bypasses row-level security, as apply's
does); then, inside one transaction, the role becomes pypgflow_authenticated and the JWT claims
`tenant_id` and `sub` are set, so row-level security and the api functions see exactly what they
see behind PostgREST. A refused call rolls the transaction back: it changes nothing.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from pypgflow_ops.db.connect import resolve_database_url, session
from pypgflow_ops.db.runtime import DEFAULT_NAMES, installed_version
from pypgflow_ops.deploy.sql import statement
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.report.rows import cell
from pypgflow_ops.runtime_errors import kind_of
from pypgflow_ops.sqltemplates import render

AUTHENTICATED = DEFAULT_NAMES.authenticated_role

Row = dict[str, Any]
Cursor = psycopg.Cursor[Row]


class RuntimeRefused(PypgflowError):
    """The runtime refused the call: its message and hint, named by the kind of refusal."""


@functools.cache
def query(name: str) -> sql.SQL:
    """`sql_templates/operate/<name>.sql` rendered: only quoted identifiers are filled in."""
    return sql.SQL(
        render(f"operate/{name}.sql", schema=DEFAULT_NAMES.schema, api=DEFAULT_NAMES.api)
    )


@contextmanager
def tenant_request(database_url: str | None, tenant: str, sub: str) -> Iterator[Cursor]:
    """A cursor inside one transaction running as `tenant`'s JWT with subject `sub`."""
    with session(resolve_database_url(database_url)) as conn:
        tenant_id = _tenant_id(conn, tenant)
        claims = json.dumps({"role": AUTHENTICATED, "tenant_id": str(tenant_id), "sub": sub})
        try:
            with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
                _begin_request(cur, claims)
                yield cur
        except psycopg.Error as exc:
            raise refused(exc) from None


def _begin_request(cur: Cursor, claims: str) -> None:
    try:
        cur.execute(query("begin_request"), {"role": AUTHENTICATED, "claims": claims})
    except psycopg.errors.InsufficientPrivilege:
        user = cur.connection.info.user
        raise PypgflowError(
            f"role {user!r} may not act as {AUTHENTICATED}, which the runtime commands do (as "
            f"PostgREST does): as a superuser, run GRANT {AUTHENTICATED} TO "
            f"{sql.Identifier(user).as_string(None)}"
        ) from None


def _tenant_id(conn: psycopg.Connection[Any], tenant: str) -> uuid.UUID:
    if installed_version(conn) is None:
        raise PypgflowError(
            "the runtime is not installed in this database: run `pypgflow-ops db upgrade`, "
            "or apply workflows with `pypgflow-ops apply`"
        )
    row = conn.execute(statement("live_tenant"), {"tenant": tenant}).fetchone()
    conn.rollback()  # the request's transaction starts afresh
    if row is None:
        raise PypgflowError(
            f"no tenant {tenant!r} in this database (or the role cannot see it: connect as the "
            f"runtime's owner): `pypgflow-ops apply --tenant {tenant}` creates it"
        )
    tenant_id: uuid.UUID = row[0]
    return tenant_id


def refused(exc: psycopg.Error) -> Exception:
    """A runtime refusal as one line with its message and hint; any other error unchanged."""
    kind = kind_of(exc.sqlstate)
    if kind is None:
        return exc
    message = exc.diag.message_primary or str(exc)
    hint = exc.diag.message_hint
    text = f"refused ({kind}): {message}" + (f"; hint: {hint}" if hint else "")
    return RuntimeRefused(cell(text))  # entity ids are free text: keep the line one line
