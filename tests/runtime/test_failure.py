"""A psycopg error as the one line a user reads: the server's words and SQLSTATE, else libpq's."""

from typing import Any

import psycopg
import pytest

from pypgflow_ops.db.failure import one_line


def _raised(conn: psycopg.Connection[Any], query: str) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as raised:
        conn.execute(query.encode())
    return raised.value


def test_a_server_error_is_its_primary_message_and_sqlstate(conn: psycopg.Connection[Any]) -> None:
    error = _raised(conn, "select 1 / 0")

    assert one_line(error) == "division by zero (SQLSTATE 22012)"


def test_a_multi_line_server_error_keeps_its_first_line(conn: psycopg.Connection[Any]) -> None:
    error = _raised(conn, "do $$ begin raise exception 'first\nsecond'; end $$")

    assert one_line(error) == "first (SQLSTATE P0001)"


def test_a_connection_failure_is_libpqs_reason_without_its_prefix() -> None:
    with pytest.raises(psycopg.OperationalError) as raised:
        psycopg.connect("postgresql://no_such_role@127.0.0.1:5432/postgres")

    assert one_line(raised.value) == 'role "no_such_role" does not exist'


def test_an_error_with_no_text_is_its_type() -> None:
    assert one_line(psycopg.InterfaceError()) == "InterfaceError"
