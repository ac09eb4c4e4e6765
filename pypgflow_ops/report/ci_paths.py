"""File names as CI maps them to a diff: relative to the root of the git work tree that holds the
file (else to the working directory), with forward slashes, however the file was named."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import PurePath

from pypgflow_ops.problems import LintResult


def _work_tree(folder: str) -> str | None:
    """The nearest folder at or above `folder` with a `.git` (a folder, or a file in a linked
    work tree or submodule); found without running git, which costs a process per call."""
    while not os.path.exists(os.path.join(folder, ".git")):
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
    return folder


def ci_path(file: str) -> str:
    absolute = os.path.abspath(file)
    root = _work_tree(os.path.dirname(absolute)) or os.getcwd()
    return PurePath(os.path.relpath(absolute, root)).as_posix()


def files(result: LintResult) -> list[str]:
    """Every file of a lint run, as named: those that gave a workflow, and those with problems."""
    named = {w.source for w in result.workflows if w.source} | {p.file for p in result.problems}
    return sorted(named)


def with_ci_paths(result: LintResult) -> LintResult:
    """`result` with every file named by `ci_path`."""
    paths = {file: ci_path(file) for file in files(result)}
    return replace(
        result,
        problems=tuple(sorted(replace(p, file=paths[p.file]) for p in result.problems)),
        workflows=tuple(
            replace(w, source=paths[w.source]) if w.source else w for w in result.workflows
        ),
    )
