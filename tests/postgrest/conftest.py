"""The runtime behind a real PostgREST: one server per test module, in front of a fresh database.

The database gets the runtime and the repository's example workflows from `pypgflow-ops apply`,
once per tenant in TENANTS; PostgREST runs on a free loopback port until the module ends.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from .api import Api
from .database import apply, tenant_ids
from .server import PostgrestUnavailable, locate, prepare_authenticator
from .server import running as running_postgrest

TENANTS = ("acme", "globex")


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
