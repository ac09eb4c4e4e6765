"""`pypgflow-ops db ...`: install, upgrade and inspect the runtime (being built: issue 3)."""

from __future__ import annotations

import typer

from pypgflow_ops.errors import UsageError, error_boundary

app = typer.Typer(help="Install, upgrade and inspect the workflow runtime in PostgreSQL.",
                  no_args_is_help=True)


def upgrade() -> int:
    """Install or upgrade the runtime."""
    raise UsageError("db upgrade is not built yet")


app.command("upgrade")(error_boundary(upgrade))
