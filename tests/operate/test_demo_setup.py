"""The compose file's one-shot set-up: after apply, the login role and a JWT for the demo tenant."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys

from .cli import WORKFLOWS, apply, rows

SECRET = "a-secret-of-at-least-thirty-two-characters"


def test_the_setup_prints_a_jwt_for_the_tenant_and_grants_the_login_role(
    database_url: str,
) -> None:
    apply(WORKFLOWS, "sandbox", database_url)
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "AUTHENTICATOR_PASSWORD": "it's a 'quoted' pass%word",
        "JWT_SECRET": SECRET,
        "DEMO_TENANT": "sandbox",
    }
    result = subprocess.run(
        [sys.executable, "-m", "pypgflow_ops.playground.demo"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    token = next(
        line.split("=", 1)[1] for line in result.stdout.splitlines() if "export TOKEN=" in line
    )
    header, payload, signature = token.split(".")
    expected = hmac.new(SECRET.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "==") == expected
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    ((tenant_id,),) = rows(
        database_url, "select id::text from pypgflow.tenants where slug = %s", "sandbox"
    )
    assert claims == {"role": "pypgflow_authenticated", "tenant_id": tenant_id, "sub": "sandbox"}
    assert "curl -s http://localhost:3000/rpc/start_workflow" in result.stdout
    granted = rows(
        database_url,
        "select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid"
        " join pg_roles u on u.oid = m.member where u.rolname = 'pypgflow_authenticator'"
        " order by 1",
    )
    assert granted == [("pypgflow_anon",), ("pypgflow_authenticated",)]
