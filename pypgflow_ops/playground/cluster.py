"""A throwaway PostgreSQL cluster from the local binaries (initdb, pg_ctl), stopped and removed
when its ExitStack closes. PostgreSQL refuses to run as root: as root, it runs as `postgres`.

Trust authentication, listening on 127.0.0.1 and a socket in its own folder only: it is for
tests and the local playground, never for data that matters.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

UNPRIVILEGED_USER = "postgres"
# Durability is worthless in a cluster that is deleted on exit; these make it start and run fast.
FAST_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


class ClusterUnavailable(Exception):
    """No cluster could be started; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class Cluster:
    url: str  # the maintenance database, as the superuser `postgres`
    home: Path  # data, log and socket; removed when the cluster stops
    port: int


def pg_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def start_cluster(
    stack: ExitStack,
    *,
    port: int = 0,
    prefix: str = "pypgflow-pg-",
    find: Callable[[str], str | None] = pg_binary,
    password: str | None = None,
) -> Cluster:
    """Start a cluster on `port` (0: a free one); `stack` stops it and removes its folder.

    With `password`, `postgres` must give it (scram-sha-256) instead of being trusted.
    """
    initdb, pg_ctl = find("initdb"), find("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise ClusterUnavailable("no initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin")
    home = Path(tempfile.mkdtemp(prefix=prefix))
    stack.callback(shutil.rmtree, home, ignore_errors=True)
    run_as = _unprivileged(home)
    data, port = home / "data", port or free_port()
    initdb_options = ["-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync", "--auth=trust"]
    if password is not None:
        password_file = home / "password"
        password_file.write_text(password, encoding="utf-8")
        password_file.chmod(0o644)  # read by the unprivileged user; removed with `home`
        initdb_options[-1:] = ["--auth=scram-sha-256", f"--pwfile={password_file}"]
    _run([*run_as, initdb, "-D", str(data), *initdb_options], "initdb")
    server_options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 {FAST_SETTINGS}"
    start = [*run_as, pg_ctl, "-D", str(data), "-l", str(home / "log"), "-w", "-o", server_options]
    _run([*start, "start"], "pg_ctl start")
    stop = [*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]
    stack.callback(subprocess.run, stop, capture_output=True, check=False)
    return Cluster(f"postgresql://postgres@127.0.0.1:{port}/postgres", home, port)


def _unprivileged(home: Path) -> list[str]:
    """The command prefix that runs the server as a non-root user (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return []
    try:
        user = pwd.getpwnam(UNPRIVILEGED_USER)
    except KeyError:
        raise ClusterUnavailable(
            f"running as root and there is no {UNPRIVILEGED_USER!r} user"
        ) from None
    os.chown(home, user.pw_uid, user.pw_gid)
    return ["runuser", "-u", UNPRIVILEGED_USER, "--"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _run(command: list[str], what: str) -> None:
    # A session of its own: a Ctrl-C at the terminal reaches us, and we stop the server in order.
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, start_new_session=True
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise ClusterUnavailable(f"{what} failed: {detail[-1] if detail else result.returncode}")
