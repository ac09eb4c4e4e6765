"""The one error boundary: every failure is one line and an exit code users can script against."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg.errors
import pytest
from typer.testing import CliRunner

from pypgflow_ops.cli import app

REPO = Path(__file__).resolve().parents[2]


def pypgflow_ops(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pypgflow_ops", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )


def test_a_database_refusal_no_command_expected_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise psycopg.errors.InsufficientPrivilege("permission denied for schema pypgflow")

    monkeypatch.setattr("pypgflow_ops.lint.lint_paths", refuse)
    result = CliRunner().invoke(app, ["lint", str(REPO / "workflows")])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "pypgflow-ops: error: the database refused: permission denied for schema pypgflow "
        "(SQLSTATE 42501)\n"
    )


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
