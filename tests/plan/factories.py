"""Workflows and live states for planner and view tests, built directly (no files, no database)."""

from __future__ import annotations

from pypgflow_ops.model import State, Transition, Workflow
from pypgflow_ops.plan import LiveDefinition, LiveState, RunningInstances


def workflow(
    name: str = "orders", version: str = "1.0.0", *, extra_state: str | None = None
) -> Workflow:
    states = [State("new", initial=True), State("paid"), State("done", final=True)]
    transitions = [Transition("new", "paid", "pay"), Transition("paid", "done", "ship")]
    if extra_state:
        states.append(State(extra_state, final=True))
        transitions.append(Transition("paid", extra_state, f"to_{extra_state}"))
    return Workflow(
        name, version, tuple(states), tuple(transitions), source=f"workflows/{name}.yaml"
    )


def applied(wf: Workflow, revision: int = 1, *, retired: bool = False) -> LiveDefinition:
    return LiveDefinition(wf, revision, wf.content_hash(), wf.content_hash(), retired)


def edited_by_hand(applied_as: Workflow, now: Workflow) -> LiveDefinition:
    """A version applied as `applied_as` whose rows someone has since changed into `now`."""
    return LiveDefinition(now, 1, applied_as.content_hash(), now.content_hash())


def live(
    *definitions: LiveDefinition,
    heads: dict[str, str] | None = None,
    running: tuple[RunningInstances, ...] = (),
) -> LiveState:
    return LiveState(
        runtime_version=1,
        tenant_exists=True,
        definitions=definitions,
        heads=heads or {},
        running=running,
    )
