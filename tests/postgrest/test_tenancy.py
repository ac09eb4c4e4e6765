"""Tenants through PostgREST: the JWT's tenant_id scopes everything; no JWT, no access at all."""

from __future__ import annotations

import time
import uuid

import pytest

from .api import Api
from .calls import ORDER, error, move, start, states_visited, transition
from .server import AUTHENTICATED

VIEWS = ("workflows", "workflow_states", "workflow_transitions", "entity_workflows",
         "workflow_history")
NO_TENANT = (403, "PT403", "no tenant: the request carries no tenant_id")


def test_each_tenant_reads_only_its_own_definitions(api: Api) -> None:
    acme, globex = api.tenant("acme"), api.tenant("globex")

    for view in ("workflows?select=id", "workflow_states?select=id:workflow_definition_id",
                 "workflow_transitions?select=id:workflow_definition_id"):
        seen_by_acme = {row["id"] for row in acme.get(f"/{view}").body}
        seen_by_globex = {row["id"] for row in globex.get(f"/{view}").body}
        assert seen_by_acme and seen_by_globex
        assert not seen_by_acme & seen_by_globex, view


def test_a_tenant_never_sees_another_tenants_instances_or_history(api: Api) -> None:
    acme, globex = api.tenant("acme"), api.tenant("globex")
    theirs = start(globex, f"order-{uuid.uuid4()}")

    assert acme.get(f"/entity_workflows?id=eq.{theirs['id']}").body == []
    assert acme.get(f"/workflow_history?entity_workflow_instance_id=eq.{theirs['id']}").body == []
    assert theirs["id"] not in {row["id"] for row in acme.get("/entity_workflows").body}


def test_a_tenant_cannot_move_another_tenants_instance(api: Api) -> None:
    acme, globex = api.tenant("acme"), api.tenant("globex")
    theirs = start(globex, f"order-{uuid.uuid4()}")

    answer = transition(acme, theirs["id"], "cancelled")

    assert error(answer) == (404, "PT404", f"unknown workflow instance {theirs['id']}")
    assert states_visited(globex, theirs["id"]) == ["placed"]


def test_a_tenant_cannot_start_another_tenants_definition(api: Api) -> None:
    [theirs] = api.tenant("globex").get(f"/workflows?name=eq.{ORDER}&select=id").body

    answer = api.tenant("acme").post("/rpc/start_workflow_by_id", {
        "workflow_definition_id": theirs["id"], "entity_table": "orders", "entity_id": "1"})

    assert error(answer) == (422, "PT422", f"unknown workflow definition {theirs['id']}")


def test_one_entity_runs_independently_in_two_tenants(api: Api) -> None:
    entity = f"order-{uuid.uuid4()}"
    acme, globex = api.tenant("acme"), api.tenant("globex")

    ours, theirs = start(acme, entity), start(globex, entity)
    move(acme, ours["id"], "cancelled")

    assert ours["id"] != theirs["id"]
    [row] = globex.get(f"/entity_workflows?entity_id=eq.{entity}&select=id,current_state").body
    assert row == {"id": theirs["id"], "current_state": "placed"}


@pytest.mark.parametrize("claims", [None, {"tenant_id": "anything"}], ids=["no JWT", "no role"])
def test_an_anonymous_request_gets_nothing(api: Api, claims: dict[str, str] | None) -> None:
    anonymous = api.client(claims)
    instance = start(api.tenant("acme"), f"order-{uuid.uuid4()}")

    reads = [anonymous.get(f"/{view}") for view in VIEWS]
    moved = transition(anonymous, instance["id"], "cancelled")
    started = anonymous.post("/rpc/start_workflow", {
        "workflow_name": ORDER, "entity_table": "orders", "entity_id": "anonymous"})

    refused = (401, "42501", "permission denied for schema api")
    assert [error(answer) for answer in [*reads, moved, started]] == [refused] * 7
    assert states_visited(api.tenant("acme"), instance["id"]) == ["placed"]


@pytest.mark.parametrize("tenant_claim", [{}, {"tenant_id": ""}], ids=["absent", "empty"])
def test_a_jwt_without_a_tenant_reads_nothing_and_writes_nothing(
    api: Api, tenant_claim: dict[str, str]
) -> None:
    nobody = api.client({"role": AUTHENTICATED, **tenant_claim})
    instance = start(api.tenant("acme"), f"order-{uuid.uuid4()}")

    reads = [nobody.get(f"/{view}") for view in VIEWS]
    started = nobody.post("/rpc/start_workflow", {
        "workflow_name": ORDER, "entity_table": "orders", "entity_id": "nobody"})
    moved = transition(nobody, instance["id"], "cancelled")

    assert [(answer.status, answer.body) for answer in reads] == [(200, [])] * len(VIEWS)
    assert error(started) == error(moved) == NO_TENANT
    assert started.body["hint"] == "Send a JWT with a tenant_id claim, or set pypgflow.tenant_id."
    assert states_visited(api.tenant("acme"), instance["id"]) == ["placed"]


def test_a_jwt_cannot_switch_to_a_role_the_authenticator_lacks(api: Api) -> None:
    superuser = api.client({"role": "postgres", "tenant_id": str(api.tenants["acme"])})

    assert error(superuser.get("/workflows")) == (
        403, "42501", 'permission denied to set role "postgres"')


def test_a_jwt_signed_with_another_secret_is_refused(api: Api) -> None:
    forged = Api(api.url, "another-secret-of-the-same-length-0123456789abcdef", api.database_url,
                 api.tenants).tenant("acme")

    answer = forged.get("/workflows")

    assert (answer.status, answer.body["code"]) == (401, "PGRST301")


def test_an_expired_jwt_is_refused(api: Api) -> None:
    expired = api.client({"role": AUTHENTICATED, "tenant_id": str(api.tenants["acme"]),
                          "exp": int(time.time()) - 60})

    assert error(expired.get("/workflows")) == (401, "PGRST301", "JWT expired")


def test_a_tenant_id_that_is_not_a_uuid_is_a_400(api: Api) -> None:
    garbled = api.client({"role": AUTHENTICATED, "tenant_id": "acme"})

    assert error(garbled.get("/workflows")) == (
        400, "22P02", 'invalid input syntax for type uuid: "acme"')


def test_the_runtime_tables_are_not_exposed(api: Api) -> None:
    client = api.tenant("acme")

    assert error(client.get("/tenants")) == (
        404, "42P01", 'relation "api.tenants" does not exist')
    other_schema = client.request("GET", "/tenants", headers={"Accept-Profile": "pypgflow"})
    assert error(other_schema) == (
        406, "PGRST106", "The schema must be one of the following: api")


def test_clients_cannot_write_through_the_views(api: Api) -> None:
    client = api.tenant("acme")
    instance = start(client, f"order-{uuid.uuid4()}")

    patched = client.request("PATCH", f"/entity_workflows?id=eq.{instance['id']}",
                             {"current_state": "cancelled"})
    deleted = client.request("DELETE", f"/workflow_history?entity_workflow_instance_id=eq."
                                       f"{instance['id']}")
    inserted = client.post("/workflows", {"name": "forged", "version": "1"})

    assert [error(answer) for answer in (patched, deleted, inserted)] == [
        (403, "42501", f"permission denied for view {view}")
        for view in ("entity_workflows", "workflow_history", "workflows")
    ]
    assert states_visited(client, instance["id"]) == ["placed"]
    assert client.get("/workflows?name=eq.forged").body == []
