import json
from pathlib import Path

import pytest

from pypgflow_ops.deploy import saved_plan
from pypgflow_ops.deploy.saved_plan import SavedPlan, workflow_from_canonical
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.model import State, Transition, Workflow
from pypgflow_ops.plan import LiveState, make_plan

HOSTILE = "'; drop table x; -- $$ {{ jinja }} \x00 \u202e ü \n"


def _saved() -> SavedPlan:
    wf = Workflow(
        "w",
        "1",
        (State("a", initial=True, metadata={"note": HOSTILE}), State("b", final=True)),
        (Transition("a", "b", "go", {"field_required": ["x"]}, {"k": HOSTILE}, {"n": 1.5}),),
        metadata={"owner": HOSTILE},
    )
    plan = make_plan("acme", [wf], LiveState(None, False), runtime_target=1)
    return SavedPlan(plan, "sha256:abc", (wf,))


def test_canonical_form_reads_back_into_an_equal_workflow() -> None:
    wf = _saved().workflows[0]

    assert workflow_from_canonical(json.loads(json.dumps(wf.canonical()))) == wf


def test_a_saved_plan_round_trips_through_its_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"

    saved_plan.write(path, _saved())

    assert saved_plan.read(path) == _saved()


def test_a_definition_edited_in_the_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    saved_plan.write(path, _saved())
    data = json.loads(path.read_text(encoding="utf-8"))
    data["definitions"][0]["states"][1]["final"] = False
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(PypgflowError, match=r"plan.json: the definition of w 1 does not match"):
        saved_plan.read(path)


@pytest.mark.parametrize("text", ["", "[]", "{}", '{"saved_plan_format": 1}', "\x00"])
def test_anything_else_is_refused_in_one_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(PypgflowError, match=r"plan.json: not a.* saved plan") as caught:
        saved_plan.read(path)
    assert "\n" not in str(caught.value)


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(PypgflowError, match="cannot read the plan"):
        saved_plan.read(tmp_path / "missing.json")
