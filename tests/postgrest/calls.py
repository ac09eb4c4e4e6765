"""What the tests share: start an order, move it, read its history or an error, read an example."""

from __future__ import annotations

from typing import Any

import yaml

from .database import EXAMPLES
from .http import Client, Response

ORDER = "order_fulfilment"
# placed -> delivered along order_fulfilment.yaml, each move with the fields its conditions require
DELIVERY = [
    ("payment_authorised", {"payment_reference": "pay-1"}),
    ("picking", {"warehouse_id": "w-7"}),
    ("packed", {"package_count": 2, "total_weight_kg": 3.5}),
    ("shipped", {"carrier": "dhl", "tracking_number": "JD0001"}),
    ("delivered", {"proof_of_delivery": "signature.png"}),
]


def example(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text())
    return document


def start(client: Client, entity_id: str, **more: Any) -> dict[str, Any]:
    answer = client.post("/rpc/start_workflow", {
        "workflow_name": ORDER, "entity_table": "orders", "entity_id": entity_id, **more})
    assert answer.status == 200, answer.body
    instance: dict[str, Any] = answer.body
    return instance


def transition(client: Client, instance_id: str, to_state: str, **more: Any) -> Response:
    return client.post("/rpc/execute_transition", {
        "instance_id": instance_id, "to_state": to_state, "executed_by": "alice", **more})


def move(client: Client, instance_id: str, to_state: str, **more: Any) -> dict[str, Any]:
    answer = transition(client, instance_id, to_state, **more)
    assert answer.status == 200, answer.body
    instance: dict[str, Any] = answer.body
    return instance


def states_visited(client: Client, instance_id: str) -> list[str]:
    """The to_state of each history row of the instance, in order."""
    answer = client.get(f"/workflow_history?entity_workflow_instance_id=eq.{instance_id}"
                        "&order=sequence&select=to_state")
    return [row["to_state"] for row in answer.body]


def error(answer: Response) -> tuple[int, str, str]:
    """HTTP status, SQLSTATE (or PostgREST code) and message of an error answer."""
    return answer.status, answer.body["code"], answer.body["message"]
