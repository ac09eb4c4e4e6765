"""The move agrees with the plan the user consented to, and waits for busy instances only so
long: an instance started or moved between the plan and the lock, or one held by an application
transaction, refuses the whole apply and changes nothing."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pypgflow_ops.deploy import migrate

from .cli import apply, rows
from .migrate_files import MAP, orders
from .test_migrate import VERSIONS, everything, instance, start
from .workflow_files import write


@pytest.fixture
def url(make_database: Callable[..., str]) -> str:
    return make_database(runtime=True)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "wf"


@pytest.fixture
def before_the_move(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Callable[[], None]]]:
    """`before_the_move[0] = ...` runs inside the apply's transaction, after its plan, before
    the instances are locked."""
    step: list[Callable[[], None]] = [lambda: None]
    original = migrate.move

    def move(*args: Any, **kwargs: Any) -> Any:
        step[0]()
        return original(*args, **kwargs)

    monkeypatch.setattr(migrate, "move", move)
    yield step


def test_an_instance_started_between_the_plan_and_the_move_refuses_the_apply(
    url: str, folder: Path, before_the_move: list[Callable[[], None]]
) -> None:
    apply(write(folder, orders("1.0")), "shop", url)
    shown = start(url, "shop", "1", "backordered")
    seen: dict[str, Any] = {}

    def concurrent_start() -> None:
        seen["late"] = start(url, "shop", "2", "backordered")  # on 1.0, still the active one
        seen["database"] = everything(url)

    before_the_move[0] = concurrent_start

    code, out, err = apply(write(folder, orders("1.1", migrate_from=["1.0"], **MAP)), "shop", url)

    assert "1 running instance to migrate" in out  # what the user consented to
    assert (code, err) == (
        1,
        "pypgflow-ops: error: the running instances to migrate changed since the plan was made "
        "(tenant 'shop'): workflow 'orders' version '1.0' in state 'backordered': "
        "1 in the plan, 2 now; "
        "nothing was applied: make the plan again\n",
    )
    assert everything(url) == seen["database"]
    assert instance(url, shown) == ("1.0", "backordered", 1, False)
    assert instance(url, seen["late"]) == ("1.0", "backordered", 1, False)
    assert [version for _, version, *_ in rows(url, VERSIONS)] == ["1.0"]


def test_an_instance_moved_between_the_plan_and_the_move_refuses_a_map_only_apply(
    url: str, folder: Path, before_the_move: list[Callable[[], None]]
) -> None:
    """Two groups: the plan had 1 placed, 0 backordered; the lock finds 0 placed, 1 backordered."""
    apply(write(folder, orders("1.0")), "shop", url)
    order = start(url, "shop", "1")
    apply(write(folder, orders("1.1")), "shop", url)  # no map: it stays on 1.0
    seen: dict[str, Any] = {}

    def concurrent_transition() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "select set_config('pypgflow.tenant_id', id::text, false) from pypgflow.tenants"
            )
            conn.execute("select api.execute_transition(%s, 'backordered', 'clerk')", [order])
        seen["database"] = everything(url)

    before_the_move[0] = concurrent_transition

    code, _, err = apply(write(folder, orders("1.1", migrate_from=["1.0"], **MAP)), "shop", url)

    assert code == 1
    assert err == (
        "pypgflow-ops: error: the running instances to migrate changed since the plan was made "
        "(tenant 'shop'): workflow 'orders' version '1.0' in state 'backordered': "
        "0 in the plan, 1 now; "
        "nothing was applied: make the plan again\n"
    )
    assert everything(url) == seen["database"]
    assert instance(url, order) == ("1.0", "backordered", 1, False)


@pytest.mark.parametrize(
    ("options", "waits"), [(("--lock-timeout", "300ms"), (0.3, 3)), ((), (5, 9))]
)
def test_an_instance_held_by_an_application_transaction_refuses_after_a_bounded_wait(
    url: str, folder: Path, options: tuple[str, ...], waits: tuple[float, float]
) -> None:
    apply(write(folder, orders("1.0")), "shop", url)
    busy = start(url, "shop", "1", "backordered")
    free = start(url, "shop", "2")
    before = everything(url)
    with psycopg.connect(url) as holder:
        holder.execute(
            "select 1 from pypgflow.entity_workflow_instances where id = %s for update", [busy]
        )
        began = time.monotonic()
        code, _, err = apply(
            write(folder, orders("1.1", migrate_from=["1.0"], **MAP)), "shop", url, *options
        )
        waited = time.monotonic() - began
        holder.rollback()

    assert (code, err) == (
        1,
        "pypgflow-ops: error: running instances of workflow 'orders' are busy in application "
        "transactions (their rows stayed locked past the lock timeout): nothing was applied: "
        "retry the apply\n",
    )
    assert waits[0] <= waited < waits[1]
    assert everything(url) == before
    assert instance(url, free) == ("1.0", "placed", 0, False)


def test_the_lock_timeout_is_restored_after_the_instances_are_locked(
    url: str, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply(write(folder, orders("1.0")), "shop", url)
    start(url, "shop", "1", "backordered")
    after: list[str] = []
    original = migrate.move

    def move(conn: psycopg.Connection[Any], *args: Any, **kwargs: Any) -> Any:
        setting = "select current_setting('lock_timeout')"
        before = conn.execute(setting).fetchone()
        result = original(conn, *args, **kwargs)
        after.extend([before[0] if before else "", *(conn.execute(setting).fetchone() or ())])
        return result

    monkeypatch.setattr(migrate, "move", move)
    files = write(folder, orders("1.1", migrate_from=["1.0"], **MAP))

    assert apply(files, "shop", url)[0] == 0
    assert after[0] == after[1]


def test_an_apply_that_only_moves_instances_says_so_as_the_plan_does(
    url: str, folder: Path
) -> None:
    """No definition changes: not "No changes", but the instances to migrate, then the move."""
    apply(write(folder, orders("1.0")), "shop", url)
    start(url, "shop", "1", "backordered")
    start(url, "shop", "2", "backordered")
    apply(write(folder, orders("1.1")), "shop", url)

    code, out, err = apply(write(folder, orders("1.1", migrate_from=["1.0"], **MAP)), "shop", url)

    [(deployment,)] = rows(url, "select id from pypgflow.deployments where instances_migrated = 2")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Tenant shop:",
        "   orders 1.1 (unchanged: running instances of other versions move to it)",
        "      1.0 backordered: 2 running instances, migrated (moves to 1.1 awaiting_stock)",
        "",
        "Plan: 0 to create, 0 new versions, 0 to roll back, 0 to retire, 1 unchanged, "
        "2 running instances to migrate.",
        "Moved 2 running instances of orders to version 1.1.",
        f"Applied (deployment {deployment}).",
    ]
