"""`pypgflow-ops export`: a tenant's applied workflows back into workflow files.

The files are what `apply` would turn into exactly those versions: lint passes them and `plan`
on them says "No changes". This is how a database that already holds definitions adopts GitOps.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from pypgflow_ops.commands.db import DATABASE_URL
from pypgflow_ops.commands.plan import TENANT
from pypgflow_ops.errors import ExitCode, PypgflowError

if TYPE_CHECKING:
    from pypgflow_ops.plan import LiveDefinition, LiveState


def export(
    tenant: str = TENANT,
    out: Path = typer.Option(Path(), "--out", "-o", help="The folder to write the files to."),
    all_versions: bool = typer.Option(
        False,
        "--all-versions",
        help="Every applied version, retired ones too, as DIR/<name>/<version>.yaml.",
    ),
    database_url: str | None = DATABASE_URL,
) -> int:
    """Write the tenant's active versions as workflow files, DIR/<name>.yaml."""
    from pypgflow_ops.deploy.tenant import checked_slug
    from pypgflow_ops.export import unfit_identity

    live = _live_state(database_url, checked_slug(tenant))
    if live.runtime_version is None:
        raise PypgflowError(
            "the runtime is not installed in this database: nothing to export "
            "(is --database-url the right database?)"
        )
    if not live.tenant_exists:
        raise PypgflowError(f"no tenant {tenant!r} in this database: nothing to export")
    chosen = _chosen(live, all_versions)
    for definition in chosen:  # before anything is written
        unfit = unfit_identity(definition.workflow)
        if unfit is not None:
            raise PypgflowError(
                f"workflow {definition.workflow.name!r} version {definition.workflow.version!r} "
                f"cannot be exported: {unfit}; rename it in the database. Nothing was written"
            )
    for definition in chosen:
        path = _write(out, tenant, definition, all_versions)
        if definition.drifted:
            typer.echo(
                f"warning: {path}: the applied rows were edited by hand after apply; the file "
                "holds them as they are now, and plan will report the drift",
                err=True,
            )
    noun = "file" if len(chosen) == 1 else "files"
    typer.echo(f"Wrote {len(chosen)} workflow {noun} to {out}.")
    return ExitCode.OK


def _live_state(database_url: str | None, tenant: str) -> LiveState:
    from psycopg import IsolationLevel

    from pypgflow_ops.db.connect import resolve_database_url, session
    from pypgflow_ops.deploy.introspect import read_live_state

    with session(resolve_database_url(database_url)) as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ  # one snapshot for every query
        conn.read_only = True
        return read_live_state(conn, tenant)


def _chosen(live: LiveState, all_versions: bool) -> list[LiveDefinition]:
    definitions = sorted(live.definitions, key=lambda d: (d.workflow.name, d.revision))
    if all_versions:
        return definitions
    return [
        d
        for d in definitions
        if not d.retired and live.active_version(d.workflow.name) == d.workflow.version
    ]


def _write(out: Path, tenant: str, definition: LiveDefinition, all_versions: bool) -> Path:
    from pypgflow_ops.export import workflow_yaml

    workflow = definition.workflow
    path = (
        out / workflow.name / f"{workflow.version}.yaml"
        if all_versions
        else out / f"{workflow.name}.yaml"
    )
    comment = (
        f"{workflow.name} version {workflow.version} (revision {definition.revision}), "
        f"exported from tenant {tenant} by pypgflow-ops export"
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(workflow_yaml(workflow, comment=comment), encoding="utf-8")
    except OSError as exc:
        raise PypgflowError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
