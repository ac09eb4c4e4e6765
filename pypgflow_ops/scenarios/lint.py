"""Scenario files in a lint run: read each, then check it against the workflows linted with it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from pypgflow_ops.config import Config
from pypgflow_ops.errors import UsageError
from pypgflow_ops.loading import too_large
from pypgflow_ops.model import Workflow
from pypgflow_ops.problems import Problem
from pypgflow_ops.scenarios.checks import check
from pypgflow_ops.scenarios.model import ScenarioFile
from pypgflow_ops.scenarios.reading import read_scenarios


def read_path(path: str, config: Config) -> tuple[ScenarioFile | None, list[Problem]]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > config.max_file_size:
        return None, [too_large(path, len(data), config.max_file_size)]
    return read_scenarios(data, path)


def by_name(workflows: Iterable[Workflow]) -> dict[str, Workflow]:
    """The repository's workflows by name: the one a scenario naming it starts."""
    return {workflow.name: workflow for workflow in workflows}


def checked(
    files: Iterable[ScenarioFile], workflows: Iterable[Workflow], config: Config
) -> Iterator[Problem]:
    named = by_name(workflows)
    for file in files:
        for finding in check(file, named):
            severity = config.severity(finding.rule)
            if severity is not None:
                yield finding.rule.problem(file.path, finding.position, finding.message, severity)


def read_all(paths: Sequence[str], config: Config) -> tuple[list[ScenarioFile], list[Problem]]:
    """The scenario files that could be read, and the problems of those that could not."""
    files, problems = [], []
    for path in paths:
        file, read_problems = read_path(path, config)
        problems.extend(read_problems)
        if file is not None:
            files.append(file)
    return files, problems


def scenario_problems(
    paths: Sequence[str], workflows: Iterable[Workflow], config: Config
) -> list[Problem]:
    """Every problem of the scenario files at `paths`: unreadable, invalid, or at odds with the
    workflows."""
    files, problems = read_all(paths, config)
    problems.extend(checked(files, workflows, config))
    return problems
