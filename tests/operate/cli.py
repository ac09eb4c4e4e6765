"""Run pypgflow-ops in-process, as a user would, and read JSON answers and database rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
from typer.testing import CliRunner

from pypgflow_ops.cli import app
from pypgflow_ops.discovery import is_scenario_file

REPOSITORY = Path(__file__).resolve().parents[2]
WORKFLOWS = REPOSITORY / "workflows"
# The example workflows themselves, without the scenario files beside them
WORKFLOW_FILES = sorted(p for p in WORKFLOWS.glob("*.yaml") if not is_scenario_file(str(p)))
TENANTS = ("acme", "globex")

runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def apply(folder: Path, tenant: str, url: str) -> None:
    code, out, err = run("apply", folder, "--tenant", tenant, "--database-url", url, "--yes")
    assert code == 0, out + err


def as_tenant(url: str, tenant: str, *args: str | Path) -> tuple[int, str, str]:
    """A runtime command for `tenant`, answering JSON (the output is not a terminal)."""
    return run(*args, "--tenant", tenant, "--database-url", url)


def answer(url: str, tenant: str, *args: str | Path) -> Any:
    """The JSON a runtime command prints; it must succeed."""
    code, out, err = as_tenant(url, tenant, *args)
    assert code == 0, out + err
    return json.loads(out)


def rows(url: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def counts(url: str) -> tuple[int, int]:
    """(instances, history rows) across every tenant: what a refused call must not change."""
    ((instances, moves),) = rows(
        url,
        "select (select count(*) from pypgflow.entity_workflow_instances),"
        " (select count(*) from pypgflow.workflow_transition_history)",
    )
    return instances, moves
