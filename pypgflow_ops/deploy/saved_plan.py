"""The saved plan file (`plan --out FILE`, `apply --plan FILE`): one of three shapes of a plan,
versioned on its own by `saved_plan_format`.

It carries every definition the plan was made from, so `apply --plan FILE` needs no repository:
apply lints them again, makes the plan again from them and the database under the lock, and
refuses the whole file when anything differs from what the file says (`deploy.apply`).
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pypgflow_ops import __version__
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.model import Workflow
from pypgflow_ops.plan import Origin, Plan
from pypgflow_ops.problems import Severity
from pypgflow_ops.report.text import printable

if TYPE_CHECKING:
    from pypgflow_ops.config import Config

SAVED_PLAN_FORMAT = 2
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


def decisions(plan: Plan) -> dict[str, Any]:
    """What a saved plan promises, and what `apply --plan` compares with the plan made again."""
    return {
        "create_tenant": plan.create_tenant,
        "runtime": {"installed": plan.runtime_installed, "target": plan.runtime_target},
        "changes": [
            {
                "workflow": c.workflow,
                "version": c.version,
                "action": str(c.action),
                "active_version": c.active_version,
                "revision": c.revision,
                "content_hash": c.content_hash,
            }
            for c in plan.changes
        ],
        "not_in_repository": list(plan.not_in_repository),
    }


def saved(plan: Plan, workflows: Sequence[Workflow], fingerprint: str, *, prune: bool) -> SavedPlan:
    return SavedPlan(
        plan.tenant, prune, fingerprint, decisions(plan), tuple(workflows), plan.origin
    )


def dumps(saved_plan: SavedPlan) -> str:
    return json.dumps(
        {
            "saved_plan_format": SAVED_PLAN_FORMAT,
            "written_by": _WRITTEN_BY,
            "tenant": saved_plan.tenant,
            "prune": saved_plan.prune,
            "fingerprint": saved_plan.fingerprint,
            "origin": saved_plan.origin.to_dict() if saved_plan.origin else None,
            "plan": saved_plan.decisions,
            "definitions": [
                {"source": w.source, "definition": w.canonical()} for w in saved_plan.workflows
            ],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def write(path: Path, saved_plan: SavedPlan) -> None:
    try:
        path.write_text(dumps(saved_plan), encoding="utf-8")
    except OSError as exc:
        raise PypgflowError(f"cannot write the plan to {path}: {exc.strerror}") from None


# --- reading ---------------------------------------------------------------------------------

_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _read_bytes(path: Path) -> bytes:
    """A regular file's bytes, at most MAX_SIZE; anything else is refused without blocking."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO opens without waiting
    except OSError as exc:
        raise PypgflowError(f"cannot read the plan {path}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            raise PypgflowError(
                f"cannot read the plan {path}: it is {kind}, not a file: "
                "give the file `plan --out` wrote"
            )
        with os.fdopen(os.dup(fd), "rb") as file:
            data = file.read(MAX_SIZE + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_SIZE:
        raise PypgflowError(
            f"cannot read the plan {path}: it is over the limit of {MAX_SIZE:,} bytes"
        )
    return data


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON can hold")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        _no_constant(text)
    return value


def _parsed(data: bytes, path: Path) -> Any:
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


def _shape_problem(document: dict[str, Any], path: Path) -> str | None:
    import jsonschema

    from pypgflow_ops.deploy.saved_plan_schema import SAVED_PLAN_SCHEMA

    validator = jsonschema.Draft202012Validator(SAVED_PLAN_SCHEMA)
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is None:
        return None
    where = printable(error.json_path)[:120]
    if error.validator == "type":
        found = type(error.instance).__name__.replace("NoneType", "null")
        return f"{where}: expected {error.validator_value}, not {found}"
    return f"{where}: {printable(error.message)[:200]}"


# JSON's own escapes cover the C0 controls; these are the other characters the YAML loader
# refuses written raw, and accepts (or refuses, as it would in a file) written as escapes.
_RAW_REFUSED = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _yaml_json(value: Any) -> str:
    """JSON text that a YAML 1.1 reader reads back as `value`: YAML 1.1 wants a dot in a float
    (`1.0e-05`, where JSON writes `1e-05`)."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{_yaml_json(k)}:{_yaml_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(map(_yaml_json, value)) + "]"
    if isinstance(value, float):
        text = repr(value)
        return text if "." in text else text.replace("e", ".0e", 1)
    text = json.dumps(value, ensure_ascii=False)
    return _RAW_REFUSED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _as_file(definition: Mapping[str, Any]) -> bytes:
    """A canonical definition as a workflow file (JSON is YAML), for lint to read."""
    document = {
        "workflow": {
            "name": definition["name"],
            "version": definition["version"],
            "metadata": definition["metadata"],
        },
        "states": definition["states"],
        "transitions": definition["transitions"],
    }
    return _yaml_json(document).encode("utf-8")


def _linted(entry: Mapping[str, Any], path: Path, config: Config) -> Workflow:
    """The carried definition, read and checked by lint exactly as a workflow file is."""
    from pypgflow_ops.lint import lint_source

    definition = entry["definition"]
    name = f"{printable(definition['name'])[:80]} {printable(definition['version'])[:80]}"
    result = lint_source(_as_file(definition), f"{path} ({name})", config)
    if result.errors or not result.workflows:
        first = next(p for p in result.problems if p.severity is Severity.ERROR)
        more = f" (and {result.errors - 1} more)" if result.errors > 1 else ""
        raise PypgflowError(
            f"{path}: the definition of {name} does not pass lint: {first.rule}: "
            f"{printable(first.message)}{more}: make the plan again"
        )
    return replace(result.workflows[0], source=entry["source"])


def loads(data: bytes, path: Path, config: Config) -> SavedPlan:
    try:
        return _loads(data, path, config)
    except RecursionError:
        raise PypgflowError(f"{path}: not a saved plan (nested too deeply)") from None


def _loads(data: bytes, path: Path, config: Config) -> SavedPlan:
    document = _parsed(data, path)
    _compatible(document, path)
    problem = _shape_problem(document, path)
    if problem:
        raise PypgflowError(f"{path}: not a saved plan this pypgflow-ops can read: {problem}")
    origin = document["origin"]
    return SavedPlan(
        tenant=document["tenant"],
        prune=document["prune"],
        fingerprint=document["fingerprint"],
        decisions=document["plan"],
        workflows=tuple(_linted(entry, path, config) for entry in document["definitions"]),
        origin=Origin.from_dict(origin) if origin is not None else None,
    )


def read(path: Path, config: Config) -> SavedPlan:
    """The saved plan in `path`, its definitions linted; anything else is refused in one line."""
    return loads(_read_bytes(path), path, config)
