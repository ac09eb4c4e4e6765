"""A wrong password is one clear line and exit 1, with the password nowhere in it. The shared
server trusts every local login, so this starts its own throwaway cluster with scram-sha-256."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from pypgflow_ops.db.runtime import RUNTIME_VERSION
from pypgflow_ops.playground.cluster import ClusterUnavailable, start_cluster

from .cli import apply, plan
from .workflow_files import chain, write

PASSWORD = "right horse battery"


@pytest.fixture(scope="module")
def password_server() -> Iterator[str]:
    """postgresql://postgres@127.0.0.1:PORT/postgres of a cluster that wants PASSWORD."""
    with ExitStack() as stack:
        try:
            cluster = start_cluster(stack, prefix="pypgflow-password-", password=PASSWORD)
        except ClusterUnavailable as exc:
            pytest.fail(str(exc), pytrace=False)
        yield cluster.url


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
