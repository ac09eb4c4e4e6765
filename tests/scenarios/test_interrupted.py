"""A run stopped by Ctrl-C or SIGTERM in the middle changes nothing: nothing is ever committed."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from .helpers import dump, repository

JOURNEY = """\
  - name: journey {n}
    start: {{entity_table: orders, entity_id: "{n}", metadata: {{payment_reference: p}}}}
    steps:
      - to: paid
      - to: shipped
      - to: delivered
"""
MANY = "workflow: order\nscenarios:\n" + "".join(JOURNEY.format(n=n) for n in range(3_000))


def _wait_until_running(url: str, process: subprocess.Popen[str]) -> None:
    """Until the run is moving instances (its workflows applied, its scenarios under way)."""
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(600):
            assert process.poll() is None, process.communicate()
            busy = conn.execute(
                "select count(*) from pg_stat_activity where datname = current_database()"
                " and application_name = 'pypgflow-ops' and query like '%execute_transition%'"
            ).fetchone()
            if busy and busy[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the run never started moving instances")


def _wait_until_gone(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(200):
            left = conn.execute(
                "select count(*) from pg_stat_activity where datname = current_database()"
                " and application_name = 'pypgflow-ops'"
            ).fetchone()
            if left and not left[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the run's connection stayed open")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_run_interrupted_midway_leaves_the_database_as_it_was(
    make_database: object, tmp_path: Path, signum: signal.Signals
) -> None:
    url = make_database(runtime=False)  # type: ignore[operator]
    folder = repository(tmp_path, MANY)
    before = dump(url)
    process = subprocess.Popen(
        [sys.executable, "-m", "pypgflow_ops", "test", str(folder), "--database-url", url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_running(url, process)
        time.sleep(0.3)
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert (process.returncode, out, err) == (130, "", "pypgflow-ops: interrupted\n")
    _wait_until_gone(url)
    assert dump(url) == before
