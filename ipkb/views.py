"""Pure functions from the store to the JSON shapes of each command (the contract in docs/cli.md)."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from typing import Any

from ipkb import timeframe
from ipkb.query import Edge, Store
from ipkb.traverse import Step

SOURCE_FIELDS = ("title", "publisher", "author", "date", "language", "url", "file", "kind")


def entity_ref(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "type": row["type"], "name": row["name"], "zh": row["zh"]}


def _fact(row: sqlite3.Row, sources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "metric": row["metric"],
        "value": json.loads(row["value"]),
        "unit": row["unit"],
        "period": row["period"],
        "kind": row["kind"],
        "scope": json.loads(row["scope"]),
        "confidence": row["confidence"],
        "note": row["note"],
        "sources": sources,
    }


def relation_view(
    store: Store, edge: Edge, seen_from: str, others: dict[str, sqlite3.Row], sources: list[dict[str, Any]]
) -> dict[str, Any]:
    rtype = store.relation_types()[edge.type]
    outgoing = edge.source_id == seen_from
    other_id = edge.target_id if outgoing else edge.source_id
    return {
        "direction": "out" if outgoing else "in",
        "type": edge.type,
        "label": rtype["label"] if outgoing else rtype["inverse"],
        "other": entity_ref(others[other_id]),
        "qualifiers": edge.qualifiers,
        "confidence": edge.confidence,
        "note": edge.note,
        "sources": sources,
    }


def source_list(store: Store, source_ids: list[str]) -> list[dict[str, Any]]:
    """The cited sources, in order of first citation, with their bibliographic fields."""
    rows = store.entities(source_ids)
    out = []
    for source_id in dict.fromkeys(source_ids):
        row = rows.get(source_id)
        if row is None:
            continue
        fields = json.loads(row["fields"])
        out.append({"id": source_id, "name": row["name"], **{k: fields[k] for k in SOURCE_FIELDS if k in fields}})
    return out


def _cited_ids(items: list[dict[str, Any]]) -> list[str]:
    return [c["source"] for item in items for c in item["sources"]]


def _relation_order(view: dict[str, Any]) -> tuple[bool, str, str, str]:
    """Outgoing first, then by label and the other entity's name: how show lists relations."""
    return (view["direction"] != "out", view["label"], view["other"]["name"], view["other"]["id"])


def show(store: Store, entity_id: str) -> dict[str, Any]:
    row = store.entity(entity_id)
    assert row is not None, entity_id
    facts = store.facts_of(entity_id)
    fact_cites = store.citations("fact", [str(f["rowid"]) for f in facts])
    edges = store.edges_of(entity_id)
    edge_cites = store.citations("relation", [str(e.rowid) for e in edges])
    others = store.entities([e.source_id for e in edges] + [e.target_id for e in edges])
    relations = [relation_view(store, e, entity_id, others, edge_cites[str(e.rowid)]) for e in edges]
    relations.sort(key=_relation_order)
    entity_sources = store.citations("entity", [entity_id])[entity_id]
    fact_views = [_fact(f, fact_cites[str(f["rowid"])]) for f in facts]
    view: dict[str, Any] = {
        "id": row["id"],
        "type": row["type"],
        "name": row["name"],
        "names": {"en": row["name"], "zh": row["zh"], "pinyin": row["pinyin"]},
        "aliases": store.aliases(entity_id),
        "description": row["description"],
        "attributes": json.loads(row["attributes"]),
        "fields": json.loads(row["fields"]),
        "confidence": row["confidence"],
        "note": row["note"],
        "defined_at": f"{row['file']}:{row['line']}",
        "citations": entity_sources,
        "facts": fact_views,
        "relations": relations,
    }
    view["claimed_totals"] = [
        {k: v for k, v in claim.items() if k not in ("entity", "members", "undated_members")}
        for claim in coverage_claims(store, entity_id)
    ]
    if store.as_of is not None:
        view["as_of"] = store.as_of
        undated = store.edges_of(entity_id, date_unknown=True)
        undated_cites = store.citations("relation", [str(e.rowid) for e in undated])
        others.update(store.entities([e.source_id for e in undated] + [e.target_id for e in undated]))
        view["relations_date_unknown"] = sorted(
            (relation_view(store, e, entity_id, others, undated_cites[str(e.rowid)]) for e in undated),
            key=_relation_order,
        )
    undated_views = view.get("relations_date_unknown", [])  # their sources are numbered too
    cited = [c["source"] for c in entity_sources] + _cited_ids(fact_views) + _cited_ids(relations + undated_views)
    view["sources"] = source_list(store, cited)
    if row["type"] == "source":
        view["cited_by"] = cited_by(store, entity_id)
        view["supports"] = supports(store, entity_id)
    return view


