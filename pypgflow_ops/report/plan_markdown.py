"""A plan as Markdown for a pull-request comment, as GitHub renders it (GFM): a hidden marker that
names the tenant (so a bot finds its own comment again), the summary, the plan's hashes, a table,
and per change the elements it touches with a Mermaid diagram (the first few).

A comment must stay under GitHub's 65,536 characters: the summary and table always come first,
then as many details as fit, then a line saying that the full plan is in the job's artifact.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence

from pypgflow_ops.migration import Fate
from pypgflow_ops.model import Workflow
from pypgflow_ops.plan import (
    Action,
    Change,
    ElementChanges,
    Impact,
    InstanceGroup,
    LiveState,
    Plan,
    RuntimeAction,
)
from pypgflow_ops.problems import LintResult
from pypgflow_ops.report.plan_text import source, summary
from pypgflow_ops.terminal import printable

MAX_DIAGRAMS = 10
# GitHub refuses a comment over 65,536 characters; the rest is room for what a poster adds.
MAX_CHARACTERS = 65_000
_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]<>()#+-.!|~"})


def marker(tenant: str) -> str:
    """The first line of every plan comment: how a bot finds its own comment for a tenant."""
    return f"<!-- pypgflow-ops plan: tenant={tenant} -->"


def _one_line(text: str) -> str:
    return " ".join(printable(text).split())


def _escaped(text: str) -> str:
    """Markdown text (a paragraph, a table cell): every ASCII punctuation mark escaped."""
    return _one_line(text).translate(_MARKDOWN_SPECIAL)


def _code(text: str, *, in_table: bool = False) -> str:
    """An inline code span that no backtick (nor, in a table, a pipe) in `text` can break."""
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    inner = _one_line(text)
    if in_table:  # GFM splits cells before it reads code spans: a pipe needs its backslash
        inner = inner.replace("|", "\\|")
    return f"{fence} {inner} {fence}"


def _group(change: Change, group: InstanceGroup) -> str:
    """ "`1.0` `backordered`: 2 running instances migrated to `awaiting_stock`"."""
    number = f"{group.count} running instance{'' if group.count == 1 else 's'}"
    head = f"{_code(group.version, in_table=True)} {_code(group.state, in_table=True)}: {number}"
    if group.refused:
        target = _code(group.to_state or group.state, in_table=True)
        return f"**{head} stranded: {_code(change.version, in_table=True)} has no {target}**"
    if group.fate is Fate.MIGRATED:
        return f"{head} migrated to {_code(group.to_state or '', in_table=True)}"
    return f"{head} {group.fate}"


def _impact(change: Change, impact: Impact) -> list[str]:
    notes = []
    if change.action is Action.RETIRE:
        notes.append("new starts are refused")
    elif change.action is Action.ROLLBACK:
        notes.append("new starts use it again")
    return notes + [_group(change, group) for group in impact.groups]


def _note(change: Change) -> str:
    notes = [_escaped(change.message)] if change.message else []
    if change.action in (Action.NEW_VERSION, Action.ROLLBACK) and change.active_version:
        notes.append(f"from {_code(change.active_version, in_table=True)}")
    if change.impact:
        notes += _impact(change, change.impact)
    return "; ".join(notes)


def _row(change: Change) -> str:
    return (
        f"| {change.action.symbol} | {_code(change.workflow, in_table=True)} "
        f"| {_code(change.version, in_table=True)} | {change.action} | {_note(change)} |"
    )


def _elements(kind: str, changes: ElementChanges) -> list[str]:
    return [
        *(f"- added {kind} {_code(e)}" for e in changes.added),
        *(f"- removed {kind} {_code(e)}" for e in changes.removed),
        *(f"- changed {kind} {_code(e)}" for e in changes.changed),
    ]


def _headline(change: Change) -> str:
    """The `<summary>` text: raw HTML, where Markdown escapes would show as backslashes."""
    text = f"{_one_line(change.workflow)} {_one_line(change.version)}"
    if change.action is Action.DRIFT:
        text += ": changed by hand since it was applied"
    elif change.action is Action.ROLLBACK:
        text += f": rollback from {_one_line(change.active_version or '')}"
    return html.escape(text, quote=False)


def _details(change: Change, diagram: str | None) -> tuple[str, ...]:
    """The change's details block: with its diagram, then without it (when room is short)."""
    if change.states is None or change.transitions is None:
        return ()
    lines = [
        "<details>",
        f"<summary>{_headline(change)}</summary>",
        "",
        *_elements("state", change.states),
        *_elements("transition", change.transitions),
    ]
    end = ["", "</details>", ""]
    plain = "\n".join([*lines, *end])
    if not diagram:
        return (plain,)
    return ("\n".join([*lines, "", "```mermaid", diagram.rstrip("\n"), "```", *end]), plain)


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


