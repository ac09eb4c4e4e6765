"""Find the database URL and connect, turning every connection failure into one clear line."""

from __future__ import annotations

import logging
import os
from typing import Any

import psycopg
from psycopg import pq

from pypgflow_ops.db.failure import one_line
from pypgflow_ops.errors import PypgflowError

CONNECT_TIMEOUT_SECONDS = 10

_TARGET_KEYS = ("host", "port", "dbname", "user")

# psycopg also logs the errors it ignores while cleaning up after the one it raises (a pipeline on
# a lost connection); without a handler, Python prints them to stderr beside our one line.
logging.getLogger("psycopg").addHandler(logging.NullHandler())


def resolve_database_url(option: str | None) -> str:
    """`--database-url`, else `DATABASE_URL`, else "" (libpq then reads the usual PG* variables)."""
    if option:
        return option
    return os.environ.get("DATABASE_URL", "")


def describe_target(url: str) -> str:
    """Where `url` leads, as host, port, database and user; never the password."""
    try:
        given = {o.keyword.decode(): o.val for o in pq.Conninfo.parse(url.encode())}
    except psycopg.Error:
        given = {}
    defaults = {o.keyword.decode(): o.val for o in pq.Conninfo.get_defaults()}
    parts = []
    for key in _TARGET_KEYS:
        value = given.get(key) or defaults.get(key)
        if value:
            parts.append(f"{'database' if key == 'dbname' else key} {value.decode()}")
    return ", ".join(parts) or "the libpq defaults"


def connect(url: str, *, autocommit: bool = False) -> psycopg.Connection[tuple[Any, ...]]:
    """Open a connection, or raise PypgflowError saying where and why (one line)."""
    try:
        return psycopg.connect(
            url,
            autocommit=autocommit,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            application_name="pypgflow-ops",
            # No server-side prepared statements: they belong to a server connection, which a
            # pooler in transaction mode (PgBouncer) hands to another client between transactions.
            prepare_threshold=None,
        )
    except psycopg.ProgrammingError as exc:
        raise PypgflowError(
            f"invalid database URL: {one_line(exc)} (use postgresql://user@host:port/database)"
        ) from None
    except psycopg.OperationalError as exc:
        raise PypgflowError(
            f"cannot connect to PostgreSQL ({describe_target(url)}): {one_line(exc)}"
        ) from None
