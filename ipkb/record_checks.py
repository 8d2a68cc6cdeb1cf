"""Per-record checks: one YAML record + the schema -> a typed record and the problems it has on its own.

Nothing here looks beyond the record: ids unique across the KB, references and cycles are `kb_checks`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from ipkb.load import Mapping
from ipkb.model import Citation, EntityRecord, Fact, Position, Problem, RelationRecord
from ipkb.schema import Schema
from ipkb.values import valid_date

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
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


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


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
