"""Every plan view against golden files, with one plan that holds every action and hostile text.

To accept a deliberate change of output: `PYPGFLOW_UPDATE_GOLDEN=1 pytest tests/plan`, then review
the diff of tests/plan/golden/ before committing it.
"""

import json
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from pypgflow_ops.model import Migration
from pypgflow_ops.plan import LiveState, Origin, Plan, RunningInstances, make_plan
from pypgflow_ops.report import plan_json, plan_markdown, plan_text

from .factories import applied, edited_by_hand, live, workflow

GOLDEN = Path(__file__).parent / "golden"
HOSTILE = 'a|b `c` **d** <e>\n\x1b[31m"ü"'


def _every_action() -> Plan:
    rolled_back, rolled_forward = workflow("rolled"), workflow("rolled", "2.0.0", extra_state="x")
    hand_edited = edited_by_hand(workflow("edited"), workflow("edited", extra_state="hacked"))
    state = LiveState(
        runtime_version=1,
        tenant_exists=False,
        definitions=(
            applied(workflow("orders")),
            applied(rolled_back, 1),
            applied(rolled_forward, 2),
            applied(workflow("same")),
            applied(workflow("clash")),
            hand_edited,
            applied(workflow("gone")),
            applied(workflow(HOSTILE)),
        ),
        heads={"rolled": "2.0.0"},
        running=(
            RunningInstances("orders", "1.0.0", 1, "paid", 3),
            RunningInstances("orders", "1.0.0", 1, "done", 2),
            RunningInstances("orders", "1.0.0", 1, "lost", 1),
            RunningInstances("gone", "1.0.0", 1, "new", 1),
            RunningInstances("rolled", "2.0.0", 2, "x", 2),
        ),
    )
    desired = [
        replace(
            workflow("orders", "1.1.0", extra_state="refunded"),
            migrate=Migration(("1.0.0",), {"paid": "refunded"}),
        ),
        rolled_back,
        workflow("same"),
        workflow("clash", extra_state="y"),
        workflow("fresh"),
        workflow(HOSTILE, "2.0.0", extra_state="z"),
    ]
    return make_plan("acme", desired, state, runtime_target=2, prune=True)


VIEWS: dict[str, Callable[[Plan], str]] = {
    "every-action.txt": plan_text.render,
    "every-action.color.txt": lambda plan: plan_text.render(plan, color=True),
    "every-action.json": plan_json.render,
    "every-action.md": lambda plan: plan_markdown.render(
        plan,
        diagrams={
            "orders": "stateDiagram-v2\n  paid --> refunded",
            "rolled": "stateDiagram-v2\n  paid --> x",
        },
        plan_hash="sha256:c0ffee",
        fingerprint="sha256:f00d",
    ),
}


@pytest.mark.parametrize("name", VIEWS)
def test_view_matches_its_golden_file(name: str) -> None:
    output = VIEWS[name](_every_action())
    golden = GOLDEN / name
    if os.environ.get("PYPGFLOW_UPDATE_GOLDEN"):
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def test_the_json_view_is_its_own_versioned_shape() -> None:
    document = json.loads(plan_json.render(_every_action()))

    assert (document["format"], document["origin"]) == (2, None)
    assert [c["action"] for c in document["changes"]] == [
        str(c.action) for c in _every_action().changes
    ]


ORIGINS = [
    (
        Origin("0123456789abcdef" * 2 + "01234567", True, "f" * 64),
        "commit 0123456789ab + uncommitted changes",
    ),
    (Origin("0123456789abcdef" * 2 + "01234567", False, "f" * 64), "commit 0123456789ab"),
    (Origin(None, True, "f" * 64), "a git work tree with no commit yet"),
]


