"""`pypgflow-ops lint` (being built: issue 2)."""

from __future__ import annotations

from pypgflow_ops.errors import UsageError


def lint() -> int:
    """Check workflow files."""
    raise UsageError("lint is not built yet")
