"""The JSON documents of the query commands (their shapes, the contract, are in shapes.py), from the store's reads.

No SQL here: ipkb/read/query.py owns every read. The analysts' commands have theirs in views_analysis.py.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from ipkb import timeframe
from ipkb.read.lifespan import existing_on, former_names, name_on
from ipkb.read.query import Edge, Store

if TYPE_CHECKING:
    from ipkb.shapes import (
        AsOf,
        Citation,
        CitedBy,
        ClaimedTotal,
        CoverageClaim,
        EntityRef,
        Fact,
        ListRow,
        PlaceRef,
        Qualifiers,
        RelationView,
        ShowView,
        Source,
        SourceUse,
        Supports,
    )

SourceField = Literal["title", "publisher", "author", "date", "language", "url", "file", "kind"]
SOURCE_FIELDS: tuple[SourceField, ...] = ("title", "publisher", "author", "date", "language", "url", "file", "kind")


def entity_ref(row: sqlite3.Row, then: str | None = None) -> EntityRef:
    """An entity as another answer names it; given a day, also the name it had then where that differs (a
    relation of 2013 names SIPO, not CNIPA, whose name it took in 2018)."""
    ref: EntityRef = {"id": row["id"], "type": row["type"], "name": row["name"], "zh": row["zh"]}
    if then is not None and row["former_names"]:
        name, zh = name_on(row, then)
        if name != row["name"] or zh != row["zh"]:
            ref["name_then"], ref["zh_then"] = name, zh
    return ref


def named_then(store: Store, qualifiers: Qualifiers) -> str | None:
    """The day on which a relation names its ends: --as-of's, else the relation's own time, its end or else
    its start (`since 2015` with SIPO, now CNIPA); None for an undated relation (today's names)."""
    if store.as_of is not None:
        return store.as_of
    roles = store.roles()
    when = next((qualifiers[k] for k in (*roles.end, *roles.start) if qualifiers.get(k) is not None), None)
    return None if when is None else str(when)


def _fact(row: sqlite3.Row, sources: list[Citation]) -> Fact:
    return {
        "metric": row["metric"],
        "value": json.loads(row["value"]),
        "bound": row["bound"],
        "unit": row["unit"],
        "period": row["period"],
        "kind": row["kind"],
        "scope": json.loads(row["scope"]),
        "confidence": row["confidence"],
        "note": row["note"],
        "sources": sources,
    }


def relation_view(
    store: Store, edge: Edge, seen_from: str, others: dict[str, sqlite3.Row], sources: list[Citation]
) -> RelationView:
    rtype = store.relation_types()[edge.type]
    outgoing = edge.source_id == seen_from
    other_id = edge.target_id if outgoing else edge.source_id
    view: RelationView = {
        "direction": "out" if outgoing else "in",
        "type": edge.type,
        "label": rtype["label"] if outgoing else rtype["inverse"],
        "other": entity_ref(others[other_id], named_then(store, edge.qualifiers)),
        "qualifiers": edge.qualifiers,
        "confidence": edge.confidence,
        "note": edge.note,
        "sources": sources,
    }
    # the day a relation that nothing else dates was first reported: by then it had begun. The claimed totals
    # count it from that day, with or without --as-of, so a reader sees it wherever the relation is shown
    if day := store.reported(edge):
        view["reported"] = day
    return view


def source_list(store: Store, source_ids: list[str]) -> list[Source]:
    """The cited sources, in order of first citation, with their bibliographic fields."""
    rows = store.entities(source_ids)
    out: list[Source] = []
    for source_id in dict.fromkeys(source_ids):
        row = rows.get(source_id)
        if row is None:
            continue
        fields = json.loads(row["fields"])
        source: Source = {"id": source_id, "name": row["name"]}
        for key in SOURCE_FIELDS:
            if key in fields:
                source[key] = fields[key]
        out.append(source)
    return out


def _cited_ids(items: Iterable[Sequence[Mapping[str, object]]]) -> list[str]:
    """The source ids of each item's citations, in order."""
    return [str(c["source"]) for sources in items for c in sources]


def _other_ends_existing(
    store: Store, edges: list[Edge], entity_id: str, rows: Mapping[str, sqlite3.Row]
) -> dict[int, bool | None]:
    """Relation rowid -> whether the entity at its other end from `entity_id` existed on `as_of`
    (lifespan.existing_on; None: the KB cannot tell)."""
    other = {e.rowid: e.target_id if e.source_id == entity_id else e.source_id for e in edges}
    existing = existing_on(store, {i: rows[i] for i in set(other.values()) if i in rows}, store.as_of or "")
    return {rowid: existing.get(end) for rowid, end in other.items()}


def _relation_order(view: RelationView) -> tuple[bool, str, str, str]:
    """Outgoing first, then by label and the other entity's name: how show lists relations."""
    return (view["direction"] != "out", view["label"], view["other"]["name"], view["other"]["id"])


def show(store: Store, entity_id: str) -> ShowView:
    row = store.entity(entity_id)
    assert row is not None, entity_id
    facts = store.facts_of(entity_id)
    fact_cites = store.citations("fact", [str(f["rowid"]) for f in facts])
    edges = store.edges_of(entity_id)
    others = store.entities([e.source_id for e in edges] + [e.target_id for e in edges])
    unsure: list[Edge] = []  # under --as-of: held undated, to an entity the KB cannot place that day
    if store.as_of is not None:  # a province contains a centre only once the centre exists (existing_on)
        timeless = [e for e in edges if store.held_undated(e)]
        known = _other_ends_existing(store, timeless, entity_id, others)
        unsure = [e for e in timeless if known[e.rowid] is None]
        edges = [e for e in edges if known.get(e.rowid, True)]
    edge_cites = store.citations("relation", [str(e.rowid) for e in edges])
    relations = [relation_view(store, e, entity_id, others, edge_cites[str(e.rowid)]) for e in edges]
    relations.sort(key=_relation_order)
    entity_sources = store.citations("entity", [entity_id])[entity_id]
    fact_views = [_fact(f, fact_cites[str(f["rowid"])]) for f in facts]
    fields = json.loads(row["fields"])
    claimed_totals = [claimed_total(claim) for claim in coverage_claims(store, entity_id)]
    then: AsOf = {}
    if store.as_of is not None:
        then["as_of"] = store.as_of
        then["name_as_of"], then["zh_as_of"] = name_on(row, store.as_of)
        then["exists_as_of"] = existing_on(store, {entity_id: row}, store.as_of)[entity_id]
        # not yet in existence (or no longer): no relation of unknown date can have held then
        undated = store.edges_of(entity_id, date_unknown=True) + unsure if then["exists_as_of"] is not False else []
        undated_cites = store.citations("relation", [str(e.rowid) for e in undated])
        others.update(store.entities([e.source_id for e in undated] + [e.target_id for e in undated]))
        # nor one whose other end is known not to exist that day (by the same rule)
        existing = _other_ends_existing(store, undated, entity_id, others)
        undated = [e for e in undated if existing[e.rowid] is not False]
        then["relations_date_unknown"] = sorted(
            (relation_view(store, e, entity_id, others, undated_cites[str(e.rowid)]) for e in undated),
            key=_relation_order,
        )
        then["facts_without_date"] = len(store.facts_of(entity_id, "undated"))
    formerly = former_names(row)
    items = [*fact_views, *relations, *then.get("relations_date_unknown", []), *claimed_totals]  # all numbered
    cited = _cited_ids([entity_sources, *(item["sources"] for item in items), *(f["sources"] for f in formerly)])
    use: SourceUse = {}
    if row["type"] in store.roles().sources:
        use = {"cited_by": cited_by(store, entity_id), "supports": supports(store, entity_id)}
    return {
        "id": row["id"],
        "type": row["type"],
        "name": row["name"],
        "names": {"en": row["name"], "zh": row["zh"], "pinyin": row["pinyin"]},
        "aliases": store.aliases(entity_id),
        "description": row["description"],
        "attributes": json.loads(row["attributes"]),
        "fields": fields,
        "confidence": row["confidence"],
        "note": row["note"],
        "defined_at": f"{row['file']}:{row['line']}",
        "citations": entity_sources,
        "former_names": formerly,
        "facts": fact_views,
        "relations": relations,
        "claimed_totals": claimed_totals,
        **then,
        "sources": source_list(store, cited),
        **use,
    }


def claimed_total(claim: CoverageClaim) -> ClaimedTotal:
    """A claim as `show` lists it: without the entity (the one shown) and the member lists."""
    return {
        "metric": claim["metric"],
        "period": claim["period"],
        "scope": claim["scope"],
        "claimed": claim["claimed"],
        "listed": claim["listed"],
        "undated": claim["undated"],
        "missing": claim["missing"],
        "confidence": claim["confidence"],
        "sources": claim["sources"],
    }


def supports(store: Store, source_id: str) -> Supports:
    """Every claim a source backs (directly, or as the research note a quote was taken from), with the quote."""
    quotes: dict[tuple[str, str], list[Citation]] = {}
    for r in store.cited_by(source_id):
        cite: Citation = {"source": r["source_id"], "quote": r["quote"]}
        if r["via"]:
            cite["via"] = r["via"]
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


def cited_by(store: Store, source_id: str) -> CitedBy:
    """How many entities, relations and facts cite a source (directly or via it)."""
    counts = Counter(kind for kind, _ in {(r["owner_kind"], r["owner"]) for r in store.cited_by(source_id)})
    return {"entity": counts["entity"], "relation": counts["relation"], "fact": counts["fact"]}


def entity_list(
    rows: list[sqlite3.Row],
    caveats: dict[str, str | None] | None = None,
    places: dict[str, list[PlaceRef]] | None = None,
) -> list[ListRow]:
    """Rows of `search` and `list`; with `places` (list --in), where each lies directly (`in`); with `caveats`
    (list --designation, --in), a `caveat` on each entity named in it."""
    out: list[ListRow] = []
    for r in rows:
        row: ListRow = {"id": r["id"], "type": r["type"], "name": r["name"], "zh": r["zh"]}
        if places is not None:
            row["in"] = places.get(r["id"], [])
        if caveats is not None and r["id"] in caveats:
            row["caveat"] = caveats[r["id"]]
        out.append(row)
    return out


def coverage_claims(store: Store, entity_id: str | None = None) -> list[CoverageClaim]:
    """Every claimed total (an actual fact whose metric counts members) beside the members the KB lists;
    only those about `entity_id` when given.

    A member counts when its relation matches the fact's scope, is not merely planned, and is dated
    within or before the claim's period; members with no date, or a date too coarse to place before the
    period's end (a year, 2024, against a claim of 2024-03-14, unless the claim's scope names the member's
    batch or year), are counted apart, as `undated`. Under `as_of` only the members shown as of that day count
    (as `list --as-of` shows them): one whose relation had not begun or had ended then, or that did not exist
    yet, not at all; one whose relation or lifespan the dates cannot place on that day, as undated.
    """
    metrics = {name: m for name, m in store.metrics().items() if m["counts_relation"]}
    if not metrics:
        return []
    facts = store.facts_where(list(metrics), entity_id, actual_only=True, order="entity")
    cites = store.citations("fact", [str(f["rowid"]) for f in facts])
    names = store.entities(f["entity_id"] for f in facts)
    out: list[CoverageClaim] = []
    for fact in facts:
        metric = metrics[fact["metric"]]
        incoming = metric["counts_direction"] == "in"
        other = "source_id" if incoming else "target_id"
        scope = json.loads(fact["scope"])
        period_start, period_end = timeframe.period_start(fact["period"]), timeframe.period_end(fact["period"])
        # a claim about one batch or year's cohort (scope batch: 5, year: 2024) counts each member of it that
        # began by the period's end, however coarse the member's date: the scope, not the date, places it
        cohort = any(k in scope for k in ("batch", *store.roles().start))
        dated: set[str] = set()
        undated: set[str] = set()
        edges = [store.edge_of(r) for r in store.relations_at(fact["entity_id"], metric["counts_relation"], incoming)]
        if metric["counts_types"] is not None:  # a count of counties is not one of the sub-programmes too
            kinds = set(json.loads(metric["counts_types"]))
            rows = store.entities(getattr(e, other) for e in edges)
            edges = [e for e in edges if getattr(e, other) in rows and rows[getattr(e, other)]["type"] in kinds]
        store.learn_reported(edges)
        for edge in edges:
            qualifiers, member = edge.qualifiers, getattr(edge, other)
            if store.roles().is_planned(qualifiers) or not all(qualifiers.get(k) == v for k, v in scope.items()):
                continue
            since = timeframe.relation_since(qualifiers, store.roles().start)
            until = timeframe.relation_until(qualifiers, store.roles().end)
            if (since is not None and period_end is not None and since > period_end) or (
                until is not None and period_start is not None and until < period_start
            ):
                continue  # began after the claim's period, or ended before it: never among its members
            # under --as-of, begun by that day (known: True; not known: None); an end since does not take it out
            begun = True if store.as_of is None else store.holds(edge, ended=False)
            if begun is False:
                continue
            by = timeframe.period_end(store.reported(edge))
            if begun and since is None and by is not None and period_end is not None and by <= period_end:
                dated.add(member)  # no start, but a source reported it by the period's end
            elif begun is None or since is None or period_end is None:
                undated.add(member)
            else:  # began by the period's end, unless its date is coarser and may run past it
                last = timeframe.relation_since_last(qualifiers, store.roles().start)
                (undated if not cohort and last is not None and last > period_end else dated).add(member)
        undated -= dated
        if store.as_of is not None:
            dated, undated = _existing_then(store, store.as_of, dated, undated)
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
                "missing": max(0, claimed - len(dated) - len(undated)) if isinstance(claimed, (int, float)) else None,
                "members": sorted(dated),
                "undated_members": sorted(undated),
                "confidence": fact["confidence"],
                "sources": cites[str(fact["rowid"])],
            }
        )
    # by time, not as text ("2024-01/2024-06" came after "2024-01-16"); the store's order among equals
    out.sort(key=lambda c: (c["entity"]["id"], c["metric"], timeframe.period_order(c["period"])))
    return out


def _existing_then(store: Store, day: str, dated: set[str], undated: set[str]) -> tuple[set[str], set[str]]:
    """A claim's (dated, undated) members less those that did not exist on `day`; a dated one that cannot be
    placed on that day is undated (lifespan.existing_on, the rule of `list --as-of`)."""
    exists = existing_on(store, store.entities(dated | undated), day)
    unknown = {m for m in dated if exists.get(m) is None}
    return (
        {m for m in dated if exists.get(m) is not False} - unknown,
        {m for m in undated | unknown if exists.get(m) is not False},
    )
