"""`lint --against-ref REF`: the workflows at REF under the paths linted, read with git, and the
problems of the current workflows against them (rules/versions.py)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from pypgflow_ops.config import Config
from pypgflow_ops.discovery import WORKFLOW_SUFFIXES, is_scenario_file
from pypgflow_ops.git import files_at_ref
from pypgflow_ops.loading import load
from pypgflow_ops.model import Position, Workflow
from pypgflow_ops.problems import Problem, Severity
from pypgflow_ops.rules.migration import MIGRATE_UNKNOWN_SOURCE, unknown_sources
from pypgflow_ops.rules.versions import VERSION_NOT_BUMPED, VERSION_WENT_BACKWARDS, against_ref


def workflows_at_ref(ref: str, paths: Sequence[Path], config: Config) -> dict[str, Workflow]:
    """The workflows at `ref` by name (the first file of a name wins). Unreadable files are left
    out (lint at the ref reported them), and so are workflows with errors at the ref: plan refuses
    those, so no version of them was applied from there (a file of the original pypgflow's shape,
    say, made deployable by `lint --fix` at the same version)."""
    from pypgflow_ops.lint import lint_file

    found: dict[str, Workflow] = {}
    for file, data in sorted(files_at_ref(ref, paths, WORKFLOW_SUFFIXES).items()):
        if is_scenario_file(file):
            continue
        problems, workflow = lint_file(data, file, config)
        if workflow is not None and not any(p.severity is Severity.ERROR for p in problems):
            found.setdefault(workflow.name, workflow)
    return found


def _position(workflow: Workflow, path: tuple[str, ...]) -> Position:
    file = workflow.source or ""
    document = load(Path(file).read_bytes(), file).document
    return document.position(path) if document else Position(1, 1)


def _version_position(workflow: Workflow) -> Position:
    return _position(workflow, ("workflow", "version"))


def _migration_problems(
    workflows: Sequence[Workflow], at_ref: dict[str, Workflow], ref: str, config: Config
) -> Iterator[Problem]:
    severity = config.severity(MIGRATE_UNKNOWN_SOURCE)
    if severity is None:
        return
    for workflow in workflows:
        for old, message in unknown_sources(workflow, at_ref, ref):
            position = _position(workflow, ("migrate", "states", old))
            yield MIGRATE_UNKNOWN_SOURCE.problem(workflow.source or "", position, message, severity)


def ref_problems(
    ref: str, paths: Sequence[Path], workflows: Sequence[Workflow], config: Config
) -> Iterator[Problem]:
    at_ref = workflows_at_ref(ref, paths, config)
    yield from _migration_problems(workflows, at_ref, ref, config)
    for finding in against_ref(workflows, at_ref, ref):
        severity = config.severity(finding.rule)
        if severity is None:
            continue
        workflow = finding.workflow
        at_version = finding.rule in (VERSION_NOT_BUMPED, VERSION_WENT_BACKWARDS)
        position = (
            _version_position(workflow) if at_version else workflow.position or Position(1, 1)
        )
        yield finding.rule.problem(workflow.source or "", position, finding.message, severity)
