"""Raw YAML records + schema -> a typed KnowledgeBase and every problem found (not just the first)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ipkb.load import Mapping
from ipkb.model import Citation, EntityRecord, Fact, KnowledgeBase, Position, Problem, RelationRecord
from ipkb.schema import Schema

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_PATTERN = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
ENTITY_KEYS = (
    "id",
    "type",
    "name",
    "zh",
    "pinyin",
    "aliases",
    "description",
    "attributes",
    "confidence",
    "note",
    "sources",
    "facts",
)
RELATION_KEYS = ("from", "type", "to", "confidence", "note", "sources")
FACT_KEYS = ("metric", "value", "unit", "period", "kind", "scope", "confidence", "note", "sources")
CITATION_KEYS = ("source", "quote", "via", "note")
CONFIDENCE = ("seen", "inferred")
MAX_TEXT = 10_000
FACT_KINDS = ("actual", "target")


@dataclass
class RawRecords:
    """Records read from the KB folder, by the folder they came from."""

    entities: list[tuple[str, Mapping]]
    relations: list[tuple[str, Mapping]]
    facts: list[tuple[str, Mapping]]


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


def valid_date(value: Any) -> bool:
    text = str(value)
    if not DATE_PATTERN.match(text):
        return False
    parts = [int(p) for p in text.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


@dataclass
class FileRecords:
    """The typed records of one file, in file order (duplicates across the KB are found later)."""

    entities: list[EntityRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)


class Validator:
    """The checks one record needs nothing else for: keys, types, values, citations' shape."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.problems: list[Problem] = []
        self.records = FileRecords()

    # -- helpers -------------------------------------------------------------------------------------
    def error(self, file: str, line: int, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(file, line, message, hint))

    def warn(self, file: str, line: int, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(file, line, message, hint, "warning"))

    @staticmethod
    def line(record: Mapping, key: str | None = None) -> int:
        if key is not None and key in getattr(record, "key_lines", {}):
            return record.key_lines[key]
        return getattr(record, "line", 1)

    def unknown_keys(self, file: str, record: Mapping, allowed: tuple[str, ...] | list[str], what: str) -> None:
        for key in record:
            if key not in allowed:
                self.error(
                    file,
                    self.line(record, key),
                    f"unknown key {key!r} in {what}",
                    suggest(key, allowed) or f"allowed keys: {', '.join(allowed)}",
                )

    def text(self, file: str, record: Mapping, key: str, required: bool = False) -> str | None:
        value = record.get(key)
        if value is None:
            if required:
                self.error(file, self.line(record), f"missing required key {key!r}")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(file, self.line(record, key), f"{key!r} must be text, not {type(value).__name__}")
            return None
        if isinstance(value, str) and len(value) > MAX_TEXT:
            self.error(
                file,
                self.line(record, key),
                f"{key!r} is {len(value):,} characters long",
                f"keep each text under {MAX_TEXT:,} characters",
            )
            return value[:MAX_TEXT]
        return str(value)

    def confidence(self, file: str, record: Mapping) -> str:
        value = record.get("confidence", "seen")
        if value not in CONFIDENCE:
            self.error(
                file,
                self.line(record, "confidence"),
                f"confidence must be one of {', '.join(CONFIDENCE)}",
                suggest(str(value), CONFIDENCE),
            )
            return "seen"
        return str(value)

    def citations(self, file: str, record: Mapping, required: bool, what: str) -> tuple[Citation, ...]:
        value = record.get("sources")
        if value is None or value == []:
            if required:
                self.error(
                    file,
                    self.line(record),
                    f"{what} cites no source",
                    'add sources: [{source: SOURCE-ID, quote: "exact words from it"}]',
                )
            return ()
        if not isinstance(value, list):
            self.error(
                file,
                self.line(record, "sources"),
                "'sources' must be a list of {source, quote} mappings",
                'write sources: [{source: SOURCE-ID, quote: "exact words"}]',
            )
            return ()
        out = []
        for item, line in zip(value, getattr(value, "item_lines", [self.line(record)] * len(value)), strict=False):
            if isinstance(item, str):  # shorthand: a bare source id
                out.append(Citation(item, position=Position(file, line)))
                continue
            if not isinstance(item, Mapping):
                self.error(
                    file,
                    line,
                    "a citation must be a mapping {source, quote}",
                    'write - {source: SOURCE-ID, quote: "exact words"}',
                )
                continue
            self.unknown_keys(file, item, CITATION_KEYS, "a citation")
            source = self.text(file, item, "source", required=True)
            quote = self.text(file, item, "quote")
            via = self.text(file, item, "via")
            if source:
                out.append(Citation(source, quote, via, Position(file, line)))
        return tuple(out)

    def qualifier_value(self, file: str, line: int, name: str, value: Any) -> Any:
        kind = self.schema.qualifiers[name]
        if isinstance(kind, tuple):
            if value not in kind:
                self.error(
                    file, line, f"{name} must be one of {', '.join(kind)}, not {value!r}", suggest(str(value), kind)
                )
            return value
        ok = {
            "year": isinstance(value, int) and not isinstance(value, bool) and 1800 <= value <= 2100,
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "date": valid_date(value),
            "text": isinstance(value, (str, int, float)) and not isinstance(value, bool),
        }[kind]
        if not ok:
            hint = {
                "year": "write a year as a number, e.g. 2014",
                "date": "write dates as YYYY-MM-DD, YYYY-MM or YYYY",
            }.get(kind)
            self.error(file, line, f"{name} must be a {kind}, not {value!r}", hint)
        return str(value) if kind == "date" else value

    # -- records -------------------------------------------------------------------------------------
    def entity(self, file: str, record: Mapping) -> None:
        type_name = self.text(file, record, "type", required=True)
        etype = self.schema.entity_types.get(type_name or "")
        extra = tuple(etype.fields) if etype else ()
        self.unknown_keys(file, record, ENTITY_KEYS + extra, "an entity")
        entity_id = self.text(file, record, "id", required=True)
        name = self.text(file, record, "name", required=True)
        if type_name is not None and etype is None:
            self.error(
                file,
                self.line(record, "type"),
                f"unknown entity type {type_name!r}",
                suggest(type_name, list(self.schema.entity_types)) or "declare it in schema.yaml",
            )
        if entity_id is None:
            return
        if not ID_PATTERN.match(entity_id):
            self.error(
                file,
                self.line(record, "id"),
                f"bad id {entity_id!r}",
                "ids are lower-case slugs: a-z, 0-9 and single hyphens, e.g. keqiao-ip-office",
            )
        aliases = record.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, (str, int)) for a in aliases):
            self.error(
                file,
                self.line(record, "aliases"),
                "'aliases' must be a list of text",
                "write aliases: [First Name, Second Name]",
            )
            aliases = []
        attributes = record.get("attributes") or {}
        if not isinstance(attributes, dict) or any(isinstance(v, (dict, list)) for v in attributes.values()):
            self.error(
                file,
                self.line(record, "attributes"),
                "'attributes' must map names to single values",
                "e.g. attributes: {level: prefecture}",
            )
            attributes = {}
        fields: dict[str, Any] = {}
        for key in extra:
            if key in record:
                value = self.text(file, record, key)
                if value is not None and etype and etype.fields[key] == "date" and not valid_date(value):
                    self.error(
                        file,
                        self.line(record, key),
                        f"{key} must be a date, not {value!r}",
                        "write dates as YYYY-MM-DD, YYYY-MM or YYYY",
                    )
                fields[key] = value
        is_source = etype is not None and etype.group == "source"
        sources = self.citations(file, record, required=False, what="entity")
        if not sources and not is_source and etype is not None:
            self.warn(
                file,
                self.line(record),
                f"entity {entity_id!r} cites no source for its name or description",
                "add sources: [{source: ..., quote: ...}]",
            )
        facts = record.get("facts") or []
        if not isinstance(facts, list):
            self.error(file, self.line(record, "facts"), "'facts' must be a list")
            facts = []
        for fact in facts:
            if isinstance(fact, Mapping):
                self.fact(file, fact, entity_id)
            else:
                self.error(
                    file,
                    self.line(record, "facts"),
                    "a fact must be a mapping",
                    "write each fact as metric:, value:, period:, sources: lines",
                )
        self.records.entities.append(
            EntityRecord(
                id=entity_id,
                type=type_name or "",
                name=name or entity_id,
                zh=self.text(file, record, "zh"),
                pinyin=self.text(file, record, "pinyin"),
                aliases=tuple(str(a) for a in aliases),
                description=self.text(file, record, "description"),
                attributes=dict(attributes),
                fields=fields,
                confidence=self.confidence(file, record),
                note=self.text(file, record, "note"),
                sources=sources,
                position=Position(file, self.line(record)),
            )
        )

    def fact(self, file: str, record: Mapping, entity_id: str | None) -> None:
        allowed = FACT_KEYS if entity_id is not None else ("entity", *FACT_KEYS)
        self.unknown_keys(file, record, allowed, "a fact")
        if entity_id is None:
            entity_id = self.text(file, record, "entity", required=True)
            if entity_id is None:
                return
        metric = self.text(file, record, "metric", required=True)
        if metric is not None and metric not in self.schema.metrics:
            self.error(
                file,
                self.line(record, "metric"),
                f"unknown metric {metric!r}",
                suggest(metric, list(self.schema.metrics)) or "declare it under metrics: in schema.yaml",
            )
        value = record.get("value")
        if value is None or isinstance(value, (list, dict, bool)):
            self.error(
                file,
                self.line(record, "value") if "value" in record else self.line(record),
                "a fact needs a single 'value' (a number, or text)",
            )
        kind = record.get("kind", "actual")
        if kind not in FACT_KINDS:
            self.error(
                file,
                self.line(record, "kind"),
                f"kind must be actual or target, not {kind!r}",
                suggest(str(kind), FACT_KINDS),
            )
        scope = record.get("scope") or {}
        if not isinstance(scope, dict):
            self.error(file, self.line(record, "scope"), "'scope' must map qualifier names to values")
            scope = {}
        for name in scope:
            if name not in self.schema.qualifiers:
                self.error(
                    file,
                    self.line(record, "scope"),
                    f"scope names unknown qualifier {name!r}",
                    suggest(name, list(self.schema.qualifiers)),
                )
        unit = self.text(file, record, "unit")
        if unit is None and metric in self.schema.metrics:
            unit = self.schema.metrics[metric].unit
        self.records.facts.append(
            Fact(
                entity=entity_id,
                metric=metric or "",
                value=value,
                unit=unit,
                period=self.text(file, record, "period"),
                kind=str(kind),
                scope=dict(scope),
                confidence=self.confidence(file, record),
                note=self.text(file, record, "note"),
                sources=self.citations(file, record, required=True, what="fact"),
                position=Position(file, self.line(record)),
            )
        )

    def relation(self, file: str, record: Mapping) -> None:
        type_name = self.text(file, record, "type", required=True)
        rtype = self.schema.relation_types.get(type_name or "")
        if type_name is not None and rtype is None:
            self.error(
                file,
                self.line(record, "type"),
                f"unknown relation type {type_name!r}",
                suggest(type_name, list(self.schema.relation_types)) or "declare it in schema.yaml",
            )
        allowed = RELATION_KEYS + (rtype.qualifiers if rtype else tuple(self.schema.qualifiers))
        qualifiers: dict[str, Any] = {}
        for key in record:
            if key in RELATION_KEYS:
                continue
            if key in allowed:
                qualifiers[key] = self.qualifier_value(file, self.line(record, key), key, record[key])
            elif key in self.schema.qualifiers:
                self.error(
                    file,
                    self.line(record, key),
                    f"qualifier {key!r} is not allowed on {type_name}",
                    f"{type_name} allows: {', '.join(allowed[len(RELATION_KEYS) :]) or 'none'}",
                )
            else:
                self.error(
                    file,
                    self.line(record, key),
                    f"unknown key {key!r} in a relation",
                    suggest(key, allowed) or f"allowed keys: {', '.join(allowed)}",
                )
        source_id = self.text(file, record, "from", required=True)
        target_id = self.text(file, record, "to", required=True)
        self.records.relations.append(
            RelationRecord(
                source_id=source_id or "",
                type=type_name or "",
                target_id=target_id or "",
                qualifiers=qualifiers,
                confidence=self.confidence(file, record),
                note=self.text(file, record, "note"),
                sources=self.citations(file, record, required=True, what="relation"),
                position=Position(file, self.line(record)),
            )
        )


