"""kb/schema.yaml -> the vocabulary: entity types, relation types, qualifiers, metrics, and their roles.

The one module that reads relation and entity type names as the code's roles (`roles:` in the YAML, see
ipkb.roles): every other module asks the roles, never names a type."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ipkb.model import Problem
from ipkb.roles import Roles
from ipkb.suggest import did_you_mean

QUALIFIER_KINDS = ("year", "date", "integer", "number", "text")


@dataclass(frozen=True)
class EntityType:
    name: str
    group: str
    description: str = ""
    fields: dict[str, str | tuple[str, ...]] = field(default_factory=dict)  # text, date, or allowed words
    colour: str | None = None  # `#rrggbb` in drawn exports (else one from the name's hash)
    zh: str | None = None  # Chinese label
    pinyin: str | None = None  # how its Chinese names are romanised: place | person (else syllable by syllable)


@dataclass(frozen=True)
class RelationType:
    name: str
    label: str
    inverse: str
    domain: frozenset[str] | None  # entity types; None means any
    range: frozenset[str] | None
    containment: bool = False
    qualifiers: tuple[str, ...] = ()
    undated_holds: bool = False  # `undated: holds`: under --as-of an undated relation holds


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str | None
    description: str = ""
    counts_relation: str | None = None
    counts_direction: str = "in"
    counts_types: frozenset[str] | None = None  # the entity types a member counted must be of; None: any


@dataclass
class Schema:
    entity_types: dict[str, EntityType] = field(default_factory=dict)
    relation_types: dict[str, RelationType] = field(default_factory=dict)
    qualifiers: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    roles: Roles = field(default_factory=Roles)

    def is_source(self, entity_type: str) -> bool:
        return entity_type in self.roles.sources


def _types_of(
    spec: Any, groups: dict[str, set[str]], where: str, line: int, problems: list[Problem], what: str = "domain/range"
) -> frozenset[str] | None:
    if spec == "any" or spec is None:
        return None
    names = [spec] if isinstance(spec, str) else list(spec)
    out: set[str] = set()
    for name in names:
        if name in groups:
            out |= groups[name]
        else:
            problems.append(Problem(where, line, f"unknown entity type or group {name!r} in {what}"))
    return frozenset(out)


TOP_KEYS = ("version", "entity_types", "entity_fields", "qualifiers", "relation_types", "metrics", "roles")
ENTITY_TYPE_KEYS = ("group", "description", "fields", "colour", "zh", "pinyin")
ROLE_KEYS = (
    "location",
    "hosted_at",
    "designation",
    "office",
    "start",
    "end",
    "seen",
    "planned",
    "announced",
    "places",
    "sources",
)
PINYIN_STYLES = ("place", "person")
RELATION_TYPE_KEYS = ("label", "inverse", "domain", "range", "containment", "qualifiers", "description", "undated")
METRIC_KEYS = ("unit", "description", "counts")
COUNTS_KEYS = ("relation", "direction", "types")


def _check_keys(spec: Any, allowed: tuple[str, ...], what: str, display: str, problems: list[Problem]) -> None:
    """Unknown keys in the schema are errors: a typo (or a comma inside a {flow: mapping}) would be lost."""
    if not isinstance(spec, dict):
        return
    for key in spec:
        if key in allowed:
            continue
        close = did_you_mean(str(key), allowed)
        if close:
            hint = close
        elif " " in str(key) or str(key)[:1].isdigit():
            hint = "a comma inside {...} splits the value: put the text in quotes"
        else:
            hint = f"allowed keys: {', '.join(allowed)}"
        line = getattr(spec, "key_lines", {}).get(key, getattr(spec, "line", 1))
        problems.append(Problem(display, line, f"unknown key {key!r} in {what}", hint))


def parse_schema(data: Any, display: str, problems: list[Problem]) -> Schema:
    schema = Schema()
    if not isinstance(data, dict):
        problems.append(
            Problem(
                display, 1, "schema.yaml must be a mapping with entity_types, relation_types, qualifiers and metrics"
            )
        )
        return schema
    _check_keys(data, TOP_KEYS, "schema.yaml", display, problems)
    sections = (("entity_types", ENTITY_TYPE_KEYS), ("relation_types", RELATION_TYPE_KEYS), ("metrics", METRIC_KEYS))
    for section, allowed in sections:
        for name, spec in (data.get(section) or {}).items():
            _check_keys(spec, allowed, f"{section[:-1].replace('_', ' ')} {name!r}", display, problems)
            if section == "metrics" and isinstance(spec, dict):
                _check_keys(spec.get("counts"), COUNTS_KEYS, f"the counts of metric {name!r}", display, problems)

    def line_of(mapping: Any, key: str) -> int:
        return int(getattr(mapping, "key_lines", {}).get(key, getattr(mapping, "line", 1)))

    groups: dict[str, set[str]] = {}
    common = data.get("entity_fields") or {}  # the fields every entity type has, as a type's `fields:`
    if not isinstance(common, dict):
        line = line_of(data, "entity_fields")
        problems.append(Problem(display, line, "entity_fields must map field names to text, date or a list of words"))
        common = {}
    for name, spec in (data.get("entity_types") or {}).items():
        spec = spec if isinstance(spec, dict) else {}
        group = str(spec.get("group", name))
        fields = {
            str(k): tuple(str(x) for x in v) if isinstance(v, list) else str(v)
            for k, v in {**common, **(spec.get("fields") or {})}.items()
        }
        shown = {key: str(spec[key]) if spec.get(key) is not None else None for key in ("colour", "zh", "pinyin")}
        where = line_of(data["entity_types"], name)
        if shown["colour"] is not None and not re.fullmatch(r"#[0-9a-fA-F]{6}", shown["colour"]):
            problems.append(Problem(display, where, f"entity type {name!r}: colour {shown['colour']!r} is not #rrggbb"))
        if shown["pinyin"] is not None and shown["pinyin"] not in PINYIN_STYLES:
            problems.append(
                Problem(display, where, f"entity type {name!r}: pinyin must be one of {', '.join(PINYIN_STYLES)}")
            )
        schema.entity_types[name] = EntityType(
            name, group, str(spec.get("description", "")), fields, shown["colour"], shown["zh"], shown["pinyin"]
        )
        groups.setdefault(name, set()).add(name)
        groups.setdefault(group, set()).add(name)

    for name, kind in (data.get("qualifiers") or {}).items():
        if isinstance(kind, list):
            schema.qualifiers[name] = tuple(str(k) for k in kind)
        elif kind in QUALIFIER_KINDS:
            schema.qualifiers[name] = str(kind)
        else:
            problems.append(
                Problem(
                    display,
                    line_of(data["qualifiers"], name),
                    f"qualifier {name!r} has unknown kind {kind!r}",
                    f"use one of {', '.join(QUALIFIER_KINDS)} or a list of words",
                )
            )

    relation_specs = data.get("relation_types") or {}
    for name, spec in relation_specs.items():
        line = line_of(relation_specs, name)
        if not isinstance(spec, dict) or "label" not in spec:
            problems.append(Problem(display, line, f"relation type {name!r} needs at least a label"))
            continue
        qualifiers = tuple(spec.get("qualifiers") or ())
        for q in qualifiers:
            if q not in schema.qualifiers:
                problems.append(
                    Problem(
                        display,
                        line,
                        f"relation type {name!r} allows unknown qualifier {q!r}",
                        "declare it under `qualifiers:`",
                    )
                )
        schema.relation_types[name] = RelationType(
            name=name,
            label=str(spec["label"]),
            inverse=str(spec.get("inverse") or f"{spec['label']} (inverse)"),
            domain=_types_of(spec.get("domain"), groups, display, line, problems),
            range=_types_of(spec.get("range"), groups, display, line, problems),
            containment=bool(spec.get("containment", False)),
            qualifiers=qualifiers,
            undated_holds=_undated_holds(spec, name, display, line, problems),
        )

    metric_specs = data.get("metrics") or {}
    for name, spec in metric_specs.items():
        spec = spec if isinstance(spec, dict) else {}
        counts = spec.get("counts") or {}
        relation = counts.get("relation") if isinstance(counts, dict) else None
        if relation is not None and relation not in schema.relation_types:
            problems.append(
                Problem(
                    display, line_of(metric_specs, name), f"metric {name!r} counts unknown relation type {relation!r}"
                )
            )
        types = counts.get("types") if isinstance(counts, dict) else None
        schema.metrics[name] = Metric(
            name,
            spec.get("unit"),
            str(spec.get("description", "")),
            relation,
            str(counts.get("direction", "in")) if isinstance(counts, dict) else "in",
            None
            if types is None
            else _types_of(types, groups, display, line_of(metric_specs, name), problems, "counts"),
        )
    if not schema.entity_types:
        problems.append(Problem(display, 1, "schema.yaml declares no entity_types"))
    schema.roles = _roles(data.get("roles"), schema, groups, display, problems)
    return schema


def load_schema(path: Path, display: str, problems: list[Problem], data: bytes | None = None) -> Schema:
    """The schema (from `data`, its bytes, when already read), with its problems appended. An unreadable or
    empty file gives one problem, not two."""
    from ipkb.build.load import read_yaml

    before = len(problems)
    data = read_yaml(path, display, problems, data)
    if data is None:
        if len(problems) == before:
            problems.append(
                Problem(
                    display,
                    1,
                    "schema.yaml is empty",
                    "it declares the KB's entity_types, qualifiers, relation_types and metrics: restore it",
                )
            )
        return Schema()
    return parse_schema(data, display, problems)


def schema_broken(problems: list[Problem], display: str) -> bool:
    """True when schema.yaml has an error: records are not checked against a broken vocabulary (every one
    of them would fail), so the schema's own errors are all that is reported."""
    return any(p.file == display and p.severity == "error" for p in problems)


