"""Lint: paths -> LintResult(problems, workflows).

load -> schema -> model -> graph rules, per file (in parallel across cores for many files), then
the checks across files.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from pypgflow_ops.building import build_workflow
from pypgflow_ops.config import Config
from pypgflow_ops.discovery import discover, is_scenario_file
from pypgflow_ops.errors import UsageError
from pypgflow_ops.implicit import IMPLICIT_TYPE
from pypgflow_ops.loading import Document, load, too_large
from pypgflow_ops.model import Position, Workflow
from pypgflow_ops.problems import LintResult, Problem, Severity
from pypgflow_ops.progress import Progress, advancing, no_progress
from pypgflow_ops.rules import GRAPH_CHECKS, RULES_BY_ID
from pypgflow_ops.rules.subject import Locate, Subject
from pypgflow_ops.rules.workflows import DUPLICATE_WORKFLOW, duplicate_workflow
from pypgflow_ops.schema import SCHEMA, is_valid, schema_problems

# Below this many files a process pool costs more to start than it saves.
_PARALLEL_MIN_FILES = 16
_CHUNK = 8

FileResult = tuple[list[Problem], Workflow | None]


def _tuned(problems: Iterable[Problem], config: Config) -> Iterator[Problem]:
    for problem in problems:
        severity = config.severity(RULES_BY_ID[problem.rule])
        if severity is not None:
            yield Problem(
                problem.file, problem.line, problem.column, problem.rule, severity, problem.message
            )


def _graph_problems(
    workflow: Workflow,
    states_key: Position,
    locate: tuple[Locate, Locate],
    file: str,
    config: Config,
) -> Iterator[Problem]:
    subject = Subject.of(workflow, states_key, *locate)
    for rule, check in GRAPH_CHECKS.items():
        severity = config.severity(rule)
        if severity is None:
            continue
        for finding in check(subject):
            yield rule.problem(file, finding.position, finding.message, severity)


@contextlib.contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Loading builds hundreds of thousands of containers, none in a cycle: the cycle collector
    would rescan them again and again (half the time of a large file) and free nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def lint_file(data: bytes, file: str, config: Config) -> FileResult:
    """One file's problems, and its workflow when the file could be read into one."""
    if len(data) > config.max_file_size:
        return [too_large(file, len(data), config.max_file_size)], None
    with _cycle_collector_paused():
        return _lint_file(data, file, config)


def _lint_file(data: bytes, file: str, config: Config) -> FileResult:
    loaded = load(data, file)
    if loaded.document is None:
        return list(loaded.problems), None
    document = loaded.document
    valid = is_valid(document.data)
    if not valid:  # rare: load again, placing every node, to say exactly where it is wrong
        reloaded = load(data, file, every_position=True)
        document = reloaded.document or document
    problems = list(_tuned(schema_problems(document, file, valid=valid), config))
    if any(
        p.severity is Severity.ERROR and p.rule in (SCHEMA.id, IMPLICIT_TYPE.id) for p in problems
    ):
        return problems, None  # the graph rules need a document of the right shape
    workflow = build_workflow(document, file)
    states_key = document.key_position(("states",)) or Position(1, 1)
    locate = _locator(data, file, document)
    problems.extend(_graph_problems(workflow, states_key, locate, file, config))
    return problems, workflow


def _locator(data: bytes, file: str, document: Document) -> tuple[Locate, Locate]:
    """Positions below the top two levels, found by loading again, only if a rule asks: of a
    value, and of a mapping key (or its value, where the key was not written)."""

    @functools.cache
    def placed() -> Document:
        return load(data, file, every_position=True).document or document

    return (
        lambda path: placed().position(path),
        lambda path: placed().key_position(path) or placed().position(path),
    )


def _lint_path(path: str, config: Config) -> FileResult:
    try:
        size = os.stat(path).st_size
        if size > config.max_file_size:  # refused unread
            return [too_large(path, size, config.max_file_size)], None
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return lint_file(data, path, config)
    except Exception as exc:  # a bug: say which file shows it
        raise RuntimeError(f"{path}: {type(exc).__name__}: {exc}") from exc


def _lint_chunk(paths: list[str], config: Config) -> list[FileResult]:
    return [_lint_path(path, config) for path in paths]


def _run(files: list[str], config: Config, progress: Progress) -> list[FileResult]:
    workers = min(os.cpu_count() or 1, len(files) // _PARALLEL_MIN_FILES)
    if workers < 2:
        return advancing(([_lint_path(path, config)] for path in files), len(files), progress)
    import multiprocessing  # here: one small file, pre-commit's usual case, never needs a pool
    from concurrent.futures import ProcessPoolExecutor

    chunks = [files[i : i + _CHUNK] for i in range(0, len(files), _CHUNK)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        chunks_done = pool.map(_lint_chunk, chunks, [config] * len(chunks))
        return advancing(chunks_done, len(files), progress)


def _across_files(workflows: Iterable[Workflow], config: Config) -> Iterator[Problem]:
    severity = config.severity(DUPLICATE_WORKFLOW)
    if severity is None:
        return
    for workflow, message in duplicate_workflow(workflows):
        position = workflow.position or Position(1, 1)
        yield DUPLICATE_WORKFLOW.problem(workflow.source or "", position, message, severity)


def _result(files: int, results: list[FileResult], config: Config) -> LintResult:
    problems = [problem for file_problems, _ in results for problem in file_problems]
    workflows = [workflow for _, workflow in results if workflow is not None]
    problems.extend(_across_files(workflows, config))
    return LintResult(files, tuple(sorted(problems)), tuple(workflows))


def lint_paths(
    paths: Sequence[Path],
    config: Config | None = None,
    progress: Progress = no_progress,
    against_ref: str | None = None,
) -> LintResult:
    """Lint the files under `paths`; with `against_ref`, also compare them with that git ref."""
    config = config or Config()
    files = discover(paths)
    scenario_files = [file for file in files if is_scenario_file(file)]
    results = _run([file for file in files if not is_scenario_file(file)], config, progress)
    workflows = [workflow for _, workflow in results if workflow is not None]
    if scenario_files:
        from pypgflow_ops.scenarios.lint import scenario_problems

        results.append((scenario_problems(scenario_files, workflows, config), None))
    if against_ref is not None:
        from pypgflow_ops.against_ref import ref_problems

        results.append((list(ref_problems(against_ref, paths, workflows, config)), None))
    return _result(len(files), results, config)


def lint_source(data: bytes, file: str, config: Config | None = None) -> LintResult:
    config = config or Config()
    return _result(1, [lint_file(data, file, config)], config)
