import re
from dataclasses import replace
from pathlib import Path

import pytest

from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.migration import Fate
from pypgflow_ops.model import State
from pypgflow_ops.plan import (
    Action,
    ElementChanges,
    Impact,
    InstanceGroup,
    LiveState,
    Plan,
    RunningInstances,
    RuntimeAction,
    make_plan,
)

from .factories import applied, edited_by_hand, live, workflow


def _actions(plan: Plan) -> list[tuple[str, str, Action]]:
    return [(c.workflow, c.version, c.action) for c in plan.changes]


def test_an_empty_database_gets_the_runtime_the_tenant_and_every_workflow() -> None:
    empty = LiveState(runtime_version=None, tenant_exists=False)

    plan = make_plan("acme", [workflow("b"), workflow("a")], empty, runtime_target=1)

    assert plan.runtime_action is RuntimeAction.INSTALL
    assert plan.create_tenant
    assert _actions(plan) == [("a", "1.0.0", Action.CREATE), ("b", "1.0.0", Action.CREATE)]
    assert plan.changes[0].revision == 1
    assert plan.changes[0].states == ElementChanges(added=("new", "paid", "done"))
    assert plan.changes[0].impact is None
    assert plan.has_changes


def test_the_same_repository_again_is_unchanged_and_no_change() -> None:
    wf = workflow()

    plan = make_plan("acme", [wf], live(applied(wf)), runtime_target=1)

    assert _actions(plan) == [("orders", "1.0.0", Action.UNCHANGED)]
    assert not plan.has_changes
    assert plan.errors == ()


def test_an_older_runtime_is_upgraded() -> None:
    plan = make_plan("acme", [], replace(live(), runtime_version=1), runtime_target=3)

    assert plan.runtime_action is RuntimeAction.UPGRADE
    assert plan.has_changes


def test_a_runtime_newer_than_this_tool_is_refused() -> None:
    with pytest.raises(PypgflowError, match="newer than this pypgflow-ops knows"):
        make_plan("acme", [], replace(live(), runtime_version=3), runtime_target=2)


def test_a_new_version_lists_what_changed_and_the_instances_it_strands() -> None:
    old = workflow()
    new = workflow(version="1.1.0", extra_state="refunded")
    new = replace(
        new,
        states=(
            *(s for s in new.states if s.name not in ("new", "done")),
            State("done", final=True, metadata={"x": 1}),
            State("fresh", initial=True),
        ),
    )
    running = (
        RunningInstances("orders", "1.0.0", 1, "paid", 3),
        RunningInstances("orders", "1.0.0", 1, "new", 2),
        RunningInstances("other", "1.0.0", 1, "gone", 7),
    )

    plan = make_plan("acme", [new], live(applied(old), running=running), runtime_target=1)

    (change,) = plan.changes
    assert change.action is Action.NEW_VERSION
    assert change.active_version == "1.0.0"
    assert change.revision == 2
    assert change.states == ElementChanges(
        added=("refunded", "fresh"), removed=("new",), changed=("done",)
    )
    assert change.transitions == ElementChanges(added=("paid --to_refunded--> refunded",))
    assert change.impact == Impact(
        (
            InstanceGroup("1.0.0", "new", 2, Fate.STRANDED),
            InstanceGroup("1.0.0", "paid", 3, Fate.KEPT),
        )
    )
    assert (plan.stranded, plan.migrated, plan.errors) == (2, 0, ())


def test_same_version_with_other_content_is_a_conflict() -> None:
    plan = make_plan(
        "acme", [workflow(extra_state="lost")], live(applied(workflow())), runtime_target=1
    )

    (change,) = plan.changes
    assert change.action is Action.CONFLICT
    assert change.message is not None and "new version" in change.message
    assert plan.errors == (change,)


def test_hand_edited_rows_are_drift_even_when_not_in_the_repository() -> None:
    kept, edited = workflow("kept"), workflow("edited")
    by_hand = edited_by_hand(edited, workflow("edited", extra_state="hacked"))

    plan = make_plan("acme", [kept], live(applied(kept), by_hand), runtime_target=1)

    assert _actions(plan) == [
        ("edited", "1.0.0", Action.DRIFT),
        ("kept", "1.0.0", Action.UNCHANGED),
    ]
    assert [c.action for c in plan.errors] == [Action.DRIFT]


