"""The JSON documents of the analysts' commands: stats, coverage, timeline, facts (docs/analysis.md; their
shapes are in shapes.py).

Like views.py, no SQL: the figures and counts come from ipkb/read/query.py.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ipkb import timeframe
from ipkb.figures import share
from ipkb.read.lifespan import former_names, name_on
from ipkb.read.query import Edge, Store
from ipkb.read.views import _fact, coverage_claims, entity_ref, source_list

if TYPE_CHECKING:
    import sqlite3

    from ipkb.read.query_analysis import Which
    from ipkb.roles import Roles
    from ipkb.shapes import (
        Citation,
        CitationShare,
        CoverageReport,
        EntityFact,
        EntityRef,
        MetricOverview,
        Stats,
        TimelineEvent,
    )


def stats(store: Store) -> Stats:
    tallies = store.tallies()

    def shares(kind: str, total: int) -> CitationShare:
        with_source, with_quote, own_words, notes_only = tallies["cited"][kind]
        return {
            "total": total,
            "with_source": with_source,
            "with_quote": with_quote,
            "share_with_source": share(with_source, total),
            "share_with_quote": share(with_quote, total),
            "with_quote_from_source_text": own_words,
            "share_with_quote_from_source_text": share(own_words, total),
            "resting_only_on_research_notes": notes_only,
            "share_resting_only_on_research_notes": share(notes_only, total),
        }

    return {
        "entities": tallies["entities"],
        "relations": tallies["relations"],
        "facts": tallies["facts"],
        "sources": tallies["sources"],
        "by_type": tallies["by_type"],
        "by_relation": tallies["by_relation"],
        "facts_by_metric": tallies["facts_by_metric"],
        "citations": {
            "relations": shares("relation", tallies["relations"]),
            "facts": shares("fact", tallies["facts"]),
        },
        "inferred": tallies["inferred"],
        "warnings": tallies["warnings"],
        "claimed_totals": [
            {
                "entity": c["entity"],
                "metric": c["metric"],
                "period": c["period"],
                "scope": c["scope"],
                "claimed": c["claimed"],
                "listed": c["listed"],
                "undated": c["undated"],
                "confidence": c["confidence"],
                "sources": c["sources"],
            }
            for c in coverage_claims(store)
        ],
    }


DATE_ATTRIBUTES = ("founded", "established", "effective", "issued", "approved", "date", "opened")


def timeline(store: Store, entity_id: str | None = None) -> list[TimelineEvent]:
    """Dated events in order: relations with a date (designations, approvals, foundings), the ends of
    relations, figures with a period, and dated attributes; each with its citations."""
    types = store.relation_types()
    edges = store.edges_of(entity_id) if entity_id else store.all_edges()
    roles = store.roles()
    edges = [e for e in edges if _placeable(e, roles)]
    facts, stated = _dated_facts(store, entity_id)
    entity_rows = store.entities([entity_id]) if entity_id else {r["id"]: r for r in store.all_entities()}
    names = store.entities(
        [e.source_id for e in edges] + [e.target_id for e in edges] + [f["entity_id"] for f in facts]
    )
    edge_cites = store.citations("relation", [str(e.rowid) for e in edges])
    fact_cites = store.citations("fact", [str(f["rowid"]) for f in facts])
    posts = [str(e.rowid) for e in edges if roles.dating(e.type)[2]]  # the posts, which a sighting may date
    cited = [c["source"] for post in posts for c in edge_cites[post]]
    source_dates = {s["id"]: s.get("date") for s in source_list(store, cited)}  # of the sources that saw a post
    events: list[TimelineEvent] = []
    for edge in edges:
        q = edge.qualifiers
        starts, ends, seen = roles.dating(edge.type)
        start = next((q[k] for k in starts if q.get(k) is not None), None)
        sighting = None if start is not None else next((q[k] for k in seen if q.get(k) is not None), None)
        end = next((q[k] for k in ends if q.get(k) is not None), None)
        subject, target = entity_ref(names[edge.source_id]), entity_ref(names[edge.target_id])
        cites = edge_cites[str(edge.rowid)]
        label = types[edge.type]["label"]
        # a post seen held on a day is no appointment that day: `(seen)`, as its end is `(ended)`; seen on
        # each day a source saw it held, with that source (timeframe.sightings)
        seen_on = {} if sighting is None else timeframe.sightings(str(sighting), _dated(cites, source_dates))
        moments = [(start, label, cites), (end, f"{label} (ended)", cites)]
        moments += [(day, f"{label} (seen)", [c for c in cites if c["source"] in by]) for day, by in seen_on.items()]
        for date, event, by in moments:
            # under --as-of nothing after that day: an end yet to come is no event then (dated by its end)
            if date is not None and (store.as_of is None or timeframe.known_on(date, store.as_of)):
                events.append(_relation_event(str(date), event, edge, subject, target, by))
    for fact in facts:
        events.append(
            {
                "date": fact["period"] or stated[fact["rowid"]],
                "dated_by": "period" if fact["period"] else "stated",
                "kind": "fact",
                "type": fact["metric"],
                "event": fact["metric"],
                "subject": entity_ref(names[fact["entity_id"]]),
                "object": None,
                "value": json.loads(fact["value"]),
                "bound": fact["bound"],
                "unit": fact["unit"],
                "fact_kind": fact["kind"],
                "qualifiers": json.loads(fact["scope"]),
                "confidence": fact["confidence"],
                "note": fact["note"],
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
                "note": None,
                "sources": attr_cites[row["id"]],
            }
        )
    rows = {**names, **entity_rows}
    for event in events:  # each body by the name it had on the event's date (docs/analysis.md)
        event["subject"] = _named_on(event["subject"], rows, event["date"])
        if event["object"]:
            event["object"] = _named_on(event["object"], rows, event["date"])
    events.sort(
        key=lambda e: (
            *_when(e),
            e["date"],
            e["subject"]["id"],
            e["event"],
            e["object"]["id"] if e["object"] else "",
        )
    )
    return events


def _when(event: TimelineEvent) -> tuple[str, str]:
    """An event's place in time: a relation or an attribute on the day it begins (founded in 2024: some day of
    it, shown before 2024-03-14), a figure at the end of its period, when its count holds
    (timeframe.figure_order: 28 for 2024 after 43 on 2024-03-14)."""
    if event["kind"] == "fact":
        return timeframe.figure_order(event["date"])
    return (timeframe.period_start(event["date"]) or "~", "")


def _dated(cites: list[Citation], dates: dict[str, str | None]) -> list[tuple[str, str | None]]:
    return [(c["source"], dates.get(c["source"])) for c in cites]


def _dated_facts(store: Store, entity_id: str | None) -> tuple[list[sqlite3.Row], dict[int, str]]:
    """The facts the timeline can date: those with a period, and those without one (a target of a policy,
    "more than 300 a year") at the earliest date of their sources, when they have one, the day they were
    stated (rowid -> that date: store.stated_days, the rule --as-of dates them by); under --as-of only
    those dated by then."""
    facts = store.facts_of(entity_id, "all") if entity_id else store.facts_where(which="all")
    stated = store.stated_days(f for f in facts if not f["period"])
    dated = [f for f in facts if f["period"] or f["rowid"] in stated]
    if store.as_of is not None:  # an event dated by then: a target set for a later year is no event yet
        dated = [f for f in dated if timeframe.known_on(f["period"] or stated[f["rowid"]], store.as_of)]
    return dated, stated


def _placeable(edge: Edge, roles: Roles) -> bool:
    """Whether the timeline can place a relation: it has one of the schema's start or end qualifiers."""
    return any(edge.qualifiers.get(k) is not None for k in (*roles.start, *roles.end))


