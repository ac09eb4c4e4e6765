"""Install and upgrade the runtime (schemas, tables, functions, views, policies) in a database.

Each runtime version is a folder of templates, sql_templates/runtime/v<N>/, run in name order; the
first line of each template says what it does. `upgrade` runs inside the caller's transaction (so
apply installs the runtime and its definitions atomically), serialized by a transaction-scoped
advisory lock, with a short lock_timeout on its DDL and retries, so it never queues live traffic
behind a lock it waits for.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import errors, sql
from psycopg.pq import TransactionStatus

from pypgflow_ops.db.failure import one_line
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.sqltemplates import environment, render, template_names

RUNTIME_VERSION = 2

# pg_advisory_xact_lock(CLASS, OBJECT): "pgrt" as an int4; the deploy lock uses another class.
LOCK_CLASS = 1885827700
LOCK_OBJECT = 1

DDL_LOCK_TIMEOUT = "1s"
DDL_ATTEMPTS = 10

_VERSION_FOLDER = re.compile(r"^runtime/v(\d+)/")


@dataclass(frozen=True, slots=True)
class RuntimeNames:
    """The schemas and roles the runtime is installed as (identifiers for the templates)."""

    schema: str = "pypgflow"
    api: str = "api"
    anon_role: str = "pypgflow_anon"
    authenticated_role: str = "pypgflow_authenticated"

    def identifiers(self) -> dict[str, str]:
        return {
            "schema": self.schema,
            "api": self.api,
            "anon_role": self.anon_role,
            "authenticated_role": self.authenticated_role,
        }


DEFAULT_NAMES = RuntimeNames()


@dataclass(frozen=True, slots=True)
class Step:
    """One template of one runtime version."""

    version: int
    template: str
    summary: str


@dataclass(frozen=True, slots=True)
class UpgradeResult:
    previous_version: int | None
    steps: tuple[Step, ...]

    @property
    def changed(self) -> bool:
        return bool(self.steps)


def steps() -> tuple[Step, ...]:
    """Every step of every runtime version, in the order they run."""
    found = []
    for template in template_names("runtime"):
        match = _VERSION_FOLDER.match(template)
        if match:
            found.append(Step(int(match.group(1)), template, _summary(template)))
    return tuple(sorted(found, key=lambda step: (step.version, step.template)))


def _summary(template: str) -> str:
    source, _, _ = environment().loader.get_source(environment(), template)  # type: ignore[union-attr]
    first_line = source.splitlines()[0] if source else ""
    return first_line.removeprefix("--").strip()


def installed_version(
    conn: psycopg.Connection[Any], names: RuntimeNames = DEFAULT_NAMES
) -> int | None:
    """The runtime version installed in the database, or None when there is no runtime."""
    # Not to_regclass(): it resolves the name through the session's catalog caches, which waiting
    # on an advisory lock does not refresh, so it still says "none" after another session's
    # install committed. A query on the catalog tables sees the latest commit.
    row = conn.execute(
        "select exists (select from pg_catalog.pg_class c join pg_catalog.pg_namespace n"
        " on n.oid = c.relnamespace where n.nspname = %s and c.relname = 'runtime_versions')",
        [names.schema],
    ).fetchone()
    if row is None or not row[0]:
        return None
    query = sql.SQL("select max(version) from {}.runtime_versions").format(
        sql.Identifier(names.schema)
    )
    version = conn.execute(query).fetchone()
    return int(version[0]) if version and version[0] is not None else None


def pending_steps(conn: psycopg.Connection[Any], names: RuntimeNames = DEFAULT_NAMES) -> list[Step]:
    """What an upgrade would run, in order; empty when the runtime is current."""
    current = installed_version(conn, names) or 0
    if current > RUNTIME_VERSION:
        raise PypgflowError(
            f"the database has runtime version {current}, newer than this pypgflow-ops installs "
            f"({RUNTIME_VERSION}): upgrade pypgflow-ops"
        )
    return [step for step in steps() if step.version > current]


def upgrade(
    conn: psycopg.Connection[Any],
    names: RuntimeNames = DEFAULT_NAMES,
    *,
    lock_timeout: str = DDL_LOCK_TIMEOUT,
    attempts: int = DDL_ATTEMPTS,
) -> UpgradeResult:
    """Bring the runtime to RUNTIME_VERSION inside the caller's transaction; commit is theirs."""
    if conn.autocommit and conn.info.transaction_status == TransactionStatus.IDLE:
        raise ValueError("upgrade() runs inside the caller's transaction: open one first")
    conn.execute("select pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, LOCK_OBJECT])
    previous = installed_version(conn, names)
    todo = pending_steps(conn, names)
    if not todo:
        return UpgradeResult(previous, ())
    row = conn.execute(
        "select current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
        [lock_timeout],
    ).fetchone()
    assert row is not None
    try:
        for role in (names.anon_role, names.authenticated_role):
            _ensure_role(conn, role)
        for version in sorted({step.version for step in todo}):
            for step in (step for step in todo if step.version == version):
                text = render(step.template, **names.identifiers())
                execute_ddl(conn, text, what=step.template, attempts=attempts)
            _record_version(conn, names, version)
    except psycopg.Error as exc:
        raise PypgflowError(f"runtime upgrade failed: {one_line(exc)}") from None
    conn.execute("select set_config('lock_timeout', %s, true)", [row[0]])
    # A running PostgREST caches the schema: tell it to reload (delivered at commit, dropped on
    # rollback), or it answers 404 for the new functions until restarted.
    conn.execute("notify pgrst, 'reload schema'")
    return UpgradeResult(previous, tuple(todo))


def execute_ddl(conn: psycopg.Connection[Any], text: str, *, what: str, attempts: int) -> None:
    """Run `text` in a savepoint, again after a pause each time a lock wait times out."""
    for attempt in range(1, attempts + 1):
        try:
            with conn.transaction():
                conn.execute(text.encode())
            return
        except errors.LockNotAvailable:
            if attempt == attempts:
                raise PypgflowError(
                    f"runtime upgrade gave up after {attempts} attempts: {what} waited too long "
                    "for a lock held by other sessions; nothing was changed, try again later"
                ) from None
            time.sleep(min(0.1 * 2**attempt, 2.0))


def _ensure_role(conn: psycopg.Connection[Any], role: str) -> None:
    """Create a cluster-wide role if missing; another database's upgrade may race us to it."""
    exists = conn.execute("select 1 from pg_roles where rolname = %s", [role]).fetchone()
    if exists:
        return
    try:
        with conn.transaction():
            conn.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))
    except (errors.DuplicateObject, errors.UniqueViolation):
        pass


def _record_version(conn: psycopg.Connection[Any], names: RuntimeNames, version: int) -> None:
    query = sql.SQL("insert into {}.runtime_versions (version) values (%s)").format(
        sql.Identifier(names.schema)
    )
    conn.execute(query, [version])
