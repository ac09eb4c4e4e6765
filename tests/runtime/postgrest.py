"""Call the runtime the way PostgREST does, and seed it the way apply does.

A PostgREST request is one transaction: SET LOCAL ROLE to the request's role, the JWT claims as
the transaction-local setting request.jwt.claims, then one call with named arguments. A failing
call rolls the whole transaction back, as PostgREST does.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

AUTHENTICATED = "pypgflow_authenticated"
ANON = "pypgflow_anon"

Conn = psycopg.Connection[Any]
Row = dict[str, Any]


@contextmanager
def request(conn: Conn, tenant: uuid.UUID | None, *, role: str = AUTHENTICATED,
            sub: str = "tester") -> Iterator[psycopg.Cursor[Row]]:
    claims: dict[str, str] = {"role": role, "sub": sub}
    if tenant is not None:
        claims["tenant_id"] = str(tenant)
    with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
        cur.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
        cur.execute("select set_config('request.jwt.claims', %s, true)", [json.dumps(claims)])
        yield cur


def rpc(conn: Conn, function: str, tenant: uuid.UUID | None, *, role: str = AUTHENTICATED,
        **arguments: Any) -> Row:
    """POST /rpc/<function>: the returned instance row."""
    names = sql.SQL(", ").join(
        sql.SQL("{} := %s").format(sql.Identifier(name)) for name in arguments
    )
    query = sql.SQL("select * from api.{}({})").format(sql.Identifier(function), names)
    values = [Jsonb(v) if isinstance(v, dict | list) else v for v in arguments.values()]
    with request(conn, tenant, role=role) as cur:
        row = cur.execute(query, values).fetchone()
    assert row is not None
    return row


def get(conn: Conn, view: str, tenant: uuid.UUID | None, *, role: str = AUTHENTICATED,
        schema: str = "api") -> list[Row]:
    """GET /<view>: every row the caller may see."""
    query = sql.SQL("select * from {}.{}").format(sql.Identifier(schema), sql.Identifier(view))
    with request(conn, tenant, role=role) as cur:
        return cur.execute(query).fetchall()


def add_tenant(conn: Conn, slug: str) -> uuid.UUID:
    row = conn.execute(
        "insert into pypgflow.tenants (slug, name) values (%s, %s) returning id", [slug, slug]
    ).fetchone()
    assert row is not None
    tenant_id: uuid.UUID = row[0]
    return tenant_id


def add_definition(
    conn: Conn,
    tenant: uuid.UUID,
    name: str,
    version: str,
    *,
    states: Mapping[str, str],
    transitions: Sequence[tuple[str, str, str, Mapping[str, Any]]],
    revision: int = 1,
    head: bool = False,
) -> uuid.UUID:
    """Insert an applied version as apply does. states: name -> "initial", "final" or "";
    transitions: (from, name, to, conditions)."""
    definition = uuid.uuid4()
    conn.execute(
        "insert into pypgflow.workflow_definitions "
        "(tenant_id, id, name, version, revision, content_hash) values (%s, %s, %s, %s, %s, %s)",
        [tenant, definition, name, version, revision, f"hash-{definition}"],
    )
    with conn.cursor() as cur:
        cur.executemany(
            "insert into pypgflow.workflow_states (tenant_id, definition_id, name, initial, final)"
            " values (%s, %s, %s, %s, %s)",
            [(tenant, definition, s, kind == "initial", kind == "final")
             for s, kind in states.items()],
        )
        cur.executemany(
            "insert into pypgflow.workflow_transitions "
            "(tenant_id, definition_id, from_state, name, to_state, conditions) "
            "values (%s, %s, %s, %s, %s, %s)",
            [(tenant, definition, f, n, t, Jsonb(c)) for f, n, t, c in transitions],
        )
    if head:
        set_head(conn, tenant, name, definition)
    return definition


def set_head(conn: Conn, tenant: uuid.UUID, name: str, definition: uuid.UUID) -> None:
    conn.execute(
        "insert into pypgflow.workflow_heads (tenant_id, name, definition_id) values (%s, %s, %s)"
        " on conflict (tenant_id, name) do update set definition_id = excluded.definition_id",
        [tenant, name, definition],
    )


ORDER_STATES = {"new": "initial", "paid": "", "shipped": "", "delivered": "final",
                "cancelled": "final"}
ORDER_TRANSITIONS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("new", "pay", "paid", {"field_required": "amount"}),
    ("new", "cancel", "cancelled", {}),
    ("paid", "ship", "shipped", {"field_required": ["carrier", "tracking_code"]}),
    ("paid", "refund", "cancelled", {}),
    ("shipped", "deliver", "delivered", {}),
]


def add_order_workflow(conn: Conn, tenant: uuid.UUID, version: str = "1.0", *,
                       revision: int = 1, head: bool = False) -> uuid.UUID:
    return add_definition(conn, tenant, "order", version, states=ORDER_STATES,
                          transitions=ORDER_TRANSITIONS, revision=revision, head=head)


def new_entity() -> str:
    return f"entity-{uuid.uuid4()}"
