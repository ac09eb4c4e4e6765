"""What a test run needs from the repository: its workflows and scenario files, linted together
(each scenario file read once)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pypgflow_ops.config import Config
from pypgflow_ops.discovery import discover, is_scenario_file
from pypgflow_ops.errors import UsageError
from pypgflow_ops.lint import lint_paths
from pypgflow_ops.problems import LintResult
from pypgflow_ops.scenarios.lint import checked, read_all
from pypgflow_ops.scenarios.model import ScenarioFile


def load_repository(paths: Sequence[Path], config: Config) -> tuple[LintResult, list[ScenarioFile]]:
    """Lint's verdict on every file (with the workflows), and the scenario files that were read.

    No scenario file under `paths` is a usage error: a test run would test nothing.
    """
    found = discover(paths)
    scenario_paths = [file for file in found if is_scenario_file(file)]
    if not scenario_paths:
        shown = " ".join(str(p) for p in paths)
        raise UsageError(f"no *.scenarios.yaml files in {shown}; write one beside a workflow")
    workflow_paths = [Path(file) for file in found if not is_scenario_file(file)]
    linted = lint_paths(workflow_paths, config) if workflow_paths else LintResult(0, (), ())
    files, problems = read_all(scenario_paths, config)
    problems.extend(checked(files, linted.workflows, config))
    result = LintResult(len(found), tuple(sorted((*linted.problems, *problems))), linted.workflows)
    return result, files
