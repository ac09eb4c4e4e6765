"""A test run in one transaction that is always rolled back: the runtime installed if missing, the
repository's workflows applied for a throwaway tenant, every scenario run through the api as
`pypgflow_authenticated` with that tenant's claims (the path applications take). Nothing is ever
committed, so the database is left as it was, also when the run fails or is interrupted."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg

from pypgflow_ops.db.runtime import DEFAULT_NAMES
from pypgflow_ops.deploy.apply import FromRepository, apply
from pypgflow_ops.deploy.sql import statement as deploy_statement
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.model import Workflow
from pypgflow_ops.scenarios.model import ScenarioFile
from pypgflow_ops.scenarios.results import ScenarioResult
from pypgflow_ops.scenarios.runner import ACTOR, run_scenario, statement


def _throwaway_tenant(conn: psycopg.Connection[Any], workflows: Sequence[Workflow]) -> uuid.UUID:
    slug = f"pypgflow-ops-test-{secrets.token_hex(8)}"
    outcome = apply(
        conn,
        slug,
        FromRepository(slug, tuple(workflows)),
        actor=ACTOR,
        on_wait=lambda _: None,
        show=lambda _: None,
        confirm=lambda: True,
    )
    if outcome.plan.errors:  # a new tenant has nothing to conflict with: a bug if it happens
        raise PypgflowError(f"could not apply the workflows for tenant {slug!r}")
    row = conn.execute(deploy_statement("live_tenant"), {"tenant": slug}).fetchone()
    assert row is not None
    tenant_id: uuid.UUID = row[0]
    return tenant_id


def _act_as(conn: psycopg.Connection[Any], tenant_id: uuid.UUID) -> None:
    role = DEFAULT_NAMES.authenticated_role
    claims = {"role": role, "tenant_id": str(tenant_id), "sub": ACTOR}
    try:
        conn.execute(statement("act_as"), {"role": role, "claims": json.dumps(claims)})
    except psycopg.errors.InsufficientPrivilege:
        raise PypgflowError(
            f"the connecting role may not act as {role!r}: connect as a superuser, or "
            f"GRANT {role} TO the connecting role"
        ) from None


def run_scenarios(
    conn: psycopg.Connection[Any],
    workflows: Sequence[Workflow],
    files: Iterable[ScenarioFile],
) -> list[ScenarioResult]:
    """Every scenario of `files`, in order, each in its own savepoint; then roll everything back."""
    results: list[ScenarioResult] = []
    with conn.transaction(force_rollback=True):
        _act_as(conn, _throwaway_tenant(conn, workflows))
        # psycopg drops its prepared statements at every ROLLBACK TO (a round trip each time):
        # the scenarios' statements are not prepared at all.
        conn.prepare_threshold = None
        for file in files:
            results.extend(
                run_scenario(conn, file.path, file.workflow, scenario)
                for scenario in file.scenarios
            )
    return results
