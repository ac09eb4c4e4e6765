"""The one error boundary: every failure is one line and an exit code users can script against."""

from __future__ import annotations

from .process import pypgflow_ops


def test_a_usage_error_exits_2_but_1_for_plan_with_detailed_exitcode() -> None:
    plain = pypgflow_ops("plan", "workflows")
    detailed = pypgflow_ops("plan", "workflows", "--detailed-exitcode")
    assert (plain.returncode, detailed.returncode) == (2, 1)
    assert "Missing option '--tenant'" in detailed.stderr
    assert "Traceback" not in plain.stderr + detailed.stderr


def test_help_and_version_exit_0() -> None:
    assert pypgflow_ops("--help").returncode == 0
    version = pypgflow_ops("--version")
    assert (version.returncode, version.stdout) == (0, "pypgflow-ops 0.1.0\n")


def test_a_usage_error_quoting_what_was_typed_is_escaped() -> None:
    done = pypgflow_ops("lint", "--\n::error::\x1b[31m")

    assert done.returncode == 2
    assert "\x1b" not in done.stderr and "\n::" not in done.stderr
