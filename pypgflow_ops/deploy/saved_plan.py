"""The saved plan file (`plan --out FILE`, `apply --plan FILE`): one of three shapes of a plan,
versioned on its own by `saved_plan_format`.

It carries every definition the plan was made from, so `apply --plan FILE` needs no repository:
apply lints them again, makes the plan again from them and the database under the lock, and
refuses the whole file when anything differs from what the file says (`deploy.apply`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pypgflow_ops import __version__
from pypgflow_ops.deploy.carried import linted
from pypgflow_ops.deploy.record import decisions
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.files import read_regular_file
from pypgflow_ops.model import Migration, Workflow
from pypgflow_ops.plan import Origin, Plan
from pypgflow_ops.terminal import printable

if TYPE_CHECKING:
    from pypgflow_ops.config import Config

# 3: the instances a migration moves, and each definition's `migrate:`; 4: the fingerprint
# covers the versions the plan decides with, not every applied version
SAVED_PLAN_FORMAT = 4
MAX_SIZE = 256 * 1024 * 1024
_WRITTEN_BY = f"pypgflow-ops {__version__}"


@dataclass(frozen=True, slots=True)
class SavedPlan:
    tenant: str
    prune: bool
    fingerprint: str  # of the database state the plan was made against
    decisions: Mapping[str, Any]  # what the plan decided, as `decisions(plan)` gives it
    workflows: tuple[Workflow, ...]  # every definition the plan was made from
    origin: Origin | None = None


def saved(plan: Plan, workflows: Sequence[Workflow], fingerprint: str, *, prune: bool) -> SavedPlan:
    return SavedPlan(
        plan.tenant, prune, fingerprint, decisions(plan), tuple(workflows), plan.origin
    )


def dumps(saved_plan: SavedPlan) -> str:
    return json.dumps(document(saved_plan), ensure_ascii=False, separators=(",", ":"))


def document(saved_plan: SavedPlan) -> dict[str, Any]:
    """The file's JSON document (a fleet plan file holds one per tenant)."""
    return {
        "saved_plan_format": SAVED_PLAN_FORMAT,
        "written_by": _WRITTEN_BY,
        "tenant": saved_plan.tenant,
        "prune": saved_plan.prune,
        "fingerprint": saved_plan.fingerprint,
        "origin": saved_plan.origin.to_dict() if saved_plan.origin else None,
        "plan": saved_plan.decisions,
        "definitions": [
            {"source": w.source, "definition": w.canonical(), "migrate": _migrate(w.migrate)}
            for w in saved_plan.workflows
        ],
    }


def _migrate(migration: Migration | None) -> dict[str, Any] | None:
    """A definition's `migrate:` section, which its canonical form leaves out."""
    if migration is None:
        return None
    return {"from": list(migration.from_versions), "states": dict(migration.states)}


def write(path: Path, saved_plan: SavedPlan) -> None:
    try:
        path.write_text(dumps(saved_plan), encoding="utf-8")
    except OSError as exc:
        raise PypgflowError(f"cannot write the plan to {path}: {exc.strerror}") from None


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON can hold")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        _no_constant(text)
    return value


def parsed(data: bytes, path: Path) -> Any:
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_no_constant, parse_float=_finite)
    except UnicodeDecodeError:
        raise PypgflowError(f"{path}: not a saved plan (not UTF-8 text)") from None
    except (ValueError, RecursionError) as exc:
        detail = printable(str(exc))[:200]
        raise PypgflowError(f"{path}: not a saved plan (not JSON: {detail})") from None


def _compatible(document: Any, path: Path) -> None:
    if not isinstance(document, dict):
        raise PypgflowError(f"{path}: not a saved plan (a JSON object was expected)")
    if "saved_plan_format" not in document:
        if "fleet_plan_format" in document:
            raise PypgflowError(
                f"{path}: a plan for several tenants: apply it with the --tenant options (or "
                "--all-tenants) it was made with"
            )
        if "changes" in document and "summary" in document:
            raise PypgflowError(
                f"{path}: this is a plan's JSON view, not a saved plan: save one with "
                "`plan --out FILE`"
            )
        raise PypgflowError(f"{path}: not a saved plan (no saved_plan_format)")
    found = document["saved_plan_format"]
    if found != SAVED_PLAN_FORMAT:
        writer = document.get("written_by")
        writer = printable(writer)[:80] if isinstance(writer, str) else "an older pypgflow-ops"
        raise PypgflowError(
            f"{path}: written by {writer}, format {printable(json.dumps(found))[:20]}; this is "
            f"{_WRITTEN_BY}, format {SAVED_PLAN_FORMAT}: make the plan again"
        )


_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


def _shape_problem(document: dict[str, Any]) -> str | None:
    import jsonschema

    from pypgflow_ops.deploy.saved_plan_schema import SAVED_PLAN_SCHEMA

    try:
        import jsonschema_rs
    except ImportError:  # an optional speed-up, as in schema.py
        pass
    else:
        if jsonschema_rs.validator_for(SAVED_PLAN_SCHEMA).is_valid(document):
            return None  # the common case, 30 times faster; jsonschema explains the rest
    validator = jsonschema.Draft202012Validator(SAVED_PLAN_SCHEMA)
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is None:
        return None
    where = printable(error.json_path)[:120]
    if error.validator == "type":
        return f"{where}: expected {error.validator_value}, not {_JSON_TYPES[type(error.instance)]}"
    return f"{where}: {printable(error.message)[:200]}"


def loads(data: bytes, path: Path, config: Config) -> SavedPlan:
    try:
        return _loads(data, path, config)
    except RecursionError:
        raise PypgflowError(f"{path}: not a saved plan (nested too deeply)") from None


def _loads(data: bytes, path: Path, config: Config) -> SavedPlan:
    return from_document(parsed(data, path), path, config)


def from_document(document: Any, path: Path, config: Config) -> SavedPlan:
    """A saved plan's document, checked as `read` checks a file's."""
    _compatible(document, path)
    problem = _shape_problem(document)
    if problem:
        raise PypgflowError(f"{path}: not a saved plan this pypgflow-ops can read: {problem}")
    origin = document["origin"]
    return SavedPlan(
        tenant=document["tenant"],
        prune=document["prune"],
        fingerprint=document["fingerprint"],
        decisions=document["plan"],
        workflows=linted(document["definitions"], path, config),
        origin=Origin.from_dict(origin) if origin is not None else None,
    )


def read(path: Path, config: Config) -> SavedPlan:
    """The saved plan in `path`, its definitions linted; anything else is refused in one line."""
    return loads(read_regular_file(path, MAX_SIZE, "the plan"), path, config)
