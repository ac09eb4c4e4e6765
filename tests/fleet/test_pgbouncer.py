"""Deploys and the runtime through a real PgBouncer in transaction pooling mode: the advisory
locks, the transaction-local settings and the absence of prepared statements are pool-safe.

The whole deploy, fleet and runtime suites run this way too with
PYPGFLOW_TEST_THROUGH_PGBOUNCER=1 (tests/conftest.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from pgbouncer_harness import PgBouncer

from pypgflow_ops.deploy.lock import CLASS_KEY, object_key
from tests.deploy.cli import heads, run, versions
from tests.deploy.workflow_files import chain, write

TENANTS = tuple(f"t{n:02}" for n in range(12))


@pytest.fixture
def pooled(pgbouncer: PgBouncer, make_database) -> tuple[str, str]:
    """(direct URL, the same database through PgBouncer)."""
    direct = make_database(runtime=True)
    return direct, pgbouncer.url(direct)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(tmp_path / "workflows", chain("orders"), chain("billing", states=5))
    (tmp_path / "pyproject.toml").write_text(
        "[tool.pypgflow-ops.tenants]\n" + "".join(f'{t} = ["workflows"]\n' for t in TENANTS),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_harness_pools_by_transaction(pgbouncer: PgBouncer, pg_server: str) -> None:
    admin = psycopg.conninfo.make_conninfo(pgbouncer.url(pg_server), dbname="pgbouncer")
    with psycopg.connect(admin, autocommit=True, prepare_threshold=None) as conn:
        settings = dict(
            (row[0], row[1]) for row in conn.cursor().execute("show config", prepare=False)
        )
    assert settings["pool_mode"] == "transaction"


def test_fleet_applies_race_through_pgbouncer_and_plan_finds_nothing_left(
    repo: Path, pooled: tuple[str, str]
) -> None:
    direct, url = pooled
    racers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pypgflow_ops",
                "apply",
                "--all-tenants",
                "--yes",
                "--database-url",
                url,
                *mode,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mode in (["--jobs", "4"], ["--atomic"])
    ]
    results = [racer.communicate(timeout=180) for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0], results
    assert {t: heads(direct, t) for t in TENANTS} == {
        t: {"orders": "1", "billing": "1"} for t in TENANTS
    }
    code, out, _ = run("plan", "--all-tenants", "--database-url", url, "--detailed-exitcode")
    assert code == 0
    assert out.endswith("Fleet: 12 tenants: 0 with changes, 12 without changes, 0 refused.\n")


def test_lock_timeout_through_pgbouncer(repo: Path, pooled: tuple[str, str]) -> None:
    direct, url = pooled
    with psycopg.connect(direct, application_name="deploy by alice") as holder:
        holder.execute("select pg_advisory_xact_lock(%s, %s)", [CLASS_KEY, object_key("t00")])
        code, _, err = run(
            "apply", "--tenant", "t00", "--database-url", url, "--yes", "--lock-timeout", "300ms"
        )
        holder.rollback()
    assert code == 1
    assert "held by deploy by alice (pid " in err.splitlines()[-1]
    assert versions(direct, "t00") == []
    assert run("apply", "--tenant", "t00", "--database-url", url, "--yes")[0] == 0


def test_runtime_calls_through_pgbouncer(repo: Path, pooled: tuple[str, str]) -> None:
    direct, url = pooled
    assert run("apply", "--tenant", "t01", "--database-url", url, "--yes")[0] == 0
    for n in range(8):  # more than psycopg's prepare threshold
        code, out, err = run(
            "instances",
            "start",
            "order",
            f"e-{n}",
            "--workflow",
            "orders",
            "--tenant",
            "t01",
            "--database-url",
            url,
            "--format",
            "json",
        )
        assert code == 0, err
        code, out, err = run(
            "instances",
            "transition",
            str(json.loads(out)["id"]),
            "s1",
            "--executed-by",
            "bob",
            "--tenant",
            "t01",
            "--database-url",
            url,
            "--format",
            "json",
            "--context",
            '{"approved_by": "x"}',
        )
        assert code == 0, err
    states = [
        r[0]
        for r in psycopg.connect(direct)
        .execute("select current_state from pypgflow.entity_workflow_instances")
        .fetchall()
    ]
    assert states == ["s1"] * 8
