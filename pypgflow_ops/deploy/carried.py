"""The definitions a saved plan carries, read and checked by lint exactly as workflow files are:
written out as a file in JSON (which is YAML), then linted."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.model import Workflow
from pypgflow_ops.problems import Severity
from pypgflow_ops.terminal import printable

if TYPE_CHECKING:
    from pypgflow_ops.config import Config

# JSON's own escapes cover the C0 controls; these are the other characters the YAML loader
# refuses written raw, and accepts (or refuses, as it would in a file) written as escapes.
_RAW_REFUSED = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


# A float that JSON writes without a dot (1e-05): YAML 1.1 would read it as text.
_FLOAT_WITHOUT_DOT = re.compile(r"[:,\[]-?[0-9]+e")


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
    return json.dumps(value, ensure_ascii=False)


def _state(state: Mapping[str, Any]) -> dict[str, Any]:
    """A state as a file writes it: the defaults left out, as they usually are."""
    return {key: value for key, value in state.items() if value or key == "name"}


def _transition(transition: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in transition.items() if value != {}}


def _as_file(definition: Mapping[str, Any], migrate: Mapping[str, Any] | None) -> bytes:
    """A canonical definition (and the `migrate:` section carried beside it) as a workflow file
    (JSON is YAML), for lint to read."""
    document: dict[str, Any] = {
        "workflow": {
            "name": definition["name"],
            "version": definition["version"],
            "metadata": definition["metadata"],
        },
        "states": [_state(s) for s in definition["states"]],
        "transitions": [_transition(t) for t in definition["transitions"]],
    }
    if migrate is not None:
        document["migrate"] = dict(migrate)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    if _FLOAT_WITHOUT_DOT.search(text):  # rare (or text that looks like one): the careful way
        text = _yaml_json(document)
    return _RAW_REFUSED.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode("utf-8")


def _name(definition: Mapping[str, Any]) -> str:
    return f"{printable(definition['name'])[:80]} {printable(definition['version'])[:80]}"


def linted(
    entries: Sequence[Mapping[str, Any]], path: Path, config: Config
) -> tuple[Workflow, ...]:
    """The definitions carried in the file `path` (entries of {"source", "definition"}), through
    lint as a folder of workflow files (in parallel, with the checks across files); refused in
    one line on any lint error."""
    from pypgflow_ops.lint import lint_paths

    if not entries:
        return ()
    with tempfile.TemporaryDirectory(prefix="pypgflow-ops-plan-") as folder:
        for index, entry in enumerate(entries):
            Path(folder, f"{index:06}.yaml").write_bytes(
                _as_file(entry["definition"], entry.get("migrate"))
            )
        result = lint_paths([Path(folder)], config)
    if result.errors:
        first = next(p for p in result.problems if p.severity is Severity.ERROR)
        more = f" (and {result.errors - 1} more)" if result.errors > 1 else ""
        name = _name(entries[int(Path(first.file).stem)]["definition"])
        raise PypgflowError(
            f"{path}: the definition of {name} does not pass lint: {first.rule}: "
            f"{printable(first.message)}{more}: make the plan again"
        )
    by_index = {int(Path(w.source or "").stem): w for w in result.workflows}
    return tuple(_placed(by_index[index], entry["source"]) for index, entry in enumerate(entries))


def _placed(workflow: Workflow, source: str | None) -> Workflow:
    """The workflow with the source it was planned from; its `migrate:` section has no line there
    (lint read it from the file written above)."""
    migrate = replace(workflow.migrate, position=None) if workflow.migrate else None
    return replace(workflow, source=source, migrate=migrate)
