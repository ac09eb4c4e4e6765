"""Run pypgflow-ops as a separate process, as users and pipelines do, optionally with one core
function replaced by one that fails (the only way to see what a crash exits with)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_PATCHED_MAIN = """\
import importlib, sys
module = importlib.import_module(sys.argv.pop(1))
name, raising = sys.argv.pop(1), sys.argv.pop(1)

def replacement(*_args, **_kwargs):
    if raising == "database":
        import psycopg.errors
        raise psycopg.errors.InsufficientPrivilege("permission denied for schema pypgflow")
    raise ZeroDivisionError("forced crash")

setattr(module, name, replacement)
from pypgflow_ops.cli import main
main()
"""


def pypgflow_ops(
    *args: str | Path,
    stdin: str = "",
    cwd: Path = REPO,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`python -m pypgflow_ops ARGS`, with standard input from a pipe (never a terminal)."""
    return _run([sys.executable, "-m", "pypgflow_ops", *map(str, args)], stdin, cwd, env)


def with_failing(
    target: str,
    *args: str | Path,
    raising: str = "bug",
    cwd: Path = REPO,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """pypgflow-ops ARGS with `target` (module.function) replaced by a function that raises:
    ZeroDivisionError (raising="bug"), or a psycopg permission error (raising="database")."""
    module, _, name = target.rpartition(".")
    command = [sys.executable, "-c", _PATCHED_MAIN, module, name, raising, *map(str, args)]
    return _run(command, "", cwd, env)


def _run(
    command: list[str], stdin: str, cwd: Path, env: dict[str, str] | None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def on_a_terminal(*args: str | Path, env: dict[str, str]) -> bytes:
    """What `python -m pypgflow_ops ARGS` writes to standard output when that is a terminal."""
    controller, screen = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "pypgflow_ops", *map(str, args)],
            stdout=screen,
            stderr=subprocess.DEVNULL,
            cwd=REPO,
            env={**os.environ, **env},
        )
    finally:
        os.close(screen)
    chunks = []
    try:
        while chunk := _read(controller):
            chunks.append(chunk)
        process.wait(timeout=120)
    finally:
        os.close(controller)
    return b"".join(chunks)


def _read(controller: int) -> bytes:
    try:
        return os.read(controller, 65536)
    except OSError:  # EIO: the process closed the terminal's other end
        return b""