# -- one file, then the whole KB ----------------------------------------------------------------------------
# What the KB-wide checks need of a file, as plain tuples (cheap to keep in the store and to load again, so a
# rebuild need not re-read unchanged files). Lines are within the file the summary belongs to.
EntityKey = tuple[str, str, "str | None", int]  # id, type, zh, line
RelationKey = tuple[str, str, str, str, int]  # from, type, to, qualifiers (canonical text), line
FactKey = tuple[str, int]  # entity, line
CitationKey = tuple[str, "str | None", int]  # source, via, line
Summary = tuple[list[EntityKey], list[RelationKey], list[FactKey], list[CitationKey]]


def check_file(schema: Schema, folder: str, file: str, records: list[Mapping]) -> tuple[FileRecords, list[Problem]]:
    """Type and check the records of one file (`folder` is entities, relations or facts)."""
    validator = Validator(schema)
    for record in records:
        if folder == "entities":
            validator.entity(file, record)
        elif folder == "relations":
            validator.relation(file, record)
        else:
            validator.fact(file, record, None)
    return validator.records, validator.problems


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


def merge(parts: list[FileRecords]) -> KnowledgeBase:
    """One KnowledgeBase from the files' records; of two entities with one id, the first is kept."""
    kb = KnowledgeBase()
    for part in parts:
        for entity in part.entities:
            kb.entities.setdefault(entity.id, entity)
        kb.relations += part.relations
        kb.facts += part.facts
    return kb


