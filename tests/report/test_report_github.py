"""GitHub workflow commands, escaped the way actions/toolkit escapes them (command.ts)."""

from __future__ import annotations

from pypgflow_ops.problems import LintResult
from pypgflow_ops.report.github import render


def test_one_command_per_problem_sorted(mixed: LintResult) -> None:
    assert render(mixed) == (
        "::error file=workflows/approval.yaml,line=3,col=12,title=implicit-type::"
        'workflow.version: unquoted 1.10 is read by YAML as the number 1.1; quote it: "1.10"\n'
        "::warning file=workflows/approval.yaml,line=20,col=5,title=parallel-transitions::"
        "transitions 'approve' (line 14) and 'fast_track' (line 20) both lead from 'review' to "
        "'approved'\n"
        "::error file=workflows/order.yaml,line=14,col=5,title=unreachable-state::"
        "state 'lost' cannot be reached from the initial state; add a transition into it or "
        "remove it\n"
    )


def test_nothing_for_a_clean_result(clean: LintResult) -> None:
    assert render(clean) == ""


def test_properties_escape_percent_cr_lf_colon_comma_and_data_escapes_percent_cr_lf(
    hostile: LintResult,
) -> None:
    assert render(hostile) == (
        '::error file=work flows/a%2Cb%3Ac%25d "q" ü.yaml,line=3,col=7,title=schema::'
        'state "ja:nein" at 50%25,%0Athen%0D\x1b[31mred ✓\n'
    )


def test_colour_is_ignored(mixed: LintResult) -> None:
    assert render(mixed, color=True) == render(mixed)
