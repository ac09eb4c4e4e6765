"""execute_transition direct and through PgBouncer (transaction pooling), same run (issue 11).

    .venv/bin/python benchmarks/runtime/pgbouncer.py [MAINTENANCE_URL] [--seconds N] [--rounds N]

The data of run.py (setup.sql: 100,000 running instances of one tenant) in a scratch database
of its own; a PgBouncer started by the test harness (tests/pgbouncer_harness.py) in front of the
server; then pgbench runs execute_transition.sql with 1 and 4 clients, direct and through
PgBouncer alternately, `rounds` times. Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "tests"))
from pgbouncer_harness import PgBouncer  # noqa: E402
from run import TPS  # noqa: E402

from pypgflow_ops.db.runtime import upgrade  # noqa: E402

DATABASE = "pypgflow_bench_pgbouncer"


def _prepare(maintenance_url: str) -> str:
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        name = sql.Identifier(DATABASE)
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(name))
        conn.execute(sql.SQL("create database {}").format(name))
    url = make_conninfo(maintenance_url, dbname=DATABASE)
    with psycopg.connect(url) as conn:
        upgrade(conn)
        conn.execute((HERE / "setup.sql").read_bytes())
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("vacuum analyze")
    return url


def _tps(url: str, clients: int, seconds: int) -> float:
    target = conninfo_to_dict(url)
    command = [
        "pgbench", "-n", "-f", str(HERE / "execute_transition.sql"), "-c", str(clients),
        "-j", str(min(clients, 4)), "-T", str(seconds), "-h", str(target["host"]),
        "-p", str(target["port"]), "-U", str(target.get("user", "postgres")), DATABASE,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = TPS.search(output)
    if found is None:
        raise RuntimeError(f"no tps in pgbench output:\n{output}")
    return float(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    direct = make_conninfo(_prepare(args.url), host="127.0.0.1", port=5432)
    try:
        with PgBouncer(args.url) as bouncer:
            pooled = bouncer.url(direct)
            print("| execute_transition tps | direct | through PgBouncer | per round |")
            print("| ---: | ---: | ---: | --- |")
            for clients in (1, 4):
                figures: dict[str, list[float]] = {"direct": [], "pooled": []}
                for round_ in range(args.rounds):
                    pair = [("direct", direct), ("pooled", pooled)]
                    for name, url in pair if round_ % 2 == 0 else reversed(pair):
                        figures[name].append(_tps(url, clients, args.seconds))
                rounds = ", ".join(
                    f"{a:,.0f}/{b:,.0f}"
                    for a, b in zip(figures["direct"], figures["pooled"], strict=True)
                )
                print(
                    f"| {clients} client{'s' if clients > 1 else ''} "
                    f"| {statistics.median(figures['direct']):,.0f} "
                    f"| {statistics.median(figures['pooled']):,.0f} | {rounds} |"
                )
    finally:
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(DATABASE)))


if __name__ == "__main__":
    main()
