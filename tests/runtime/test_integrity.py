"""What the engine keeps true: no lost or forked moves under a race, text kept byte for byte,
applied definitions immutable."""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Callable

import psycopg
import pytest
from psycopg import errors

from .postgrest import Conn, add_definition, add_order_workflow, add_tenant, get, rpc

RACERS = 8
MOVES_PER_RACER = 20


@pytest.fixture(scope="module")
def tenant(runtime_database_url: str) -> uuid.UUID:
    with psycopg.connect(runtime_database_url, autocommit=True) as conn:
        tenant = add_tenant(conn, "integrity")
        add_order_workflow(conn, tenant)
        add_definition(conn, tenant, "toggle", "1", states={"off": "initial", "on": ""},
                       transitions=[("off", "switch_on", "on", {}),
                                    ("on", "switch_off", "off", {})])
        add_definition(conn, tenant, "counter", "1", states={"counting": "initial"},
                       transitions=[("counting", "tick", "counting", {})])
        return tenant


def race(url: str, tenant: uuid.UUID, instance: uuid.UUID,
         target_after: Callable[[str], str]) -> tuple[int, list[str]]:
    """RACERS connections each read the state and ask for the target after it, MOVES_PER_RACER
    times; returns how many moves were made and the SQLSTATEs of those refused."""
    moved = [0] * RACERS
    failures: list[str] = []
    start = threading.Barrier(RACERS)

    def racer(index: int) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            start.wait()
            for _ in range(MOVES_PER_RACER):
                [row] = [r for r in get(conn, "entity_workflows", tenant) if r["id"] == instance]
                try:
                    rpc(conn, "execute_transition", tenant, instance_id=instance,
                        to_state=target_after(row["current_state"]),
                        executed_by=f"racer-{index}")
                    moved[index] += 1
                except psycopg.Error as exc:
                    failures.append(exc.sqlstate or "?")

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(moved), failures


def test_racing_connections_lose_nothing_and_fork_nothing(
    runtime_conn: Conn, runtime_database_url: str, tenant: uuid.UUID
) -> None:
    instance = rpc(runtime_conn, "start_workflow", tenant, workflow_name="toggle",
                   entity_table="lamps", entity_id="1")["id"]
    moved, failures = race(runtime_database_url, tenant, instance,
                           lambda state: "on" if state == "off" else "off")

    # a move that lost its race sees the other state and is refused; nothing else goes wrong
    assert set(failures) <= {"PT400"}
    assert moved + len(failures) == RACERS * MOVES_PER_RACER
    steps = sorted((r["sequence"], r["from_state"], r["to_state"])
                   for r in get(runtime_conn, "workflow_history", tenant)
                   if r["entity_workflow_instance_id"] == instance)
    assert [s[0] for s in steps] == list(range(moved + 1))
    assert all(prev[2] == step[1] for prev, step in itertools.pairwise(steps))
    [row] = [r for r in get(runtime_conn, "entity_workflows", tenant) if r["id"] == instance]
    assert row["current_state"] == steps[-1][2]


def test_racing_moves_that_are_always_allowed_all_land(
    runtime_conn: Conn, runtime_database_url: str, tenant: uuid.UUID
) -> None:
    instance = rpc(runtime_conn, "start_workflow", tenant, workflow_name="counter",
                   entity_table="counters", entity_id="1")["id"]
    moved, failures = race(runtime_database_url, tenant, instance, lambda state: state)
    assert (moved, failures) == (RACERS * MOVES_PER_RACER, [])
    count = runtime_conn.execute(
        "select transition_count, (select max(sequence) from pypgflow.workflow_transition_history"
        " where instance_id = %s) from pypgflow.entity_workflow_instances where id = %s",
        [instance, instance]).fetchone()
    assert count == (moved, moved)


HOSTILE_TEXT = [
    "it's \"quoted\" \\ back\\slash",
    "$$ dollar $body$ quotes $$",
    "{{ 7*7 }} {% if %} {# jinja #}",
    "'); drop table pypgflow.tenants; --",
    "%s %(name)s %% placeholders",
    "ünïcödé ✓ 🚀 עברית \u200f zero\u200bwidth e\u0301",
    "line\nbreak\r\n\ttab \u2028 separator",
]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_text_round_trips_byte_for_byte(
    runtime_conn: Conn, tenant: uuid.UUID, text: str
) -> None:
    metadata = {text: text, "amount": 1, "nested": [text, {"k": text}]}
    started = rpc(runtime_conn, "start_workflow", tenant, workflow_name="order",
                  entity_table=text, entity_id=text + str(uuid.uuid4()), metadata=metadata)
    moved = rpc(runtime_conn, "execute_transition", tenant, instance_id=started["id"],
                to_state="paid", executed_by=text, notes=text, context={"why": text})
    assert started["metadata"] == moved["metadata"] == metadata
    assert moved["entity_table"] == text
    [step] = [r for r in get(runtime_conn, "workflow_history", tenant)
              if r["entity_workflow_instance_id"] == started["id"] and r["sequence"] == 1]
    assert (step["executed_by"], step["notes"], step["context"]) == (text, text, {"why": text})


