"""A wrong password is one clear line and exit 1, with the password nowhere in it. The shared
server trusts every local login, so this starts its own throwaway cluster with scram-sha-256."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pypgflow_ops.db.runtime import RUNTIME_VERSION

from .cli import apply, plan
from .workflow_files import chain, write

PASSWORD = "right horse battery"


def _binary(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        pytest.fail(f"no {name}: install the PostgreSQL server binaries", pytrace=False)
    return found


@pytest.fixture(scope="module")
def password_server() -> Iterator[str]:
    """postgresql://postgres@127.0.0.1:PORT/postgres of a cluster that wants PASSWORD."""
    home = Path(tempfile.mkdtemp(prefix="pypgflow-password-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        user = pwd.getpwnam("postgres")
        os.chown(home, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    (home / "pw").write_text(PASSWORD, encoding="utf-8")
    os.chmod(home / "pw", 0o644)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = str(home / "data")
    subprocess.run(
        [
            *run_as,
            _binary("initdb"),
            "-D",
            data,
            "-U",
            "postgres",
            "--auth=scram-sha-256",
            f"--pwfile={home / 'pw'}",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = _binary("pg_ctl")
    subprocess.run(
        [*run_as, pg_ctl, "-D", data, "-l", str(home / "log"), "-w", "-o", options, "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*run_as, pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(home, ignore_errors=True)


def test_a_wrong_password_is_one_line_and_exit_1(password_server: str, tmp_path: Path) -> None:
    folder = write(tmp_path / "wf", chain("orders"))
    wrong = password_server.replace("postgres@", "postgres:not-the-password@")

    for command in (plan, apply):
        code, out, err = command(folder, "acme", wrong)

        assert (code, out) == (1, "")
        assert err.startswith("pypgflow-ops: error: cannot connect to PostgreSQL (host 127.0.0.1")
        assert err.endswith('password authentication failed for user "postgres"\n')
        assert err.count("\n") == 1 and "not-the-password" not in err


def test_the_right_password_gets_through(password_server: str, tmp_path: Path) -> None:
    right = password_server.replace("postgres@", f"postgres:{PASSWORD.replace(' ', '%20')}@")

    code, out, _ = plan(write(tmp_path / "wf", chain("orders")), "acme", right)

    assert (code, out.splitlines()[1]) == (0, f"  + runtime {RUNTIME_VERSION} (install)")
