"""The example workflows in workflows/ are sound state machines with complete display metadata.

Checked here on the plain data, independently of the linter, so that the examples stay good
teaching material whatever the lint rules become.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "workflows").glob("*.yaml"))
# Colour names that Graphviz (X11 scheme) and Mermaid (CSS) both know.
COLOUR = re.compile(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|red|green|blue|orange|gold|gray|purple")


def _reach(start: Iterable[str], edges: Iterable[tuple[str, str]]) -> set[str]:
    neighbours: dict[str, list[str]] = {}
    for source, target in edges:
        neighbours.setdefault(source, []).append(target)
    seen, queue = set(start), deque(start)
    while queue:
        for target in neighbours.get(queue.popleft(), []):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def _displayed(element: Mapping[str, Any]) -> bool:
    return bool(element.get("metadata", {}).get("display_name"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_is_a_sound_state_machine(path: Path) -> None:
    document = _load(path)
    states = {state["name"]: state for state in document["states"]}
    edges = [(t["from"], t["to"]) for t in document["transitions"]]
    initial = [name for name, state in states.items() if state.get("initial")]
    final = {name for name, state in states.items() if state.get("final")}

    assert len(states) == len(document["states"]), "state names are unique"
    assert len(initial) == 1 and final
    assert {name for edge in edges for name in edge} <= states.keys()
    assert _reach(initial, edges) == states.keys(), "every state is reachable"
    assert _reach(final, [(t, s) for s, t in edges]) == states.keys(), "every state can finish"
    assert [s for s, _ in edges if s in final] == [], "final states have no way out"
    assert len(set(edges)) == len(edges), "no two transitions join the same two states"
    keys = [(t["from"], t["name"]) for t in document["transitions"]]
    assert len(set(keys)) == len(keys), "transition names are unique per source state"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_has_display_names_valid_colours_and_descriptions(path: Path) -> None:
    document = _load(path)
    workflow_metadata = document["workflow"]["metadata"]

    assert document["workflow"]["name"] == path.stem
    assert workflow_metadata["description"] and workflow_metadata["display_name"]
    assert all(_displayed(element) for element in document["states"] + document["transitions"])
    assert all(COLOUR.fullmatch(state["metadata"]["color"]) for state in document["states"])
    assert all(state["metadata"].get("description") for state in document["states"])
    assert any("conditions" in transition for transition in document["transitions"])
