"""execute_transition throughput against a minimal baseline, measured in the same run by pgbench.

    .venv/bin/python benchmarks/runtime/run.py [MAINTENANCE_URL] [--seconds N] [--rounds N]

Creates a scratch database (dropped at the end), installs the runtime, loads setup.sql, then for
1, 4 and 8 clients runs baseline.sql and execute_transition.sql back to back, `rounds` times (the
order alternating), and prints a markdown table: the median tps of each, and the median and range
of the per-round ratios. On a shared machine the load of others drifts; pairing each engine run
with the baseline run next to it cancels most of that drift.

It also measures what contention cannot inflate much: the CPU time the server's backends spend per
transaction (from /proc, so the server must run on this machine), over a window of an 8-client
run, counted by the history rows written in that window.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import time
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pypgflow_ops.db.runtime import upgrade

HERE = Path(__file__).resolve().parent
DATABASE = "pypgflow_bench_runtime"
CLIENTS = (1, 4, 8)
TPS = re.compile(r"^tps = ([0-9.]+) \(without initial connection time\)$", re.MULTILINE)


def prepare(maintenance_url: str) -> str:
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(
            sql.Identifier(DATABASE)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(DATABASE)))
    url = make_conninfo(maintenance_url, dbname=DATABASE)
    with psycopg.connect(url) as conn:
        upgrade(conn)
        conn.execute((HERE / "setup.sql").read_bytes())
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("vacuum analyze")
        conn.execute("checkpoint")
    return url


def pgbench_command(url: str, script: str, clients: int, seconds: int) -> list[str]:
    target = conninfo_to_dict(url)
    return [
        "pgbench", "-n", "-f", str(HERE / script), "-c", str(clients),
        "-j", str(min(clients, 4)), "-T", str(seconds),
        "-h", str(target.get("host", "127.0.0.1")), "-p", str(target.get("port", 5432)),
        "-U", str(target.get("user", "postgres")), DATABASE,
    ]


def pgbench(url: str, script: str, clients: int, seconds: int) -> float:
    command = pgbench_command(url, script, clients, seconds)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = TPS.search(output)
    if found is None:
        raise RuntimeError(f"no tps in pgbench output:\n{output}")
    return float(found.group(1))


HISTORY = {"baseline.sql": "baseline.history",
           "execute_transition.sql": "pypgflow.workflow_transition_history"}


def backend_cpu_seconds(pids: list[int]) -> float:
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def server_cpu_per_transaction(url: str, script: str, clients: int, seconds: int) -> float:
    """Microseconds of backend CPU per transaction, over a window inside a pgbench run."""
    command = pgbench_command(url, script, clients, seconds + 2)
    with subprocess.Popen(command, stdout=subprocess.DEVNULL) as run, psycopg.connect(
        url, autocommit=True
    ) as conn:
        time.sleep(1)
        pids = [row[0] for row in conn.execute(
            "select pid from pg_stat_activity where datname = current_database() "
            "and application_name = 'pgbench'")]
        count = sql.SQL("select count(*) from {}").format(
            sql.Identifier(*HISTORY[script].split(".")))
        cpu_before, rows_before = backend_cpu_seconds(pids), conn.execute(count).fetchone()
        time.sleep(seconds)
        cpu_after, rows_after = backend_cpu_seconds(pids), conn.execute(count).fetchone()
        run.wait()
    assert rows_before is not None and rows_after is not None
    return (cpu_after - cpu_before) / (rows_after[0] - rows_before[0]) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    url = prepare(args.url)
    try:
        print("| clients | baseline tps | execute_transition tps | ratio (median, range) |")
        print("|---:|---:|---:|---:|")
        for clients in CLIENTS:
            base, engine = [], []
            for round_ in range(args.rounds):
                pair = [("baseline.sql", base), ("execute_transition.sql", engine)]
                for script, figures in pair if round_ % 2 == 0 else reversed(pair):
                    figures.append(pgbench(url, script, clients, args.seconds))
            ratios = [e / b for b, e in zip(base, engine, strict=True)]
            print(
                f"| {clients} | {statistics.median(base):,.0f} | {statistics.median(engine):,.0f}"
                f" | {statistics.median(ratios):.0%} ({min(ratios):.0%}-{max(ratios):.0%}) |",
                flush=True,
            )
        print()
        print("| backend CPU per transaction (8 clients) | baseline | execute_transition | ratio |")
        print("|---|---:|---:|---:|")
        cpu: dict[str, list[float]] = {script: [] for script in HISTORY}
        for _ in range(args.rounds):
            for script, figures in cpu.items():
                figures.append(server_cpu_per_transaction(url, script, 8, args.seconds))
        base_cpu, engine_cpu = (statistics.median(f) for f in cpu.values())
        print(f"| median of {args.rounds} | {base_cpu:.0f} us | {engine_cpu:.0f} us "
              f"| {base_cpu / engine_cpu:.0%} |")
    finally:
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database {} with (force)").format(
                sql.Identifier(DATABASE)))


if __name__ == "__main__":
    main()