def _title(tenant: str) -> list[str]:
    return [marker(tenant), f"### pypgflow-ops plan for tenant {_code(tenant)}", ""]


def _hashes(plan_hash: str | None, fingerprint: str | None) -> list[str]:
    """What ties the comment to the saved plan a deploy job applies."""
    said = []
    if plan_hash:
        said.append(f"Plan `{plan_hash}` (recorded with the deployment)")
    if fingerprint:
        said.append(f"made against database state `{fingerprint}` (what `apply --plan` checks)")
    return [", ".join(said) + ".", ""] if said else []


def _fitted(
    head: list[str], blocks: Sequence[Sequence[str]], what: str, limit: int, gap: str = "\n"
) -> str:
    """`head`, then each block in the first of its forms that fits in `limit` characters, until
    one does not fit at all; then a note saying how many were left out."""
    text = "\n".join(head).rstrip("\n") + "\n"
    for shown, forms in enumerate(blocks):
        note = (
            f"\n_{len(blocks) - shown} more {what} not shown here: a comment is limited to 65,536 "
            "characters. The full plan is in the job's artifact._\n"
        )
        room = limit - len(text) - len(gap) - len(note)
        form = next((form for form in forms if len(form) <= room), None)
        if form is None:
            return text + note
        text += gap + form.rstrip("\n") + "\n"
    return text


def render(
    plan: Plan,
    *,
    diagrams: Mapping[str, str] | None = None,
    plan_hash: str | None = None,
    fingerprint: str | None = None,
    limit: int = MAX_CHARACTERS,
) -> str:
    diagrams = diagrams or {}
    shown = [c for c in plan.changes if c.action is not Action.UNCHANGED or c.impact]
    head = [*_title(plan.tenant), f"**{summary(plan, show=_escaped)}**", ""]
    head += _hashes(plan_hash, fingerprint)
    where = source(plan.origin)
    if where:
        head += [f"Source: {where}", ""]
    preamble = _preamble(plan)
    if preamble:
        head += [*preamble, ""]
    rows = [_row(change) for change in shown]
    if rows:
        table = ["| | workflow | version | action | note |", "| --- | --- | --- | --- | --- |"]
        # A table too long for a comment (thousands of workflows) keeps its first rows.
        head.append(
            _fitted(table, [[r] for r in rows], "workflows", limit // 2, gap="").rstrip("\n")
        )
    details = [d for d in (_details(c, diagrams.get(c.workflow)) for c in shown) if d]
    return _fitted(head, details, "workflow details", limit)


def render_lint_failure(tenant: str, result: LintResult, *, limit: int = MAX_CHARACTERS) -> str:
    """What a plan comment says when lint refuses the files: nothing was planned, and why."""
    errors = f"{result.errors} error{'' if result.errors == 1 else 's'}"
    head = [*_title(tenant), f"**Not planned: lint found {errors}.**", "", "#### Lint problems", ""]
    problems = [
        f"- {_code(f'{p.file}:{p.line}:{p.column}')} {p.severity.value} "
        f"{_code(p.rule)} {_escaped(p.message)}"
        for p in sorted(result.problems)
    ]
    return _fitted(head, [[p] for p in problems], "problems", limit, gap="")


def change_diagrams(plan: Plan, desired: Iterable[Workflow], live: LiveState) -> dict[str, str]:
    """Workflow name -> Mermaid text of what it becomes against the active version."""
    from pypgflow_ops.diagram import mermaid_change
    from pypgflow_ops.diagram.mermaid import within_mermaid_limits

    new = {
        (c.workflow, c.version): c.active_version
        for c in plan.changes
        if c.action.adds_version or c.action is Action.ROLLBACK
    }
    applied = {(d.workflow.name, d.workflow.version): d.workflow for d in live.definitions}
    drawn = sorted((w for w in desired if (w.name, w.version) in new), key=lambda w: w.name)
    diagrams = {
        w.name: mermaid_change(applied.get((w.name, new[(w.name, w.version)] or "")), w)
        for w in drawn[:MAX_DIAGRAMS]
    }
    # A pull-request comment would show Mermaid's "limit exceeded" box instead: leave those out.
    return {name: text for name, text in diagrams.items() if within_mermaid_limits(text)}
