"""A workflow file's `migrate:` section: apply moves the running instances of the listed versions
onto the file's version, in the same transaction as the definitions, or refuses and changes
nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pypgflow_ops.deploy import migrate

from .cli import apply, apply_plan, plan, rows
from .migrate_files import MAP, orders
from .workflow_files import write

ACTOR = "release-bot"
VERSIONS = "select name, version from pypgflow.workflow_definitions order by revision"


def _session(url: str, tenant: str) -> psycopg.Connection[Any]:
    """A connection that calls the api as the tenant."""
    conn = psycopg.connect(url, autocommit=True)
    conn.execute(
        "select set_config('pypgflow.tenant_id', id::text, false) from pypgflow.tenants"
        " where slug = %s",
        [tenant],
    )
    return conn


def start(url: str, tenant: str, entity: str, *moves: str, version: str | None = None) -> str:
    """A new instance of `orders` (of `version`, else the active one), moved through `moves`."""
    with _session(url, tenant) as conn:
        if version is None:
            row = conn.execute(
                "select id from api.start_workflow('orders', 'order', %s)", [entity]
            ).fetchone()
        else:
            row = conn.execute(
                "select s.id from pypgflow.workflow_definitions d,"
                " api.start_workflow_by_id(d.id, 'order', %s) s where d.name = 'orders'"
                " and d.version = %s and d.tenant_id = current_setting('pypgflow.tenant_id')::uuid",
                [entity, version],
            ).fetchone()
        assert row is not None
        for state in moves:
            conn.execute("select api.execute_transition(%s, %s, 'clerk')", [row[0], state])
        return str(row[0])


def transition(url: str, tenant: str, instance: str, state: str) -> dict[str, Any]:
    with _session(url, tenant) as conn:
        row = conn.execute(
            "select to_jsonb(t) from api.execute_transition(%s, %s, 'clerk') t", [instance, state]
        ).fetchone()
        assert row is not None
        result: dict[str, Any] = row[0]
        return result


def instance(url: str, instance_id: str) -> tuple[str, str, int, bool]:
    """(version, state, transition_count, completed) of an instance."""
    [row] = rows(
        url,
        "select d.version, i.current_state, i.transition_count, i.completed_at is not null"
        " from pypgflow.entity_workflow_instances i join pypgflow.workflow_definitions d"
        " on d.id = i.workflow_definition_id where i.id = %s",
        instance_id,
    )
    return row  # type: ignore[return-value]


def history(url: str, instance_id: str) -> list[tuple[Any, ...]]:
    """(sequence, from, to, transition, executed_by, subject, context) in order."""
    return rows(
        url,
        "select sequence, from_state, to_state, transition_name, executed_by, subject, context"
        " from pypgflow.workflow_transition_history where instance_id = %s order by sequence",
        instance_id,
    )


def deployments(url: str, tenant: str) -> list[tuple[str, int]]:
    """(id, instances_migrated) of the tenant's deployments, oldest first."""
    return rows(
        url,
        "select d.id::text, d.instances_migrated from pypgflow.deployments d"
        " join pypgflow.tenants t on t.id = d.tenant_id where t.slug = %s order by d.applied_at",
        tenant,
    )


def everything(url: str) -> dict[str, Any]:
    """Every row of every table of the runtime, as text, in a stable order."""
    with psycopg.connect(url) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "select tablename from pg_tables where schemaname = 'pypgflow' order by 1"
            )
        ]
        return {
            table: conn.execute(
                psycopg.sql.SQL("select t::text from pypgflow.{} t order by 1").format(
                    psycopg.sql.Identifier(table)
                )
            ).fetchall()
            for table in tables
        }


@pytest.fixture
def url(make_database: Callable[..., str]) -> str:
    return make_database(runtime=True)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "wf"


