"""KB-wide checks over the files' summaries (ipkb.build.summary): unique ids, references, domains and ranges,
cycles, repeats, Chinese-name twins, one value per fact key, lifespans, source dates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from ipkb.build.schema import Schema
from ipkb.build.summary import Summary
from ipkb.model import Position, Problem
from ipkb.suggest import did_you_mean
from ipkb.text import a_or_an, counted
from ipkb.timeframe import period_end, period_start


class KbChecks:
    """The checks that need the whole KB: unique ids, references, domains and ranges, cycles, repeats."""

    def __init__(
        self,
        schema: Schema,
        summaries: list[tuple[str, Summary]],
        every_id: Callable[[], list[str]] | None = None,
        unread: dict[str, int] | None = None,
    ) -> None:
        """`every_id` lists the ids a "did you mean" chooses from, when `summaries` are not the whole KB;
        `unread` are the files none of whose records could be read (a YAML syntax error), each with the line of
        its first error: their ids are unknown, so a reference to an id that does not exist is not an error
        of its own then, but counted in one message at that line (see `references`)."""
        self.schema = schema
        self.summaries = summaries
        self.every_id = every_id
        self.unread = unread or {}
        self.problems: list[Problem] = []
        self.types: dict[str, str] = {}  # entity id -> type, first definition wins

    def error(self, file: str, line: int, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(file, line, message, hint))

    def warn(self, file: str, line: int, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(file, line, message, hint, "warning"))

    def run(self) -> list[Problem]:
        self.unique_ids()
        self.references()
        self.cycles()
        self.consistency()
        self.one_record_per_page()
        self.facts_agree()
        self.lifespans()
        self.source_dates()
        return self.problems

    def unique_ids(self) -> None:
        first: dict[str, tuple[str, int]] = {}
        types = self.types
        for file, (entities, _, _, _) in self.summaries:
            for entity_id, entity_type, _, line, *_ in entities:
                if entity_id in first:  # said at both places: the one a user just added may be either
                    hint = "ids are unique across the whole KB; rename one"
                    where = Position(*first[entity_id])
                    self.error(file, line, f"duplicate id {entity_id!r} (first defined at {where})", hint)
                    again = f"duplicate id {entity_id!r} (defined again at {Position(file, line)})"
                    self.error(where.file, where.line, again, hint)
                    continue
                first[entity_id] = (file, line)
                types[entity_id] = entity_type

    def references(self) -> None:
        types = self.types
        ids: list[str] = []
        unknown: dict[str, int] = {}  # with a file unread: id not found -> how many references

        def missing(file: str, line: int, what: str, ref: str) -> None:
            if self.unread:
                unknown[ref] = unknown.get(ref, 0) + 1
                return
            if not ids:
                ids.extend(self.every_id() if self.every_id else types)
            self.error(file, line, f"{what} {ref!r} does not exist", did_you_mean(ref, ids))

        relation_types = self.schema.relation_types
        source_types = self.schema.roles.sources
        # relation type -> (types allowed at its 'from' end, at its 'to' end); a KB has few distinct pairs
        ends_ok: dict[str, set[tuple[str, str]]] = {name: set() for name in relation_types}
        for file, (_, relations, facts, citations) in self.summaries:
            for source_id, type_name, target_id, _, line, *_ in relations:
                pair = (types.get(source_id), types.get(target_id))
                if pair in ends_ok.get(type_name, ()):  # the common case, checked once per pair of types
                    continue
                rtype = relation_types.get(type_name)
                if (
                    rtype
                    and pair[0] is not None
                    and pair[1] is not None
                    and (rtype.domain is None or pair[0] in rtype.domain)
                    and (rtype.range is None or pair[1] in rtype.range)
                ):
                    ends_ok[type_name].add((pair[0], pair[1]))
                    continue
                for end, ref, allowed in (
                    ("from", source_id, rtype.domain if rtype else None),
                    ("to", target_id, rtype.range if rtype else None),
                ):
                    if not ref:
                        continue
                    if ref not in types:
                        missing(file, line, f"relation {end}: entity", ref)
                    elif allowed is not None and types[ref] not in allowed:
                        side = "domain" if end == "from" else "range"
                        self.error(
                            file,
                            line,
                            f"{type_name} cannot have {a_or_an(types[ref])} ({ref}) as its '{end}' end",
                            f"its {side} is: {', '.join(sorted(allowed))}",
                        )
            for entity_id, line, *_ in facts:
                if entity_id not in types:
                    missing(file, line, "fact about entity", entity_id)
            for source, via, line, _ in citations:
                if types.get(source) in source_types and (via is None or types.get(via) in source_types):
                    continue
                for ref in filter(None, (source, via)):
                    if ref not in types:
                        missing(file, line, "cited source", ref)
                    elif types[ref] not in source_types:
                        said = f"{ref!r} is {a_or_an(types[ref])}, not a source"
                        self.error(file, line, said, "cite an entity of type source")

        if unknown:  # one message, not one per reference to each id the unread files may define
            named = ", ".join(sorted(unknown)[:5]) + (", ..." if len(unknown) > 5 else "")
            for file, line in self.unread.items():
                self.error(
                    file,
                    line,
                    f"{counted(sum(unknown.values()), 'reference')} to {counted(len(unknown), 'id')} not found "
                    f"({named}) were not checked: errors keep every record of this file out, and it may define them",
                    "fix this file first; the next build checks those references",
                )

    def cycles(self) -> None:
        containment = {name for name, t in self.schema.relation_types.items() if t.containment}
        links: dict[str, dict[str, list[tuple[str, str, int]]]] = {name: defaultdict(list) for name in containment}
        for file, (_, relations, _, _) in self.summaries:
            for source_id, type_name, target_id, _, line, *_ in relations:
                if type_name in containment:
                    links[type_name][source_id].append((target_id, file, line))
        for type_name in sorted(containment):
            self.cycles_of(type_name, links[type_name])

    def cycles_of(self, type_name: str, edges: dict[str, list[tuple[str, str, int]]]) -> None:
        """Depth-first search from every node; each edge is (target, file, line)."""
        state: dict[str, int] = {}  # 1 = on the stack, 2 = done
        for start in sorted(edges):
            if state.get(start):
                continue
            stack: list[tuple[str, int]] = [(start, 0)]
            path: list[str] = []
            taken: list[tuple[str, str, Position]] = []  # taken[i] leads from path[i] to path[i + 1]
            while stack:
                node, index = stack.pop()
                if index == 0:
                    state[node] = 1
                    path.append(node)
                out = edges.get(node, [])
                if index < len(out):
                    stack.append((node, index + 1))
                    nxt, file, line = out[index]
                    if state.get(nxt) == 1:
                        self.cycle_found(type_name, [*taken[path.index(nxt) :], (node, nxt, Position(file, line))])
                    elif not state.get(nxt):
                        taken.append((node, nxt, Position(file, line)))
                        stack.append((nxt, 0))
                else:
                    state[node] = 2
                    path.pop()
                    if taken and len(taken) >= len(path):
                        taken.pop()

    def cycle_found(self, relation_type: str, cycle: list[tuple[str, str, Position]]) -> None:
        """One error per loop, at its closing link, naming every link so the curator can choose which to cut."""
        names = " -> ".join([*(start for start, _, _ in cycle), cycle[0][0]])
        where = ", ".join(str(position) for _, _, position in cycle)
        closing = cycle[-1][2]
        self.error(
            closing.file,
            closing.line,
            f"{relation_type} cycle: {names}",
            f"{relation_type} must not loop back; remove one of the links at {where}",
        )

    def consistency(self) -> None:
        """Two entities with one Chinese name: an error if they are of one type and neither has a note saying how
        they differ, else a warning (for different types); a relation stated twice: a warning."""
        with_zh: dict[str, list[tuple[str, str, bool, Position]]] = {}
        seen: dict[tuple[str, str, str, str], tuple[str, int]] = {}
        for file, (entities, relations, _, _) in self.summaries:
            for entity_id, entity_type, zh, line, noted, *_ in entities:
                if not zh:
                    continue
                earlier = with_zh.setdefault(zh, [])
                twin = next((e for e in earlier if e[1] == entity_type), None)
                if twin is not None and not (noted or twin[2]):
                    self.error(
                        file,
                        line,
                        f"{entity_id!r} has the same Chinese name {zh} and type {entity_type} "
                        f"as {twin[0]!r} ({twin[3]})",
                        "if they are one thing, merge them; if not, say in a note: how they differ",
                    )
                elif twin is None and earlier:
                    self.warn(
                        file,
                        line,
                        f"{entity_id!r} has the same Chinese name {zh} as {earlier[0][0]!r}",
                        "if they are one thing, merge them",
                    )
                earlier.append((entity_id, entity_type, noted, Position(file, line)))
            for source_id, type_name, target_id, qualifiers, line, *_ in relations:
                key = (source_id, type_name, target_id, qualifiers)
                first = seen.get(key)
                if first is None:
                    seen[key] = (file, line)
                else:
                    self.warn(
                        file,
                        line,
                        f"relation repeats the one at {Position(*first)}",
                        "merge their sources into one relation",
                    )

    def one_record_per_page(self) -> None:
        """Two sources with one address are one page recorded twice: a reader would see two footnotes for it."""
        first: dict[str, tuple[str, Position]] = {}
        for file, (entities, _, _, _) in self.summaries:
            for entity_id, _, _, line, *_, url in entities:
                if not url:
                    continue
                earlier = first.setdefault(url.strip().rstrip("/"), (entity_id, Position(file, line)))
                if earlier[0] != entity_id:
                    self.warn(
                        file,
                        line,
                        f"{entity_id!r} has the same address as {earlier[0]!r} ({earlier[1]}): {url}",
                        "one page is one source: keep one of the two ids and cite it instead of the other",
                    )

    def facts_agree(self) -> None:
        """One value per entity, metric, period, scope, kind (and unit: a figure in another unit is another
        measure, e.g. funds by level of government), unless every disagreeing fact says conflict: true."""
        first: dict[tuple[str, str, str | None, str, str, str | None], tuple[str, int, str, bool]] = {}
        for file, (_, _, facts, _) in self.summaries:
            for entity, line, metric, period, scope, kind, unit, value, conflict in facts:
                key = (entity, metric, period, scope, kind, unit)
                seen = first.setdefault(key, (file, line, value, conflict))
                if seen[2] == value or (conflict and seen[3]):
                    continue
                self.error(
                    file,
                    line,
                    f"{entity} {metric} ({kind}, period {period or 'none'}) is {value} here, "
                    f"but {seen[2]} at {Position(seen[0], seen[1])}",
                    "keep the figure the better source gives; if both must stay, mark each fact conflict: true "
                    "and say in its note which sources disagree",
                )

    def lifespans(self) -> None:
        """A relation dated outside the lifespan (since/until) of an entity it links: a warning."""
        spans = {
            e[0]: (e[5], e[6], period_start(e[5]) or "", period_end(e[6]) or "9999")
            for _, (entities, _, _, _) in self.summaries
            for e in entities
            if e[5] or e[6]
        }
        if not spans:
            return
        for file, (_, relations, _, _) in self.summaries:
            for source_id, _, target_id, _, line, date, _ in relations:
                if date is None or (source_id not in spans and target_id not in spans):
                    continue
                start, end = period_start(date) or "", period_end(date) or "9999"
                for entity_id in dict.fromkeys((source_id, target_id)):
                    since, until, first, last = spans.get(entity_id, (None, None, "", "9999"))
                    if end < first or start > last:
                        self.warn(
                            file,
                            line,
                            f"relation dated {date} lies outside the lifespan of {entity_id!r} "
                            f"(since {since or '?'}, until {until or '?'})",
                            "check the relation's date, or the entity's since/until",
                        )

    def source_dates(self) -> None:
        """A source dated before the claim it backs begins could not have reported it: a warning."""
        published = {
            e[0]: (e[7], period_end(e[7]) or "")
            for _, (entities, _, _, _) in self.summaries
            for e in entities
            if e[7] and self.types.get(e[0]) == e[1]
        }
        for file, (_, _, _, citations) in self.summaries:
            for source, _, line, claim in citations:
                if claim is None or source not in published:
                    continue
                date, last = published[source]
                if last < (period_start(claim) or ""):
                    self.warn(
                        file,
                        line,
                        f"source {source!r} is dated {date}, before the claim it backs begins ({claim})",
                        "a source cannot report what happened after it was published: cite a later source, "
                        "or correct the claim's date or the source's",
                    )
