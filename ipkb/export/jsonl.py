"""JSON Lines: one record a line, `{"record": "entity" | "relation" | "fact" | "source", ...}`.

Entities first (id order), then relations (KB order), then facts, then the sources they cite; every
line is a JSON object with sorted keys, for `jq`, pandas (`read_json(lines=True)`) or a bulk loader.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO


def records(graph: Any) -> Iterator[dict[str, Any]]:
    facts = []
    for node, data in graph.nodes(data=True):
        entity = {"record": "entity", "id": node, **{k: v for k, v in data.items() if k != "facts"}}
        yield entity
        facts += [{"record": "fact", "entity": node, **fact} for fact in data.get("facts", [])]
    for u, v, key, data in graph.edges(keys=True, data=True):
        yield {"record": "relation", "id": key, "from": u, "to": v, **data}
    yield from facts
    for source_id, source in graph.graph.get("sources", {}).items():
        yield {**source, "record": "source", "id": source_id}


def write(graph: Any, stream: BinaryIO) -> None:
    for record in records(graph):
        stream.write((json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
