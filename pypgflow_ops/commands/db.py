"""`pypgflow-ops db upgrade` and `pypgflow-ops db status`: install, upgrade and inspect the runtime.

Both exit 0 on success and 1 on an error (unreachable database, failed upgrade).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from pypgflow_ops.errors import ExitCode, error_boundary
from pypgflow_ops.terminal import printable

if TYPE_CHECKING:
    from pypgflow_ops.db.runtime import Step, UpgradeResult

app = typer.Typer(
    help="Install, upgrade and inspect the workflow runtime in PostgreSQL.", no_args_is_help=True
)

DATABASE_URL = typer.Option(
    None,
    "--database-url",
    help="Default: DATABASE_URL, else the usual PG* variables.",
    show_default=False,
)


def upgrade(database_url: str | None = DATABASE_URL) -> int:
    """Install the runtime into an empty database or upgrade it, in one transaction."""
    from pypgflow_ops.db import runtime
    from pypgflow_ops.db.connect import resolve_database_url, session

    with session(resolve_database_url(database_url)) as conn:
        result = runtime.upgrade(conn)
        conn.commit()
    typer.echo(describe_upgrade(result, runtime.RUNTIME_VERSION))
    return ExitCode.OK


def status(database_url: str | None = DATABASE_URL) -> int:
    """Say which runtime version is installed and what an upgrade would do."""
    from pypgflow_ops.db import runtime
    from pypgflow_ops.db.connect import describe_target, resolve_database_url, session

    url = resolve_database_url(database_url)
    with session(url) as conn:
        installed = runtime.installed_version(conn)
        pending = runtime.pending_steps(conn)
    typer.echo(printable(f"Database: {describe_target(url)}"))
    typer.echo(describe_status(installed, pending, runtime.RUNTIME_VERSION))
    return ExitCode.OK


def describe_upgrade(result: UpgradeResult, target: int) -> str:
    if not result.changed:
        return f"Runtime version {target} is installed: nothing to do."
    if result.previous_version is None:
        return f"Installed runtime version {target} ({len(result.steps)} steps)."
    return (
        f"Upgraded the runtime from version {result.previous_version} to {target} "
        f"({len(result.steps)} steps)."
    )


def describe_status(installed: int | None, pending: list[Step], target: int) -> str:
    shown = "none" if installed is None else str(installed)
    if not pending:
        return f"Runtime version: {shown} (current)."
    lines = [
        f"Runtime version: {shown}; this pypgflow-ops installs version {target}.",
        "`pypgflow-ops db upgrade` would, in one transaction:",
    ]
    lines.extend(f"  v{step.version} {step.summary}" for step in pending)
    return "\n".join(lines)


app.command("upgrade")(error_boundary(upgrade))
app.command("status")(error_boundary(status))
