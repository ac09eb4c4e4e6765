"""Plan: the desired workflows and the live state of one tenant -> what apply would do. Pure.

The live side is plain data (`LiveState`), read from the database by `deploy.introspect` or built
by a test; nothing here touches the database. A `Plan` is immutable; its JSON view, the saved plan
file and the hash recorded with a deployment are three shapes with their own functions
(`report.plan_json`, `deploy.saved_plan`, `deploy.record`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, NamedTuple

from pypgflow_ops.diff import diff_workflows
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.migration import Fate, fate
from pypgflow_ops.model import Transition, Workflow


class _Look(NamedTuple):
    word: str
    symbol: str
    verb: str
    color: str
    counted: tuple[str, str]
    writes: bool = False
    adds_version: bool = False
    error: bool = False


class Action(StrEnum):
    """What apply does with one workflow version. Each action describes itself (as Terraform's
    `plans.Action` does): views, the planner and the writer ask it rather than keep tables.

    The order is the order of the plan's summary line and of its JSON summary.
    """

    symbol: str  # the glyph in front of a plan line ("" when the action is not listed)
    verb: str  # how a plan line names it
    color: str  # ANSI SGR parameters for that glyph on a terminal
    counted: tuple[str, str]  # after a count in the summary line: (one, several)
    writes: bool  # apply changes the database for it
    adds_version: bool  # apply writes a new definition (its states and transitions)
    error: bool  # the plan is refused while it has one

    CREATE = _Look(
        "create", "+", "create", "32", ("to create",) * 2, writes=True, adds_version=True
    )
    NEW_VERSION = _Look(
        "new-version",
        "~",
        "new version",
        "33",
        ("new version", "new versions"),
        writes=True,
        adds_version=True,
    )
    ROLLBACK = _Look("rollback", "<", "rollback", "36", ("to roll back",) * 2, writes=True)
    RETIRE = _Look("retire", "-", "retire", "31", ("to retire",) * 2, writes=True)
    UNCHANGED = _Look("unchanged", "", "unchanged", "", ("unchanged",) * 2)
    CONFLICT = _Look("conflict", "!", "conflict", "1;31", ("conflict",) * 2, error=True)
    DRIFT = _Look("drift", "!", "drift", "1;31", ("drift",) * 2, error=True)

    def __new__(
        cls,
        word: str,
        symbol: str,
        verb: str,
        color: str,
        counted: tuple[str, str],
        writes: bool,
        adds_version: bool,
        error: bool,
    ) -> Action:
        member = str.__new__(cls, word)
        member._value_ = word
        member.symbol, member.verb, member.color, member.counted = symbol, verb, color, counted
        member.writes, member.adds_version, member.error = writes, adds_version, error
        return member

    def tally(self, number: int) -> str:
        """`number` of this action, as the summary line says it: "2 new versions"."""
        return f"{number} {self.counted[number != 1]}"


class RuntimeAction(StrEnum):
    NONE = "none"
    INSTALL = "install"
    UPGRADE = "upgrade"


@dataclass(frozen=True, slots=True)
class LiveDefinition:
    """One applied version as its rows stand now, with the hash recorded when it was applied."""

    workflow: Workflow
    revision: int
    recorded_hash: str
    actual_hash: str  # of the rows as they stand now
    retired: bool = False

    @property
    def drifted(self) -> bool:
        return self.actual_hash != self.recorded_hash


@dataclass(frozen=True, slots=True)
class RunningInstances:
    """How many unfinished instances of one version sit in one state."""

    workflow: str
    version: str
    revision: int  # of the version: the order it was applied in
    state: str
    count: int


@dataclass(frozen=True, slots=True)
class LiveState:
    """What one tenant has in the database. No runtime means no tenant and no definitions.

    `definitions` are the applied versions a plan decides with: the active one of each workflow,
    the newest where it is not the active one, the repository's, and any that drifted. Other
    versions are left out, proven untouched by the database (see `deploy.introspect`); read
    without a repository, every one.
    """

    runtime_version: int | None
    tenant_exists: bool
    definitions: tuple[LiveDefinition, ...] = ()
    heads: Mapping[str, str] = field(default_factory=dict)  # workflow name -> active version
    running: tuple[RunningInstances, ...] = ()

    def active_version(self, name: str) -> str | None:
        """The version new instances start on: the head, else the newest revision."""
        if name in self.heads:
            return self.heads[name]
        versions = [d for d in self.definitions if d.workflow.name == name]
        return max(versions, key=lambda d: d.revision).workflow.version if versions else None


@dataclass(frozen=True, slots=True)
class ElementChanges:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True, slots=True)
class InstanceGroup:
    """The running instances of another version of the workflow in one state, and their fate."""

    version: str
    state: str
    count: int
    fate: Fate
    to_state: str | None = None  # where the `migrate:` map sends it (listed versions only)
    # Its version is listed in the `migrate:` section's `from`: stranding it is an error.
    listed: bool = False

    @property
    def refused(self) -> bool:
        """A listed version's instances that the map leaves in a state the version lacks."""
        return self.listed and self.fate is Fate.STRANDED


