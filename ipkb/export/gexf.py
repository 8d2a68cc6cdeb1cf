"""GEXF 1.3 for Gephi: node colours by type, stable edge ids, relations in time for the timeline.

GEXF reserves an edge's `type` (directed or undirected), so the relation type is the edge attribute
`relation` here; the edge label is the relation's label with its caveat, as every format prints it
(`holds`, `sub-center of (planned)`: ipkb.export.style.link_label). Each edge's id is the relation's stable
key `FROM>TYPE>TO` (docs/exports.md), so one new relation changes a few lines of a diff; its `kind` is the
relation type (`subcenter_of#2` for the second of one type between the same pair), so Gephi keeps
parallel edges apart instead of merging them.

Time is read as `--as-of` reads it, from the schema's roles (ipkb.roles): a relation starts at its first
start qualifier (`since`, `date`, `year`) and ends at its end (`until`); a post dated only by when a source
saw it held (`seen`) is there within that day or year; an entity starts and ends with its own `since` and
`until` (its lifespan, ipkb.read.lifespan). These become GEXF `start` / `end` dates (`timeformat="date"`, and
the graph is `mode="dynamic"` when any node or edge has them), so Gephi's timeline plays the network's
growth. A partial date covers its whole period: `year: 2015` starts 2015-01-01, `until: 2016-05` ends
2016-05-31.

Sources are nodes like any entity, linked by a `cites` edge (attribute `relation` = `cites`, with the
`quotes`) from each entity that cites them, so Gephi shows which entities a source backs.

One writer serves the built graph and the streamed whole KB alike, one node or edge at a time; the
attribute declarations come before the graph, so the body goes to a scratch file while they are collected.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, BinaryIO

from ipkb.export.common import flat_edge, flat_node, rgb
from ipkb.export.graph_data import CITES
from ipkb.export.style import colour, link_label, roles_of
from ipkb.export.xmlstream import DECLARATION, element, escape_attribute, indent, leaf, put, spool, start
from ipkb.read.lifespan import SINCE, UNTIL
from ipkb.roles import Roles

if TYPE_CHECKING:
    from ipkb.shapes import GraphData

HELP = "Gephi"  # its words in `ipkb export --help` (a module with HELP is a format)
STREAMS = True
NS = "http://gexf.net/1.3"
NS_VIZ = "http://gexf.net/1.3/viz"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
# The GEXF type of a Python value
TYPES: dict[type, str] = {str: "string", int: "long", float: "double", bool: "boolean"}
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def viz(entity_type: str, colours: Mapping[str, str]) -> GraphData:
    """A node's `viz` data: the colour of its type."""
    r, g, b = rgb(colour(entity_type, colours))
    return {"color": {"r": r, "g": g, "b": b, "a": 1.0}}


def day(value: Any, end: bool) -> str | None:
    """An ISO date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) as the first day of its period, or the last if `end`."""
    match = PARTIAL_DATE.match(str(value)) if value is not None else None
    if match is None:
        return None
    year, month, dom = match.group(1), match.group(2), match.group(3)
    try:
        if dom:
            return date(int(year), int(month), int(dom)).isoformat()
        if month:
            last = calendar.monthrange(int(year), int(month))[1] if end else 1
            return date(int(year), int(month), last).isoformat()
    except (ValueError, calendar.IllegalMonthError):
        return None  # not a real date: no time rather than a wrong one
    return f"{year}-12-31" if end else f"{year}-01-01"


def _first(values: Mapping[str, Any], keys: Sequence[str], end: bool) -> str | None:
    """The first or last day of the first of `keys` that `values` gives (a period `2021/2025`: its first
    or last date), or None."""
    value = next((values[k] for k in keys if values.get(k) is not None), None)
    if value is None:
        return None
    parts = str(value).split("/")
    return day(parts[-1 if end else 0].strip(), end)


def node_time(data: GraphData) -> list[tuple[str, str]]:
    """An entity's GEXF `start` / `end`: its own `since` and `until`, as its lifespan under `--as-of`."""
    fields = data.get("fields") or {}
    times = [("start", _first(fields, SINCE, False)), ("end", _first(fields, UNTIL, True))]
    return [(name, when) for name, when in times if when is not None]


def edge_time(data: GraphData, roles: Roles) -> list[tuple[str, str]]:
    """A relation's GEXF `start` / `end`, from the qualifiers the schema's roles date it by (`--as-of`'s rule,
    timeframe.holds_on): its first start qualifier (since, date, year) and its end (until). A post with no
    start but a day or year a source saw it held (`seen`) is there within that day or year (and no later
    than its end). A `cites` edge has none."""
    if data.get("type") == CITES:
        return []
    qualifiers = data.get("qualifiers") or {}
    start_keys, end_keys, seen = roles.dating(data["type"])
    begin, finish = _first(qualifiers, start_keys, False), _first(qualifiers, end_keys, True)
    if begin is None and seen:
        begin, last = _first(qualifiers, seen, False), _first(qualifiers, seen, True)
        if begin is not None and last is not None:
            finish = last if finish is None else min(finish, last)
    return [(name, when) for name, when in (("start", begin), ("end", finish)) if when is not None]