def relations_left_out(store: Store, entity_id: str | None) -> int:
    """How many relations the timeline cannot date (`_placeable`)."""
    roles = store.roles()
    edges = store.edges_of(entity_id) if entity_id else store.all_edges()
    return sum(1 for e in edges if not _placeable(e, roles))


def facts_left_out(store: Store, entity_id: str | None) -> int:
    """How many facts the timeline cannot date: no period, and no dated source."""
    facts = store.facts_of(entity_id, "all") if entity_id else store.facts_where(which="all")
    stated = store.stated_days(f for f in facts if not f["period"])
    return sum(1 for f in facts if not f["period"] and f["rowid"] not in stated)


def _relation_event(
    date: str, event: str, edge: Edge, subject: EntityRef, target: EntityRef, sources: list[Citation]
) -> TimelineEvent:
    return {
        "date": date,
        "event": event,
        "kind": "relation",
        "type": edge.type,
        "subject": subject,
        "object": target,
        "qualifiers": edge.qualifiers,
        "confidence": edge.confidence,
        "note": edge.note,
        "sources": sources,
    }


def _named_on(ref: EntityRef, rows: dict[str, sqlite3.Row], date: str) -> EntityRef:
    """An entity by the name it had on `date`, when it has been renamed."""
    if not former_names(rows[ref["id"]]):
        return ref
    name, zh = name_on(rows[ref["id"]], date)
    return {**ref, "name": name, "zh": zh}


def metrics_overview(store: Store) -> list[MetricOverview]:
    counts = store.metric_usage()
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
    store: Store,
    metric: str | None,
    types: list[str] | None,
    within: set[str] | None,
    period: str | None,
    which: Which = "known",
) -> list[EntityFact]:
    """One metric (or, with None, every metric) across entities: value, unit, period, target or actual,
    and the citations; with `undated`, those --as-of leaves out as nothing dates them (Store.known)."""
    facts = store.facts_where([metric] if metric is not None else None, order="period", which=which)
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


def coverage_report(store: Store) -> CoverageReport:
    """How complete and how checkable the KB is."""

    gaps = store.gaps()
    facts = store.tallies()["facts"]
    inferred = store.tallies()["inferred"]["fact"]
    return {
        "claimed_totals": coverage_claims(store),
        **gaps,
        "facts_inferred": {"count": inferred, "of": facts, "share": share(inferred, facts)},
    }
