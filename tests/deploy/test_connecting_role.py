"""A role that row-level security applies to sees no tenant's rows: plan and apply refuse it in one
line naming the role and the fix, instead of planning to create a tenant that exists."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from .cli import apply, plan, rows, versions
from .workflow_files import chain, write


@pytest.fixture
def rls_bound_url(runtime_database_url: str) -> Iterator[str]:
    """A URL logging in as a role that may read every runtime table but does not bypass RLS."""
    role = f"pypgflow_rls_bound_{os.getpid()}"
    grants = [
        "create role {role} login nobypassrls",
        "grant usage on schema pypgflow, api to {role}",
        "grant select, insert, update on all tables in schema pypgflow to {role}",
        "grant execute on all functions in schema pypgflow to {role}",
    ]
    with psycopg.connect(runtime_database_url, autocommit=True) as admin:
        for grant in grants:
            admin.execute(sql.SQL(grant).format(role=sql.Identifier(role)))
        try:
            yield psycopg.conninfo.make_conninfo(runtime_database_url, user=role)
        finally:
            admin.execute(sql.SQL("drop owned by {role}").format(role=sql.Identifier(role)))
            admin.execute(sql.SQL("drop role {role}").format(role=sql.Identifier(role)))


def test_plan_and_apply_refuse_a_role_that_does_not_bypass_rls(
    runtime_database_url: str, rls_bound_url: str, tmp_path: Path
) -> None:
    folder = write(tmp_path / "wf", chain("orders"))
    assert apply(folder, "acme", runtime_database_url)[0] == 0
    write(folder, chain("orders", "2"))
    role = psycopg.conninfo.conninfo_to_dict(rls_bound_url)["user"]
    refusal = (
        f"pypgflow-ops: error: role {role!r} does not bypass row-level security, so it cannot see "
        f"the tenants' rows: connect as the runtime's owner, "
        f'or run ALTER ROLE "{role}" BYPASSRLS\n'
    )
    deployments = rows(runtime_database_url, "select count(*) from pypgflow.deployments")

    assert plan(folder, "acme", rls_bound_url) == (1, "", refusal)
    assert apply(folder, "acme", rls_bound_url) == (1, "", refusal)
    assert versions(runtime_database_url, "acme") == [("orders", "1", 1, False)]
    assert rows(runtime_database_url, "select count(*) from pypgflow.deployments") == deployments
