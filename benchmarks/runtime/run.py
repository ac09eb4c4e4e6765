"""execute_transition throughput against a minimal baseline, measured in the same run by pgbench.

    .venv/bin/python benchmarks/runtime/run.py [MAINTENANCE_URL] [--seconds N] [--rounds N]

Creates a scratch database (dropped at the end), installs the runtime, loads setup.sql, then for
1, 4 and 8 clients runs baseline.sql and execute_transition.sql back to back, `rounds` times (the
order alternating), and prints a markdown table: the median tps of each, and the median and range
of the per-round ratios. On a shared machine the load of others drifts; pairing each engine run
with the baseline run next to it cancels most of that drift.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
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


def pgbench(url: str, script: str, clients: int, seconds: int) -> float:
    target = conninfo_to_dict(url)
    command = [
        "pgbench", "-n", "-f", str(HERE / script), "-c", str(clients),
        "-j", str(min(clients, 4)), "-T", str(seconds),
        "-h", str(target.get("host", "127.0.0.1")), "-p", str(target.get("port", 5432)),
        "-U", str(target.get("user", "postgres")), DATABASE,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = TPS.search(output)
    if found is None:
        raise RuntimeError(f"no tps in pgbench output:\n{output}")
    return float(found.group(1))


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
    finally:
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database {} with (force)").format(
                sql.Identifier(DATABASE)))


if __name__ == "__main__":
    main()
