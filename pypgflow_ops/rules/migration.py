"""migrate-unknown-target, migrate-from-own-version, migrate-needless-mapping; with
`--against-ref`, migrate-unknown-source: the `migrate:` section's state map, read as apply reads
it (each old state moves to its mapped state, else to the state of the same name).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pypgflow_ops.model import Migration, Position, Workflow
from pypgflow_ops.problems import RuleInfo, Severity, Stage
from pypgflow_ops.rules.subject import Finding, GraphCheck, Locate, Subject

MIGRATE_UNKNOWN_TARGET = RuleInfo(
    "migrate-unknown-target",
    Severity.ERROR,
    "The `migrate:` section maps an old state to a state this version does not have: apply "
    "would refuse to strand the instances in it.",
    Stage.WORKFLOW,
)
MIGRATE_FROM_OWN_VERSION = RuleInfo(
    "migrate-from-own-version",
    Severity.ERROR,
    "`migrate: from:` names the file's own version: its instances are already on it.",
    Stage.WORKFLOW,
)
MIGRATE_NEEDLESS_MAPPING = RuleInfo(
    "migrate-needless-mapping",
    Severity.WARNING,
    "The `migrate:` section maps a state to itself: a state not listed keeps its name anyway.",
    Stage.WORKFLOW,
)
MIGRATE_UNKNOWN_SOURCE = RuleInfo(
    "migrate-unknown-source",
    Severity.ERROR,
    "The `migrate:` section maps a state that the version it moves from (as at the git ref given "
    "to `--against-ref`) does not have: a typo, or the wrong version.",
    Stage.FILES,
)


def _entry(locate: Locate, old: str) -> Position:
    """Where the map's entry for `old` was written: its value."""
    return locate(("migrate", "states", old))


def unknown_target(subject: Subject) -> Iterator[Finding]:
    migrate = subject.workflow.migrate
    if migrate is None:
        return
    for old, new in migrate.states.items():
        if new not in subject.declared:
            yield Finding(
                _entry(subject.locate, old),
                f"migrate maps state {old!r} to {new!r}, which version "
                f"{subject.workflow.version!r} does not have; map it to one of its states",
            )


def from_own_version(subject: Subject) -> Iterator[Finding]:
    migrate, version = subject.workflow.migrate, subject.workflow.version
    if migrate is None:
        return
    for index, listed in enumerate(migrate.from_versions):
        if listed == version:
            yield Finding(
                subject.locate(("migrate", "from", index)),
                f"migrate from {listed!r} names this file's own version; list older versions only",
            )


def needless_mapping(subject: Subject) -> Iterator[Finding]:
    migrate = subject.workflow.migrate
    if migrate is None:
        return
    for old, new in migrate.states.items():
        if old == new:
            yield Finding(
                _entry(subject.locate, old),
                f"migrate maps state {old!r} to itself; leave it out, it keeps its name anyway",
            )


CHECKS: dict[RuleInfo, GraphCheck] = {
    MIGRATE_UNKNOWN_TARGET: unknown_target,
    MIGRATE_FROM_OWN_VERSION: from_own_version,
    MIGRATE_NEEDLESS_MAPPING: needless_mapping,
}


def unknown_sources(
    workflow: Workflow, at_ref: Mapping[str, Workflow], ref: str
) -> Iterator[tuple[str, str]]:
    """(old state, message) for each mapped state the workflow's version at `ref` lacks, when the
    section moves from that version (`ref` keeps one version of each workflow)."""
    migrate: Migration | None = workflow.migrate
    base = at_ref.get(workflow.name)
    if migrate is None or base is None or base.version not in migrate.from_versions:
        return
    states = {state.name for state in base.states}
    for old in migrate.states:
        if old not in states:
            yield (
                old,
                f"migrate maps state {old!r}, which version {base.version!r} of workflow "
                f"{workflow.name!r} does not have at {ref}; map one of its states",
            )
