"""Run pypgflow-ops in-process, as a user would, and read what landed in the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
from typer.testing import CliRunner

from pypgflow_ops.cli import app

runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def apply(folder: Path, tenant: str, url: str, *more: str | Path) -> tuple[int, str, str]:
    return run("apply", folder, "--tenant", tenant, "--database-url", url, "--yes", *more)


def apply_plan(saved: Path, tenant: str, url: str) -> tuple[int, str, str]:
    return run("apply", "--plan", saved, "--tenant", tenant, "--database-url", url, "--yes")


def plan(folder: Path, tenant: str, url: str, *more: str | Path) -> tuple[int, str, str]:
    return run("plan", folder, "--tenant", tenant, "--database-url", url, *more)


def rows(url: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def versions(url: str, tenant: str) -> list[tuple[str, str, int, bool]]:
    """(name, version, revision, retired) of every applied version of the tenant."""
    return rows(
        url,
        "select d.name, d.version, d.revision, d.retired_at is not null"
        " from pypgflow.workflow_definitions d join pypgflow.tenants t on t.id = d.tenant_id"
        " where t.slug = %s order by d.name, d.revision",
        tenant,
    )


def heads(url: str, tenant: str) -> dict[str, str]:
    """Workflow name -> the version new instances start on."""
    return dict(
        rows(
            url,
            "select h.name, d.version from pypgflow.workflow_heads h"
            " join pypgflow.workflow_definitions d on d.id = h.definition_id"
            " join pypgflow.tenants t on t.id = h.tenant_id where t.slug = %s",
            tenant,
        )
    )
