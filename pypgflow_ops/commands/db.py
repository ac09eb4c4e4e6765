"""`pypgflow-ops db ...`: install, upgrade and inspect the runtime; bind login roles to tenants.

Every command exits 0 on success and 1 on an error (unreachable database, failed upgrade, a
runtime that is not intact); `status` exits 1 when the runtime is not intact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from pypgflow_ops.errors import ExitCode, error_boundary
from pypgflow_ops.terminal import printable

if TYPE_CHECKING:
    from pypgflow_ops.db.integrity import Difference
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
    """Say which runtime version is installed, whether it is intact, what an upgrade would do."""
    from pypgflow_ops.db import integrity, runtime
    from pypgflow_ops.db.connect import describe_target, resolve_database_url, session

    url = resolve_database_url(database_url)
    with session(url) as conn:
        installed = runtime.installed_version(conn)
        pending = runtime.pending_steps(conn)
        found = [] if installed is None else integrity.check(conn, version=installed)
    typer.echo(printable(f"Database: {describe_target(url)}"))
    typer.echo(describe_status(installed, pending, runtime.RUNTIME_VERSION))
    if not found:
        return ExitCode.OK
    typer.echo(describe_differences(found, installed))
    return ExitCode.FAILURE


def describe_differences(found: list[Difference], version: int | None) -> str:
    from pypgflow_ops.db.integrity import FIX

    lines = [
        f"The runtime is not intact: {len(found)} difference{'' if len(found) == 1 else 's'} "
        f"from what runtime version {version} installs:"
    ]
    lines.extend(printable(f"  {difference.describe()}") for difference in found)
    lines.append(f"To fix: {FIX}.")
    return "\n".join(lines)


ROLE = typer.Argument(..., help="The login role a client connects as.", show_default=False)
TENANT = typer.Option(..., "--tenant", help="The tenant's slug.", show_default=False)


def grant_tenant(
    role: str = ROLE, tenant: str = TENANT, database_url: str | None = DATABASE_URL
) -> int:
    """Let a login role use the runtime for one tenant only, whatever claims it sends."""
    from pypgflow_ops.db import tenant_roles
    from pypgflow_ops.db.connect import resolve_database_url, session
    from pypgflow_ops.deploy.tenant import checked_slug

    with session(resolve_database_url(database_url)) as conn:
        changed = tenant_roles.grant(conn, role, checked_slug(tenant))
        conn.commit()
    if changed:
        typer.echo(
            printable(f"Role {role!r} may now use the runtime for tenant {tenant!r}, and no other.")
        )
    else:
        typer.echo(
            printable(f"Role {role!r} is already bound to tenant {tenant!r}: nothing to do.")
        )
    return ExitCode.OK


def revoke_tenant(
    role: str = ROLE, tenant: str = TENANT, database_url: str | None = DATABASE_URL
) -> int:
    """Take back a role's binding to a tenant, and with it its use of the runtime."""
    from pypgflow_ops.db import tenant_roles
    from pypgflow_ops.db.connect import resolve_database_url, session
    from pypgflow_ops.deploy.tenant import checked_slug

    with session(resolve_database_url(database_url)) as conn:
        tenant_roles.revoke(conn, role, checked_slug(tenant))
        conn.commit()
    typer.echo(
        printable(
            f"Role {role!r} is no longer bound to tenant {tenant!r} and may not use the runtime."
        )
    )
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
app.command("grant-tenant")(error_boundary(grant_tenant))
app.command("revoke-tenant")(error_boundary(revoke_tenant))
