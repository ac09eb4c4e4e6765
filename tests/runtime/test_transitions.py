"""Wildcard transitions, the condition language and api.get_transitions (runtime version 3),
called the way PostgREST calls them."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest

from .postgrest import Conn, add_definition, add_tenant, get, new_entity, request, rpc

STATES = {"new": "initial", "review": "", "done": "final", "cancelled": "final"}
CLAIM = [
    ("new", "submit", "review", {}),
    ("review", "approve", "done", {"field_equals": {"verdict": "ok"}}),
    (None, "cancel", "cancelled", {}),
    (None, "reopen", "review", {"field_required": "reason"}),
    ("new", "abort", "cancelled", {"field_required": "abort_code"}),
]
CHECKS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("new", "equals", "done", {"field_equals": {"risk": "low"}}),
    ("new", "in", "done", {"field_in": {"risk": ["low", "medium"]}}),
    ("new", "min", "done", {"field_min": {"amount": 1000}}),
    ("new", "max", "done", {"field_max": {"amount": 1000}}),
    ("new", "all", "done",
     {"field_required": ["who"], "field_min": {"amount": 10}, "field_max": {"amount": 20}}),
    ("new", "malformed", "done", {"field_min": {"amount": "10"}, "field_in": {"risk": "low"}}),
    ("new", "unknown", "done", {"requires_approval": True}),
]


@pytest.fixture(scope="module")
def setup(runtime_database_url: str) -> dict[str, Any]:
    with psycopg.connect(runtime_database_url, autocommit=True) as conn:
        tenant, other = add_tenant(conn, "wild"), add_tenant(conn, "other")
        add_definition(conn, tenant, "claim", "1", states=STATES, transitions=CLAIM, head=True)
        add_definition(conn, other, "claim", "1", states=STATES, transitions=CLAIM, head=True)
        for _, name, _, conditions in CHECKS:
            add_definition(conn, tenant, name, "1", states={"new": "initial", "done": "final"},
                           transitions=[("new", name, "done", conditions)], head=True)
    return {"tenant": tenant, "other": other}


def start(conn: Conn, tenant: uuid.UUID, name: str = "claim", **metadata: Any) -> uuid.UUID:
    row = rpc(conn, "start_workflow", tenant, workflow_name=name, entity_table="claims",
              entity_id=new_entity(), metadata=metadata)
    instance: uuid.UUID = row["id"]
    return instance


def move(conn: Conn, tenant: uuid.UUID, instance: uuid.UUID, to: str, **context: Any) -> str:
    """The name of the transition taken (from the history)."""
    rpc(conn, "execute_transition", tenant, instance_id=instance, to_state=to,
        executed_by="clerk", context=context)
    mine = [r for r in get(conn, "workflow_history", tenant)
            if r["entity_workflow_instance_id"] == instance]
    name: str = max(mine, key=lambda r: r["sequence"])["transition_name"]
    return name


def refusal(call: Any) -> tuple[str | None, str]:
    with pytest.raises(psycopg.Error) as raised:
        call()
    return raised.value.sqlstate, raised.value.diag.message_primary or ""


def test_a_wildcard_is_taken_from_every_running_state(runtime_conn: Conn,
                                                      setup: dict[str, Any]) -> None:
    tenant = setup["tenant"]
    first, second = start(runtime_conn, tenant), start(runtime_conn, tenant)
    assert move(runtime_conn, tenant, first, "cancelled") == "cancel"
    assert move(runtime_conn, tenant, second, "review") == "submit"
    assert move(runtime_conn, tenant, second, "cancelled") == "cancel"


def test_a_wildcard_does_not_lead_from_its_own_target(runtime_conn: Conn,
                                                      setup: dict[str, Any]) -> None:
    tenant = setup["tenant"]
    instance = start(runtime_conn, tenant, reason="again")
    assert move(runtime_conn, tenant, instance, "review") == "submit"
    assert refusal(lambda: move(runtime_conn, tenant, instance, "review")) == (
        "PT400", "transition from 'review' to 'review' is not allowed in workflow claim "
        "(allowed: 'cancelled', 'done')")


def test_not_allowed_lists_the_wildcards_targets(runtime_conn: Conn,
                                                 setup: dict[str, Any]) -> None:
    instance = start(runtime_conn, setup["tenant"])
    assert refusal(lambda: move(runtime_conn, setup["tenant"], instance, "done")) == (
        "PT400", "transition from 'new' to 'done' is not allowed in workflow claim "
        "(allowed: 'cancelled', 'review')")


def test_a_finished_instance_takes_no_wildcard(runtime_conn: Conn, setup: dict[str, Any]) -> None:
    instance = start(runtime_conn, setup["tenant"])
    move(runtime_conn, setup["tenant"], instance, "cancelled")
    assert refusal(lambda: move(runtime_conn, setup["tenant"], instance, "review"))[0] == "PT423"


def test_conditions_that_hold_first_then_declared_before_wildcard(
    runtime_conn: Conn, setup: dict[str, Any]
) -> None:
    tenant = setup["tenant"]
    # abort (declared, needs abort_code) and cancel (wildcard, no conditions) both lead there
    assert move(runtime_conn, tenant, start(runtime_conn, tenant), "cancelled") == "cancel"
    assert move(runtime_conn, tenant, start(runtime_conn, tenant), "cancelled",
                abort_code=7) == "abort"
    assert move(runtime_conn, tenant, start(runtime_conn, tenant, abort_code=1),
                "cancelled") == "abort"


@pytest.mark.parametrize(
    ("workflow", "facts", "refused"),
    [
        ("equals", {"risk": "low"}, None),
        ("equals", {"risk": "high"},
         "condition not met for transition 'equals': field_equals risk: found \"high\", "
         "expected \"low\""),
        ("equals", {}, "condition not met for transition 'equals': field_equals risk: missing"),
        ("in", {"risk": "medium"}, None),
        ("in", {"risk": ["low"]},
         "condition not met for transition 'in': field_in risk: found [\"low\"], expected one "
         "of [\"low\", \"medium\"]"),
        ("min", {"amount": 1000}, None),
        ("min", {"amount": 1e4}, None),
        ("min", {"amount": 999.5},
         "condition not met for transition 'min': field_min amount: found 999.5, expected a "
         "number at least 1000"),
        ("min", {"amount": "5000"},
         "condition not met for transition 'min': field_min amount: found \"5000\", expected a "
         "number at least 1000"),
        ("max", {"amount": -3}, None),
        ("max", {"amount": 1001},
         "condition not met for transition 'max': field_max amount: found 1001, expected a "
         "number at most 1000"),
        ("all", {"who": "me", "amount": 15}, None),
        ("malformed", {"amount": 50, "risk": "low"},
         "condition not met for transition 'malformed': field_in risk: malformed condition; "
         "field_min amount: malformed condition"),
        ("unknown", {"requires_approval": True},
         "condition not met for transition 'unknown': requires_approval: not a condition this "
         "runtime knows"),
        ("all", {"amount": 25},
         "condition not met for transition 'all': who required; field_max amount: found 25, "
         "expected a number at most 20"),
    ],
)
def test_the_condition_language(runtime_conn: Conn, setup: dict[str, Any], workflow: str,
                                facts: dict[str, Any], refused: str | None) -> None:
    """Judged on the metadata merged with the call's context: each split across both."""
    tenant = setup["tenant"]
    keys = sorted(facts)
    metadata = {k: facts[k] for k in keys[:1]}
    context = {k: facts[k] for k in keys[1:]}
    instance = start(runtime_conn, tenant, workflow, **metadata)
    if refused is None:
        assert move(runtime_conn, tenant, instance, "done", **context) == workflow
    else:
        assert refusal(lambda: move(runtime_conn, tenant, instance, "done", **context)) == (
            "PT412", refused)


