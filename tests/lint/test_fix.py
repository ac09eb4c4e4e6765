"""`pypgflow-ops lint --fix`: files of the original pypgflow's shape become deployable in one run,
edited byte for byte where nothing moves; a file that cannot be edited safely is left as it was."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from pypgflow_ops.cli import app
from pypgflow_ops.fixing.conditions import fix_conditions

ORIGINALS = Path(__file__).resolve().parent / "original_shape"
NAMES = ("fraud_detection.yaml", "order_processing.yaml")
runner = CliRunner()


def run(cwd: Path, *args: str) -> tuple[int, str, str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(app, ["lint", *args])
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def originals(tmp_path: Path) -> Path:
    for name in NAMES:
        shutil.copyfile(ORIGINALS / name, tmp_path / name)
    return tmp_path


def _hint(condition: str) -> str:
    return f"{condition}, else move it under context with pypgflow-ops lint --fix"


def test_lint_reports_each_unenforced_key_at_the_key_with_the_condition_that_fits(
    originals: Path,
) -> None:
    code, out, _ = run(originals, ".")
    refused = "the runtime does not enforce {!r} and would refuse the transition"
    assert code == 1
    assert out.splitlines() == [
        "fraud_detection.yaml:47:7: error unenforced-condition transition 'approve': "
        + refused.format("requires_documentation")
        + "; "
        + _hint("to enforce the value write field_equals: {requires_documentation: true}"),
        "fraud_detection.yaml:60:7: error unenforced-condition transition 'reject': "
        + refused.format("amount_threshold")
        + "; "
        + _hint("to enforce a bound write field_min or field_max: {amount: 1000}"),
        "fraud_detection.yaml:62:7: error unenforced-condition transition 'reject': "
        + refused.format("risk_score")
        + "; "
        + _hint('to enforce the value write field_equals: {risk_score: "low"}'),
        "order_processing.yaml:37:7: error unenforced-condition transition 'return_items': "
        + refused.format("return_window_days")
        + "; "
        + _hint("to enforce a bound write field_min or field_max: {return_window_days: 30}"),
        "order_processing.yaml:50:7: error unenforced-condition transition 'refund': "
        + refused.format("requires_approval")
        + "; "
        + _hint("to enforce the value write field_equals: {requires_approval: true}"),
        "Found 5 problems (5 errors, 0 warnings) in 2 files.",
    ]


def test_one_fix_makes_them_deployable_byte_for_byte_and_a_second_changes_nothing(
    originals: Path,
) -> None:
    code, out, err = run(originals, "--fix", ".")
    assert (code, out) == (0, "All checks passed (2 files).\n")
    assert err.splitlines() == [
        "fraud_detection.yaml:47:7: moved `requires_documentation` from conditions to context",
        "fraud_detection.yaml:60:7: moved `amount_threshold` from conditions to context",
        "fraud_detection.yaml:62:7: moved `risk_score` from conditions to context",
        "order_processing.yaml:37:7: moved `return_window_days` from conditions to context",
        "order_processing.yaml:50:7: moved `requires_approval` from conditions to context",
    ]
    for name in NAMES:
        expected = (ORIGINALS / name.replace(".yaml", ".fixed.yaml")).read_bytes()
        assert (originals / name).read_bytes() == expected, name
    stamps = {name: (originals / name).stat().st_mtime_ns for name in NAMES}

    assert run(originals, "--fix", ".") == (0, "All checks passed (2 files).\n", "")
    assert {name: (originals / name).stat().st_mtime_ns for name in NAMES} == stamps


def test_the_report_on_stdout_stays_machine_readable(originals: Path) -> None:
    code, out, err = run(originals, "--fix", "--format", "json", "order_processing.yaml")
    assert (code, json.loads(out)) == (0, {"files": 1, "problems": []})
    assert len(err.splitlines()) == 2


def test_a_refused_file_is_left_as_it_was_and_still_fails(tmp_path: Path) -> None:
    text = (ORIGINALS / "order_processing.yaml").read_text()
    text = text.replace(
        "    conditions:\n      return_window_days: 30   # counted from the delivery\n",
        "    conditions: {return_window_days: 30}\n",
    )
    (tmp_path / "orders.yaml").write_text(text)
    code, out, err = run(tmp_path, "--fix", "orders.yaml")
    assert code == 1
    assert err == (
        "orders.yaml:36:5: not fixed, the file is left as it was: `conditions` is written in "
        "flow style ({...}); write it as a block, one key a line, or move the keys by hand\n"
    )
    assert (tmp_path / "orders.yaml").read_text() == text
    assert [line.split()[2] for line in out.splitlines()[:-1]] == ["unenforced-condition"] * 2


def test_the_file_keeps_its_permissions_and_no_temporary_file_is_left(originals: Path) -> None:
    path = originals / "fraud_detection.yaml"
    path.chmod(0o640)
    run(originals, "--fix", "fraud_detection.yaml")
    assert "    context:\n      amount_threshold: 1000" in path.read_text()
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in originals.iterdir()) == sorted(NAMES)


HEAD = """\
workflow:
  name: w
  version: "1"
