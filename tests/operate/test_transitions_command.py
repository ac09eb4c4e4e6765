"""`pypgflow-ops instances transitions INSTANCE_ID`: api.get_transitions as the tenant's JWT."""

from __future__ import annotations

from .cli import answer, as_tenant


def start(url: str, tenant: str, entity_id: str, *more: str) -> str:
    row = answer(url, tenant, "instances", "start", "orders", entity_id, "--workflow",
                 "order_fulfilment", *more)
    return str(row["id"])


def test_transitions_as_json_and_as_a_table(applied: str) -> None:
    instance = start(applied, "acme", "next-1", "--metadata", '{"payment_reference": "p"}')
    listed = answer(applied, "acme", "instances", "transitions", instance)
    assert [(r["name"], r["to_state"], r["conditions_met"], r["unmet"]) for r in listed] == [
        ("cancel", "cancelled", True, []),
        ("authorise_payment", "payment_authorised", True, []),
    ]
    assert listed[1]["context"] == {"payment_providers": ["stripe", "adyen"]}

    answer(applied, "acme", "instances", "transition", instance, "payment_authorised",
           "--executed-by", "bob")
    code, out, _ = as_tenant(applied, "acme", "instances", "transitions", instance, "-f", "table")
    assert code == 0
    assert [" ".join(line.split()) for line in out.splitlines()] == [
        "name from to_state final conditions_met unmet",
        "cancel payment_authorised cancelled yes field_required cancellation_reason: missing",
        "release_to_warehouse payment_authorised picking field_required warehouse_id: missing",
    ]

def test_another_tenants_instance_is_refused(applied: str) -> None:
    theirs = start(applied, "globex", "next-2")
    assert as_tenant(applied, "acme", "instances", "transitions", theirs) == (
        1, "", f"pypgflow-ops: error: refused (unknown-instance): unknown workflow instance "
        f"{theirs}\n")
    code, _, err = as_tenant(applied, "acme", "instances", "transitions", "nope")
    assert code == 2 and "INSTANCE_ID 'nope' is not a UUID" in err
