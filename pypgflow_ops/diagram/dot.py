"""A scene as Graphviz DOT text: left to right, entry arrow, final states as double circles.

Every piece of free text goes into an HTML-like label (escape.html_label); names become node ids
only when they are plain identifiers, and are hex-encoded otherwise, so no name can break the file.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from enum import StrEnum

from pypgflow_ops.diagram.escape import html_label, visible_lines
from pypgflow_ops.diagram.scene import ANY_LABEL, Edge, Mark, Node, Scene
from pypgflow_ops.diagram.style import (
    FILL,
    FONT,
    GUARD_MARKER,
    INK,
    LINE,
    MARK_COLORS,
    QUIET,
    border,
    line_color,
    tint,
)

# dot takes seconds at 200 states of a typical workflow and minutes at 2,000 (docs/diagrams.md);
# sfdp lays out 2,000 states in seconds once transition labels are left out.
LARGE_WORKFLOW_STATES = 200
_PLAIN_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
# Neither a plain id (it starts with `~`) nor a hex-encoded name (`n`, `t`, `r`, `y` are not hex).
ENTRY_ID = '"~entry"'
ANY_ID = '"~any"'  # the source of every `from: "*"`; like ENTRY_ID, never a state's id


def node_id(name: str) -> str:
    if _PLAIN_ID.fullmatch(name):
        return f'"{name}"'
    return f'"~{name.encode("utf-8", "surrogatepass").hex()}"'


def tooltip(text: str) -> str:
    """A DOT tooltip that shows `text` on one line.

    Graphviz expands escapes such as `\\N` in a tooltip twice (once more when drawing), so a
    backslash is written as four.
    """
    line = " ".join(visible_lines(text))
    return '"' + line.replace("\\", "\\" * 4).replace('"', '\\"') + '"'


class Layout(StrEnum):
    DOT = "dot"  # layered, left to right, every label
    SFDP = "sfdp"  # force-directed, for large workflows; transition labels are left out


def layout_for(scene: Scene) -> Layout:
    return Layout.SFDP if len(scene.nodes) > LARGE_WORKFLOW_STATES else Layout.DOT


def _attributes(attributes: dict[str, str]) -> str:
    return ", ".join(f"{key}={value}" for key, value in attributes.items())


def _graph_label(scene: Scene, layout: Layout) -> str:
    subtitle = html_label(scene.subtitle)
    if layout is Layout.SFDP:
        subtitle += f" · {len(scene.nodes)} states: transition labels left out"
    elif scene.has_guards:
        subtitle += f" · {GUARD_MARKER} has conditions"
    label = f'<b>{html_label(scene.title)}</b><br/><font point-size="11" color="{QUIET}">'
    label += f"{subtitle}</font>"
    if scene.is_change:
        marks = [Mark.ADDED, Mark.CHANGED, Mark.REMOVED]
        marks += [Mark.MIGRATED] if any(e.mark is Mark.MIGRATED for e in scene.edges) else []
        legend = "&nbsp;&nbsp;&nbsp;".join(
            f'<font color="{MARK_COLORS[mark]}">■ {mark}</font>' for mark in marks
        )
        label += f'<br/><font point-size="11">{legend}</font>'
    return f"<{label}>"


def _header(scene: Scene, layout: Layout) -> Iterator[str]:
    graph = {
        "rankdir": "LR",
        "fontname": f'"{FONT}"',
        "fontsize": "16",
        "fontcolor": f'"{INK}"',
        "labelloc": "t",
        "labeljust": "l",
        "nodesep": "0.35",
        "ranksep": "0.55",
        "pad": "0.3",
        "label": _graph_label(scene, layout),
    }
    if layout is Layout.SFDP:
        graph |= {"layout": "sfdp", "overlap": "prism", "outputorder": "edgesfirst"}
    yield f"  graph [{_attributes(graph)}];"
    yield (
        f'  node [fontname="{FONT}", fontsize=12, fontcolor="{INK}", shape=box, '
        f'style="rounded,filled", fillcolor="{FILL}", color="{LINE}", penwidth=1.2, '
        'margin="0.18,0.08"];'
    )
    yield (
        f'  edge [fontname="{FONT}", fontsize=10, fontcolor="{INK}", color="{LINE}", '
        "arrowsize=0.7];"
    )


def _node_style(node: Node) -> dict[str, str]:
    style: dict[str, str] = {}
    if node.final:
        style |= {"shape": "doublecircle", "style": "filled", "margin": "0.04", "width": "1.1"}
    if node.color is not None:
        style |= {"fillcolor": f'"{tint(node.color)}"', "color": f'"{border(node.color)}"'}
    if node.mark is not Mark.PLAIN:
        color = MARK_COLORS[node.mark]
        style |= {"fillcolor": f'"{tint(color, 0.15)}"', "color": f'"{color}"', "penwidth": "2"}
        if node.mark is Mark.REMOVED:
            dashed = "dashed,filled" if node.final else "rounded,dashed,filled"
            style |= {"style": f'"{dashed}"', "fontcolor": f'"{color}"'}
    if node.problems:
        style["tooltip"] = tooltip(", ".join(node.problems))
    return style


def _node_label(node: Node) -> str:
    """A final state's label in short lines, which keeps its circle small."""
    if not node.final:
        return node.label
    return "\n".join(
        "\n".join(textwrap.wrap(line, 12, break_long_words=False)) or line
        for line in node.label.splitlines()
    )


def _node(node: Node) -> str:
    attributes = {"label": f"<{html_label(_node_label(node))}>", **_node_style(node)}
    return f"  {node_id(node.name)} [{_attributes(attributes)}];"


def _edge_label(edge: Edge) -> str:
    label = html_label(edge.label)
    if edge.guarded:
        label += f' <font color="{QUIET}">{GUARD_MARKER}</font>'
    return f"<{label}>"


def _edge(edge: Edge, layout: Layout) -> str:
    attributes = {"label": _edge_label(edge)} if layout is Layout.DOT else {}
    color = line_color(edge.mark, edge.color)
    if color is not None:
        attributes |= {"color": f'"{color}"', "fontcolor": f'"{color}"'}
    if edge.mark in (Mark.ADDED, Mark.CHANGED):
        attributes["penwidth"] = "2"
    if edge.mark in (Mark.REMOVED, Mark.MIGRATED):
        attributes["style"] = "dashed"
    if edge.guarded and layout is Layout.DOT:
        attributes["tooltip"] = '"has conditions"'
    source = ANY_ID if edge.from_any else node_id(edge.source)
    ends = f"{source} -> {node_id(edge.target)}"
    return f"  {ends} [{_attributes(attributes)}];" if attributes else f"  {ends};"


def render_dot(scene: Scene, layout: Layout | None = None) -> str:
    """DOT text; the layout is dot, or sfdp for large workflows unless `layout` says otherwise."""
    layout = layout or layout_for(scene)
    lines = [f"digraph {node_id(scene.name)} {{", *_header(scene, layout)]
    lines.append(f'  {ENTRY_ID} [shape=point, width=0.14, color="{INK}", fillcolor="{INK}"];')
    lines += [_node(node) for node in scene.nodes]
    if scene.has_wildcards:
        lines.append(
            f"  {ANY_ID} [label=<{html_label(ANY_LABEL)}>, "
            f'style="rounded,dashed", fontcolor="{QUIET}"];'
        )
    lines += [f"  {ENTRY_ID} -> {node_id(n.name)};" for n in scene.entered]
    lines += [_edge(edge, layout) for edge in scene.edges]
    return "\n".join([*lines, "}"]) + "\n"
