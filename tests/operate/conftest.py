"""A database with the repository's workflows applied for two tenants, side by side."""

from __future__ import annotations

import pytest

from .cli import TENANTS, WORKFLOWS, apply


@pytest.fixture(scope="module")
def applied(database_url: str) -> str:
    for tenant in TENANTS:
        apply(WORKFLOWS, tenant, database_url)
    return database_url
