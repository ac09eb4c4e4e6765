"""The deploy SQL templates, rendered once each (identifiers only; values stay bind parameters)."""

from __future__ import annotations

import functools

from psycopg import sql

from pypgflow_ops.sqltemplates import render

SCHEMA = "pypgflow"


@functools.cache
def statement(name: str) -> sql.SQL:
    """`sql_templates/deploy/<name>.sql` rendered: only quoted identifiers are filled in."""
    return sql.SQL(render(f"deploy/{name}.sql", schema=SCHEMA))