@pytest.mark.parametrize(
    "statement",
    [
        "update pypgflow.workflow_definitions set version = 'x'",
        "update pypgflow.workflow_definitions set retired_at = now(), metadata = '{\"a\": 1}'",
        "delete from pypgflow.workflow_definitions",
        "update pypgflow.workflow_states set final = not final",
        "delete from pypgflow.workflow_states",
        "update pypgflow.workflow_transitions set conditions = '{}'",
        "delete from pypgflow.workflow_transitions",
        "truncate pypgflow.workflow_transitions",
    ],
)
def test_applied_definitions_are_immutable(
    runtime_conn: Conn, tenant: uuid.UUID, statement: str
) -> None:
    with pytest.raises(psycopg.Error) as raised:
        runtime_conn.execute(statement.encode())
    assert raised.value.sqlstate == "PF001"


def test_only_retired_at_may_change(runtime_conn: Conn, tenant: uuid.UUID) -> None:
    with runtime_conn.transaction(force_rollback=True):
        changed = runtime_conn.execute(
            "update pypgflow.workflow_definitions set retired_at = now() where tenant_id = %s",
            [tenant]).rowcount
    assert changed == 3  # order, toggle, counter


def test_updated_at_follows_every_change(runtime_conn: Conn, tenant: uuid.UUID) -> None:
    started = rpc(runtime_conn, "start_workflow", tenant, workflow_name="order",
                  entity_table="orders", entity_id=str(uuid.uuid4()))
    moved = rpc(runtime_conn, "execute_transition", tenant, instance_id=started["id"],
                to_state="cancelled", executed_by="x")
    assert moved["updated_at"] > started["updated_at"]
    assert moved["completed_at"] == moved["updated_at"]


def test_the_history_refuses_a_fork(runtime_conn: Conn, tenant: uuid.UUID) -> None:
    started = rpc(runtime_conn, "start_workflow", tenant, workflow_name="order",
                  entity_table="orders", entity_id=str(uuid.uuid4()))
    with pytest.raises(errors.UniqueViolation):
        runtime_conn.execute(
            "insert into pypgflow.workflow_transition_history "
            "(tenant_id, instance_id, sequence, to_state, executed_by) "
            "values (%s, %s, 0, 'x', 'y')",
            [tenant, started["id"]])




@pytest.mark.slow
def test_an_instance_held_longer_than_the_lock_timeout_is_busy(
    runtime_conn: Conn, runtime_database_url: str, tenant: uuid.UUID
) -> None:
    started = rpc(runtime_conn, "start_workflow", tenant, workflow_name="order",
                  entity_table="orders", entity_id=str(uuid.uuid4()))
    with psycopg.connect(runtime_database_url) as holder:
        holder.execute("select 1 from pypgflow.entity_workflow_instances where id = %s "
                       "for update", [started["id"]])
        with pytest.raises(psycopg.Error) as raised:
            rpc(runtime_conn, "execute_transition", tenant, instance_id=started["id"],
                to_state="cancelled", executed_by="x")
    assert raised.value.sqlstate == "PT503"
    [row] = [r for r in get(runtime_conn, "entity_workflows", tenant) if r["id"] == started["id"]]
    assert row["current_state"] == "new"


def test_a_queued_transition_leaves_the_callers_lock_timeout_alone(
    runtime_conn: Conn, runtime_database_url: str, tenant: uuid.UUID
) -> None:
    started = rpc(runtime_conn, "start_workflow", tenant, workflow_name="order",
                  entity_table="orders", entity_id=str(uuid.uuid4()))
    holder = psycopg.connect(runtime_database_url)
    holder.execute("select 1 from pypgflow.entity_workflow_instances where id = %s for update",
                   [started["id"]])
    release = threading.Timer(0.3, holder.rollback)
    release.start()
    with runtime_conn.transaction():
        runtime_conn.execute("set local lock_timeout = '42s'")
        runtime_conn.execute("select set_config('pypgflow.tenant_id', %s, true)", [str(tenant)])
        moved = runtime_conn.execute("select current_state from api.execute_transition(%s, "
                                     "'cancelled', 'x')", [started["id"]]).fetchone()
        setting = runtime_conn.execute("show lock_timeout").fetchone()
    release.join()
    holder.close()
    assert (moved, setting) == (("cancelled",), ("42s",))


def test_a_callers_shorter_lock_timeout_is_kept_while_queued(
    runtime_conn: Conn, runtime_database_url: str, tenant: uuid.UUID
) -> None:
    """The caller's 100 ms runs out long before the holder lets go; the engine's 5 s would not."""
    started = rpc(runtime_conn, "start_workflow", tenant, workflow_name="order",
                  entity_table="orders", entity_id=str(uuid.uuid4()))
    holder = psycopg.connect(runtime_database_url)
    holder.execute("select 1 from pypgflow.entity_workflow_instances where id = %s for update",
                   [started["id"]])
    release = threading.Timer(2.0, holder.rollback)
    release.start()
    try:
        with pytest.raises(psycopg.Error) as raised, runtime_conn.transaction():
            runtime_conn.execute("set local lock_timeout = '100ms'")
            runtime_conn.execute("select set_config('pypgflow.tenant_id', %s, true)",
                                 [str(tenant)])
            runtime_conn.execute("select api.execute_transition(%s, 'cancelled', 'x')",
                                 [started["id"]])
    finally:
        release.join()
        holder.close()
    assert raised.value.sqlstate == "PT503"
