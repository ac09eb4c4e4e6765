"""What the runtime's SQLSTATEs mean (docs/runtime.md, "Errors"): one record per kind of refusal.

The kind word names the refusal in the CLI's messages, and in anything else that must tell
refusals apart (scenario tests), so that no other module keeps its own copy of the table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Refusal:
    sqlstate: str
    kind: str
    meaning: str


REFUSALS: dict[str, Refusal] = {
    r.sqlstate: r
    for r in (
        Refusal("PT400", "not-allowed", "the transition is not declared from the current state"),
        Refusal("PT403", "no-tenant", "the call carries no tenant"),
        Refusal("PT404", "unknown-instance", "no such instance in the tenant"),
        Refusal("PT409", "already-running", "the entity already runs an instance of the workflow"),
        Refusal("PT410", "retired", "the workflow version is retired"),
        Refusal("PT412", "condition-not-met", "a condition of the transition is not met"),
        Refusal("PT413", "too-large", "an argument is over its size limit"),
        Refusal("PT422", "unknown-workflow", "no such workflow name or definition id"),
        Refusal("PT423", "finished", "the instance is finished"),
        Refusal("PT503", "busy", "another call held the instance longer than the lock timeout"),
        Refusal("22004", "invalid-argument", "a required argument is null"),
        Refusal("22023", "invalid-argument", "a blank entity, or metadata/context not an object"),
        Refusal("PF001", "immutable", "an applied definition cannot change"),
        Refusal("PF002", "no-initial-state", "a definition without an initial state"),
    )
}


def kind_of(sqlstate: str | None) -> str | None:
    """The kind word of a runtime refusal, or None for any other SQLSTATE."""
    refusal = REFUSALS.get(sqlstate or "")
    return refusal.kind if refusal else None
