"""`pypgflow-ops db upgrade` and `db status` as users call them."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import psycopg
import pytest
from pg_harness import with_user
from psycopg import sql
from typer.testing import CliRunner

from pypgflow_ops.cli import app
from pypgflow_ops.db import runtime

runner = CliRunner()

STEPS = [f"  v{s.version} {s.summary}" for s in runtime.steps()]


def db(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["db", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def empty_url(make_database: Callable[..., str]) -> str:
    return make_database()


def test_status_upgrade_status_upgrade(empty_url: str) -> None:
    code, out, _ = db("status", "--database-url", empty_url)
    assert code == 0
    assert out.splitlines()[1:] == [
        f"Runtime version: none; this pypgflow-ops installs version {runtime.RUNTIME_VERSION}.",
        "`pypgflow-ops db upgrade` would, in one transaction:",
        *STEPS,
    ]
    assert db("upgrade", "--database-url", empty_url) == (
        0, f"Installed runtime version {runtime.RUNTIME_VERSION} ({len(STEPS)} steps).\n", "")
    code, out, _ = db("status", "--database-url", empty_url)
    assert out.splitlines()[1:] == [f"Runtime version: {runtime.RUNTIME_VERSION} (current)."]
    assert db("upgrade", "--database-url", empty_url) == (
        0, f"Runtime version {runtime.RUNTIME_VERSION} is installed: nothing to do.\n", "")


def test_the_url_comes_from_database_url_without_the_option(empty_url: str) -> None:
    code, out, _ = db("upgrade", env={"DATABASE_URL": empty_url})
    assert (code, out) == (
        0, f"Installed runtime version {runtime.RUNTIME_VERSION} ({len(STEPS)} steps).\n")


def test_status_names_the_database_without_its_password(empty_url: str) -> None:
    with_password = empty_url.replace("postgres@", "postgres:pw-secret@", 1)
    code, out, _ = db("status", "--database-url", with_password)
    assert code == 0
    assert out.startswith("Database: host ")
    assert "pw-secret" not in out


@pytest.mark.parametrize("command", ["upgrade", "status"])
def test_an_unreachable_database_is_one_line_and_exit_1(command: str) -> None:
    code, out, err = db(command, "--database-url", "postgresql://u:pw-secret@127.0.0.1:1/d")
    assert (code, out) == (1, "")
    assert err == (
        "pypgflow-ops: error: cannot connect to PostgreSQL "
        "(host 127.0.0.1, port 1, database d, user u): Connection refused\n"
    )


def test_a_refused_login_is_one_line_and_exit_1(pg_server: str) -> None:
    url = with_user(pg_server, "no_such_role_x")
    code, _, err = db("status", "--database-url", url)
    assert code == 1
    assert err.startswith("pypgflow-ops: error: cannot connect to PostgreSQL (host ")
    assert err.endswith(': role "no_such_role_x" does not exist\n')


def test_a_failed_upgrade_changes_nothing(empty_url: str) -> None:
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("create schema api")
    code, _, err = db("upgrade", "--database-url", empty_url)
    assert (code, err) == (
        1,
        'pypgflow-ops: error: runtime upgrade failed: schema "api" already exists '
        "(SQLSTATE 42P06)\n",
    )
    with psycopg.connect(empty_url) as conn:
        assert runtime.installed_version(conn) is None
        row = conn.execute("select count(*) from pg_namespace where nspname = 'pypgflow'")
        assert row.fetchone() == (0,)


def test_a_role_that_may_not_install_gets_one_line(empty_url: str, pg_server: str) -> None:
    role = f"pypgflow_test_weak_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(sql.SQL("create role {} login").format(sql.Identifier(role)))
    try:
        code, _, err = db("upgrade", "--database-url", with_user(empty_url, role))
    finally:
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(sql.SQL("drop role {}").format(sql.Identifier(role)))
    assert code == 1
    assert err.startswith("pypgflow-ops: error: runtime upgrade failed: permission denied ")
    assert err.endswith("(SQLSTATE 42501)\n")
    assert err.count("\n") == 1