@pytest.mark.parametrize(("origin", "said"), ORIGINS)
def test_every_view_says_where_the_definitions_came_from(origin: Origin, said: str) -> None:
    plan = make_plan("acme", [workflow()], live(), runtime_target=1, origin=origin)

    assert plan_text.render(plan).startswith(f"Source: {said}\nTenant acme:\n")
    assert f"\n\nSource: {said}\n\n" in plan_markdown.render(plan)
    assert json.loads(plan_json.render(plan))["origin"] == {
        "git_commit": origin.git_commit,
        "dirty": origin.dirty,
        "files_sha256": "f" * 64,
    }


def test_outside_git_no_source_is_shown() -> None:
    plan = make_plan(
        "acme", [workflow()], live(), runtime_target=1, origin=Origin(None, None, "f" * 64)
    )

    assert plan_text.render(plan).startswith("Tenant acme:\n")
    assert "Source:" not in plan_markdown.render(plan)


def test_a_plan_with_nothing_to_do_says_so() -> None:
    wf = workflow()
    plan = make_plan("acme", [wf], live(applied(wf)), runtime_target=1)

    assert plan_text.render(plan) == (
        "Tenant acme:\n\nNo changes. The database matches the repository.\n"
    )


def test_the_summary_counts_in_the_plural() -> None:
    plan = make_plan("acme", [workflow()], live(), runtime_target=1)

    assert plan_text.summary(plan) == (
        "Plan: 1 to create, 0 new versions, 0 to roll back, 0 to retire, 0 unchanged."
    )


def test_workflows_the_repository_no_longer_has_are_named_without_prune() -> None:
    wf = workflow()
    state = live(applied(wf), applied(workflow("gone")), applied(workflow(HOSTILE)))

    quiet = make_plan("acme", [wf], state, runtime_target=1)
    busy = make_plan("acme", [workflow(version="2")], state, runtime_target=1)

    assert plan_text.render(quiet) == (
        "Tenant acme:\n\nNo changes. 2 workflows not in the repository: "
        'a|b `c` **d** <e>\\n\\x1b[31m"ü", gone; `--prune` retires them.\n'
    )
    assert plan_text.render(busy).endswith(
        "Plan: 0 to create, 1 new version, 0 to roll back, 0 to retire, 0 unchanged. "
        '2 workflows not in the repository: a|b `c` **d** <e>\\n\\x1b[31m"ü", gone; '
        "`--prune` retires them.\n"
    )
    assert plan_text.summary(quiet, show=str.upper).startswith(
        "No changes. 2 workflows not in the repository: A|B `C` **D** <E>"
    )
    assert json.loads(plan_json.render(quiet))["summary"]["not_in_repository"] == [HOSTILE, "gone"]


def test_diagrams_show_each_new_version_against_the_active_one() -> None:
    from pypgflow_ops.diagram import mermaid_change

    old, new, fresh = workflow(), workflow(version="2", extra_state="x"), workflow("fresh")
    state = live(applied(old), applied(workflow("same")))
    desired = [new, fresh, workflow("same")]
    plan = make_plan("acme", desired, state, runtime_target=1)

    diagrams = plan_markdown.change_diagrams(plan, desired, state)

    assert diagrams == {"fresh": mermaid_change(None, fresh), "orders": mermaid_change(old, new)}


def test_at_most_ten_diagrams_are_drawn() -> None:
    desired = [workflow(f"w{i:02}") for i in range(12)]
    plan = make_plan("acme", desired, live(), runtime_target=1)

    diagrams = plan_markdown.change_diagrams(plan, desired, live())

    assert sorted(diagrams) == [f"w{i:02}" for i in range(10)]


def test_the_format_choices_are_the_views_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from pypgflow_ops.cli import app
    from pypgflow_ops.report.plan_views import PLAN_VIEWS

    monkeypatch.setenv("COLUMNS", "200")
    shown = CliRunner().invoke(app, ["plan", "--help"]).stdout

    assert f"--format <{'|'.join(PLAN_VIEWS)}>" in shown
    assert list(PLAN_VIEWS) == ["text", "json", "markdown"]
