from pypgflow_ops.diff import diff_workflows
from pypgflow_ops.model import State, Transition, Workflow


def _workflow(states: list[State], transitions: list[Transition]) -> Workflow:
    return Workflow(name="w", version="1", states=tuple(states), transitions=tuple(transitions))


def test_diff_reports_added_removed_and_changed_elements() -> None:
    old = _workflow(
        [State("a", initial=True), State("b"), State("c", final=True)],
        [Transition("a", "b", "go"), Transition("b", "c", "finish")],
    )
    new = _workflow(
        [State("a", initial=True), State("b", metadata={"color": "red"}), State("d", final=True)],
        [Transition("a", "b", "go"), Transition("b", "d", "finish")],
    )

    diff = diff_workflows(old, new)

    assert [s.name for s in diff.states.added] == ["d"]
    assert [s.name for s in diff.states.removed] == ["c"]
    assert [(o.metadata, n.metadata) for o, n in diff.states.changed] == [({}, {"color": "red"})]
    assert diff.transitions.added == ()
    assert [(o.to_state, n.to_state) for o, n in diff.transitions.changed] == [("c", "d")]
    assert not diff.metadata_changed
    assert diff


def test_diff_against_nothing_adds_everything_and_identical_versions_differ_in_nothing() -> None:
    wf = _workflow([State("a", initial=True, final=True)], [Transition("a", "a", "loop")])

    assert [s.name for s in diff_workflows(None, wf).states.added] == ["a"]
    assert not diff_workflows(wf, wf)
