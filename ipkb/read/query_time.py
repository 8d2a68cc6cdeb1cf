"""The store's reads of time: which relations hold on `as_of`, and when their sources first report them. Part of
`query.Store`, as a mixin only to keep query.py to one screenful of concerns."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ipkb.timeframe import holds_on, period_end

if TYPE_CHECKING:
    from ipkb.read.query import Edge
    from ipkb.roles import Roles


class TimeReads:
    as_of: str | None  # query.Store's
    _reported: dict[int, str | None]  # relation rowid -> the day its first dated source reports it (`reported`)

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError  # query.Store's

    def roles(self) -> Roles:
        raise NotImplementedError  # query.Store's

    def relation_types(self) -> dict[str, sqlite3.Row]:
        raise NotImplementedError  # query.Store's

    def cited_dates(self, owner_kind: str, rowids: Iterable[int]) -> Iterator[tuple[int, str]]:
        raise NotImplementedError  # query_analysis.AnalystReads'

    def in_time(self, edges: list[Edge]) -> list[Edge]:
        """The relations known to hold on `as_of` (all of them without it): see timeframe.holds_on."""
        if self.as_of is None:
            return edges
        self.learn_reported(edges)
        return [e for e in edges if self.holds(e)]

    def date_unknown(self, edges: list[Edge]) -> list[Edge]:
        """The relations that carry no start date, so cannot be said to hold on `as_of` (none without it)."""
        if self.as_of is None:
            return []
        self.learn_reported(edges)
        return [e for e in edges if self.holds(e) is None]

    def not_begun(self, edges: list[Edge]) -> list[Edge]:
        """The relations that begin after `as_of` (by their start, or the day a source first reports them),
        ended since or not: hidden as not yet begun, where date_unknown's are hidden as undated (none without it)."""
        if self.as_of is None:
            return []
        self.learn_reported(edges)
        return [e for e in edges if self.holds(e, ended=False) is False]

    def held_undated(self, edge: Edge) -> bool:
        """Whether `edge` holds on `as_of` only as its type holds undated (a centre's province), its dates silent."""
        return self.as_of is not None and self.held_undated_type(edge) and self.holds(edge, undated=False) is None

    def held_undated_type(self, edge: Edge) -> bool:
        """Whether `edge`'s type holds undated (a city's province: the schema's `undated: holds`): its dates, if
        any, say nothing of when its ends began."""
        return bool(self.relation_types()[edge.type]["undated_holds"])

    def holds(self, edge: Edge, day: str | None = None, undated: bool | None = None, ended: bool = True) -> bool | None:
        """Whether `edge` held on `day` (`as_of` by default): timeframe.holds_on with its type's dating roles,
        whether its type holds undated (unless `undated` says), and the day its sources first report it; with
        `ended` False, whether it had begun by then, ended since or not (a member of a past claim)."""
        start, end, seen = self.roles().dating(edge.type)
        timeless = self.held_undated_type(edge) if undated is None else undated
        ends = end if ended else ()
        return holds_on(edge.qualifiers, day or self.as_of or "", start, ends, timeless, seen, self.reported(edge))

    def reportable(self, edge: Edge) -> bool:
        """Whether a source's date may date `edge`: a relation stated (not inferred), not only planned, with no
        start of its own, not a post (a post is dated by its `seen` day, and holds only then) and not of a type
        that holds undated (a report that a centre lies in a city says nothing of when the centre began: it
        may be one the same report plans)."""
        roles = self.roles()
        start, _, seen = roles.dating(edge.type)
        return (
            edge.confidence != "inferred"
            and not seen
            and not self.held_undated_type(edge)
            and not roles.is_planned(edge.qualifiers)
            and all(edge.qualifiers.get(k) is None for k in start)
        )

    def reported(self, edge: Edge) -> str | None:
        """The date of the first dated source that reports `edge` (the earliest to end, a day before its month
        or year), for a relation that nothing else dates (`reportable`): it had begun by then. None otherwise."""
        if not self.reportable(edge):
            return None
        if edge.rowid not in self._reported:
            self.learn_reported([edge])
        return self._reported[edge.rowid]

    def learn_reported(self, edges: Iterable[Edge]) -> None:
        """Read, in a few statements, the first report of each of `edges` that `reported` will be asked of."""
        owners = sorted({e.rowid for e in edges if e.rowid not in self._reported and self.reportable(e)})
        self._reported.update((rowid, None) for rowid in owners)
        for rowid, day in self.cited_dates("relation", owners):
            first, ends = self._reported[rowid], period_end(day)
            if ends is not None and (first is None or ends < (period_end(first) or "")):
                self._reported[rowid] = day
