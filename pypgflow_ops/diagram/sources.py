"""The workflows a diagram command draws, read through lint, and the problems it can show.

A file that lint could not turn into a workflow (bad YAML, schema errors) cannot be drawn: the
command stops and shows those problems. Anything else is drawn, problems and all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pypgflow_ops.config import Config
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.model import Workflow
from pypgflow_ops.problems import LintResult, Problem, Severity
from pypgflow_ops.rules.reachability import NO_PATH_TO_FINAL, UNREACHABLE_STATE

HIGHLIGHTED_RULES = frozenset({UNREACHABLE_STATE.id, NO_PATH_TO_FINAL.id})


@dataclass(frozen=True, slots=True)
class Drawable:
    workflow: Workflow
    problems: Mapping[str, tuple[str, ...]]  # state name -> ids of the rules it breaks


class Undrawable(PypgflowError):
    """Files lint could not read into a workflow; `problems` says why, line by line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        files = sorted({p.file for p in problems})
        super().__init__(
            f"{', '.join(files)}: cannot draw what lint cannot read; fix the errors above"
        )
        self.problems = tuple(problems)


def state_problems(workflow: Workflow, problems: Iterable[Problem]) -> dict[str, tuple[str, ...]]:
    """The highlighted rules broken by each state, matched by the state's position in its file."""
    at = {
        (state.position.line, state.position.column): state.name
        for state in workflow.states
        if state.position is not None
    }
    found: dict[str, list[str]] = {}
    for problem in problems:
        name = at.get((problem.line, problem.column))
        if problem.file == workflow.source and problem.rule in HIGHLIGHTED_RULES and name:
            found.setdefault(name, []).append(problem.rule)
    return {name: tuple(sorted(set(rules))) for name, rules in found.items()}


def drawables(result: LintResult) -> list[Drawable]:
    """The linted workflows; raises Undrawable when a file gave none."""
    read = {workflow.source for workflow in result.workflows}
    blocking = [p for p in result.problems if p.severity is Severity.ERROR and p.file not in read]
    if blocking:
        raise Undrawable(blocking)
    return [Drawable(w, state_problems(w, result.problems)) for w in result.workflows]


def load(path: Path, config: Config) -> list[Drawable]:
    from pypgflow_ops.lint import lint_paths

    return drawables(lint_paths([path], config))


def load_source(data: bytes, file: str, config: Config) -> Workflow:
    """One workflow from bytes (an older version of a file, from git)."""
    from pypgflow_ops.lint import lint_source

    (drawable,) = drawables(lint_source(data, file, config))
    return drawable.workflow
