"""Lint results built by hand, so the reporters are tested apart from the linter itself."""

from __future__ import annotations

import pytest

from pypgflow_ops.problems import LintResult, Problem, Severity

E, W = Severity.ERROR, Severity.WARNING

# A path and a message with everything that breaks naive output: quotes, `%`, `:`, `,`, a space,
# non-ASCII text, a newline, a carriage return and a terminal escape sequence.
HOSTILE_FILE = 'work flows/a,b:c%d "q" ü.yaml'
HOSTILE_MESSAGE = 'state "ja:nein" at 50%,\nthen\r\x1b[31mred ✓'


@pytest.fixture
def clean() -> LintResult:
    return LintResult(files=12, problems=(), workflows=())


@pytest.fixture
def mixed() -> LintResult:
    """Two files, errors and a warning, deliberately out of order."""
    return LintResult(
        files=12,
        problems=(
            Problem(
                "workflows/order.yaml",
                14,
                5,
                "unreachable-state",
                E,
                "state 'lost' cannot be reached from the initial state; add a transition into "
                "it or remove it",
            ),
            Problem(
                "workflows/approval.yaml",
                20,
                5,
                "parallel-transitions",
                W,
                "transitions 'approve' (line 14) and 'fast_track' (line 20) both lead from "
                "'review' to 'approved'",
            ),
            Problem(
                "workflows/approval.yaml",
                3,
                12,
                "implicit-type",
                E,
                "workflow.version: unquoted 1.10 is read by YAML as the number 1.1; quote it: "
                '"1.10"',
            ),
        ),
        workflows=(),
    )


@pytest.fixture
def hostile() -> LintResult:
    return LintResult(
        files=1,
        problems=(Problem(HOSTILE_FILE, 3, 7, "schema", E, HOSTILE_MESSAGE),),
        workflows=(),
    )


@pytest.fixture
def warnings_only() -> LintResult:
    return LintResult(
        files=1,
        problems=(Problem("w.yaml", 9, 9, "ambiguous-value", W, "context.mode: unquoted 0755"),),
        workflows=(),
    )
