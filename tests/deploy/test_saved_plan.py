"""The saved plan file on its own (no database): its shape, what reading it refuses, and the lint
of the definitions it carries. What apply does with an edited file: test_saved_plan_edits.py."""

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from pypgflow_ops.config import Config
from pypgflow_ops.deploy import saved_plan
from pypgflow_ops.deploy.saved_plan import SavedPlan
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.model import State, Transition, Workflow
from pypgflow_ops.plan import LiveState, Origin, make_plan

# What a workflow file may hold (the loader refuses escaped control characters, NUL included).
HOSTILE = '\'; drop table x; -- $$ {{ jinja }} \u202e ü 😀 \u2028 \n "q" \\ '
NUMBERS = {"small": 1e-05, "tiny": 1.5e-300, "half": 0.5, "int": 12, "huge": 10**40}


def _saved() -> SavedPlan:
    wf = Workflow(
        "w",
        "1",
        (State("a", initial=True, metadata={"note": HOSTILE}), State("b", final=True)),
        (Transition("a", "b", "go", {"field_required": ["x"]}, {"k": HOSTILE}, NUMBERS),),
        metadata={"owner": HOSTILE, "nested": [{"y": "y", "no": "no", "1.10": "1.10"}]},
        source="workflows/w.yaml",
    )
    origin = Origin("a" * 40, True, "b" * 64)
    plan = make_plan("acme", [wf], LiveState(None, False), runtime_target=1, origin=origin)
    return saved_plan.saved(plan, [wf], "sha256:abc", prune=False)


def _written(tmp_path: Path, edit: Any = None) -> Path:
    path = tmp_path / "plan.json"
    saved_plan.write(path, _saved())
    if edit is not None:
        data = json.loads(path.read_text(encoding="utf-8"))
        edit(data)
        path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _refusal(path: Path) -> str:
    with pytest.raises(PypgflowError) as caught:
        saved_plan.read(path, Config())
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_saved_plan_round_trips_through_its_file_and_lint(tmp_path: Path) -> None:
    again = saved_plan.read(_written(tmp_path), Config())

    assert again == _saved()
    assert again.workflows[0].content_hash() == _saved().workflows[0].content_hash()
    assert again.workflows[0].source == "workflows/w.yaml"


def test_the_file_says_which_pypgflow_ops_wrote_it(tmp_path: Path) -> None:
    data = json.loads(_written(tmp_path).read_text(encoding="utf-8"))

    assert (data["saved_plan_format"], data["written_by"]) == (4, "pypgflow-ops 0.1.0")


def test_a_plan_of_another_format_is_refused_by_name(tmp_path: Path) -> None:
    def older(data: dict[str, Any]) -> None:
        data["saved_plan_format"], data["written_by"] = 3, "pypgflow-ops 0.0.9"

    assert _refusal(_written(tmp_path, older)) == (
        f"{tmp_path}/plan.json: written by pypgflow-ops 0.0.9, format 3; this is "
        "pypgflow-ops 0.1.0, format 4: make the plan again"
    )


def test_the_json_view_of_a_plan_is_not_taken_for_a_saved_plan(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"format": 1, "changes": [], "summary": {}}', encoding="utf-8")

    assert "this is a plan's JSON view, not a saved plan" in _refusal(path)


def _set(*keys: str | int, value: Any) -> Any:
    def edit(data: Any) -> None:
        for key in keys[:-1]:
            data = data[key]
        data[keys[-1]] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            _set("plan", "changes", 0, "content_hash", value=None),
            "$.plan.changes[0].content_hash: expected string, not null",
        ),
        (_set("plan", "changes", 0, "revision", value="1"), "revision"),
        (_set("definitions", 0, "definition", "states", value={}), "expected array, not object"),
        (_set("prune", value="yes"), "$.prune: expected boolean, not string"),
        (lambda data: data.pop("fingerprint"), "'fingerprint' is a required property"),
        (lambda data: data["plan"]["changes"][0].pop("action"), "'action' is a required"),
        (_set("definitions", 0, value=[]), "$.definitions[0]: expected object, not array"),
    ],
)
def test_a_malformed_file_is_one_clear_line(tmp_path: Path, edit: Any, expected: str) -> None:
    message = _refusal(_written(tmp_path, edit))

    assert message.startswith(f"{tmp_path}/plan.json: not a saved plan this pypgflow-ops can read")
    assert expected in message


