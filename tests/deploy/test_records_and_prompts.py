"""What the deployments row records, the confirmation prompt on a terminal, and saved plans made
against a database that had no runtime yet."""

from __future__ import annotations

import getpass
import os
import pty
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from pypgflow_ops.deploy.lock import CLASS_KEY, object_key

from .cli import apply, apply_plan, plan, rows, run, versions
from .workflow_files import chain, write


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _repository(tmp_path: Path) -> tuple[Path, str]:
    """A git repository holding one workflow: (its workflows folder, its HEAD commit)."""
    folder = write(tmp_path / "repo" / "workflows", chain("orders"))
    _git(tmp_path / "repo", "init", "-q")
    _git(tmp_path / "repo", "add", ".")
    _git(tmp_path / "repo", "commit", "-q", "-m", "first")
    return folder, _git(tmp_path / "repo", "rev-parse", "HEAD")


def _deployments(url: str, tenant: str) -> list[tuple[object, ...]]:
    return rows(
        url,
        "select p.actor, p.git_commit from pypgflow.deployments p"
        " join pypgflow.tenants t on t.id = p.tenant_id where t.slug = %s",
        tenant,
    )


def test_the_deployment_records_the_git_commit_and_the_github_actor(
    runtime_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, head = _repository(tmp_path)
    monkeypatch.setenv("GITHUB_ACTOR", "octocat")

    assert apply(folder, "recorded", runtime_database_url)[0] == 0

    assert _deployments(runtime_database_url, "recorded") == [("octocat", head)]


def test_a_saved_plan_records_the_commit_it_was_made_from(
    runtime_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, head = _repository(tmp_path)
    saved = tmp_path / "plan.json"
    assert plan(folder, "from-plan", runtime_database_url, "--out", saved)[0] == 0
    monkeypatch.chdir(tmp_path)  # outside the repository
    monkeypatch.delenv("GITHUB_ACTOR", raising=False)

    assert apply_plan(saved, "from-plan", runtime_database_url)[0] == 0

    assert _deployments(runtime_database_url, "from-plan") == [(getpass.getuser(), head)]


def test_with_no_actor_and_a_uid_without_a_passwd_entry_the_uid_is_recorded(
    runtime_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write(tmp_path / "wf", chain("orders"))
    for name in ("GITHUB_ACTOR", "LOGNAME", "USER", "LNAME", "USERNAME"):  # getpass reads these
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(os, "getuid", lambda: 4_000_000_123)  # a container's arbitrary uid

    code, _, err = apply(folder, "nameless", runtime_database_url)

    assert (code, err) == (0, "")
    assert _deployments(runtime_database_url, "nameless") == [("uid 4000000123", None)]


def _wait_for_lock_holder(url: str, tenant: str) -> int:
    """The backend pid of the session holding the tenant's deploy lock, once there is one."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        holders = rows(
            url,
            "select pid from pg_locks where locktype = 'advisory' and granted"
            " and classid = %s::oid and objid = %s::oid",
            CLASS_KEY,
            object_key(tenant),
        )
        if holders:
            return int(holders[0][0])
        time.sleep(0.02)
    raise AssertionError("no apply took the lock")


def _apply_on_a_terminal(folder: Path, tenant: str, url: str, answer: bytes) -> tuple[int, str]:
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pypgflow_ops",
                "apply",
                str(folder),
                "--tenant",
                tenant,
                "--database-url",
                url,
            ],
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_COLOR": "1"},
        )
        os.write(controller, answer)
        out, _ = process.communicate(timeout=60)
    finally:
        os.close(controller)
        os.close(terminal)
    return process.returncode, out.decode()


def test_on_a_terminal_apply_asks_first_and_no_changes_nothing(
    runtime_database_url: str, tmp_path: Path
) -> None:
    folder = write(tmp_path / "wf", chain("orders"))

    code, out = _apply_on_a_terminal(folder, "asked", runtime_database_url, b"n\n")

    assert code == 1
    assert out.endswith("\nApply these changes? [y/N]: Cancelled: nothing was changed.\n")
    assert versions(runtime_database_url, "asked") == []
    code, out = _apply_on_a_terminal(folder, "asked", runtime_database_url, b"y\n")
    assert code == 0
    assert out.splitlines()[-1].startswith("Apply these changes? [y/N]: Applied (deployment ")
    assert versions(runtime_database_url, "asked") == [("orders", "1", 1, False)]


def test_a_plan_saved_against_a_database_without_runtime_goes_stale_when_one_is_installed(
    make_database: Callable[[], str], tmp_path: Path
) -> None:
    url, saved = make_database(), tmp_path / "plan.json"
    folder = write(tmp_path / "wf", chain("orders"))
    assert plan(folder, "early", url, "--out", saved)[0] == 0
    assert run("db", "upgrade", "--database-url", url)[0] == 0

    code, _, err = apply_plan(saved, "early", url)

    assert (code, "the database changed since the plan was made" in err) == (1, True)
    assert rows(url, "select count(*) from pypgflow.workflow_definitions") == [(0,)]


def test_a_plan_saved_against_an_empty_database_applies_it_all(
    make_database: Callable[[], str], tmp_path: Path
) -> None:
    url, saved = make_database(), tmp_path / "plan.json"
    assert plan(write(tmp_path / "wf", chain("orders")), "fresh", url, "--out", saved)[0] == 0

    assert apply_plan(saved, "fresh", url)[0] == 0
    assert versions(url, "fresh") == [("orders", "1", 1, False)]


def test_a_connection_lost_in_the_middle_is_one_line_and_changes_nothing(
    runtime_database_url: str, tmp_path: Path
) -> None:
    url, tenant = runtime_database_url, "lost"
    folder = write(tmp_path / "wf", chain("orders"))
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pypgflow_ops",
                "apply",
                str(folder),
                "--tenant",
                tenant,
                "--database-url",
                url,
            ],
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        pid = _wait_for_lock_holder(url, tenant)  # at the prompt, inside the transaction
        assert rows(url, "select pg_terminate_backend(%s)", pid) == [(True,)]
        os.write(controller, b"y\n")
        _, err = process.communicate(timeout=60)
    finally:
        os.close(controller)
        os.close(terminal)

    assert process.returncode == 1, err
    # The wording depends on where the apply was when its backend went: at the prompt, psycopg
    # sees the server's own message; inside a query, only that the connection closed.
    assert err.startswith("pypgflow-ops: error: apply failed, nothing was changed: "), err
    assert err.count("\n") == 1, err
    assert versions(url, tenant) == []
    assert apply(folder, tenant, url)[0] == 0


def test_a_connection_lost_during_commit_says_the_outcome_is_unknown(
    make_database: Callable[..., str], tmp_path: Path
) -> None:
    """A deferred trigger ends the session inside COMMIT: the client cannot know what landed."""
    url, tenant = make_database(runtime=True), "unknown"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(
            "create function public.end_session() returns trigger language plpgsql as"
            " $$ begin perform pg_terminate_backend(pg_backend_pid()); perform pg_sleep(5);"
            " return null; end $$"
        )
        admin.execute(
            "create constraint trigger end_session_at_commit after insert on pypgflow.deployments"
            " deferrable initially deferred for each row execute function public.end_session()"
        )

    code, _, err = apply(write(tmp_path / "wf", chain("orders")), tenant, url)

    assert code == 1
    assert err == (
        "pypgflow-ops: error: the connection was lost during COMMIT, so the outcome is unknown:"
        " run plan to see what the database holds (terminating connection due to administrator"
        " command (SQLSTATE 57P01))\n"
    )
    assert versions(url, tenant) == []
