"""Scenario test benchmark: 1,000 scenarios of 10 steps each, `pypgflow-ops test` against the same
calls made one by one from psycopg outside the tool, in the same run.

    python benchmarks/scenarios/run.py [--server postgresql://postgres@127.0.0.1:5432/postgres]

Writes the input under benchmarks/data/scenarios/ (git-ignored): one workflow, a chain s0 -> s10,
and one scenario file of 1,000 journeys along it, each with a context per step and an
expectation. Then, on a fresh database `pypgflow_bench_scenarios` (dropped first, runtime not
installed, so the command installs it inside its transaction):

1. the whole command, `pypgflow-ops test` in a subprocess (start-up, lint, reading, runtime
   install, apply, the scenarios, rollback);
2. the scenarios alone through the tool's runner (`run_scenarios`, in-process: apply, savepoints,
   the calls, the expectations, rollback);
3. the baseline: one transaction with the runtime installed and the workflow applied (not timed),
   then, as pypgflow_authenticated with the tenant's claims, the same start_workflow and
   execute_transition calls one by one from psycopg, and one read of each instance's state
   (timed); rolled back.

Prints Markdown rows for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "benchmarks" / "data" / "scenarios"
DATABASE = "pypgflow_bench_scenarios"
SCENARIOS = 1000
STEPS = 10

from pypgflow_ops.config import Config  # noqa: E402
from pypgflow_ops.db import runtime  # noqa: E402
from pypgflow_ops.deploy import apply  # noqa: E402
from pypgflow_ops.lint import lint_paths  # noqa: E402
from pypgflow_ops.scenarios.lint import read_all  # noqa: E402
from pypgflow_ops.scenarios.session import run_scenarios  # noqa: E402


def _write_input() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    states = [f"s{i}" for i in range(STEPS + 1)]
    workflow = {
        "workflow": {"name": "chain", "version": "1"},
        "states": [
            {
                "name": s,
                **({"initial": True} if i == 0 else {}),
                **({"final": True} if i == STEPS else {}),
            }
            for i, s in enumerate(states)
        ],
        "transitions": [
            {"from": a, "to": b, "name": f"to_{b}", "conditions": {"field_required": "ok"}}
            for a, b in itertools.pairwise(states)
        ],
    }
    (DATA / "chain.yaml").write_text(json.dumps(workflow, indent=1), encoding="utf-8")
    lines = ["workflow: chain", "scenarios:"]
    for n in range(SCENARIOS):
        lines += [
            f"  - name: journey {n}",
            f'    start: {{entity_table: things, entity_id: "{n}"}}',
            "    steps:",
            *(f"      - {{to: {s}, context: {{ok: {n}}}}}" for s in states[1:]),
            f"    expect: {{state: {states[-1]}, finished: true, history: {STEPS + 1}}}",
        ]
    (DATA / "chain.scenarios.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _fresh_database(server: str) -> str:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {}").format(sql.Identifier(DATABASE)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(DATABASE)))
    return psycopg.conninfo.make_conninfo(server, dbname=DATABASE)


def _command(url: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pypgflow_ops", "test", str(DATA), "--database-url", url],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert done.stdout.endswith(f"{SCENARIOS} scenarios: {SCENARIOS} passed, 0 failed.\n")
    return elapsed


def _runner(url: str) -> float:
    workflows = lint_paths([DATA / "chain.yaml"]).workflows
    files, problems = read_all([str(DATA / "chain.scenarios.yaml")], Config())
    assert not problems
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        results = run_scenarios(conn, workflows, files)
        elapsed = time.perf_counter() - started
    assert len(results) == SCENARIOS and all(r.passed for r in results)
    return elapsed


def _baseline(url: str) -> float:
    workflows = lint_paths([DATA / "chain.yaml"]).workflows
    states = [f"s{i}" for i in range(1, STEPS + 1)]
    with psycopg.connect(url) as conn, conn.transaction(force_rollback=True):
        apply.apply(
            conn, "bench", apply.FromRepository("bench", workflows), actor="benchmark",
            on_wait=print, show=lambda plan: None, confirm=lambda: True,
        )  # fmt: skip
        row = conn.execute("select id from pypgflow.tenants where slug = 'bench'").fetchone()
        assert row is not None
        claims = json.dumps({"tenant_id": str(row[0]), "sub": "benchmark"})
        conn.execute(
            "select set_config('role', 'pypgflow_authenticated', true),"
            " set_config('request.jwt.claims', %s, true)",
            [claims],
        )
        started = time.perf_counter()
        for n in range(SCENARIOS):
            instance: Any = conn.execute(
                "select id from api.start_workflow(%s, %s, %s, %s)",
                ["chain", "things", str(n), Jsonb({})],
            ).fetchone()
            for state in states:
                conn.execute(
                    "select current_state from api.execute_transition(%s, %s, %s, null, %s)",
                    [instance[0], state, "benchmark", Jsonb({"ok": n})],
                )
            final = conn.execute(
                "select current_state from api.entity_workflows where id = %s", [instance[0]]
            ).fetchone()
            assert final == (states[-1],)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    _write_input()
    url = _fresh_database(args.server)
    assert runtime.installed_version(psycopg.connect(url)) is None
    command = _command(url)
    runner = _runner(url)
    baseline = _baseline(url)
    calls = SCENARIOS * (STEPS + 2)
    print(f"| `pypgflow-ops test` (whole command) | {command:.1f} s | {command / baseline:.2f} |")
    print(
        f"| `run_scenarios` (apply, savepoints, calls, checks) | {runner:.1f} s | "
        f"{runner / baseline:.2f} |"
    )
    print(f"| psycopg one by one ({calls:,} calls) | {baseline:.1f} s | 1.00 |")


if __name__ == "__main__":
    main()
