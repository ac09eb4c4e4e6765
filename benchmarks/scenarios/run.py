"""Scenario test benchmark: 1,000 scenarios of 10 steps each, `pypgflow-ops test` against the same
calls made one by one from psycopg outside the tool, in the same run.

    python benchmarks/scenarios/run.py [--server postgresql://postgres@127.0.0.1:5432/postgres]

Writes the input under benchmarks/data/scenarios/ (git-ignored): one workflow, a chain s0 -> s10,
and one scenario file of 1,000 journeys along it, each with a context per step and an
expectation. Then, on a fresh database `pypgflow_bench_scenarios` (dropped first): the whole
command once on the empty database (it installs the runtime inside its transaction, rolled back);
then, with the runtime installed (committed), in turn:

1. the whole command, `pypgflow-ops test` in a subprocess (start-up, lint, reading, apply, the
   scenarios, rollback);
2. the scenarios alone through the tool's runner (`run_scenarios`, in-process: apply, savepoints,
   the calls, the expectations, rollback);
3. the baseline: one transaction with the workflow applied (not timed), then, as
   pypgflow_authenticated with the tenant's claims, the same start_workflow and
   execute_transition calls one by one from psycopg, and one read of each instance's state
   (timed); rolled back.

The three run in turn, `--rounds` times (default 3); prints the median time of each (and every
round's) and the median of its per-round ratios to the baseline, as Markdown rows for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
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
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    _write_input()
    url = _fresh_database(args.server)
    with psycopg.connect(url) as conn:
        assert runtime.installed_version(conn) is None
    on_empty = _command(url)  # installs the runtime inside its transaction, rolled back
    with psycopg.connect(url) as conn, conn.transaction():
        runtime.upgrade(conn)  # from here on, as on a database that has the runtime
    timings: dict[str, list[float]] = {"command": [], "runner": [], "baseline": []}
    for _ in range(args.rounds):  # interleaved, so that a busy machine weighs on all three
        timings["command"].append(_command(url))
        timings["runner"].append(_runner(url))
        timings["baseline"].append(_baseline(url))
    calls = SCENARIOS * (STEPS + 2)
    print(
        f"| `pypgflow-ops test`, empty database (runtime install included) | {on_empty:.1f} s | |"
    )
    rows = [
        ("command", "`pypgflow-ops test` (whole command)"),
        ("runner", "`run_scenarios` (apply, savepoints, calls, checks)"),
        ("baseline", f"psycopg one by one ({calls:,} calls)"),
    ]
    for name, label in rows:
        rounds = " / ".join(f"{t:.1f}" for t in timings[name])
        # Each round's ratio to the baseline of the same round, so that the machine's load, which
        # drifts from round to round, weighs on both sides of each ratio alike.
        ratio = statistics.median(
            t / base for t, base in zip(timings[name], timings["baseline"], strict=True)
        )
        print(f"| {label} | {statistics.median(timings[name]):.1f} s ({rounds}) | {ratio:.2f} |")


if __name__ == "__main__":
    main()