def test_drift_shows_what_changed_by_hand_when_the_repository_has_the_applied_content() -> None:
    wf = workflow()
    by_hand = replace(
        workflow(extra_state="hacked"),
        states=(*workflow(extra_state="hacked").states[1:], State("new", metadata={"x": 1})),
    )

    (change,) = make_plan("acme", [wf], live(edited_by_hand(wf, by_hand)), runtime_target=1).changes

    assert change.action is Action.DRIFT
    assert change.states == ElementChanges(added=("hacked",), changed=("new",))
    assert change.transitions == ElementChanges(added=("paid --to_hacked--> hacked",))
    other = make_plan(
        "acme", [workflow(extra_state="z")], live(edited_by_hand(wf, by_hand)), runtime_target=1
    )
    assert other.changes[0].states is None  # the repository holds other content: nothing to show


def test_a_version_applied_before_but_not_active_is_a_rollback() -> None:
    v1, v2 = workflow(), workflow(version="2.0.0", extra_state="x")

    plan = make_plan(
        "acme",
        [v1],
        live(applied(v1, 1), applied(v2, 2), heads={"orders": "2.0.0"}),
        runtime_target=1,
    )

    (change,) = plan.changes
    assert (change.action, change.version, change.active_version) == (
        Action.ROLLBACK,
        "1.0.0",
        "2.0.0",
    )


def test_without_a_head_the_newest_revision_is_active() -> None:
    v1, v2 = workflow(), workflow(version="0.9.0", extra_state="x")

    plan = make_plan("acme", [v2], live(applied(v1, 1), applied(v2, 2)), runtime_target=1)

    assert _actions(plan) == [("orders", "0.9.0", Action.UNCHANGED)]


def test_a_retired_workflow_back_in_the_repository_is_rolled_back_to() -> None:
    wf = workflow()

    plan = make_plan("acme", [wf], live(applied(wf, retired=True)), runtime_target=1)

    assert _actions(plan) == [("orders", "1.0.0", Action.ROLLBACK)]


def test_workflows_gone_from_the_repository_are_retired_only_with_prune() -> None:
    gone, already = workflow("gone"), workflow("already")
    state = live(
        applied(gone),
        applied(already, retired=True),
        running=(RunningInstances("gone", "1.0.0", 1, "new", 4),),
    )

    kept = make_plan("acme", [], state, runtime_target=1)
    assert (kept.changes, kept.not_in_repository, kept.has_changes) == ((), ("gone",), False)
    plan = make_plan("acme", [], state, runtime_target=1, prune=True)

    (change,) = plan.changes
    assert (change.workflow, change.action, change.impact) == (
        "gone",
        Action.RETIRE,
        Impact((InstanceGroup("1.0.0", "new", 4, Fate.KEPT),)),
    )
    assert (plan.not_in_repository, plan.has_changes) == ((), True)


def test_two_files_with_one_workflow_name_are_refused() -> None:
    with pytest.raises(PypgflowError, match=r"workflows/orders.yaml: workflow 'orders' is also"):
        make_plan("acme", [workflow(), workflow(version="2")], live(), runtime_target=1)


def test_the_summary_counts_every_action_in_the_order_of_the_action_record() -> None:
    old = workflow()
    plan = make_plan(
        "acme",
        [workflow(version="2", extra_state="z"), workflow("fresh")],
        replace(
            live(applied(old), running=(RunningInstances("orders", "1.0.0", 1, "new", 1),)),
            tenant_exists=False,
        ),
        runtime_target=2,
    )

    assert plan.summary() == {
        "runtime": "upgrade",
        "create_tenant": True,
        "create": 1,
        "new-version": 1,
        "rollback": 0,
        "retire": 0,
        "unchanged": 0,
        "conflict": 0,
        "drift": 0,
        "has_changes": True,
        "errors": 0,
        "migrated_instances": 0,
        "stranded_instances": 0,
        "not_in_repository": [],
    }


def test_each_action_describes_itself() -> None:
    assert [(str(a), a.symbol, a.writes, a.adds_version, a.error) for a in Action] == [
        ("create", "+", True, True, False),
        ("new-version", "~", True, True, False),
        ("rollback", "<", True, False, False),
        ("retire", "-", True, False, False),
        ("unchanged", "", False, False, False),
        ("conflict", "!", False, False, True),
        ("drift", "!", False, False, True),
    ]
    assert Action.NEW_VERSION.tally(2) == "2 new versions"
    assert Action.CREATE.tally(1) == "1 to create"


def test_the_docs_table_of_actions_is_the_action_record() -> None:
    docs = Path(__file__).parents[2] / "docs" / "plan-apply.md"
    rows = re.findall(r"^\| (?:`(.)`)? ?\| `([a-z-]+)` \|", docs.read_text(), re.MULTILINE)

    assert rows == [(a.symbol, str(a)) for a in Action]
