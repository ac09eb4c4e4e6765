"""The engine through the api functions, called the way PostgREST calls them."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from .postgrest import (
    Conn,
    add_definition,
    add_order_workflow,
    add_tenant,
    get,
    new_entity,
    rpc,
    set_head,
)


@pytest.fixture(scope="module")
def setup(runtime_database_url: str) -> dict[str, Any]:
    with psycopg.connect(runtime_database_url, autocommit=True) as conn:
        tenant = add_tenant(conn, "engine")
        order = add_order_workflow(conn, tenant)
        parallel = add_definition(
            conn, tenant, "parallel", "1",
            states={"open": "initial", "closed": "final"},
            transitions=[
                ("open", "close_signed", "closed", {"field_required": "signature"}),
                ("open", "close_witnessed", "closed", {"field_required": "witness"}),
            ],
        )
        exotic = add_definition(
            conn, tenant, "exotic", "1",
            states={"open": "initial", "closed": "final"},
            transitions=[("open", "close", "closed", {"role_required": "admin"})],
        )
    return {"tenant": tenant, "order": order, "parallel": parallel, "exotic": exotic}


def start(conn: Conn, tenant: uuid.UUID, name: str = "order", **extra: Any) -> dict[str, Any]:
    return rpc(conn, "start_workflow", tenant, workflow_name=name, entity_table="orders",
               entity_id=extra.pop("entity_id", new_entity()), **extra)


def move(conn: Conn, tenant: uuid.UUID, instance: uuid.UUID, to: str, **extra: Any) -> Any:
    return rpc(conn, "execute_transition", tenant, instance_id=instance, to_state=to,
               executed_by=extra.pop("executed_by", "clerk"), **extra)


def sqlstate_of(call: Any) -> str | None:
    with pytest.raises(psycopg.Error) as raised:
        call()
    return raised.value.sqlstate


def history(conn: Conn, tenant: uuid.UUID, instance: uuid.UUID) -> list[tuple[Any, ...]]:
    rows = get(conn, "workflow_history", tenant)
    return sorted(
        (r["sequence"], r["from_state"], r["to_state"], r["transition_name"], r["executed_by"])
        for r in rows if r["entity_workflow_instance_id"] == instance
    )


def test_a_whole_run_to_a_final_state(runtime_conn: Conn, setup: dict[str, Any]) -> None:
    tenant = setup["tenant"]
    started = start(runtime_conn, tenant, metadata={"amount": 12})
    assert (started["workflow_name"], started["version"], started["current_state"]) == (
        "order", "1.0", "new")
    assert started["completed_at"] is None
    instance = started["id"]

    move(runtime_conn, tenant, instance, "paid")
    move(runtime_conn, tenant, instance, "shipped",
         context={"carrier": "post", "tracking_code": "X1"})
    done = move(runtime_conn, tenant, instance, "delivered", executed_by="driver", notes="porch")

    assert done["current_state"] == "delivered"
    assert done["completed_at"] is not None
    assert history(runtime_conn, tenant, instance) == [
        (0, None, "new", None, "tester"),
        (1, "new", "paid", "pay", "clerk"),
        (2, "paid", "shipped", "ship", "clerk"),
        (3, "shipped", "delivered", "deliver", "driver"),
    ]
    [listed] = [r for r in get(runtime_conn, "entity_workflows", tenant) if r["id"] == instance]
    assert listed == done


def test_start_by_id_pins_that_version(runtime_conn: Conn, setup: dict[str, Any]) -> None:
    started = rpc(runtime_conn, "start_workflow_by_id", setup["tenant"],
                  workflow_definition_id=setup["order"], entity_table="orders",
                  entity_id=new_entity())
    assert started["workflow_definition_id"] == setup["order"]
    assert started["current_state"] == "new"


def test_start_uses_the_head_else_the_newest_revision(runtime_database_url: str) -> None:
    with psycopg.connect(runtime_database_url, autocommit=True) as conn:
        tenant = add_tenant(conn, "heads")
        first = add_order_workflow(conn, tenant, "1.0", revision=1)
        second = add_order_workflow(conn, tenant, "2.0", revision=2)
        assert start(conn, tenant)["workflow_definition_id"] == second
        set_head(conn, tenant, "order", first)  # a rollback, as apply writes it
        assert start(conn, tenant)["workflow_definition_id"] == first
        active = {r["version"]: r["active"] for r in get(conn, "workflows", tenant)}
        assert active == {"1.0": True, "2.0": False}


def test_no_tenant(runtime_conn: Conn, setup: dict[str, Any]) -> None:
    assert sqlstate_of(lambda: start(runtime_conn, None)) == "PT403"  # type: ignore[arg-type]


def test_unknown_workflow(runtime_conn: Conn, setup: dict[str, Any]) -> None:
    assert sqlstate_of(lambda: start(runtime_conn, setup["tenant"], "nope")) == "PT422"
    assert sqlstate_of(
        lambda: rpc(runtime_conn, "start_workflow_by_id", setup["tenant"],
                    workflow_definition_id=uuid.uuid4(), entity_table="t", entity_id="1")
    ) == "PT422"


def test_retired_workflows_cannot_be_started(runtime_database_url: str) -> None:
    with psycopg.connect(runtime_database_url, autocommit=True) as conn:
        tenant = add_tenant(conn, "retired")
        definition = add_order_workflow(conn, tenant, head=True)
        conn.execute("update pypgflow.workflow_definitions set retired_at = now() where id = %s",
                     [definition])
        with pytest.raises(psycopg.Error) as by_name:
            start(conn, tenant)
        with pytest.raises(psycopg.Error) as by_id:
            rpc(conn, "start_workflow_by_id", tenant, workflow_definition_id=definition,
                entity_table="t", entity_id="1")
    assert (by_name.value.sqlstate, by_name.value.diag.message_hint) == (
        "PT410", "The workflow is retired: apply it again to start new instances."
    )
    assert (by_id.value.sqlstate, by_id.value.diag.message_hint) == (
        "PT410", "Start the workflow by name, or apply a version that is not retired."
    )


def test_already_started(runtime_conn: Conn, setup: dict[str, Any]) -> None:
    entity = new_entity()
    first = start(runtime_conn, setup["tenant"], entity_id=entity)
    with pytest.raises(psycopg.Error) as raised:
        start(runtime_conn, setup["tenant"], entity_id=entity)
    assert raised.value.sqlstate == "PT409"
    assert str(first["id"]) in str(raised.value)
    move(runtime_conn, setup["tenant"], first["id"], "cancelled")
    assert start(runtime_conn, setup["tenant"], entity_id=entity)["id"] != first["id"]


def test_unknown_instance(runtime_conn: Conn, setup: dict[str, Any]) -> None:
    assert sqlstate_of(lambda: move(runtime_conn, setup["tenant"], uuid.uuid4(), "paid")) == (
        "PT404")


def test_transition_not_allowed_names_the_allowed_ones(
    runtime_conn: Conn, setup: dict[str, Any]
) -> None:
    instance = start(runtime_conn, setup["tenant"])["id"]
    with pytest.raises(psycopg.Error) as raised:
        move(runtime_conn, setup["tenant"], instance, "delivered")
    assert raised.value.sqlstate == "PT400"
    assert raised.value.diag.message_primary == (
        "transition from 'new' to 'delivered' is not allowed in workflow order "
        "(allowed: 'cancelled', 'paid')"
    )
    assert sqlstate_of(lambda: move(runtime_conn, setup["tenant"], instance, "no such")) == "PT400"


def test_conditions_require_fields_in_metadata_or_context(
    runtime_conn: Conn, setup: dict[str, Any]
) -> None:
    tenant = setup["tenant"]
    instance = start(runtime_conn, tenant)["id"]
    with pytest.raises(psycopg.Error) as raised:
        move(runtime_conn, tenant, instance, "paid")
    assert raised.value.sqlstate == "PT412"
    assert raised.value.diag.message_primary == (
        "condition not met for transition 'pay': amount required")
    move(runtime_conn, tenant, instance, "paid", context={"amount": None})
    with pytest.raises(psycopg.Error) as raised:
        move(runtime_conn, tenant, instance, "shipped", context={"carrier": "post"})
    assert raised.value.diag.message_primary == (
        "condition not met for transition 'ship': tracking_code required")
    assert history(runtime_conn, tenant, instance)[-1][:3] == (1, "new", "paid")


def test_parallel_transitions_take_one_whose_conditions_hold(
    runtime_conn: Conn, setup: dict[str, Any]
) -> None:
    tenant = setup["tenant"]
    instance = start(runtime_conn, tenant, "parallel", metadata={"witness": "w"})["id"]
    move(runtime_conn, tenant, instance, "closed")
    assert history(runtime_conn, tenant, instance)[-1][3] == "close_witnessed"


def test_unknown_condition_kinds_are_never_met(runtime_conn: Conn, setup: dict[str, Any]) -> None:
    instance = start(runtime_conn, setup["tenant"], "exotic")["id"]
    assert sqlstate_of(lambda: move(runtime_conn, setup["tenant"], instance, "closed")) == "PT412"


def test_a_finished_instance_refuses_every_move(runtime_conn: Conn, setup: dict[str, Any]) -> None:
    instance = start(runtime_conn, setup["tenant"])["id"]
    move(runtime_conn, setup["tenant"], instance, "cancelled")
    assert sqlstate_of(lambda: move(runtime_conn, setup["tenant"], instance, "paid")) == "PT423"


BIG_OBJECT = {"text": "x" * 70_000}


@pytest.mark.parametrize(
    ("arguments", "sqlstate", "message"),
    [
        ({"instance_id": None}, "22004", "instance_id is required"),
        ({"to_state": None}, "22004", "to_state is required"),
        ({"executed_by": None}, "22004", "executed_by is required"),
        ({"context": [1, 2]}, "22023", "context must be a JSON object"),
        ({"executed_by": "x" * 1001}, "PT413", "executed_by is limited to 1000 bytes"),
        ({"notes": "x" * 10_001}, "PT413", "notes are limited to 10000 bytes"),
        ({"context": BIG_OBJECT}, "PT413", "context is limited to 65536 bytes"),
    ],
)
def test_bad_arguments_to_execute_transition(
    runtime_conn: Conn, setup: dict[str, Any], arguments: dict[str, Any], sqlstate: str,
    message: str,
) -> None:
    instance = start(runtime_conn, setup["tenant"])["id"]
    call = {"instance_id": instance, "to_state": "cancelled", "executed_by": "clerk", **arguments}
    with pytest.raises(psycopg.Error) as raised:
        rpc(runtime_conn, "execute_transition", setup["tenant"], **call)
    assert (raised.value.sqlstate, raised.value.diag.message_primary) == (sqlstate, message)
    assert history(runtime_conn, setup["tenant"], instance)[-1][0] == 0


def test_limits_are_inclusive(runtime_conn: Conn, setup: dict[str, Any]) -> None:
    instance = start(runtime_conn, setup["tenant"], entity_id="e" * 1000)["id"]
    moved = move(runtime_conn, setup["tenant"], instance, "cancelled", executed_by="x" * 1000,
                 notes="n" * 10_000, context={"text": "c" * 65_000})
    assert moved["current_state"] == "cancelled"


@pytest.mark.parametrize(
    ("arguments", "sqlstate", "message"),
    [
        ({"workflow_name": None}, "22004", "workflow_name is required"),
        ({"entity_table": None}, "22004", "entity_table is required"),
        ({"entity_id": None}, "22004", "entity_id is required"),
        ({"entity_table": ""}, "22023", "entity_table and entity_id must not be blank"),
        ({"entity_id": " "}, "22023", "entity_table and entity_id must not be blank"),
        ({"entity_id": "\t\n "}, "22023", "entity_table and entity_id must not be blank"),
        ({"metadata": Jsonb("not an object")}, "22023", "metadata must be a JSON object"),
        ({"entity_id": "x" * 1001}, "PT413",
         "entity_table and entity_id are limited to 1000 bytes"),
        ({"metadata": BIG_OBJECT}, "PT413", "metadata is limited to 65536 bytes"),
    ],
)
def test_bad_arguments_to_start_workflow(
    runtime_conn: Conn, setup: dict[str, Any], arguments: dict[str, Any], sqlstate: str,
    message: str,
) -> None:
    call = {"workflow_name": "order", "entity_table": "t", "entity_id": new_entity(), **arguments}
    with pytest.raises(psycopg.Error) as raised:
        rpc(runtime_conn, "start_workflow", setup["tenant"], **call)
    assert (raised.value.sqlstate, raised.value.diag.message_primary) == (sqlstate, message)


def test_a_null_definition_id_is_named(runtime_conn: Conn, setup: dict[str, Any]) -> None:
    with pytest.raises(psycopg.Error) as raised:
        rpc(runtime_conn, "start_workflow_by_id", setup["tenant"], workflow_definition_id=None,
            entity_table="t", entity_id="1")
    assert (raised.value.sqlstate, raised.value.diag.message_primary) == (
        "22004", "workflow_definition_id is required")
