"""The hash recorded with a deployment: its own shape, taken only of what decides the deploy."""

from dataclasses import replace

from plan.factories import applied, live, workflow

from pypgflow_ops.deploy.record import hashed_shape, plan_hash, summary
from pypgflow_ops.plan import Action, Origin, Plan, RunningInstances, make_plan


def _plan(*running: RunningInstances, source: str = "workflows/orders.yaml") -> Plan:
    new = replace(workflow(version="2", extra_state="z"), source=source)
    return make_plan("acme", [new], live(applied(workflow()), running=running), runtime_target=1)


def test_the_hashed_shape_is_versioned_and_holds_the_decisions() -> None:
    plan = make_plan("acme", [workflow()], live(), runtime_target=1)

    shape = hashed_shape(plan)

    assert shape["plan_hash_format"] == 2
    assert shape["changes"] == [
        {
            "workflow": "orders",
            "version": "1.0.0",
            "action": "create",
            "active_version": None,
            "revision": 1,
            "content_hash": workflow().content_hash(),
            "migrated": [],
        }
    ]


def test_running_instances_and_file_names_do_not_change_the_hash() -> None:
    busy = _plan(RunningInstances("orders", "1.0.0", 1, "new", 7), source="elsewhere.yaml")

    assert plan_hash(busy) == plan_hash(_plan())


def test_a_different_decision_changes_the_hash() -> None:
    plan = make_plan("acme", [workflow()], live(), runtime_target=1)
    edited = replace(plan, changes=(replace(plan.changes[0], action=Action.RETIRE),))

    assert plan_hash(edited) != plan_hash(plan)


def test_the_summary_records_the_origin() -> None:
    origin = Origin("c" * 40, True, "f" * 64)
    plan = make_plan("acme", [workflow()], live(), runtime_target=1, origin=origin)

    assert summary(plan)["origin"] == {
        "git_commit": "c" * 40,
        "dirty": True,
        "files_sha256": "f" * 64,
    }
    assert summary(plan)["create"] == 1
