"""lint_source / lint_paths end to end: problems placed where the author must look."""

from __future__ import annotations

from pathlib import Path

import pytest

from pypgflow_ops.config import Config
from pypgflow_ops.errors import UsageError
from pypgflow_ops.lint import lint_paths, lint_source
from pypgflow_ops.problems import Severity

GOOD = """\
workflow:
  name: review
  version: "1.0"
  metadata:
    description: A small review process
states:
  - name: draft
    initial: true
  - name: in_review
    metadata:
      display_name: In review
  - name: published
    final: true
transitions:
  - from: draft
    to: in_review
    name: submit
  - from: in_review
    to: published
    name: publish
"""


def problems_of(text: str, config: Config | None = None) -> list[tuple[int, int, str, str]]:
    result = lint_source(text.encode(), "wf.yaml", config)
    return [(p.line, p.column, p.rule, p.severity.value) for p in result.problems]


def test_a_good_workflow_has_no_problem_and_becomes_a_model() -> None:
    result = lint_source(GOOD.encode(), "wf.yaml")
    assert result.problems == ()
    (workflow,) = result.workflows
    assert (workflow.name, workflow.version, workflow.source) == ("review", "1.0", "wf.yaml")
    assert [(s.name, s.position.line if s.position else 0) for s in workflow.states] == [
        ("draft", 7),
        ("in_review", 9),
        ("published", 12),
    ]
    assert [t.position.line if t.position else 0 for t in workflow.transitions] == [15, 18]


def test_unquoted_no_as_a_state_name_is_one_implicit_type_error_with_a_hint() -> None:
    text = GOOD.replace("  - name: in_review", "  - name: no").replace("to: in_review", "to: 'no'")
    result = lint_source(text.encode(), "wf.yaml")
    assert [(p.line, p.column, p.rule) for p in result.problems] == [(9, 11, "implicit-type")]
    assert result.problems[0].message == (
        'states[1].name: unquoted no is read by YAML as the boolean false; quote it: "no"'
    )


def test_unquoted_version_is_an_implicit_type_error() -> None:
    result = lint_source(GOOD.replace('"1.0"', "1.10").encode(), "wf.yaml")
    assert [(p.line, p.rule) for p in result.problems] == [(3, "implicit-type")]
    assert "the number 1.1" in result.problems[0].message


def test_surprising_yaml_11_value_in_free_form_metadata_is_a_warning() -> None:
    text = GOOD.replace("    description: A small", "    urgent: yes\n    description: A small")
    assert problems_of(text) == [(5, 13, "ambiguous-value", "warning")]


def test_a_misspelt_key_is_reported_at_the_key_with_a_suggestion() -> None:
    text = GOOD.replace("    initial: true", "    inital: true")
    result = lint_source(text.encode(), "wf.yaml")
    problems = [(p.line, p.column, p.rule, p.message) for p in result.problems]
    assert problems[0] == (
        8,
        5,
        "schema",
        "states[0]: unknown key 'inital'; did you mean 'initial'?",
    )


def test_a_name_with_a_trailing_newline_does_not_slip_through_the_pattern() -> None:
    text = GOOD.replace("  name: review", '  name: "review\\n"')
    assert problems_of(text) == [(2, 9, "schema", "error")]


def test_graph_rules_do_not_run_on_a_document_of_the_wrong_shape() -> None:
    text = GOOD.replace("    initial: true\n", "    initial: maybe\n")
    assert [rule for _, _, rule, _ in problems_of(text)] == ["schema"]


