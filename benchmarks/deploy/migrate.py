"""Moving running instances on apply (issue 10 "Speed"): 100,000 running instances across 10
states, moved by `migrate:`, next to a plain `UPDATE ... FROM` of the same rows, in the same run.

    python benchmarks/deploy/migrate.py [--server postgresql://postgres@127.0.0.1:5432/postgres]
        [--instances 100000]

Two fresh databases per run, one tenant each, the same workflow (version 1: 10 states, 9
transitions) and the same running instances, spread evenly over its 10 states, inserted by one
statement and vacuumed; a CHECKPOINT before each measurement. In the first, version 2 is applied
without a map, then the instances move with one plain `UPDATE ... FROM` (definition, mapped state,
transition_count, updated_at; no lock statement, no history, no count). In the second, version 2
with `migrate: {from: ["1"], states: ...}` is applied: the whole apply is timed, and the move
inside it (the lock statement and the move statement). `--runs` runs, alternating which is
measured first; the medians are printed as Markdown rows for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pypgflow_ops.deploy import apply, migrate  # noqa: E402
from pypgflow_ops.model import Migration, State, Transition, Workflow  # noqa: E402

DATABASES = ("pypgflow_bench_migrate_plain", "pypgflow_bench_migrate_moved")
STATES = [f"step_{i}" for i in range(10)]
RENAMED = {"step_3": "step_3b", "step_6": "step_6b"}  # two of the ten states renamed in v2


def _workflow(version: str, migrate_from: str | None = None) -> Workflow:
    names = [RENAMED.get(n, n) if version == "2" else n for n in STATES]
    return Workflow(
        name="orders",
        version=version,
        states=tuple(State(n, initial=i == 0, final=i == 9) for i, n in enumerate(names)),
        transitions=tuple(Transition(a, b, f"to_{b}") for a, b in itertools.pairwise(names)),
        migrate=Migration((migrate_from,), RENAMED) if migrate_from else None,
    )


def _fresh_database(server: str, name: str) -> str:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    return psycopg.conninfo.make_conninfo(server, dbname=name)


def _apply(url: str, tenant: str, workflow: Workflow) -> apply.Outcome:
    with psycopg.connect(url) as conn:
        outcome = apply.apply(
            conn,
            tenant,
            apply.FromRepository(tenant, (workflow,)),
            actor="benchmark",
            on_wait=print,
            show=lambda plan: None,
            confirm=lambda: True,
        )
    assert outcome.deployment_id is not None
    return outcome


def _seed(url: str, tenant: str, count: int) -> None:
    """`count` running instances of version 1, evenly over its 10 states (the final one's too,
    as if written by hand: every state holds instances)."""
    with psycopg.connect(url) as conn:
        conn.execute(
            "insert into pypgflow.entity_workflow_instances (tenant_id, workflow_definition_id,"
            " workflow_name, entity_table, entity_id, current_state)"
            " select d.tenant_id, d.id, d.name, 'order', g::text, (%s::text[])[g %% 10 + 1]"
            " from pypgflow.workflow_definitions d join pypgflow.tenants t on t.id = d.tenant_id,"
            " generate_series(1, %s) g where t.slug = %s and d.version = '1'",
            [STATES, count, tenant],
        )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("vacuum analyze pypgflow.entity_workflow_instances")


PLAIN = """
update pypgflow.entity_workflow_instances i
set workflow_definition_id = new.id,
    current_state = coalesce(%(states)s::jsonb ->> i.current_state, i.current_state),
    transition_count = i.transition_count + 1,
    updated_at = now()
from pypgflow.workflow_definitions old, pypgflow.workflow_definitions new
where i.tenant_id = (select id from pypgflow.tenants where slug = %(tenant)s)
    and old.tenant_id = i.tenant_id and old.id = i.workflow_definition_id and old.version = '1'
    and new.tenant_id = i.tenant_id and new.name = i.workflow_name and new.version = '2'
    and i.completed_at is null
"""


def _plain(url: str, tenant: str) -> tuple[float, int]:
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        cursor = conn.execute(PLAIN, {"states": Jsonb(RENAMED), "tenant": tenant})
        conn.commit()
        return time.perf_counter() - started, cursor.rowcount


def _timed_move() -> list[float]:
    """Wrap `migrate.move` to time it inside the apply."""
    spent: list[float] = []
    original = migrate.move

    def move(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        result = original(*args, **kwargs)
        spent.append(time.perf_counter() - started)
        return result

    migrate.move = move  # type: ignore[assignment]
    return spent


def _checkpoint(url: str) -> None:
    """Each measurement starts with no dirty buffer left by the one before it (with 128 MB of
    shared buffers, the second would otherwise write out the first's pages)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("checkpoint")


def _measure_plain(url: str, count: int) -> float:
    _apply(url, "plain", _workflow("2"))
    _checkpoint(url)
    seconds, updated = _plain(url, "plain")
    assert updated == count, updated
    return seconds


def _measure_move(url: str, count: int, spent: list[float]) -> tuple[float, float]:
    _checkpoint(url)
    started = time.perf_counter()
    outcome = _apply(url, "moved", _workflow("2", migrate_from="1"))
    whole = time.perf_counter() - started
    assert dict(outcome.migrated) == {("orders", "2"): count}, outcome.migrated
    return spent[-1], whole


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    count = arguments.instances
    spent = _timed_move()
    plains, moves, wholes = [], [], []
    for run in range(arguments.runs):
        urls = [_fresh_database(arguments.server, name) for name in DATABASES]
        for url, tenant in zip(urls, ("plain", "moved"), strict=True):
            _apply(url, tenant, _workflow("1"))
            _seed(url, tenant, count)
        if run % 2 == 0:
            plains.append(_measure_plain(urls[0], count))
            move, whole = _measure_move(urls[1], count, spent)
        else:
            move, whole = _measure_move(urls[1], count, spent)
            plains.append(_measure_plain(urls[0], count))
        moves.append(move)
        wholes.append(whole)
        print(f"run {run + 1}: plain {plains[-1]:.2f} s, move {move:.2f} s, apply {whole:.2f} s")
    plain, move, whole = (statistics.median(x) for x in (plains, moves, wholes))
    print(f"| {count:,} running instances, 10 states, median of {arguments.runs} | seconds |")
    print("| --- | --- |")
    print(f"| plain `UPDATE ... FROM` (no lock statement, no history) | {plain:.2f} |")
    print(f"| apply's move (lock + move, history, count) | {move:.2f} |")
    print(f"| the whole apply (new version + move, one transaction) | {whole:.2f} |")
    print(f"ratio move/plain: {move / plain:.2f}")


if __name__ == "__main__":
    main()
