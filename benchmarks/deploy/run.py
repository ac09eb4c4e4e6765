"""Plan and apply benchmark: 1,000 workflows of 50 states and 100 transitions into an empty
database, then a no-op plan; wall time and round trips of each step.

    python benchmarks/lint/generate.py      # the input, under benchmarks/data/lint/files
    python benchmarks/deploy/run.py [--server postgresql://postgres@127.0.0.1:5432/postgres]

Steps, each on a fresh connection to a fresh database `pypgflow_bench_deploy` (dropped first):
lint (the repository -> workflows; the same for every plan); plan against the empty database
(read + decide); apply (lock, read, decide, install the runtime, create the tenant, write, commit);
the same apply into a second tenant (no runtime install); no-op plan (read + decide, finds
nothing to do); then the whole `pypgflow-ops plan` command, no-op, lint included. Round trips
are counted from libpq's protocol trace (tests/deploy/roundtrips.py): each simple Query and each
Sync. Prints Markdown rows for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from psycopg import sql

REPO = Path(__file__).resolve().parents[2]
FILES = REPO / "benchmarks" / "data" / "lint" / "files"
DATABASE = "pypgflow_bench_deploy"
TENANT = "bench"

sys.path.insert(0, str(REPO / "tests"))
from deploy.roundtrips import counted  # noqa: E402

from pypgflow_ops.deploy import apply  # noqa: E402
from pypgflow_ops.deploy.introspect import read_live_state  # noqa: E402
from pypgflow_ops.lint import lint_paths  # noqa: E402
from pypgflow_ops.model import Workflow  # noqa: E402
from pypgflow_ops.plan import Action, Plan  # noqa: E402

T = TypeVar("T")


def _fresh_database(server: str) -> str:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {}").format(sql.Identifier(DATABASE)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(DATABASE)))
    return psycopg.conninfo.make_conninfo(server, dbname=DATABASE)


def _measured(url: str, step: Callable[[psycopg.Connection[Any]], T]) -> tuple[T, float, int]:
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        with counted(conn) as trips:
            result = step(conn)
            conn.commit()
        return result, time.perf_counter() - started, trips.count


def _plan(desired: tuple[Workflow, ...]) -> Callable[[psycopg.Connection[Any]], Plan]:
    return lambda conn: apply.plan_against(
        TENANT, desired, read_live_state(conn, TENANT, desired), prune=False
    )


def _apply(
    desired: tuple[Workflow, ...], tenant: str = TENANT
) -> Callable[[psycopg.Connection[Any]], apply.Outcome]:
    return lambda conn: apply.apply(
        conn,
        tenant,
        apply.FromRepository(tenant, desired),
        actor="benchmark",
        on_wait=print,
        show=lambda plan: None,
        confirm=lambda: True,
    )


def _command(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "pypgflow-ops"), *args], check=True, capture_output=True
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    server = parser.parse_args().server
    url = _fresh_database(server)

    started = time.perf_counter()
    result = lint_paths([FILES])
    lint_seconds = time.perf_counter() - started
    desired = result.workflows
    assert result.errors == 0 and len(desired) == 1000, (result.errors, len(desired))
    states = sum(len(w.states) for w in desired)
    transitions = sum(len(w.transitions) for w in desired)

    first, plan_seconds, plan_trips = _measured(url, _plan(desired))
    assert first.count(Action.CREATE) == 1000
    outcome, apply_seconds, apply_trips = _measured(url, _apply(desired))
    assert outcome.deployment_id is not None
    second, second_seconds, second_trips = _measured(url, _apply(desired, "second"))
    assert second.deployment_id is not None and second.plan.runtime_action.value == "none"
    again, noop_seconds, noop_trips = _measured(url, _plan(desired))
    assert not again.has_changes
    command_seconds = _command(
        "plan", str(FILES), "--tenant", TENANT, "--database-url", url, "--detailed-exitcode"
    )

    print(f"input: {len(desired)} workflows, {states} states, {transitions} transitions")
    print("| step | wall time | round trips |")
    print("| --- | --- | --- |")
    print(
        f"| lint of the 1,000 files (in-process, shared by every plan) | {lint_seconds:.2f} s | 0 |"
    )
    print(
        f"| plan against the empty database (read + decide) | {plan_seconds:.2f} s | {plan_trips} |"
    )
    print(
        f"| apply of the 1,000 workflows (empty database) | {apply_seconds:.2f} s | {apply_trips} |"
    )
    print(
        f"| apply of the same 1,000 into a second tenant (runtime there already) "
        f"| {second_seconds:.2f} s | {second_trips} |"
    )
    print(f"| no-op plan (read + decide) | {noop_seconds:.2f} s | {noop_trips} |")
    print(
        f"| `pypgflow-ops plan` no-op, whole command, lint included | {command_seconds:.2f} s | |"
    )


if __name__ == "__main__":
    main()
