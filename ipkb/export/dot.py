"""Graphviz DOT: `dot -Tsvg`; nodes filled by type and labelled in English and Chinese, edges by relation.

Text is black or white, whichever reads better on the type's fill. Beyond what Graphviz draws, each node
carries `type`, `note`, a `tooltip` (shown on hover in SVG) and each entity attribute as `attr_<key>`
(prefixed, so an attribute named `color` or `shape` can never change how Graphviz draws). `lines(graph,
legend=True)` adds the title and a legend (type -> colour) for the rendered formats (svg, png).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO

from ipkb.export.common import two_line_label
from ipkb.export.style import CAVEATS, colour, link_caveat, link_label, roles_of, text_colour

if TYPE_CHECKING:
    from ipkb.shapes import GraphData

HELP = "Graphviz source"  # its words in `ipkb export --help` (a module with HELP is a format)
STREAMS = True  # nodes, then edges, each written as read
# a picture: source entities are not drawn unless asked for (--type), see ipkb.export.graph.export_graph
DRAWN = True
FONT = "Noto Sans CJK SC,sans-serif"  # Debian's fonts-noto-cjk; any font with CJK glyphs will do
LEGEND_ID = "ipkb legend"  # entity ids are [a-z0-9-]: no entity can take this one


def quote(text: str) -> str:
    """A DOT double-quoted string: `\\`, `"` and line breaks escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return f'"{escaped}"'


def attributes(values: dict[str, str]) -> str:
    return "[" + ", ".join(f"{k}={quote(v)}" for k, v in values.items()) + "]"


def node_attributes(data: GraphData, colours: Mapping[str, str]) -> dict[str, str]:
    """What a node is drawn with and carries: label, colours, type, tooltip, note and `attr_<key>`s."""
    fill = colour(data["type"], colours)
    values = {"label": two_line_label(data), "fillcolor": fill, "fontcolor": text_colour(fill), "type": data["type"]}
    tip = [str(data["name"]) + (f" {data['zh']}" if data.get("zh") else "") + f" ({data['type']})"]
    for key, value in data.get("attributes", {}).items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        values[f"attr_{re.sub(r'[^A-Za-z0-9_]', '_', key)}"] = text
        tip.append(f"{key}: {text}")
    if data.get("note"):
        values["note"] = data["note"]
        tip.append(f"Note: {data['note']}")
    values["tooltip"] = "\n".join(tip)
    return values


def legend(types: list[str], colours: Mapping[str, str], caveats: Sequence[str] = ()) -> str:
    """One node whose HTML-like label is a table of the types drawn, each in its colour, and of the kinds of
    link drawn with a broken line (inferred: dashed, planned: dotted)."""
    fills = {t: colour(t, colours) for t in types}
    rows = "".join(
        f'<TR><TD BGCOLOR="{fills[t]}"><FONT COLOR="{text_colour(fills[t])}">{html.escape(t)}</FONT></TD></TR>'
        for t in types
    )
    marks = {"dashed": "- - - -", "dotted": "\u00b7 \u00b7 \u00b7 \u00b7"}
    rows += "".join(f"<TR><TD>{marks[CAVEATS[c]]} {c} link</TD></TR>" for c in caveats)
    head = '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4"><TR><TD><B>type</B></TD></TR>'
    table = f"{head}{rows}</TABLE>"
    return f'  {quote(LEGEND_ID)} [shape="plaintext", style="", tooltip="legend", label=<{table}>];'


def lines(graph: Any, legend_and_title: bool = False) -> Iterator[str]:
    yield "digraph ipkb {"
    yield f'  graph [rankdir="LR", fontname="{FONT}"];'
    yield f'  node [shape="box", style="rounded,filled", fontname="{FONT}"];'
    yield f'  edge [fontname="{FONT}", fontsize="10"];'
    types: set[str] = set()
    caveats: set[str] = set()
    roles = roles_of(graph)
    for node, data in graph.nodes(data=True):
        types.add(data["type"])
        yield f"  {quote(node)} {attributes(node_attributes(data, roles.colours))};"
    for u, v, key, data in graph.edges(keys=True, data=True):
        values = {"label": link_label(data, roles), "type": data["type"], "key": key}
        caveat = link_caveat(data, roles)
        if caveat:  # a broken line, and the word beside the label: readable in black and white too
            caveats.add(caveat)
            values.update(style=CAVEATS[caveat], caveat=caveat)
        yield f"  {quote(u)} -> {quote(v)} {attributes(values)};"
    if legend_and_title:
        if graph.graph.get("title"):
            yield f'  graph [label={quote("ipkb: " + graph.graph["title"])}, labelloc="t", fontsize="18"];'
        if types:
            yield legend(sorted(types), roles.colours, sorted(caveats))
    yield "}"


def write(graph: Any, stream: BinaryIO) -> None:
    for line in lines(graph):
        stream.write((line + "\n").encode("utf-8"))