def test_a_map_moves_every_running_instance_of_the_listed_version_and_records_each_move(
    url: str, folder: Path
) -> None:
    assert apply(write(folder, orders("1.0")), "shop", url)[0] == 0
    placed = start(url, "shop", "1")
    waiting = start(url, "shop", "2", "backordered")
    shipped = start(url, "shop", "3", "shipped")
    cancelled = start(url, "shop", "4", "cancelled")

    code, out, err = apply(
        write(folder, orders("1.1", migrate_from=["1.0"], **MAP)), "shop", url, "--actor", ACTOR
    )

    assert (code, err) == (0, "")
    assert out.splitlines()[-2:] == [
        "Moved 3 running instances of orders to version 1.1.",
        f"Applied (deployment {deployments(url, 'shop')[-1][0]}).",
    ]
    assert instance(url, placed) == ("1.1", "placed", 1, False)  # same name: same state
    assert instance(url, waiting) == ("1.1", "awaiting_stock", 2, False)  # mapped
    assert instance(url, shipped) == ("1.1", "shipped", 2, False)
    assert instance(url, cancelled) == ("1.0", "cancelled", 1, True)  # completed: never moves
    deployment, moved = deployments(url, "shop")[-1]
    assert moved == 3
    migration = {"from_version": "1.0", "to_version": "1.1", "deployment_id": deployment}
    assert history(url, waiting) == [
        (0, None, "placed", None, "postgres", "postgres", {}),
        (1, "placed", "backordered", "wait", "clerk", "postgres", {}),
        (2, "backordered", "awaiting_stock", None, ACTOR, ACTOR, {"migration": migration}),
    ]
    assert history(url, cancelled)[-1][0] == 1
    # It runs the new version now: 1.1's transition out of the mapped state.
    assert transition(url, "shop", waiting, "shipped")["current_state"] == "shipped"
    assert history(url, waiting)[-1][:4] == (3, "awaiting_stock", "shipped", "restock")


def test_a_second_apply_moves_nothing(url: str, folder: Path) -> None:
    apply(write(folder, orders("1.0")), "shop", url)
    start(url, "shop", "1", "backordered")
    newer = write(folder, orders("1.1", migrate_from=["1.0"], **MAP))
    assert apply(newer, "shop", url)[0] == 0
    before = everything(url)

    code, out, _ = apply(newer, "shop", url)

    assert (code, out.splitlines()[-1]) == (0, "No changes. The database matches the repository.")
    assert everything(url) == before


def test_a_map_added_to_an_applied_version_moves_on_the_next_apply(url: str, folder: Path) -> None:
    apply(write(folder, orders("1.0")), "shop", url)
    old = start(url, "shop", "1", "backordered")
    apply(write(folder, orders("1.1")), "shop", url)  # no map: the instance stays on 1.0
    assert instance(url, old) == ("1.0", "backordered", 1, False)

    code, out, _ = apply(write(folder, orders("1.1", migrate_from=["1.0"], **MAP)), "shop", url)

    assert code == 0
    assert "Moved 1 running instance of orders to version 1.1." in out.splitlines()
    assert instance(url, old) == ("1.1", "awaiting_stock", 2, False)
    assert [moved for _, moved in deployments(url, "shop")] == [0, 0, 1]


def test_only_the_listed_versions_and_the_applying_tenant_move(url: str, folder: Path) -> None:
    apply(write(folder, orders("1.0")), "shop", url)
    apply(write(folder, orders("1.0")), "other", url)
    on_one = start(url, "shop", "1")
    elsewhere = start(url, "other", "1")
    apply(write(folder, orders("1.1")), "shop", url)
    on_eleven = start(url, "shop", "2")
    apply(write(folder, orders("1.2", migrate_from=["1.1"])), "shop", url)

    assert instance(url, on_one) == ("1.0", "placed", 0, False)  # 1.0 is not listed
    assert instance(url, on_eleven) == ("1.2", "placed", 1, False)
    assert instance(url, elsewhere) == ("1.0", "placed", 0, False)  # another tenant


def test_a_stranded_instance_refuses_the_whole_apply_and_changes_nothing(
    url: str, folder: Path
) -> None:
    apply(write(folder, orders("1.0")), "shop", url)
    start(url, "shop", "1", "backordered")
    start(url, "shop", "2", "backordered")
    start(url, "shop", "3")
    before = everything(url)
    files = write(folder, orders("1.1", migrate_from=["1.0"]))  # backordered is not mapped

    code, out, err = apply(files, "shop", url)

    # The plan refuses first (the apply's own check is for instances that moved since the plan:
    # test_a_transition_that_commits_first_into_an_unmapped_state_refuses_the_apply).
    assert (code, err) == (1, "")
    assert "! 1.0 backordered: 2 running instances, stranded" in out
    assert "Plan refused" in out
    assert everything(url) == before


def test_a_map_to_a_state_the_version_lacks_is_refused_naming_the_map(
    url: str, folder: Path
) -> None:
    """Lint refuses the file before apply reaches the database."""
    apply(write(folder, orders("1.0")), "shop", url)
    before = everything(url)
    files = write(folder, orders("1.1", migrate_from=["1.0"], backordered="awaiting"))

    code, _, err = apply(files, "shop", url)

    assert code == 1
    assert err.splitlines()[0] == (
        f"{files / 'orders.yaml'}:58:22: error migrate-unknown-target migrate maps state "
        "'backordered' to 'awaiting', which version '1.1' does not have; map it to one of its "
        "states"
    )
    assert everything(url) == before


