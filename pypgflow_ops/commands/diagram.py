"""`pypgflow-ops diagram` (being built: issue 5)."""

from __future__ import annotations

from pypgflow_ops.errors import UsageError


def diagram() -> int:
    """Draw a workflow as Graphviz or Mermaid."""
    raise UsageError("diagram is not built yet")
