"""For the diagram tests: examples, fixtures, hostile workflows built by hand, golden files.

To accept a deliberate change of output: `PYPGFLOW_UPDATE_GOLDEN=1 pytest tests/diagram`, then
review the diff of tests/diagram/golden/ before committing it.
"""

from __future__ import annotations

import itertools
import os
import random
from pathlib import Path

from pypgflow_ops.config import Config
from pypgflow_ops.diagram.sources import Drawable, load
from pypgflow_ops.discovery import is_scenario_file
from pypgflow_ops.model import State, Transition, Workflow

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (REPO / "workflows").glob("*.yaml") if not is_scenario_file(p.name))
FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"


def drawable(path: Path) -> Drawable:
    (only,) = load(path, Config())
    return only


def workflow(path: Path) -> Workflow:
    return drawable(path).workflow


# Names as a database could hold them (the schema forbids these in files): every kind of text
# that can break an id or a label, and names that look like the diagram's own ids.
HOSTILE_NAMES = (
    'quote"d',
    "trailing\\",
    "new\nline",
    "<&>",
    "Ärger 日本",
    "end",
    "~entry",
    "entry",
    "s_end",
    "a--b",
    '%%{init: {"theme": "dark"}}%% #35;',
    "<b>bold</b> &lt;",
    "bell\x07",
    "Set style:#red; ok",  # Mermaid's style pre-pass would eat the `;` of an entity after `:`
    "می\u200cخواهم 👨\u200d👩",  # noqa: RUF001 (Persian and emoji: joiners kept, not escaped)
)


def hostile_workflow() -> Workflow:
    states = [
        State(name, initial=index == 0, final=index == len(HOSTILE_NAMES) - 1)
        for index, name in enumerate(HOSTILE_NAMES)
    ]
    transitions = [
        Transition(a, b, f"{a} -> {b}", conditions={"x": 1} if index % 2 else {})
        for index, (a, b) in enumerate(itertools.pairwise(HOSTILE_NAMES))
    ]
    return Workflow('hostile "wf"\\', "1\n2", tuple(states), tuple(transitions))


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("PYPGFLOW_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == actual, f"differs from tests/diagram/golden/{name}"


def large_workflow(states: int, seed: int = 5) -> Workflow:
    """A workflow-like graph: moves mostly a few steps forward, some back, a few far; two or three
    transitions per state, every state reachable; labels and colours like the examples'."""
    rng = random.Random(seed)
    finals = max(1, states // 100)
    names = [f"step_{i:05d}" for i in range(states - finals)]
    names += [f"done_{i:03d}" for i in range(finals)]
    colors = ("orange", "#1f77b4", "#2ca02c", "#d62728", "#9467bd", None)
    drawn_states = [
        State(
            name,
            initial=i == 0,
            final=i >= states - finals,
            metadata={"display_name": name.replace("_", " ").capitalize()}
            | ({"color": color} if (color := rng.choice(colors)) else {}),
        )
        for i, name in enumerate(names)
    ]
    transitions = []
    for i in range(states - finals):
        targets = {i + 1, min(i + rng.randint(2, 4), states - 1)}
        if rng.random() < 0.25:
            targets.add(max(0, i - rng.randint(1, 3)))
        elif rng.random() < 0.05:
            targets.add(rng.randrange(states))
        for k, target in enumerate(sorted(targets)):
            transitions.append(
                Transition(
                    names[i],
                    names[target],
                    f"move_{k}",
                    conditions={"field_required": "x"} if rng.random() < 0.4 else {},
                    metadata={"display_name": f"Move {k} of {i}"},
                )
            )
    return Workflow(f"large_{states}", "1", tuple(drawn_states), tuple(transitions))
