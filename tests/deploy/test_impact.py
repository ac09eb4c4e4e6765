"""The impact by state of a plan, read from the real database: the running instances of the
workflow's other versions, grouped by version and state, each with its fate, in every view."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest

from .cli import plan, run
from .workflow_files import chain, write


def _call(url: str, tenant: str, query: str, *params: Any) -> Any:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "select set_config('pypgflow.tenant_id', id::text, false) from pypgflow.tenants"
            " where slug = %s",
            [tenant],
        )
        row = conn.execute(query, params).fetchone()
        assert row is not None
        return row[0]


def start(url: str, tenant: str, entity: str, *moves: str) -> str:
    """A new instance of `orders`, moved through `moves`; its id."""
    instance = str(
        _call(url, tenant, "select id from api.start_workflow('orders', 'order', %s)", entity)
    )
    for move in moves:
        _call(
            url,
            tenant,
            "select id from api.execute_transition(%s, %s, 'test', null, %s)",
            instance,
            move,
            json.dumps({"approved_by": "x"}),
        )
    return instance


def _apply(folder: Path, tenant: str, url: str) -> None:
    code, _, err = run("apply", folder, "--tenant", tenant, "--database-url", url, "--yes")
    assert code == 0, err


@pytest.fixture(scope="module")
def fleet_of_versions(runtime_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tenant `impact`: orders 1 (start, s1, s2, done) with instances in start, s1, s2 (and one
    completed), orders 2 (start, s1, s2, s3, done) with two in s3; the folder holds orders 3
    (start, s1, done)."""
    url, tenant = runtime_database_url, "impact"
    folder = tmp_path_factory.mktemp("impact")
    _apply(write(folder, chain("orders", "1", states=4)), tenant, url)
    start(url, tenant, "a")
    start(url, tenant, "b", "s1")
    start(url, tenant, "c", "s1", "s2")
    start(url, tenant, "d", "s1", "s2", "done")  # completed: never counted
    _apply(write(folder, chain("orders", "2", states=5)), tenant, url)
    start(url, tenant, "e", "s1", "s2", "s3")
    start(url, tenant, "f", "s1", "s2", "s3")
    return write(folder, chain("orders", "3", states=3))


TEXT = """\
Tenant impact:
  ~ orders 2 -> 3 (new version, revision 3)
      - state s2
      - state s3
      + transition s1 --to_done--> done
      - transition s1 --to_s2--> s2
      - transition s2 --to_s3--> s3
      - transition s3 --to_done--> done
      1 s1: 1 running instance, kept (stays on 1)
      1 s2: 1 running instance, stranded (stays on 1; 3 has no state s2)
      1 start: 1 running instance, kept (stays on 1)
      2 s3: 2 running instances, stranded (stays on 2; 3 has no state s3)

Plan: 0 to create, 1 new version, 0 to roll back, 0 to retire, 0 unchanged.
"""


def test_the_text_plan_names_every_version_and_state(
    runtime_database_url: str, fleet_of_versions: Path
) -> None:
    code, out, _ = plan(fleet_of_versions, "impact", runtime_database_url)

    assert (code, out) == (0, TEXT)


def test_the_json_plan_lists_the_instances_by_version_and_state(
    runtime_database_url: str, fleet_of_versions: Path
) -> None:
    code, out, _ = plan(fleet_of_versions, "impact", runtime_database_url, "--format", "json")

    document = json.loads(out)
    (change,) = document["changes"]
    assert change["instances"] == [
        {"version": "1", "state": "s1", "count": 1, "fate": "kept"},
        {"version": "1", "state": "s2", "count": 1, "fate": "stranded"},
        {"version": "1", "state": "start", "count": 1, "fate": "kept"},
        {"version": "2", "state": "s3", "count": 2, "fate": "stranded"},
    ]
    assert (document["summary"]["stranded_instances"], code) == (3, 0)


def test_the_markdown_plan_has_them_in_the_note(
    runtime_database_url: str, fleet_of_versions: Path
) -> None:
    _, out, _ = plan(fleet_of_versions, "impact", runtime_database_url, "--format", "markdown")

    assert (
        "| ~ | ` orders ` | ` 3 ` | new-version | from ` 2 `; "
        "` 1 ` ` s1 `: 1 running instance kept; "
        "` 1 ` ` s2 `: 1 running instance stranded; ` 1 ` ` start `: 1 running instance kept; "
        "` 2 ` ` s3 `: 2 running instances stranded |\n"
    ) in out


def test_fail_on_stranded_makes_a_stranding_plan_exit_1(
    runtime_database_url: str, fleet_of_versions: Path
) -> None:
    url = runtime_database_url
    detailed = plan(fleet_of_versions, "impact", url, "--detailed-exitcode")
    failing = plan(fleet_of_versions, "impact", url, "--detailed-exitcode", "--fail-on-stranded")

    assert detailed[0] == 2
    assert (failing[0], failing[1]) == (1, TEXT)
    assert failing[2] == (
        "3 running instances would be left in a state the version new starts use lacks "
        "(--fail-on-stranded): map them in a `migrate:` section, or plan without the flag\n"
    )


def test_fail_on_stranded_lets_a_plan_that_strands_nothing_pass(
    runtime_database_url: str, fleet_of_versions: Path, tmp_path: Path
) -> None:
    keeps_all = write(tmp_path / "wf", chain("orders", "3", states=5, extra="s9"))

    code, out, err = plan(
        keeps_all, "impact", runtime_database_url, "--detailed-exitcode", "--fail-on-stranded"
    )

    assert (code, err) == (2, "")
    assert "2 s3: 2 running instances, kept (stays on 2)\n" in out


def test_fail_on_stranded_counts_every_tenant_of_a_fleet(
    runtime_database_url: str, fleet_of_versions: Path
) -> None:
    code, out, err = plan(
        fleet_of_versions, "impact", runtime_database_url, "--tenant", "empty", "--fail-on-stranded"
    )

    assert code == 1
    assert "      2 s3: 2 running instances, stranded (stays on 2; 3 has no state s3)\n" in out
    assert err.startswith("3 running instances would be left")


def test_the_groups_come_in_the_order_the_versions_were_applied(
    runtime_database_url: str, tmp_path: Path
) -> None:
    """2.0 before 10.0, as applied (not as the strings sort), though the plan is not sent either
    version: the database gives each group its version's revision."""
    url, tenant = runtime_database_url, "apply-order"
    for version in ("2.0", "10.0"):
        _apply(write(tmp_path / version, chain("orders", version)), tenant, url)
        start(url, tenant, f"e{version}")
    code, out, _ = plan(write(tmp_path / "11.0", chain("orders", "11.0", extra="x")), tenant, url)

    assert code == 0
    assert [line.split()[0] for line in out.splitlines() if "running instance" in line] == [
        "2.0",
        "10.0",
    ]
