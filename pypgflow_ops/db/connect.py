"""Find the database URL and connect: the database boundary, where every psycopg error becomes one
clear line (a PypgflowError) that never shows the URL's password."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote

import psycopg
from psycopg import pq

from pypgflow_ops.db.failure import one_line
from pypgflow_ops.errors import PypgflowError

CONNECT_TIMEOUT_SECONDS = 10

_TARGET_KEYS = ("host", "port", "dbname", "user")

# Where a password can be written, read from the text itself: a malformed URL cannot be parsed, and
# libpq quotes it in its message. The userinfo of a URI ends at its first "@" for libpq, but at the
# last for whoever typed an unescaped "@" or "/" in the password: both are hidden.
_PASSWORDS = (
    re.compile(r"://[^:/?#@]*:([^/?#@]*)@"),
    re.compile(r"://[^:/?#@]*:(.*)@"),
    re.compile(r"password\s*=\s*('(?:[^'\\]|\\.)*'?|[^\s&]*)", re.IGNORECASE),
)


class DatabaseError(PypgflowError):
    """The database refused or failed a command's work."""


def redacted(text: str, url: str) -> str:
    """`text` with every form of the password written in `url` replaced by `***`."""
    secrets: set[str] = set()
    for pattern in _PASSWORDS:
        for found in pattern.findall(url):
            value = found.strip("'").replace("\\'", "'")
            for piece in (value, *value.split("@")):
                secrets.update(s for s in (piece, unquote(piece)) if s)
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


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
    return redacted(", ".join(parts), url) or "the libpq defaults"


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
        reason = redacted(one_line(exc), url)
        raise DatabaseError(
            f"invalid database URL: {reason} (use postgresql://user@host:port/database)"
        ) from None
    except psycopg.OperationalError as exc:
        reason = redacted(one_line(exc), url)
        raise DatabaseError(
            f"cannot connect to PostgreSQL ({describe_target(url)}): {reason}"
        ) from None


@contextmanager
def session(url: str) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
    """A connection for a command's work, committed at the end; any database error on the way is
    a DatabaseError (one line, exit 1), not an internal error."""
    try:
        with connect(url) as conn:
            yield conn
    except psycopg.Error as exc:
        raise DatabaseError(f"the database refused: {redacted(one_line(exc), url)}") from None
