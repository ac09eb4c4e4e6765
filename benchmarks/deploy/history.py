"""No-op plan cost against history: one tenant with 1,000 workflows x 5 applied versions, and
one with the same 1,000 workflows x 1 version, measured in the same run (issue 11, item 5).

    python benchmarks/deploy/history.py [--server postgresql://postgres@127.0.0.1:5432/postgres]

Each workflow has 10 states and 9 transitions. The deep tenant gets versions 1 to 5 (five
applies, the fifth active), the shallow one version 5 only, each tenant alone in its database
(neither's reads pass over the other's rows); then `VACUUM ANALYZE`, as autovacuum
would leave the tables. Then the no-op plan (read + decide, on a fresh connection, REPEATABLE
READ) is timed 7 times for each tenant, the two tenants alternating (the load of a shared machine
changes from one run to the next), and the median kept;
"full read" is the same read with every version's rows fetched and hashed (what a plan did before
old versions were proven untouched by their recorded hash and intact rows). Prints Markdown rows
for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from pathlib import Path

import psycopg
from psycopg import IsolationLevel, sql

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pypgflow_ops.deploy import apply  # noqa: E402
from pypgflow_ops.deploy.introspect import read_live_state  # noqa: E402
from pypgflow_ops.model import State, Transition, Workflow  # noqa: E402

DATABASE = "pypgflow_bench_history"
WORKFLOWS = 1000
VERSIONS = 5
RUNS = 7


def _workflow(index: int, version: int) -> Workflow:
    names = [f"step_{i}" for i in range(10)]
    return Workflow(
        name=f"flow_{index:04}",
        version=str(version),
        states=tuple(
            State(n, initial=i == 0, final=i == 9, metadata={"v": version})
            for i, n in enumerate(names)
        ),
        transitions=tuple(Transition(a, b, f"to_{b}") for a, b in itertools.pairwise(names)),
    )


def _fresh_database(server: str, tenant: str) -> str:
    name = f"{DATABASE}_{tenant}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    return psycopg.conninfo.make_conninfo(server, dbname=name)


def _vacuum(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("vacuum analyze")


def _apply(url: str, tenant: str, desired: tuple[Workflow, ...]) -> None:
    with psycopg.connect(url) as conn:
        outcome = apply.apply(
            conn,
            tenant,
            apply.FromRepository(tenant, desired),
            actor="benchmark",
            on_wait=print,
            show=lambda plan: None,
            confirm=lambda: True,
        )
    assert outcome.deployment_id is not None


def _noop_plan(url: str, tenant: str, desired: tuple[Workflow, ...] | None) -> float:
    with psycopg.connect(url) as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        started = time.perf_counter()
        with conn.transaction():
            live = read_live_state(conn, tenant, desired)
        plan = apply.plan_against(tenant, desired or (), live, prune=False)
        seconds = time.perf_counter() - started
    assert desired is None or not plan.has_changes
    return seconds


# A database, its tenant, and the repository (None: read every version in full).
Run = tuple[str, str, tuple[Workflow, ...] | None]


def _medians(runs: dict[str, Run]) -> dict[str, float]:
    """The median time of each run, the runs alternating."""
    times: dict[str, list[float]] = {label: [] for label in runs}
    for _ in range(RUNS):
        for label, (url, tenant, desired) in runs.items():
            times[label].append(_noop_plan(url, tenant, desired))
    return {label: statistics.median(each) for label, each in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    server = parser.parse_args().server
    deep_url, shallow_url = _fresh_database(server, "deep"), _fresh_database(server, "shallow")
    for version in range(1, VERSIONS + 1):
        _apply(deep_url, "deep", tuple(_workflow(i, version) for i in range(WORKFLOWS)))
    current = tuple(_workflow(i, VERSIONS) for i in range(WORKFLOWS))
    _apply(shallow_url, "shallow", current)
    _vacuum(deep_url)
    _vacuum(shallow_url)
    medians = _medians(
        {"shallow": (shallow_url, "shallow", current), "deep": (deep_url, "deep", current)}
    )
    shallow, deep = medians["shallow"], medians["deep"]
    deep_full = _medians({"full": (deep_url, "deep", None)})["full"]
    print(f"| tenant | no-op plan (read + decide), median of {RUNS} |")
    print("| --- | --- |")
    print(f"| {WORKFLOWS:,} workflows x 1 version | {shallow * 1000:.0f} ms |")
    print(f"| {WORKFLOWS:,} workflows x {VERSIONS} versions | {deep * 1000:.0f} ms |")
    print(f"| the same, every version read in full | {deep_full * 1000:.0f} ms |")
    print(f"ratio deep/shallow: {deep / shallow:.2f}")


if __name__ == "__main__":
    main()
