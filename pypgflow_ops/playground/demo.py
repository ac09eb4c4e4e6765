"""The playground's demo tenant: PostgREST's login role, a JWT, and three curl commands.

`pypgflow-ops dev` uses it in-process; deploy/compose.yaml's one-shot `setup` service runs it as
`python -m pypgflow_ops.playground.demo` after `pypgflow-ops apply`, with DATABASE_URL,
AUTHENTICATOR_PASSWORD, JWT_SECRET, DEMO_TENANT and API_URL in its environment.
"""

from __future__ import annotations

import json
import os
import shlex
from typing import Any

import psycopg

from pypgflow_ops.db.runtime import DEFAULT_NAMES
from pypgflow_ops.operate.session import query
from pypgflow_ops.playground.jwt import hs256
from pypgflow_ops.playground.postgrest import create_authenticator, grant_runtime_roles

TENANT = "demo"
ROLE = DEFAULT_NAMES.authenticated_role


class NoDemoTenant(Exception):
    """The tenant has no applied workflows."""


def prepare(conn: psycopg.Connection[Any], tenant: str, password: str | None) -> tuple[str, str]:
    """The authenticator role; the tenant's id and the first of its workflows."""
    create_authenticator(conn, password)
    grant_runtime_roles(conn)
    row = conn.execute(query("playground_tenant"), {"tenant": tenant}).fetchone()
    if row is None:
        raise NoDemoTenant(f"tenant {tenant!r} has no workflows: apply some first")
    return row[0], row[1]


def token(tenant: str, tenant_id: str, secret: str) -> str:
    return hs256({"role": ROLE, "tenant_id": tenant_id, "sub": tenant}, secret)


def instructions(url: str, tenant: str, jwt: str, workflow: str) -> str:
    auth = '-H "Authorization: Bearer $TOKEN"'
    start = json.dumps({"workflow_name": workflow, "entity_table": "demo", "entity_id": "1"})
    json_body = f"-H 'Content-Type: application/json' -d {shlex.quote(start)}"
    return "\n".join(
        [
            f"PostgREST: {url} (schema api; its OpenAPI description at {url}/)",
            f"JWT for tenant {tenant!r} (role {ROLE}):",
            "",
            f"  export TOKEN={jwt}",
            f"  curl -s {shlex.quote(url + '/workflows?select=id,name,version,active')} {auth}",
            f"  curl -s {shlex.quote(url + '/rpc/start_workflow')} {auth} {json_body}",
            f"  curl -s {shlex.quote(url + '/entity_workflows?entity_table=eq.demo')} {auth}",
        ]
    )


def main() -> None:
    tenant = os.environ.get("DEMO_TENANT") or TENANT
    secret = os.environ["JWT_SECRET"]
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        tenant_id, workflow = prepare(conn, tenant, os.environ["AUTHENTICATOR_PASSWORD"])
    url = os.environ.get("API_URL", "http://localhost:3000")
    print(instructions(url, tenant, token(tenant, tenant_id, secret), workflow))


if __name__ == "__main__":
    main()
