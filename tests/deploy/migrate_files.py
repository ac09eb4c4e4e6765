"""The workflow file of the migrate tests: orders 1.0, whose `backordered` later versions call
`awaiting_stock`, and the map between them."""

from __future__ import annotations

from typing import Any

MAP = {"backordered": "awaiting_stock"}


def orders(version: str, *, migrate_from: list[str] | None = None, **states: str) -> dict[str, Any]:
    """placed -> backordered (1.0) or awaiting_stock (1.1 on) -> shipped -> delivered; placed ->
    cancelled. 1.0 may also give up on a backorder; later versions may not."""
    waiting = "backordered" if version == "1.0" else "awaiting_stock"
    transitions = [
        {"from": "placed", "to": waiting, "name": "wait"},
        {"from": "placed", "to": "shipped", "name": "ship"},
        {"from": "placed", "to": "cancelled", "name": "cancel"},
        {"from": waiting, "to": "shipped", "name": "ship_late" if version == "1.0" else "restock"},
        {"from": "shipped", "to": "delivered", "name": "deliver"},
    ]
    if version == "1.0":
        transitions.append({"from": waiting, "to": "cancelled", "name": "give_up"})
    document: dict[str, Any] = {
        "workflow": {"name": "orders", "version": version},
        "states": [
            {"name": "placed", "initial": True},
            {"name": waiting},
            {"name": "shipped"},
            {"name": "delivered", "final": True},
            {"name": "cancelled", "final": True},
        ],
        "transitions": transitions,
    }
    if migrate_from is not None:
        document["migrate"] = {"from": migrate_from, **({"states": states} if states else {})}
    return document
