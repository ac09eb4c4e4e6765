"""`pypgflow-ops test`: run the scenario files against the real runtime, in one transaction that is
rolled back. Exit 0 all passed, 1 a scenario failed (or, with --require-all-transitions, a
transition went untested), 2 usage or an invalid file."""

from __future__ import annotations

import os
import signal
from enum import StrEnum
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import typer

from pypgflow_ops.commands.db import DATABASE_URL
from pypgflow_ops.errors import UsageError

if TYPE_CHECKING:
    from pypgflow_ops.config import Config
    from pypgflow_ops.model import Workflow
    from pypgflow_ops.scenarios.model import ScenarioFile


class TestFormat(StrEnum):  # the names in report.scenarios.TEST_FORMATS (tested)
    TEXT = "text"
    JSON = "json"
    JUNIT = "junit"
    GITHUB = "github"

    __test__ = False  # not a pytest test class, whatever its name


def _paths(paths: list[Path] | None, config: Config) -> list[Path]:
    if paths:
        return paths
    base = config.source.parent if config.source else Path()
    return [Path(os.path.relpath(base / p)) for p in config.paths]


def _repository(paths: list[Path], config: Config) -> tuple[list[Workflow], list[ScenarioFile]]:
    """The workflows and scenario files, linted; any error is an invalid file (exit 2)."""
    from pypgflow_ops.discovery import discover, is_scenario_file
    from pypgflow_ops.lint import lint_paths
    from pypgflow_ops.problems import LintResult
    from pypgflow_ops.report.lint import LINT_FORMATS
    from pypgflow_ops.scenarios.lint import checked, read_all

    found = discover(paths)
    scenario_paths = [file for file in found if is_scenario_file(file)]
    if not scenario_paths:
        shown = " ".join(str(p) for p in paths)
        raise UsageError(f"no *.scenarios.yaml files in {shown}; write one beside a workflow")
    workflow_paths = [Path(file) for file in found if not is_scenario_file(file)]
    linted = lint_paths(workflow_paths, config) if workflow_paths else LintResult(0, (), ())
    files, problems = read_all(scenario_paths, config)  # read once: lint_paths would read again
    problems.extend(checked(files, linted.workflows, config))
    result = LintResult(len(found), tuple(sorted((*linted.problems, *problems))), ())
    if result.errors:
        typer.echo(LINT_FORMATS["text"](result, color=False), err=True, nl=False)
        raise UsageError(f"lint found {result.errors} error(s): fix them, then test again")
    return list(linted.workflows), files


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # the same way out as Ctrl-C: the transaction is rolled back


def test(
    paths: list[Path] = typer.Argument(
        None,
        help="Folders or files holding the workflows and their *.scenarios.yaml files. "
        "Default: `paths` from the configuration, else workflows/.",
        show_default=False,
    ),
    database_url: str | None = DATABASE_URL,
    output_format: TestFormat = typer.Option(
        TestFormat.TEXT, "--format", "-f", help="Output format."
    ),
    show_coverage: bool = typer.Option(
        False, "--coverage", help="Report the transitions and states no scenario took or reached."
    ),
    require_all_transitions: bool = typer.Option(
        False,
        "--require-all-transitions",
        help="Fail when a transition is taken by no passing scenario (implies --coverage).",
    ),
) -> int:
    """Run the scenario files against the runtime; the database is left exactly as it was."""
    from pypgflow_ops.config import load_config
    from pypgflow_ops.db.connect import connect, resolve_database_url
    from pypgflow_ops.report.scenarios import TEST_FORMATS
    from pypgflow_ops.scenarios.coverage import coverage
    from pypgflow_ops.scenarios.outcome import TestRun
    from pypgflow_ops.scenarios.session import run_scenarios

    config = load_config(None)
    workflows, files = _repository(_paths(paths, config), config)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        with connect(resolve_database_url(database_url)) as conn:
            results = tuple(run_scenarios(conn, workflows, files))
    finally:
        signal.signal(signal.SIGTERM, previous)
    wants_coverage = show_coverage or require_all_transitions
    run = TestRun(
        results,
        coverage(workflows, results) if wants_coverage else None,
        require_all_transitions,
    )
    typer.echo(TEST_FORMATS[output_format](run), nl=False)
    return run.exit_code
