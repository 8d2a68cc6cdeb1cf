"""Graphviz DOT: `dot -Tsvg`; nodes filled by type and labelled in English and Chinese, edges by relation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from ipkb.export.common import colour, two_line_label

STREAMS = True  # nodes, then edges, each written as read


def quote(text: str) -> str:
    """A DOT double-quoted string: `\\`, `"` and line breaks escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return f'"{escaped}"'


def attributes(values: dict[str, str]) -> str:
    return "[" + ", ".join(f"{k}={quote(v)}" for k, v in values.items()) + "]"


def lines(graph: Any) -> Iterator[str]:
    yield "digraph ipkb {"
    yield '  graph [rankdir="LR", fontname="Noto Sans CJK SC,sans-serif"];'
    yield '  node [shape="box", style="rounded,filled", fontname="Noto Sans CJK SC,sans-serif"];'
    yield '  edge [fontname="Noto Sans CJK SC,sans-serif", fontsize="10"];'
    for node, data in graph.nodes(data=True):
        values = {"label": two_line_label(data), "fillcolor": colour(data["type"]), "type": data["type"]}
        yield f"  {quote(node)} {attributes(values)};"
    for u, v, key, data in graph.edges(keys=True, data=True):
        values = {"label": data["label"], "type": data["type"], "key": key}
        yield f"  {quote(u)} -> {quote(v)} {attributes(values)};"
    yield "}"


def write(graph: Any, stream: BinaryIO) -> None:
    for line in lines(graph):
        stream.write((line + "\n").encode("utf-8"))