@dataclass(frozen=True, slots=True)
class Impact:
    """The running instances of the workflow's other versions, by version and state, in the
    order the versions were applied."""

    groups: tuple[InstanceGroup, ...] = ()

    @property
    def running(self) -> int:
        return sum(g.count for g in self.groups)

    def count(self, which: Fate) -> int:
        return sum(g.count for g in self.groups if g.fate is which)

    @property
    def refused(self) -> tuple[InstanceGroup, ...]:
        return tuple(g for g in self.groups if g.refused)


@dataclass(frozen=True, slots=True)
class Change:
    workflow: str
    version: str
    action: Action
    active_version: str | None = None  # the version new instances start on before this apply
    revision: int | None = None  # the revision a create or new-version writes
    content_hash: str | None = None
    source: str | None = None
    message: str | None = None
    states: ElementChanges | None = None
    transitions: ElementChanges | None = None
    impact: Impact | None = None


@dataclass(frozen=True, slots=True)
class Origin:
    """Where the definitions came from: the git commit checked out, whether the workflow files
    differed from it, and the sha256 of the files read (see docs/plan-apply.md)."""

    git_commit: str | None
    dirty: bool | None  # None outside a git work tree
    files_sha256: str

    def to_dict(self) -> dict[str, Any]:
        """As the JSON view, the saved plan and the deployment record write it."""
        return {
            "git_commit": self.git_commit,
            "dirty": self.dirty,
            "files_sha256": self.files_sha256,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Origin:
        return cls(data["git_commit"], data["dirty"], data["files_sha256"])


@dataclass(frozen=True, slots=True)
class Plan:
    tenant: str
    create_tenant: bool
    runtime_installed: int | None
    runtime_target: int
    changes: tuple[Change, ...]
    # Workflows the tenant still starts that the repository no longer has, left alone (no --prune).
    not_in_repository: tuple[str, ...] = ()
    origin: Origin | None = None

    @property
    def runtime_action(self) -> RuntimeAction:
        if self.runtime_installed is None:
            return RuntimeAction.INSTALL
        if self.runtime_installed < self.runtime_target:
            return RuntimeAction.UPGRADE
        return RuntimeAction.NONE

    @property
    def errors(self) -> tuple[Change, ...]:
        """Conflicts, drift, and changes whose `migrate:` section strands running instances."""
        return tuple(c for c in self.changes if c.action.error or (c.impact and c.impact.refused))

    @property
    def stranded(self) -> int:
        """Running instances left in a state the version new starts use lacks."""
        return sum(c.impact.count(Fate.STRANDED) for c in self.changes if c.impact)

    @property
    def migrated(self) -> int:
        return sum(c.impact.count(Fate.MIGRATED) for c in self.changes if c.impact)

    @property
    def writes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.action.writes)

    @property
    def has_changes(self) -> bool:
        return (
            bool(self.writes)
            or self.create_tenant
            or self.runtime_action is not RuntimeAction.NONE
            or bool(self.migrated)
        )

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action is action)

    def summary(self) -> dict[str, Any]:
        return {
            "runtime": str(self.runtime_action),
            "create_tenant": self.create_tenant,
            **{str(action): self.count(action) for action in Action},
            "has_changes": self.has_changes,
            "errors": len(self.errors),
            "migrated_instances": self.migrated,
            "stranded_instances": self.stranded,
            "not_in_repository": list(self.not_in_repository),
        }


