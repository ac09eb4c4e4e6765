"""Applies to several tenants: each on its own (the others go on when one fails), or --atomic
(all or none); racing fleet applies; --lock-timeout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from pypgflow_ops.deploy.lock import CLASS_KEY, object_key
from tests.deploy.cli import apply, heads, run, versions
from tests.deploy.workflow_files import chain, write

TENANTS = ("acme", "globex", "initech")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(tmp_path / "workflows", chain("orders", "2"))
    (tmp_path / "pyproject.toml").write_text(
        "[tool.pypgflow-ops.tenants]\n" + "".join(f'{t} = ["workflows"]\n' for t in TENANTS),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _conflicted(repo: Path, url: str) -> None:
    """globex already has orders 2 with other content: its plan is refused."""
    assert (
        apply(write(repo / "elsewhere", chain("orders", "2", note="by hand")), "globex", url)[0]
        == 0
    )


@pytest.mark.parametrize("jobs", ["1", "4"])
def test_a_failing_tenant_is_reported_and_the_others_go_on(
    repo: Path, make_database, jobs: str
) -> None:
    url = make_database(runtime=True)
    _conflicted(repo, url)
    code, out, _ = run("apply", "--all-tenants", "--database-url", url, "--yes", "--jobs", jobs)
    assert code == 1
    results = out.splitlines()[-4:]
    assert results[0].startswith("acme: applied (deployment ")
    assert results[0].endswith("): now on orders 2")
    assert results[1] == "globex: refused, nothing changed (1 errors)"
    assert results[2].startswith("initech: applied (deployment ")
    assert results[3] == "Fleet: 3 tenants: 2 applied, 0 without changes, 1 failed (globex)."
    assert heads(url, "acme") == heads(url, "initech") == {"orders": "2"}
    assert len(versions(url, "globex")) == 1


def test_atomic_applies_nothing_when_one_tenant_fails(repo: Path, make_database) -> None:
    url = make_database(runtime=True)
    _conflicted(repo, url)
    code, out, _ = run("apply", "--all-tenants", "--database-url", url, "--yes", "--atomic")
    assert code == 1
    assert out.splitlines()[-4:] == [
        "acme: failed, nothing changed: not applied: another tenant failed (--atomic)",
        "globex: refused, nothing changed (1 errors)",
        "initech: failed, nothing changed: not applied: another tenant failed (--atomic)",
        "Fleet: 3 tenants: 0 applied, 0 without changes, 3 failed (acme, globex, initech).",
    ]
    assert versions(url, "acme") == versions(url, "initech") == []
    assert run("apply", "--all-tenants", "--database-url", url, "--yes", "--atomic")[0] == 1
    write(repo / "workflows", chain("orders", "3"))
    code, out, _ = run("apply", "--all-tenants", "--database-url", url, "--yes", "--atomic")
    assert code == 0, out
    assert out.endswith("Fleet: 3 tenants: 3 applied, 0 without changes, 0 failed.\n")
    assert {t: heads(url, t) for t in TENANTS} == {t: {"orders": "3"} for t in TENANTS}


def _fleet_apply(url: str, *more: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pypgflow_ops",
            "apply",
            "--all-tenants",
            "--database-url",
            url,
            "--yes",
            *more,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("mode", [["--atomic"], ["--jobs", "3"]])
def test_two_fleet_applies_race_without_deadlock_and_converge(
    repo: Path, make_database, mode: list[str]
) -> None:
    url = make_database(runtime=True)
    racers = [_fleet_apply(url, *mode) for _ in range(2)]
    results = [racer.communicate(timeout=120) for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0], results
    assert {t: heads(url, t) for t in TENANTS} == {t: {"orders": "2"} for t in TENANTS}
    assert {t: len(versions(url, t)) for t in TENANTS} == dict.fromkeys(TENANTS, 1)
    applied = sum(out.count(": applied (deployment") for out, _ in results)
    assert applied == 3  # each tenant once; the later apply found nothing to do


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_lock_timeout_gives_up_naming_the_holder_and_changes_nothing(
    repo: Path, make_database, command: str
) -> None:
    url = make_database(runtime=True)
    with psycopg.connect(url, application_name="deploy by alice", autocommit=True) as holder:
        holder.execute("begin")
        holder.execute("select pg_advisory_xact_lock(%s, %s)", [CLASS_KEY, object_key("acme")])
        code, out, err = run(
            command,
            "--tenant",
            "acme",
            "--database-url",
            url,
            "--yes" if command == "apply" else "--prune",
            "--lock-timeout",
            "200ms",
        )
        holder.execute("rollback")
    assert code == 1
    assert out == ""
    last = err.splitlines()[-1]
    assert last.startswith("pypgflow-ops: error: the deploy lock of tenant 'acme' is held by ")
    assert "deploy by alice (pid " in last
    assert last.endswith("gave up after 200 ms (--lock-timeout): nothing was changed")
    assert versions(url, "acme") == []


def test_without_yes_and_no_one_at_a_terminal_nothing_is_applied(repo: Path, make_database) -> None:
    url = make_database(runtime=True)
    code, out, err = run("apply", "--all-tenants", "--database-url", url)
    assert (code, out) == (1, "")
    assert err.endswith("run again with --yes to apply without asking\n")
    assert [versions(url, t) for t in TENANTS] == [[], [], []]


def test_piped_output_has_no_progress(repo: Path, make_database) -> None:
    url = make_database(runtime=True)
    code, _, err = run("apply", "--all-tenants", "--database-url", url, "--yes")
    assert (code, err) == (0, "")
