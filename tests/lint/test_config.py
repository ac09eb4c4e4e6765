"""Configuration: rules the runtime depends on cannot be tuned below error, and the configuration
file must be a regular file; each mistake is one line naming the file (exit 2 through the CLI)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pypgflow_ops.config import Config, load_config
from pypgflow_ops.errors import UsageError
from pypgflow_ops.lint import lint_source
from pypgflow_ops.problems import Severity
from pypgflow_ops.rules import RULES, RULES_BY_ID

TWO_INITIAL_STATES = """\
workflow:
  name: w
  version: "1"
states:
  - name: a
    initial: true
  - name: b
    initial: true
  - name: done
    final: true
transitions:
  - from: a
    to: done
    name: finish
  - from: b
    to: done
    name: finish
"""

RUNTIME_RULES = [
    "no-initial-state",
    "multiple-initial-states",
    "no-final-state",
    "duplicate-state",
    "unknown-state",
    "duplicate-transition",
    "duplicate-workflow",
    "unenforced-condition",
]
READING_RULES = ["yaml-syntax", "duplicate-key", "yaml-anchor", "schema", "implicit-type"]


def test_the_rules_that_cannot_be_tuned() -> None:
    assert sorted(r.id for r in RULES if not r.tunable) == sorted(RUNTIME_RULES + READING_RULES)
    assert {RULES_BY_ID[r].severity for r in RUNTIME_RULES + READING_RULES} == {Severity.ERROR}


@pytest.mark.parametrize("rule", RUNTIME_RULES)
@pytest.mark.parametrize("level", ["warning", "off"])
def test_a_runtime_rule_set_below_error_is_refused(tmp_path: Path, rule: str, level: str) -> None:
    config = tmp_path / ".pypgflow-ops.yaml"
    config.write_text(f'rules:\n  {rule}: "{level}"\n')
    with pytest.raises(UsageError) as raised:
        load_config(config)
    assert str(raised.value) == (
        f"{config}: rule {rule!r} cannot be tuned: a workflow that breaks it cannot be deployed "
        "or run"
    )


@pytest.mark.parametrize("rule", READING_RULES)
def test_a_reading_rule_cannot_be_tuned(tmp_path: Path, rule: str) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text(f'[tool.pypgflow-ops.rules]\n{rule} = "warning"\n')
    with pytest.raises(UsageError, match=re.escape(f"{config}: rule {rule!r} cannot be tuned: ")):
        load_config(config)


def test_setting_a_fixed_rule_to_error_is_allowed(tmp_path: Path) -> None:
    config = tmp_path / ".pypgflow-ops.yaml"
    config.write_text("rules:\n  no-final-state: error\n")
    assert load_config(config).rules == {"no-final-state": Severity.ERROR}


def test_a_config_built_in_code_cannot_turn_a_runtime_rule_off_either() -> None:
    config = Config(rules={"multiple-initial-states": None})
    problems = lint_source(TWO_INITIAL_STATES.encode(), "wf.yaml", config).problems
    assert [(p.line, p.rule, p.severity) for p in problems] == [
        (7, "multiple-initial-states", Severity.ERROR)
    ]


def test_through_the_command_line_it_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "wf.yaml").write_text(TWO_INITIAL_STATES)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pypgflow-ops.rules]\nmultiple-initial-states = "off"\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "pypgflow_ops", "lint", "wf.yaml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"pypgflow-ops: error: {tmp_path / 'pyproject.toml'}: rule 'multiple-initial-states' "
        "cannot be tuned: a workflow that breaks it cannot be deployed or run\n"
    )


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda path: Path("/dev/urandom"), "a character device"),
        (lambda path: (os.mkfifo(path), path)[1], "a named pipe (FIFO)"),
        (lambda path: (path.mkdir(), path)[1], "a folder"),
    ],
    ids=["device", "fifo", "folder"],
)
def test_a_configuration_that_is_not_a_regular_file_says_what_it_is(
    tmp_path: Path, make: Callable[[Path], Path], kind: str
) -> None:
    path = make(tmp_path / "config.yaml")
    with pytest.raises(UsageError) as raised:
        load_config(path)  # returns at once: a FIFO or a device is never opened
    assert str(raised.value) == (
        f"{path}: is {kind}, not a regular file; name the configuration file itself"
    )


def test_a_missing_configuration_is_no_such_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="^" + re.escape(f"{tmp_path / 'x.toml'}: no such ")):
        load_config(tmp_path / "x.toml")
