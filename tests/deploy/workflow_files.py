"""Workflow files written for the deploy tests: a chain of states, as JSON (which is YAML)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any


def chain(
    name: str, version: str = "1", *, states: int = 3, note: str = "", extra: str | None = None
) -> dict[str, Any]:
    """start -> s1 -> ... -> done, with `note` in every free-text field."""
    names = ["start", *(f"s{i}" for i in range(1, states - 1)), "done"]
    if extra:
        names.insert(1, extra)
    return {
        "workflow": {
            "name": name,
            "version": version,
            "metadata": {"description": f"{name} {note}"},
        },
        "states": [
            {
                "name": state,
                **({"initial": True} if state == "start" else {}),
                **({"final": True} if state == "done" else {}),
                "metadata": {"display_name": f"{state} {note}"},
            }
            for state in names
        ],
        "transitions": [
            {
                "from": a,
                "to": b,
                "name": f"to_{b}",
                "conditions": {"field_required": ["approved_by"]},
                "context": {"note": note},
                "metadata": {"display_name": f"{a} to {b} {note}"},
            }
            for a, b in itertools.pairwise(names)
        ],
    }


def write(folder: Path, *documents: dict[str, Any]) -> Path:
    """Write each document to `folder`/<name>.yaml, replacing what was there; return `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.yaml"):
        old.unlink()
    for document in documents:
        path = folder / f"{document['workflow']['name']}.yaml"
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder
