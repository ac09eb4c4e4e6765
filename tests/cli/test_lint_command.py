"""`pypgflow-ops lint` as users and CI call it: exit codes, formats, configuration, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pypgflow_ops.cli import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()

BROKEN = """\
workflow:
  name: broken
  version: "1"
states:
  - name: start
    initial: true
  - name: island
  - name: done
    final: true
transitions:
  - from: start
    to: done
    name: finish
"""


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    old = Path.cwd()
    if cwd:
        os.chdir(cwd)
    try:
        result = runner.invoke(app, ["lint", *args])
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


def test_the_examples_lint_clean() -> None:
    code, out, _ = run(str(REPO / "workflows"))
    assert (code, out.splitlines()[-1]) == (
        0,
        f"All checks passed ({len(list((REPO / 'workflows').glob('*.yaml')))} files).",
    )


def test_errors_exit_1_with_each_problem_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(BROKEN)
    code, out, _ = run("broken.yaml", cwd=tmp_path)
    assert code == 1
    assert out.splitlines()[:2] == [
        "broken.yaml:7:5: error no-path-to-final no final state can be reached from state "
        "'island'; instances there never finish (a dead end or a closed cycle)",
        "broken.yaml:7:5: error unreachable-state state 'island' cannot be reached from the "
        "initial state; add a transition into it or remove it",
    ]


def test_json_output_is_the_documented_contract(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(BROKEN)
    code, out, _ = run("--format", "json", "broken.yaml", cwd=tmp_path)
    assert code == 1
    report = json.loads(out)
    assert report["files"] == 1
    assert [
        (p["file"], p["line"], p["column"], p["rule"], p["severity"]) for p in report["problems"]
    ] == [
        ("broken.yaml", 7, 5, "no-path-to-final", "error"),
        ("broken.yaml", 7, 5, "unreachable-state", "error"),
    ]


def test_warnings_alone_exit_0(tmp_path: Path) -> None:
    text = BROKEN.replace("  - name: island\n", "").replace(
        "    name: finish\n", "    name: finish\n  - from: start\n    to: done\n    name: skip\n"
    )
    (tmp_path / "w.yaml").write_text(text)
    code, out, _ = run("w.yaml", cwd=tmp_path)
    assert code == 0
    assert "warning parallel-transitions" in out


def test_a_missing_path_is_a_usage_error_exit_2(tmp_path: Path) -> None:
    code, out, err = run("nowhere", cwd=tmp_path)
    assert (code, out, err) == (2, "", "pypgflow-ops: error: nowhere: no such file or folder\n")


def test_an_unknown_format_is_a_usage_error_exit_2() -> None:
    code, _, err = run("--format", "xml", str(REPO / "workflows"))
    assert code == 2
    assert "xml" in err


def test_configuration_sets_default_paths_and_rule_severities(tmp_path: Path) -> None:
    (tmp_path / "defs").mkdir()
    (tmp_path / "defs" / "broken.yaml").write_text(BROKEN)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pypgflow-ops]\npaths = ["defs"]\n\n[tool.pypgflow-ops.rules]\n'
        'unreachable-state = "warning"\nno-path-to-final = "off"\n'
    )
    code, out, _ = run(cwd=tmp_path)
    assert code == 0
    assert out.splitlines()[0].startswith("defs/broken.yaml:7:5: warning unreachable-state")
    assert "no-path-to-final" not in out


def test_yaml_configuration_with_an_unknown_rule_says_which(tmp_path: Path) -> None:
    (tmp_path / ".pypgflow-ops.yaml").write_text("rules:\n  unreachable-states: warning\n")
    code, _, err = run(cwd=tmp_path)
    assert code == 2
    assert err == (
        f"pypgflow-ops: error: {tmp_path / '.pypgflow-ops.yaml'}: unknown rule "
        "'unreachable-states'; did you mean 'unreachable-state'?\n"
    )


def test_an_unexpected_exception_is_one_line_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("pypgflow_ops.lint.lint_paths", explode)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    code, out, err = run(str(REPO / "workflows"))
    (saved,) = tmp_path.iterdir()
    assert (code, out) == (3, "")
    assert err == (
        "pypgflow-ops: internal error (this is a bug, please report it): RuntimeError: boom; "
        f"traceback saved to {saved}\n"
    )
    assert saved.read_text().endswith("RuntimeError: boom\n")


def test_the_installed_entry_points_run_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_bytes(b"workflow: \xff\n")
    done = subprocess.run(
        [sys.executable, "-m", "pypgflow_ops", "lint", str(tmp_path / "bad.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout.startswith(f"{tmp_path / 'bad.yaml'}:1:11: error yaml-syntax byte 0xff")
    assert "Traceback" not in done.stderr


def test_an_empty_configuration_file_means_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "workflows").mkdir()
    (tmp_path / "workflows" / "broken.yaml").write_text(BROKEN)
    (tmp_path / ".pypgflow-ops.yaml").write_text("# nothing tuned yet\n")
    code, out, _ = run(cwd=tmp_path)
    assert code == 1
    assert out.startswith("workflows/broken.yaml:7:5: error no-path-to-final")


def test_a_configured_path_that_is_missing_names_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.pypgflow-ops]\npaths = ["defs"]\n')
    code, _, err = run(cwd=tmp_path)
    assert code == 2
    assert err == (
        f"pypgflow-ops: error: defs: no such file or folder (from `paths` in "
        f"{tmp_path / 'pyproject.toml'}); name the files to lint\n"
    )
