"""A plan as Markdown, ready to post as a pull-request comment, with a Mermaid diagram of what
changed in each new workflow or version (the first few: a comment has a size limit).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from pypgflow_ops.model import Workflow
from pypgflow_ops.plan import Action, Change, ElementChanges, LiveState, Plan, RuntimeAction
from pypgflow_ops.report.plan_text import source, summary
from pypgflow_ops.terminal import printable

MAX_DIAGRAMS = 10
_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]<>()#+-.!|~"})


def _escaped(text: str) -> str:
    return " ".join(printable(text).split()).translate(_MARKDOWN_SPECIAL)


def _code(text: str) -> str:
    """An inline code span that no backtick, pipe or newline in `text` can break out of."""
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    inner = " ".join(printable(text).split()).replace("|", "\\|")
    return f"{fence} {inner} {fence}"


def _note(change: Change) -> str:
    notes = [_escaped(change.message)] if change.message else []
    if change.action in (Action.NEW_VERSION, Action.ROLLBACK) and change.active_version:
        notes.append(f"from {_code(change.active_version)}")
    if change.impact and change.impact.in_removed_states:
        notes.append(
            f"{change.impact.in_removed_states} running instances in removed states "
            "stay on their version"
        )
    return "; ".join(notes)


def _row(change: Change) -> str:
    return (
        f"| {change.action.symbol} | {_code(change.workflow)} | {_code(change.version)} "
        f"| {change.action} | {_note(change)} |"
    )


def _elements(kind: str, changes: ElementChanges) -> list[str]:
    return [
        *(f"- added {kind} {_code(e)}" for e in changes.added),
        *(f"- removed {kind} {_code(e)}" for e in changes.removed),
        *(f"- changed {kind} {_code(e)}" for e in changes.changed),
    ]


def _details(change: Change, diagram: str | None) -> list[str]:
    if change.states is None or change.transitions is None:
        return []
    by_hand = ": changed by hand since it was applied" if change.action is Action.DRIFT else ""
    lines = [
        "<details>",
        f"<summary>{_escaped(change.workflow)} {_escaped(change.version)}{by_hand}</summary>",
        "",
        *_elements("state", change.states),
        *_elements("transition", change.transitions),
    ]
    if diagram:
        lines += ["", "```mermaid", diagram.rstrip("\n"), "```"]
    return [*lines, "", "</details>", ""]


def _preamble(plan: Plan) -> list[str]:
    lines = []
    if plan.runtime_action is RuntimeAction.INSTALL:
        lines.append(f"- The workflow runtime (version {plan.runtime_target}) will be installed.")
    elif plan.runtime_action is RuntimeAction.UPGRADE:
        lines.append(
            f"- The workflow runtime will be upgraded from version {plan.runtime_installed} "
            f"to {plan.runtime_target}."
        )
    if plan.create_tenant:
        lines.append(f"- Tenant {_code(plan.tenant)} will be created.")
    return lines


def render(plan: Plan, *, diagrams: Mapping[str, str] | None = None) -> str:
    diagrams = diagrams or {}
    shown = [c for c in plan.changes if c.action is not Action.UNCHANGED]
    lines = [
        f"### pypgflow-ops plan for tenant {_code(plan.tenant)}",
        "",
        f"**{summary(plan, show=_escaped)}**",
        "",
    ]
    where = source(plan.origin)
    if where:
        lines += [f"Source: {where}", ""]
    preamble = _preamble(plan)
    if preamble:
        lines += [*preamble, ""]
    if shown:
        lines += ["| | workflow | version | action | note |", "| --- | --- | --- | --- | --- |"]
        lines += [_row(change) for change in shown]
        lines.append("")
    for change in shown:
        lines += _details(change, diagrams.get(change.workflow))
    return "\n".join(lines).rstrip("\n") + "\n"


def change_diagrams(plan: Plan, desired: Iterable[Workflow], live: LiveState) -> dict[str, str]:
    """Workflow name -> Mermaid text of its new version against the active one."""
    from pypgflow_ops.diagram import mermaid_change
    from pypgflow_ops.diagram.mermaid import within_mermaid_limits

    new = {(c.workflow, c.version): c.active_version for c in plan.changes if c.action.adds_version}
    applied = {(d.workflow.name, d.workflow.version): d.workflow for d in live.definitions}
    drawn = sorted((w for w in desired if (w.name, w.version) in new), key=lambda w: w.name)
    diagrams = {
        w.name: mermaid_change(applied.get((w.name, new[(w.name, w.version)] or "")), w)
        for w in drawn[:MAX_DIAGRAMS]
    }
    # A pull-request comment would show Mermaid's "limit exceeded" box instead: leave those out.
    return {name: text for name, text in diagrams.items() if within_mermaid_limits(text)}
