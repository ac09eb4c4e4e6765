"""The version a change diagram compares with: a file at a git ref, or the tenant's active one."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from pypgflow_ops.config import Config
from pypgflow_ops.diagram.sources import Undrawable, load_source
from pypgflow_ops.errors import PypgflowError, UsageError
from pypgflow_ops.model import Workflow

Baseline = Callable[[Workflow], Workflow | None]


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=folder, capture_output=True, check=False)
    except FileNotFoundError:
        raise PypgflowError("--against-ref needs git, which is not installed") from None


def _first_line(output: bytes) -> str:
    lines = output.decode(errors="replace").strip().splitlines()
    return lines[0] if lines else "git failed"


def file_at_ref(ref: str, path: Path) -> bytes | None:
    """The file's content at `ref`, or None when the file did not exist there."""
    if ref.startswith("-"):
        raise UsageError(f"{ref!r} is not a git ref")
    folder = path.resolve().parent
    verified = _git(folder, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if verified.returncode != 0:
        reason = _first_line(verified.stderr) if verified.stderr else "no such commit"
        raise UsageError(f"--against-ref {ref}: {reason}")
    shown = _git(folder, "show", f"{ref}:./{path.name}")
    return shown.stdout if shown.returncode == 0 else None


def from_git(ref: str, config: Config) -> Baseline:
    def old_version(workflow: Workflow) -> Workflow | None:
        path = Path(workflow.source or "")
        data = file_at_ref(ref, path)
        if data is None:
            return None
        try:
            return load_source(data, f"{ref}:{path}", config)
        except Undrawable as exc:
            first = exc.problems[0]
            raise PypgflowError(
                f"{ref}:{path}: the version at {ref} is not a readable workflow "
                f"(line {first.line}: {first.message}); compare with another ref"
            ) from None

    return old_version


def from_database(database_url: str | None, tenant: str) -> Baseline:
    """The tenant's active versions, read once, in one read-only snapshot."""
    from psycopg import IsolationLevel

    from pypgflow_ops.db.connect import resolve_database_url, session
    from pypgflow_ops.deploy.introspect import active_workflows

    with session(resolve_database_url(database_url)) as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        active = active_workflows(conn, tenant)
    return lambda workflow: active.get(workflow.name)
