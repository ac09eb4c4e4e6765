"""The database behind PostgREST: the runtime and the example workflows, by `pypgflow-ops apply`."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from pypgflow_ops.cli import app

from .server import REPOSITORY

EXAMPLES = REPOSITORY / "workflows"


def apply(database_url: str, tenant: str, folder: Path = EXAMPLES, *options: str) -> None:
    """`pypgflow-ops apply`, run in-process; the first one also installs the runtime."""
    arguments = ["apply", str(folder), *options, "--tenant", tenant, "--database-url", database_url]
    result = CliRunner().invoke(app, [*arguments, "--yes"])
    if result.exit_code != 0:
        pytest.fail(f"pypgflow-ops apply failed ({result.exit_code}): {result.stderr.strip()}",
                    pytrace=False)


def tenant_ids(database_url: str) -> dict[str, uuid.UUID]:
    with psycopg.connect(database_url) as conn:
        return dict(conn.execute("select slug, id from pypgflow.tenants").fetchall())
