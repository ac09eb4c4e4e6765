"""Whether an installed runtime is intact: its safety objects as the released steps create them.

A fact is one line about one object (a table's row-level security and privileges, a policy, a
function's owner, settings, privileges and body, a trigger, a role's attributes, default
privileges), read from the catalog by sql_templates/integrity/facts.sql. The facts of a fresh
install of each version are kept in sql_templates/runtime/expected/v<N>.txt (tests regenerate and
compare them); a database whose facts differ, or whose recorded step checksums differ from the
steps this pypgflow-ops runs, is not intact, and upgrade and apply refuse to touch it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from pypgflow_ops.db.runtime import DEFAULT_NAMES, RuntimeNames, steps
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.resources import sql_templates_dir
from pypgflow_ops.sqltemplates import render

FIX = (
    "restore what differs as the runtime's steps create it (sql_templates/runtime/), or restore "
    "the database from a backup; see 'When the runtime is not intact' in docs/runtime.md"
)


@dataclass(frozen=True, slots=True)
class Difference:
    subject: str
    expected: str | None  # None: the object should not exist
    found: str | None  # None: the object is missing

    def describe(self, names: RuntimeNames = DEFAULT_NAMES) -> str:
        """One line, with the real names, saying only the parts that differ."""
        subject = shown(self.subject, names)
        if self.found is None:
            return f"{subject}: missing"
        if self.expected is None:
            return f"{subject}: not created by the runtime"
        expected, found = self.expected.split("; "), self.found.split("; ")
        wanted = "; ".join(part for part in expected if part not in found)
        got = "; ".join(part for part in found if part not in expected)
        return f"{subject}: {shown(got, names)} (expected: {shown(wanted, names)})"


def shown(text: str, names: RuntimeNames) -> str:
    """A fact with the labels of schemas and roles replaced by their names."""
    for label, name in (
        ("{schema}", names.schema),
        ("{api}", names.api),
        ("{owner}", names.owner_role),
        ("{authenticated}", names.authenticated_role),
        ("{anon}", names.anon_role),
        ("{bound}", names.bound_role),
        ("{installer}", "the installer"),
    ):
        text = text.replace(label, name)
    return text


def expected_path(version: int) -> Path:
    return sql_templates_dir() / "runtime" / "expected" / f"v{version}.txt"


def expected_facts(version: int) -> dict[str, str]:
    """The facts of a fresh install of `version`."""
    lines = expected_path(version).read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t", 1) for line in lines if line)


def format_facts(facts: dict[str, str]) -> str:
    return "".join(f"{key}\t{facts[key]}\n" for key in sorted(facts))


def live_facts(
    conn: psycopg.Connection[Any], names: RuntimeNames = DEFAULT_NAMES, *, version: int
) -> dict[str, str]:
    """The facts of the runtime in the database, as `version` would have them."""
    roles = [names.anon_role, names.authenticated_role]
    if version >= 2:
        roles.append(names.owner_role)
    parameters = {
        "schema": names.schema,
        "api": names.api,
        "owner": names.owner_role,
        "authenticated": names.authenticated_role,
        "anon": names.anon_role,
        "roles": roles,
    }
    saved = conn.execute(
        "select current_setting('search_path'), set_config('search_path', 'pg_catalog', true)"
    ).fetchone()
    assert saved is not None
    rows = conn.execute(render("integrity/facts.sql").encode(), parameters).fetchall()
    conn.execute("select set_config('search_path', %s, true)", [saved[0]])
    # quoted as PostgreSQL prints them: only when needed
    quoted = conn.execute(
        "select quote_ident(%s), quote_ident(%s), quote_literal(%s)",
        [names.schema, names.api, names.bound_role],
    )
    schema, api, bound = _one(quoted.fetchone())
    spaces = ((schema, "{schema}"), (api, "{api}"))
    return {
        _normalized(subject, spaces): _fact(text, spaces, bound)
        for subject, text in rows
    }


def _one(row: tuple[Any, ...] | None) -> tuple[Any, ...]:
    assert row is not None
    return row


def _normalized(text: str, spaces: tuple[tuple[str, str], ...]) -> str:
    for quoted, label in spaces:
        text = text.replace(f"{quoted}.", f"{label}.").replace(
            f"search_path={quoted}", f"search_path={label}"
        )
    return text


def _fact(text: str, spaces: tuple[tuple[str, str], ...], bound: str) -> str:
    """A fact, normalized; a function's body as a hash. A body in a string names no schema (any
    `pypgflow.` in it is text, such as a setting's name); a standard SQL body is deparsed, with
    schema names (not in a string literal, such as a setting's name) and the bound group's name
    as a literal (`bound`, quoted)."""
    head, marker, body = text.partition("; body ")
    if not marker:
        head, marker, body = text.partition("; sql body ")
        for quoted, label in spaces:  # names, not text that starts like one ('pypgflow.x')
            body = re.sub(f"(?<!')({re.escape(quoted)})\\.", f"{label}.", body)
        body = body.replace(bound, "'{bound}'")
    if not marker:
        return _normalized(text, spaces)
    digest = hashlib.sha256(body.encode()).hexdigest()[:16]
    return f"{_normalized(head, spaces)}; body sha256 {digest}"


def differences(expected: dict[str, str], found: dict[str, str]) -> list[Difference]:
    """What differs; a trigger added to a runtime table (auditing, say) is the database's own."""
    return [
        Difference(subject, expected.get(subject), found.get(subject))
        for subject in sorted(expected.keys() | found.keys())
        if expected.get(subject) != found.get(subject)
        and not (subject.startswith("trigger ") and subject not in expected)
    ]


def step_differences(
    conn: psycopg.Connection[Any], names: RuntimeNames, version: int
) -> list[Difference]:
    """Recorded step checksums (kept since version 2) that differ from this tool's steps."""
    if version < 2:
        return []
    query = sql.SQL("select template, checksum from {}.runtime_steps").format(
        sql.Identifier(names.schema)
    )
    recorded = {f"step {t}": f"checksum {c}" for t, c in conn.execute(query)}
    known = {
        f"step {s.template}": f"checksum {s.checksum}" for s in steps() if s.version <= version
    }
    return differences(known, recorded)


def binding_differences(
    conn: psycopg.Connection[Any], names: RuntimeNames, version: int
) -> list[Difference]:
    """Tenant-bound roles that are not members of the bound group (since version 3), for which
    current_tenant_id() would not look the binding up and would trust their claims, or that may
    create roles (and so leave the group, or make a role that names any tenant)."""
    if version < 3:
        return []
    group = conn.execute(
        "select oid from pg_catalog.pg_roles where rolname = %s", [names.bound_role]
    ).fetchone()
    if group is None:
        return [Difference("role {bound}", "exists", None)]
    rows = conn.execute(
        sql.SQL(
            "select r.rolname, pg_catalog.pg_has_role(r.oid, %s::oid, 'member'), r.rolcreaterole "
            "from {}.tenant_roles b join pg_catalog.pg_roles r on r.oid = b.role_id order by 1"
        ).format(sql.Identifier(names.schema)),
        [group[0]],
    ).fetchall()
    expected = "member of {bound}; createrole false"
    return [
        Difference(
            f"tenant-bound role {role}",
            expected,
            f"{'member' if member else 'not a member'} of {{bound}}; "
            f"createrole {str(creates).lower()}",
        )
        for role, member, creates in rows
        if not member or creates
    ]


def check(
    conn: psycopg.Connection[Any], names: RuntimeNames = DEFAULT_NAMES, *, version: int
) -> list[Difference]:
    """Everything in which the installed runtime (of `version`) differs from a fresh install."""
    found = live_facts(conn, names, version=version)
    return (
        step_differences(conn, names, version)
        + differences(expected_facts(version), found)
        + binding_differences(conn, names, version)
    )


def refuse_unless_intact(conn: psycopg.Connection[Any], names: RuntimeNames, version: int) -> None:
    found = check(conn, names, version=version)
    if found:
        listed = "; ".join(d.describe(names) for d in found[:5])
        more = f"; and {len(found) - 5} more (db status lists them)" if len(found) > 5 else ""
        raise PypgflowError(
            f"the runtime (version {version}) is not intact, so nothing was changed: "
            f"{listed}{more}. To fix: {FIX}"
        )