def test_the_move_costs_the_same_statements_whatever_the_number_of_instances(
    url: str, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements: list[int] = []
    original = migrate.move

    def counted(conn: psycopg.Connection[Any], *args: Any, **kwargs: Any) -> Any:
        calls = 0
        execute = conn.execute

        def counting(*a: Any, **k: Any) -> Any:
            nonlocal calls
            calls += 1
            return execute(*a, **k)

        monkeypatch.setattr(conn, "execute", counting)
        result = original(conn, *args, **kwargs)
        statements.append(calls)
        return result

    monkeypatch.setattr(migrate, "move", counted)
    for tenant, count in (("few", 1), ("many", 60)):
        apply(write(folder, orders("1.0")), tenant, url)
        for entity in range(count):
            start(url, tenant, str(entity), "backordered")
        assert apply(write(folder, orders("1.1", migrate_from=["1.0"], **MAP)), tenant, url)[0] == 0

    # 1.0 moves nothing: no statement. Else the lock statement behind its lock_timeout, then the
    # move behind the setting restored: two pipelines, so two round trips.
    assert statements == [0, 4, 0, 4]
    assert [moved for _, moved in deployments(url, "many")] == [0, 60]


@pytest.fixture
def paused(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Callable[[], None]]]:
    """Steps to run inside the apply's transaction, before (at index 0) or after (index 1) its
    move: `pause[0] = ...` runs before the instances are locked."""
    steps: list[Callable[[], None]] = [lambda: None, lambda: None]
    original = migrate.move

    def move(*args: Any, **kwargs: Any) -> Any:
        steps[0]()
        result = original(*args, **kwargs)
        steps[1]()
        return result

    monkeypatch.setattr(migrate, "move", move)
    yield steps


def test_a_transition_that_commits_between_the_plan_and_the_lock_refuses_the_apply(
    url: str, folder: Path, paused: list[Callable[[], None]]
) -> None:
    """The plan showed the instance in its old state: moving it from the new one would move what
    the user did not see (test_migrate_agree.py has the other cases)."""
    apply(write(folder, orders("1.0")), "shop", url)
    order = start(url, "shop", "1")
    paused[0] = lambda: transition(url, "shop", order, "backordered") and None

    code, _, err = apply(write(folder, orders("1.1", migrate_from=["1.0"], **MAP)), "shop", url)

    assert code == 1
    assert "version '1.0' in state 'backordered': 0 in the plan, 1 now" in err
    assert instance(url, order) == ("1.0", "backordered", 1, False)
    assert [version for _, version, *_ in rows(url, VERSIONS)] == ["1.0"]

    paused[0] = lambda: None  # planned again: the instance is shown, and moves
    assert apply(write(folder, orders("1.1", migrate_from=["1.0"], **MAP)), "shop", url)[0] == 0
    assert instance(url, order) == ("1.1", "awaiting_stock", 2, False)
    assert [h[1:4] for h in history(url, order)] == [
        (None, "placed", None),
        ("placed", "backordered", "wait"),
        ("backordered", "awaiting_stock", None),
    ]


def test_a_transition_that_commits_first_into_an_unmapped_state_refuses_the_apply(
    url: str, folder: Path, paused: list[Callable[[], None]]
) -> None:
    """The plan was made before it: the instances are checked as they are once locked, the
    stranded state named before the plan's difference."""
    apply(write(folder, orders("1.0")), "shop", url)
    order = start(url, "shop", "1")
    paused[0] = lambda: transition(url, "shop", order, "backordered") and None

    code, _, err = apply(write(folder, orders("1.1", migrate_from=["1.0"])), "shop", url)

    assert code == 1
    assert "would strand 1 of version '1.0' in state 'backordered'" in err
    assert instance(url, order) == ("1.0", "backordered", 1, False)
    assert [version for _, version, *_ in rows(url, VERSIONS)] == ["1.0"]


