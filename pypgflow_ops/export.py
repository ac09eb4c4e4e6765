"""A workflow model as a workflow file in the repository's format, exact to the byte.

PyYAML already quotes text that a YAML 1.1 reader would convert (`no`, `null`, `1.10`, `0755`);
on top of that, `y`/`n` are quoted (booleans to other YAML 1.1 tools), multi-line text is a
literal block where YAML can hold it as one, and line separators are written as escapes in
double quotes (lint refuses them raw). Lines are never folded.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from pypgflow_ops import resources
from pypgflow_ops.loading.scalars import YES_NO
from pypgflow_ops.model import WILDCARD, State, Transition, Workflow

_ESCAPE_ONLY = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


class _Dumper(yaml.SafeDumper):
    """Block style with sequences indented under their key, as the repository's files are."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style: str | None = None
    if _ESCAPE_ONLY.search(value) or value == WILDCARD:  # `from: "*"`, as the docs write it
        style = '"'
    elif "\n" in value:
        style = "|"
    elif value in YES_NO:
        style = "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _state(state: State) -> dict[str, Any]:
    return {
        "name": state.name,
        **({"initial": True} if state.initial else {}),
        **({"final": True} if state.final else {}),
        **({"metadata": dict(state.metadata)} if state.metadata else {}),
    }


def _transition(transition: Transition) -> dict[str, Any]:
    return {
        "from": transition.from_state,
        "to": transition.to_state,
        "name": transition.name,
        **({"conditions": dict(transition.conditions)} if transition.conditions else {}),
        **({"context": dict(transition.context)} if transition.context else {}),
        **({"metadata": dict(transition.metadata)} if transition.metadata else {}),
    }


def document(workflow: Workflow) -> dict[str, Any]:
    """The file's content: initial states first, final ones last, transitions by source state
    and the wildcards (`from: "*"`) after them."""
    states = sorted(workflow.states, key=lambda s: (not s.initial, s.final, s.name))
    order = {state.name: index for index, state in enumerate(states)} | {WILDCARD: len(states)}
    transitions = sorted(
        workflow.transitions, key=lambda t: (order.get(t.from_state, 0), t.name, t.to_state)
    )
    header: dict[str, Any] = {"name": workflow.name, "version": workflow.version}
    if workflow.metadata:
        header["metadata"] = dict(workflow.metadata)
    return {
        "workflow": header,
        "states": [_state(s) for s in states],
        "transitions": [_transition(t) for t in transitions],
    }


def workflow_yaml(workflow: Workflow, *, comment: str) -> str:
    """The workflow file's text, under a `# comment` line."""
    body = yaml.dump(
        document(workflow),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=2**31 - 1,
    )
    return f"# {comment}\n{body}"


def unfit_identity(workflow: Workflow) -> str | None:
    """Why the workflow's name or version cannot be a workflow file's (and a file name), or None.

    The runtime does not check names: rows written by hand may hold `../x` or a newline.
    """
    schema = resources.workflow_schema()
    fields = schema["properties"]["workflow"]["properties"]
    for field, value, rules in (
        ("name", workflow.name, schema["$defs"]["name"]),
        ("version", workflow.version, fields["version"]),
    ):
        if len(value) > rules["maxLength"] or not re.fullmatch(rules["pattern"], value):
            return (
                f"its {field} {value!r} is not a workflow file's (it must match "
                f"{rules['pattern']}, at most {rules['maxLength']} characters)"
            )
    return None
