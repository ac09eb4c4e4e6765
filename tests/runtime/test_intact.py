"""An installed runtime proves it is intact: `db status` compares its safety objects with a fresh
install of its version and names what differs; upgrade and apply refuse a runtime that is not.

The expected facts live in sql_templates/runtime/expected/v<N>.txt. After changing a step of an
unreleased version, regenerate them with
    PYPGFLOW_WRITE_EXPECTED=1 .venv/bin/python -m pytest tests/runtime/test_intact.py -k fresh
and read the diff: it is the list of safety objects your change touched.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from pypgflow_ops.cli import app
from pypgflow_ops.db import integrity, runtime
from pypgflow_ops.db.released import RELEASED_CHECKSUMS
from pypgflow_ops.sqltemplates import render

VERSIONS = list(range(1, runtime.RUNTIME_VERSION + 1))
WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"

EXECUTE_TRANSITION = (
    "function api.execute_transition(instance_id uuid, to_state text, executed_by text, "
    "notes text, context jsonb)"
)
TAMPERING = [
    "drop function api.execute_transition",
    "alter table pypgflow.entity_workflow_instances no force row level security",
    "drop policy tenant_guard on pypgflow.workflow_transition_history",
]
NAMED = [
    f"  {EXECUTE_TRANSITION}: missing",
    "  policy tenant_guard on pypgflow.workflow_transition_history: missing",
    "  table pypgflow.entity_workflow_instances: row level security enabled, not forced "
    "(expected: row level security enabled, forced)",
]


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def installed(make_database: Callable[..., str], version: int) -> str:
    url = make_database()
    with psycopg.connect(url) as conn:
        runtime.upgrade(conn, target=version)
        conn.commit()
    return url


@pytest.mark.parametrize("version", VERSIONS)
def test_the_expected_facts_are_those_of_a_fresh_install(
    make_database: Callable[..., str], version: int
) -> None:
    with psycopg.connect(installed(make_database, version)) as conn:
        facts = integrity.live_facts(conn, version=version)
    if os.environ.get("PYPGFLOW_WRITE_EXPECTED"):
        integrity.expected_path(version).write_text(integrity.format_facts(facts))
    assert integrity.format_facts(facts) == integrity.format_facts(
        integrity.expected_facts(version))


def test_no_runtime_object_is_usable_by_public() -> None:
    for version in VERSIONS:
        assert not [f for f in integrity.expected_facts(version).values() if "PUBLIC=" in f]


def test_released_steps_are_never_edited() -> None:
    """Every step of a released version is in RELEASED_CHECKSUMS, with the text it had then."""
    current = {step.template: step.checksum for step in runtime.steps()}
    assert {t: current.get(t) for t in RELEASED_CHECKSUMS} == RELEASED_CHECKSUMS
    released_versions = {int(t.split("/")[1][1:]) for t in RELEASED_CHECKSUMS}
    for step in runtime.steps():
        if step.version in released_versions:
            assert step.template in RELEASED_CHECKSUMS


@pytest.fixture
def tampered(make_database: Callable[..., str]) -> str:
    url = make_database(runtime=True)
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in TAMPERING:
            conn.execute(statement.encode())
    return url


def test_status_names_every_difference_and_exits_1(tampered: str) -> None:
    code, out, _ = cli("db", "status", "--database-url", tampered)
    assert code == 1
    assert out.splitlines()[1:] == [
        f"Runtime version: {runtime.RUNTIME_VERSION} (current).",
        f"The runtime is not intact: 3 differences from what runtime version "
        f"{runtime.RUNTIME_VERSION} installs:",
        *NAMED,
        f"To fix: {integrity.FIX}.",
    ]


def test_upgrade_refuses_a_runtime_that_is_not_intact(tampered: str) -> None:
    code, out, err = cli("db", "upgrade", "--database-url", tampered)
    assert (code, out) == (1, "")
    assert err.startswith(
        f"pypgflow-ops: error: the runtime (version {runtime.RUNTIME_VERSION}) is not intact, so "
        f"nothing was changed: {EXECUTE_TRANSITION}: missing; ")
    assert err.endswith(f"To fix: {integrity.FIX}\n")
    assert err.count("\n") == 1


def test_apply_refuses_a_runtime_that_is_not_intact(tampered: str) -> None:
    code, out, err = cli("apply", str(WORKFLOWS), "--tenant", "acme", "--database-url", tampered,
                         "--yes")
    assert (code, out) == (1, "")
    assert "is not intact, so nothing was changed: " in err
    with psycopg.connect(tampered) as conn:
        assert conn.execute("select count(*) from pypgflow.tenants").fetchone() == (0,)


def test_an_intact_runtime_is_status_0(make_database: Callable[..., str]) -> None:
    code, out, _ = cli("db", "status", "--database-url", make_database(runtime=True))
    assert (code, out.splitlines()[1:]) == (
        0, [f"Runtime version: {runtime.RUNTIME_VERSION} (current)."])


def test_a_step_applied_from_another_text_is_named(make_database: Callable[..., str]) -> None:
    url = make_database(runtime=True)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("update pypgflow.runtime_steps set checksum = repeat('0', 64) "
                     "where template = 'runtime/v1/50_engine.sql'")
    code, out, _ = cli("db", "status", "--database-url", url)
    assert code == 1
    assert "  step runtime/v1/50_engine.sql: checksum " + "0" * 64 + " (expected: checksum " in out


def test_a_role_that_bypasses_row_level_security_as_owner_is_named(
    make_database: Callable[..., str],
) -> None:
    url = make_database(runtime=True)
    with psycopg.connect(url) as conn:  # rolled back: the role is cluster-wide
        conn.execute("alter role pypgflow_owner bypassrls")
        [difference] = integrity.check(conn, version=runtime.RUNTIME_VERSION)
        conn.rollback()
    assert difference.describe() == (
        "role pypgflow_owner: bypassrls true (expected: bypassrls false)")


def test_a_function_the_owner_role_creates_is_not_executable_by_public(
    make_database: Callable[..., str],
) -> None:
    url = make_database(runtime=True)
    with psycopg.connect(url) as conn:
        conn.execute("grant create on schema api to pypgflow_owner")
        conn.execute("set local role pypgflow_owner")
        conn.execute("create function api.probe() returns int language sql return 1")
        conn.execute("reset role")
        usable = conn.execute("select has_function_privilege('pypgflow_authenticated', "
                              "'api.probe()', 'execute')").fetchone()
        descriptions = [d.describe() for d in integrity.check(conn, version=2)]
        conn.rollback()
    assert usable == (False,)
    assert "function api.probe(): not created by the runtime" in descriptions


def test_a_function_a_later_step_creates_is_not_executable_by_public(
    make_database: Callable[..., str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A version 3 whose step forgets to revoke PUBLIC's EXECUTE: the upgrade revokes it."""
    url = make_database(runtime=True)
    later = runtime.Step(runtime.RUNTIME_VERSION + 1, "runtime/vX/10_probe.sql", "probe", "0" * 64)
    monkeypatch.setattr(runtime, "RUNTIME_VERSION", later.version)
    monkeypatch.setattr(runtime, "steps", lambda: (*runtime_steps, later))
    monkeypatch.setattr(runtime, "render", lambda template, **names: (
        "create function api.probe() returns int language sql return 1"
        if template == later.template else render(template, **names)))
    with psycopg.connect(url) as conn:
        runtime.upgrade(conn, target=later.version)
        usable = conn.execute("select has_function_privilege('pypgflow_authenticated', "
                              "'api.probe()', 'execute')").fetchone()
        conn.rollback()
    assert usable == (False,)


runtime_steps = runtime.steps()


def test_what_the_database_adds_for_itself_is_not_a_difference_but_public_is(
    make_database: Callable[..., str], login_role_name: str
) -> None:
    url = make_database(runtime=True)
    with psycopg.connect(url) as conn:
        conn.execute(f"grant select on pypgflow.deployments to {login_role_name}")
        conn.execute("create function public.audit() returns trigger language plpgsql "
                     "as $$ begin return new; end $$")
        conn.execute("create trigger audit after insert on pypgflow.deployments "
                     "for each row execute function public.audit()")
        assert integrity.check(conn, version=runtime.RUNTIME_VERSION) == []
        conn.execute("grant select on pypgflow.deployments to public")
        [difference] = integrity.check(conn, version=runtime.RUNTIME_VERSION)
        conn.rollback()
    assert difference.describe().startswith("table pypgflow.deployments: privileges ")
    assert "PUBLIC=SELECT" in difference.describe()


@pytest.fixture
def login_role_name(pg_server: str) -> Iterator[str]:
    role = f"pypgflow_test_reader_{os.getpid()}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"create role {role}")
    yield role
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"drop role {role}")
