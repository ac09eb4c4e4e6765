"""What a tenant slug may be: a typo such as a trailing space would otherwise make a new tenant."""

from __future__ import annotations

import re

from pypgflow_ops.errors import UsageError

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")


def is_slug(value: str) -> bool:
    return _SLUG.fullmatch(value) is not None


def checked_slug(value: str) -> str:
    """`value` if it is a tenant slug, else a usage error naming it."""
    if not is_slug(value):
        raise UsageError(
            f"--tenant {value!r} is not a tenant slug: use 1 to 63 of a-z, 0-9, '_' and '-', "
            "starting with a letter or a digit"
        )
    return value
