"""Graphviz DOT: `dot -Tsvg`; nodes filled by type and labelled in English and Chinese, edges by relation."""

from __future__ import annotations

from typing import Any, BinaryIO

from ipkb.export.common import colour, two_line_label


def quote(text: str) -> str:
    """A DOT double-quoted string: `\\`, `"` and line breaks escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return f'"{escaped}"'


def attributes(values: dict[str, str]) -> str:
    return "[" + ", ".join(f"{k}={quote(v)}" for k, v in values.items()) + "]"


def lines(graph: Any) -> list[str]:
    out = [
        "digraph ipkb {",
        '  graph [rankdir="LR", fontname="Noto Sans CJK SC,sans-serif"];',
        '  node [shape="box", style="rounded,filled", fontname="Noto Sans CJK SC,sans-serif"];',
        '  edge [fontname="Noto Sans CJK SC,sans-serif", fontsize="10"];',
    ]
    for node, data in graph.nodes(data=True):
        values = {"label": two_line_label(data), "fillcolor": colour(data["type"]), "type": data["type"]}
        out.append(f"  {quote(node)} {attributes(values)};")
    for u, v, key, data in graph.edges(keys=True, data=True):
        values = {"label": data["label"], "type": data["type"], "key": key}
        out.append(f"  {quote(u)} -> {quote(v)} {attributes(values)};")
    out.append("}")
    return out


def write(graph: Any, stream: BinaryIO) -> None:
    stream.write(("\n".join(lines(graph)) + "\n").encode("utf-8"))
