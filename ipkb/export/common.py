"""Helpers the exporters share: flattening to scalars, JSON text, colours as RGB."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ipkb.shapes import GraphData


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)  # json.dumps(value, **these), without a new encoder a call


def to_json(value: Any) -> str:
    """Compact JSON text with Chinese kept readable and keys sorted, so exports diff cleanly."""
    return _JSON.encode(value)


_CONTAINERS = (list, dict)  # a tuple: `list | dict` would build a new union on every call of this hot path


def scalar(value: Any) -> Any:
    """A value GraphML, GEXF or CSV can hold: scalars as they are, lists and dicts as JSON text."""
    if isinstance(value, _CONTAINERS):
        return to_json(value) if value else ("[]" if isinstance(value, list) else "{}")  # empty: often, and cheap
    return value


def flat_node(data: GraphData) -> GraphData:
    """A node's attributes as scalars: JSON text for lists and dicts."""
    return {k: scalar(v) for k, v in data.items()}


def flat_edge(data: GraphData) -> GraphData:
    """An edge's attributes as scalars, and each qualifier also as its own `q_<name>` (a `cites` edge has none)."""
    attributes = {k: scalar(value) for k, value in data.items()}
    qualifiers = data.get("qualifiers")
    if qualifiers:
        attributes.update({f"q_{k}": scalar(value) for k, value in sorted(qualifiers.items())})
    return attributes


def two_line_label(data: GraphData) -> str:
    """The English name, and the Chinese name on a second line when there is one."""
    return f"{data['name']}\n{data['zh']}" if data.get("zh") else str(data["name"])
