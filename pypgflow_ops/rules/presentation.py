"""invalid-color: a colour that Graphviz and Mermaid would not understand.

Diagrams use `metadata.color`; a bad value is reported here rather than failing a render later.
"""

from __future__ import annotations

from collections.abc import Iterator

from pypgflow_ops.colors import color_hint, is_valid_color
from pypgflow_ops.model import State, Transition
from pypgflow_ops.problems import RuleInfo, Severity, Stage
from pypgflow_ops.rules.subject import Finding, GraphCheck, Subject

INVALID_COLOR = RuleInfo(
    "invalid-color",
    Severity.WARNING,
    "metadata.color is not a colour Graphviz and Mermaid "
    "understand (#rgb, #rrggbb or a colour name).",
    Stage.WORKFLOW,
)


def invalid_color(subject: Subject) -> Iterator[Finding]:
    elements: tuple[State | Transition, ...] = (
        *subject.workflow.states,
        *subject.workflow.transitions,
    )
    for element in elements:
        color = element.metadata.get("color")
        if isinstance(color, str) and not is_valid_color(color):
            yield Finding(
                subject.at(element),
                f"{element.name!r}: metadata.color {color!r} is not a colour; {color_hint(color)}",
            )


CHECKS: dict[RuleInfo, GraphCheck] = {INVALID_COLOR: invalid_color}
