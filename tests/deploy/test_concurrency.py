"""Applies that race, wait for each other, or die: the database holds the old state or the new
one, never a mix, and the next apply converges."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from pypgflow_ops.db.runtime import LOCK_CLASS, LOCK_OBJECT
from pypgflow_ops.deploy.lock import CLASS_KEY, object_key

from .cli import heads, plan, rows, versions
from .workflow_files import chain, write


def _apply_process(folder: Path, tenant: str, url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pypgflow_ops",
            "apply",
            str(folder),
            "--tenant",
            tenant,
            "--database-url",
            url,
            "--yes",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_lock(url: str, tenant: str, *, granted: bool) -> None:
    """Until one session holds (or waits for) the tenant's deploy lock."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        sessions = rows(
            url,
            "select count(*) from pg_locks where locktype = 'advisory' and granted = %s"
            " and classid = %s::oid and objid = %s::oid",
            granted,
            CLASS_KEY,
            object_key(tenant),
        )
        if sessions == [(1,)]:
            return
        time.sleep(0.01)
    raise AssertionError(f"no apply {'took' if granted else 'queued for'} the lock")


@pytest.mark.parametrize("scope", ["transaction", "session"])
def test_an_apply_queues_behind_the_lock_holder_and_names_it(
    runtime_database_url: str, tmp_path: Path, scope: str
) -> None:
    url, tenant = runtime_database_url, f"queue-{scope}"
    folder = write(tmp_path / "wf", chain("orders"))
    with psycopg.connect(url, application_name="deploy by alice", autocommit=True) as holder:
        if scope == "transaction":
            holder.execute("begin")
            holder.execute("select pg_advisory_xact_lock(%s, %s)", [CLASS_KEY, object_key(tenant)])
        else:
            holder.execute("select pg_advisory_lock(%s, %s)", [CLASS_KEY, object_key(tenant)])
        process = _apply_process(folder, tenant, url)
        _wait_for_lock(url, tenant, granted=False)
        assert versions(url, tenant) == []
        holder.execute("commit" if scope == "transaction" else "select pg_advisory_unlock_all()")
    out, err = process.communicate(timeout=60)

    assert process.returncode == 0, err
    assert out.splitlines()[-1].startswith("Applied (deployment ")
    assert re.fullmatch(
        f"waiting for the deploy lock of tenant '{tenant}', held by deploy by alice "
        r"\(pid \d+, user postgres from 127\.0\.0\.1/32"
        + (r", since \d\d:\d\d:\d\d \w*\)\n" if scope == "transaction" else r"\)\n"),
        err,
    ), err
    assert versions(url, tenant) == [("orders", "1", 1, False)]


def test_two_applies_racing_apply_once(runtime_database_url: str, tmp_path: Path) -> None:
    url = runtime_database_url
    folder = write(tmp_path / "wf", *(chain(f"w{i}", states=10) for i in range(20)))

    processes = [_apply_process(folder, "race", url) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in processes]

    assert [p.returncode for p in processes] == [0, 0], outputs
    assert sorted(out.splitlines()[-1].split(" (")[0] for out, _ in outputs) == [
        "Applied",
        "No changes. The database matches the repository.",
    ]
    assert len(versions(url, "race")) == 20
    assert rows(
        url,
        "select count(*) from pypgflow.deployments d join pypgflow.tenants t"
        " on t.id = d.tenant_id where t.slug = 'race'",
    ) == [(1,)]


def _snapshot(
    url: str, tenant: str
) -> tuple[list[tuple[str, str, int, bool]], dict[str, str], int]:
    states = rows(
        url,
        "select count(*) from pypgflow.workflow_states s join pypgflow.tenants t"
        " on t.id = s.tenant_id where t.slug = %s",
        tenant,
    )[0][0]
    return versions(url, tenant), heads(url, tenant), states


def test_an_apply_killed_at_any_moment_leaves_old_or_new_state_and_the_next_converges(
    runtime_database_url: str, tmp_path: Path
) -> None:
    url, tenant, count = runtime_database_url, "killed", 30
    seed = int(os.environ.get("PYPGFLOW_KILL_SEED", time.time_ns() % 10_000))
    chance = random.Random(seed)

    def repository(version: int) -> Path:
        return write(
            tmp_path / "wf",
            *(chain(f"w{i}", str(version), states=20, extra=f"v{version}") for i in range(count)),
        )

    old = _snapshot(url, tenant)
    for version in range(1, 13):
        process = _apply_process(repository(version), tenant, url)
        if version % 2:  # anywhere: starting up, linting, connecting, writing, committing
            time.sleep(chance.uniform(0.0, 1.5))
        else:  # inside the transaction: the lock is taken, the writes follow
            _wait_for_lock(url, tenant, granted=True)
            time.sleep(chance.uniform(0.0, 0.3))
        process.send_signal(signal.SIGKILL)
        process.communicate()
        after = _snapshot(url, tenant)
        assert after == old or all(v == str(version) for v in after[1].values()), (seed, version)
        assert after == old or (
            len(after[0]) == len(old[0]) + count and after[2] == old[2] + count * 21
        ), (seed, version)

        converge = _apply_process(repository(version), tenant, url)
        assert converge.wait(timeout=120) == 0, (seed, converge.communicate())
        assert plan(repository(version), tenant, url, "--detailed-exitcode")[0] == 0
        old = _snapshot(url, tenant)
        assert len(old[0]) == version * count and len(old[1]) == count


def test_two_tenants_applied_at_once_into_an_empty_database_both_succeed(
    make_database: Callable[[], str], tmp_path: Path
) -> None:
    """Both plan the install and queue for the runtime lock; the second sees the first install."""
    url, folder = make_database(), write(tmp_path / "wf", chain("orders"))
    with psycopg.connect(url, autocommit=True) as holder:
        holder.execute("begin")
        holder.execute("select pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, LOCK_OBJECT])
        processes = [_apply_process(folder, tenant, url) for tenant in ("y1", "y2")]
        _wait_for_runtime_lock_queue(url, waiting=2)
        holder.execute("commit")
    outputs = [p.communicate(timeout=60) for p in processes]

    assert [p.returncode for p in processes] == [0, 0], outputs
    assert versions(url, "y1") == versions(url, "y2") == [("orders", "1", 1, False)]


def _wait_for_runtime_lock_queue(url: str, *, waiting: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        queued = rows(
            url,
            "select count(*) from pg_locks where locktype = 'advisory' and not granted"
            " and classid = %s::oid and objid = %s::oid",
            LOCK_CLASS,
            LOCK_OBJECT,
        )
        if queued == [(waiting,)]:
            return
        time.sleep(0.01)
    raise AssertionError(f"{waiting} applies did not queue for the runtime lock")
