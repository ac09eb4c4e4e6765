"""The runtime's refusals: one record per kind, its word, its SQLSTATE and what it means.

The words are what scenario files write (`refused: not-allowed`) and what tools show; the
SQLSTATEs are the runtime's (docs/runtime.md, "Errors").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RefusalKind:
    word: str
    sqlstate: str
    meaning: str


REFUSALS: tuple[RefusalKind, ...] = (
    RefusalKind("not-allowed", "PT400", "the transition is not declared from the current state"),
    RefusalKind("no-tenant", "PT403", "the request carries no tenant"),
    RefusalKind("unknown-instance", "PT404", "no such instance (or another tenant's)"),
    RefusalKind("already-running", "PT409", "the entity already has a running instance"),
    RefusalKind("retired", "PT410", "the workflow version is retired"),
    RefusalKind("condition-not-met", "PT412", "a condition of the transition is not met"),
    RefusalKind("unknown-workflow", "PT422", "no such workflow (or another tenant's)"),
    RefusalKind("finished", "PT423", "the instance is finished: it accepts no transitions"),
    RefusalKind("busy", "PT503", "another call held the instance longer than the lock timeout"),
    RefusalKind("missing-argument", "22004", "a required argument is null"),
    RefusalKind(
        "invalid-argument", "22023", "an empty entity, or metadata or context not a JSON object"
    ),
)

BY_SQLSTATE: dict[str, RefusalKind] = {kind.sqlstate: kind for kind in REFUSALS}
BY_WORD: dict[str, RefusalKind] = {kind.word: kind for kind in REFUSALS}


def word_for(sqlstate: str | None) -> str | None:
    """The refusal kind's word for a SQLSTATE, or None when it is not one of the runtime's."""
    kind = BY_SQLSTATE.get(sqlstate or "")
    return kind.word if kind else None
