"""`pypgflow-ops dev`: the local playground, without Docker.

A throwaway PostgreSQL cluster from the local binaries, the runtime and the repository's
workflows applied for a demo tenant, and PostgREST in front of it; then the URL, a JWT for the
tenant and three curl commands that work. Ctrl-C (or SIGTERM) stops everything it started and
removes the cluster.
"""

from __future__ import annotations

import signal
import sys
from contextlib import ExitStack
from pathlib import Path
from types import FrameType

import typer

from pypgflow_ops.errors import ExitCode, PypgflowError


def dev(
    paths: list[Path] = typer.Argument(
        None, help="The workflows to apply. Default: workflows/.", show_default=False
    ),
    port: int = typer.Option(3000, "--port", help="PostgREST's port (0: a free one)."),
    db_port: int = typer.Option(0, "--db-port", help="PostgreSQL's port (0: a free one)."),
    postgrest_dir: Path | None = typer.Option(
        None,
        "--postgrest-dir",
        help="Where `npm ci` installed PostgREST. Default: this checkout's deploy/postgrest.",
        show_default=False,
    ),
) -> int:
    """Start a local playground: PostgreSQL, the runtime, the workflows and PostgREST."""
    from pypgflow_ops import resources
    from pypgflow_ops.playground import postgrest
    from pypgflow_ops.playground.cluster import ClusterUnavailable, free_port

    install_dir = postgrest_dir or resources.postgrest_dir()
    paths = paths or [Path("workflows")]
    for path in paths:  # before anything is started
        if not path.exists():
            raise PypgflowError(f"{path}: no such file or folder: nothing was started")
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        postgrest.locate(install_dir)
        with ExitStack() as stack:
            _serve(stack, paths, install_dir, port or free_port(), db_port)
    except (ClusterUnavailable, postgrest.PostgrestUnavailable) as exc:
        raise PypgflowError(str(exc)) from None
    except KeyboardInterrupt:
        typer.echo("Stopped PostgREST and PostgreSQL; removed the cluster.", err=True)
    return ExitCode.OK


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _serve(stack: ExitStack, paths: list[Path], install_dir: Path, port: int, db_port: int) -> None:
    import secrets

    import psycopg

    from pypgflow_ops.playground import demo, postgrest
    from pypgflow_ops.playground.cluster import free_port, start_cluster

    cluster = start_cluster(stack, port=db_port, prefix="pypgflow-dev-")
    typer.echo(f"PostgreSQL: {cluster.url} (cluster in {cluster.home}, removed on exit)")
    _apply(paths, cluster.url)
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        try:
            tenant_id, workflow = demo.prepare(
                conn, demo.TENANT, None
            )  # the cluster trusts loopback
        except demo.NoDemoTenant as exc:
            raise PypgflowError(str(exc)) from None
    secret = secrets.token_urlsafe(48)
    db_uri = cluster.url.replace("//postgres@", f"//{postgrest.AUTHENTICATOR}@", 1)
    url = stack.enter_context(
        postgrest.running(install_dir, db_uri, secret, port=port, admin_port=free_port())
    )
    jwt = demo.token(demo.TENANT, tenant_id, secret)
    typer.echo(demo.instructions(url, demo.TENANT, jwt, workflow))
    typer.echo("\nCtrl-C stops everything and removes the cluster.")
    while True:
        signal.pause()


def _apply(paths: list[Path], database_url: str) -> None:
    """The runtime and the workflows, by `pypgflow-ops apply` itself."""
    import subprocess

    from pypgflow_ops.playground.demo import TENANT

    command = [sys.executable, "-m", "pypgflow_ops", "apply", *map(str, paths)]
    command += ["--tenant", TENANT, "--database-url", database_url, "--yes"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise PypgflowError(
            f"applying {' '.join(map(str, paths))} failed: the cluster was stopped and removed"
        )
    typer.echo(f"Applied {' '.join(map(str, paths))} for tenant {TENANT!r}.")
