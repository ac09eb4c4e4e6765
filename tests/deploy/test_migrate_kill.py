"""An apply killed while it moves running instances: every instance moved, with its history row
and the deployment's count, or none; the next apply moves them all."""

from __future__ import annotations

import os
import random
import signal
import time
from collections.abc import Callable
from pathlib import Path

from pypgflow_ops.deploy.lock import CLASS_KEY, object_key

from .cli import rows
from .migrate_files import MAP, orders
from .test_concurrency import _apply_process, _wait_for_lock
from .workflow_files import write

TENANT, COUNT = "killed", 10_000
# The openings of sql_templates/deploy/migrate_lock.sql and migrate_move.sql, as the server shows
# them running (pg_stat_activity.query).
STATEMENTS = ("-- Lock the running instances", "-- Move the instances", "-- Move the instances")


def _seed(url: str) -> None:
    """COUNT running instances of 1.0, half in a state the map renames, as one statement."""
    rows(
        url,
        "insert into pypgflow.entity_workflow_instances (tenant_id, workflow_definition_id,"
        " workflow_name, entity_table, entity_id, current_state)"
        " select d.tenant_id, d.id, d.name, 'order', g::text,"
        " case when g %% 2 = 0 then 'backordered' else 'placed' end"
        " from pypgflow.workflow_definitions d join pypgflow.tenants t on t.id = d.tenant_id,"
        " generate_series(1, %s) g where t.slug = %s and d.version = '1.0' returning 1",
        COUNT,
        TENANT,
    )


def _wait_for_statement(url: str, opening: str) -> None:
    """Until a session runs the statement whose text (its template's comment) starts so."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if rows(
            url,
            "select count(*) from pg_stat_activity where state = 'active' and query like %s",
            f"{opening}%",
        ) == [(1,)]:
            return
        time.sleep(0.005)
    raise AssertionError(f"no apply ran {opening!r}")


def _until_released(url: str) -> None:
    """Until no session holds the tenant's deploy lock (a killed client's server process may
    still be finishing its statement)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        held = rows(
            url,
            "select count(*) from pg_locks where locktype = 'advisory'"
            " and classid = %s::oid and objid = %s::oid",
            CLASS_KEY,
            object_key(TENANT),
        )
        if held == [(0,)]:
            return
        time.sleep(0.05)
    raise AssertionError("the killed apply's session kept the deploy lock")


def _state(url: str) -> tuple[dict[str, int], int, int]:
    """(running instances by version, migration history rows, instances the deployments moved)."""
    by_version = rows(
        url,
        "select d.version, count(*) from pypgflow.entity_workflow_instances i"
        " join pypgflow.workflow_definitions d on d.id = i.workflow_definition_id"
        " group by d.version order by 1",
    )
    [(moves,)] = rows(
        url,
        "select count(*) from pypgflow.workflow_transition_history where context ? 'migration'",
    )
    [(counted,)] = rows(
        url, "select coalesce(sum(instances_migrated), 0)::int from pypgflow.deployments"
    )
    return dict(by_version), moves, counted


def test_an_apply_killed_while_it_moves_instances_moves_all_or_none(
    make_database: Callable[..., str], tmp_path: Path
) -> None:
    url = make_database(runtime=True)
    seed = int(os.environ.get("PYPGFLOW_KILL_SEED", time.time_ns() % 10_000))
    chance = random.Random(seed)
    process = _apply_process(write(tmp_path / "wf", orders("1.0")), TENANT, url)
    assert process.wait(timeout=120) == 0
    _seed(url)
    before = ({"1.0": COUNT}, 0, 0)
    after = ({"1.1": COUNT}, COUNT, COUNT)
    newer = write(tmp_path / "wf", orders("1.1", migrate_from=["1.0"], **MAP))

    for attempt in range(4):
        process = _apply_process(newer, TENANT, url)
        if attempt < 3:  # while the statement that writes the history runs, then the move
            _wait_for_statement(url, STATEMENTS[attempt])
            time.sleep(chance.uniform(0.0, 0.2))
        else:  # anywhere from the lock to the commit
            _wait_for_lock(url, TENANT, granted=True)
            time.sleep(chance.uniform(0.0, 2.0))
        process.send_signal(signal.SIGKILL)
        process.communicate()
        _until_released(url)
        seen = _state(url)
        assert seen in (before, after), seed
        if seen == after:
            break

    converge = _apply_process(newer, TENANT, url)
    assert converge.wait(timeout=120) == 0, (seed, converge.communicate())
    assert _state(url) == after