states:
  - name: a
    initial: true
  - name: b
    final: true
transitions:
  - from: a
    to: b
    name: go
"""


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            "    context: {}   # for the application\n"
            "    conditions:\n"
            "      field_required: x\n"
            "      amount_threshold: 5\n",
            "    context:   # for the application\n"
            "      amount_threshold: 5\n"
            "    conditions:\n"
            "      field_required: x\n",
            id="into an empty context written {}, above conditions",
        ),
        pytest.param(
            "    conditions:\n"
            "      steps:\n"
            "        - one\n"
            "        - two\n"
            "      # how to say it\n"
            "      note: |\n"
            "        first line\n"
            "\n"
            "        last line\n"
            "      field_required: x\n"
            "    metadata: {}\n",
            "    conditions:\n"
            "      field_required: x\n"
            "    context:\n"
            "      steps:\n"
            "        - one\n"
            "        - two\n"
            "      # how to say it\n"
            "      note: |\n"
            "        first line\n"
            "\n"
            "        last line\n"
            "    metadata: {}\n",
            id="block values and a comment move whole",
        ),
        pytest.param(
            "    context:\n        kept: 1\n    conditions:\n      moved:\n        - 1\n",
            "    context:\n        kept: 1\n        moved:\n          - 1\n",
            id="re-indented to the context's indentation",
        ),
        pytest.param(
            "    conditions:\n      field_required: x\n      amount: 5",
            "    conditions:\n      field_required: x\n    context:\n      amount: 5",
            id="no line break at the end of the file, before or after",
        ),
    ],
)
def test_fix_edits(before: str, after: str) -> None:
    fixed = fix_conditions((HEAD + before).encode(), "wf.yaml")
    assert (fixed.refused, fixed.data.decode()) == (None, HEAD + after)
    assert fix_conditions(fixed.data, "wf.yaml").data == fixed.data


def test_crlf_line_endings_and_a_byte_order_mark_are_kept() -> None:
    before = HEAD + "    conditions:\n      field_required: x\n      amount: 5\n"
    after = HEAD + "    conditions:\n      field_required: x\n    context:\n      amount: 5\n"
    data = ("\ufeff" + before.replace("\n", "\r\n")).encode()
    assert fix_conditions(data, "wf.yaml").data == ("\ufeff" + after.replace("\n", "\r\n")).encode()


@pytest.mark.parametrize(
    ("before", "position", "reason"),
    [
        (
            "    context: {kept: 1}\n    conditions:\n      amount: 5\n",
            "13:5",
            "`context` is written in flow style ({...}); write it as a block, one key a line, "
            "or move the keys by hand",
        ),
        (
            "    conditions:\n      amount: 5\n    context:\n      amount: 6\n",
            "16:7",
            "`amount` is under both conditions and context; keep one",
        ),
        (
            "    conditions:\n      note: |+\n        kept\n\n    context:\n      x: 1\n",
            "14:7",
            "moved as text, the values would not read back the same (a block scalar that keeps "
            "trailing blank lines?); move the keys by hand",
        ),
    ],
    ids=["flow context", "a key in both", "a value that would change"],
)
def test_what_cannot_be_edited_safely_is_refused(before: str, position: str, reason: str) -> None:
    data = (HEAD + before).encode()
    fixed = fix_conditions(data, "wf.yaml")
    assert fixed.data is data
    assert (
        str(fixed.refused) == f"wf.yaml:{position}: not fixed, the file is left as it was: {reason}"
    )


def test_conditions_first_in_its_list_item_is_refused_when_it_would_be_removed() -> None:
    text = HEAD.replace(
        "  - from: a\n    to: b\n", "  - conditions:\n      k: 1\n    from: a\n    to: b\n"
    )
    fixed = fix_conditions((text + "    context:\n      x: 1\n").encode(), "wf.yaml")
    assert str(fixed.refused) == (
        "wf.yaml:10:5: not fixed, the file is left as it was: `conditions` is the first key of "
        "its list item (- conditions:); write another key first"
    )


@pytest.mark.parametrize(
    "text",
    [HEAD + "    conditions:\n      field_required: x\n", "workflow: [unclosed\n", "a: 1\n"],
    ids=["nothing to move", "not YAML", "not a workflow"],
)
def test_a_file_with_nothing_to_move_is_returned_untouched(text: str) -> None:
    data = text.encode()
    fixed = fix_conditions(data, "wf.yaml")
    assert (fixed.data is data, fixed.moved, fixed.refused) == (True, (), None)


def test_plan_refuses_the_originals_and_applies_them_once_fixed(
    originals: Path, runtime_database_url: str
) -> None:
    url = runtime_database_url
    deploy = ["--tenant", "acme", "--database-url", url]
    assert runner.invoke(app, ["plan", str(originals), *deploy]).exit_code == 1
    assert run(originals, "--fix", ".")[0] == 0
    assert runner.invoke(app, ["apply", str(originals), *deploy, "--yes"]).exit_code == 0
    with psycopg.connect(url) as conn:
        stored = conn.execute(
            "select x.name, x.conditions, x.context from pypgflow.workflow_transitions x"
            " where x.name in ('approve', 'reject', 'return_items', 'refund') order by x.name"
        ).fetchall()
    assert stored == [
        (
            "approve",
            {"field_required": ["analyst_id", "decision_note"]},
            {"typical_user_roles": ["analyst"], "requires_documentation": True},
        ),
        ("refund", {"field_required": "refund_amount"}, {"requires_approval": True}),
        ("reject", {}, {"amount_threshold": 1000, "risk_score": "low"}),
        (
            "return_items",
            {},
            {"refund_method": "original_payment", "label_printing": True, "return_window_days": 30},
        ),
    ]


def test_a_key_meant_as_a_guard_stays_where_it_is() -> None:
    conditions = '    conditions:\n      field_requird: x\n      field_regex: {x: "^a"}\n'
    fixed = fix_conditions((HEAD + conditions + "      note: hi\n").encode(), "wf.yaml")
    assert fixed.data.decode() == HEAD + conditions + "    context:\n      note: hi\n"
    assert [m.key for m in fixed.moved] == ["note"]


def test_an_empty_context_first_in_its_list_item_takes_the_keys() -> None:
    text = HEAD.replace("  - from: a\n", "  - context: {}\n    from: a\n")
    fixed = fix_conditions((text + "    conditions:\n      note: hi\n").encode(), "wf.yaml")
    assert fixed.data.decode() == HEAD.replace(
        "  - from: a\n", "  - context:\n      note: hi\n    from: a\n"
    )


def test_a_file_that_cannot_be_written_is_left_as_it_was_with_one_line_saying_why(
    originals: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only folder or a full disk: said as a refusal, not an internal error (exit 3)."""

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("pypgflow_ops.fixing.tempfile.mkstemp", refuse)
    before = (originals / "order_processing.yaml").read_bytes()
    code, out, err = run(originals, "--fix", "order_processing.yaml")
    assert code == 1
    assert err == (
        "order_processing.yaml:37:7: not fixed, the file is left as it was: "
        "cannot write it: Permission denied\n"
    )
    assert out.splitlines()[-1] == "Found 2 problems (2 errors, 0 warnings) in 1 file."
    assert (originals / "order_processing.yaml").read_bytes() == before
