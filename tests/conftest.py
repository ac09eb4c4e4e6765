"""The database harness: every test that needs PostgreSQL gets it from these fixtures.

The server comes from tests/pg_harness.py: PYPGFLOW_TEST_DATABASE_URL (a maintenance database
URL), else a testcontainers PostgreSQL, else a throwaway local cluster. When none can be had, every
database test fails with one message saying why; nothing is skipped.

Fixtures
    pg_server             session   URL of the server's maintenance database (do not write to it)
    database_url          module    URL of a fresh, empty database, dropped after the module
    runtime_database_url  module    URL of a fresh database with the runtime installed (a copy of
                                    a template database installed once per session)
    conn                  function  autocommit psycopg connection to `database_url`
    runtime_conn          function  autocommit psycopg connection to `runtime_database_url`
    make_database         function  make_database(runtime=False) -> URL of yet another fresh
                                    database, dropped after the test (for per-test isolation)

    pgbouncer             session   a real PgBouncer (transaction pooling) in front of the server:
                                    pgbouncer.url(database_url) reaches a database through it

With PYPGFLOW_TEST_THROUGH_PGBOUNCER=1, the URLs the fixtures give (database_url,
runtime_database_url, make_database) lead through that PgBouncer: run the deploy, fleet and
runtime tests so to prove them pool-safe.

Tests that use any of them are marked `database` automatically.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import psycopg
import pytest
from pg_harness import NoServer, create_database, drop_database, find_server
from pgbouncer_harness import NoPgBouncer, PgBouncer

DATABASE_FIXTURES = frozenset(
    {
        "pg_server",
        "database_url",
        "runtime_database_url",
        "conn",
        "runtime_conn",
        "make_database",
        "pgbouncer",
    }
)
THROUGH_PGBOUNCER = os.environ.get("PYPGFLOW_TEST_THROUGH_PGBOUNCER") == "1"

if THROUGH_PGBOUNCER:  # the tests' own connections too: no prepared statements through a pooler
    _connect = psycopg.connect

    def _unprepared(*args: Any, **kwargs: Any) -> psycopg.Connection[Any]:
        kwargs.setdefault("prepare_threshold", None)
        return _connect(*args, **kwargs)

    psycopg.connect = _unprepared  # type: ignore[assignment]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.database)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    with ExitStack() as stack:
        try:
            url = find_server(stack)
        except NoServer as exc:
            pytest.fail(str(exc), pytrace=False)
        yield url


@pytest.fixture(scope="session")
def pgbouncer(pg_server: str) -> Iterator[PgBouncer]:
    try:
        with PgBouncer(pg_server) as bouncer:
            yield bouncer
    except NoPgBouncer as exc:
        pytest.fail(str(exc), pytrace=False)


def _reached(url: str, request: pytest.FixtureRequest) -> str:
    """`url`, through PgBouncer when the run asks for it."""
    if not THROUGH_PGBOUNCER:
        return url
    bouncer: PgBouncer = request.getfixturevalue("pgbouncer")
    return bouncer.url(url)


@pytest.fixture(scope="session")
def _runtime_template(pg_server: str) -> Iterator[str]:
    from pypgflow_ops.db.runtime import upgrade

    url = create_database(pg_server, "runtime_template")
    try:
        with psycopg.connect(url) as conn, conn.transaction():
            upgrade(conn)
        yield psycopg.conninfo.conninfo_to_dict(url)["dbname"]  # type: ignore[misc]
    finally:
        drop_database(pg_server, url)


def _fresh(pg_server: str, request: pytest.FixtureRequest, template: str | None) -> Iterator[str]:
    url = create_database(pg_server, request.node.name, template=template)
    try:
        yield _reached(url, request)
    finally:
        drop_database(pg_server, url)


@pytest.fixture(scope="module")
def database_url(pg_server: str, request: pytest.FixtureRequest) -> Iterator[str]:
    yield from _fresh(pg_server, request, None)


@pytest.fixture(scope="module")
def runtime_database_url(
    pg_server: str, _runtime_template: str, request: pytest.FixtureRequest
) -> Iterator[str]:
    yield from _fresh(pg_server, request, _runtime_template)


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
    with psycopg.connect(database_url, autocommit=True) as connection:
        yield connection


@pytest.fixture
def runtime_conn(runtime_database_url: str) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
    with psycopg.connect(runtime_database_url, autocommit=True) as connection:
        yield connection


@pytest.fixture
def make_database(pg_server: str, request: pytest.FixtureRequest) -> Iterator[Callable[..., str]]:
    made: list[str] = []

    def make(*, runtime: bool = False) -> str:
        template = request.getfixturevalue("_runtime_template") if runtime else None
        url = create_database(pg_server, request.node.name, template=template)
        made.append(url)
        return _reached(url, request)

    yield make
    for url in made:
        drop_database(pg_server, url)
