"""What plan and apply mean to the runtime: new starts use the active version, running instances
stay on theirs, a retired workflow cannot be started; a new version counts the instances it
strands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest

from .cli import apply, plan
from .workflow_files import chain, write


def _call(url: str, tenant: str, query: str, *params: Any) -> tuple[Any, ...]:
    """Call the api as the tenant (its id in the pypgflow.tenant_id setting)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "select set_config('pypgflow.tenant_id', id::text, false) from pypgflow.tenants"
            " where slug = %s",
            [tenant],
        )
        row = conn.execute(query, params).fetchone()
        assert row is not None
        return row


def _start(url: str, tenant: str, entity: str) -> tuple[str, str]:
    """(instance id, version) of a new instance of `orders`."""
    instance_id, version = _call(
        url,
        tenant,
        "select s.id, s.version from api.start_workflow('orders', 'order', %s) s",
        entity,
    )
    return str(instance_id), version


def test_new_starts_follow_the_active_version_and_running_instances_keep_theirs(
    runtime_database_url: str, tmp_path: Path
) -> None:
    url, tenant = runtime_database_url, "effects"
    apply(write(tmp_path / "wf", chain("orders", states=4)), tenant, url)
    first, _ = _start(url, tenant, "a")
    _call(
        url,
        tenant,
        "select api.execute_transition(%s, 's1', 'test', null, %s)",
        first,
        json.dumps({"approved_by": "x"}),
    )
    newer = write(tmp_path / "wf", chain("orders", "2", states=3))  # s2 is gone

    (change,) = json.loads(plan(newer, tenant, url, "--format", "json")[1])["changes"]
    assert change["instances"] == [{"version": "1", "state": "s1", "count": 1, "fate": "kept"}]
    second, _ = _start(url, tenant, "b")
    _call(
        url,
        tenant,
        "select api.execute_transition(%s, 's1', 'test', null, %s)",
        second,
        json.dumps({"approved_by": "x"}),
    )
    _call(
        url,
        tenant,
        "select api.execute_transition(%s, 's2', 'test', null, %s)",
        second,
        json.dumps({"approved_by": "x"}),
    )
    (change,) = json.loads(plan(newer, tenant, url, "--format", "json")[1])["changes"]
    assert change["instances"] == [
        {"version": "1", "state": "s1", "count": 1, "fate": "kept"},
        {"version": "1", "state": "s2", "count": 1, "fate": "stranded"},
    ]

    assert apply(newer, tenant, url)[0] == 0

    assert _start(url, tenant, "c")[1] == "2"
    assert _call(url, tenant, "select version from api.entity_workflows where id = %s", second) == (
        "1",
    )
    moved = _call(
        url,
        tenant,
        "select current_state from api.execute_transition(%s, 'done', 'test', null, %s)",
        second,
        json.dumps({"approved_by": "x"}),
    )
    assert moved == ("done",)

    assert apply(write(tmp_path / "wf", chain("orders", states=4)), tenant, url)[0] == 0  # revert
    assert _start(url, tenant, "d")[1] == "1"


def test_a_retired_workflow_cannot_be_started_and_its_instances_finish(
    runtime_database_url: str, tmp_path: Path
) -> None:
    url, tenant = runtime_database_url, "retiring"
    apply(write(tmp_path / "wf", chain("orders"), chain("kept")), tenant, url)
    running, _ = _start(url, tenant, "a")

    assert apply(write(tmp_path / "wf", chain("kept")), tenant, url, "--prune")[0] == 0

    assert _call(
        url,
        tenant,
        "select array_agg(w.name order by w.name) filter (where w.active) from api.workflows w"
        " join pypgflow.workflow_definitions d using (id)"  # the superuser bypasses RLS
        " where d.tenant_id = current_setting('pypgflow.tenant_id')::uuid",
    ) == (["kept"],)
    with pytest.raises(psycopg.Error, match="retired") as refused:
        _start(url, tenant, "b")
    assert refused.value.sqlstate == "PT410"
    for state in ("s1", "done"):
        moved = _call(
            url,
            tenant,
            "select current_state, completed_at is not null"
            " from api.execute_transition(%s, %s, 'test', null, %s)",
            running,
            state,
            json.dumps({"approved_by": "x"}),
        )
    assert moved == ("done", True)