def validate(
    schema: Schema, raw: RawRecords, problems: list[Problem] | None = None
) -> tuple[KnowledgeBase, list[Problem]]:
    """Check every record; return the typed KB and all problems (errors and warnings)."""
    found = list(problems or [])
    parts: list[FileRecords] = []
    summaries: list[tuple[str, Summary]] = []
    for folder, pairs in (("entities", raw.entities), ("relations", raw.relations), ("facts", raw.facts)):
        by_file: dict[str, list[Mapping]] = {}
        for file, record in pairs:
            by_file.setdefault(file, []).append(record)
        for file, records in by_file.items():
            part, local = check_file(schema, folder, file, records)
            parts.append(part)
            summaries.append((file, summarize(part)))
            found += local
    found += KbChecks(schema, summaries).run()
    return merge(parts), found


def display_path(path: Path, base: Path | None = None) -> str:
    """A path as messages show it: relative to `base` (default: the working folder) when inside it."""
    try:
        return str(path.resolve().relative_to((base or Path.cwd()).resolve()))
    except ValueError:
        return str(path)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Errors first, then by file and line."""
    return sorted(problems, key=lambda p: (p.severity != "error", p.file, p.line))


def read_folder(kb: Path, base: Path | None = None) -> tuple[Schema, RawRecords, list[Problem]]:
    """Parse schema.yaml and every record file of a KB folder."""
    from ipkb.load import read_records
    from ipkb.paths import yaml_files
    from ipkb.schema import load_schema

    problems: list[Problem] = []
    files = yaml_files(kb)
    schema = load_schema(files[0], display_path(files[0], base), problems)
    raw = RawRecords([], [], [])
    buckets = {"entities": raw.entities, "relations": raw.relations, "facts": raw.facts}
    for path in files[1:]:
        shown = display_path(path, base)
        folder = path.relative_to(kb).parts[0]
        buckets[folder].extend((shown, record) for record in read_records(path, shown, problems))
    return schema, raw, problems


def validate_folder(kb: Path, base: Path | None = None) -> tuple[Schema, KnowledgeBase, list[Problem]]:
    """Read and check a KB folder; file names in problems are relative to `base` (default: cwd)."""
    schema, raw, problems = read_folder(kb, base)
    knowledge, problems = validate(schema, raw, problems)
    return schema, knowledge, sort_problems(problems)
