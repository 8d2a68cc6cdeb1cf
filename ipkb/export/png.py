"""PNG drawn by Graphviz `dot` (which must be installed): the DOT export with a title and a legend.

The check that `dot` exists is Graphviz's, shared with svg. Its size limit is its own, lower than svg's: a
raster image cannot be zoomed into, and the whole bundled KB (1,172 relations) came out 13,047 by 27,311
pixels and 31 MB after about 20 s, which no viewer shows readably.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from ipkb.export.graphviz import DRAWN as DRAWN
from ipkb.export.graphviz import ready as ready
from ipkb.export.graphviz import render

HELP = "drawn by Graphviz"  # its words in `ipkb export --help` (a module with HELP is a format)
BINARY = True  # bytes no terminal can show: `ipkb export` refuses to write them to one
MAX_EDGES = 600  # 207 relations (cities, provinces and designations) already draw 2,296 by 11,259 pixels
LIMIT_WHY = "a raster image of more is too large to view (tens of thousands of pixels a side): svg scales"


def write(graph: Any, stream: BinaryIO) -> None:
    render(graph, stream, "png")
