"""duplicate-workflow: the rule across files.

A repository holds each workflow once: plan decides per workflow name what apply does, so a second
file with that name (another version, other content or an identical copy) leaves open which is
meant, and plan would refuse it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pypgflow_ops.model import Workflow
from pypgflow_ops.problems import RuleInfo, Severity, Stage

DUPLICATE_WORKFLOW = RuleInfo(
    "duplicate-workflow",
    Severity.ERROR,
    "One workflow is defined in more than one file (another version, other content or a copy): "
    "plan could not tell which to apply.",
    Stage.FILES,
    tunable=False,
)


def _why(workflow: Workflow, earlier: Workflow) -> str:
    line = earlier.position.line if earlier.position else 1
    where = (
        f"workflow {workflow.name!r} version {workflow.version!r} is also defined in "
        f"{earlier.source}:{line}"
    )
    if earlier.version != workflow.version:
        return (
            f"{where} (version {earlier.version!r}); keep each workflow in one file, at the "
            "version to apply"
        )
    if earlier.content_hash() != workflow.content_hash():
        return f"{where} with other content; keep each workflow in one file"
    return f"{where}, the same definition; remove one copy"


def duplicate_workflow(workflows: Iterable[Workflow]) -> Iterator[tuple[Workflow, str]]:
    """Each later definition of a workflow name, with a message naming the first."""
    first: dict[str, Workflow] = {}
    for workflow in workflows:
        if workflow.name in first:
            yield workflow, _why(workflow, first[workflow.name])
        else:
            first[workflow.name] = workflow


RULES = (DUPLICATE_WORKFLOW,)
