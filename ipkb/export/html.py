"""One self-contained HTML page: the graph drawn by vis-network (inlined from vendor/), no network needed.

Nodes are coloured by type and labelled in English and Chinese; clicking a node shows its names, facts,
relations and sources with their quotes; `page.html#<entity id>` opens with that entity shown. The page
sets `data-nodes-drawn`, `data-edges-drawn` and `data-errors` on `<html>` once drawn, so a headless
browser can check it.
"""

from __future__ import annotations

import html
import json
from importlib.resources import files
from typing import Any, BinaryIO

from ipkb.export.common import colour, two_line_label

VENDOR = files("ipkb.export") / "vendor"

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>
html, body { margin: 0; height: 100%; font-family: "Noto Sans CJK SC", "PingFang SC", sans-serif; }
body { display: flex; }
#graph { flex: 1; height: 100vh; }
#panel { width: 26rem; height: 100vh; overflow: auto; padding: 0.8rem; box-sizing: border-box;
         border-left: 1px solid #ccc; font-size: 0.9rem; }
#panel h2 { font-size: 1.1rem; margin: 0.2rem 0; }
#panel h3 { font-size: 0.95rem; margin: 0.8rem 0 0.2rem; }
#panel ul { padding-left: 1.1rem; margin: 0.2rem 0; }
.legend span { display: inline-block; margin: 0 0.6rem 0.3rem 0; }
.swatch { display: inline-block; width: 0.8rem; height: 0.8rem; margin-right: 0.25rem; border: 1px solid #555; }
.quote { color: #555; font-style: italic; }
.muted { color: #777; }
</style>
</head>
<body>
<div id="graph"></div>
<div id="panel">
<div class="legend" id="legend"></div>
<div id="details"><p class="muted">Click a node to see its facts and sources.</p></div>
</div>
<script type="application/json" id="ipkb-data">__DATA__</script>
<script>
/* vis-network (Apache-2.0 OR MIT), vendored from the npm package; see ipkb/export/vendor/README.md */
__VIS__
</script>
<script>
"use strict";
(function () {
  var root = document.documentElement;
  var errors = [];
  function fail(message) { errors.push(String(message)); root.dataset.errors = JSON.stringify(errors); }
  window.addEventListener("error", function (event) { fail(event.message); });
  root.dataset.errors = "[]";
  var data = JSON.parse(document.getElementById("ipkb-data").textContent);
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }
  function sourceName(id) { return data.sources[id] ? data.sources[id].name : id; }
  function citeList(cites) {
    var list = el("ul");
    cites.forEach(function (cite) {
      var item = el("li", sourceName(cite.source) + (cite.via ? " (via " + sourceName(cite.via) + ")" : ""));
      if (cite.quote) { item.appendChild(el("div", "\\u201c" + cite.quote + "\\u201d", "quote")); }
      list.appendChild(item);
    });
    return list;
  }
  var legend = document.getElementById("legend");
  Object.keys(data.types).forEach(function (type) {
    var entry = el("span");
    var swatch = el("span", null, "swatch");
    swatch.style.background = data.types[type];
    entry.appendChild(swatch);
    entry.appendChild(document.createTextNode(type));
    legend.appendChild(entry);
  });
  function show(id) {
    var node = data.details[id];
    var box = document.getElementById("details");
    box.replaceChildren();
    box.dataset.entity = id;
    box.appendChild(el("h2", node.name));
    if (node.zh) { box.appendChild(el("div", node.zh)); }
    box.appendChild(el("div", node.type + " \\u00b7 " + id, "muted"));
    if (node.aliases.length) { box.appendChild(el("div", "also: " + node.aliases.join(", "), "muted")); }
    if (node.description) { box.appendChild(el("p", node.description)); }
    if (node.facts.length) {
      box.appendChild(el("h3", "Facts"));
      var facts = el("ul");
      node.facts.forEach(function (fact) {
        var text = fact.metric + ": " + fact.value + (fact.unit ? " " + fact.unit : "") +
          (fact.period ? " (" + fact.period + ")" : "");
        var item = el("li", text);
        item.appendChild(citeList(fact.sources));
        facts.appendChild(item);
      });
      box.appendChild(facts);
    }
    var links = data.edges.filter(function (e) { return e.from === id || e.to === id; });
    if (links.length) {
      box.appendChild(el("h3", "Relations"));
      var rels = el("ul");
      links.forEach(function (e) {
        var out = e.from === id;
        var other = data.details[out ? e.to : e.from];
        var item = el("li", (out ? e.label + " \\u2192 " : "\\u2190 " + e.label + " ") + other.name +
          (other.zh ? " " + other.zh : ""));
        item.appendChild(citeList(e.sources));
        rels.appendChild(item);
      });
      box.appendChild(rels);
    }
    box.appendChild(el("h3", "Sources"));
    box.appendChild(node.sources.length ? citeList(node.sources) : el("p", "none", "muted"));
  }
  try {
    var nodes = new vis.DataSet(data.nodes);
    var edges = new vis.DataSet(data.edges.map(function (e) {
      return { id: e.id, from: e.from, to: e.to, label: e.label, arrows: "to" };
    }));
    var network = new vis.Network(document.getElementById("graph"), { nodes: nodes, edges: edges }, {
      layout: { randomSeed: 7 },
      nodes: { shape: "box", margin: 6, widthConstraint: { maximum: 220 } },
      edges: { font: { size: 10, align: "middle" }, smooth: { type: "dynamic" } },
      physics: { solver: "forceAtlas2Based", stabilization: { iterations: 200 } },
      interaction: { hover: true }
    });
    network.on("click", function (params) { if (params.nodes.length) { show(params.nodes[0]); } });
    network.once("afterDrawing", function () {
      root.dataset.nodesDrawn = String(network.body.nodeIndices.length);
      root.dataset.edgesDrawn = String(network.body.edgeIndices.length);
    });
    var wanted = decodeURIComponent(window.location.hash.slice(1));
    if (wanted && data.details[wanted]) { network.selectNodes([wanted]); show(wanted); }
    window.ipkbNetwork = network;
    window.ipkbShow = show;
  } catch (error) {
    fail(error && error.stack ? error.stack : error);
  }
})();
</script>
</body>
</html>
"""


def page_data(graph: Any) -> dict[str, Any]:
    """What the page draws and shows: vis nodes and edges, per-entity details, sources, type colours."""
    types = sorted({data["type"] for _, data in graph.nodes(data=True)})
    nodes = [
        {
            "id": node,
            "label": two_line_label(data),
            "group": data["type"],
            "color": colour(data["type"]),
            "title": f"{data['name']} ({data['type']})",
        }
        for node, data in graph.nodes(data=True)
    ]
    edges = [
        {"id": key, "from": u, "to": v, "label": data["label"], "type": data["type"], "sources": data["sources"]}
        for u, v, key, data in graph.edges(keys=True, data=True)
    ]
    details = {
        node: {
            "name": data["name"],
            "zh": data.get("zh"),
            "type": data["type"],
            "aliases": data.get("aliases", []),
            "description": data.get("description"),
            "facts": data.get("facts", []),
            "sources": data.get("sources", []),
        }
        for node, data in graph.nodes(data=True)
    }
    return {
        "nodes": nodes,
        "edges": edges,
        "details": details,
        "sources": graph.graph.get("sources", {}),
        "types": {t: colour(t) for t in types},
    }


def write(graph: Any, stream: BinaryIO) -> None:
    data = json.dumps(page_data(graph), ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    script = (VENDOR / "vis-network.min.js").read_text(encoding="utf-8")
    if "</script" in script.lower():
        raise ValueError("the vendored script contains </script>")
    title = html.escape(f"ipkb: {graph.number_of_nodes()} entities, {graph.number_of_edges()} relations")
    page = PAGE.replace("__TITLE__", title).replace("__DATA__", data).replace("__VIS__", script)
    stream.write(page.encode("utf-8"))
