"""A plan for people at a terminal, like `terraform plan`: one line per workflow, +, ~, <, -, !."""

from __future__ import annotations

from collections.abc import Callable

from pypgflow_ops.plan import Action, Change, ElementChanges, Plan, RuntimeAction
from pypgflow_ops.terminal import printable

_RESET = "\x1b[0m"
_STYLE = {
    Action.CREATE: "\x1b[32m",
    Action.NEW_VERSION: "\x1b[33m",
    Action.ROLLBACK: "\x1b[36m",
    Action.RETIRE: "\x1b[31m",
    Action.CONFLICT: "\x1b[1;31m",
    Action.DRIFT: "\x1b[1;31m",
}
SYMBOL = {
    Action.CREATE: "+",
    Action.NEW_VERSION: "~",
    Action.ROLLBACK: "<",
    Action.RETIRE: "-",
    Action.CONFLICT: "!",
    Action.DRIFT: "!",
}


def _paint(text: str, action: Action, color: bool) -> str:
    return f"{_STYLE[action]}{text}{_RESET}" if color else text


def _head(change: Change) -> str:
    name, version = printable(change.workflow), printable(change.version)
    active = printable(change.active_version or "")
    if change.action is Action.NEW_VERSION:
        return f"{name} {active} -> {version} (new version, revision {change.revision})"
    if change.action is Action.ROLLBACK:
        return f"{name} {active} -> {version} (rollback: {version} becomes active again)"
    if change.action is Action.RETIRE:
        return f"{name} {version} (retire: new starts refused, running instances finish)"
    if change.action is Action.CREATE and change.states and change.transitions:
        states = _count(len(change.states.added), "state")
        transitions = _count(len(change.transitions.added), "transition")
        return f"{name} {version} (create: {states}, {transitions})"
    return f"{name} {version} ({change.action}: {printable(change.message or '')})"


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
    if change.impact and change.impact.running:
        running = _count(change.impact.running, "running instance")
        if change.action is Action.RETIRE:
            lines.append(f"      {running} will finish on {printable(change.version)}")
        else:
            lines.append(
                f"      {running} ({change.impact.in_removed_states} in states this version "
                "no longer has) will stay on their version"
            )
    return lines


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
    count = plan.count
    if plan.errors:
        return f"Plan refused: {count(Action.CONFLICT)} conflict, {count(Action.DRIFT)} drift."
    if not plan.has_changes:
        return "No changes."
    new_versions = _count(count(Action.NEW_VERSION), "new version")
    return (
        f"Plan: {count(Action.CREATE)} to create, {new_versions}, "
        f"{count(Action.ROLLBACK)} to roll back, {count(Action.RETIRE)} to retire, "
        f"{count(Action.UNCHANGED)} unchanged."
    )


def summary(plan: Plan, *, show: Callable[[str], str] = printable) -> str:
    """One line: the counts, and what the repository no longer has that stays (no --prune).

    `show` makes a workflow name safe for the output (markdown escapes more than text).
    """
    if plan.not_in_repository:
        return f"{_verdict(plan)} {_not_in_repository(plan, show)}"
    if not plan.has_changes and not plan.errors:
        return "No changes. The database matches the repository."
    return _verdict(plan)


def render(plan: Plan, *, color: bool = False) -> str:
    lines = [f"Tenant {printable(plan.tenant)}:", *_preamble(plan)]
    for change in plan.changes:
        if change.action is Action.UNCHANGED:
            continue
        symbol = _paint(SYMBOL[change.action], change.action, color)
        lines.append(f"  {symbol} {_head(change)}")
        lines += _details(change)
    lines += ["", summary(plan)]
    return "\n".join(lines) + "\n"
