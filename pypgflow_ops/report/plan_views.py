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
    from pypgflow_ops.problems import LintResult


@dataclass(frozen=True, slots=True)
class ViewContext:
    """What a view may use besides the plan."""

    desired: tuple[Workflow, ...]
    live: LiveState
    color: bool = False


@dataclass(frozen=True, slots=True)
class PlanView:
    render: Callable[[Plan, ViewContext], str]
    # What the view says when lint refuses the files (tenant, lint result): a document CI can
    # still post or parse, so stdout is never empty. None: the problems on stderr are enough.
    refused: Callable[[str, LintResult], str] | None = None


def _text(plan: Plan, context: ViewContext) -> str:
    from pypgflow_ops.report import plan_text

    return plan_text.render(plan, color=context.color)


def _json(plan: Plan, context: ViewContext) -> str:
    from pypgflow_ops.report import plan_json

    return plan_json.render(plan)


def _json_refused(tenant: str, result: LintResult) -> str:
    from pypgflow_ops.report import plan_json

    return plan_json.render_lint_failure(tenant, result)


def _markdown(plan: Plan, context: ViewContext) -> str:
    from pypgflow_ops.deploy.fingerprint import fingerprint
    from pypgflow_ops.deploy.record import plan_hash
    from pypgflow_ops.report import plan_markdown

    return plan_markdown.render(
        plan,
        diagrams=plan_markdown.change_diagrams(plan, context.desired, context.live),
        plan_hash=f"sha256:{plan_hash(plan)}",
        fingerprint=fingerprint(context.live),
    )


def _markdown_refused(tenant: str, result: LintResult) -> str:
    from pypgflow_ops.report import plan_markdown

    return plan_markdown.render_lint_failure(tenant, result)


PLAN_VIEWS: dict[str, PlanView] = {
    "text": PlanView(_text),
    "json": PlanView(_json, _json_refused),
    "markdown": PlanView(_markdown, _markdown_refused),
}
