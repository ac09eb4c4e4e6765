"""The runtime behind a real PostgREST: one server per test module, in front of a fresh database.

Fixtures
    api        the database gets the runtime and the repository's example workflows from
               `pypgflow-ops apply`, once per tenant in TENANTS, before PostgREST starts
    empty_api  PostgREST starts in front of the empty database; the test installs what it needs

PostgREST runs on free loopback ports until the module ends. Without its binary, every test fails
with one line saying how to install it.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import TypeVar

import pytest

from .api import Api
from .database import apply, tenant_ids
from .server import PostgrestUnavailable, authenticator, grant_runtime_roles
from .server import running as running_postgrest

TENANTS = ("acme", "globex")

T = TypeVar("T")


@pytest.fixture(scope="module")
def api(database_url: str) -> Iterator[Api]:
    for tenant in TENANTS:
        apply(database_url, tenant)
    db_uri = _authenticator(database_url)
    grant_runtime_roles(database_url)
    yield from _serve(database_url, db_uri, tenant_ids(database_url))


@pytest.fixture(scope="module")
def empty_api(database_url: str) -> Iterator[Api]:
    """PostgREST in front of a database without the runtime (nor the authenticator's grants)."""
    yield from _serve(database_url, _authenticator(database_url), {})


def _authenticator(database_url: str) -> str:
    return authenticator(database_url, secrets.token_urlsafe(24))


def _serve(database_url: str, db_uri: str, tenants: dict[str, uuid.UUID]) -> Iterator[Api]:
    jwt_secret = secrets.token_urlsafe(48)
    with ExitStack() as stack:
        url = _or_fail(lambda: stack.enter_context(running_postgrest(db_uri, jwt_secret)))
        yield Api(url, jwt_secret, database_url, tenants)


def _or_fail(make: Callable[[], T]) -> T:
    """What `make` returns; if PostgREST is unavailable, the test fails in one line."""
    try:
        return make()
    except PostgrestUnavailable as unavailable:
        reason = str(unavailable)
    pytest.fail(reason, pytrace=False)
