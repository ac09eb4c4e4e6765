"""Templates print identifiers only, always quoted; hostile names survive a real install."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import jinja2
import psycopg
import pytest
from pg_harness import create_database, drop_database
from psycopg import sql

from pypgflow_ops.db import integrity, runtime
from pypgflow_ops.sqltemplates import environment, quote_ident, render

HOSTILE = {
    "schema": 'sch"ema; drop table x; --',
    "api": "a$$pi{{ 7*7 }}{# x",
    "anon_role": "an'on\n/* ü */",
    "authenticated_role": "auth $body$ é\"\"",
    "owner_role": "own'er $$ x",
    "bound_role": "bo'und $body$ x",
}


def all_templates() -> list[str]:
    return sorted(environment().list_templates(extensions=["sql"]))


@pytest.mark.parametrize("template", all_templates())
def test_every_template_quotes_every_identifier(template: str) -> None:
    text = render(template, **HOSTILE)
    for name in HOSTILE.values():
        text = text.replace(quote_ident(name), "").replace(sql.Literal(name).as_string(None), "")
    for fragment in ("drop table x", "$$pi", "7*7", "an'on", "$body$ é", "$$ x", "bo'und"):
        assert fragment not in text


@pytest.mark.parametrize("value", [None, 1, b"pypgflow", ["a"]])
def test_only_text_can_be_an_identifier(value: object) -> None:
    with pytest.raises(TypeError):
        quote_ident(value)


@pytest.mark.parametrize("value", ["", "a\x00b", "100%"])
def test_an_impossible_identifier_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        quote_ident(value)


def test_printing_a_value_without_the_filter_is_refused() -> None:
    with pytest.raises(TypeError, match="without the ident filter"):
        environment().from_string("select {{ name }}").render(name="x")


def test_an_undefined_identifier_is_refused() -> None:
    with pytest.raises(jinja2.UndefinedError):
        render(runtime.steps()[0].template)


@pytest.fixture
def hostile_database(pg_server: str) -> Iterator[str]:
    suffix = uuid.uuid4().hex[:6]
    names = runtime.RuntimeNames(**{k: f"{v} {suffix}" for k, v in HOSTILE.items()})
    url = create_database(pg_server, "hostile_names")
    try:
        with psycopg.connect(url) as conn:
            runtime.upgrade(conn, names)
        yield url
    finally:
        drop_database(pg_server, url)
        with psycopg.connect(pg_server, autocommit=True) as conn:
            for role in (names.anon_role, names.authenticated_role, names.owner_role,
                         names.bound_role):
                conn.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(role)))


def test_a_runtime_installed_under_hostile_names_runs_a_workflow(hostile_database: str) -> None:
    with psycopg.connect(hostile_database, autocommit=True) as conn:
        find = "select nspname from pg_namespace where starts_with(nspname, %s)"
        [schema] = conn.execute(find, [HOSTILE["schema"]])
        [api] = conn.execute(find, [HOSTILE["api"]])
        [role] = conn.execute("select rolname from pg_roles where starts_with(rolname, %s) "
                              "and has_schema_privilege(rolname, %s, 'usage')",
                              [HOSTILE["authenticated_role"], api[0]])
        s, a = sql.Identifier(schema[0]), sql.Identifier(api[0])
        tenant = conn.execute(sql.SQL("insert into {}.tenants (slug, name) values ('t', 't') "
                                      "returning id").format(s)).fetchone()
        assert tenant is not None
        definition = conn.execute(
            sql.SQL("insert into {}.workflow_definitions (tenant_id, name, version, revision, "
                    "content_hash) values (%s, 'w', '1', 1, 'h') returning id").format(s),
            [tenant[0]]).fetchone()
        assert definition is not None
        conn.execute(sql.SQL("insert into {}.workflow_states (tenant_id, definition_id, name, "
                             "initial, final) values (%s, %s, 'a', true, false), "
                             "(%s, %s, 'b', false, true)").format(s), [*tenant, *definition] * 2)
        conn.execute(sql.SQL("insert into {}.workflow_transitions (tenant_id, definition_id, "
                             "from_state, name, to_state) values (%s, %s, 'a', 'go', 'b')"
                             ).format(s), [*tenant, *definition])
        with conn.transaction():
            conn.execute(sql.SQL("set local role {}").format(sql.Identifier(role[0])))
            conn.execute("select set_config('pypgflow.tenant_id', %s, true)", [str(tenant[0])])
            started = conn.execute(sql.SQL("select id from {}.start_workflow('w', 't', '1')"
                                           ).format(a)).fetchone()
            assert started is not None
            conn.execute(sql.SQL("select {}.execute_transition(%s, 'b', 'me')").format(a),
                         [started[0]])
            final = conn.execute(sql.SQL("select current_state, completed_at is not null "
                                         "from {}.entity_workflows").format(a)).fetchall()
        assert final == [("b", True)]


def test_a_runtime_under_hostile_names_is_intact(make_database: Callable[..., str]) -> None:
    """The integrity facts name schemas and roles by what they are, so any names compare."""
    suffix = uuid.uuid4().hex[:6]
    names = runtime.RuntimeNames(**{k: f"{v} {suffix}" for k, v in HOSTILE.items()})
    with psycopg.connect(make_database()) as conn:  # rolled back, roles included
        runtime.upgrade(conn, names)
        found = integrity.check(conn, names, version=runtime.RUNTIME_VERSION)
        conn.rollback()
    assert found == []
