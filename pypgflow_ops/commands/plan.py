"""`pypgflow-ops plan` and `pypgflow-ops apply` (being built: issue 4)."""

from __future__ import annotations

from pypgflow_ops.errors import UsageError


def plan() -> int:
    """Show what apply would change in the database."""
    raise UsageError("plan is not built yet")


def apply() -> int:
    """Apply the repository's workflow definitions to the database."""
    raise UsageError("apply is not built yet")