def _undated_holds(spec: Any, name: str, display: str, line: int, problems: list[Problem]) -> bool:
    """`undated: holds` (an undated relation of this type holds at any date) or `unknown`, the default."""
    value = spec.get("undated", "unknown")
    if value not in ("holds", "unknown"):
        problems.append(
            Problem(display, line, f"relation type {name!r}: undated must be 'holds' or 'unknown', not {value!r}")
        )
    return bool(value == "holds")


def _roles(spec: Any, schema: Schema, groups: dict[str, set[str]], display: str, problems: list[Problem]) -> Roles:
    """`roles:` -> Roles, each role checked to name what the schema declares (a KB without roles has none)."""
    spec = spec if isinstance(spec, dict) else {}
    _check_keys(spec, ROLE_KEYS, "roles", display, problems)

    def line(key: str) -> int:
        return int(getattr(spec, "key_lines", {}).get(key, getattr(spec, "line", 1)))

    def relation(key: str) -> str | None:
        name = spec.get(key)
        if name is not None and name not in schema.relation_types:
            problems.append(Problem(display, line(key), f"roles: {key} names unknown relation type {name!r}"))
            return None
        return None if name is None else str(name)

    def relations(key: str) -> tuple[str, ...]:
        found = spec.get(key) or ()
        names = tuple(str(n) for n in ([found] if isinstance(found, str) else found))
        for name in names:
            if name not in schema.relation_types:
                problems.append(Problem(display, line(key), f"roles: {key} names unknown relation type {name!r}"))
        return tuple(n for n in names if n in schema.relation_types)

    def qualifiers(key: str) -> tuple[str, ...]:
        names = tuple(str(q) for q in spec.get(key) or ())
        for q in names:
            if q not in schema.qualifiers:
                problems.append(Problem(display, line(key), f"roles: {key} names unknown qualifier {q!r}"))
        return names

    def types(key: str) -> frozenset[str]:
        found = spec.get(key) or ()
        return (
            _types_of([found] if isinstance(found, str) else found, groups, display, line(key), problems) or frozenset()
        )

    def marker(key: str) -> tuple[str, str] | None:
        """A role that marks relations by one word of a qualifier: `planned: {status: planned}`."""
        if isinstance(spec.get(key), dict) and len(spec[key]) == 1:
            ((qualifier, value),) = spec[key].items()
            allowed = schema.qualifiers.get(qualifier)
            if not isinstance(allowed, tuple) or value not in allowed:
                message = f"roles: {key} {qualifier}: {value} is not a word of that qualifier"
                problems.append(Problem(display, line(key), message))
            return (str(qualifier), str(value))
        if spec.get(key) is not None:
            message = f"roles: {key} must be {{qualifier: value}}, e.g. {{status: {key}}}"
            problems.append(Problem(display, line(key), message))
        return None

    kinds = schema.entity_types.values()
    return Roles(
        location=relation("location"),
        hosted_at=relations("hosted_at"),
        designation=relation("designation"),
        office=relation("office"),
        start=qualifiers("start"),
        end=qualifiers("end"),
        seen=qualifiers("seen"),
        planned=marker("planned"),
        announced=marker("announced"),
        places=types("places"),
        sources=types("sources"),
        colours={t.name: t.colour for t in kinds if t.colour},
        pinyin={t.name: t.pinyin for t in kinds if t.pinyin},
        zh={t.name: t.zh for t in kinds if t.zh},
    )
