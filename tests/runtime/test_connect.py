"""Where the database URL comes from, and connection failures as one clear line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pypgflow_ops.db.connect import connect, resolve_database_url
from pypgflow_ops.errors import PypgflowError


def test_the_option_wins_over_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://from-env/db")
    assert resolve_database_url("postgresql://from-option/db") == "postgresql://from-option/db"
    assert resolve_database_url(None) == "postgresql://from-env/db"


def test_without_either_libpq_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert resolve_database_url(None) == ""


def test_a_malformed_url_says_what_a_url_looks_like() -> None:
    with pytest.raises(PypgflowError) as raised:
        connect("not a url")
    assert str(raised.value) == (
        'invalid database URL: missing "=" after "not" in connection info string '
        "(use postgresql://user@host:port/database)"
    )


def test_connect_opens_a_working_connection(database_url: str) -> None:
    with connect(database_url, autocommit=True) as conn:
        assert conn.autocommit
        assert conn.execute("select 1").fetchone() == (1,)


def test_what_psycopg_logs_while_cleaning_up_a_lost_connection_stays_off_stderr(
    database_url: str,
) -> None:
    """A pipeline on a lost connection: psycopg logs that it cannot end it, besides raising."""
    script = (
        "import sys, time, psycopg\n"
        "from pypgflow_ops.db.connect import connect\n"
        "conn = connect(sys.argv[1])\n"
        "try:\n"
        "    with conn.pipeline():\n"
        "        conn.execute('select pg_terminate_backend(pg_backend_pid())')\n"
        "        time.sleep(0.3)\n"
        "        conn.execute('select 1').fetchone()\n"
        "except psycopg.OperationalError:\n"
        "    print('lost')\n"
    )

    done = subprocess.run(
        [sys.executable, "-c", script, database_url], capture_output=True, text=True, timeout=30
    )

    assert (done.stdout, done.stderr) == ("lost\n", "")
