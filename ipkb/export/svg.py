"""SVG drawn by Graphviz `dot` (which must be installed): the DOT export with a title and a legend."""

from __future__ import annotations

from typing import Any, BinaryIO

from ipkb.export.graphviz import dot_program, render

MAX_NODES = 1000  # measured: see docs/exports.md
LIMIT_WHY = "Graphviz takes minutes on larger graphs; use gexf or graphml with Gephi for them"


def ready() -> None:
    """Fail before any work when Graphviz is missing."""
    dot_program()


def write(graph: Any, stream: BinaryIO) -> None:
    render(graph, stream, "svg")
