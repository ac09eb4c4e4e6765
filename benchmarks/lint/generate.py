"""Generate the lint benchmark's input: realistic, valid, lint-clean workflow files.

    python benchmarks/lint/generate.py            # 1,000 files of 50 states / 100 transitions,
                                                  # and one of 10,000 states / 30,000 transitions

The output (under benchmarks/data/lint/, git-ignored) is the same on every run: one seeded random
generator drives everything.
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parents[1] / "data" / "lint"
SEED = 20261126

STEPS = (
    "intake", "triage", "credit_check", "kyc_review", "document_upload", "manager_review",
    "finance_review", "legal_review", "quality_check", "picking", "packing", "dispatch",
    "customer_contact", "escalation", "investigation", "remediation", "sign_off", "billing",
    "settlement", "archival", "verification", "risk_scoring", "approval", "fulfilment",
)
FINALS = ("completed", "rejected", "cancelled", "expired", "withdrawn", "closed")
VERBS = ("start", "approve", "reject", "escalate", "assign", "verify", "route", "submit",
         "return", "confirm", "hand_over", "reopen")
ROLES = ("analyst", "manager", "finance_controller", "agent", "admin", "auditor", "clerk")
FIELDS = ("approval_code", "amount", "currency", "assigned_to", "reviewed_by", "case_reference",
          "risk_score", "tracking_number", "customer_id", "resolution_notes", "cost_centre")
COLOURS = ("orange", "green", "red", "blue", "gold", "gray", "#1f77b4", "#ff7f0e", "#2ca02c",
           "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#fa0")
CATEGORIES = ("business_process", "security", "finance", "operations", "commerce", "compliance")


@dataclass(frozen=True, slots=True)
class Shape:
    states: int
    transitions: int
    finals: int


SMALL = Shape(states=50, transitions=100, finals=3)
HUGE = Shape(states=10_000, transitions=30_000, finals=20)


def _title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _state_names(rng: random.Random, shape: Shape) -> list[str]:
    width = len(str(shape.states))
    working = [f"{rng.choice(STEPS)}_{i:0{width}d}" for i in range(shape.states - shape.finals)]
    return working + [f"{FINALS[index % len(FINALS)]}_{index:02d}" for index in range(shape.finals)]


def _edges(rng: random.Random, shape: Shape) -> list[tuple[int, int]]:
    """Every state reachable from state 0 and able to reach a final state; finals have no exit."""
    working = shape.states - shape.finals
    edges = [(index, index + 1) for index in range(working)]  # the spine, into the first final
    edges += [(rng.randrange(working), final) for final in range(working + 1, shape.states)]
    seen = set(edges)
    while len(edges) < shape.transitions:
        edge = (rng.randrange(working), rng.randrange(1, shape.states))
        if edge[0] != edge[1] and edge not in seen:
            seen.add(edge)
            edges.append(edge)
    rng.shuffle(edges)
    return edges


def _state(rng: random.Random, name: str, initial: bool, final: bool) -> dict[str, Any]:
    metadata: dict[str, Any] = {"display_name": _title(name), "color": rng.choice(COLOURS)}
    if rng.random() < 0.15:
        metadata["description"] = f"The case is at the {_title(name).lower()} step."
    if rng.random() < 0.2:
        metadata["requires_role"] = rng.choice(ROLES)
    state: dict[str, Any] = {"name": name}
    if initial:
        state["initial"] = True
    if final:
        state["final"] = True
    state["metadata"] = metadata
    return state


def _transition(rng: random.Random, source: str, target: str) -> dict[str, Any]:
    verb = rng.choice(VERBS)
    transition: dict[str, Any] = {"from": source, "to": target, "name": f"{verb}_{target}"}
    if rng.random() < 0.3:
        required = rng.sample(FIELDS, rng.randint(1, 3))
        transition["conditions"] = {"field_required": required[0] if len(required) == 1
                                    else required}
    if rng.random() < 0.2:
        transition["context"] = {
            "typical_user_roles": rng.sample(ROLES, 2),
            "sla_hours": rng.choice((4, 8, 24, 48, 72)),
        }
    if rng.random() < 0.7:
        transition["metadata"] = {"display_name": _title(verb)}
    return transition


def workflow(rng: random.Random, name: str, shape: Shape) -> dict[str, Any]:
    names = _state_names(rng, shape)
    working = shape.states - shape.finals
    return {
        "workflow": {
            "name": name,
            "version": f"{rng.randint(1, 9)}.{rng.randint(0, 20)}",
            "metadata": {
                "display_name": _title(name),
                "description": f"Generated benchmark workflow {name}.",
                "category": rng.choice(CATEGORIES),
            },
        },
        "states": [_state(rng, n, i == 0, i >= working) for i, n in enumerate(names)],
        "transitions": [_transition(rng, names[s], names[t]) for s, t in _edges(rng, shape)],
    }


def _write(path: Path, document: dict[str, Any]) -> int:
    text = yaml.dump(document, Dumper=yaml.CSafeDumper, sort_keys=False, width=100,
                     default_flow_style=None)
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def generate(out: Path, files: int) -> None:
    for folder in (out / "files", out / "huge"):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    rng = random.Random(SEED)
    size = sum(
        _write(out / "files" / f"workflow_{index:04d}.yaml",
               workflow(rng, f"workflow_{index:04d}", SMALL))
        for index in range(files)
    )
    huge = _write(out / "huge" / "huge.yaml",
                  workflow(random.Random(SEED + 1), "huge_workflow", HUGE))
    print(f"{files} files, {size / 1e6:.1f} MB in {out / 'files'}")
    print(f"1 file of {HUGE.states} states / {HUGE.transitions} transitions, "
          f"{huge / 1e6:.1f} MB in {out / 'huge'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=DATA)
    args = parser.parse_args()
    generate(args.out, args.files)


if __name__ == "__main__":
    main()
