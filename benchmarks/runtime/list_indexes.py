"""The seed's list queries at 1,000,000 instances in one tenant, without and with indexes for
them, and what those indexes cost execute_transition (issue 11, item 7). Same run, same data.

    .venv/bin/python benchmarks/runtime/list_indexes.py [MAINTENANCE_URL] [--seconds N]

One tenant, 10 workflows (wf_0 .. wf_9), 1,000,000 instances: instance n runs wf_(n % 10);
1 in 5 sits in `investigating`, 1 in 3 of the rest is finished (`done`, completed_at set),
updated_at spread over a year; instances 1 .. 100,000 are running in `working`, which
execute_transition loops on (benchmarks/runtime/execute_transition.sql, pgbench, 4 clients).

Each list query runs as PostgREST runs it (role and JWT claims local to the transaction, through
the `api.entity_workflows` view and its row-level security), one page of 50 rows: the median of 9.
Then pgbench alternates rounds without and with the indexes (dropped and created between rounds).
Prints Markdown tables for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import TPS, pgbench_command

from pypgflow_ops.db.runtime import upgrade

DATABASE = "pypgflow_bench_list_indexes"
TENANT = "b0000000-0000-4000-8000-000000000001"
CLAIMS = f'{{"role": "pypgflow_authenticated", "sub": "bench", "tenant_id": "{TENANT}"}}'

SETUP = Path(__file__).resolve().with_name("list_indexes_setup.sql")

# The indexes measured: each serves one of the seed's list queries, newest first, with (updated_at,
# id) as the keyset for the next page.
INDEXES = {
    "by_workflow": "(tenant_id, workflow_name, updated_at desc, id desc)",
    "by_workflow_state": "(tenant_id, workflow_name, current_state, updated_at desc, id desc)",
    "running": "(tenant_id, updated_at desc, id desc) where completed_at is null",
}

PAGE = "select * from api.entity_workflows where {} order by updated_at desc, id desc limit 50"
QUERIES = {
    "by workflow, newest first": PAGE.format("workflow_name = 'wf_3'"),
    "by workflow and state (work queue)": PAGE.format(
        "workflow_name = 'wf_3' and current_state = 'investigating'"
    ),
    "running only, newest first": PAGE.format("completed_at is null"),
    "next page (keyset)": PAGE.format(
        "workflow_name = 'wf_3' and (updated_at, id) < (now() - interval '180 days', "
        "'00000000-0000-4000-8000-000000000000'::uuid)"
    ),
}


def _prepare(maintenance_url: str) -> str:
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        name = sql.Identifier(DATABASE)
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(name))
        conn.execute(sql.SQL("create database {}").format(name))
    url = make_conninfo(maintenance_url, dbname=DATABASE)
    with psycopg.connect(url) as conn:
        upgrade(conn)
        conn.execute("set session_replication_role = replica")  # bulk load past the triggers
        conn.execute(SETUP.read_bytes())
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("vacuum analyze")
    return url


def pgbench(url: str, script: str, clients: int, seconds: int) -> float:
    command = [*pgbench_command(url, script, clients, seconds)[:-1], DATABASE]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = TPS.search(output)
    if found is None:
        raise RuntimeError(f"no tps in pgbench output:\n{output}")
    return float(found.group(1))


def _indexes(url: str, present: bool) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for name, columns in INDEXES.items():
            index = sql.Identifier(f"entity_workflow_instances_{name}")
            if present:
                conn.execute(
                    sql.SQL(
                        "create index if not exists {} on pypgflow.entity_workflow_instances {}"
                    ).format(index, sql.SQL(columns))
                )
            else:
                conn.execute(sql.SQL("drop index if exists pypgflow.{}").format(index))
        conn.execute("analyze pypgflow.entity_workflow_instances")


def _updates(url: str) -> tuple[int, int]:
    """(updates, HOT updates) of the instances table so far."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("select pg_stat_force_next_flush()")
        row = conn.execute(
            "select n_tup_upd, n_tup_hot_upd from pg_stat_user_tables"
            " where relid = 'pypgflow.entity_workflow_instances'::regclass"
        ).fetchone()
    assert row is not None
    return row[0], row[1]


def _query_ms(conn: psycopg.Connection[Any], query: str) -> float:
    times = []
    for _ in range(9):
        with conn.transaction():
            conn.execute(
                "select set_config('role', 'pypgflow_authenticated', true),"
                " set_config('request.jwt.claims', %s, true)",
                [CLAIMS],
            )
            started = time.perf_counter()
            conn.execute(query.encode()).fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _queries(url: str) -> dict[str, float]:
    with psycopg.connect(url, prepare_threshold=None) as conn:
        return {label: _query_ms(conn, query) for label, query in QUERIES.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    url = _prepare(args.url)
    try:
        without = _queries(url)
        _indexes(url, present=True)
        with_indexes = _queries(url)
        print("| list query (page of 50, 1,000,000 instances) | without | with the indexes |")
        print("| --- | ---: | ---: |")
        for label in QUERIES:
            print(f"| {label} | {without[label]:.1f} ms | {with_indexes[label]:.2f} ms |")
        tps: dict[bool, list[float]] = {False: [], True: []}
        hot: dict[bool, list[float]] = {False: [], True: []}
        for round_ in range(args.rounds):
            for present in (False, True) if round_ % 2 else (True, False):
                _indexes(url, present)
                before = _updates(url)
                tps[present].append(pgbench(url, "execute_transition.sql", 4, args.seconds))
                after = _updates(url)
                hot[present].append((after[1] - before[1]) / max(1, after[0] - before[0]))
        print()
        print("| execute_transition, 4 clients | without | with the indexes |")
        print("| --- | ---: | ---: |")
        rounds = ", ".join(f"{a:,.0f}/{b:,.0f}" for a, b in zip(tps[False], tps[True], strict=True))
        print(
            f"| median tps of {args.rounds} rounds (each round: {rounds}) "
            f"| {statistics.median(tps[False]):,.0f} | {statistics.median(tps[True]):,.0f} |"
        )
        print(
            f"| HOT updates of the instance row | {statistics.median(hot[False]):.0%} "
            f"| {statistics.median(hot[True]):.0%} |"
        )
    finally:
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(DATABASE)))


if __name__ == "__main__":
    main()
