"""Nothing is applied without consent: `--yes`, or a person answering at a terminal."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import psycopg

from .process import REPO, pypgflow_ops


def versions(url: str, tenant: str) -> list[tuple[str, str, bool]]:
    """(name, version, retired) of every applied version of the tenant."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select d.name, d.version, d.retired_at is not null"
            " from pypgflow.workflow_definitions d"
            " join pypgflow.tenants t on t.id = d.tenant_id where t.slug = %s"
            " order by d.name, d.revision",
            [tenant],
        ).fetchall()


def _repository(tmp_path: Path) -> Path:
    folder = tmp_path / "wf"
    shutil.copytree(REPO / "workflows", folder)
    return folder


def test_without_a_terminal_or_yes_apply_shows_the_plan_refuses_and_changes_nothing(
    make_database: Callable[..., str], tmp_path: Path
) -> None:
    url, folder = make_database(), _repository(tmp_path)
    target = ["--tenant", "acme", "--database-url", url]
    assert pypgflow_ops("apply", folder, *target, "--yes").returncode == 0
    before = versions(url, "acme")
    for path in folder.glob("*.scenarios.yaml"):  # scenarios of removed workflows would not lint
        path.unlink()
    for path in sorted(folder.glob("*.yaml"))[1:]:
        path.unlink()

    done = pypgflow_ops("apply", folder, *target, "--prune", stdin="n\n")

    assert done.returncode == 1
    assert "Plan: 0 to create, 0 new versions, 0 to roll back, 3 to retire" in done.stdout
    assert done.stderr == (
        "pypgflow-ops: error: not applied: standard input is not a terminal, so nobody can "
        "confirm; run again with --yes to apply without asking\n"
    )
    assert versions(url, "acme") == before


def test_a_yes_piped_in_is_not_consent(make_database: Callable[..., str], tmp_path: Path) -> None:
    url = make_database(runtime=True)

    done = pypgflow_ops(
        "apply", _repository(tmp_path), "--tenant", "acme", "--database-url", url, stdin="y\n"
    )

    assert done.returncode == 1 and "--yes" in done.stderr
    assert versions(url, "acme") == []


def test_with_nothing_to_change_no_consent_is_needed(
    make_database: Callable[..., str], tmp_path: Path
) -> None:
    url, folder = make_database(), _repository(tmp_path)
    target = ["--tenant", "acme", "--database-url", url]
    assert pypgflow_ops("apply", folder, *target, "--yes").returncode == 0

    done = pypgflow_ops("apply", folder, *target)

    assert (done.returncode, done.stderr) == (0, "")
