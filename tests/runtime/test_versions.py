"""Writing runtime vN safely: a database upgraded from any older version, with data, has the
schema of a fresh install (pg_dump --schema-only, the same text) and keeps its data; tenant slugs
that version 2's pattern refuses stop the upgrade before it changes anything."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pypgflow_ops.db import integrity, runtime
from pypgflow_ops.errors import PypgflowError

from .postgrest import add_order_workflow, add_tenant, get, rpc

OLDER = list(range(1, runtime.RUNTIME_VERSION))
TABLES = ["tenants", "workflow_definitions", "workflow_states", "workflow_transitions",
          "workflow_heads", "entity_workflow_instances", "workflow_transition_history",
          "deployments"]
# Columns added by a later version, left out of the comparison of contents.
ADDED = {"workflow_transition_history": ["subject"],
         "workflow_definitions": ["state_count", "transition_count"],
         "deployments": ["instances_migrated"]}

# Every privilege on a runtime object held by a role other than its owner (the installer): the
# API reads, calls four functions and evaluates the tenant; the functions' owner reads what they
# read and writes only the columns they write. Nothing for PUBLIC or pypgflow_anon.
MINIMAL = sorted([
    "column {schema}.entity_workflow_instances.completed_at: {owner}=INSERT, {owner}=UPDATE",
    "column {schema}.entity_workflow_instances.current_state: {owner}=INSERT, {owner}=UPDATE",
    "column {schema}.entity_workflow_instances.entity_id: {owner}=INSERT",
    "column {schema}.entity_workflow_instances.entity_table: {owner}=INSERT",
    "column {schema}.entity_workflow_instances.metadata: {owner}=INSERT",
    "column {schema}.entity_workflow_instances.tenant_id: {owner}=INSERT",
    "column {schema}.entity_workflow_instances.transition_count: {owner}=UPDATE",
    "column {schema}.entity_workflow_instances.updated_at: {owner}=UPDATE",
    "column {schema}.entity_workflow_instances.workflow_definition_id: {owner}=INSERT",
    "column {schema}.entity_workflow_instances.workflow_name: {owner}=INSERT",
    *(f"column {{schema}}.workflow_transition_history.{c}: {{owner}}=INSERT"
      for c in ("context", "executed_by", "from_state", "instance_id", "notes", "sequence",
                "subject", "tenant_id", "to_state", "transition_name")),
    "default privileges of {owner} in every schema on functions: {owner}=EXECUTE",
    *(f"function {{api}}.{f}: {{authenticated}}=EXECUTE, {{owner}}=EXECUTE"
      for f in ("execute_transition", "get_transitions", "start_workflow",
                "start_workflow_by_id")),
    # the policies' tenant, evaluated as the caller (views) and as the owner (functions)
    *(f"function {{schema}}.{f}: {{authenticated}}=EXECUTE, {{owner}}=EXECUTE"
      for f in ("current_tenant_id", "member_tenant_id", "session_binding")),
    "function {schema}.current_actor: {owner}=EXECUTE",
    "function {schema}.describe_unmet: {owner}=EXECUTE",
    "function {schema}.require_tenant: {owner}=EXECUTE",
    "function {schema}.start_instance: {owner}=EXECUTE",
    "function {schema}.unmet_conditions: {owner}=EXECUTE",
    "schema {api}: {authenticated}=USAGE",
    "schema {schema}: {authenticated}=USAGE, {owner}=USAGE",
    *(f"table {{schema}}.{t}: {{authenticated}}=SELECT"
      for t in ("deployments", "tenants", "workflow_transition_history")),
    *(f"table {{schema}}.{t}: {{authenticated}}=SELECT, {{owner}}=SELECT"
      for t in ("entity_workflow_instances", "tenant_roles", "workflow_definitions",
                "workflow_heads", "workflow_states", "workflow_transitions")),
    *(f"view {{api}}.{v}: {{authenticated}}=SELECT"
      for v in ("entity_workflows", "workflow_history", "workflow_states",
                "workflow_transitions", "workflows")),
])


def install(make_database: Callable[..., str], version: int) -> str:
    url = make_database()
    with psycopg.connect(url) as conn:
        runtime.upgrade(conn, target=version)
        conn.commit()
    return url


def upgrade(url: str) -> runtime.UpgradeResult:
    with psycopg.connect(url) as conn:
        result = runtime.upgrade(conn)
        conn.commit()
    return result


def fill(url: str) -> None:
    """Tenants, definitions, heads, running and finished instances, history, a deployment."""
    with psycopg.connect(url, autocommit=True) as conn:
        for slug in ("a", "b"):
            tenant = add_tenant(conn, slug)
            add_order_workflow(conn, tenant, head=True)
            conn.execute("insert into pypgflow.deployments (tenant_id, actor, plan_hash) "
                         "values (%s, 'ci', 'h')", [tenant])
            for entity in ("1", "2"):
                instance = rpc(conn, "start_workflow", tenant, workflow_name="order",
                               entity_table="orders", entity_id=entity)["id"]
                rpc(conn, "execute_transition", tenant, instance_id=instance,
                    to_state="cancelled" if entity == "1" else "paid", executed_by=slug,
                    notes="n", context={"amount": 1})


def contents(url: str) -> dict[str, list[Any]]:
    """Every row of every table, in a stable order, as JSON (columns added since are left out)."""
    with psycopg.connect(url) as conn:
        return {
            table: conn.execute(
                f"select coalesce(json_agg(r order by r::text), '[]') from (select to_jsonb(t)"  # noqa: S608
                f" - %s::text[] as r from pypgflow.{table} t) t", [ADDED.get(table, [])]
            ).fetchone()[0]  # type: ignore[index]
            for table in TABLES
        }


def schema_dump(url: str) -> str:
    done = subprocess.run(["pg_dump", "--schema-only", "--no-owner", "-d", url], check=True,
                          capture_output=True, text=True)
    return "\n".join(line for line in done.stdout.splitlines()
                     if not line.startswith(("\\restrict", "\\unrestrict")))


@pytest.mark.parametrize("version", OLDER)
def test_an_upgraded_database_has_the_schema_of_a_fresh_install_and_keeps_its_data(
    make_database: Callable[..., str], version: int
) -> None:
    old = install(make_database, version)
    fill(old)
    before = contents(old)
    assert upgrade(old).previous_version == version
    assert contents(old) == before
    assert schema_dump(old) == schema_dump(make_database(runtime=True))


@pytest.mark.parametrize("version", OLDER)
def test_an_upgraded_database_runs_its_old_instances(
    make_database: Callable[..., str], version: int
) -> None:
    old = install(make_database, version)
    fill(old)
    upgrade(old)
    with psycopg.connect(old, autocommit=True) as conn:
        tenant = conn.execute("select id from pypgflow.tenants where slug = 'a'").fetchone()
        assert tenant is not None
        rows = get(conn, "entity_workflows", tenant[0])
        [running] = [r for r in rows if r["completed_at"] is None]
        moved = rpc(conn, "execute_transition", tenant[0], instance_id=running["id"],
                    to_state="cancelled", executed_by="clerk")
        history = sorted((r["sequence"], r["subject"])
                         for r in get(conn, "workflow_history", tenant[0])
                         if r["entity_workflow_instance_id"] == running["id"])
    assert moved["current_state"] == "cancelled"
    before_subjects = None if version < 2 else "tester"  # the subject is recorded since version 2
    assert history == [(0, before_subjects), (1, before_subjects), (2, "tester")]


def privileges(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        facts = integrity.live_facts(conn, version=runtime.RUNTIME_VERSION)
    listed = []
    for subject, fact in facts.items():
        granted = next((p.removeprefix("privileges ") for p in fact.split("; ")
                        if p.startswith("privileges ")), None)
        others = [g for g in (granted or "").split(", ") if g and not g.startswith("{installer}")]
        if others and "none" not in others:
            listed.append(f"{subject.partition('(')[0]}: {', '.join(others)}")
    return sorted(listed)


@pytest.mark.parametrize("version", OLDER)
def test_privileges_are_minimal_and_the_same_after_a_fresh_install_and_an_upgrade(
    make_database: Callable[..., str], version: int
) -> None:
    old = install(make_database, version)
    fill(old)
    upgrade(old)
    assert privileges(make_database(runtime=True)) == MINIMAL
    assert privileges(old) == MINIMAL


def test_tenant_slugs_that_break_the_pattern_stop_the_upgrade(
    make_database: Callable[..., str],
) -> None:
    old = install(make_database, 1)
    with psycopg.connect(old, autocommit=True) as conn:
        for slug in ("fine", "Bad Slug", " x", "-dash"):
            add_tenant(conn, slug)
    with psycopg.connect(old) as conn, pytest.raises(PypgflowError) as raised:
        runtime.upgrade(conn)
    assert str(raised.value) == (
        "runtime upgrade refused: 3 tenant slug(s) break the pattern that runtime version 2 "
        "enforces (1 to 63 of a-z, 0-9, '_' and '-', starting with a letter or a digit): ' x', "
        "'-dash', 'Bad Slug'; change them in \"pypgflow\".\"tenants\", then upgrade again")
    with psycopg.connect(old) as conn:
        assert runtime.installed_version(conn) == 1


def test_the_slug_constraint_is_the_clis_pattern(runtime_conn: psycopg.Connection[Any]) -> None:
    from pypgflow_ops.deploy.tenant import _SLUG

    assert f"^{_SLUG.pattern}$" == runtime.SLUG_PATTERN
    row = runtime_conn.execute(
        "select pg_get_constraintdef(oid) from pg_constraint where conname = "
        "'tenants_slug_pattern'").fetchone()
    assert row is not None and runtime.SLUG_PATTERN in row[0]
    with pytest.raises(psycopg.errors.CheckViolation):
        runtime_conn.execute("insert into pypgflow.tenants (slug, name) values ('A', 'a')")


def test_version_numbers_are_whole_and_in_order() -> None:
    assert [json.dumps(s.version) for s in runtime.steps()] == sorted(
        (json.dumps(s.version) for s in runtime.steps()), key=int)


WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def apply_examples(url: str, tenant: str, *, confirm: bool) -> Any:
    from pypgflow_ops.deploy.apply import FromRepository, apply
    from pypgflow_ops.lint import lint_paths

    desired = lint_paths([WORKFLOWS]).workflows
    with psycopg.connect(url) as conn:
        return apply(conn, tenant, FromRepository(tenant, tuple(desired)), actor="t",
                     on_wait=print, show=lambda plan: None, confirm=lambda: confirm)


@pytest.mark.parametrize("version", OLDER)
def test_apply_upgrades_an_older_runtime_first_and_plans_from_the_old_version(
    make_database: Callable[..., str], version: int
) -> None:
    old = install(make_database, version)
    fill(old)
    declined = apply_examples(old, "c", confirm=False)
    with psycopg.connect(old) as conn:
        assert runtime.installed_version(conn) == version  # declining rolls the upgrade back
    applied = apply_examples(old, "c", confirm=True)
    with psycopg.connect(old) as conn:
        assert runtime.installed_version(conn) == runtime.RUNTIME_VERSION
    for outcome in (declined, applied):
        assert (outcome.plan.runtime_installed, outcome.plan.runtime_target) == (
            version, runtime.RUNTIME_VERSION)
    assert (declined.deployment_id, applied.deployment_id is not None) == (None, True)
