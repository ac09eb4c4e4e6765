"""The reachability rules' one-pass check before the search: it settles most files without
importing networkx, and the rules' verdicts are those of networkx's search whatever the order
of the transitions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from pypgflow_ops.model import Position, State, Transition, Workflow
from pypgflow_ops.rules.reachability import no_path_to_final, unreachable_state
from pypgflow_ops.rules.subject import Subject

REPO = Path(__file__).resolve().parents[2]
NAMES = ["a", "b", "c", "d", "e"]


def _networkx_imported_by_lint(text: str) -> bool:
    code = (
        "import sys\nfrom pypgflow_ops.lint import lint_source\n"
        f"assert not lint_source({text.encode()!r}, 'w.yaml').problems\n"
        "print('networkx' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    return done.stdout == "True\n"


def test_a_file_in_flow_order_is_linted_without_networkx() -> None:
    text = (REPO / "workflows" / "expense_approval.yaml").read_text(encoding="utf-8")
    assert _networkx_imported_by_lint(text) is False


def test_transitions_against_the_flow_are_left_to_networkx() -> None:
    text = """\
workflow: {name: w, version: "1"}
states:
  - {name: start, initial: true}
  - {name: middle}
  - {name: done, final: true}
transitions:
  - {from: middle, to: done, name: finish}
  - {from: start, to: middle, name: go}
"""
    assert _networkx_imported_by_lint(text) is True


def _searched(graph: nx.DiGraph, starts: list[str]) -> set[str]:
    return {node for layer in nx.bfs_layers(graph, starts) for node in layer} if starts else set()


def _expanded(edges: list[tuple[str, str]], final: set[str]) -> list[tuple[str, str]]:
    """`from: "*"` as the docs define it: from every non-final state other than the target."""
    return [
        (source, b)
        for a, b in edges
        for source in ([a] if a != "*" else [n for n in NAMES if n not in final and n != b])
    ]


@settings(max_examples=300, deadline=None)
@given(
    edges=st.lists(st.tuples(st.sampled_from([*NAMES, "*"]), st.sampled_from(NAMES)), max_size=8),
    initial=st.sets(st.sampled_from(NAMES), max_size=2),
    final=st.sets(st.sampled_from(NAMES), max_size=2),
)
def test_the_verdicts_are_networkx_search_verdicts(
    edges: list[tuple[str, str]], initial: set[str], final: set[str]
) -> None:
    states = tuple(State(n, initial=n in initial, final=n in final) for n in NAMES)
    transitions = tuple(Transition(a, b, f"t{i}") for i, (a, b) in enumerate(edges))
    subject = Subject.of(
        Workflow("w", "1", states, transitions), Position(1, 1), lambda _: Position(1, 1)
    )
    graph = nx.DiGraph(_expanded(edges, final))
    graph.add_nodes_from(NAMES)

    flagged = {f.message.split("'")[1] for f in unreachable_state(subject)}
    expected = set(NAMES) - _searched(graph, sorted(initial)) if initial else set()
    assert flagged == expected
    stuck = {f.message.split("'")[1] for f in no_path_to_final(subject)}
    expected = set(NAMES) - _searched(graph.reverse(), sorted(final)) if final else set()
    assert stuck == expected
