"""The definitions a saved plan carries, read and checked by lint exactly as workflow files are:
written out as a file in JSON (which is YAML), then linted."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.model import Workflow
from pypgflow_ops.problems import Severity
from pypgflow_ops.report.text import printable

if TYPE_CHECKING:
    from pypgflow_ops.config import Config

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


def linted(
    definition: Mapping[str, Any], source: str | None, path: Path, config: Config
) -> Workflow:
    """The canonical `definition` carried in the file `path`, through lint; refused in one line
    on any lint error."""
    from pypgflow_ops.lint import lint_source

    name = f"{printable(definition['name'])[:80]} {printable(definition['version'])[:80]}"
    result = lint_source(_as_file(definition), f"{path} ({name})", config)
    if result.errors:
        first = next(p for p in result.problems if p.severity is Severity.ERROR)
        more = f" (and {result.errors - 1} more)" if result.errors > 1 else ""
        raise PypgflowError(
            f"{path}: the definition of {name} does not pass lint: {first.rule}: "
            f"{printable(first.message)}{more}: make the plan again"
        )
    return replace(result.workflows[0], source=source)
