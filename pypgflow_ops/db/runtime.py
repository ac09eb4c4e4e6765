"""Install and upgrade the runtime (schemas, tables, functions, views, policies) in a database.

Each runtime version is a folder of templates, sql_templates/runtime/v<N>/, run in name order; the
first line of each template says what it does. A fresh install runs every version in turn, so it
and an upgraded database run the same steps. `upgrade` runs inside the caller's transaction (so
apply installs the runtime and its definitions atomically), serialized by a transaction-scoped
advisory lock; it refuses a runtime that is not intact (db/integrity.py). All its DDL runs in one
savepoint under a short lock_timeout, retried after a growing pause: a lock wait never stalls the
readers queued behind it for long, and giving up releases every lock it took.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import errors, sql
from psycopg.pq import TransactionStatus

from pypgflow_ops.db.failure import one_line
from pypgflow_ops.db.released import RELEASED_CHECKSUMS
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.sqltemplates import environment, render, template_names

RUNTIME_VERSION = 3

# pg_advisory_xact_lock(CLASS, OBJECT): "pgrt" as an int4; the deploy lock uses another class.
LOCK_CLASS = 1885827700
LOCK_OBJECT = 1

# Per attempt: how long the DDL may wait for a lock (what a reader queued behind it may wait at
# most), then the pause before the next attempt. Worst case in all: 4.3 s.
LOCK_SCHEDULE: tuple[tuple[float, float], ...] = (
    (0.05, 0.05),
    (0.1, 0.1),
    (0.2, 0.2),
    (0.4, 0.4),
    (0.4, 0.4),
    (0.4, 0.4),
    (0.4, 0.4),
    (0.4, 0),
)

# Version 2 checks tenants.slug with the CLI's pattern (pypgflow_ops/deploy/tenant.py).
SLUG_PATTERN = "^[a-z0-9][a-z0-9_-]{0,62}$"

_VERSION_FOLDER = re.compile(r"^runtime/v(\d+)/")


@dataclass(frozen=True, slots=True)
class RuntimeNames:
    """The schemas and roles the runtime is installed as (identifiers for the templates)."""

    schema: str = "pypgflow"
    api: str = "api"
    anon_role: str = "pypgflow_anon"
    authenticated_role: str = "pypgflow_authenticated"
    owner_role: str = "pypgflow_owner"
    bound_role: str = "pypgflow_tenant_bound"  # since version 3: the group of tenant-bound roles

    def identifiers(self) -> dict[str, str]:
        return {
            "schema": self.schema,
            "api": self.api,
            "anon_role": self.anon_role,
            "authenticated_role": self.authenticated_role,
            "owner_role": self.owner_role,
            "bound_role": self.bound_role,
        }


DEFAULT_NAMES = RuntimeNames()


@dataclass(frozen=True, slots=True)
class Step:
    """One template of one runtime version."""

    version: int
    template: str
    summary: str
    checksum: str  # SHA-256 of the template's text


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
            source = _source(template)
            found.append(Step(int(match.group(1)), template, _summary(source), _checksum(source)))
    return tuple(sorted(found, key=lambda step: (step.version, step.template)))


def _source(template: str) -> str:
    source, _, _ = environment().loader.get_source(environment(), template)  # type: ignore[union-attr]
    return source


def _summary(source: str) -> str:
    first_line = source.splitlines()[0] if source else ""
    return first_line.removeprefix("--").strip()


def _checksum(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()


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


def pending_steps(
    conn: psycopg.Connection[Any],
    names: RuntimeNames = DEFAULT_NAMES,
    *,
    target: int = RUNTIME_VERSION,
) -> list[Step]:
    """What an upgrade would run, in order; empty when the runtime is current."""
    current = installed_version(conn, names) or 0
    if current > RUNTIME_VERSION:
        raise PypgflowError(
            f"the database has runtime version {current}, newer than this pypgflow-ops installs "
            f"({RUNTIME_VERSION}): upgrade pypgflow-ops"
        )
    return [step for step in steps() if current < step.version <= target]


def upgrade(
    conn: psycopg.Connection[Any],
    names: RuntimeNames = DEFAULT_NAMES,
    *,
    target: int = RUNTIME_VERSION,
    schedule: Sequence[tuple[float, float]] = LOCK_SCHEDULE,
) -> UpgradeResult:
    """Bring the runtime to `target` inside the caller's transaction; commit is theirs.

    Refuses (PypgflowError, nothing changed) a runtime that is not intact, and tenant slugs that
    version 2's pattern refuses. `target` below RUNTIME_VERSION is for tests of upgrades.
    """
    from pypgflow_ops.db import integrity  # it imports this module

    if conn.autocommit and conn.info.transaction_status == TransactionStatus.IDLE:
        raise ValueError("upgrade() runs inside the caller's transaction: open one first")
    conn.execute("select pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, LOCK_OBJECT])
    previous = installed_version(conn, names)
    if previous is not None:
        integrity.refuse_unless_intact(conn, names, previous)
    todo = pending_steps(conn, names, target=target)
    if not todo:
        return UpgradeResult(previous, ())
    try:
        if previous is not None and previous < 2 <= target:
            _refuse_bad_slugs(conn, names)
        for role in (names.anon_role, names.authenticated_role, names.owner_role,
                     names.bound_role):
            _ensure_role(conn, role)
        _refuse_a_strong_owner(conn, names.owner_role)
        with_lock_retries(
            conn,
            lambda: _run(conn, names, previous or 0, todo),
            what=f"the runtime upgrade to version {target}",
            schedule=schedule,
        )
    except psycopg.Error as exc:
        raise PypgflowError(f"runtime upgrade failed: {one_line(exc)}") from None
    # A running PostgREST caches the schema: tell it to reload (delivered at commit, dropped on
    # rollback), or it answers 404 for the new functions until restarted.
    conn.execute("notify pgrst, 'reload schema'")
    return UpgradeResult(previous, tuple(todo))


def _run(
    conn: psycopg.Connection[Any], names: RuntimeNames, previous: int, todo: list[Step]
) -> None:
    target = todo[-1].version
    for version in sorted({step.version for step in todo}):
        for step in (step for step in todo if step.version == version):
            conn.execute(render(step.template, **names.identifiers()).encode())
        if version == 3:
            _group_bound_roles(conn, names)
        _record_version(conn, names, version)
    s, a = sql.Identifier(names.schema), sql.Identifier(names.api)
    # Whatever a step creates, PUBLIC may execute none of it (a default cannot revoke per schema).
    conn.execute(
        sql.SQL(
            "revoke execute on all functions in schema {s} from public;"
            "revoke execute on all functions in schema {a} from public"
        ).format(s=s, a=a)
    )
    if target >= 2:
        ran = {step.template for step in todo}
        checksums = [
            (
                step.version,
                step.template,
                step.checksum if step.template in ran else RELEASED_CHECKSUMS[step.template],
            )
            for step in steps()
            if step.template in ran or step.version <= previous < 2  # kept since version 2
        ]
        with conn.cursor() as cur:
            cur.executemany(
                sql.SQL(
                    "insert into {}.runtime_steps (version, template, checksum) values (%s, %s, %s)"
                ).format(s),
                checksums,
            )


def with_lock_retries(
    conn: psycopg.Connection[Any],
    run: Callable[[], None],
    *,
    what: str,
    schedule: Sequence[tuple[float, float]] = LOCK_SCHEDULE,
) -> None:
    """`run()` in a savepoint under a short lock_timeout; after a lock wait times out, the
    savepoint is rolled back (releasing every lock it took) and run again after a pause."""
    row = conn.execute("select current_setting('lock_timeout')").fetchone()
    assert row is not None
    started = time.monotonic()
    for attempt, (timeout, pause) in enumerate(schedule, start=1):
        try:
            with conn.transaction():
                conn.execute(
                    "select set_config('lock_timeout', %s, true)", [f"{round(timeout * 1000)}ms"]
                )
                run()
            conn.execute("select set_config('lock_timeout', %s, true)", [row[0]])
            return
        except errors.LockNotAvailable:
            if attempt == len(schedule):
                raise PypgflowError(
                    f"{what} gave up after {attempt} attempts in "
                    f"{time.monotonic() - started:.1f} s: other sessions held locks on the "
                    "runtime's tables all along; nothing was changed: try again when the "
                    "database is quieter"
                ) from None
            time.sleep(pause)


def _refuse_bad_slugs(conn: psycopg.Connection[Any], names: RuntimeNames) -> None:
    query = sql.SQL("select slug from {}.tenants where slug !~ %s order by slug").format(
        sql.Identifier(names.schema)
    )
    bad = [row[0] for row in conn.execute(query, [SLUG_PATTERN])]
    if bad:
        shown = ", ".join(repr(slug) for slug in bad[:10])
        more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
        table = sql.Identifier(names.schema, "tenants").as_string(None)
        raise PypgflowError(
            f"runtime upgrade refused: {len(bad)} tenant slug(s) break the pattern that runtime "
            "version 2 enforces (1 to 63 of a-z, 0-9, '_' and '-', starting with a letter or a "
            f"digit): {shown}{more}; change them in {table}, then upgrade again"
        )


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


def _group_bound_roles(conn: psycopg.Connection[Any], names: RuntimeNames) -> None:
    """Version 3 looks up a binding only for members of the bound group: roles bound before it
    become members (`db grant-tenant` makes them so from now on)."""
    query = sql.SQL(
        "select r.rolname from {}.tenant_roles b join pg_catalog.pg_roles r on r.oid = b.role_id "
        "order by 1"
    ).format(sql.Identifier(names.schema))
    for (role,) in conn.execute(query).fetchall():
        conn.execute(
            sql.SQL("grant {} to {}").format(sql.Identifier(names.bound_role), sql.Identifier(role))
        )


def _refuse_a_strong_owner(conn: psycopg.Connection[Any], role: str) -> None:
    """The functions' owner must be bound by row-level security, or it is no wall."""
    row = conn.execute(
        "select rolcanlogin, rolsuper, rolbypassrls from pg_roles where rolname = %s", [role]
    ).fetchone()
    assert row is not None
    if any(row):
        quoted = sql.Identifier(role).as_string(None)
        raise PypgflowError(
            f"runtime upgrade refused: role {role!r} (the api functions' owner) may log in, is a "
            f"superuser or bypasses row-level security: run ALTER ROLE {quoted} NOLOGIN "
            "NOSUPERUSER NOBYPASSRLS, then upgrade again"
        )


def _record_version(conn: psycopg.Connection[Any], names: RuntimeNames, version: int) -> None:
    query = sql.SQL("insert into {}.runtime_versions (version) values (%s)").format(
        sql.Identifier(names.schema)
    )
    conn.execute(query, [version])
