"""Helpers the exporters share: flattening to scalars, JSON text, colours by entity type."""

from __future__ import annotations

import hashlib
import json
from typing import Any

# One colour per entity type of the schema (kb/schema.yaml); other types get one from their name's hash.
TYPE_COLOURS: dict[str, str] = {
    "country": "#8c564b",
    "province": "#d62728",
    "city": "#ff7f0e",
    "county": "#ffbb78",
    "zone": "#e377c2",
    "agency": "#1f77b4",
    "court": "#393b79",
    "center": "#2ca02c",
    "organization": "#98df8a",
    "enterprise": "#17becf",
    "program": "#9467bd",
    "campaign": "#c5b0d5",
    "designation": "#bcbd22",
    "policy": "#7f7f7f",
    "report": "#c7c7c7",
    "platform": "#9edae5",
    "brand": "#f7b6d2",
    "industry": "#dbdb8d",
    "event": "#ff9896",
    "person": "#aec7e8",
    "source": "#c49c94",
}
PALETTE = sorted(set(TYPE_COLOURS.values()))


def colour(entity_type: str) -> str:
    """A `#rrggbb` colour for an entity type, the same in every format and every export."""
    if entity_type in TYPE_COLOURS:
        return TYPE_COLOURS[entity_type]
    digest = hashlib.sha256(entity_type.encode()).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)  # json.dumps(value, **these), without a new encoder a call


def to_json(value: Any) -> str:
    """Compact JSON text with Chinese kept readable and keys sorted, so exports diff cleanly."""
    return _JSON.encode(value)


_CONTAINERS = (list, dict)  # a tuple: `list | dict` would build a new union on every call of this hot path


def scalar(value: Any) -> Any:
    """A value GraphML, GEXF or CSV can hold: scalars as they are, lists and dicts as JSON text."""
    return to_json(value) if isinstance(value, _CONTAINERS) else value


def flat_node(data: dict[str, Any]) -> dict[str, Any]:
    """A node's attributes as scalars: JSON text for lists and dicts."""
    return {k: scalar(v) for k, v in data.items()}


def flat_edge(data: dict[str, Any]) -> dict[str, Any]:
    """An edge's attributes as scalars, and each qualifier also as its own `q_<name>`."""
    attributes = {k: scalar(value) for k, value in data.items()}
    attributes.update({f"q_{k}": scalar(value) for k, value in sorted(data["qualifiers"].items())})
    return attributes


def two_line_label(data: dict[str, Any]) -> str:
    """The English name, and the Chinese name on a second line when there is one."""
    return f"{data['name']}\n{data['zh']}" if data.get("zh") else str(data["name"])
