"""Which transitions and states of each workflow the passing scenarios took and reached."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pypgflow_ops.model import Workflow
from pypgflow_ops.scenarios.results import ScenarioResult

TransitionKey = tuple[str, str, str]  # from_state, name, to_state


@dataclass(frozen=True, slots=True)
class WorkflowCoverage:
    workflow: str
    transitions: int
    states: int
    untested_transitions: tuple[TransitionKey, ...]
    unreached_states: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "workflow": self.workflow,
            "transitions": self.transitions,
            "states": self.states,
            "untested_transitions": [
                {"from": f, "name": n, "to": t} for f, n, t in self.untested_transitions
            ],
            "unreached_states": list(self.unreached_states),
        }


def coverage(
    workflows: Sequence[Workflow], results: Iterable[ScenarioResult]
) -> tuple[WorkflowCoverage, ...]:
    """Per workflow of the repository, by name: what no passing scenario took or reached."""
    taken: set[tuple[str, str | None, str | None, str]] = set()
    for result in results:
        taken.update((result.workflow, *move) for move in result.moves)
    reached = {(workflow, to) for workflow, _, _, to in taken}
    return tuple(
        WorkflowCoverage(
            w.name,
            len(w.transitions),
            len(w.states),
            tuple(
                sorted(
                    (t.from_state, t.name, t.to_state)  # a wildcard's from is "*"
                    for t in w.transitions
                    if not any((w.name, f, t.name, t.to_state) in taken for f in w.sources(t))
                )
            ),
            tuple(sorted(s.name for s in w.states if (w.name, s.name) not in reached)),
        )
        for w in sorted(workflows, key=lambda w: w.name)
    )
