"""Saved plans carry the running instances a migration moves, and the `migrate:` section of each
definition; `apply --plan` refuses a plan whose migration would now move other instances, and
apply refuses a plan whose map strands a listed version's instances; the database unchanged.

The definitions get their `migrate:` section here directly (`Workflow.migrate`), not from a file:
the files' section is read by the loader of the migrate lane.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pypgflow_ops.config import Config
from pypgflow_ops.deploy import saved_plan
from pypgflow_ops.deploy.apply import FromRepository, apply, plan_against
from pypgflow_ops.deploy.fingerprint import fingerprint
from pypgflow_ops.deploy.introspect import read_live_state
from pypgflow_ops.lint import lint_paths
from pypgflow_ops.model import Migration, Workflow
from pypgflow_ops.plan import Plan

from .cli import apply_plan, rows, run
from .test_impact import start
from .workflow_files import chain, write

MAP = Migration(("1",), {"s2": "s1"})


def _snapshot(url: str) -> list[Any]:
    return [
        rows(url, f"select * from pypgflow.{table} order by 1, 2")  # noqa: S608
        for table in (
            "workflow_definitions",
            "workflow_heads",
            "deployments",
            "tenants",
            "entity_workflow_instances",
            "workflow_transition_history",
        )
    ]


def _orders_2(folder: Path, migrate: Migration) -> Workflow:
    """orders 2 (start, s1, done) as lint reads it, with `migrate`."""
    (workflow,) = lint_paths([write(folder, chain("orders", "2", states=3))], Config()).workflows
    return replace(workflow, migrate=migrate)


@pytest.fixture
def tenant(runtime_database_url: str, tmp_path: Path) -> str:
    """orders 1 (start, s1, s2, done) with two instances in s1 and one in s2."""
    url, slug = runtime_database_url, f"t{tmp_path.name[-20:].replace('_', '')}"
    code, _, err = run(
        "apply", write(tmp_path / "v1", chain("orders", "1", states=4)), "--tenant", slug,
        "--database-url", url, "--yes",
    )  # fmt: skip
    assert code == 0, err
    start(url, slug, "a", "s1")
    start(url, slug, "b", "s1")
    start(url, slug, "c", "s1", "s2")
    return slug


def _planned(url: str, tenant: str, desired: Workflow) -> tuple[Plan, str]:
    with psycopg.connect(url) as conn:
        live = read_live_state(conn, tenant, [desired])
    return plan_against(tenant, [desired], live, prune=False), fingerprint(live)


def _save(url: str, tenant: str, desired: Workflow, path: Path) -> Path:
    planned, made_against = _planned(url, tenant, desired)
    saved_plan.write(path, saved_plan.saved(planned, [desired], made_against, prune=False))
    return path


def test_a_saved_plan_carries_the_map_and_the_instances_it_moves(
    runtime_database_url: str, tenant: str, tmp_path: Path
) -> None:
    path = _save(runtime_database_url, tenant, _orders_2(tmp_path / "wf", MAP), tmp_path / "p")

    data = json.loads(path.read_text(encoding="utf-8"))
    (change,) = data["plan"]["changes"]
    assert change["migrated"] == [
        {"version": "1", "state": "s1", "count": 2, "to_state": "s1"},
        {"version": "1", "state": "s2", "count": 1, "to_state": "s1"},
    ]
    assert data["definitions"][0]["migrate"] == {"from": ["1"], "states": {"s2": "s1"}}
    (read,) = saved_plan.read(path, Config()).workflows
    assert read.migrate == MAP


def test_apply_refuses_a_saved_plan_whose_migration_would_move_other_instances(
    runtime_database_url: str, tenant: str, tmp_path: Path
) -> None:
    url = runtime_database_url
    path = _save(url, tenant, _orders_2(tmp_path / "wf", MAP), tmp_path / "plan.json")
    start(url, tenant, "d", "s1", "s2")  # one more instance the migration would move
    before = _snapshot(url)

    code, out, err = apply_plan(path, tenant, url)

    assert (code, out) == (1, "")
    assert err == (
        "pypgflow-ops: error: the running instances a migration moves changed since the plan "
        f"was made (tenant {tenant!r}, orders 2: 3 then, 4 now, by version and state); nothing "
        "was applied: make the plan again\n"
    )
    assert _snapshot(url) == before


def test_a_map_that_strands_a_listed_version_is_refused_and_changes_nothing(
    runtime_database_url: str, tenant: str, tmp_path: Path
) -> None:
    url = runtime_database_url
    desired = _orders_2(tmp_path / "wf", Migration(("1",)))  # s2 has no mapping, 2 has no s2
    before = _snapshot(url)

    with psycopg.connect(url) as conn:
        outcome = apply(
            conn,
            tenant,
            FromRepository(tenant, (desired,)),
            actor="test",
            on_wait=lambda _: None,
            show=lambda _: None,
            confirm=lambda: True,
        )

    assert outcome.deployment_id is None
    (change,) = outcome.plan.errors
    assert change.impact is not None
    assert [(g.version, g.state, g.count) for g in change.impact.refused] == [("1", "s2", 1)]
    assert _snapshot(url) == before
