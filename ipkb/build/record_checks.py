"""Per-record checks: one YAML record + the schema -> a typed record and the problems it has on its own.

Nothing here looks beyond the record: ids unique across the KB, references and cycles are `kb_checks`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from dataclasses import fields as attributes_of
from typing import TYPE_CHECKING

from ipkb.build.fields import NOTES, FieldChecks
from ipkb.build.han_script import HAN, comparable, quoted
from ipkb.build.load import Mapping, Sequence
from ipkb.build.schema import Schema
from ipkb.build.values import number_as_text, period_problem, valid_date
from ipkb.figures import BOUNDS
from ipkb.model import ENTITY_TEXTS, Citation, EntityRecord, Fact, FormerName, Position, Problem, RelationRecord
from ipkb.suggest import did_you_mean
from ipkb.timeframe import period_end

if TYPE_CHECKING:
    from ipkb.shapes import Attributes, Qualifiers

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)  # with fullmatch: "x\n" is no id
# The keys an entity may have, in the order `allowed keys:` lists them: EntityRecord's attributes but `fields`
# (the keys its type declares in the schema, allowed by type) and `position`, with `facts` after `sources` and the
# curator-only texts (fields.CURATOR_TEXTS) after `note`.
_KEYS_OF = {"fields": (), "position": (), "note": NOTES, "sources": ("sources", "facts")}  # attribute -> its keys
ENTITY_KEYS = tuple(
    key for attribute in attributes_of(EntityRecord) for key in _KEYS_OF.get(attribute.name, (attribute.name,))
)
# Its plain texts (ipkb.model.ENTITY_TEXTS) and its confidence, checked in the order of its attributes: problems
# on one line (a flow mapping) are listed in the order they are found.
ENTITY_CHECKED = tuple(a.name for a in attributes_of(EntityRecord) if a.name in (*ENTITY_TEXTS, "confidence"))
FORMER_NAME_KEYS = ("name", "zh", "until", "sources")
RELATION_KEYS = ("from", "type", "to", "confidence", *NOTES, "sources")
FACT_KEYS = ("metric", "value", "bound", "unit", "period", "kind", "scope", "confidence", *NOTES, "sources", "conflict")
FACT_KINDS = ("actual", "target")


@dataclass
class FileRecords:
    """The typed records of one file, in file order (duplicates across the KB are found later)."""

    entities: list[EntityRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)


class Validator(FieldChecks):
    """The checks one record needs nothing else for: keys, types, values, citations' shape."""

    def __init__(self, schema: Schema) -> None:
        super().__init__(schema)
        self.records = FileRecords()

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
                did_you_mean(type_name, list(self.schema.entity_types)) or "declare it in schema.yaml",
            )
        if entity_id is None:
            return
        if not ID_PATTERN.fullmatch(entity_id):
            self.error(
                file,
                self.line(record, "id"),
                f"bad id {entity_id!r}",
                "ids are lower-case slugs: a-z, 0-9 and single hyphens, e.g. keqiao-ip-office"
                + ("; remove the space or line break at its end" if entity_id != entity_id.rstrip() else ""),
            )
        if name is not None and not name.strip():
            self.error(file, self.line(record, "name"), "'name' is empty", "give the entity its English name")
        aliases = record.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, (str, int)) for a in aliases):
            self.error(
                file,
                self.line(record, "aliases"),
                "'aliases' must be a list of text",
                "write aliases: [First Name, Second Name]",
            )
            aliases = []
        aliases_line = self.line(record, "aliases")
        for alias in aliases:
            self.no_controls(file, aliases_line, "aliases", str(alias))
        attributes = record.get("attributes") or {}
        if not isinstance(attributes, dict) or any(isinstance(v, (dict, list)) for v in attributes.values()):
            self.error(
                file,
                self.line(record, "attributes"),
                "'attributes' must map names to single values",
                "e.g. attributes: {level: prefecture}",
            )
            attributes = {}
        line = self.line(record, "attributes")
        for key, value in attributes.items():
            self.no_controls(file, line, "attributes", str(key))
            if value is None:  # `{status: built, awaiting acceptance}`: a comma ended the value, the rest is a key
                hint = 'quote a value that holds a comma: {status: "built, awaiting acceptance"}'
                self.error(file, line, f"attribute {key!r} has no value", hint)
            elif isinstance(value, str):
                self.no_controls(file, line, f"attribute {key}", value)
            elif not self.finite(file, line, f"attribute {key}", value):
                attributes = {k: v for k, v in attributes.items() if k != key}
        fields: Attributes = {}
        for key in extra:
            if key not in record:
                continue
            kind = etype.fields[key] if etype is not None else "text"
            fields[key] = self.date(file, record, key) if kind == "date" else self.text(file, record, key)
            if isinstance(kind, tuple) and fields[key] is not None and fields[key] not in kind:
                message = f"{key} must be one of {', '.join(kind)}, not {fields[key]!r}"
                self.error(file, self.line(record, key), message, did_you_mean(str(fields[key]), kind))
        since, until = self.date(file, record, "since"), self.date(file, record, "until")
        self.in_order(file, self.line(record, "until"), since, until)
        former_names = self.former_names(file, record)
        is_source = etype is not None and self.schema.is_source(etype.name)
        sources = self.citations(file, record, required=False, what="entity")
        if not sources and not is_source and etype is not None:
            self.warn(
                file,
                self.line(record),
                f"entity {entity_id!r} cites no source for its name or description",
                "add sources: [{source: ..., quote: ...}]",
            )
        if not is_source:
            self.chinese_names_quoted(file, record, sources, former_names)
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
        texts: dict[str, str | None] = {}
        confidence = "seen"
        for key in ENTITY_CHECKED:
            if key == "confidence":
                confidence = self.confidence(file, record)
            else:
                texts[key] = self.text(file, record, key)
        self.curator_texts(file, record)
        self.records.entities.append(
            EntityRecord(
                id=entity_id,
                type=type_name or "",
                name=name or entity_id,
                aliases=tuple(str(a) for a in aliases),
                attributes=dict(attributes),
                fields=fields,
                confidence=confidence,
                sources=sources,
                position=Position(file, self.line(record)),
                since=since,
                until=until,
                former_names=former_names,
                **texts,
            )
        )

    def former_names(self, file: str, record: Mapping) -> tuple[FormerName, ...]:
        """`former_names`: [{name, zh, until, sources}], each name cited, each with the date it ended."""
        value = record.get("former_names")
        if value is None:
            return ()
        hint = "write former_names: [{name: Old Name, until: 2018-03, sources: [{source: ..., quote: ...}]}]"
        if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
            self.error(file, self.line(record, "former_names"), "'former_names' must be a list of mappings", hint)
            return ()
        out = []
        for item in value:
            self.unknown_keys(file, item, FORMER_NAME_KEYS, "a former name")
            name = self.text(file, item, "name", required=True)
            until = self.date(file, item, "until")
            if "until" not in item:
                self.error(file, self.line(item), "a former name needs 'until': the date it stopped being used", hint)
            sources = self.citations(file, item, required=True, what="a former name")
            if name and name.strip() and until is not None:
                out.append(FormerName(name, until, self.text(file, item, "zh"), sources))
        return tuple(sorted(out, key=lambda f: period_end(f.until) or ""))

    def chinese_names_quoted(
        self, file: str, record: Mapping, sources: tuple[Citation, ...], former_names: tuple[FormerName, ...]
    ) -> None:
        """A Chinese name (zh, alias, a former name's zh) is shown as the entity's official or known name, so
        one of the entity's quotes must give it: a name no source writes is an invention. Full- and half-width
        brackets, curly and straight quotation marks and spaces do not count (sources mix them), nor does the
        script: a quote in traditional characters gives the same name in simplified ones (han_script), and
        the reverse."""
        quotes = [comparable(c.quote) for c in sources if c.quote]
        zh = record.get("zh")  # read raw: a zh that is not text has its error already
        named = [("zh", zh)] if isinstance(zh, str) else []
        aliases = record.get("aliases")
        named += [("aliases", str(a)) for a in aliases if isinstance(a, str)] if isinstance(aliases, list) else []
        for key, text in named:
            if text and HAN.search(text) and not quoted(comparable(text), quotes):
                line = self.line(record, key)
                if key == "aliases" and isinstance(aliases, Sequence):
                    line = aliases.item_lines[aliases.index(text)]
                hint = "cite a source whose quote gives it (sources: [{source: ..., quote: ...}]), or remove it"
                self.warn(file, line, f"the Chinese name {text!r} is in none of this entity's quotes", hint)
        for former in former_names:
            own = [comparable(c.quote) for c in former.sources if c.quote]
            if former.zh and HAN.search(former.zh) and not quoted(comparable(former.zh), own + quotes):
                hint = "cite a source whose quote gives it under the former name's sources, or remove it"
                message = f"the former Chinese name {former.zh!r} is in none of this entity's quotes"
                self.warn(file, self.line(record, "former_names"), message, hint)

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
                did_you_mean(metric, list(self.schema.metrics)) or "declare it under metrics: in schema.yaml",
            )
        value = record.get("value")
        if value is None or isinstance(value, (list, dict, bool)):
            self.error(
                file,
                self.line(record, "value") if "value" in record else self.line(record),
                "a fact needs a single 'value' (a number, or text)",
            )
        elif isinstance(value, str):
            self.no_controls(file, self.line(record, "value"), "value", value)
            if (hint := number_as_text(value)) is not None:
                self.error(file, self.line(record, "value"), f"the value {value!r} is a number written as text", hint)
        elif not self.finite(file, self.line(record, "value"), "the value", value):
            value = None
        bound = self.text(file, record, "bound")
        if bound is not None and bound not in BOUNDS:
            message = f"bound must be one of {', '.join(BOUNDS)}, not {bound!r}"
            self.error(file, self.line(record, "bound"), message, did_you_mean(bound, list(BOUNDS)))
            bound = None
        elif bound is not None and not isinstance(value, (int, float)):
            hint = "write the number as value (600) and the words as bound (more_than)"
            self.error(file, self.line(record, "bound"), "a bound needs a number as its value", hint)
            bound = None
        kind = record.get("kind", "actual")
        if kind not in FACT_KINDS:
            self.error(
                file,
                self.line(record, "kind"),
                f"kind must be actual or target, not {kind!r}",
                did_you_mean(str(kind), FACT_KINDS),
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
                    did_you_mean(name, list(self.schema.qualifiers)),
                )
        period = self.text(file, record, "period")
        wrong = period_problem(period) if period is not None else None
        if wrong:
            self.error(
                file, self.line(record, "period"), wrong, "write YYYY, YYYY-MM, YYYY-MM-DD or START/END, e.g. 2021/2025"
            )
        note = self.text(file, record, "note")
        self.curator_texts(file, record)
        conflict = record.get("conflict", False)
        if not isinstance(conflict, bool):
            self.error(file, self.line(record, "conflict"), f"conflict must be true or false, not {conflict!r}")
            conflict = False
        elif conflict and not (note or "").strip():
            self.error(
                file,
                self.line(record, "conflict"),
                "a fact marked conflict: true needs a note",
                "say in note: which sources disagree and why both figures are kept",
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
                period=period,
                kind=str(kind),
                bound=bound,
                scope=dict(scope),
                confidence=self.confidence(file, record),
                note=note,
                sources=self.citations(file, record, required=True, what="fact"),
                position=Position(file, self.line(record)),
                conflict=conflict,
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
                did_you_mean(type_name, list(self.schema.relation_types)) or "declare it in schema.yaml",
            )
        allowed = RELATION_KEYS + (rtype.qualifiers if rtype else tuple(self.schema.qualifiers))
        qualifiers: Qualifiers = {}
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
                    did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}",
                )
        since, until = qualifiers.get("since"), qualifiers.get("until")  # most relations have neither
        if since is not None and until is not None and valid_date(since) and valid_date(until):
            self.in_order(file, self.line(record, "until"), since, until)
        source_id = self.text(file, record, "from", required=True)
        target_id = self.text(file, record, "to", required=True)
        self.curator_texts(file, record)
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
