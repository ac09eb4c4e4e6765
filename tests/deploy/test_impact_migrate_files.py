"""Impact and refusal end to end, from workflow files with a `migrate:` section.

The same behaviour is tested without files in test_impact_saved.py and tests/plan/test_impact.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .cli import apply, apply_plan, plan, rows, run
from .test_impact import start
from .test_impact_saved import _snapshot
from .workflow_files import chain, write


def _orders_2(migrate: dict[str, Any]) -> dict[str, Any]:
    """orders 2: start, s1, done; with `migrate`."""
    return {**chain("orders", "2", states=3), "migrate": migrate}


@pytest.fixture
def tenant(runtime_database_url: str, tmp_path: Path) -> str:
    """orders 1 (start, s1, s2, done) with two instances in s1 and one in s2."""
    url, slug = runtime_database_url, f"t{tmp_path.name[-20:].replace('_', '')}"
    assert apply(write(tmp_path / "v1", chain("orders", "1", states=4)), slug, url)[0] == 0
    start(url, slug, "a", "s1")
    start(url, slug, "b", "s1")
    start(url, slug, "c", "s1", "s2")
    return slug


def test_the_plan_shows_where_each_group_moves(
    runtime_database_url: str, tenant: str, tmp_path: Path
) -> None:
    folder = write(tmp_path / "wf", _orders_2({"from": ["1"], "states": {"s2": "s1"}}))

    code, out, _ = plan(folder, tenant, runtime_database_url, "--detailed-exitcode")

    assert code == 2
    assert out.endswith(
        "      1 s1: 2 running instances, migrated (moves to 2 s1)\n"
        "      1 s2: 1 running instance, migrated (moves to 2 s1)\n"
        "\nPlan: 0 to create, 1 new version, 0 to roll back, 0 to retire, 0 unchanged, "
        "3 running instances to migrate.\n"
    )
    json_out = plan(folder, tenant, runtime_database_url, "--format", "json")[1]
    (change,) = json.loads(json_out)["changes"]
    assert change["instances"] == [
        {"version": "1", "state": "s1", "count": 2, "fate": "migrated", "to_state": "s1"},
        {"version": "1", "state": "s2", "count": 1, "fate": "migrated", "to_state": "s1"},
    ]


def test_a_map_that_strands_a_listed_version_fails_plan_and_apply(
    runtime_database_url: str, tenant: str, tmp_path: Path
) -> None:
    url = runtime_database_url
    folder = write(tmp_path / "wf", _orders_2({"from": ["1"]}))
    before = _snapshot(url)

    code, out, _ = plan(folder, tenant, url, "--detailed-exitcode")
    applied = apply(folder, tenant, url)

    assert code == 1
    assert (
        "    ! 1 s2: 1 running instance, stranded: `migrate` moves 1 to 2, which has no state s2: "
        "map s2 to a state of 2\n"
    ) in out
    assert out.endswith("Plan refused: 0 conflict, 0 drift, 1 running instance a migration "
                        "would strand.\n")  # fmt: skip
    assert applied[0] == 1
    assert _snapshot(url) == before


def test_a_saved_plan_is_stale_once_another_instance_would_move(
    runtime_database_url: str, tenant: str, tmp_path: Path
) -> None:
    url = runtime_database_url
    folder = write(tmp_path / "wf", _orders_2({"from": ["1"], "states": {"s2": "s1"}}))
    saved = tmp_path / "plan.json"
    assert plan(folder, tenant, url, "--out", saved)[0] == 0
    start(url, tenant, "d", "s1")
    before = _snapshot(url)

    code, _, err = apply_plan(saved, tenant, url)

    assert code == 1
    assert "orders 2: 3 then, 4 now, by version and state" in err
    assert _snapshot(url) == before


def test_the_change_diagram_draws_the_mapping(
    runtime_database_url: str, tenant: str, tmp_path: Path
) -> None:
    folder = write(tmp_path / "wf", _orders_2({"from": ["1"], "states": {"s2": "s1"}}))

    code, out, err = run(
        "diagram", folder / "orders.yaml", "--against-db", "--tenant", tenant,
        "--database-url", runtime_database_url, "-f", "mermaid",
    )  # fmt: skip

    assert (code, err) == (0, "")
    assert '  s_s2 -.->|"migrate"| s_s1\n' in out


def test_a_saved_plan_with_a_map_applies_and_moves_what_it_says(
    runtime_database_url: str, tenant: str, tmp_path: Path
) -> None:
    url = runtime_database_url
    folder = write(tmp_path / "wf", _orders_2({"from": ["1"], "states": {"s2": "s1"}}))
    saved = tmp_path / "plan.json"
    assert plan(folder, tenant, url, "--out", saved)[0] == 0

    code, _, err = apply_plan(saved, tenant, url)

    assert code == 0, err
    assert rows(
        url,
        "select d.version, i.current_state, count(*) from pypgflow.entity_workflow_instances i"
        " join pypgflow.workflow_definitions d on d.id = i.workflow_definition_id"
        " join pypgflow.tenants t on t.id = i.tenant_id where t.slug = %s"
        " group by 1, 2 order by 1, 2",
        tenant,
    ) == [("2", "s1", 3)]
