"""A scene as a Mermaid flowchart (GitHub renders it in Markdown): left to right, an entry point,
final states as double circles, colours and marks through classes and link styles.

Ids are `s_` and the name when the name is a plain identifier (a bare name such as `end` would be
a Mermaid keyword), else `x_` and the name's UTF-8 in hex; every label is a quoted string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from pypgflow_ops.diagram.escape import mermaid_string, visible_lines
from pypgflow_ops.diagram.scene import ANY_LABEL, Edge, Mark, Node, Scene
from pypgflow_ops.diagram.style import (
    GUARD_MARKER,
    INK,
    LINE,
    MARK_COLORS,
    QUIET,
    border,
    line_color,
    tint,
)

_PLAIN_NAME = re.compile(r"[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*")  # `--` would start an arrow
ENTRY_ID = "entry"
ANY_ID = "any_state"  # the source of every `from: "*"`; no state's id (those start s_ or x_)
_MARK_STYLES = {
    Mark.ADDED: "stroke-width:2px",
    Mark.CHANGED: "stroke-width:2px",
    Mark.REMOVED: "stroke-width:2px,stroke-dasharray:5 5",
    Mark.PROBLEM: "stroke-width:2px",
}


def node_id(name: str) -> str:
    if _PLAIN_NAME.fullmatch(name):
        return f"s_{name}"
    return f"x_{name.encode('utf-8', 'surrogatepass').hex()}"


def _front_matter(scene: Scene) -> list[str]:
    guards = f" · {GUARD_MARKER} has conditions" if scene.has_guards else ""
    title = " ".join(visible_lines(f"{scene.title} ({scene.subtitle}){guards}"))
    return ["---", f"title: {json.dumps(title, ensure_ascii=False)}", "---"]


def _node(node: Node) -> str:
    label = f'"{mermaid_string(node.label)}"'
    shape = f"((({label})))" if node.final else f"({label})"
    return f"  {node_id(node.name)}{shape}"


def _edge(edge: Edge) -> str:
    label = mermaid_string(edge.label) + (f" {GUARD_MARKER}" if edge.guarded else "")
    arrow = "-.->" if edge.mark in (Mark.REMOVED, Mark.MIGRATED) else "-->"
    source = ANY_ID if edge.from_any else node_id(edge.source)
    return f'  {source} {arrow}|"{label}"| {node_id(edge.target)}'


def _class_of(node: Node) -> str | None:
    if node.mark is not Mark.PLAIN:
        return str(node.mark)
    return f"color_{node.color[1:]}" if node.color else None


def _class_style(name: str) -> str:
    if name.startswith("color_"):
        color = "#" + name.removeprefix("color_")
        return f"fill:{tint(color)},stroke:{border(color)}"
    mark = Mark(name)
    color = MARK_COLORS[mark]
    text = f",color:{color}" if mark is Mark.REMOVED else ""
    return f"fill:{tint(color, 0.15)},stroke:{color},{_MARK_STYLES[mark]}{text}"


def _classes(scene: Scene) -> Iterator[str]:
    members: dict[str, list[str]] = {}
    for node in scene.nodes:
        name = _class_of(node)
        if name is not None:
            members.setdefault(name, []).append(node_id(node.name))
    yield f"  classDef entry fill:{INK},stroke:{INK}"
    if scene.has_wildcards:
        yield f"  classDef wildcard fill:#ffffff,stroke:{LINE},stroke-dasharray:5 5,color:{QUIET}"
    for name in sorted(members):
        yield f"  classDef {name} {_class_style(name)}"
    yield f"  class {ENTRY_ID} entry"
    if scene.has_wildcards:
        yield f"  class {ANY_ID} wildcard"
    for name in sorted(members):
        yield f"  class {','.join(members[name])} {name}"


def _link_styles(entry_edges: int, edges: tuple[Edge, ...]) -> Iterator[str]:
    for index, edge in enumerate(edges, start=entry_edges):
        color = line_color(edge.mark, edge.color)
        if color is not None:
            width = ",stroke-width:2px" if edge.mark is not Mark.PLAIN else ""
            yield f"  linkStyle {index} stroke:{color},color:{color}{width}"


# Mermaid's default limits, which a diagram cannot raise (they are "secure" settings).
MERMAID_MAX_EDGES = 500
MERMAID_MAX_TEXT = 50_000
_EDGE_LINE = re.compile(r"^  \S+ (?:-->|-\.->)", re.MULTILINE)  # an id, then an arrow


def within_mermaid_limits(text: str) -> bool:
    """Whether Mermaid with its default settings would draw this text at all."""
    edges = len(_EDGE_LINE.findall(text))
    return edges < MERMAID_MAX_EDGES and len(text) <= MERMAID_MAX_TEXT


def render_mermaid(scene: Scene) -> str:
    lines = [*_front_matter(scene), "flowchart LR", f'  {ENTRY_ID}((" "))']
    lines += [_node(node) for node in scene.nodes]
    if scene.has_wildcards:
        lines.append(f'  {ANY_ID}("{mermaid_string(ANY_LABEL)}")')
    lines += [f"  {ENTRY_ID} --> {node_id(n.name)}" for n in scene.entered]
    lines += [_edge(edge) for edge in scene.edges]
    lines += _classes(scene)
    lines += _link_styles(len(scene.entered), scene.edges)
    return "\n".join(lines) + "\n"