def supports(store: Store, source_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every claim a source backs (directly, or as the research note a quote was taken from), with the quote."""
    quotes: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in store.cited_by(source_id):
        cite = {"source": r["source_id"], "quote": r["quote"], **({"via": r["via"]} if r["via"] else {})}
        quotes.setdefault((r["owner_kind"], r["owner"]), []).append(cite)

    def owners(kind: str) -> list[str]:
        return [owner for k, owner in quotes if k == kind]

    edges = store.relations_by_rowid(int(o) for o in owners("relation"))
    facts = store.facts_by_rowid(int(o) for o in owners("fact"))
    names = store.entities(
        owners("entity") + [e.source_id for e in edges] + [e.target_id for e in edges] + [f["entity_id"] for f in facts]
    )
    relation_types = store.relation_types()
    return {
        "entities": [
            {"entity": entity_ref(names[o]), "sources": quotes[("entity", o)]} for o in owners("entity") if o in names
        ],
        "relations": [
            {
                "from": entity_ref(names[e.source_id]),
                "type": e.type,
                "label": relation_types[e.type]["label"],
                "to": entity_ref(names[e.target_id]),
                "qualifiers": e.qualifiers,
                "confidence": e.confidence,
                "note": e.note,
                "sources": quotes[("relation", str(e.rowid))],
            }
            for e in edges
        ],
        "facts": [
            {"entity": entity_ref(names[f["entity_id"]]), **_fact(f, quotes[("fact", str(f["rowid"]))])} for f in facts
        ],
    }


def cited_by(store: Store, source_id: str) -> dict[str, int]:
    """How many entities, relations and facts cite a source (directly or via it)."""
    counts = Counter(kind for kind, _ in {(r["owner_kind"], r["owner"]) for r in store.cited_by(source_id)})
    return {kind: counts.get(kind, 0) for kind in ("entity", "relation", "fact")}


def hop(store: Store, step: Step, names: dict[str, sqlite3.Row], sources: list[dict[str, Any]]) -> dict[str, Any]:
    rtype = store.relation_types()[step.edge.type]
    return {
        "from": entity_ref(names[step.start]),
        "type": step.edge.type,
        "label": rtype["label"] if step.forward else rtype["inverse"],
        "direction": "out" if step.forward else "in",
        "to": entity_ref(names[step.end]),
        "qualifiers": step.edge.qualifiers,
        "confidence": step.edge.confidence,
        "sources": sources,
    }


def path(store: Store, start: str, goal: str, paths: list[list[Step]], all_paths: bool) -> dict[str, Any]:
    ids = {start, goal} | {s.start for p in paths for s in p} | {s.end for p in paths for s in p}
    names = store.entities(ids)
    cites = store.citations("relation", [str(s.edge.rowid) for p in paths for s in p])
    shaped = [[hop(store, s, names, cites[str(s.edge.rowid)]) for s in p] for p in paths]
    base = {"from": entity_ref(names[start]), "to": entity_ref(names[goal]), "length": len(paths[0])}
    if all_paths:
        return {**base, "paths": [{"length": len(p), "hops": p} for p in shaped]}
    return {**base, "hops": shaped[0]}


def entity_list(rows: list[sqlite3.Row], extra: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    return [{**entity_ref(r), **(extra or {}).get(r["id"], {})} for r in rows]


def neighbors(store: Store, distance: dict[str, int], edges: list[Edge]) -> list[dict[str, Any]]:
    rows = store.entities(distance)
    ordered = sorted(distance, key=lambda i: (distance[i], rows[i]["type"], rows[i]["name"], i))
    out = []
    for entity_id in ordered:
        links = [
            {
                "type": e.type,
                "direction": "out" if e.source_id == entity_id else "in",
                "other": e.target_id if e.source_id == entity_id else e.source_id,
            }
            for e in edges
            if entity_id in (e.source_id, e.target_id)
        ]
        out.append({**entity_ref(rows[entity_id]), "depth": distance[entity_id], "relations": links})
    return out


def coverage_claims(store: Store, entity_id: str | None = None) -> list[dict[str, Any]]:
    """Every claimed total (an actual fact whose metric counts members) beside the members the KB lists;
    only those about `entity_id` when given.

    A member counts when its relation matches the fact's scope, is not merely planned, and is not dated
    after the claim's period; members with no date are counted apart, as `undated`.
    """
    metrics = {name: m for name, m in store.metrics().items() if m["counts_relation"]}
    if not metrics:
        return []
    marks = ",".join("?" * len(metrics))
    about = " AND entity_id = ?" if entity_id is not None else ""
    facts = store.rows(
        f"SELECT * FROM fact WHERE metric IN ({marks}) AND kind = 'actual'{about} "
        "ORDER BY entity_id, metric, period, file, line, rowid",
        [*metrics, *([entity_id] if entity_id is not None else [])],
    )
    cites = store.citations("fact", [str(f["rowid"]) for f in facts])
    names = store.entities(f["entity_id"] for f in facts)
    out = []
    for fact in facts:
        metric = metrics[fact["metric"]]
        column = "target_id" if metric["counts_direction"] == "in" else "source_id"
        other = "source_id" if column == "target_id" else "target_id"
        scope = json.loads(fact["scope"])
        period_end = timeframe.period_end(fact["period"])
        dated: set[str] = set()
        undated: set[str] = set()
        for rel in store.rows(
            f"SELECT * FROM relation WHERE {column} = ? AND type = ? ORDER BY {other}",
            (fact["entity_id"], metric["counts_relation"]),
        ):
            qualifiers = json.loads(rel["qualifiers"])
            if qualifiers.get("status") == "planned" or not all(qualifiers.get(k) == v for k, v in scope.items()):
                continue
            since = timeframe.relation_since(qualifiers)
            if since is None or period_end is None:
                undated.add(rel[other])
            elif since <= period_end:
                dated.add(rel[other])
        undated -= dated
        claimed = json.loads(fact["value"])
        out.append(
            {
                "entity": entity_ref(names[fact["entity_id"]]),
                "metric": fact["metric"],
                "period": fact["period"],
                "scope": scope,
                "claimed": claimed,
                "listed": len(dated),
                "undated": len(undated),
                "missing": claimed - len(dated) - len(undated) if isinstance(claimed, (int, float)) else None,
                "members": sorted(dated),
                "undated_members": sorted(undated),
                "confidence": fact["confidence"],
                "sources": cites[str(fact["rowid"])],
            }
        )
    return out


def stats(store: Store) -> dict[str, Any]:
    def count(sql: str) -> int:
        return int(store.rows(sql)[0][0])

    def counts(sql: str) -> dict[str, int]:
        return {row[0]: int(row[1]) for row in store.rows(sql)}

    relations = count("SELECT COUNT(*) FROM relation")
    facts = count("SELECT COUNT(*) FROM fact")

    def cited(kind: str, with_quote: bool) -> int:
        quote = " AND quote IS NOT NULL AND quote != ''" if with_quote else ""
        return count(f"SELECT COUNT(DISTINCT owner) FROM citation WHERE owner_kind = '{kind}'{quote}")

    def share(part: int, whole: int) -> float:
        return round(part / whole, 4) if whole else 1.0

    citations = {}
    for kind, total in (("relation", relations), ("fact", facts)):
        with_source, with_quote = cited(kind, False), cited(kind, True)
        citations[kind + "s"] = {
            "total": total,
            "with_source": with_source,
            "with_quote": with_quote,
            "share_with_source": share(with_source, total),
            "share_with_quote": share(with_quote, total),
        }
    inferred = {
        kind: count(f"SELECT COUNT(*) FROM {kind} WHERE confidence = 'inferred'")
        for kind in ("entity", "relation", "fact")
    }
    return {
        "entities": count("SELECT COUNT(*) FROM entity"),
        "relations": relations,
        "facts": facts,
        "sources": count("SELECT COUNT(*) FROM entity WHERE type = 'source'"),
        "by_type": counts("SELECT type, COUNT(*) FROM entity GROUP BY type ORDER BY type"),
        "by_relation": counts("SELECT type, COUNT(*) FROM relation GROUP BY type ORDER BY type"),
        "facts_by_metric": counts("SELECT metric, COUNT(*) FROM fact GROUP BY metric ORDER BY metric"),
        "citations": citations,
        "inferred": inferred,
        "warnings": count("SELECT COUNT(*) FROM problem WHERE severity = 'warning'"),
        "claimed_totals": [
            {k: c[k] for k in ("entity", "metric", "period", "scope", "claimed", "listed", "undated")}
            for c in coverage_claims(store)
        ],
    }


DATE_ATTRIBUTES = ("founded", "established", "effective", "issued", "approved", "date", "opened")


def timeline(store: Store, entity_id: str | None = None) -> list[dict[str, Any]]:
    """Dated events in order: relations with a date (designations, approvals, foundings), the ends of
    relations, figures with a period, and dated attributes; each with its citations."""
    types = store.relation_types()
    edges = store.edges_of(entity_id) if entity_id else store.all_edges()
    edges = [e for e in edges if any(e.qualifiers.get(k) is not None for k in ("since", "date", "year", "until"))]
    if entity_id:
        facts = store.facts_of(entity_id)
    else:
        facts = store.known(store.rows("SELECT * FROM fact WHERE period IS NOT NULL ORDER BY file, line, rowid"))
    facts = [f for f in facts if f["period"]]
    entity_rows = store.entities([entity_id]) if entity_id else {r["id"]: r for r in store.rows("SELECT * FROM entity")}
    names = store.entities(
        [e.source_id for e in edges] + [e.target_id for e in edges] + [f["entity_id"] for f in facts]
    )
    edge_cites = store.citations("relation", [str(e.rowid) for e in edges])
    fact_cites = store.citations("fact", [str(f["rowid"]) for f in facts])
    events: list[dict[str, Any]] = []
    for edge in edges:
        q = edge.qualifiers
        start = next((q[k] for k in ("since", "date", "year") if q.get(k) is not None), None)
        base = {
            "kind": "relation",
            "type": edge.type,
            "subject": entity_ref(names[edge.source_id]),
            "object": entity_ref(names[edge.target_id]),
            "qualifiers": q,
            "confidence": edge.confidence,
            "sources": edge_cites[str(edge.rowid)],
        }
        label = types[edge.type]["label"]
        if start is not None:
            events.append({"date": str(start), "event": label, **base})
        if q.get("until") is not None:
            events.append({"date": str(q["until"]), "event": f"{label} (ended)", **base})
    for fact in facts:
        events.append(
            {
                "date": fact["period"],
                "kind": "fact",
                "type": fact["metric"],
                "event": fact["metric"],
                "subject": entity_ref(names[fact["entity_id"]]),
                "object": None,
                "value": json.loads(fact["value"]),
                "unit": fact["unit"],
                "fact_kind": fact["kind"],
                "qualifiers": json.loads(fact["scope"]),
                "confidence": fact["confidence"],
                "sources": fact_cites[str(fact["rowid"])],
            }
        )
    dated = [
        (r, k, v)
        for r in entity_rows.values()
        for k, v in json.loads(r["attributes"]).items()
        if any(word in k for word in DATE_ATTRIBUTES) and timeframe.period_start(v)
    ]
    attr_cites = store.citations("entity", [r["id"] for r, _, _ in dated])
    for row, key, value in dated:
        if store.as_of and not timeframe.known_on(value, store.as_of):
            continue
        events.append(
            {
                "date": str(value),
                "kind": "attribute",
                "type": key,
                "event": key,
                "subject": entity_ref(row),
                "object": None,
                "qualifiers": {},
                "confidence": row["confidence"],
                "sources": attr_cites[row["id"]],
            }
        )
    events.sort(
        key=lambda e: (
            timeframe.period_start(e["date"]) or "9999",
            e["date"],
            e["subject"]["id"],
            e["event"],
            e["object"]["id"] if e["object"] else "",
        )
    )
    return events


def metrics_overview(store: Store) -> list[dict[str, Any]]:
    counts = {
        r["metric"]: (r["n"], r["entities"])
        for r in store.rows(
            "SELECT metric, COUNT(*) AS n, COUNT(DISTINCT entity_id) AS entities FROM fact GROUP BY metric"
        )
    }
    return [
        {
            "metric": name,
            "unit": m["unit"],
            "description": m["description"],
            "facts": counts.get(name, (0, 0))[0],
            "entities": counts.get(name, (0, 0))[1],
        }
        for name, m in store.metrics().items()
    ]


def compare_metric(
    store: Store, metric: str | None, types: list[str] | None, within: set[str] | None, period: str | None
) -> list[dict[str, Any]]:
    """One metric (or, with None, every metric) across entities: value, unit, period, target or actual,
    and the citations."""
    where, params = ("WHERE metric = ? ", (metric,)) if metric is not None else ("", ())
    facts = store.known(store.rows(f"SELECT * FROM fact {where}ORDER BY period, entity_id, file, line, rowid", params))
    names = store.entities(f["entity_id"] for f in facts)
    facts = [
        f
        for f in facts
        if (not types or names[f["entity_id"]]["type"] in types)
        and (within is None or f["entity_id"] in within)
        and (period is None or (f["period"] or "").startswith(period))
    ]
    cites = store.citations("fact", [str(f["rowid"]) for f in facts])
    return [{"entity": entity_ref(names[f["entity_id"]]), **_fact(f, cites[str(f["rowid"])])} for f in facts]


def coverage_report(store: Store) -> dict[str, Any]:
    """How complete and how checkable the KB is."""

    def ids(sql: str) -> list[str]:
        return [r[0] for r in store.rows(sql)]

    def unquoted(kind: str, table: str) -> list[str]:
        return [
            f"{r['file']}:{r['line']}"
            for r in store.rows(
                f"SELECT file, line FROM {table} WHERE CAST(rowid AS TEXT) NOT IN (SELECT owner FROM citation "
                f"WHERE owner_kind = '{kind}' AND quote IS NOT NULL AND quote != '') ORDER BY file, line"
            )
        ]

    cited = "SELECT source_id AS s FROM citation UNION ALL SELECT via FROM citation WHERE via IS NOT NULL"
    facts = int(store.rows("SELECT COUNT(*) FROM fact")[0][0])
    inferred = int(store.rows("SELECT COUNT(*) FROM fact WHERE confidence = 'inferred'")[0][0])
    return {
        "claimed_totals": coverage_claims(store),
        "entities_without_chinese_name": ids(
            "SELECT id FROM entity WHERE (zh IS NULL OR zh = '') AND type != 'source' ORDER BY type, id"
        ),
        "relations_without_quote": unquoted("relation", "relation"),
        "facts_without_quote": unquoted("fact", "fact"),
        "sources_cited_once": ids(f"SELECT s FROM ({cited}) GROUP BY s HAVING COUNT(*) = 1 ORDER BY s"),
        "sources_never_cited": ids(f"SELECT id FROM entity WHERE type = 'source' AND id NOT IN ({cited}) ORDER BY id"),
        "facts_inferred": {"count": inferred, "of": facts, "share": round(inferred / facts, 4) if facts else 0.0},
    }
