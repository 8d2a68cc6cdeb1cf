"""GraphML for Gephi, yEd and Cytoscape (networkx's writer; attributes are scalars or JSON text)."""

from __future__ import annotations

from typing import Any, BinaryIO

import networkx as nx

from ipkb.export.common import flat


def write(graph: Any, stream: BinaryIO) -> None:
    nx.write_graphml(flat(graph), stream, encoding="utf-8", prettyprint=True, named_key_ids=True)
