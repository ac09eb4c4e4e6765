"""The seed's endpoints through PostgREST: the catalog of applied workflows, whole runs, history."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import yaml

from pypgflow_ops.discovery import is_scenario_file

from .api import Api
from .calls import DELIVERY, ORDER, example, move, start, transition
from .database import EXAMPLES
from .server import AUTHENTICATED, AUTHENTICATOR


def test_workflows_lists_every_applied_example(api: Api) -> None:
    answer = api.tenant("acme").get("/workflows?select=name,version,revision,active&order=name")

    documents = [
        yaml.safe_load(path.read_text())
        for path in sorted(EXAMPLES.glob("*.yaml"))
        if not is_scenario_file(path.name)
    ]
    assert answer.status == 200
    assert answer.body == sorted(
        ({"name": d["workflow"]["name"], "version": d["workflow"]["version"], "revision": 1,
          "active": True} for d in documents),
        key=lambda row: row["name"],
    )


def test_one_workflow_by_name_with_its_metadata(api: Api) -> None:
    answer = api.tenant("acme").get(f"/workflows?name=eq.{ORDER}")

    assert answer.status == 200
    [row] = answer.body
    assert row["id"] == str(uuid.UUID(row["id"]))
    assert row["metadata"] == example(ORDER)["workflow"]["metadata"]
    assert row["retired_at"] is None


def test_workflow_states_of_one_workflow(api: Api) -> None:
    answer = api.tenant("acme").get(
        f"/workflow_states?workflow_name=eq.{ORDER}&select=name,initial,final,metadata&order=name")

    assert answer.status == 200
    assert answer.body == sorted(
        ({"name": s["name"], "initial": s.get("initial", False), "final": s.get("final", False),
          "metadata": s["metadata"]} for s in example(ORDER)["states"]),
        key=lambda row: row["name"],
    )


def test_workflow_transitions_of_one_workflow(api: Api) -> None:
    answer = api.tenant("acme").get(
        f"/workflow_transitions?workflow_name=eq.{ORDER}"
        "&select=from_state,name,to_state,conditions,context&order=from_state,to_state")

    assert answer.status == 200
    assert answer.body == sorted(
        ({"from_state": t["from"], "name": t["name"], "to_state": t["to"],
          "conditions": t.get("conditions", {}), "context": t.get("context", {})}
         for t in example(ORDER)["transitions"]),
        key=lambda row: (row["from_state"], row["to_state"]),
    )


def test_start_workflow_then_transitions_to_a_final_state(api: Api) -> None:
    client = api.tenant("acme", sub="shop-frontend")
    entity = f"order-{uuid.uuid4()}"

    started = start(client, entity, metadata={"customer": "c-42"})
    moves = [move(client, started["id"], state, context=fields) for state, fields in DELIVERY]

    assert (started["workflow_name"], started["version"], started["current_state"]) == (
        ORDER, "1.0", "placed")
    assert [m["current_state"] for m in moves] == [state for state, _ in DELIVERY]
    assert [m["completed_at"] is not None for m in moves] == [False] * 4 + [True]
    listed = client.get(f"/entity_workflows?entity_table=eq.orders&entity_id=eq.{entity}")
    assert listed.status == 200
    [row] = listed.body
    assert (row["id"], row["current_state"], row["metadata"]) == (
        started["id"], "delivered", {"customer": "c-42"})
    assert row["completed_at"] == moves[-1]["completed_at"]


def test_workflow_history_is_the_audit_trail_of_a_run(api: Api) -> None:
    client = api.tenant("acme", sub="shop-frontend")
    started = start(client, f"order-{uuid.uuid4()}")
    for state, fields in DELIVERY[:2]:
        move(client, started["id"], state, context=fields, notes=f"to {state}")

    history = client.get(
        f"/workflow_history?entity_workflow_instance_id=eq.{started['id']}&order=sequence"
        "&select=from_state,to_state,transition_name,executed_by,notes,context")

    assert history.status == 200
    assert history.body == [
        {"from_state": None, "to_state": "placed", "transition_name": None,
         "executed_by": "shop-frontend", "notes": None, "context": {}},
        {"from_state": "placed", "to_state": "payment_authorised",
         "transition_name": "authorise_payment", "executed_by": "alice",
         "notes": "to payment_authorised", "context": {"payment_reference": "pay-1"}},
        {"from_state": "payment_authorised", "to_state": "picking",
         "transition_name": "release_to_warehouse", "executed_by": "alice",
         "notes": "to picking", "context": {"warehouse_id": "w-7"}},
    ]


def test_start_workflow_by_id_pins_that_version(api: Api) -> None:
    client = api.tenant("acme")
    [definition] = client.get(f"/workflows?name=eq.{ORDER}&select=id").body

    answer = client.post("/rpc/start_workflow_by_id", {
        "workflow_definition_id": definition["id"], "entity_table": "orders",
        "entity_id": f"order-{uuid.uuid4()}"})
    cancelled = move(client, answer.body["id"], "cancelled")

    assert answer.status == 200
    assert answer.body["workflow_definition_id"] == definition["id"]
    assert answer.body["current_state"] == "placed"
    assert (cancelled["current_state"], cancelled["completed_at"] is not None) == (
        "cancelled", True)


def test_hostile_text_round_trips_through_http(api: Api) -> None:
    hostile = (
        "quote ' double \" dollar $$ $body$ {{ jinja }} {% x %} back\\slash \u00e9\u4e2d\U0001f600"
    )
    client = api.tenant("acme")
    started = start(client, hostile, metadata={hostile: hostile})
    move(client, started["id"], "cancelled", notes=hostile, context={hostile: [hostile]})

    [row] = client.get(
        f"/workflow_history?entity_workflow_instance_id=eq.{started['id']}"
        "&to_state=eq.cancelled&select=notes,context").body

    found = client.get(f"/entity_workflows?entity_id=eq.{quote(hostile)}&select=id,metadata")

    assert started["entity_id"] == hostile
    assert found.body == [{"id": started["id"], "metadata": {hostile: hostile}}]
    assert row == {"notes": hostile, "context": {hostile: [hostile]}}


def test_a_start_without_a_subject_is_recorded_as_the_authenticator(api: Api) -> None:
    client = api.client({"role": AUTHENTICATED, "tenant_id": str(api.tenants["acme"])})
    started = start(client, f"order-{uuid.uuid4()}")

    [first] = client.get(f"/workflow_history?entity_workflow_instance_id=eq.{started['id']}"
                         "&select=executed_by").body

    assert first == {"executed_by": AUTHENTICATOR}


def test_the_history_records_the_authenticated_subject_beside_executed_by(api: Api) -> None:
    client = api.tenant("acme", sub="user-42")
    started = start(client, f"order-{uuid.uuid4()}")
    move(client, started["id"], "cancelled", executed_by="someone they name")

    steps = client.get(f"/workflow_history?entity_workflow_instance_id=eq.{started['id']}"
                       "&order=sequence&select=executed_by,subject").body

    assert steps == [{"executed_by": "user-42", "subject": "user-42"},
                     {"executed_by": "someone they name", "subject": "user-42"}]


def test_a_state_changing_function_refuses_get(api: Api) -> None:
    client = api.tenant("acme")
    entity = f"order-{uuid.uuid4()}"

    answer = client.get(
        f"/rpc/start_workflow?workflow_name={ORDER}&entity_table=orders&entity_id={entity}")

    assert answer.status == 405
    assert client.get(f"/entity_workflows?entity_id=eq.{entity}").body == []


def test_the_openapi_description_lists_the_seed_endpoints(api: Api) -> None:
    described = api.tenant("acme").get("/")

    assert described.status == 200
    assert sorted(described.body["paths"]) == [
        "/", "/entity_workflows", "/rpc/execute_transition", "/rpc/get_transitions",
        "/rpc/start_workflow", "/rpc/start_workflow_by_id", "/workflow_history", "/workflow_states",
        "/workflow_transitions", "/workflows",
    ]
    assert sorted(api.client(None).get("/").body["paths"]) == ["/"]


def test_racing_requests_on_one_instance_move_it_once(api: Api) -> None:
    client = api.tenant("acme")
    instance = start(client, f"order-{uuid.uuid4()}")
    racers = 8

    with ThreadPoolExecutor(racers) as pool:
        answers = list(pool.map(
            lambda n: transition(client, instance["id"], "cancelled", notes=f"racer {n}"),
            range(racers)))

    assert sorted(answer.status for answer in answers) == [200] + [423] * (racers - 1)
    history = client.get(f"/workflow_history?entity_workflow_instance_id=eq.{instance['id']}"
                         "&order=sequence&select=sequence,to_state").body
    assert history == [{"sequence": 0, "to_state": "placed"},
                       {"sequence": 1, "to_state": "cancelled"}]