def _waiting_for_a_lock(url: str, pid: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if rows(url, "select wait_event_type from pg_stat_activity where pid = %s", pid) == [
            ("Lock",)
        ]:
            return
        time.sleep(0.01)
    raise AssertionError("the transition did not wait for the instance's lock")


@pytest.mark.parametrize(
    ("to_state", "outcome"),
    [
        ("shipped", ("restock", None)),  # 1.1's transition, not 1.0's ship_late
        ("cancelled", (None, "PT400")),  # 1.0 allowed giving up on a backorder; 1.1 does not
    ],
)
def test_a_transition_that_waits_for_the_apply_runs_against_the_new_version(
    url: str,
    folder: Path,
    paused: list[Callable[[], None]],
    to_state: str,
    outcome: tuple[str | None, str | None],
) -> None:
    apply(write(folder, orders("1.0")), "shop", url)
    order = start(url, "shop", "1", "backordered")
    result: dict[str, Any] = {}
    caller = _session(url, "shop")
    pid = caller.info.backend_pid

    def call() -> None:
        try:
            caller.execute("select api.execute_transition(%s, %s, 'clerk')", [order, to_state])
        except psycopg.Error as exc:
            result["sqlstate"] = exc.sqlstate

    thread = threading.Thread(target=call)

    def while_locked() -> None:
        thread.start()
        _waiting_for_a_lock(url, pid)

    paused[1] = while_locked
    try:
        assert apply(write(folder, orders("1.1", migrate_from=["1.0"], **MAP)), "shop", url)[0] == 0
        thread.join(timeout=30)
    finally:
        caller.close()

    expected_name, expected_error = outcome
    assert result.get("sqlstate") == expected_error
    if expected_error is None:
        assert instance(url, order) == ("1.1", to_state, 3, False)
        assert history(url, order)[-1][:4] == (3, "awaiting_stock", to_state, expected_name)
    else:
        assert instance(url, order) == ("1.1", "awaiting_stock", 2, False)


def test_the_history_of_a_moved_instance_reads_in_order_through_the_api(
    url: str, folder: Path
) -> None:
    apply(write(folder, orders("1.0")), "shop", url)
    order = start(url, "shop", "1", "backordered")
    apply(write(folder, orders("1.1", migrate_from=["1.0"], **MAP)), "shop", url)
    transition(url, "shop", order, "shipped")

    with _session(url, "shop") as conn:
        conn.execute("set role pypgflow_authenticated")
        seen = conn.execute(
            "select sequence, from_state, to_state, transition_name, context"
            " from api.workflow_history where entity_workflow_instance_id = %s order by sequence",
            [order],
        ).fetchall()

    assert [row[:4] for row in seen] == [
        (0, None, "placed", None),
        (1, "placed", "backordered", "wait"),
        (2, "backordered", "awaiting_stock", None),
        (3, "awaiting_stock", "shipped", "restock"),
    ]
    assert seen[2][4]["migration"]["to_version"] == "1.1"


@pytest.mark.parametrize("atomic", [False, True])
def test_a_fleet_apply_moves_each_tenants_instances_and_says_so(
    url: str, folder: Path, atomic: bool
) -> None:
    for tenant in ("a", "b"):
        apply(write(folder, orders("1.0")), tenant, url)
        apply(write(folder, orders("1.1")), tenant, url)
    old = start(url, "a", "1", "backordered", version="1.0")  # only tenant a has one to move
    files = write(folder, orders("1.1", migrate_from=["1.0"], **MAP))

    code, out, _ = apply(files, "a", url, "--tenant", "b", *(["--atomic"] if atomic else []))

    assert code == 0
    [deployment] = [d for d, moved in deployments(url, "a") if moved == 1]
    assert (
        f"a: applied (deployment {deployment}): now on orders 1.1\n"
        "  Moved 1 running instance of orders to version 1.1.\n" in out
    )
    assert "b: no changes: on orders 1.1\n" in out
    assert instance(url, old) == ("1.1", "awaiting_stock", 2, False)


def test_a_saved_plan_carries_the_map_and_apply_plan_moves_the_instances(
    url: str, folder: Path, tmp_path: Path
) -> None:
    apply(write(folder, orders("1.0")), "shop", url)
    order = start(url, "shop", "1", "backordered")
    saved = tmp_path / "plan.json"
    files = write(folder, orders("1.1", migrate_from=["1.0"], **MAP))
    assert plan(files, "shop", url, "--out", saved)[0] == 0

    code, out, err = apply_plan(saved, "shop", url)

    assert (code, err) == (0, "")
    assert "Moved 1 running instance of orders to version 1.1." in out.splitlines()
    assert instance(url, order) == ("1.1", "awaiting_stock", 2, False)


def test_a_saved_plan_that_would_now_strand_is_refused(
    url: str, folder: Path, tmp_path: Path
) -> None:
    """Made while nothing would be stranded; an instance entered an unmapped state since."""
    apply(write(folder, orders("1.0")), "shop", url)
    order = start(url, "shop", "1")
    saved = tmp_path / "plan.json"
    assert (
        plan(write(folder, orders("1.1", migrate_from=["1.0"])), "shop", url, "--out", saved)[0]
        == 0
    )
    transition(url, "shop", order, "backordered")
    before = everything(url)

    code, _, err = apply_plan(saved, "shop", url)

    assert code == 1
    [line] = err.splitlines()  # stranded (or, where saved plans count instances, stale)
    assert "not applied" in line or "nothing was applied" in line
    assert everything(url) == before