@pytest.mark.parametrize(
    "text", ["", "[]", "{}", "\x00", "{,}", "[" * 100_000, '{"x": NaN}', '{"x": 1e999}']
)
def test_anything_else_is_refused_in_one_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")

    assert _refusal(path).startswith(f"{path}: not a saved plan (")


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(b"\xff\xfe{}")

    assert _refusal(path) == f"{path}: not a saved plan (not UTF-8 text)"


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    assert "cannot read the plan" in _refusal(tmp_path / "missing.json")


def test_a_device_is_refused_unread() -> None:
    assert _refusal(Path("/dev/urandom")) == (
        "cannot read the plan /dev/urandom: it is a character device, not a file"
    )


def test_a_folder_is_refused(tmp_path: Path) -> None:
    assert "it is a folder, not a file" in _refusal(tmp_path)


def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    messages: list[str] = []
    reader = threading.Thread(target=lambda: messages.append(_refusal(fifo)), daemon=True)

    reader.start()
    reader.join(timeout=10)

    assert messages == [f"cannot read the plan {fifo}: it is a named pipe, not a file"]


def test_a_file_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(saved_plan, "MAX_SIZE", 100)
    path = _written(tmp_path)

    assert _refusal(path) == f"cannot read the plan {path}: it is over the limit of 100 bytes"


def _definition(data: dict[str, Any]) -> dict[str, Any]:
    definition: dict[str, Any] = data["definitions"][0]["definition"]
    return definition


def test_a_carried_definition_without_a_final_state_fails_lint(tmp_path: Path) -> None:
    path = _written(tmp_path, lambda data: _definition(data)["states"][1].update(final=False))

    message = _refusal(path)

    assert message.startswith(f"{path}: the definition of w 1 does not pass lint: ")
    assert "no-final-state" in message
    assert message.endswith(": make the plan again")


def test_a_carried_state_name_of_5022_characters_fails_lint(tmp_path: Path) -> None:
    long = "s" * 5022

    def rename(data: dict[str, Any]) -> None:
        _definition(data)["states"][1]["name"] = long
        _definition(data)["transitions"][0]["to"] = long

    message = _refusal(_written(tmp_path, rename))

    assert "does not pass lint: schema: " in message
    assert "longer than 63 characters" in message
    assert len(message) < 400


def test_a_carried_escaped_control_character_fails_lint_as_in_a_file(tmp_path: Path) -> None:
    path = _written(tmp_path, lambda data: _definition(data)["metadata"].update(x="\x1b[31m"))

    assert "does not pass lint: yaml-syntax: text contains control character U+001B" in (
        _refusal(path)
    )


@pytest.mark.parametrize("kind", ["device", "named pipe", "folder"])
def test_apply_refuses_what_is_not_a_plan_file_in_one_line(tmp_path: Path, kind: str) -> None:
    from .cli import run

    target = {"device": Path("/dev/urandom"), "folder": tmp_path}.get(kind, tmp_path / "fifo")
    if kind == "named pipe":
        os.mkfifo(target)

    code, out, err = run("apply", "--plan", target, "--tenant", "acme", "--yes")

    assert (code, out) == (1, "")
    assert err.startswith(f"pypgflow-ops: error: cannot read the plan {target}: it is a")
    assert err.count("\n") == 1


def test_carried_definitions_are_linted_together_as_lint_checks_files(tmp_path: Path) -> None:
    def twice(data: dict[str, Any]) -> None:
        copy = json.loads(json.dumps(data["definitions"][0]))
        copy["definition"]["metadata"]["owner"] = "someone else"
        data["definitions"].append(copy)

    message = _refusal(_written(tmp_path, twice))

    assert message.startswith(f"{tmp_path}/plan.json: the definition of w 1 does not pass lint: ")
    assert "duplicate-workflow" in message
