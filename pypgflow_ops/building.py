"""A schema-valid document -> the Workflow model, each state and transition keeping its position."""

from __future__ import annotations

from pypgflow_ops.loading import Document
from pypgflow_ops.model import Migration, State, Transition, Workflow


def build_workflow(document: Document, file: str) -> Workflow:
    """Only for documents that passed the schema: every required key is there, every type right."""
    data = document.data
    header = data["workflow"]
    states = tuple(
        State(
            name=state["name"],
            initial=state.get("initial", False),
            final=state.get("final", False),
            metadata=state.get("metadata", {}),
            position=document.position(("states", index)),
        )
        for index, state in enumerate(data["states"])
    )
    transitions = tuple(
        Transition(
            from_state=transition["from"],
            to_state=transition["to"],
            name=transition["name"],
            conditions=transition.get("conditions", {}),
            context=transition.get("context", {}),
            metadata=transition.get("metadata", {}),
            position=document.position(("transitions", index)),
        )
        for index, transition in enumerate(data["transitions"])
    )
    return Workflow(
        name=header["name"],
        version=header["version"],
        states=states,
        transitions=transitions,
        metadata=header.get("metadata", {}),
        source=file,
        position=document.key_position(("workflow",)),
        migrate=_migration(document),
    )


def _migration(document: Document) -> Migration | None:
    """The `migrate:` section, placed at its key (a map entry is placed by its path)."""
    section = document.data.get("migrate")
    if section is None:
        return None
    return Migration(
        from_versions=tuple(section["from"]),
        states=dict(section.get("states", {})),
        position=document.key_position(("migrate",)),
    )
