"""JSON Lines: one record a line, `{"record": "entity" | "relation" | "fact" | "source", ...}`.

Entities first (id order), then relations (KB order), then facts, then the sources they cite; every
line is a JSON object with sorted keys, for `jq`, pandas (`read_json(lines=True)`) or a bulk loader.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from ipkb.export.graph import all_facts, cited_sources

if TYPE_CHECKING:
    from ipkb.shapes import GraphData

HELP = "JSON Lines"  # its words in `ipkb export --help` (a module with HELP is a format)
STREAMS = True  # entities, relations, facts and sources are each one pass over the store


def records(graph: Any) -> Iterator[GraphData]:
    for node, data in graph.nodes(data=True):
        yield {"record": "entity", "id": node, **{k: v for k, v in data.items() if k != "facts"}}
    for u, v, key, data in graph.edges(keys=True, data=True):
        yield {"record": "relation", "id": key, "from": u, "to": v, **data}
    for node, fact in all_facts(graph):
        yield {"record": "fact", "entity": node, **fact}
    for source_id, source in cited_sources(graph).items():
        yield {**source, "record": "source", "id": source_id}


def write(graph: Any, stream: BinaryIO) -> None:
    encoder = json.JSONEncoder(ensure_ascii=False, sort_keys=True)  # json.dumps's, built once
    for record in records(graph):
        stream.write((encoder.encode(record) + "\n").encode("utf-8"))
