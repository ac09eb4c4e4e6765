"""The per-tenant deploy lock: a transaction-scoped advisory lock.

Released by commit, rollback, a crash or a lost connection: there is no lock row to clean up, and
it works behind PgBouncer in transaction mode because it lives exactly as long as the transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import psycopg

from pypgflow_ops.deploy.sql import statement

CLASS_KEY = 1885827174  # b"pgpf": the first of the lock's two int4 keys, shared by all tenants


def object_key(tenant: str) -> int:
    """The lock's second key: 31 bits of the slug's sha256 (non-negative, so it equals its oid)."""
    digest = hashlib.sha256(tenant.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def _describe_holder(conn: psycopg.Connection[Any], object_key: int) -> str:
    row = conn.execute(
        statement("lock_holder"), {"class_key": CLASS_KEY, "object_key": object_key}
    ).fetchone()
    if row is None:
        return "another apply"
    pid, user, application, client, started = row
    where = f" from {client}" if client else ""
    since = f", since {started:%H:%M:%S %Z}" if started else ""  # None outside a transaction
    return f"{application or 'a session'} (pid {pid}, user {user}{where}{since})"


def acquire(conn: psycopg.Connection[Any], tenant: str, on_wait: Callable[[str], None]) -> None:
    """Take the tenant's deploy lock inside the current transaction, waiting behind any holder."""
    key = object_key(tenant)
    row = conn.execute("select pg_try_advisory_xact_lock(%s, %s)", [CLASS_KEY, key]).fetchone()
    if row is not None and row[0]:
        return
    on_wait(
        f"waiting for the deploy lock of tenant {tenant!r}, held by {_describe_holder(conn, key)}"
    )
    conn.execute("select pg_advisory_xact_lock(%s, %s)", [CLASS_KEY, key])
