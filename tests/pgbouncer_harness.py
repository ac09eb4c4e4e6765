"""A real PgBouncer in transaction pooling mode in front of the test server (issue 11, item 6).

`pgbouncer` comes from the Debian package of that name (the README's test set-up installs it).
It listens on a free 127.0.0.1 port, forwards every database name to the test server, trusts
every user (as the test server does), and runs as `nobody` when started as root, which it
refuses. `PgBouncer(server_url).url(database_url)` is `database_url` reached through it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import psycopg

POOL_MODE = "transaction"


class NoPgBouncer(Exception):
    """pgbouncer is not installed, or did not start."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _config(server: dict[str, str], port: int, folder: Path) -> str:
    host = server.get("host") or "127.0.0.1"
    return "\n".join(
        [
            "[databases]",
            f"* = host={host} port={server.get('port') or 5432}",
            "[pgbouncer]",
            "listen_addr = 127.0.0.1",
            f"listen_port = {port}",
            "unix_socket_dir =",
            "auth_type = trust",
            f"admin_users = {server.get('user') or 'postgres'}",
            # Other roles (the tests make some) are looked up through this one, as trust allows.
            f"auth_user = {server.get('user') or 'postgres'}",
            f"auth_file = {folder / 'users.txt'}",
            f"pool_mode = {POOL_MODE}",
            "max_client_conn = 200",
            "default_pool_size = 20",
            "server_reset_query =",
            "ignore_startup_parameters = extra_float_digits",
            f"logfile = {folder / 'pgbouncer.log'}",
            "",
        ]
    )


class PgBouncer:
    def __init__(self, server_url: str) -> None:
        self._server = {k: str(v) for k, v in psycopg.conninfo.conninfo_to_dict(server_url).items()}
        self._folder = Path(tempfile.mkdtemp(prefix="pypgflow-pgbouncer-"))
        self.port = _free_port()
        self._process: subprocess.Popen[bytes] | None = None

    def url(self, database_url: str) -> str:
        """`database_url`, reached through PgBouncer."""
        return psycopg.conninfo.make_conninfo(database_url, host="127.0.0.1", port=self.port)

    def __enter__(self) -> PgBouncer:
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not Path(binary).exists():
            raise NoPgBouncer("pgbouncer is not installed: apt-get install pgbouncer")
        user = self._server.get("user", "postgres")
        (self._folder / "users.txt").write_text(f'"{user}" ""\n', encoding="utf-8")
        config = self._folder / "pgbouncer.ini"
        config.write_text(_config(self._server, self.port, self._folder), encoding="utf-8")
        user_switch: dict[str, object] = {}
        if os.geteuid() == 0:  # pgbouncer will not run as root
            os.chmod(self._folder, 0o777)
            for path in self._folder.iterdir():
                os.chmod(path, 0o666)
            user_switch = {"user": "nobody", "group": "nogroup", "extra_groups": []}
        self._process = subprocess.Popen(
            [binary, str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **user_switch,  # type: ignore[arg-type]
        )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                log = (self._folder / "pgbouncer.log").read_text(errors="replace")[-2000:]
                raise NoPgBouncer(f"pgbouncer exited: {log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise NoPgBouncer("pgbouncer did not listen within 15 s")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
        shutil.rmtree(self._folder, ignore_errors=True)
