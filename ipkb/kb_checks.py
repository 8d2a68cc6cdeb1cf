"""KB-wide checks over the files' summaries: unique ids, references, domains and ranges, cycles, repeats.

A summary is what these checks need of one file, as plain tuples: the store keeps it per file, so a rebuild
runs them over every file without reading unchanged files again.
"""

from __future__ import annotations

from collections import defaultdict

from ipkb.fields import suggest
from ipkb.model import EntityRecord, Fact, Position, Problem, RelationRecord
from ipkb.record_checks import FileRecords
from ipkb.schema import Schema

# What the KB-wide checks need of a file, as plain tuples (cheap to keep in the store and to load again, so a
# rebuild need not re-read unchanged files). Lines are within the file the summary belongs to.
EntityKey = tuple[str, str, "str | None", int]  # id, type, zh, line
RelationKey = tuple[str, str, str, str, int]  # from, type, to, qualifiers (canonical text), line
FactKey = tuple[str, int]  # entity, line
CitationKey = tuple[str, "str | None", int]  # source, via, line
Summary = tuple[list[EntityKey], list[RelationKey], list[FactKey], list[CitationKey]]


def summarize(records: FileRecords) -> Summary:
    def line(position: Position | None) -> int:
        return position.line if position else 1

    owners: list[EntityRecord | RelationRecord | Fact] = [*records.entities, *records.relations, *records.facts]
    citations: list[CitationKey] = [(c.source, c.via, line(c.position)) for owner in owners for c in owner.sources]
    return (
        [(e.id, e.type, e.zh, line(e.position)) for e in records.entities],
        [
            (r.source_id, r.type, r.target_id, repr(sorted(r.qualifiers.items())), line(r.position))
            for r in records.relations
        ],
        [(f.entity, line(f.position)) for f in records.facts],
        citations,
    )


class KbChecks:
    """The checks that need the whole KB: unique ids, references, domains and ranges, cycles, repeats."""

    def __init__(self, schema: Schema, summaries: list[tuple[str, Summary]]) -> None:
        self.schema = schema
        self.summaries = summaries
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
        return self.problems

    def unique_ids(self) -> None:
        first: dict[str, tuple[str, int]] = {}
        types = self.types
        for file, (entities, _, _, _) in self.summaries:
            for entity_id, entity_type, _, line in entities:
                if entity_id in first:
                    self.error(
                        file,
                        line,
                        f"duplicate id {entity_id!r} (first defined at {Position(*first[entity_id])})",
                        "ids are unique across the whole KB; rename one",
                    )
                    continue
                first[entity_id] = (file, line)
                types[entity_id] = entity_type

    def references(self) -> None:
        types = self.types
        ids: list[str] = []

        def missing(file: str, line: int, what: str, ref: str) -> None:
            if not ids:
                ids.extend(types)
            self.error(file, line, f"{what} {ref!r} does not exist", suggest(ref, ids))

        relation_types = self.schema.relation_types
        source_types = {n for n, t in self.schema.entity_types.items() if t.group == "source"}
        # relation type -> (types allowed at its 'from' end, at its 'to' end); a KB has few distinct pairs
        ends_ok: dict[str, set[tuple[str, str]]] = {name: set() for name in relation_types}
        for file, (_, relations, facts, citations) in self.summaries:
            for source_id, type_name, target_id, _, line in relations:
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
                            f"{type_name} cannot have a {types[ref]} ({ref}) as its '{end}' end",
                            f"its {side} is: {', '.join(sorted(allowed))}",
                        )
            for entity_id, line in facts:
                if entity_id not in types:
                    missing(file, line, "fact about entity", entity_id)
            for source, via, line in citations:
                if types.get(source) in source_types and (via is None or types.get(via) in source_types):
                    continue
                for ref in filter(None, (source, via)):
                    if ref not in types:
                        missing(file, line, "cited source", ref)
                    elif types[ref] not in source_types:
                        self.error(
                            file, line, f"{ref!r} is a {types[ref]}, not a source", "cite an entity of type source"
                        )

    def cycles(self) -> None:
        containment = {name for name, t in self.schema.relation_types.items() if t.containment}
        links: dict[str, dict[str, list[tuple[str, str, int]]]] = {name: defaultdict(list) for name in containment}
        for file, (_, relations, _, _) in self.summaries:
            for source_id, type_name, target_id, _, line in relations:
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
        first_with_zh: dict[str, str] = {}
        seen: dict[tuple[str, str, str, str], tuple[str, int]] = {}
        for file, (entities, relations, _, _) in self.summaries:
            for entity_id, _, zh, line in entities:
                if not zh:
                    continue
                if zh in first_with_zh:
                    self.warn(
                        file,
                        line,
                        f"{entity_id!r} has the same Chinese name {zh} as {first_with_zh[zh]!r}",
                        "if they are one thing, merge them",
                    )
                else:
                    first_with_zh[zh] = entity_id
            for source_id, type_name, target_id, qualifiers, line in relations:
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
