"""How the drawn formats (html, dot, svg, png, mermaid, gexf) look: each type's colour, readable text on it.

A type's colour is the schema's (`colour:` in kb/schema.yaml, carried by the roles, see ipkb.roles); a type
without one gets a colour of this palette from its name's hash, the same in every format and every export.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from ipkb.export.common import rgb
from ipkb.roles import Roles

# The fallback colours (category20-like), each readable under black or white text (see text_colour)
PALETTE = (
    "#17becf", "#1f77b4", "#2ca02c", "#393b79", "#7f7f7f", "#8c564b", "#9467bd", "#98df8a", "#9edae5", "#aec7e8",
    "#bcbd22", "#c49c94", "#c5b0d5", "#c7c7c7", "#d62728", "#dbdb8d", "#e377c2", "#f7b6d2", "#ff7f0e", "#ff9896",
    "#ffbb78",
)  # fmt: skip


def roles_of(graph: Any) -> Roles:
    """The schema's roles of an exported graph: a streamed graph's store's, or what `build_graph` noted."""
    store = getattr(graph, "store", None)
    if store is not None:
        roles: Roles = store.roles()
        return roles
    noted: Roles = graph.graph.get("roles", Roles())
    return noted


# How a drawn link says it is not a plain stated fact: the words beside its label, and Graphviz's line style
CAVEATS = {"inferred": "dashed", "planned": "dotted", "announced": "dashed"}


def link_caveat(data: Mapping[str, Any], roles: Roles) -> str | None:
    """ "planned" for a relation the schema's planned qualifier marks, "inferred" for an inferred one,
    "announced" for one only announced, else None: the drawn formats draw these with a broken line and say
    so (an announced link's label says which), as `show` and `path` do."""
    qualifiers = data.get("qualifiers") or {}
    if roles.is_planned(qualifiers):
        return "planned"
    if data.get("confidence") == "inferred":
        return "inferred"
    return "announced" if roles.is_announced(qualifiers) else None


def link_label(data: Mapping[str, Any], roles: Roles) -> str:
    """An edge's label as every format prints it: the relation's label, and its caveat after it when it has
    one (`sub-center of (planned)`), so a link exported on its own never reads as a stated fact."""
    caveat = link_caveat(data, roles)
    return f"{data['label']} ({caveat})" if caveat else str(data["label"])


def colour(entity_type: str, colours: Mapping[str, str]) -> str:
    """A `#rrggbb` colour for an entity type: `colours` (the schema's, `roles_of(graph).colours`) has it, or
    the palette gives one from its name."""
    if entity_type in colours:
        return colours[entity_type]
    digest = hashlib.sha256(entity_type.encode()).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of a `#rrggbb` colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours, 1 to 21."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(fill: str) -> str:
    """Black or white, whichever reads better on `fill`."""
    return "#000000" if contrast(fill, "#000000") >= contrast(fill, "#ffffff") else "#ffffff"
