"""A plan for people at a terminal, like `terraform plan`: one line per workflow, +, ~, <, -, !."""

from __future__ import annotations

from collections.abc import Callable

from pypgflow_ops.migration import Fate
from pypgflow_ops.plan import (
    Action,
    Change,
    ElementChanges,
    InstanceGroup,
    Origin,
    Plan,
    RuntimeAction,
)
from pypgflow_ops.terminal import printable

_RESET = "\x1b[0m"


def _glyph(action: Action, color: bool) -> str:
    return (
        f"\x1b[{action.color}m{action.symbol}{_RESET}" if color and action.color else action.symbol
    )


def _head(change: Change) -> str:
    name, version = printable(change.workflow), printable(change.version)
    active = printable(change.active_version or "")
    verb = change.action.verb
    if change.action is Action.NEW_VERSION:
        return f"{name} {active} -> {version} ({verb}, revision {change.revision})"
    if change.action is Action.ROLLBACK:
        return f"{name} {active} -> {version} ({verb}: {version} becomes active again)"
    if change.action is Action.RETIRE:
        return f"{name} {version} ({verb}: new starts refused, running instances finish)"
    if change.action is Action.UNCHANGED:  # shown only when a `migrate:` map moves instances
        return f"{name} {version} ({verb}: running instances of other versions move to it)"
    if change.action is Action.CREATE and change.states and change.transitions:
        states = _count(len(change.states.added), "state")
        transitions = _count(len(change.transitions.added), "transition")
        return f"{name} {version} ({verb}: {states}, {transitions})"
    return f"{name} {version} ({verb}: {printable(change.message or '')})"


def _elements(kind: str, changes: ElementChanges) -> list[str]:
    return [
        *(f"      + {kind} {printable(e)}" for e in changes.added),
        *(f"      - {kind} {printable(e)}" for e in changes.removed),
        *(f"      ~ {kind} {printable(e)}" for e in changes.changed),
    ]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _details(change: Change) -> list[str]:
    lines: list[str] = []
    if change.action is Action.DRIFT and (change.states or change.transitions):
        lines.append("      changed by hand since it was applied:")
    if change.action in (Action.NEW_VERSION, Action.DRIFT) and change.states is not None:
        lines += _elements("state", change.states)
    if change.action in (Action.NEW_VERSION, Action.DRIFT) and change.transitions is not None:
        lines += _elements("transition", change.transitions)
    if change.impact:
        lines += [_instances(change, group) for group in change.impact.groups]
    return lines


def _instances(change: Change, group: InstanceGroup) -> str:
    """One line per version and state: "1.0 backordered: 2 running instances, stranded ..."."""
    version, state = printable(group.version), printable(group.state)
    head = f"{version} {state}: {_count(group.count, 'running instance')}, {group.fate}"
    new = printable(change.version)
    if group.refused:
        return (
            f"    ! {head}: `migrate` moves {version} to {new}, which has no state "
            f"{printable(group.to_state or group.state)}: map {state} to a state of {new}"
        )
    if group.fate is Fate.MIGRATED:
        return f"      {head} (moves to {new} {printable(group.to_state or '')})"
    if group.fate is Fate.STRANDED:
        return f"      {head} (stays on {version}; {new} has no state {state})"
    if change.action is Action.RETIRE:
        return f"      {head} (finishes on {version})"
    return f"      {head} (stays on {version})"


def _preamble(plan: Plan) -> list[str]:
    lines = []
    if plan.runtime_action is RuntimeAction.INSTALL:
        lines.append(f"  + runtime {plan.runtime_target} (install)")
    elif plan.runtime_action is RuntimeAction.UPGRADE:
        lines.append(f"  ~ runtime {plan.runtime_installed} -> {plan.runtime_target} (upgrade)")
    if plan.create_tenant:
        lines.append(f"  + tenant {printable(plan.tenant)} (create)")
    return lines


def _not_in_repository(plan: Plan, show: Callable[[str], str]) -> str:
    names = ", ".join(show(name) for name in plan.not_in_repository)
    workflows = _count(len(plan.not_in_repository), "workflow")
    return f"{workflows} not in the repository: {names}; `--prune` retires them."


def _verdict(plan: Plan) -> str:
    errors = [action for action in Action if action.error]
    if plan.errors:
        said = [a.tally(plan.count(a)) for a in errors]
        refused = sum(g.count for c in plan.errors if c.impact for g in c.impact.refused)
        if refused:
            said.append(f"{_count(refused, 'running instance')} a migration would strand")
        return f"Plan refused: {', '.join(said)}."
    if not plan.has_changes:
        return "No changes."
    said = [a.tally(plan.count(a)) for a in Action if not a.error]
    if plan.migrated:
        said.append(f"{_count(plan.migrated, 'running instance')} to migrate")
    return f"Plan: {', '.join(said)}."


def summary(plan: Plan, *, show: Callable[[str], str] = printable) -> str:
    """One line: the counts, and what the repository no longer has that stays (no --prune).

    `show` makes a workflow name safe for the output (markdown escapes more than text).
    """
    if plan.not_in_repository:
        return f"{_verdict(plan)} {_not_in_repository(plan, show)}"
    if not plan.has_changes and not plan.errors:
        return "No changes. The database matches the repository."
    return _verdict(plan)


def source(origin: Origin | None) -> str | None:
    """Where the definitions came from, when git knows: "commit 0123456789ab + uncommitted
    changes"."""
    if origin is None or origin.dirty is None:
        return None
    if origin.git_commit is None:
        return "a git work tree with no commit yet"
    changes = " + uncommitted changes" if origin.dirty else ""
    return f"commit {origin.git_commit[:12]}{changes}"


def render(plan: Plan, *, color: bool = False) -> str:
    where = source(plan.origin)
    lines = [f"Source: {where}"] if where else []
    lines += [f"Tenant {printable(plan.tenant)}:", *_preamble(plan)]
    for change in plan.changes:
        if change.action is Action.UNCHANGED and not change.impact:
            continue
        lines.append(f"  {_glyph(change.action, color)} {_head(change)}")
        lines += _details(change)
    lines += ["", summary(plan)]
    return "\n".join(lines) + "\n"
