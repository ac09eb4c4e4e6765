"""What becomes of running instances when a workflow's version changes: the `fate` of each group.

Shared by the plan (which shows the impact by state) and apply (which moves the instances a
`migrate:` section names); a pure function over plain data.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from pypgflow_ops.model import Migration


class Fate(StrEnum):
    """The vocabulary of the plan's impact rows, in every output format."""

    KEPT = "kept"  # stays on its version; the version new starts use has its state too
    MIGRATED = "migrated"  # moves to the new version on apply (a `migrate:` section lists it)
    STRANDED = "stranded"  # stays on its version in a state the version new starts use lacks


def fate(
    version: str,
    state: str,
    new_states: Collection[str] | None,
    migrate: Migration | None,
) -> Fate:
    """The fate of running instances of `version` in `state`.

    `new_states` are the states of the version new starts use after the apply (None when no
    version will accept new starts, as after a retire); `migrate` is that version's section. An
    instance of a listed version whose mapped state the new version lacks is STRANDED: the plan
    shows it as an error and apply refuses.
    """
    if migrate is not None and version in migrate.from_versions and new_states is not None:
        return Fate.MIGRATED if migrate.target(state) in new_states else Fate.STRANDED
    if new_states is None or state in new_states:
        return Fate.KEPT
    return Fate.STRANDED
