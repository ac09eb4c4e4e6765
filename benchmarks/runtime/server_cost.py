"""Backend CPU per transaction, one session, no client round trips: what the engine itself costs.

    .venv/bin/python benchmarks/runtime/server_cost.py [MAINTENANCE_URL] [--calls N]

Runs, inside the server, N transactions (a DO loop that commits each iteration) of the baseline's
UPDATE + INSERT and N of api.execute_transition, and reads the backend's CPU time from /proc (the
server must run on this machine). Less sensitive to a busy machine than tps; the median of three.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

import psycopg
from psycopg import sql

from pypgflow_ops.db.runtime import RUNTIME_VERSION

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import database, prepare

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
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--runtime-version", type=int, default=None)
    args = parser.parse_args()
    version = args.runtime_version or RUNTIME_VERSION
    url = prepare(args.url, version)
    costs: dict[str, list[float]] = {name: [] for name in BODIES}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("select set_config('request.jwt.claims', %s, false)", [CLAIMS])
        conn.execute("select set_config('bench.calls', %s, false)", [str(args.calls)])
        pid = conn.info.backend_pid
        for _ in range(3):
            for name, body in BODIES.items():
                before = cpu_seconds(pid)
                conn.execute(LOOP.format(body=body))
                costs[name].append((cpu_seconds(pid) - before) / args.calls * 1e6)
    for name, figures in costs.items():
        print(f"{name}: {statistics.median(figures):.0f} us of backend CPU per transaction")
    with psycopg.connect(args.url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database {} with (force)").format(sql.Identifier(database(version)))
        )


if __name__ == "__main__":
    main()
