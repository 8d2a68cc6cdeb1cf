"""Mermaid flowchart source: paste it into a ```mermaid block on GitHub, or render with mermaid-cli.

Node ids are the entity ids with every character outside `[A-Za-z0-9_]` replaced by `_` and an `e_`
prefix (Mermaid reserves words such as `end`); labels are quoted, `"` written as `#quot;`.
"""

from __future__ import annotations

import re
from typing import Any, BinaryIO

from ipkb.export.common import colour


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
    for u, v, _, data in graph.edges(keys=True, data=True):
        out.append(f'  {ids[u]} -->|"{text(data["label"])}"| {ids[v]}')
    out += [f"  classDef t_{t} fill:{colour(t)},stroke:#333,color:#000" for t in types]
    return out


def write(graph: Any, stream: BinaryIO) -> None:
    stream.write(("\n".join(lines(graph)) + "\n").encode("utf-8"))
