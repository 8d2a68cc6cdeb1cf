"""JSON Lines: one record a line, `{"record": "entity" | "relation" | "fact" | "source", ...}`.

Entities first (id order), then relations (KB order), then facts, then the sources they cite that are
not among the entities; every line is a JSON object with sorted keys, for `jq`, pandas
(`read_json(lines=True)`) or a bulk loader. Each source is written once: as an entity when it is one of
the export's (the whole KB, `--type source`), else as a `source` record (a `--root`, `--in` or `--type`
export's records cite sources outside it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from ipkb.export.graph import all_facts, cited_sources
from ipkb.export.style import roles_of

if TYPE_CHECKING:
    from ipkb.shapes import GraphData

HELP = "JSON Lines"  # its words in `ipkb export --help` (a module with HELP is a format)
STREAMS = True  # entities, relations, facts and sources are each one pass over the store


def records(graph: Any) -> Iterator[GraphData]:
    source_types = roles_of(graph).sources
    as_entities: set[str] = set()  # the sources written as entities: not written again as `source` records
    for node, data in graph.nodes(data=True):
        if data.get("type") in source_types:
            as_entities.add(node)
        yield {"record": "entity", "id": node, **{k: v for k, v in data.items() if k != "facts"}}
    for u, v, key, data in graph.edges(keys=True, data=True):
        yield {"record": "relation", "id": key, "from": u, "to": v, **data}
    for node, fact in all_facts(graph):
        yield {"record": "fact", "entity": node, **fact}
    for source_id, source in cited_sources(graph).items():
        if source_id not in as_entities:
            yield {**source, "record": "source", "id": source_id}


def write(graph: Any, stream: BinaryIO) -> None:
    encoder = json.JSONEncoder(ensure_ascii=False, sort_keys=True)  # json.dumps's, built once
    for record in records(graph):
        stream.write((encoder.encode(record) + "\n").encode("utf-8"))
