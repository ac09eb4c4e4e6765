"""Which tenants a plan or apply reaches, and the workflow paths of each (issue 11).

`--tenant` may be given several times (never last-one-wins), or `--all-tenants` names every
tenant of the configuration's `tenants` table. With a table, an unknown slug is refused before
anything connects. Each tenant reads its configured paths; PATH arguments, when given, are read
for every named tenant instead.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pypgflow_ops.config import Config
from pypgflow_ops.deploy.tenant import checked_slug
from pypgflow_ops.errors import UsageError


@dataclass(frozen=True, slots=True)
class Target:
    tenant: str
    paths: tuple[Path, ...]


@dataclass(frozen=True, slots=True)
class Selection:
    targets: tuple[Target, ...]
    fleet: bool  # several tenants, or --all-tenants: the fleet's report and plan file

    @property
    def tenants(self) -> tuple[str, ...]:
        return tuple(t.tenant for t in self.targets)


def _relative(config: Config, names: Sequence[str]) -> tuple[Path, ...]:
    base = config.source.parent if config.source else Path()
    return tuple(Path(os.path.relpath(base / name)) for name in names)


def _named(named: Sequence[str], all_tenants: bool, config: Config) -> list[str]:
    if all_tenants and named:
        raise UsageError("give --tenant SLUG (as often as needed) or --all-tenants, not both")
    if all_tenants:
        if not config.tenants:
            where = config.source or "the configuration"
            raise UsageError(f"--all-tenants needs a `tenants` table in {where}")
        return sorted(config.tenants)
    if not named:
        raise UsageError(  # click's words for a missing option, which --tenant was until now
            "Missing option '--tenant': give --tenant SLUG (as often as needed) or --all-tenants"
        )
    seen: set[str] = set()
    for slug in map(checked_slug, named):
        if slug in seen:
            raise UsageError(f"--tenant {slug!r} is given twice")
        seen.add(slug)
        if config.tenants and slug not in config.tenants:
            known = ", ".join(sorted(config.tenants))
            raise UsageError(
                f"--tenant {slug!r} is not in the `tenants` table of {config.source} "
                f"(known: {known})"
            )
    return list(named)


def select(
    named: Sequence[str] | None,
    all_tenants: bool,
    paths: Sequence[Path] | None,
    config: Config,
) -> Selection:
    """The tenants to reach, each with its paths; usage errors before any connection."""
    slugs = _named(named or (), all_tenants, config)
    targets = []
    for slug in slugs:
        if paths:
            chosen = tuple(paths)
        elif slug in config.tenants:
            chosen = _relative(config, config.tenants[slug])
        else:
            chosen = _relative(config, config.paths)
        targets.append(Target(slug, chosen))
    return Selection(tuple(targets), fleet=all_tenants or len(targets) > 1)
