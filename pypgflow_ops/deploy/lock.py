"""The per-tenant deploy lock: a transaction-scoped advisory lock.

Released by commit, rollback, a crash or a lost connection: there is no lock row to clean up, and
it works behind PgBouncer in transaction mode because it lives exactly as long as the transaction.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import psycopg

from pypgflow_ops.deploy.sql import statement
from pypgflow_ops.errors import PypgflowError, UsageError

CLASS_KEY = 1885827174  # b"pgpf": the first of the lock's two int4 keys, shared by all tenants

# (try, wait) by `shared`: the apply's exclusive lock, or the plan's shared one
_STATEMENTS = {
    False: ("select pg_try_advisory_xact_lock(%s, %s)", "select pg_advisory_xact_lock(%s, %s)"),
    True: (
        "select pg_try_advisory_xact_lock_shared(%s, %s)",
        "select pg_advisory_xact_lock_shared(%s, %s)",
    ),
}
_DURATION = re.compile(r"(\d{1,9})(ms|s|m|h)")
_MILLISECONDS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}


def milliseconds(text: str) -> int:
    """`--lock-timeout` as milliseconds: 500ms, 30s, 2m, 1h."""
    match = _DURATION.fullmatch(text.strip())
    if match is None or int(match[1]) == 0:
        raise UsageError(
            f"--lock-timeout {text!r} is not a duration: write a positive number and a unit, "
            "such as 500ms, 30s, 2m or 1h"
        )
    total = int(match[1]) * _MILLISECONDS[match[2]]
    if total > 2**31 - 1:
        raise UsageError(f"--lock-timeout {text!r} is longer than PostgreSQL can wait (24 days)")
    return total


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


def acquire(
    conn: psycopg.Connection[Any],
    tenant: str,
    on_wait: Callable[[str], None],
    *,
    timeout_ms: int | None = None,
    shared: bool = False,
) -> None:
    """Take the tenant's deploy lock inside the current transaction, waiting behind any holder:
    for ever, or `timeout_ms`, after which the transaction is aborted and the holder named.

    `shared` is the plan's: it waits for an apply, and never for another plan.
    """
    key = object_key(tenant)
    try_lock, wait_lock = _STATEMENTS[shared]
    row = conn.execute(try_lock, [CLASS_KEY, key]).fetchone()
    if row is not None and row[0]:
        return
    holder = _describe_holder(conn, key)
    on_wait(f"waiting for the deploy lock of tenant {tenant!r}, held by {holder}")
    if timeout_ms is None:
        conn.execute(wait_lock, [CLASS_KEY, key])
        return
    # set_config(..., true) lasts until the transaction ends, so it is safe behind a pooler.
    row = conn.execute(
        "select current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
        [f"{timeout_ms}ms"],
    ).fetchone()
    assert row is not None
    try:
        conn.execute(wait_lock, [CLASS_KEY, key])
    except psycopg.errors.LockNotAvailable:
        raise PypgflowError(
            f"the deploy lock of tenant {tenant!r} is held by {holder}; gave up after "
            f"{timeout_ms} ms (--lock-timeout): nothing was changed"
        ) from None
    conn.execute("select set_config('lock_timeout', %s, true)", [row[0]])
