"""Find a PostgreSQL server for the tests and make throwaway databases on it.

A server is found in this order: the maintenance-database URL in PYPGFLOW_TEST_DATABASE_URL; else a
PostgreSQL container (testcontainers) when a Docker engine answers; else a throwaway cluster from
the local binaries (initdb / pg_ctl), run as an unprivileged user when we are root. When none can
be had, NoServer says why, in one message; the tests fail with it, never skip.
"""

from __future__ import annotations

import gc
import os
import re
import socket
import uuid
import warnings
from contextlib import ExitStack
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from pypgflow_ops.playground.cluster import ClusterUnavailable, pg_binary, start_cluster

ENV_VAR = "PYPGFLOW_TEST_DATABASE_URL"
CONTAINER_IMAGE = "postgres:15"
DOCKER_SOCKET = "/var/run/docker.sock"


class NoServer(Exception):
    """No PostgreSQL server could be found or started."""


def find_server(stack: ExitStack) -> str:
    """A maintenance-database URL; whatever was started is stopped when `stack` closes."""
    url = os.environ.get(ENV_VAR)
    if url:
        _check_reachable(url, f"{ENV_VAR} ({_redacted(url)})")
        return url
    reasons = []
    for start in (_start_container, _start_local_cluster):
        try:
            return start(stack)
        except NoServer as exc:
            reasons.append(str(exc))
    raise NoServer(
        f"no PostgreSQL server for the database tests: set {ENV_VAR} to a maintenance database "
        f"URL such as postgresql://postgres@127.0.0.1:5432/postgres ({'; '.join(reasons)})"
    )


def create_database(maintenance_url: str, label: str, *, template: str | None = None) -> str:
    """Create a fresh database (a copy of `template` if given) and return its URL."""
    name = database_name(label)
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(statement)
    return with_database(maintenance_url, name)


def drop_database(maintenance_url: str, url: str) -> None:
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    assert isinstance(name, str)
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def database_name(label: str) -> str:
    """A unique, readable database name: other test runs may share the server."""
    slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[-40:]
    return f"pypgflow_test_{slug}_{uuid.uuid4().hex[:8]}"


def with_database(url: str, dbname: str) -> str:
    """`url` pointed at another database (a URL stays a URL, a conninfo string stays one)."""
    if "://" in url:
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path=f"/{dbname}"))
    return make_conninfo(url, dbname=dbname)


def with_user(url: str, user: str) -> str:
    """`url` logging in as another user, without a password."""
    if "://" in url:
        parts = urlsplit(url)
        host = parts.netloc.rsplit("@", 1)[-1]
        return urlunsplit(parts._replace(netloc=f"{quote(user, safe='')}@{host}"))
    return make_conninfo(url, user=user, password="")


def _check_reachable(url: str, origin: str) -> None:
    try:
        psycopg.connect(url, connect_timeout=10).close()
    except psycopg.Error as exc:
        raise NoServer(f"PostgreSQL from {origin} is unreachable: {_first_line(exc)}") from None


def _start_container(stack: ExitStack) -> str:
    try:
        from testcontainers.community.postgres import PostgresContainer
    except ImportError:
        raise NoServer("testcontainers is not installed") from None
    reason = _docker_engine_missing()
    if reason is None:
        try:
            container = stack.enter_context(PostgresContainer(CONTAINER_IMAGE, driver=None))
        except Exception as exc:  # docker.errors.DockerException and friends
            reason = _first_line(exc)
    if reason is not None:
        with warnings.catch_warnings():  # a failed docker client leaves its socket to the GC
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
        raise NoServer(f"no Docker engine answers ({reason})")
    url: str = container.get_connection_url()
    _check_reachable(url, "the testcontainers PostgreSQL")
    return url


def _docker_engine_missing() -> str | None:
    """Why the default Docker socket does not answer, or None (DOCKER_HOST: let docker decide)."""
    if os.environ.get("DOCKER_HOST"):
        return None
    with socket.socket(socket.AF_UNIX) as probe:
        try:
            probe.connect(DOCKER_SOCKET)
        except OSError as exc:
            return f"{DOCKER_SOCKET}: {exc.strerror}"
    return None


def _start_local_cluster(stack: ExitStack) -> str:
    try:
        cluster = start_cluster(stack, prefix="pypgflow-test-pg-", find=lambda n: _pg_binary(n))
    except ClusterUnavailable as exc:
        raise NoServer(str(exc)) from None
    _check_reachable(cluster.url, "the local throwaway cluster")
    return cluster.url


_pg_binary = pg_binary  # a seam for the test that has no binaries


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _redacted(url: str) -> str:
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)
