"""version-not-bumped, version-went-backwards, workflow-removed: each workflow against its form at
a git ref (`lint --against-ref REF`), matched by workflow name, not by file: a moved file is the
same workflow.

The runtime keeps a name's versions in the order they were applied (`revision`) and never compares
version strings; a ref has no revision, so "lower" is the order people read versions in: runs of
digits compare as numbers, other runs as text ("1.10" comes after "1.9", "2.0" after "1.99").
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from pypgflow_ops.model import Workflow
from pypgflow_ops.problems import RuleInfo, Severity, Stage

VERSION_NOT_BUMPED = RuleInfo(
    "version-not-bumped",
    Severity.ERROR,
    "A workflow's definition changed since the git ref given to `--against-ref`, its version did "
    "not: applied versions are immutable, so plan would call it a conflict.",
    Stage.FILES,
)
VERSION_WENT_BACKWARDS = RuleInfo(
    "version-went-backwards",
    Severity.ERROR,
    'A workflow\'s version is lower than at the git ref given to `--against-ref` ("1.10" comes '
    'after "1.9").',
    Stage.FILES,
)
WORKFLOW_REMOVED = RuleInfo(
    "workflow-removed",
    Severity.WARNING,
    "A workflow defined at the git ref given to `--against-ref` is gone: `plan --prune` would "
    "retire it.",
    Stage.FILES,
)

_RUNS = re.compile(r"\d+|\D+")


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Digits compare as numbers, anything else as text, run by run."""
    return tuple((0, int(run)) if run.isdigit() else (1, run) for run in _RUNS.findall(version))


@dataclass(frozen=True, slots=True)
class Finding:
    rule: RuleInfo
    workflow: Workflow  # where the finding is placed: the current one, or the removed one at REF
    message: str


def _changed(workflow: Workflow, old: Workflow, ref: str) -> Iterator[Finding]:
    if version_key(workflow.version) < version_key(old.version):
        yield Finding(
            VERSION_WENT_BACKWARDS,
            workflow,
            f"version {workflow.version!r} of workflow {workflow.name!r} is lower than "
            f"{old.version!r}, its version at {ref}; give it a version after {old.version!r}",
        )
    elif workflow.version == old.version and (
        dataclasses.replace(old, version=workflow.version).content_hash() != workflow.content_hash()
    ):
        yield Finding(
            VERSION_NOT_BUMPED,
            workflow,
            f"workflow {workflow.name!r} changed since {ref} but kept its version {old.version!r}; "
            f"give it a version after {old.version!r}",
        )


def against_ref(
    workflows: Iterable[Workflow], at_ref: Mapping[str, Workflow], ref: str
) -> Iterator[Finding]:
    """Findings for `workflows` against `at_ref` (the workflows at `ref`, by name)."""
    names = set()
    for workflow in workflows:
        names.add(workflow.name)
        old = at_ref.get(workflow.name)
        if old is not None:
            yield from _changed(workflow, old, ref)
    for name, old in at_ref.items():
        if name not in names:
            yield Finding(
                WORKFLOW_REMOVED,
                old,
                f"workflow {name!r} (version {old.version!r} at {ref}) is gone; "
                "`plan --prune` would retire it",
            )


RULES = (VERSION_NOT_BUMPED, VERSION_WENT_BACKWARDS, WORKFLOW_REMOVED)
