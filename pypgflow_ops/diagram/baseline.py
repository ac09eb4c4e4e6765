"""The version a change diagram compares with: a file at a git ref, or the tenant's active one."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pypgflow_ops.config import Config
from pypgflow_ops.diagram.sources import Undrawable, load_source
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.git import file_at_ref
from pypgflow_ops.model import Workflow

Baseline = Callable[[Workflow], Workflow | None]


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


def from_database(database_url: str | None, tenants: Sequence[str]) -> list[Baseline]:
    """Each tenant's active versions, read once, in one read-only snapshot."""
    from psycopg import IsolationLevel

    from pypgflow_ops.db.connect import resolve_database_url, session
    from pypgflow_ops.deploy.introspect import active_workflows

    with session(resolve_database_url(database_url)) as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.transaction():
            actives = [active_workflows(conn, tenant) for tenant in tenants]
    return [_by_name(active) for active in actives]


def _by_name(active: Mapping[str, Workflow]) -> Baseline:
    return lambda workflow: active.get(workflow.name)
