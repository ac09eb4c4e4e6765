"""An instance that apply moved to a new version (`migrate:`), read and moved through PostgREST."""

from __future__ import annotations

from pathlib import Path

from deploy.migrate_files import MAP, orders
from deploy.workflow_files import write

from .api import Api
from .database import apply


def test_the_history_of_a_moved_instance_reads_in_order(api: Api, tmp_path: Path) -> None:
    client = api.tenant("globex")
    apply(api.database_url, "globex", write(tmp_path / "wf", orders("1.0")), "--actor", "ci")
    started = client.post(
        "/rpc/start_workflow", {"workflow_name": "orders", "entity_table": "o", "entity_id": "1"}
    ).body
    client.post(
        "/rpc/execute_transition",
        {"instance_id": started["id"], "to_state": "backordered", "executed_by": "alice"},
    )
    newer = orders("1.1", migrate_from=["1.0"], **MAP)
    apply(api.database_url, "globex", write(tmp_path / "wf", newer), "--actor", "ci")

    moved = client.post(
        "/rpc/execute_transition",
        {"instance_id": started["id"], "to_state": "shipped", "executed_by": "bob"},
    )
    history = client.get(
        f"/workflow_history?entity_workflow_instance_id=eq.{started['id']}&order=sequence"
        "&select=sequence,from_state,to_state,transition_name,executed_by,context"
    )
    [instance] = client.get(f"/entity_workflows?id=eq.{started['id']}&select=version").body

    assert (moved.status, moved.body["current_state"], instance["version"]) == (
        200,
        "shipped",
        "1.1",
    )
    assert history.status == 200
    migration = history.body[2]["context"]["migration"]
    assert (migration["from_version"], migration["to_version"]) == ("1.0", "1.1")
    assert [{k: v for k, v in row.items() if k != "context"} for row in history.body] == [
        {
            "sequence": 0,
            "from_state": None,
            "to_state": "placed",
            "transition_name": None,
            "executed_by": "tester",
        },
        {
            "sequence": 1,
            "from_state": "placed",
            "to_state": "backordered",
            "transition_name": "wait",
            "executed_by": "alice",
        },
        {
            "sequence": 2,
            "from_state": "backordered",
            "to_state": "awaiting_stock",
            "transition_name": None,
            "executed_by": "ci",
        },
        {
            "sequence": 3,
            "from_state": "awaiting_stock",
            "to_state": "shipped",
            "transition_name": "restock",
            "executed_by": "bob",
        },
    ]
