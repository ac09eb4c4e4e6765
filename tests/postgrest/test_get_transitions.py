"""api.get_transitions through PostgREST: GET and POST, tenant-isolated like every api call."""

from __future__ import annotations

import uuid

from .api import Api
from .calls import error, move, start

# From `placed` in order_fulfilment.yaml: cancel (no conditions) and authorise_payment.
PLACED = [
    {"name": "cancel", "from_state": "placed", "to_state": "cancelled", "final": True,
     "conditions": {}, "conditions_met": True, "unmet": []},
    {"name": "authorise_payment", "from_state": "placed", "to_state": "payment_authorised",
     "final": False, "conditions": {"field_required": "payment_reference"},
     "conditions_met": False,
     "unmet": [{"condition": "field_required", "field": "payment_reference",
                "reason": "missing"}]},
]
SHOWN = ",".join(PLACED[0])


def test_get_and_post_list_what_an_instance_may_do_next(api: Api) -> None:
    acme = api.tenant("acme")
    instance = start(acme, f"order-{uuid.uuid4()}")["id"]

    by_get = acme.get(f"/rpc/get_transitions?instance_id={instance}&select={SHOWN}")
    by_post = acme.post(f"/rpc/get_transitions?select={SHOWN}", {"instance_id": instance})

    assert (by_get.status, by_get.body) == (200, PLACED)
    assert (by_post.status, by_post.body) == (200, PLACED)
    [full] = acme.get(f"/rpc/get_transitions?instance_id={instance}&name=eq.authorise_payment"
                      ).body
    assert full["context"] == {"payment_providers": ["stripe", "adyen"]}
    assert set(full) == {*PLACED[0], "to_state_metadata", "context"}


def test_the_metadata_can_meet_the_conditions(api: Api) -> None:
    acme = api.tenant("acme")
    instance = start(acme, f"order-{uuid.uuid4()}", metadata={"payment_reference": "p"})["id"]

    answer = acme.get(f"/rpc/get_transitions?instance_id={instance}"
                      "&select=name,conditions_met,unmet&order=name")

    assert answer.body == [
        {"name": "authorise_payment", "conditions_met": True, "unmet": []},
        {"name": "cancel", "conditions_met": True, "unmet": []},
    ]


def test_another_tenants_instance_is_not_found(api: Api) -> None:
    theirs = start(api.tenant("globex"), f"order-{uuid.uuid4()}")["id"]
    finished = start(api.tenant("acme"), f"order-{uuid.uuid4()}")["id"]
    move(api.tenant("acme"), finished, "cancelled")

    answer = api.tenant("acme").get(f"/rpc/get_transitions?instance_id={theirs}")

    assert error(answer) == (404, "PT404", f"unknown workflow instance {theirs}")
    assert api.tenant("acme").get(f"/rpc/get_transitions?instance_id={finished}").body == []
