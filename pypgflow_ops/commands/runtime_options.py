"""Options every runtime command takes (workflows, instances), and how their output is chosen."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer

from pypgflow_ops.commands.db import DATABASE_URL
from pypgflow_ops.commands.plan import TENANT
from pypgflow_ops.errors import UsageError
from pypgflow_ops.report.rows import RowFormat

__all__ = ["AS", "DATABASE_URL", "FORMAT", "TENANT", "chosen_format", "json_object", "subject"]

FORMAT = typer.Option(
    None,
    "--format",
    "-f",
    help="table, or json (the rows of the api view). Default: table on a terminal, else json.",
    show_default=False,
)
AS = typer.Option(
    None,
    "--as",
    help="The JWT subject, recorded as who started an instance "
    "(default: GITHUB_ACTOR, else the OS user).",
    show_default=False,
)


def chosen_format(given: RowFormat | None) -> RowFormat:
    if given is not None:
        return given
    return RowFormat.TABLE if sys.stdout.isatty() else RowFormat.JSON


def subject(given: str | None) -> str:
    from pypgflow_ops.deploy.identity import actor

    return actor(given)


def json_object(text: str | None, option: str) -> dict[str, Any]:
    """The JSON object an option holds ({} when absent); anything else is a usage error."""
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{option} is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise UsageError(f'{option} must be a JSON object, like \'{{"key": "value"}}\'')
    return value