def test_configured_severities_apply_and_off_silences() -> None:
    text = GOOD + "  - from: draft\n    to: in_review\n    name: resubmit\n"
    assert problems_of(text) == [(21, 5, "parallel-transitions", "warning")]
    as_error = Config(rules={"parallel-transitions": Severity.ERROR})
    assert problems_of(text, as_error) == [(21, 5, "parallel-transitions", "error")]
    assert problems_of(text, Config(rules={"parallel-transitions": None})) == []


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_folders_are_searched_for_yaml_files_and_hidden_folders_skipped(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "sub/b.yml", GOOD.replace("review", "other"))
    write(tmp_path, ".hidden/c.yaml", "not: [valid")
    write(tmp_path, "notes.txt", "ignored")
    result = lint_paths([tmp_path])
    assert result.files == 2
    assert sorted(w.name for w in result.workflows) == ["other", "review"]


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file or folder"):
        lint_paths([tmp_path / "absent"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("A small", "Another"),
            "workflow 'review' version '1.0' is also defined in {a}:2 with other content; "
            "keep each workflow in one file",
        ),
        (
            ('"1.0"', '"1.1"'),
            "workflow 'review' version '1.1' is also defined in {a}:2 (version '1.0'); keep "
            "each workflow in one file, at the version to apply",
        ),
        (
            ("", ""),
            "workflow 'review' version '1.0' is also defined in {a}:2, the same definition; "
            "remove one copy",
        ),
    ],
    ids=["other content", "other version", "identical copy"],
)
def test_one_workflow_in_two_files_names_both_places(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    """What plan would refuse without a location is a lint error at both files' lines."""
    write(tmp_path, "a.yaml", "# the first definition\n" + GOOD)
    write(tmp_path, "b.yaml", GOOD.replace(*change))
    result = lint_paths([tmp_path])
    assert [(p.file, p.line, p.column, p.rule, p.severity) for p in result.problems] == [
        (str(tmp_path / "b.yaml"), 1, 1, "duplicate-workflow", Severity.ERROR)
    ]
    assert result.problems[0].message == message.format(a=tmp_path / "a.yaml")


def test_many_files_are_linted_in_parallel_with_the_same_result_as_one_by_one(
    tmp_path: Path,
) -> None:
    for index in range(40):
        text = GOOD.replace("review", f"review_{index}")
        if index % 7 == 0:
            text = text.replace("    final: true\n", "")
        write(tmp_path, f"wf{index:02}.yaml", text)
    parallel = lint_paths([tmp_path])
    one_by_one = [p for i in range(40) for p in lint_paths([tmp_path / f"wf{i:02}.yaml"]).problems]
    assert parallel.files == 40
    assert list(parallel.problems) == sorted(one_by_one)
    assert {p.rule for p in parallel.problems} == {"no-final-state"}


def test_every_unknown_key_is_reported_at_its_own_line() -> None:
    text = GOOD.replace("    initial: true", "    inital: true\n    finl: false")
    result = lint_source(text.encode(), "wf.yaml")
    assert [(p.line, p.message) for p in result.problems] == [
        (8, "states[0]: unknown key 'inital'; did you mean 'initial'?"),
        (9, "states[0]: unknown key 'finl'; did you mean 'final'?"),
    ]


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (
            ("    initial: true", "    initial: maybe"),
            8,
            'states[0].initial: expected true or false, not "maybe"',
        ),
        (
            ("  name: review", "  name: has space"),
            2,
            'workflow.name: "has space" is not allowed here. An identifier',
        ),
        (("  name: review", "  name:"), 2, "workflow.name has no value; write one"),
        (
            ("  - from: in_review", "  - from: null"),
            18,
            "transitions[1].from: unquoted null is read by YAML as null; a transition from any "
            'state is `from: "*"`, a state named null is quoted: "null"',
        ),
        (
            ("  - from: in_review", "  - from: ~"),
            18,
            "transitions[1].from: unquoted ~ is read by YAML as null; a transition from any "
            'state is `from: "*"`, a state named ~ is quoted: "~"',
        ),
        (
            ("  - from: in_review", "  - from:"),
            18,
            'transitions[1].from has no value; a transition from any state is `from: "*"`',
        ),
        (
            ("  - name: draft", "  - name: " + "d" * 80),
            7,
            "states[0].name: longer than 63 characters",
        ),
        (
            ("    metadata:\n      display_name: In review", "    metadata: [x]"),
            10,
            "states[1].metadata: expected a mapping, not a list",
        ),
    ],
)
def test_schema_messages_speak_yaml_and_say_what_is_allowed(
    change: tuple[str, str], line: int, message: str
) -> None:
    result = lint_source(GOOD.replace(*change).encode(), "wf.yaml")
    assert [p.line for p in result.problems] == [line]
    assert result.problems[0].message.startswith(message)


def test_files_over_the_size_limit_are_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(2_000_000)  # sparse: nothing to read if the limit is honoured
    result = lint_paths([big], Config(max_file_size=1_000_000))
    assert [(p.line, p.rule) for p in result.problems] == [(1, "yaml-syntax")]
    assert "2,000,000 bytes, over the limit of 1,000,000" in result.problems[0].message


def test_an_unexpected_failure_names_the_file_that_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "wf.yaml", GOOD)

    def explode(*_: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr("pypgflow_ops.lint.build_workflow", explode)
    with pytest.raises(RuntimeError, match=r"wf\.yaml: ValueError: boom"):
        lint_paths([tmp_path / "wf.yaml"])


def test_a_misspelt_state_in_a_transition_gets_a_suggestion() -> None:
    result = lint_source(GOOD.replace("to: published", "to: publishd").encode(), "wf.yaml")
    messages = [p.message for p in result.problems if p.rule == "unknown-state"]
    assert messages == [
        "transition 'publish': `to` names undeclared state 'publishd'; did you mean 'published'?"
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('"1.0"', "1.5e+300"),
            "workflow.version: unquoted 1.5e+300 is read by YAML as a 301-digit number; "
            'quote it: "1.5e+300"',
        ),
        (
            ("    description: A small", "    big: 1.5e+300\n    description: A small"),
            "workflow.metadata.big: unquoted 1.5e+300 is read by YAML as a 301-digit number; "
            'quote it: "1.5e+300"',
        ),
        (
            ('"1.0"', "7" * 500),
            "workflow.version: unquoted " + "7" * 39 + "… is read by YAML as a 500-digit "
            "number; quote it",
        ),
        (
            ("    initial: true", "    initial: 1.5e+300"),
            "states[0].initial: expected true or false, not 15" + "0" * 37 + "…",
        ),
    ],
    ids=["implicit-type", "ambiguous-value", "written long", "schema"],
)
def test_long_numbers_in_messages_are_shortened(change: tuple[str, str], message: str) -> None:
    problems = lint_source(GOOD.replace(*change).encode(), "wf.yaml").problems
    assert message in [p.message for p in problems]
    assert max(len(p.message) for p in problems) < 120


def test_a_typo_in_a_target_is_one_error_at_the_value_without_follow_on_errors() -> None:
    # Without the typo's transition, published is unreachable and in_review a dead end.
    result = lint_source(GOOD.replace("to: published", "to: publishd").encode(), "wf.yaml")
    assert [(p.line, p.column, p.rule, p.message) for p in result.problems] == [
        (
            19,
            9,
            "unknown-state",
            "transition 'publish': `to` names undeclared state 'publishd'; "
            "did you mean 'published'?",
        )
    ]


def test_a_typo_in_a_source_is_one_error_at_the_value() -> None:
    result = lint_source(GOOD.replace("from: in_review", "from: in_reveiw").encode(), "wf.yaml")
    assert [(p.line, p.column, p.rule) for p in result.problems] == [(18, 11, "unknown-state")]
    assert result.problems[0].message.endswith("did you mean 'in_review'?")


def test_problems_that_no_reading_of_the_typo_explains_are_still_reported() -> None:
    text = (
        GOOD.replace("to: published", "to: publishd")
        + "  - from: draft\n    to: limbo\n    name: park\n"
    ).replace("  - name: published\n", "  - name: limbo\n  - name: published\n")
    result = lint_source(text.encode(), "wf.yaml")
    assert [(p.line, p.rule) for p in result.problems] == [
        (12, "no-path-to-final"),  # limbo is a dead end, whatever publishd meant
        (20, "unknown-state"),
    ]
