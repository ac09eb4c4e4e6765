"""execute_transition of each runtime version against a minimal baseline, measured by pgbench.

    .venv/bin/python benchmarks/runtime/run.py [MAINTENANCE_URL] [--seconds N] [--rounds N]
        [--clients 8] [--versions 1,2,3] [--database PREFIX]

Creates a scratch database per runtime version (dropped at the end), installs that version, loads
setup.sql, then runs pgbench (prepared statements, `-M prepared`) with baseline.sql (in the newest
version's database) and execute_transition.sql (in each version's), `rounds` times, the order
rotating each round. Both scripts are one transaction behind PostgREST's preamble, on a random
instance found by id, from a login role like PostgREST's authenticator (`pypgflow_bench_client`).
Prints a markdown table: the median tps of each, and the median and range of the per-round ratios
to the baseline. On a shared machine the load of others drifts; pairing
the runs of one round cancels most of that drift.

It also measures what contention cannot inflate much: the CPU time the server's backends spend per
transaction (from /proc, so the server must run on this machine), over a window of each run,
counted by the history rows written in that window; the median of the rounds.
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

from pypgflow_ops.db.runtime import RUNTIME_VERSION, upgrade

HERE = Path(__file__).resolve().parent
DATABASE = "pypgflow_bench_runtime"
CLIENTS = (1, 4, 8)
TPS = re.compile(r"^tps = ([0-9.]+) \(without initial connection time\)$", re.MULTILINE)


def database(version: int) -> str:
    return f"{DATABASE}_v{version}"


def set_database(name: str) -> None:
    """Name the scratch databases `name`_vN (so that two runs on one server do not collide)."""
    global DATABASE
    DATABASE = name


# The clients connect as PostgREST's authenticator does: a login role, neither superuser (a
# superuser is a member of every role, so current_tenant_id would look up its binding) nor
# inheriting (the preamble's SET ROLE gives the privileges). Cluster-wide, created when missing.
CLIENT = "pypgflow_bench_client"


def client_url(url: str) -> str:
    return make_conninfo(url, user=CLIENT)


def prepare(maintenance_url: str, version: int = RUNTIME_VERSION) -> str:
    """A scratch database with runtime `version` and the benchmark data; its URL."""
    name = database(version)
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_roles where rolname = %s", [CLIENT]).fetchone():
            conn.execute(sql.SQL("create role {} login noinherit").format(sql.Identifier(CLIENT)))
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(
            sql.Identifier(name)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    url = make_conninfo(maintenance_url, dbname=name)
    with psycopg.connect(url) as conn:
        upgrade(conn, target=version)
        conn.execute((HERE / "setup.sql").read_bytes())
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("grant pypgflow_authenticated to {}").format(sql.Identifier(CLIENT)))
        conn.execute("vacuum analyze")
        conn.execute("checkpoint")
    return url


def pgbench_command(url: str, script: str, clients: int, seconds: int) -> list[str]:
    target = conninfo_to_dict(url)
    return [
        "pgbench", "-n", "-M", "prepared", "-f", str(HERE / script), "-c", str(clients),
        "-j", str(min(clients, 4)), "-T", str(seconds),
        "-h", str(target.get("host", "127.0.0.1")), "-p", str(target.get("port", 5432)),
        "-U", str(target.get("user", "postgres")), str(target["dbname"]),
    ]


def pgbench(url: str, script: str, clients: int, seconds: int) -> float:
    command = pgbench_command(client_url(url), script, clients, seconds)
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
    command = pgbench_command(client_url(url), script, clients, seconds + 2)
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
    parser.add_argument("--clients", type=int, nargs="+", default=[8])
    parser.add_argument("--versions", default=",".join(map(str, range(1, RUNTIME_VERSION + 1))))
    parser.add_argument("--database", default=DATABASE, help="scratch databases' name prefix")
    args = parser.parse_args()
    set_database(args.database)
    versions = [int(v) for v in args.versions.split(",")]
    urls = {version: prepare(args.url, version) for version in versions}
    # (label, database, script): the baseline lives in the newest version's database
    runs = [("baseline", urls[versions[-1]], "baseline.sql")] + [
        (f"v{version}", urls[version], "execute_transition.sql") for version in versions
    ]
    try:
        labels = [label for label, _, _ in runs]
        print("| clients | " + " | ".join(f"{label} tps" for label in labels) + " | "
              + " | ".join(f"{label} / baseline: median (range)" for label in labels[1:]) + " |")
        print("|---:|" + "---:|" * (2 * len(runs) - 1))
        for clients in args.clients:
            tps: dict[str, list[float]] = {label: [] for label in labels}
            for round_ in range(args.rounds):
                shift = round_ % len(runs)
                for label, url, script in runs[shift:] + runs[:shift]:
                    tps[label].append(pgbench(url, script, clients, args.seconds))
            medians = " | ".join(f"{statistics.median(tps[label]):,.0f}" for label in labels)
            ratios = []
            for label in labels[1:]:
                each = [e / b for b, e in zip(tps["baseline"], tps[label], strict=True)]
                ratios.append(f"{statistics.median(each):.0%} ({min(each):.0%}-{max(each):.0%})")
            print(f"| {clients} | {medians} | {' | '.join(ratios)} |", flush=True)
        print()
        print("| backend CPU per transaction (8 clients), median of rounds | "
              + " | ".join(labels) + " |")
        print("|---|" + "---:|" * len(runs))
        cpu: dict[str, list[float]] = {label: [] for label in labels}
        for round_ in range(args.rounds):
            shift = round_ % len(runs)
            for label, url, script in runs[shift:] + runs[:shift]:
                cpu[label].append(server_cpu_per_transaction(url, script, 8, args.seconds))
        figures = " | ".join(f"{statistics.median(cpu[label]):.0f} us" for label in labels)
        print(f"| {args.rounds} rounds | {figures} |")
    finally:
        with psycopg.connect(args.url, autocommit=True) as conn:
            for version in versions:
                conn.execute(sql.SQL("drop database {} with (force)").format(
                    sql.Identifier(database(version))))


if __name__ == "__main__":
    main()
