"""Fleet benchmark: 500 tenants x 20 workflows (issue 11). Whole commands, as a user runs them.

    python benchmarks/deploy/fleet.py [--server postgresql://postgres@127.0.0.1:5432/postgres]

A repository of 20 workflows (12 states, 11 transitions each) and a `tenants` table of 500
tenants that all read it. On a fresh database each: `apply --all-tenants --yes --jobs 1`, and
`--jobs 4` (each the first apply: the runtime is installed by the first tenant), then on the
second database the no-op `plan --all-tenants` (one snapshot, one connection) and the no-op
`apply --all-tenants --yes --jobs 4`. Prints Markdown rows for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

TENANTS = 500
WORKFLOWS = 20
DATABASES = ("pypgflow_bench_fleet_1", "pypgflow_bench_fleet_4")


def _workflow(index: int) -> dict[str, object]:
    names = ["start", *(f"s{i}" for i in range(10)), "done"]
    return {
        "workflow": {"name": f"flow_{index:02}", "version": "1"},
        "states": [
            {
                "name": n,
                **({"initial": True} if n == "start" else {}),
                **({"final": True} if n == "done" else {}),
            }
            for n in names
        ],
        "transitions": [
            {"from": a, "to": b, "name": f"to_{b}"} for a, b in itertools.pairwise(names)
        ],
    }


def _repository(folder: Path) -> None:
    (folder / "workflows").mkdir()
    for index in range(WORKFLOWS):
        (folder / "workflows" / f"flow_{index:02}.yaml").write_text(
            json.dumps(_workflow(index)), encoding="utf-8"
        )
    table = "".join(f't{n:03} = ["workflows"]\n' for n in range(TENANTS))
    (folder / "pyproject.toml").write_text(
        f"[tool.pypgflow-ops.tenants]\n{table}", encoding="utf-8"
    )


def _fresh_database(server: str, name: str) -> str:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    return psycopg.conninfo.make_conninfo(server, dbname=name)


def _timed(folder: Path, *args: str) -> float:
    command = [str(Path(sys.executable).parent / "pypgflow-ops"), *args]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-2000:]
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    server = parser.parse_args().server
    with tempfile.TemporaryDirectory() as folder:
        repo = Path(folder)
        _repository(repo)
        rows = []
        urls = []
        for jobs, name in zip(("1", "4"), DATABASES, strict=True):
            url = _fresh_database(server, name)
            urls.append(url)
            seconds = _timed(
                repo, "apply", "--all-tenants", "--yes", "--jobs", jobs, "--database-url", url
            )
            rows.append((f"first `apply --all-tenants --yes --jobs {jobs}`", seconds))
        plan = _timed(repo, "plan", "--all-tenants", "--database-url", urls[1])
        rows.append(("no-op `plan --all-tenants`", plan))
        for jobs in ("1", "4"):
            seconds = _timed(
                repo, "apply", "--all-tenants", "--yes", "--jobs", jobs, "--database-url", urls[1]
            )
            rows.append((f"no-op `apply --all-tenants --yes --jobs {jobs}`", seconds))
    print(f"| {TENANTS} tenants x {WORKFLOWS} workflows | wall time |")
    print("| --- | --- |")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.1f} s |")


if __name__ == "__main__":
    main()
