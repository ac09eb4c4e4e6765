"""The only module that knows where schemas/ and sql_templates/ live.

In a wheel they are packed inside the package (pypgflow_ops/_data); in a checkout they sit at the
top of the repository.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"pypgflow-ops is installed without its {name}/ folder")


def schemas_dir() -> Path:
    return _data_dir("schemas")


def sql_templates_dir() -> Path:
    return _data_dir("sql_templates")


def postgrest_dir() -> Path:
    """deploy/postgrest of a checkout, where `npm ci --prefix deploy/postgrest` puts PostgREST."""
    return _PACKAGE.parent / "deploy" / "postgrest"


@functools.cache
def workflow_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        (schemas_dir() / "workflow.schema.json").read_text(encoding="utf-8")
    )
    return schema


@functools.cache
def scenarios_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        (schemas_dir() / "scenarios.schema.json").read_text(encoding="utf-8")
    )
    return schema
