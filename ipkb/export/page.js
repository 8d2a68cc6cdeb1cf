"use strict";
/* The HTML export's page script: draws data (the JSON above) with vis-network, fills the legend, the
   search box and the details panel. Once drawn it sets data-nodes-drawn and data-edges-drawn on <html>,
   data-focused to the entity in view, and data-errors to the errors met, for headless checks. */
(function () {
  var root = document.documentElement;
  var errors = [];
  function fail(message) { errors.push(String(message)); root.dataset.errors = JSON.stringify(errors); }
  window.addEventListener("error", function (event) { fail(event.message); });
  root.dataset.errors = "[]";
  var data = JSON.parse(document.getElementById("ipkb-data").textContent);
  var network = null;

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
      if (cite.quote) { item.appendChild(el("div", "\u201c" + cite.quote + "\u201d", "quote")); }
      list.appendChild(item);
    });
    return list;
  }
  function attributeText(value) { return typeof value === "object" ? JSON.stringify(value) : String(value); }

  var legend = document.getElementById("legend");
  Object.keys(data.types).forEach(function (type) {
    var entry = el("span");
    var swatch = el("span", null, "swatch");
    swatch.style.background = data.types[type];
    entry.appendChild(swatch);
    entry.appendChild(document.createTextNode(type));
    legend.appendChild(entry);
  });
  var DASHES = { inferred: [8, 6], planned: [2, 5], announced: [12, 4, 2, 4] };
  Object.keys(DASHES).forEach(function (caveat) {
    if (!data.edges.some(function (e) { return e.caveat === caveat; })) { return; }
    var marks = { inferred: "- - - ", planned: "\u00b7 \u00b7 \u00b7 ", announced: "\u2013 \u00b7 \u2013 " };
    var entry = el("span", marks[caveat] + caveat + " link", "caveat");
    legend.appendChild(entry);
  });

  /* The hover text of a node: names, type, attributes and note (plain text; vis shows it as text). */
  function tooltip(id) {
    var node = data.details[id];
    var lines = [node.name + (node.zh ? " " + node.zh : ""), node.type + " \u00b7 " + id];
    Object.keys(node.attributes).forEach(function (key) { lines.push(key + ": " + attributeText(node.attributes[key])); });
    if (node.note) { lines.push("Note: " + node.note); }
    return lines.join("\n");
  }

  /* The hover text of a link: its label, its qualifiers and `inferred`, and its note (plain text, as a node's). */
  function linkTooltip(e) {
    var lines = [e.label];
    if (e.details) { lines.push(e.details); }
    if (e.note) { lines.push("Note: " + e.note); }
    return lines.join("\n");
  }

  function show(id) {
    var node = data.details[id];
    var box = document.getElementById("details");
    box.replaceChildren();
    box.dataset.entity = id;
    box.appendChild(el("h2", node.name));
    if (node.zh) { box.appendChild(el("div", node.zh + (node.pinyin ? " \u00b7 " + node.pinyin : ""))); }
    box.appendChild(el("div", node.type + " \u00b7 " + id, "muted"));
    if (node.aliases.length) { box.appendChild(el("div", "also: " + node.aliases.join(", "), "muted")); }
    if (node.description) { box.appendChild(el("p", node.description)); }
    var keys = Object.keys(node.attributes);
    if (keys.length) {
      box.appendChild(el("h3", "Attributes"));
      var table = el("table", null, "attributes");
      keys.forEach(function (key) {
        var row = el("tr");
        row.appendChild(el("td", key, "muted"));
        row.appendChild(el("td", attributeText(node.attributes[key])));
        table.appendChild(row);
      });
      box.appendChild(table);
    }
    if (node.note) { box.appendChild(el("p", "Note: " + node.note, "note")); }
    if (node.facts.length) {
      box.appendChild(el("h3", "Facts"));
      var facts = el("ul");
      node.facts.forEach(function (fact) {
        var text = fact.metric.replace(/_/g, " ") + ": " + fact.shown + (fact.period ? " (" + fact.period + ")" : "");
        var item = el("li", null, "fact");
        item.appendChild(el("div", text));
        /* its scope, `target`, `inferred` (the CLI's words, written by the export) and its note, as a relation's */
        if (fact.details) { item.appendChild(el("div", fact.details, "qualifiers")); }
        if (fact.note) { item.appendChild(el("div", "Note: " + fact.note, "note")); }
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
        var item = el("li", null, "relation");
        item.dataset.key = e.id;
        item.appendChild(el("div", (out ? e.label + " \u2192 " : "\u2190 " + e.label + " ") + other.name +
          (other.zh ? " " + other.zh : "")));
        /* its qualifiers and `inferred` (the CLI's words, written by the export) and its note: since when, which
           batch, which document, and what to keep in mind when quoting it */
        if (e.details) { item.appendChild(el("div", e.details, "qualifiers")); }
        if (e.note) { item.appendChild(el("div", "Note: " + e.note, "note")); }
        item.appendChild(citeList(e.sources));
        rels.appendChild(item);
      });
      box.appendChild(rels);
    }
    box.appendChild(el("h3", "Sources"));
    box.appendChild(node.sources.length ? citeList(node.sources) : el("p", "none", "muted"));
  }

  /* Show the entity's details and put its id in the address (so the address opens it again). */
  function select(id) {
    show(id);
    root.dataset.focused = id;
    if (window.location.hash !== "#" + encodeURIComponent(id)) {
      try { history.replaceState(null, "", "#" + encodeURIComponent(id)); } catch (ignored) { /* file: quirks */ }
    }
  }
  /* Select the entity and centre the view on it. */
  function focus(id, animate) {
    if (!data.details[id] || !network) { return; }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1), animation: animate ? { duration: 400 } : false });
    select(id);
  }
  function wantedId() {
    try { return decodeURIComponent(window.location.hash.slice(1)); } catch (ignored) { return ""; }
  }

  /* Search: every id, name, Chinese name, pinyin and alias, folded; exact matches first, then prefixes. */
  function fold(text) { return String(text).normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim(); }
  var index = Object.keys(data.details).map(function (id) {
    var node = data.details[id];
    var keys = [id, node.name, node.zh, node.pinyin].concat(node.aliases).filter(Boolean).map(fold);
    return { id: id, keys: keys };
  });
  function find(text) {
    var query = fold(text);
    if (!query) { return []; }
    var found = [];
    index.forEach(function (entry) {
      var rank = 3;
      entry.keys.forEach(function (key) {
        if (key === query) { rank = Math.min(rank, 0); }
        else if (key.indexOf(query) === 0) { rank = Math.min(rank, 1); }
        else if (key.indexOf(query) > 0) { rank = Math.min(rank, 2); }
      });
      if (rank < 3) { found.push({ id: entry.id, rank: rank, name: data.details[entry.id].name }); }
    });
    found.sort(function (a, b) { return a.rank - b.rank || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1); });
    return found.slice(0, 12).map(function (match) { return match.id; });
  }
  var search = document.getElementById("search");
  var matchList = document.getElementById("matches");
  var matches = [];
  function listMatches() {
    matches = find(search.value);
    matchList.replaceChildren();
    matches.forEach(function (id, n) {
      var node = data.details[id];
      var item = el("li", node.name + (node.zh ? " " + node.zh : "") + " (" + node.type + ")", n === 0 ? "first" : "");
      item.dataset.entity = id;
      item.addEventListener("click", function () { focus(id, true); });
      matchList.appendChild(item);
    });
    if (search.value && !matches.length) { matchList.appendChild(el("li", "no match", "muted")); }
  }
  search.addEventListener("input", listMatches);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && matches.length) { event.preventDefault(); focus(matches[0], true); }
  });

  /* The forces treat a node as a round body, so wide boxes can still overlap once the layout settles: push
     each overlapping pair apart along the axis where they overlap least, a few rounds, then fix the places. */
  function spreadOut(net) {
    var gap = 8, ids = net.body.nodeIndices;
    var boxes = ids.map(function (id) {
      var b = net.getBoundingBox(id), p = net.getPositions([id])[id];
      return { id: id, x: p.x, y: p.y, w: (b.right - b.left + gap) / 2, h: (b.bottom - b.top + gap) / 2 };
    });
    for (var round = 0; round < 80; round++) {
      var moved = false;
      for (var i = 0; i < boxes.length; i++) {
        for (var j = i + 1; j < boxes.length; j++) {
          var a = boxes[i], b = boxes[j], dx = b.x - a.x, dy = b.y - a.y;
          var ox = a.w + b.w - Math.abs(dx), oy = a.h + b.h - Math.abs(dy);
          if (ox <= 0 || oy <= 0) { continue; }
          moved = true;
          if (ox < oy) { var sx = (dx >= 0 ? 1 : -1) * (ox / 2 + 0.5); a.x -= sx; b.x += sx; }
          else { var sy = (dy >= 0 ? 1 : -1) * (oy / 2 + 0.5); a.y -= sy; b.y += sy; }
        }
      }
      if (!moved) { break; }
    }
    boxes.forEach(function (box) { net.moveNode(box.id, box.x, box.y); });
  }

  var IMPROVED_LAYOUT_MAX = 100;
  function fitWithMargin(net) {
    net.fit({ animation: false });
    net.moveTo({ scale: net.getScale() * 0.92, animation: false });
  }

  try {
    var groups = {};
    Object.keys(data.types).forEach(function (type) {
      var fill = data.types[type];
      groups[type] = {
        color: { background: fill, border: "#333333", highlight: { background: fill, border: "#000000" },
                 hover: { background: fill, border: "#000000" } },
        font: { color: data.fonts[type] }
      };
    });
    var nodes = new vis.DataSet(data.nodes.map(function (n) {
      return { id: n.id, label: n.label, group: n.group, title: tooltip(n.id), font: { color: data.fonts[n.group] } };
    }));
    /* Links between one pair (two batches of one designation, a policy issued by and applying to a city, or
       links both ways) would share one curve and print their labels on top of each other: the first bends a
       little to one side of the pair, the second as much to the other, the third and fourth further out. A
       side is taken facing from the pair's first id to its second, so a link drawn the other way turns the
       other way round (curvedCCW) to keep to its side. */
    var between = {};
    var edges = new vis.DataSet(data.edges.map(function (e) {
      var forward = e.from < e.to;
      var pair = forward ? e.from + "\u0000" + e.to : e.to + "\u0000" + e.from;
      var nth = between[pair] = between[pair] === undefined ? 0 : between[pair] + 1;
      var clockwise = (nth % 2 === 0) === forward;
      return { id: e.id, from: e.from, to: e.to, label: e.label, title: linkTooltip(e), arrows: "to",
               dashes: DASHES[e.caveat] || false,
               smooth: { type: clockwise ? "curvedCW" : "curvedCCW", roundness: 0.12 + 0.2 * Math.floor(nth / 2) } };
    }));
    network = new vis.Network(document.getElementById("graph"), { nodes: nodes, edges: edges }, {
      groups: groups,
      /* vis's improved layout (Kamada-Kawai, clustering over 100 nodes) gives up on a graph the size of the
         whole KB, logging that it could not position it: the forces alone lay out a large graph */
      layout: { randomSeed: 7, improvedLayout: data.nodes.length <= IMPROVED_LAYOUT_MAX },
      nodes: { shape: "box", margin: 6, widthConstraint: { maximum: 220 } },
      /* a label on a white ground, so the line (or another line) does not run through its words */
      edges: { font: { size: 10, align: "middle", background: "rgba(255,255,255,0.9)", strokeWidth: 0 } },
      /* boxes of up to 220 px with two-line labels: strong repulsion, long springs and avoidOverlap keep them
         apart (the defaults stacked a hub's neighbours on each other) */
      physics: { solver: "forceAtlas2Based", stabilization: { iterations: 400 },
                 forceAtlas2Based: { gravitationalConstant: -300, springLength: 200, avoidOverlap: 1 } },
      interaction: { hover: true }
    });
    window.ipkbNetwork = network;
    window.ipkbNodes = nodes;
    window.ipkbShow = show;
    window.ipkbFocus = focus;
    var drawn = function () {
      network.setOptions({ physics: false }); /* laid out: keep it still (and the CPU idle) */
      spreadOut(network);
      fitWithMargin(network); /* boxes were moved since vis fitted the view: none cut by the edge of the canvas */
      var wanted = wantedId();
      if (wanted && data.details[wanted]) { focus(wanted, false); }
      network.once("afterDrawing", function () {
        root.dataset.nodesDrawn = String(network.body.nodeIndices.length);
        root.dataset.edgesDrawn = String(network.body.edgeIndices.length);
      });
      network.redraw();
    };
    if (data.nodes.length) { network.once("stabilizationIterationsDone", drawn); } else { drawn(); }
    network.on("click", function (params) { if (params.nodes.length) { select(params.nodes[0]); } });
    window.addEventListener("hashchange", function () { focus(wantedId(), true); });
  } catch (error) {
    fail(error && error.stack ? error.stack : error);
  }
})();
