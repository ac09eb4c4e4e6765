"""SQL templates under sql_templates/, rendered with jinja2.

The only values a template receives are identifiers (schema and role names), and each one goes
through the `ident` filter, which quotes it (or, for a role name that a function takes as text,
the `literal` filter). Data values never enter SQL text: they travel as bind
parameters. Rendering fails on an undefined name, a non-string identifier, or any `{{ ... }}`
whose value did not come out of the `ident` filter.
"""

from __future__ import annotations

import functools

import jinja2
from psycopg import sql

from pypgflow_ops.resources import sql_templates_dir


class QuotedIdentifier(str):
    """Text that `quote_ident` produced: the only kind of value a template may print."""


def quote_ident(name: object) -> QuotedIdentifier:
    """`name` as a quoted PostgreSQL identifier; anything but a non-empty string is refused."""
    if not isinstance(name, str):
        raise TypeError(f"an SQL identifier must be a str, not {type(name).__name__}")
    if not name or "\x00" in name:
        raise ValueError(f"not a valid SQL identifier: {name!r}")
    if "%" in name:  # psycopg would read it as a placeholder in any statement with parameters
        raise ValueError(f"an SQL identifier may not contain '%': {name!r}")
    return QuotedIdentifier(sql.Identifier(name).as_string(None))


def _ident_filter(name: object) -> QuotedIdentifier:
    if isinstance(name, jinja2.Undefined):
        str(name)  # StrictUndefined raises UndefinedError, naming the missing identifier
    return quote_ident(name)


def _literal_filter(name: object) -> QuotedIdentifier:
    """A role's name as a string literal, for functions that take one (pg_has_role): checked as
    an identifier is, then quoted as a literal."""
    _ident_filter(name)
    return QuotedIdentifier(sql.Literal(name).as_string(None))


def _only_quoted(value: object) -> QuotedIdentifier:
    if not isinstance(value, QuotedIdentifier):
        raise TypeError(f"a template printed {value!r} without the ident filter")
    return value


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(sql_templates_dir()),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        finalize=_only_quoted,
    )
    env.filters["ident"] = _ident_filter
    env.filters["literal"] = _literal_filter
    return env


def render(template: str, **identifiers: str) -> str:
    """Render `template` (a path under sql_templates/, e.g. "runtime/v1/tables.sql")."""
    return environment().get_template(template).render(**identifiers)


def template_names(folder: str) -> list[str]:
    """The .sql templates under `folder`, sorted by path."""
    return sorted(
        name for name in environment().list_templates(extensions=["sql"])
        if name.startswith(f"{folder}/")
    )
