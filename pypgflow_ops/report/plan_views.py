"""The plan views by `--format` name: the one table the CLI's choices are built from.

Each view imports its module when it runs, so building the CLI costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pypgflow_ops.model import Workflow
    from pypgflow_ops.plan import LiveState, Plan


@dataclass(frozen=True, slots=True)
class ViewContext:
    """What a view may use besides the plan."""

    desired: tuple[Workflow, ...]
    live: LiveState
    color: bool = False


PlanView = Callable[["Plan", ViewContext], str]


def _text(plan: Plan, context: ViewContext) -> str:
    from pypgflow_ops.report import plan_text

    return plan_text.render(plan, color=context.color)


def _json(plan: Plan, context: ViewContext) -> str:
    from pypgflow_ops.report import plan_json

    return plan_json.render(plan)


def _markdown(plan: Plan, context: ViewContext) -> str:
    from pypgflow_ops.report import plan_markdown

    diagrams = plan_markdown.change_diagrams(plan, context.desired, context.live)
    return plan_markdown.render(plan, diagrams=diagrams)


PLAN_VIEWS: dict[str, PlanView] = {"text": _text, "json": _json, "markdown": _markdown}
