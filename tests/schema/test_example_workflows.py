"""The example workflows (and the benchmark's generated ones) are sound state machines.

Checked here on the plain data, independently of the linter, so that the examples stay good
teaching material whatever the lint rules become.
"""

from __future__ import annotations

import importlib.util
import json
import random
import re
import sys
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from pypgflow_ops.discovery import is_scenario_file

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (REPO / "workflows").glob("*.yaml") if not is_scenario_file(p.name))
SCHEMA = REPO / "schemas" / "workflow.schema.json"
GENERATOR = REPO / "benchmarks" / "lint" / "generate.py"
_GENERATOR_MODULE = "pypgflow_ops_benchmark_generate"
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


def assert_sound(document: Mapping[str, Any]) -> None:
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
def test_example_is_a_sound_state_machine(path: Path) -> None:
    assert_sound(_load(path))


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(_GENERATOR_MODULE, GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[_GENERATOR_MODULE] = module  # dataclasses look their own module up
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_generator_makes_the_same_sound_valid_workflows_every_time() -> None:
    generate = _generator()
    shape = generate.Shape(states=50, transitions=100, finals=3)
    first = generate.workflow(random.Random(7), "bench", shape)
    validator = Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))

    assert_sound(first)
    assert [e.message for e in validator.iter_errors(first)] == []
    assert (len(first["states"]), len(first["transitions"])) == (50, 100)
    assert generate.workflow(random.Random(7), "bench", shape) == first


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
