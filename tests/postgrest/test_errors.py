"""Every error kind of the engine through PostgREST: its HTTP status and a JSON body that says why.

PostgREST turns a custom SQLSTATE `PTnnn` into HTTP status nnn; its body carries the SQLSTATE as
`code`, the message, and the hint. A refused call changes nothing.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import psycopg

from .api import Api
from .calls import ORDER, error, move, start, states_visited, transition
from .database import EXAMPLES, apply, tenant_ids
from .server import AUTHENTICATED


def test_unknown_workflow_is_422(api: Api) -> None:
    answer = api.tenant("acme").post("/rpc/start_workflow", {
        "workflow_name": "nope", "entity_table": "orders", "entity_id": "1"})

    assert error(answer) == (422, "PT422", "unknown workflow 'nope'")
    assert answer.body["hint"] == "GET /workflows lists the workflows of your tenant."


def test_unknown_workflow_definition_is_422(api: Api) -> None:
    missing = uuid.uuid4()

    answer = api.tenant("acme").post("/rpc/start_workflow_by_id", {
        "workflow_definition_id": str(missing), "entity_table": "orders", "entity_id": "1"})

    assert error(answer) == (422, "PT422", f"unknown workflow definition {missing}")


def test_unknown_instance_is_404(api: Api) -> None:
    missing = uuid.uuid4()

    answer = transition(api.tenant("acme"), str(missing), "cancelled")

    assert error(answer) == (404, "PT404", f"unknown workflow instance {missing}")


def test_transition_not_allowed_is_400_and_names_the_allowed_ones(api: Api) -> None:
    client = api.tenant("acme")
    instance = start(client, f"order-{uuid.uuid4()}")

    answer = transition(client, instance["id"], "delivered")

    assert error(answer) == (400, "PT400", (
        "transition from 'placed' to 'delivered' is not allowed in workflow order_fulfilment "
        "(allowed: 'cancelled', 'payment_authorised')"))
    assert states_visited(client, instance["id"]) == ["placed"]


def test_condition_not_met_is_412_and_changes_nothing(api: Api) -> None:
    client = api.tenant("acme")
    instance = start(client, f"order-{uuid.uuid4()}")

    answer = transition(client, instance["id"], "payment_authorised", context={"other": 1})

    assert error(answer) == (412, "PT412", (
        "condition not met for transition 'authorise_payment': payment_reference required"))
    assert answer.body["hint"] == (
        "Put the fields in the instance metadata or in the context of the call.")
    assert states_visited(client, instance["id"]) == ["placed"]


def test_already_started_is_409_and_names_the_running_instance(api: Api) -> None:
    client = api.tenant("acme")
    entity = f"order-{uuid.uuid4()}"
    running = start(client, entity)

    answer = client.post("/rpc/start_workflow", {
        "workflow_name": ORDER, "entity_table": "orders", "entity_id": entity})

    assert error(answer) == (409, "PT409", (
        f"orders {entity} already has a running {ORDER} instance: {running['id']}"))
    assert len(client.get(f"/entity_workflows?entity_id=eq.{entity}").body) == 1


def test_a_finished_instance_is_423(api: Api) -> None:
    client = api.tenant("acme")
    instance = start(client, f"order-{uuid.uuid4()}")
    move(client, instance["id"], "cancelled")

    answer = transition(client, instance["id"], "payment_authorised",
                        context={"payment_reference": "p"})

    assert error(answer) == (423, "PT423", (
        f"workflow instance {instance['id']} finished in state 'cancelled': "
        "it accepts no transitions"))
    assert states_visited(client, instance["id"]) == ["placed", "cancelled"]


def test_a_retired_workflow_is_410(api: Api, tmp_path: Path) -> None:
    kept = tmp_path / "workflows"
    shutil.copytree(EXAMPLES, kept)
    (kept / f"{ORDER}.yaml").unlink()
    (kept / f"{ORDER}.scenarios.yaml").unlink()  # its scenarios go with it (lint would refuse)
    apply(api.database_url, "retiring")
    apply(api.database_url, "retiring", kept, "--prune")
    client = api.client({"role": AUTHENTICATED,
                         "tenant_id": str(tenant_ids(api.database_url)["retiring"])})
    [retired] = client.get(f"/workflows?name=eq.{ORDER}&select=id,retired_at").body
    target = {"entity_table": "orders", "entity_id": "1"}

    by_name = client.post("/rpc/start_workflow", {"workflow_name": ORDER, **target})
    by_id = client.post("/rpc/start_workflow_by_id",
                        {"workflow_definition_id": retired["id"], **target})

    assert retired["retired_at"] is not None
    message = f"workflow {ORDER} version 1.0 is retired: it cannot be started"
    assert error(by_name) == error(by_id) == (410, "PT410", message)
    assert client.get("/entity_workflows").body == []


def test_a_context_that_is_not_an_object_is_400(api: Api) -> None:
    client = api.tenant("acme")
    instance = start(client, f"order-{uuid.uuid4()}")

    answer = transition(client, instance["id"], "cancelled", context=["not", "an", "object"])

    assert error(answer) == (400, "22023", "context must be a JSON object")
    assert states_visited(client, instance["id"]) == ["placed"]


def test_an_instance_locked_too_long_is_a_retryable_503(api: Api) -> None:
    client = api.tenant("acme")
    instance = start(client, f"order-{uuid.uuid4()}")

    with psycopg.connect(api.database_url) as holder:
        holder.execute("select 1 from pypgflow.entity_workflow_instances where id = %s for update",
                       [instance["id"]])
        answer = transition(client, instance["id"], "cancelled")

    assert error(answer) == (503, "PT503", (
        f"workflow instance {instance['id']} is busy: another transition holds it"))
    assert answer.body["hint"] == "Retry the request."
    assert states_visited(client, instance["id"]) == ["placed"]


def test_an_empty_entity_is_400(api: Api) -> None:
    answer = api.tenant("acme").post("/rpc/start_workflow", {
        "workflow_name": ORDER, "entity_table": "orders", "entity_id": ""})

    assert error(answer) == (400, "22023", "entity_table and entity_id must be non-empty text")


def test_metadata_that_is_not_an_object_is_400(api: Api) -> None:
    answer = api.tenant("acme").post("/rpc/start_workflow", {
        "workflow_name": ORDER, "entity_table": "orders", "entity_id": "1", "metadata": "text"})

    assert error(answer) == (400, "22023", "metadata must be a JSON object")


def test_a_call_without_a_required_argument_is_404(api: Api) -> None:
    instance = start(api.tenant("acme"), f"order-{uuid.uuid4()}")

    answer = api.tenant("acme").post("/rpc/execute_transition", {
        "instance_id": instance["id"], "to_state": "cancelled"})

    assert (answer.status, answer.body["code"]) == (404, "PGRST202")
