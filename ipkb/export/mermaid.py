"""Mermaid flowchart source: paste it into a ```mermaid block on GitHub, or render with mermaid-cli.

Node ids are the entity ids with every character outside `[A-Za-z0-9_]` replaced by `_` and an `e_`
prefix (Mermaid reserves words such as `end`); labels are quoted, `"` written as `#quot;`. Label text is
black or white, whichever reads better on the type's fill.

Mermaid refuses a diagram of more than 500 edges or 50,000 characters (its default `maxEdges` and
`maxTextSize`, which GitHub does not raise), so larger exports are refused here with advice instead.
Entity attributes and notes are left out: a flowchart node holds only a label, and long text in labels
makes the diagram unreadable and hits the text limit sooner (the html, dot and svg exports carry them).
"""

from __future__ import annotations

import re
from typing import Any, BinaryIO

from ipkb.errors import ExportError
from ipkb.export.limits import ADVICE
from ipkb.export.style import colour, link_caveat, link_label, roles_of, text_colour

HELP = "a flowchart"  # its words in `ipkb export --help` (a module with HELP is a format)
MAX_EDGES = 500  # Mermaid's default maxEdges
MAX_TEXT = 50_000  # Mermaid's default maxTextSize, in characters
LIMIT_WHY = "Mermaid draws at most 500 edges"
# a picture: source entities are not drawn unless asked for (--type), see ipkb.export.graph.export_graph
DRAWN = True


def text(value: str) -> str:
    """Label text inside Mermaid double quotes."""
    return value.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def node_ids(nodes: list[str]) -> dict[str, str]:
    """Mermaid-safe, unique, stable ids for entity ids."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for node in nodes:
        base = "e_" + re.sub(r"[^A-Za-z0-9_]", "_", node)
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base}_{n}"
        used.add(candidate)
        out[node] = candidate
    return out


def lines(graph: Any) -> list[str]:
    ids = node_ids(list(graph.nodes))
    out = ["flowchart LR"]
    types = sorted({data["type"] for _, data in graph.nodes(data=True)})
    for node, data in graph.nodes(data=True):
        label = text(str(data["name"])) + (f"<br/>{text(data['zh'])}" if data.get("zh") else "")
        out.append(f'  {ids[node]}["{label}"]:::t_{data["type"]}')
    roles = roles_of(graph)
    for u, v, _, data in graph.edges(keys=True, data=True):
        caveat = link_caveat(data, roles)  # inferred or planned: a dotted arrow, and the word in its label
        label = text(link_label(data, roles))
        out.append(f'  {ids[u]} {"-.->" if caveat else "-->"}|"{label}"| {ids[v]}')
    colours = roles.colours
    out += [
        f"  classDef t_{t} fill:{colour(t, colours)},stroke:#333,color:{text_colour(colour(t, colours))}" for t in types
    ]
    return out


def write(graph: Any, stream: BinaryIO) -> None:
    text = "\n".join(lines(graph)) + "\n"
    if len(text) > MAX_TEXT:
        raise ExportError(
            f"too large for mermaid: {len(text)} characters (Mermaid draws at most {MAX_TEXT})", hint=ADVICE
        )
    stream.write(text.encode("utf-8"))
