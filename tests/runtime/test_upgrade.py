"""Install and upgrade: one transaction, idempotent, serialized, gentle with locks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg
import pytest

from pypgflow_ops.db import runtime
from pypgflow_ops.errors import PypgflowError

from .postgrest import Conn


@pytest.fixture
def empty_url(make_database: Callable[..., str]) -> str:
    return make_database()


def schemas(conn: Conn) -> set[str]:
    rows = conn.execute("select nspname from pg_namespace where nspname in ('pypgflow', 'api')")
    return {row[0] for row in rows}


def test_install_into_an_empty_database_then_nothing_to_do(empty_url: str) -> None:
    with psycopg.connect(empty_url) as conn:
        assert runtime.installed_version(conn) is None
        assert runtime.pending_steps(conn) == list(runtime.steps())
        first = runtime.upgrade(conn)
        conn.commit()
        assert (first.previous_version, first.steps) == (None, runtime.steps())
        assert runtime.installed_version(conn) == runtime.RUNTIME_VERSION
        assert runtime.pending_steps(conn) == []
        again = runtime.upgrade(conn)
        conn.commit()
        assert (again.previous_version, again.steps) == (runtime.RUNTIME_VERSION, ())
        assert conn.execute("select count(*) from pypgflow.runtime_versions").fetchone() == (
            runtime.RUNTIME_VERSION,)


def test_every_step_belongs_to_a_version_up_to_the_current_one() -> None:
    versions = {step.version for step in runtime.steps()}
    assert versions == set(range(1, runtime.RUNTIME_VERSION + 1))
    assert all(step.summary and "{" not in step.summary for step in runtime.steps())


def test_upgrade_runs_in_the_callers_transaction(empty_url: str) -> None:
    with psycopg.connect(empty_url) as conn:
        conn.execute("set lock_timeout = '7s'")
        conn.commit()
        runtime.upgrade(conn)
        assert conn.execute("show lock_timeout").fetchone() == ("7s",)
        conn.rollback()
        assert runtime.installed_version(conn) is None
        assert schemas(conn) == set()


def test_upgrade_refuses_to_run_outside_a_transaction(empty_url: str) -> None:
    with psycopg.connect(empty_url, autocommit=True) as conn, pytest.raises(ValueError):
        runtime.upgrade(conn)


def test_a_failed_step_is_one_clear_error_and_changes_nothing(empty_url: str) -> None:
    with psycopg.connect(empty_url) as conn:
        conn.execute("create schema pypgflow")
        conn.commit()
        with pytest.raises(PypgflowError) as raised:
            runtime.upgrade(conn)
        conn.rollback()
        assert str(raised.value) == (
            'runtime upgrade failed: schema "pypgflow" already exists (SQLSTATE 42P06)')
        assert schemas(conn) == {"pypgflow"}


def test_a_newer_runtime_in_the_database_is_refused(empty_url: str) -> None:
    with psycopg.connect(empty_url) as conn:
        runtime.upgrade(conn)
        conn.execute("insert into pypgflow.runtime_versions (version) values (%s)",
                      [runtime.RUNTIME_VERSION + 1])
        with pytest.raises(PypgflowError, match="newer than this pypgflow-ops installs"):
            runtime.pending_steps(conn)


def test_concurrent_upgrades_queue_and_the_second_does_nothing(empty_url: str) -> None:
    results: list[runtime.UpgradeResult] = []
    with psycopg.connect(empty_url) as first, psycopg.connect(empty_url) as second:
        runtime.upgrade(first)  # installed, not yet committed: holds the lock

        def upgrade_second() -> None:
            results.append(runtime.upgrade(second))
            second.commit()

        waiter = threading.Thread(target=upgrade_second)
        waiter.start()
        wait_until_blocked_on_advisory_lock(first, second.info.backend_pid)
        first.commit()
        waiter.join(timeout=30)
        assert [r.steps for r in results] == [()]
        assert first.execute("select count(*) from pypgflow.runtime_versions").fetchone() == (
            runtime.RUNTIME_VERSION,)


def wait_until_blocked_on_advisory_lock(conn: Conn, pid: int) -> None:
    for _ in range(200):
        row = conn.execute(
            "select count(*) from pg_locks where pid = %s and locktype = 'advisory' "
            "and not granted", [pid]).fetchone()
        if row == (1,):
            return
        time.sleep(0.02)
    raise AssertionError("the second upgrade never waited for the lock")


@pytest.fixture
def locked_table(empty_url: str) -> psycopg.Connection[tuple[object, ...]]:
    """A table that another session holds an ACCESS EXCLUSIVE lock on, as busy traffic might."""
    with psycopg.connect(empty_url, autocommit=True) as setup:
        setup.execute("create table busy (x int)")
    holder = psycopg.connect(empty_url)
    holder.execute("lock table busy in access exclusive mode")
    return holder


def test_ddl_gives_up_after_its_attempts_and_changes_nothing(
    empty_url: str, locked_table: Conn
) -> None:
    with psycopg.connect(empty_url) as conn:
        conn.execute("set lock_timeout = '50ms'")
        with pytest.raises(PypgflowError, match=r"gave up after 3 attempts: step-x waited"):
            runtime.execute_ddl(conn, "alter table busy add column y int", what="step-x",
                                attempts=3)
        conn.rollback()
    locked_table.rollback()
    with psycopg.connect(empty_url) as conn:
        columns = conn.execute("select count(*) from information_schema.columns "
                               "where table_name = 'busy'").fetchone()
    locked_table.close()
    assert columns == (1,)


def test_ddl_retries_until_the_lock_is_free(empty_url: str, locked_table: Conn) -> None:
    release = threading.Timer(0.3, locked_table.rollback)
    release.start()
    with psycopg.connect(empty_url) as conn:
        conn.execute("set lock_timeout = '50ms'")
        runtime.execute_ddl(conn, "alter table busy add column y int", what="step-y",
                            attempts=10)
        conn.commit()
        columns = conn.execute("select count(*) from information_schema.columns "
                               "where table_name = 'busy'").fetchone()
    release.join()
    locked_table.close()
    assert columns == (2,)