def _desired_by_name(desired: Iterable[Workflow]) -> dict[str, Workflow]:
    by_name: dict[str, Workflow] = {}
    for workflow in desired:
        if workflow.name in by_name:
            raise PypgflowError(
                f"{workflow.source}: workflow {workflow.name!r} is also defined in "
                f"{by_name[workflow.name].source}: give each workflow one file"
            )
        by_name[workflow.name] = workflow
    return by_name


def _impact(live: LiveState, name: str, new: Workflow | None) -> Impact:
    """The running instances of `name`'s versions other than `new`, and the fate of each group,
    in the order the versions were applied; with no `new` (a retire), every version's, each
    finishing where it is."""
    states = {state.name for state in new.states} if new else None
    migrate = new.migrate if new else None
    others = (
        r for r in live.running if r.workflow == name and (new is None or r.version != new.version)
    )
    running = sorted(others, key=lambda r: (r.revision, r.version, r.state))
    groups = []
    for each in running:
        listed = migrate is not None and each.version in migrate.from_versions
        what = fate(each.version, each.state, states, migrate)
        moves_to = migrate.target(each.state) if migrate and listed else None
        groups.append(InstanceGroup(each.version, each.state, each.count, what, moves_to, listed))
    return Impact(tuple(groups))


def _transition_label(transition: Transition) -> str:
    return f"{transition.from_state} --{transition.name}--> {transition.to_state}"


def _changes_between(old: Workflow | None, new: Workflow) -> tuple[ElementChanges, ElementChanges]:
    """(states, transitions) added, removed and changed from `old` to `new`, as labels."""
    diff = diff_workflows(old, new)
    states = ElementChanges(
        added=tuple(s.name for s in diff.states.added),
        removed=tuple(s.name for s in diff.states.removed),
        changed=tuple(new.name for _, new in diff.states.changed),
    )
    transitions = ElementChanges(
        added=tuple(map(_transition_label, diff.transitions.added)),
        removed=tuple(map(_transition_label, diff.transitions.removed)),
        changed=tuple(_transition_label(new) for _, new in diff.transitions.changed),
    )
    return states, transitions


def _new_version(live: LiveState, workflow: Workflow, active: str | None) -> Change:
    versions = [d for d in live.definitions if d.workflow.name == workflow.name]
    old = next((d.workflow for d in versions if d.workflow.version == active), None)
    states, transitions = _changes_between(old, workflow)
    return Change(
        workflow=workflow.name,
        version=workflow.version,
        action=Action.NEW_VERSION if versions else Action.CREATE,
        active_version=active,
        revision=max((d.revision for d in versions), default=0) + 1,
        content_hash=workflow.content_hash(),
        source=workflow.source,
        states=states,
        transitions=transitions,
        impact=_impact(live, workflow.name, workflow) if versions else None,
    )


def _existing_version(live: LiveState, workflow: Workflow, applied: LiveDefinition) -> Change:
    active = live.active_version(workflow.name)
    if applied.drifted:
        return _drift(applied, workflow)
    # Introspection hands back the desired workflow itself when it proved the rows hold it.
    same = applied.workflow is workflow
    change = Change(
        workflow=workflow.name,
        version=workflow.version,
        action=Action.UNCHANGED,
        active_version=active,
        content_hash=applied.recorded_hash if same else workflow.content_hash(),
        source=workflow.source,
    )
    if applied.recorded_hash != change.content_hash:
        return replace(
            change,
            action=Action.CONFLICT,
            message=f"version {workflow.version} was already applied with other content; "
            "applied versions are immutable: give this change a new version",
        )
    if applied.retired or active != workflow.version:
        return _rollback(live, change, workflow)
    return _map_added(live, change, workflow)


