"""A psycopg error as one line: what every command says when the database fails it."""

from __future__ import annotations

import psycopg


def _first_line(text: str) -> str:
    return next(iter(text.strip().splitlines()), "")


def one_line(exc: psycopg.Error) -> str:
    """The server's message and SQLSTATE, else libpq's reason without its "... failed:" prefix."""
    message = exc.diag.message_primary
    if message is None:  # no answer from the server: a connection failure, a lost connection
        message = _first_line(str(exc)).rsplit(" failed: ", 1)[-1].removeprefix("FATAL:")
    first_line = _first_line(message) or type(exc).__name__
    return f"{first_line} (SQLSTATE {exc.sqlstate})" if exc.sqlstate else first_line
