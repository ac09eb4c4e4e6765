"""A plan saved to a file with the fingerprint of the database state it was computed against.

The file carries the definitions the plan writes, so `apply --plan FILE` needs no repository.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.model import State, Transition, Workflow
from pypgflow_ops.plan import Action, Plan

SAVED_PLAN_FORMAT = 1


@dataclass(frozen=True, slots=True)
class SavedPlan:
    plan: Plan
    fingerprint: str
    workflows: tuple[Workflow, ...]  # the versions the plan creates
    git_commit: str | None = None  # of the repository the plan was made from


def workflow_from_canonical(data: Mapping[str, Any]) -> Workflow:
    """The inverse of `Workflow.canonical()`."""
    return Workflow(
        name=data["name"],
        version=data["version"],
        metadata=data["metadata"],
        states=tuple(
            State(s["name"], s["initial"], s["final"], s["metadata"]) for s in data["states"]
        ),
        transitions=tuple(
            Transition(t["from"], t["to"], t["name"], t["conditions"], t["context"], t["metadata"])
            for t in data["transitions"]
        ),
    )


def dumps(saved: SavedPlan) -> str:
    return json.dumps(
        {
            "saved_plan_format": SAVED_PLAN_FORMAT,
            "fingerprint": saved.fingerprint,
            "git_commit": saved.git_commit,
            "plan": saved.plan.to_dict(),
            "definitions": [w.canonical() for w in saved.workflows],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _checked(saved: SavedPlan, path: Path) -> SavedPlan:
    hashes = {(w.name, w.version): w.content_hash() for w in saved.workflows}
    for change in saved.plan.changes:
        if change.action in (Action.CREATE, Action.NEW_VERSION) and (
            hashes.get((change.workflow, change.version)) != change.content_hash
        ):
            raise PypgflowError(
                f"{path}: the definition of {change.workflow} {change.version} does not match "
                "its content hash (the file was edited): make the plan again"
            )
    return saved


def loads(text: str, path: Path) -> SavedPlan:
    try:
        data = json.loads(text)
        if data.get("saved_plan_format") != SAVED_PLAN_FORMAT:
            raise PypgflowError(
                f"{path}: not a saved plan of this pypgflow-ops: make the plan again"
            )
        saved = SavedPlan(
            plan=Plan.from_dict(data["plan"]),
            fingerprint=data["fingerprint"],
            workflows=tuple(workflow_from_canonical(w) for w in data["definitions"]),
            git_commit=data["git_commit"],
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PypgflowError(
            f"{path}: not a readable saved plan ({exc}): make the plan again"
        ) from None
    return _checked(saved, path)


def write(path: Path, saved: SavedPlan) -> None:
    try:
        path.write_text(dumps(saved), encoding="utf-8")
    except OSError as exc:
        raise PypgflowError(f"cannot write the plan to {path}: {exc.strerror}") from None


def read(path: Path) -> SavedPlan:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PypgflowError(f"cannot read the plan {path}: {exc}") from None
    return loads(text, path)
