"""The text format: `path:line:col: severity rule-id message`, sorted, then one summary line."""

from __future__ import annotations

from pypgflow_ops.problems import LintResult, Problem, Severity
from pypgflow_ops.report.text import render


def test_problems_sorted_by_file_and_position_then_summary(mixed: LintResult) -> None:
    assert render(mixed) == (
        "workflows/approval.yaml:3:12: error implicit-type workflow.version: unquoted 1.10 is "
        'read by YAML as the number 1.1; quote it: "1.10"\n'
        "workflows/approval.yaml:20:5: warning parallel-transitions transitions 'approve' "
        "(line 14) and 'fast_track' (line 20) both lead from 'review' to 'approved'\n"
        "workflows/order.yaml:14:5: error unreachable-state state 'lost' cannot be reached from "
        "the initial state; add a transition into it or remove it\n"
        "Found 3 problems (2 errors, 1 warning) in 12 files.\n"
    )


def test_clean_result_is_one_line(clean: LintResult) -> None:
    assert render(clean) == "All checks passed (12 files).\n"


def test_summary_uses_singular_for_one(warnings_only: LintResult) -> None:
    assert render(warnings_only).splitlines()[-1] == (
        "Found 1 problem (0 errors, 1 warning) in 1 file."
    )


def test_one_clean_file() -> None:
    assert render(LintResult(1, (), ())) == "All checks passed (1 file).\n"


def test_control_characters_are_escaped_so_each_problem_stays_one_line(
    hostile: LintResult,
) -> None:
    assert render(hostile) == (
        'work flows/a,b:c%d "q" ü.yaml:3:7: error schema state "ja:nein" at 50%,\\nthen\\r'
        "\\x1b[31mred ✓\n"
        "Found 1 problem (1 error, 0 warnings) in 1 file.\n"
    )


def test_undecodable_path_bytes_are_escaped_not_a_crash() -> None:
    # os.fsdecode turns a non-UTF-8 byte of a file name into a lone surrogate, which no
    # UTF-8 stdout can print.
    result = LintResult(
        1, (Problem("bad\udcff.yaml", 1, 1, "yaml-syntax", Severity.ERROR, "m"),), ()
    )
    assert render(result).splitlines()[0] == "bad\\udcff.yaml:1:1: error yaml-syntax m"


def test_colour_only_when_asked(mixed: LintResult) -> None:
    assert "\x1b[" not in render(mixed)
    assert render(mixed, color=True) == (
        "\x1b[1mworkflows/approval.yaml\x1b[0m:3:12: \x1b[1;31merror\x1b[0m "
        "\x1b[36mimplicit-type\x1b[0m workflow.version: unquoted 1.10 is read by YAML as the "
        'number 1.1; quote it: "1.10"\n'
        "\x1b[1mworkflows/approval.yaml\x1b[0m:20:5: \x1b[1;33mwarning\x1b[0m "
        "\x1b[36mparallel-transitions\x1b[0m transitions 'approve' (line 14) and 'fast_track' "
        "(line 20) both lead from 'review' to 'approved'\n"
        "\x1b[1mworkflows/order.yaml\x1b[0m:14:5: \x1b[1;31merror\x1b[0m "
        "\x1b[36munreachable-state\x1b[0m state 'lost' cannot be reached from the initial "
        "state; add a transition into it or remove it\n"
        "\x1b[1;31mFound 3 problems (2 errors, 1 warning) in 12 files.\x1b[0m\n"
    )


def test_colour_summary_for_warnings_only_and_for_a_clean_run(
    warnings_only: LintResult, clean: LintResult
) -> None:
    assert render(warnings_only, color=True).splitlines()[-1] == (
        "\x1b[1;33mFound 1 problem (0 errors, 1 warning) in 1 file.\x1b[0m"
    )
    assert render(clean, color=True) == "\x1b[1;32mAll checks passed (12 files).\x1b[0m\n"


def test_hostile_escape_sequence_cannot_colour_the_terminal(hostile: LintResult) -> None:
    assert "\x1b[31m" not in render(hostile, color=True)
