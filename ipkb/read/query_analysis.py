"""The store's reads for the analysts' commands (figures, counts, coverage): part of `query.Store`.

A mixin only to keep query.py to one screenful of concerns; `Store` is the one reader of the database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal

from ipkb.timeframe import figure_on, period_order, period_start

if TYPE_CHECKING:
    from ipkb.shapes import Gaps, Tallies

Which = Literal["known", "undated", "all"]  # of the facts: those shown as of a day, those nothing dates, every one

# the types whose entities are sources: the schema's roles (ipkb.roles) as the build stored them
SOURCE_TYPES = "SELECT value FROM json_each((SELECT value FROM meta WHERE key = 'roles'), '$.sources')"
# the sources that are our own research notes: the `kind` the schema gives them (docs/data-model.md)
RESEARCH_NOTES = "SELECT id FROM entity WHERE json_extract(fields, '$.kind') = 'research-note'"


class AnalystReads:
    as_of: str | None  # query.Store's
    facts_undated: set[int]

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError  # query.Store's

    def known(self, facts: list[sqlite3.Row], which: Which = "known") -> list[sqlite3.Row]:
        """The facts shown as of `as_of` (all of them without it; timeframe.figure_on: an actual figure from
        its period's start, or without one from the day its sources first state it; a target from the day it
        was stated until its period ends); `undated`: those nothing dates (none without it); `all`: every one
        (the timeline dates them itself). The ones nothing dates are kept in `facts_undated`, for an answer
        that reads facts in batches to count them."""
        if self.as_of is None or which == "all":
            return [] if which == "undated" else facts
        day, stated = self.as_of, self.stated_days(facts)
        on = {f["rowid"]: figure_on(f["period"], f["kind"] == "target", stated.get(f["rowid"]), day) for f in facts}
        self.facts_undated.update(rowid for rowid, known in on.items() if known is None)
        return [f for f in facts if on[f["rowid"]] is (None if which == "undated" else True)]

    def stated_days(self, facts: Iterable[sqlite3.Row]) -> dict[int, str]:
        """The day each fact's sources first state it: rowid -> the earliest `date` of the sources it cites (the
        first cited of those that begin the same day; for an inferred fact, worked out from them all, the
        latest), for a fact with a dated source. The one rule of when a
        figure without a period counts from (the timeline dates it so, `dated_by: stated`) and when a target
        was set."""
        facts = list(facts)  # read twice: a caller may hand a generator
        # an inferred figure (28 = 71 - 43) is known only once every source it is worked out from is out: the latest
        inferred = {int(f["rowid"]) for f in facts if f["confidence"] == "inferred"}
        out: dict[int, str] = {}
        for rowid, day in self.cited_dates("fact", [int(f["rowid"]) for f in facts]):
            if rowid in inferred:
                if (period_start(day) or "") > (period_start(out.get(rowid)) or ""):
                    out[rowid] = day
            elif (period_start(day) or "9999") < (period_start(out.get(rowid)) or "9999"):
                out[rowid] = day
        return out

    def cited_dates(self, owner_kind: str, rowids: Iterable[int]) -> Iterator[tuple[int, str]]:
        """(rowid, date) of each citation of these facts or relations (`owner_kind`) whose source has a date, by
        rowid and in citation order: when their sources said them (stated_days, TimeReads.learn_reported)."""
        owners = [str(rowid) for rowid in rowids]
        for start in range(0, len(owners), 500):
            chunk = owners[start : start + 500]
            for r in self.rows(
                "SELECT c.owner, json_extract(e.fields, '$.date') AS day FROM citation c "
                "JOIN entity e ON e.id = c.source_id WHERE c.owner_kind = ? "
                f"AND c.owner IN ({','.join('?' * len(chunk))}) AND day IS NOT NULL ORDER BY c.owner, c.ordinal",
                [owner_kind, *chunk],
            ):
                yield int(r["owner"]), str(r["day"])

    def facts_where(
        self,
        metrics: list[str] | None = None,
        entity_id: str | None = None,
        actual_only: bool = False,
        dated_only: bool = False,
        order: Literal["kb", "entity", "period"] = "kb",
        which: Which = "known",
    ) -> list[sqlite3.Row]:
        """Facts known on `as_of` (or those nothing dates, or all: `known`): of some metrics, of one
        entity, actual ones, ones with a period; in KB order (file and line), by entity and metric, or by
        period and entity."""
        clauses, params = [], []
        if metrics is not None:
            clauses.append(f"metric IN ({','.join('?' * len(metrics))})")
            params += metrics
        if entity_id is not None:
            clauses.append("entity_id = ?")
            params.append(entity_id)
        if actual_only:
            clauses.append("kind = 'actual'")
        if dated_only:
            clauses.append("period IS NOT NULL")
        where = f"WHERE {' AND '.join(clauses)} " if clauses else ""
        rows = self.known(self.rows(f"SELECT * FROM fact {where}ORDER BY file, line, rowid", params), which)
        if order == "entity":  # periods in time order, not as text (timeframe.period_order); KB order among equals
            rows.sort(key=lambda f: (f["entity_id"], f["metric"], period_order(f["period"])))
        elif order == "period":
            rows.sort(key=lambda f: (period_order(f["period"]), f["entity_id"]))
        return rows

    def relations_at(self, entity_id: str, relation_type: str, incoming: bool) -> list[sqlite3.Row]:
        """Every relation of a type pointing at (`incoming`) or leaving an entity, by the other end's id."""
        column, other = ("target_id", "source_id") if incoming else ("source_id", "target_id")
        return self.rows(
            f"SELECT * FROM relation WHERE {column} = ? AND type = ? ORDER BY {other}", (entity_id, relation_type)
        )

    def all_entities(self) -> list[sqlite3.Row]:
        return self.rows("SELECT * FROM entity ORDER BY type, id")

    def metric_usage(self) -> dict[str, tuple[int, int]]:
        """metric -> (facts, entities with such a fact)."""
        sql = "SELECT metric, COUNT(*) AS n, COUNT(DISTINCT entity_id) AS entities FROM fact GROUP BY metric"
        return {r["metric"]: (int(r["n"]), int(r["entities"])) for r in self.rows(sql)}

    def tallies(self) -> Tallies:
        """The counts behind `stats`: rows per table, per type, relation and metric, cited and inferred ones."""

        def count(sql: str) -> int:
            return int(self.rows(sql)[0][0])

        def counts(sql: str) -> dict[str, int]:
            return {row[0]: int(row[1]) for row in self.rows(sql)}

        def cited(kind: str, with_quote: bool, own_words: bool = False) -> int:
            quote = " AND quote IS NOT NULL AND quote != ''" if with_quote else ""
            own = " AND via IS NULL" if own_words else ""
            return count(f"SELECT COUNT(DISTINCT owner) FROM citation WHERE owner_kind = '{kind}'{quote}{own}")

        def on_notes_only(kind: str) -> int:  # every citation of the claim is of one of our research notes
            return count(
                f"SELECT COUNT(*) FROM (SELECT owner FROM citation WHERE owner_kind = '{kind}' GROUP BY owner "
                f"HAVING SUM(source_id NOT IN ({RESEARCH_NOTES})) = 0)"
            )

        def inferred(kind: str) -> int:
            return count(f"SELECT COUNT(*) FROM {kind} WHERE confidence = 'inferred'")

        return {
            "entities": count("SELECT COUNT(*) FROM entity"),
            "relations": count("SELECT COUNT(*) FROM relation"),
            "facts": count("SELECT COUNT(*) FROM fact"),
            "sources": count(f"SELECT COUNT(*) FROM entity WHERE type IN ({SOURCE_TYPES})"),
            "by_type": counts("SELECT type, COUNT(*) FROM entity GROUP BY type ORDER BY type"),
            "by_relation": counts("SELECT type, COUNT(*) FROM relation GROUP BY type ORDER BY type"),
            "facts_by_metric": counts("SELECT metric, COUNT(*) FROM fact GROUP BY metric ORDER BY metric"),
            "cited": {
                kind: (cited(kind, False), cited(kind, True), cited(kind, True, own_words=True), on_notes_only(kind))
                for kind in ("relation", "fact")
            },
            "inferred": {"entity": inferred("entity"), "relation": inferred("relation"), "fact": inferred("fact")},
            "warnings": count("SELECT COUNT(*) FROM problem WHERE severity = 'warning'"),
        }

    def without_chinese_name(self, types: list[str] | None) -> int:
        """How many entities (of `types`, if given; sources never) have no Chinese name: a search in Chinese
        cannot find them, which `search` says beside a Chinese search's results (`coverage` lists them)."""
        kinds = f" AND type IN ({','.join('?' * len(types))})" if types else ""
        sql = f"SELECT COUNT(*) FROM entity WHERE (zh IS NULL OR zh = ''){kinds} AND type NOT IN ({SOURCE_TYPES})"
        found: int = self.rows(sql, types or [])[0][0]
        return found

    def gaps(self) -> Gaps:
        """What `coverage` lists: entities without a Chinese name, claims without a quote (file:line),
        sources cited once or never."""

        def ids(sql: str) -> list[str]:
            return [r[0] for r in self.rows(sql)]

        def unquoted(kind: str) -> list[str]:
            return [
                f"{r['file']}:{r['line']}"
                for r in self.rows(
                    f"SELECT file, line FROM {kind} WHERE CAST(rowid AS TEXT) NOT IN (SELECT owner FROM citation "
                    f"WHERE owner_kind = '{kind}' AND quote IS NOT NULL AND quote != '') ORDER BY file, line"
                )
            ]

        cited = "SELECT source_id AS s FROM citation UNION ALL SELECT via FROM citation WHERE via IS NOT NULL"
        return {
            "entities_without_chinese_name": ids(
                "SELECT id FROM entity WHERE (zh IS NULL OR zh = '') "
                f"AND type NOT IN ({SOURCE_TYPES}) ORDER BY type, id"
            ),
            "relations_without_quote": unquoted("relation"),
            "facts_without_quote": unquoted("fact"),
            "sources_cited_once": ids(f"SELECT s FROM ({cited}) GROUP BY s HAVING COUNT(*) = 1 ORDER BY s"),
            "sources_never_cited": ids(
                f"SELECT id FROM entity WHERE type IN ({SOURCE_TYPES}) AND id NOT IN ({cited}) ORDER BY id"
            ),
        }
