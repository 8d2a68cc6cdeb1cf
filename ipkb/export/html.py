"""One self-contained HTML page: the graph drawn by vis-network (inlined from vendor/), no network needed.

The page (`page.html`, its script `page.js`) colours nodes by type with a legend, labels them in English
and Chinese, draws inferred links dashed and planned ones dotted (saying so in their labels and the
legend), has a search box (id, name, Chinese name, pinyin, alias), shows a node's names, attributes,
note, facts and relations (each with its qualifiers or scope, `target`, `inferred` and note, as the CLI says
them) and sources with their quotes when clicked or found, shows a link's qualifiers and note on hover, and
`page.html#<entity id>` opens centred on that entity. Once drawn it sets `data-nodes-drawn`,
`data-edges-drawn`, `data-focused` and `data-errors` on `<html>`, so a headless browser can check it.

Each type's colour is given to vis-network as a *group*: vis-network redraws a node in its group's colours
when it clusters and re-opens it (its improved layout did, over 100 nodes; the page now turns that layout off
there), and undefined groups get vis-network's own palette. Link labels sit on a white ground, and links
between one pair are bent to either side of it (page.js). Pages too large to open in a browser in a few
seconds are refused (`MAX_NODES`, measured in Chromium: see docs/exports.md).
"""

from __future__ import annotations

import html
import json
import re
from importlib.resources import files
from typing import TYPE_CHECKING, Any, BinaryIO

from ipkb.export.common import two_line_label
from ipkb.export.style import colour, link_caveat, link_label, roles_of, text_colour
from ipkb.figures import figure_text
from ipkb.qualifiers import fact_details, relation_details
from ipkb.text import counted

if TYPE_CHECKING:
    from ipkb.shapes import GraphData

HELP = "one page to open in a browser"  # its words in `ipkb export --help` (a module with HELP is a format)
HERE = files("ipkb.export")
VENDOR = HERE / "vendor"
# Measured in headless Chromium (docs/exports.md): the bundled KB (541 entities) draws in about 2 s,
# 1500 entities with 4500 relations in about 5 s, 2000 with 6000 in 8 s, 4000 with 12000 in 14 s.
MAX_NODES = 1500
# a picture: source entities are not drawn unless asked for (--type), see ipkb.export.graph.export_graph
DRAWN = True
MAX_EDGES = 4500
LIMIT_WHY = "a larger page takes more than about 5 s to draw in a browser; use gexf or graphml with Gephi for it"


def page_data(graph: Any) -> GraphData:
    """What the page draws and shows: vis nodes and edges, per-entity details, sources, type colours."""
    types = sorted({data["type"] for _, data in graph.nodes(data=True)})
    roles = roles_of(graph)
    colours = roles.colours
    nodes = [
        {"id": node, "label": two_line_label(data), "group": data["type"]} for node, data in graph.nodes(data=True)
    ]
    edges = [
        {
            "id": key,
            "from": u,
            "to": v,
            "label": link_label(data, roles),  # with its caveat, as every format says it
            "type": data["type"],
            "sources": data.get("sources", []),
            "caveat": link_caveat(data, roles),  # inferred or planned: drawn with a broken line, and said
            # what dates and qualifies it (batch, date, document, status) and `inferred`, in the words of the CLI's
            # answers, and its note: the panel and the hover text say them beside the relation
            "qualifiers": data.get("qualifiers", {}),  # a `cites` edge has none
            "confidence": data.get("confidence"),
            "details": relation_details(data.get("qualifiers", {}), data.get("confidence")),
            "note": data.get("note"),
        }
        for u, v, key, data in graph.edges(keys=True, data=True)
    ]
    details = {
        node: {
            "name": data["name"],
            "zh": data.get("zh"),
            "pinyin": data.get("pinyin"),
            "type": data["type"],
            "aliases": data.get("aliases", []),
            "description": data.get("description"),
            "attributes": data.get("attributes", {}),
            "note": data.get("note"),
            # a figure as every answer prints it (bound, separators, unit): the page must not show a bound as exact
            "facts": [
                {
                    **fact,
                    "shown": figure_text(fact.get("value"), fact.get("bound"), fact.get("unit"), fact["metric"]),
                    # its scope (batch ...), `target`, `inferred`, as `show` says them: a target is not an outcome
                    "details": fact_details(fact.get("scope", {}), fact["kind"], fact.get("confidence")),
                }
                for fact in data.get("facts", [])
            ],
            "sources": data.get("sources", []),
        }
        for node, data in graph.nodes(data=True)
    }
    return {
        "nodes": nodes,
        "edges": edges,
        "details": details,
        "sources": graph.graph.get("sources", {}),
        "types": {t: colour(t, colours) for t in types},
        "fonts": {t: text_colour(colour(t, colours)) for t in types},
    }


def title(graph: Any) -> str:
    """`ipkb: <what was selected>`, with the numbers of entities and relations."""
    what = graph.graph.get("title") or "the knowledge graph"
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    return f"ipkb: {what} ({counted(nodes, 'entity')}, {counted(edges, 'relation')})"


def write(graph: Any, stream: BinaryIO) -> None:
    data = json.dumps(page_data(graph), ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    script = (VENDOR / "vis-network.min.js").read_text(encoding="utf-8")
    own = (HERE / "page.js").read_text(encoding="utf-8")
    for name, text in (("vis-network.min.js", script), ("page.js", own)):
        if "</script" in text.lower():
            raise ValueError(f"{name} contains </script>")
    heading = html.escape(title(graph))
    parts = {"TITLE": heading, "HEADING": heading, "DATA": data, "VIS": script, "SCRIPT": own}
    template = (HERE / "page.html").read_text(encoding="utf-8")
    # one pass, so that text inside the data (a description saying "__VIS__") is never replaced
    page = re.sub(r"__(TITLE|HEADING|DATA|VIS|SCRIPT)__", lambda m: parts[m.group(1)], template)
    stream.write(page.encode("utf-8"))
