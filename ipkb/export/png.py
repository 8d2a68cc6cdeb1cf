"""PNG drawn by Graphviz `dot` (which must be installed): the DOT export with a title and a legend.

Its size limit and the check that `dot` exists are Graphviz's, shared with the other drawn format.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from ipkb.export.graphviz import DRAWN as DRAWN
from ipkb.export.graphviz import LIMIT_WHY as LIMIT_WHY
from ipkb.export.graphviz import MAX_EDGES as MAX_EDGES
from ipkb.export.graphviz import ready as ready
from ipkb.export.graphviz import render

HELP = "drawn by Graphviz"  # its words in `ipkb export --help` (a module with HELP is a format)
BINARY = True  # bytes no terminal can show: `ipkb export` refuses to write them to one


def write(graph: Any, stream: BinaryIO) -> None:
    render(graph, stream, "png")
