"""The harness itself: fresh databases, isolation between them, and a clear failure without one."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

import psycopg
import pytest
from pg_harness import NoServer, database_name, find_server, with_database


def test_database_url_is_a_fresh_empty_database(conn: psycopg.Connection[tuple[Any, ...]]) -> None:
    row = conn.execute(
        "select current_database(), count(*) from pg_class c "
        "join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')"
    ).fetchone()
    assert row is not None
    assert row[0].startswith("pypgflow_test_")
    assert row[1] == 0


def test_make_database_gives_a_new_database_each_call(make_database: Any) -> None:
    first, second = make_database(), make_database()
    assert first != second
    with psycopg.connect(first, autocommit=True) as one:
        one.execute("create table only_here (x int)")
    with psycopg.connect(second, autocommit=True) as two:
        assert two.execute("select to_regclass('only_here')").fetchone() == (None,)


def test_an_unreachable_url_fails_with_one_clear_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYPGFLOW_TEST_DATABASE_URL", "postgresql://postgres:s3cret@127.0.0.1:1/x")
    with ExitStack() as stack, pytest.raises(NoServer) as raised:
        find_server(stack)
    message = str(raised.value)
    assert message.startswith("PostgreSQL from PYPGFLOW_TEST_DATABASE_URL")
    assert "s3cret" not in message
    assert "\n" not in message


def test_database_names_are_unique_and_valid() -> None:
    names = {database_name("test_x[Ünïcode param-1]" * 5) for _ in range(100)}
    assert len(names) == 100
    assert all(len(name) <= 63 and name.isascii() for name in names)


def test_with_database_keeps_the_url_form() -> None:
    assert with_database("postgresql://u:p@h:5/maint?sslmode=disable", "d") == (
        "postgresql://u:p@h:5/d?sslmode=disable"
    )
    assert "dbname=d" in with_database("host=h user=u dbname=maint", "d")


def test_no_server_anywhere_fails_with_one_message_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pg_harness

    monkeypatch.delenv("PYPGFLOW_TEST_DATABASE_URL", raising=False)
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.setattr(pg_harness, "DOCKER_SOCKET", "/nonexistent/docker.sock")
    monkeypatch.setattr(pg_harness, "_pg_binary", lambda name: None)
    with ExitStack() as stack, pytest.raises(NoServer) as raised:
        find_server(stack)
    assert str(raised.value) == (
        "no PostgreSQL server for the database tests: set PYPGFLOW_TEST_DATABASE_URL to a "
        "maintenance database URL such as postgresql://postgres@127.0.0.1:5432/postgres "
        "(no Docker engine answers (/nonexistent/docker.sock: No such file or directory); "
        "no initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin)"
    )


def test_with_user_replaces_the_login_and_drops_the_password() -> None:
    from pg_harness import with_user

    assert with_user("postgresql://u:p@h:5/d", "weak one") == "postgresql://weak%20one@h:5/d"
    assert "user=w" in with_user("host=h user=u password=p dbname=d", "w")
