from dataclasses import replace

from plan.factories import applied, edited_by_hand, live, workflow

from pypgflow_ops.deploy.fingerprint import fingerprint
from pypgflow_ops.plan import LiveDefinition, LiveState, RunningInstances


def test_every_kind_of_database_state_has_its_own_fingerprint() -> None:
    wf = workflow()
    states = [
        LiveState(runtime_version=None, tenant_exists=False),
        LiveState(runtime_version=1, tenant_exists=False),
        LiveState(runtime_version=2, tenant_exists=False),
        live(),
        live(applied(wf)),
        live(applied(wf, retired=True)),
        live(applied(wf, revision=2)),
        live(applied(wf), heads={"orders": "1.0.0"}),
        live(edited_by_hand(wf, workflow(extra_state="by_hand"))),
        live(LiveDefinition(wf, 1, "0" * 64, wf.content_hash())),
    ]

    assert len({fingerprint(state) for state in states}) == len(states)


def test_running_instances_and_definition_order_do_not_change_the_fingerprint() -> None:
    a, b = applied(workflow("a")), applied(workflow("b"))
    busy = replace(live(b, a), running=(RunningInstances("a", "1.0.0", 1, "new", 5),))

    assert fingerprint(live(a, b)) == fingerprint(busy)
