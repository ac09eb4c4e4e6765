"""The runtime behind a real PostgREST: one server per test module, in front of a fresh database.

The database gets the runtime and the repository's example workflows through `pypgflow-ops apply`,
once per tenant in TENANTS; PostgREST runs on a free loopback port until the module ends.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from .http import Client
from .jwt import hs256
from .server import AUTHENTICATED, REPOSITORY, PostgrestUnavailable, locate, prepare_authenticator
from .server import running as running_postgrest

EXAMPLES = REPOSITORY / "workflows"
TENANTS = ("acme", "globex")


@dataclass(frozen=True, slots=True)
class Api:
    """A running PostgREST and the tenants of its database."""

    url: str
    jwt_secret: str
    database_url: str
    tenants: dict[str, uuid.UUID]

    def client(self, claims: dict[str, Any] | None) -> Client:
        """A client sending a JWT with `claims`, or none at all."""
        token = None if claims is None else hs256(claims, self.jwt_secret)
        return Client(self.url, token)

    def tenant(self, slug: str, *, sub: str = "tester") -> Client:
        claims = {"role": AUTHENTICATED, "tenant_id": str(self.tenants[slug]), "sub": sub}
        return self.client(claims)


def apply(database_url: str, tenant: str, folder: Path = EXAMPLES, *options: str) -> None:
    """`pypgflow-ops apply` as a user runs it; the first one also installs the runtime."""
    command = [sys.executable, "-m", "pypgflow_ops", "apply", str(folder), *options,
               "--tenant", tenant, "--database-url", database_url, "--yes"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"pypgflow-ops apply failed ({done.returncode}): {done.stderr.strip()}",
                    pytrace=False)


def tenant_ids(database_url: str) -> dict[str, uuid.UUID]:
    with psycopg.connect(database_url) as conn:
        return dict(conn.execute("select slug, id from pypgflow.tenants").fetchall())


@pytest.fixture(scope="module")
def api(database_url: str) -> Iterator[Api]:
    try:
        binary = locate()
    except PostgrestUnavailable as missing:
        pytest.fail(str(missing), pytrace=False)
    for tenant in TENANTS:
        apply(database_url, tenant)
    db_uri = prepare_authenticator(database_url, secrets.token_urlsafe(24))
    jwt_secret = secrets.token_urlsafe(48)
    try:
        with running_postgrest(binary, db_uri, jwt_secret) as url:
            yield Api(url, jwt_secret, database_url, tenant_ids(database_url))
    except PostgrestUnavailable as failed:
        pytest.fail(str(failed), pytrace=False)
