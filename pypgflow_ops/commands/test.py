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
    from pypgflow_ops.db.connect import resolve_database_url, session
    from pypgflow_ops.report.lint import LINT_FORMATS
    from pypgflow_ops.report.scenarios import TEST_FORMATS
    from pypgflow_ops.scenarios.coverage import coverage
    from pypgflow_ops.scenarios.outcome import TestRun
    from pypgflow_ops.scenarios.repository import load_repository
    from pypgflow_ops.scenarios.session import run_scenarios

    config = load_config(None)
    linted, files = load_repository(_paths(paths, config), config)
    if linted.errors:  # an invalid file: nothing is run
        typer.echo(LINT_FORMATS["text"](linted, color=False), err=True, nl=False)
        raise UsageError(f"lint found {linted.errors} error(s): fix them, then test again")
    workflows = linted.workflows
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        with session(resolve_database_url(database_url)) as conn:
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