def _map_added(live: LiveState, change: Change, workflow: Workflow) -> Change:
    """An applied, active version whose `migrate:` section still has instances to move (a map
    added after the version was applied): unchanged, with the instances apply moves onto it."""
    if workflow.migrate is None:
        return change
    impact = _impact(live, workflow.name, workflow)
    moving = impact.count(Fate.MIGRATED) or impact.refused
    return replace(change, impact=impact) if moving else change


def _rollback(live: LiveState, change: Change, workflow: Workflow) -> Change:
    """What becomes active again, against the version active now, and the instances it meets."""
    versions = {
        d.workflow.version: d.workflow for d in live.definitions if d.workflow.name == workflow.name
    }
    current = versions.get(change.active_version or "")
    states, transitions = _changes_between(current, workflow) if current else (None, None)
    return replace(
        change,
        action=Action.ROLLBACK,
        states=states,
        transitions=transitions,
        impact=_impact(live, workflow.name, workflow),
    )


def _drift(applied: LiveDefinition, repository: Workflow | None) -> Change:
    """Drift; what changed by hand is shown when the repository still has the applied content."""
    change = Change(
        workflow=applied.workflow.name,
        version=applied.workflow.version,
        action=Action.DRIFT,
        content_hash=applied.recorded_hash,
        source=repository.source if repository else None,
        message="its rows in the database no longer match the content hash recorded when it was "
        "applied (changed by hand): restore them or investigate before applying",
    )
    if repository is None or repository.content_hash() != applied.recorded_hash:
        return change
    states, transitions = _changes_between(repository, applied.workflow)
    return replace(change, states=states, transitions=transitions)


def _retire(live: LiveState, name: str) -> Change | None:
    versions = [d for d in live.definitions if d.workflow.name == name]
    active = live.active_version(name)
    head = next(d for d in versions if d.workflow.version == active)
    if head.retired:
        return None
    return Change(
        workflow=name,
        version=head.workflow.version,
        action=Action.RETIRE,
        active_version=active,
        content_hash=head.recorded_hash,
        impact=_impact(live, name, None),
    )


def make_plan(
    tenant: str,
    desired: Iterable[Workflow],
    live: LiveState,
    *,
    runtime_target: int,
    prune: bool = False,
    origin: Origin | None = None,
) -> Plan:
    """Decide, per workflow, what apply does; changes sorted by workflow name, then version."""
    if live.runtime_version is not None and live.runtime_version > runtime_target:
        raise PypgflowError(
            f"the database has runtime version {live.runtime_version}, newer than this "
            f"pypgflow-ops knows ({runtime_target}): upgrade pypgflow-ops"
        )
    wanted = _desired_by_name(desired)
    applied = {(d.workflow.name, d.workflow.version): d for d in live.definitions}
    changes: list[Change] = []
    for name, workflow in wanted.items():
        active = live.active_version(name)
        existing = applied.get((name, workflow.version))
        if existing is None:
            changes.append(_new_version(live, workflow, active))
        else:
            changes.append(_existing_version(live, workflow, existing))
    reported = {(c.workflow, c.version) for c in changes}
    changes.extend(
        _drift(d, None)
        for d in live.definitions
        if d.drifted and (d.workflow.name, d.workflow.version) not in reported
    )
    gone = sorted({d.workflow.name for d in live.definitions} - wanted.keys())
    retirements = [c for c in (_retire(live, name) for name in gone) if c is not None]
    if prune:
        changes.extend(retirements)
    return Plan(
        tenant=tenant,
        create_tenant=not live.tenant_exists,
        runtime_installed=live.runtime_version,
        runtime_target=runtime_target,
        changes=tuple(sorted(changes, key=lambda c: (c.workflow, c.version))),
        not_in_repository=() if prune else tuple(c.workflow for c in retirements),
        origin=origin,
    )
