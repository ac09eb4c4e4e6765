"""Every api view, column and function is described in PostgREST's OpenAPI document (from the
runtime's `comment on`), so Swagger UI and generated clients explain the API."""

from __future__ import annotations

from .api import Api

VIEWS = ["entity_workflows", "workflow_history", "workflow_states", "workflow_transitions",
         "workflows"]
FUNCTIONS = {
    "execute_transition": "Move an instance to another state",
    "get_transitions": "What an instance may do next",
    "start_workflow": "Start a workflow on an entity",
    "start_workflow_by_id": "Start a given workflow version on an entity",
}


def test_every_view_and_column_is_described(api: Api) -> None:
    document = api.tenant("acme").get("/").body
    for view in VIEWS:
        definition = document["definitions"][view]
        assert definition["description"], view
        undescribed = [name for name, column in definition["properties"].items()
                       if not column.get("description")]
        assert undescribed == [], view
        assert document["paths"][f"/{view}"]["get"]["summary"], view


def test_every_function_is_described(api: Api) -> None:
    paths = api.tenant("acme").get("/").body["paths"]
    summaries = {name: paths[f"/rpc/{name}"]["post"]["summary"] for name in FUNCTIONS}
    assert summaries == FUNCTIONS
    assert paths["/rpc/get_transitions"]["get"]["summary"] == FUNCTIONS["get_transitions"]
    assert "PT413" in paths["/rpc/execute_transition"]["post"]["description"]


def test_the_subject_column_says_what_it_holds(api: Api) -> None:
    history = api.tenant("acme").get("/").body["definitions"]["workflow_history"]
    assert history["properties"]["subject"]["description"].startswith(
        "Who was authenticated: the JWT's sub, else the database session user")