def kind(data: GraphData, source: str, target: str, key: str) -> str:
    """An edge's GEXF 1.3 `kind`: its relation type, and for the second and later relation of one type
    between the same pair the key's `#2`, `#3` ... (`subcenter_of#2`): GEXF requires source, target and
    kind to be unique together, and Gephi keeps parallel edges apart only when their kinds differ."""
    base = f"{source}>{data['type']}>{target}"
    return str(data["type"]) + (key[len(base) :] if key.startswith(base) else "")


def write(graph: Any, stream: BinaryIO) -> None:
    """`graph`: a networkx MultiDiGraph or an `ipkb.export.graph.StreamedGraph`, written one node or edge at a time.

    A node's `label` is an XML attribute, not a GEXF attribute; attributes are declared, node class first,
    before the nodes.
    """
    attributes = _Attributes()
    dynamic = False
    roles = roles_of(graph)
    with spool(getattr(graph, "spool_dir", None)) as body:
        any_node = any_edge = False
        for node, data in graph.nodes(data=True):
            if not any_node:
                body.write(indent(2) + "<nodes>")
                any_node = True
            values = flat_node(data)
            label = str(values.pop("label"))
            color = viz(data["type"], roles.colours)["color"]
            children = [leaf("viz:color", [(k, str(color[k])) for k in ("r", "g", "b", "a")])]
            children += attributes.attvalues(values, "node")
            times = node_time(data)
            dynamic = dynamic or bool(times)
            body.write(indent(3) + element("node", [("id", node), ("label", label), *times], children, 3))
        body.write(indent(2) + ("</nodes>" if any_node else "<nodes />"))
        for source, target, key, data in graph.edges(keys=True, data=True):
            if not any_edge:
                body.write(indent(2) + "<edges>")
                any_edge = True
            values = flat_edge(data)
            values["relation"] = values.pop("type")
            del values["label"]
            label = link_label(data, roles)
            edge = [("source", source), ("target", target), ("id", key), ("label", label)]
            edge.append(("kind", kind(data, source, target, key)))
            times = edge_time(data, roles)
            dynamic = dynamic or bool(times)
            edge += times
            body.write(indent(3) + element("edge", edge, attributes.attvalues(values, "edge"), 3))
        body.write(indent(2) + ("</edges>" if any_edge else "<edges />"))
        root = [
            *([("xmlns:viz", NS_VIZ)] if any_node else []),
            ("xmlns", NS),
            ("xmlns:xsi", NS_XSI),
            ("xsi:schemaLocation", f"{NS} {NS}/gexf.xsd"),
            ("version", "1.3"),
        ]
        mode = [("mode", "dynamic"), ("timeformat", "date")] if dynamic else [("mode", "static")]
        head = [
            DECLARATION + start("gexf", root) + ">",
            indent(1) + "<meta>" + indent(2) + "<creator>ipkb</creator>" + indent(1) + "</meta>",
            indent(1) + start("graph", [("defaultedgetype", "directed"), *mode, ("name", "ipkb")]) + ">",
            *(indent(2) + declared for declared in attributes.declarations()),
        ]
        put(stream, "".join(head))
        body.copy_to(stream)
        put(stream, indent(1) + "</graph>" + indent(0) + "</gexf>" + indent(0))


class _Attributes:
    """GEXF attributes by class (node, edge) and title, each with a stable id: `n_<title>`, `e_<title>`.

    Ids follow the names, not a counter, so a new attribute changes no other line of the file. An
    attribute is declared after the body is written, so its type is known: the type of all its values, or
    `string` when they differ (a qualifier that is a number on one relation and text on another).
    """

    def __init__(self) -> None:
        self.declared: dict[str, dict[str, set[str]]] = {}  # class -> title -> GEXF types of its values

    def attvalues(self, data: GraphData, of: str) -> list[str]:
        """The `<attvalues>` element of one node or edge (none without attributes), noting new attributes."""
        if not data:
            return []
        declared = self.declared.setdefault(of, {})
        prefix = of[0] + "_"
        values = []
        for title, value in data.items():
            kind = TYPES.get(type(value))
            if kind is None:
                raise TypeError(f"attribute value type is not allowed: {type(value)}")
            kinds = declared.get(title)
            if kinds is None:
                kinds = declared[title] = set()
            kinds.add(kind)
            attribute_id = escape_attribute(prefix + title)
            values.append(f'<attvalue for="{attribute_id}" value="{escape_attribute(_text(value))}" />')
        return [element("attvalues", [], values, 4)]

    def declarations(self) -> list[str]:
        """The `<attributes>` elements, node class first, attributes in the order first met."""
        out = []
        for of, declared in self.declared.items():
            children = [
                leaf("attribute", [("id", f"{of[0]}_{title}"), ("title", title), ("type", _one(kinds))])
                for title, kinds in declared.items()
            ]
            out.append(element("attributes", [("mode", "static"), ("class", of)], children, 2))
        return out


def _one(kinds: set[str]) -> str:
    return next(iter(kinds)) if len(kinds) == 1 else "string"


def _text(value: Any) -> str:
    """networkx's text of an attribute value: booleans in lower case, infinities and NaN as GEXF spells them."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and not math.isfinite(value):
        return {"inf": "INF", "-inf": "-INF", "nan": "NaN"}[str(value)]
    return str(value)