def test_context_overrides_metadata(runtime_conn: Conn, setup: dict[str, Any]) -> None:
    tenant = setup["tenant"]
    instance = start(runtime_conn, tenant, "equals", risk="high")
    assert move(runtime_conn, tenant, instance, "done", risk="low") == "equals"


def transitions(conn: Conn, tenant: uuid.UUID, instance: uuid.UUID) -> list[dict[str, Any]]:
    with request(conn, tenant) as cur:
        return cur.execute("select * from api.get_transitions(%s)", [instance]).fetchall()


def test_get_transitions_lists_declared_and_wildcard_moves(
    runtime_conn: Conn, setup: dict[str, Any]
) -> None:
    tenant = setup["tenant"]
    instance = start(runtime_conn, tenant, reason="r")
    listed = [(r["name"], r["from_state"], r["to_state"], r["final"], r["conditions_met"],
               r["unmet"]) for r in transitions(runtime_conn, tenant, instance)]
    assert listed == [
        ("cancel", None, "cancelled", True, True, []),
        ("abort", "new", "cancelled", True, False,
         [{"condition": "field_required", "field": "abort_code", "reason": "missing"}]),
        ("submit", "new", "review", False, True, []),
        ("reopen", None, "review", False, True, []),
    ]
    move(runtime_conn, tenant, instance, "review")
    listed = [(r["name"], r["unmet"]) for r in transitions(runtime_conn, tenant, instance)]
    assert listed == [
        ("cancel", []),
        ("approve", [{"condition": "field_equals", "field": "verdict", "reason": "missing"}]),
    ]


def test_get_transitions_shows_the_target_and_the_transition(
    runtime_conn: Conn, setup: dict[str, Any]
) -> None:
    tenant = add_tenant(runtime_conn, "shown")
    definition = add_definition(runtime_conn, tenant, "shown", "1", states={"a": "initial"},
                                transitions=[], head=True)
    runtime_conn.execute(
        "insert into pypgflow.workflow_states (tenant_id, definition_id, name, final, metadata) "
        "values (%s, %s, 'b', true, '{\"colour\": \"green\"}')", [tenant, definition])
    runtime_conn.execute(
        "insert into pypgflow.workflow_transitions (tenant_id, definition_id, from_state, name, "
        "to_state, context) values (%s, %s, 'a', 'go', 'b', '{\"button\": \"Go\"}')",
        [tenant, definition])
    instance = start(runtime_conn, tenant, "shown")
    [row] = transitions(runtime_conn, tenant, instance)
    assert row == {"name": "go", "from_state": "a", "to_state": "b", "final": True,
                   "to_state_metadata": {"colour": "green"}, "context": {"button": "Go"},
                   "conditions": {}, "conditions_met": True, "unmet": []}


def test_get_transitions_of_a_finished_instance_is_empty(
    runtime_conn: Conn, setup: dict[str, Any]
) -> None:
    instance = start(runtime_conn, setup["tenant"])
    move(runtime_conn, setup["tenant"], instance, "cancelled")
    assert transitions(runtime_conn, setup["tenant"], instance) == []


def test_get_transitions_of_another_tenants_instance_is_not_found(
    runtime_conn: Conn, setup: dict[str, Any]
) -> None:
    theirs = start(runtime_conn, setup["other"])
    for instance in (theirs, uuid.uuid4()):
        assert refusal(lambda i=instance: transitions(runtime_conn, setup["tenant"], i)) == (
            "PT404", f"unknown workflow instance {instance}")
    assert refusal(lambda: transitions(runtime_conn, None, theirs))[0] == (  # type: ignore[arg-type]
        "PT403")
