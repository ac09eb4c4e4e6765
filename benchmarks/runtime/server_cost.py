"""Backend CPU per transaction, one session each, no client round trips: what the engine costs.

    .venv/bin/python benchmarks/runtime/server_cost.py [MAINTENANCE_URL] [--calls N] [--runs N]
        [--versions 1,2,3] [--database PREFIX] [--without-list-indexes]

Runs, inside the server, N transactions (a DO loop that commits each iteration) of the baseline's
UPDATE + INSERT and N of api.execute_transition in each runtime version's scratch database, the
databases alternating, as PostgREST's authenticator would (a login role that is not a superuser,
after SET ROLE), without waiting for the WAL flush at commit (synchronous_commit off), and reads
each backend's time on a CPU from /proc/PID/schedstat (the server must run on this machine). Less
sensitive to a busy machine than tps; prints the median of the runs, and the median of the per-run
ratios of each version to the first.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from pypgflow_ops.db.runtime import RUNTIME_VERSION

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import DATABASE, client_url, database, prepare, set_database

# Constant SQL text only: the instance id is computed in the loop, the loop count is a setting.
BODIES = {
    "baseline": sql.SQL(
        "update baseline.instances set current_state = 'working', "
        "transition_count = transition_count + 1, updated_at = now() "
        "where id = ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid; "
        "insert into baseline.history (tenant_id, instance_id, sequence, from_state, to_state, "
        "transition_name, executed_by) values ('b0000000-0000-4000-8000-000000000001', "
        "('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, "
        "1, 'working', 'working', 'tick', 'bench');"
    ),
    "execute_transition": sql.SQL(
        "perform api.execute_transition("
        "('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'working', 'bench');"
    ),
}
LOOP = sql.SQL(
    "do $$ begin for n in 1..current_setting('bench.calls')::int loop {body} commit; end loop; "
    "end $$"
)
CLAIMS = '{"tenant_id": "b0000000-0000-4000-8000-000000000001"}'


def cpu_seconds(pid: int) -> float:
    """The process's time on a CPU, in nanoseconds' resolution (/proc/PID/stat counts ticks)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


LIST_INDEXES = ("entity_workflow_instances_by_workflow",
                "entity_workflow_instances_by_workflow_state", "entity_workflow_instances_running")


def unlisted(url: str, name: str) -> None:
    """A copy of database `name` without the list indexes (what they cost a transition: they make
    it a non-HOT update)."""
    copy = f"{name}_unlisted"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(
            sql.Identifier(copy)))
        conn.execute(sql.SQL("create database {} template {}").format(
            sql.Identifier(copy), sql.Identifier(name)))
    with psycopg.connect(make_conninfo(url, dbname=copy), autocommit=True) as conn:
        for index in LIST_INDEXES:
            conn.execute(sql.SQL("drop index {}").format(sql.Identifier("pypgflow", index)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--calls", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--versions", default=",".join(map(str, range(1, RUNTIME_VERSION + 1))))
    parser.add_argument("--database", default=DATABASE, help="scratch databases' name prefix")
    parser.add_argument("--without-list-indexes", action="store_true",
                        help="also the newest version without version 2's list indexes")
    args = parser.parse_args()
    set_database(args.database)
    versions = [int(v) for v in args.versions.split(",")]
    newest = database(versions[-1])
    # (label, database, body); the baseline lives in the newest version's database
    runs = [("baseline", newest, "baseline")] + [
        (f"v{version}", database(version), "execute_transition") for version in versions
    ]
    if args.without_list_indexes:
        runs.append((f"v{versions[-1]} without list indexes", f"{newest}_unlisted",
                     "execute_transition"))
    costs: dict[str, list[float]] = {label: [] for label, _, _ in runs}
    conns: dict[str, psycopg.Connection[Any]] = {}
    try:
        for version in versions:
            prepare(args.url, version)
        if args.without_list_indexes:
            unlisted(args.url, newest)
        for name in dict.fromkeys(name for _, name, _ in runs):
            conn = psycopg.connect(
                client_url(make_conninfo(args.url, dbname=name)), autocommit=True
            )
            conn.execute("set role pypgflow_authenticated")
            # The commit's WAL flush is the same for every version and, on a shared disk, the
            # noisiest part of the figure: left out, what remains is the engine's own work.
            conn.execute("set synchronous_commit = off")
            conn.execute("select set_config('request.jwt.claims', %s, false)", [CLAIMS])
            conn.execute("select set_config('bench.calls', %s, false)", [str(args.calls)])
            conns[name] = conn
        for run in range(args.runs):
            shift = run % len(runs)
            for label, name, body in runs[shift:] + runs[:shift]:
                pid = conns[name].info.backend_pid
                before = cpu_seconds(pid)
                conns[name].execute(LOOP.format(body=BODIES[body]))
                costs[label].append((cpu_seconds(pid) - before) / args.calls * 1e6)
    finally:
        for conn in conns.values():
            conn.close()
        with psycopg.connect(args.url, autocommit=True) as conn:
            for name in dict.fromkeys(name for _, name, _ in runs):
                conn.execute(
                    sql.SQL("drop database if exists {} with (force)").format(
                        sql.Identifier(name)
                    )
                )
    first = f"v{versions[0]}"
    for label, figures in costs.items():
        ratio = statistics.median(a / b for a, b in zip(figures, costs[first], strict=True))
        print(
            f"{label}: {statistics.median(figures):.0f} us of backend CPU per transaction "
            f"({ratio:.2f} of {first}'s, median of {args.runs} runs)"
        )


if __name__ == "__main__":
    main()
