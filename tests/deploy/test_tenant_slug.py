"""The tenant slugs plan and apply accept (those they refuse: test_apply.py)."""

import pytest

from pypgflow_ops.deploy.tenant import checked_slug
from pypgflow_ops.errors import UsageError


@pytest.mark.parametrize("slug", ["a", "7", "acme", "acme-eu_2", "a" * 63])
def test_a_slug_in_pattern_is_accepted(slug: str) -> None:
    assert checked_slug(slug) == slug


def test_a_trailing_newline_is_refused() -> None:
    with pytest.raises(UsageError):
        checked_slug("acme\n")
