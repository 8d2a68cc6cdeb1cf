"""SVG drawn by Graphviz `dot` (which must be installed): the DOT export with a title and a legend."""

from __future__ import annotations

from typing import Any, BinaryIO

from ipkb.export.graphviz import dot_program, render

MAX_EDGES = 1000  # the whole bundled KB (693) draws in under a second; dense graphs far slower: docs/exports.md
LIMIT_WHY = "Graphviz's layered drawing of more is unreadable and can take hours; use gexf or graphml with Gephi"


def ready() -> None:
    """Fail before any work when Graphviz is missing."""
    dot_program()


def write(graph: Any, stream: BinaryIO) -> None:
    render(graph, stream, "svg")
