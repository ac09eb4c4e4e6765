"""The impact of a plan on running instances, by version and state, with each group's fate:
kept, migrated (a `migrate:` section lists its version) or stranded."""

from dataclasses import replace

from pypgflow_ops.migration import Fate
from pypgflow_ops.model import Migration, State, Workflow
from pypgflow_ops.plan import (
    Action,
    Impact,
    InstanceGroup,
    LiveState,
    RunningInstances,
    make_plan,
)
from pypgflow_ops.report import plan_markdown, plan_text

from .factories import applied, live, workflow


def _renamed(version: str, migrate: Migration | None = None) -> Workflow:
    """orders with `paid` renamed `settled`."""
    new = workflow(version=version)
    states = tuple(State("settled") if s.name == "paid" else s for s in new.states)
    return replace(new, states=states, transitions=(), migrate=migrate)


RUNNING = (
    RunningInstances("orders", "1.1.0", 2, "new", 1),
    RunningInstances("orders", "1.0.0", 1, "paid", 2),
    RunningInstances("orders", "1.0.0", 1, "new", 3),
    RunningInstances("orders", "2.0.0", 3, "paid", 9),  # the new version's own: not shown
    RunningInstances("other", "1.0.0", 1, "paid", 7),
)


def _state(*running: RunningInstances) -> LiveState:
    return live(applied(workflow()), applied(workflow(version="1.1.0"), 2), running=running)


def test_without_a_map_every_other_version_is_kept_or_stranded_by_state() -> None:
    plan = make_plan("acme", [_renamed("2.0.0")], _state(*RUNNING), runtime_target=1)

    (change,) = plan.changes
    assert change.impact == Impact(
        (
            InstanceGroup("1.0.0", "new", 3, Fate.KEPT),
            InstanceGroup("1.0.0", "paid", 2, Fate.STRANDED),
            InstanceGroup("1.1.0", "new", 1, Fate.KEPT),
        )
    )
    assert (plan.stranded, plan.migrated, plan.errors) == (2, 0, ())


def test_a_map_migrates_the_listed_versions_and_leaves_the_others() -> None:
    migrate = Migration(("1.0.0",), {"paid": "settled"})
    desired = _renamed("2.0.0", migrate)

    plan = make_plan("acme", [desired], _state(*RUNNING), runtime_target=1)

    (change,) = plan.changes
    assert change.impact == Impact(
        (
            InstanceGroup("1.0.0", "new", 3, Fate.MIGRATED, "new", listed=True),
            InstanceGroup("1.0.0", "paid", 2, Fate.MIGRATED, "settled", listed=True),
            InstanceGroup("1.1.0", "new", 1, Fate.KEPT),
        )
    )
    assert (plan.stranded, plan.migrated, plan.errors) == (0, 5, ())
    assert plan.summary()["migrated_instances"] == 5


def test_a_listed_version_left_in_a_state_the_new_version_lacks_is_an_error() -> None:
    desired = _renamed("2.0.0", Migration(("1.0.0", "1.1.0")))

    plan = make_plan("acme", [desired], _state(*RUNNING), runtime_target=1)

    (change,) = plan.changes
    assert change.action is Action.NEW_VERSION
    assert change.impact is not None
    assert change.impact.refused == (
        InstanceGroup("1.0.0", "paid", 2, Fate.STRANDED, "paid", listed=True),
    )
    assert plan.errors == (change,)
    assert (plan.stranded, plan.summary()["errors"]) == (2, 1)


def test_a_rollback_shows_the_other_versions_by_state() -> None:
    first, second = workflow(), workflow(version="2.0.0", extra_state="x")
    running = (
        RunningInstances("orders", "2.0.0", 2, "x", 2),
        RunningInstances("orders", "1.0.0", 1, "paid", 1),
    )
    state = live(applied(first), applied(second, 2), heads={"orders": "2.0.0"}, running=running)

    plan = make_plan("acme", [first], state, runtime_target=1)

    (change,) = plan.changes
    assert change.action is Action.ROLLBACK
    assert change.impact == Impact((InstanceGroup("2.0.0", "x", 2, Fate.STRANDED),))


def test_the_markdown_plan_draws_each_mapping_as_a_dashed_arrow() -> None:
    desired = _renamed("2.0.0", Migration(("1.0.0",), {"paid": "settled"}))
    state = _state(*RUNNING)

    diagrams = plan_markdown.change_diagrams(
        make_plan("acme", [desired], state, runtime_target=1), [desired], state
    )

    assert '  s_paid -.->|"migrate"| s_settled\n' in diagrams["orders"]


def test_a_map_added_to_the_active_version_is_a_change_that_moves_instances() -> None:
    applied_2 = _renamed("2.0.0")
    desired = replace(applied_2, migrate=Migration(("1.0.0",), {"paid": "settled"}))
    state = live(
        applied(workflow()),
        applied(applied_2, 2),
        running=(
            RunningInstances("orders", "1.0.0", 1, "paid", 2),
            RunningInstances("orders", "2.0.0", 2, "new", 5),
        ),
    )

    plan = make_plan("acme", [desired], state, runtime_target=1)

    (change,) = plan.changes
    assert change.action is Action.UNCHANGED
    assert change.impact == Impact(
        (InstanceGroup("1.0.0", "paid", 2, Fate.MIGRATED, "settled", listed=True),)
    )
    assert (plan.has_changes, plan.migrated) == (True, 2)
    assert plan_text.render(plan, color=True) == (
        "Tenant acme:\n"
        "   orders 2.0.0 (unchanged: running instances of other versions move to it)\n"
        "      1.0.0 paid: 2 running instances, migrated (moves to 2.0.0 settled)\n"
        "\n"
        "Plan: 0 to create, 0 new versions, 0 to roll back, 0 to retire, 1 unchanged, "
        "2 running instances to migrate.\n"
    )


def test_once_moved_the_map_of_the_active_version_is_no_change() -> None:
    applied_2 = _renamed("2.0.0")
    desired = replace(applied_2, migrate=Migration(("1.0.0",), {"paid": "settled"}))
    running = (RunningInstances("orders", "2.0.0", 2, "settled", 2),)
    state = live(applied(workflow()), applied(applied_2, 2), running=running)

    plan = make_plan("acme", [desired], state, runtime_target=1)

    assert (plan.changes[0].impact, plan.has_changes) == (None, False)
    assert plan_text.render(plan).endswith("No changes. The database matches the repository.\n")


def test_groups_follow_the_order_of_apply_for_versions_the_plan_did_not_read() -> None:
    """Old versions are not in the live state (proven untouched, not sent): each group carries
    its version's revision, so "10.0", applied after "2.0", is shown after it."""
    active = workflow(version="11.0")
    running = (
        RunningInstances("orders", "10.0", 2, "new", 1),
        RunningInstances("orders", "2.0", 1, "new", 1),
    )
    state = live(applied(active, 3), running=running)

    plan = make_plan("acme", [workflow(version="12.0")], state, runtime_target=1)

    (change,) = plan.changes
    assert change.impact is not None
    assert [g.version for g in change.impact.groups] == ["2.0", "10.0"]
