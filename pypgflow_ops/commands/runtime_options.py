"""Options every runtime command takes (workflows, instances), and how their output is chosen."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import typer

from pypgflow_ops.commands.db import DATABASE_URL
from pypgflow_ops.commands.plan import TENANT
from pypgflow_ops.errors import UsageError
from pypgflow_ops.report.rows import Row, RowFormat, render_json, render_table

__all__ = [
    "AS",
    "DATABASE_URL",
    "FORMAT",
    "TENANT",
    "chosen_format",
    "echo_rows",
    "json_object",
    "subject",
    "utf8",
]


def utf8(value: str | None) -> str | None:
    """An option's callback: bytes that are not UTF-8 reach Python as lone surrogates."""
    if value is not None:
        try:
            value.encode()
        except UnicodeEncodeError:
            raise typer.BadParameter("not UTF-8 text (is the terminal's encoding UTF-8?)") from None
    return value


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
    callback=utf8,
)


def chosen_format(given: RowFormat | None) -> RowFormat:
    if given is not None:
        return given
    return RowFormat.TABLE if sys.stdout.isatty() else RowFormat.JSON


def echo_rows(
    rows: Sequence[Row],
    output_format: RowFormat | None,
    columns: Sequence[str],
    *,
    empty: str,
    shown: Sequence[Row] | None = None,
) -> None:
    """The rows as JSON, as the API returns them; or a table of `columns`, of `shown` (the rows
    as the table writes them) when given."""
    if chosen_format(output_format) is RowFormat.JSON:
        typer.echo(render_json(list(rows)), nl=False)
    else:
        typer.echo(render_table(rows if shown is None else shown, columns, empty=empty), nl=False)


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
    except ValueError:  # the only one json.loads raises besides JSONDecodeError
        raise UsageError(f"{option} holds an integer of more than 4300 digits") from None
    except RecursionError:
        raise UsageError(f"{option} is nested too deeply") from None
    if not isinstance(value, dict):
        raise UsageError(f'{option} must be a JSON object, like \'{{"key": "value"}}\'')
    problem = next(_unstorable(value), None)
    if problem is not None:
        raise UsageError(f"{option} holds {problem}, which PostgreSQL's jsonb cannot store")
    return value


def _unstorable(value: object) -> Iterator[str]:
    """What in a parsed JSON value jsonb refuses: NaN and infinities, NUL, lone surrogates."""
    pending = [value]
    while pending:  # not recursive: the value may be nested as deeply as json.loads allows
        item = pending.pop()
        if isinstance(item, float) and not math.isfinite(item):
            yield f"the number {json.dumps(item)}"
        elif isinstance(item, str):
            if "\x00" in item:
                yield "text with a NUL character (\\u0000)"
            try:
                item.encode()
            except UnicodeEncodeError:
                yield "text with a lone surrogate (\\ud800 to \\udfff)"
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
