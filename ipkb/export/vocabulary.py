"""The RDF vocabulary of a Turtle export: every class and property of ipkb's own, declared.

Classes: `vocab:Entity` (every entity), one `type:<Type>` per entity type of the schema (a subclass of
it), `vocab:Fact` and `vocab:Metric`. Properties: one `rel:<type>` per relation type, with the domain and
range the schema gives (a union class when it names several types, `vocab:Entity` when any), and every
`vocab:<term>` the export uses (confidence, quote, qualifiers, attributes ...), declared after the data
with the domains it was used on and the datatypes it held. Labels are English, and Chinese where known.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

from ipkb.export.turtle import OWL, PROV, RDF, RDFS, XSD, Block, Iri, Lit, Term, Union

if TYPE_CHECKING:
    from ipkb.read.query import Store
    from ipkb.roles import Roles
    from ipkb.shapes import GraphData

TYPE, LABEL, COMMENT = Iri(RDF + "type"), Iri(RDFS + "label"), Iri(RDFS + "comment")
DOMAIN, RANGE, SUBCLASS = Iri(RDFS + "domain"), Iri(RDFS + "range"), Iri(RDFS + "subClassOf")
# Chinese labels of ipkb's own terms (the schema's entity types have theirs in kb/schema.yaml: `zh`)
ZH = {
    "Entity": "实体",
    "Fact": "数据事实",
    "Metric": "指标",
    "confidence": "可信度",
    "quote": "引文",
    "cites": "引用",
    "note": "备注",
    "metric": "指标",
    "unit": "单位",
    "bound": "数值界限",
    "period": "时期",
    "fact": "数据事实",
    "since": "起始",
    "until": "截止",
    "year": "年份",
    "rank": "排名",
    "status": "状态",
}
# Where a `vocab:` property points, when it points at a resource
OBJECT_RANGES = {"via": "type/Source", "cites": "type/Source", "fact": "vocab/Fact", "metric": "vocab/Metric"}
# The classes the mapper's domain names stand for (relative to the base, or absolute)
DOMAINS = {
    "Entity": "vocab/Entity",
    "Fact": "vocab/Fact",
    "Metric": "vocab/Metric",
    "Source": "type/Source",
    "Statement": RDF + "Statement",
    "Derivation": PROV + "Derivation",
}


class IriScheme(Protocol):
    base: str
    type: str
    relation: str
    metric: str
    vocab: str

    def of(self, namespace: str, name: str) -> Iri: ...


def schema(store: Store) -> GraphData:
    """The KB's vocabulary: entity types (with descriptions), relation types (label, domain, range), metrics."""
    from ipkb.read.query_export import entity_type_descriptions

    entity_types = entity_type_descriptions(store)
    relation_types = {
        name: {
            "label": row["label"],
            "domain": json.loads(row["domain"]) if row["domain"] else None,
            "range": json.loads(row["range"]) if row["range"] else None,
        }
        for name, row in store.relation_types().items()
    }
    metrics = {name: {"unit": row["unit"], "description": row["description"]} for name, row in store.metrics().items()}
    return {
        "entity_types": dict(sorted(entity_types.items())),
        "relation_types": dict(sorted(relation_types.items())),
        "metrics": metrics,
    }


def schema_of(graph: Any) -> GraphData:
    """`schema` of a streamed graph's store, or what `build_graph` noted in a built graph."""
    from ipkb.export.graph import StreamedGraph

    if isinstance(graph, StreamedGraph):
        return schema(graph.store)
    noted: GraphData = graph.graph.get("schema") or {"entity_types": {}, "relation_types": {}, "metrics": {}}
    return noted


def class_name(entity_type: str) -> str:
    """A class name for an entity type: `designation` -> `Designation`."""
    return "".join(part.capitalize() for part in entity_type.split("_"))


def labels(english: str, key: str | None = None, zh: str | None = None) -> tuple[Iri, list[Term]]:
    zh = zh or ZH.get(key or english)
    return LABEL, [Lit(english, lang="en"), *([Lit(zh, lang="zh")] if zh else [])]


def _class(iris: IriScheme, names: Iterable[str] | None) -> Term:
    """The class of entities of these types: one type's class, the union of several, vocab:Entity for any."""
    members = tuple(iris.of(iris.type, class_name(n)).value for n in names or ())
    if not members:
        return Iri(iris.vocab + "Entity")
    return Iri(members[0]) if len(members) == 1 else Union(members)


def declared(iris: IriScheme, schema: GraphData, roles: Roles) -> Iterator[Block]:
    """The classes and relation properties of the schema, and ipkb's own classes (source types are prov:Entity)."""
    owl_class = Iri(OWL + "Class")
    entity = Iri(iris.vocab + "Entity")
    yield entity, [(TYPE, [owl_class]), labels("entity", "Entity")]
    yield Iri(iris.vocab + "Fact"), [(TYPE, [owl_class]), labels("fact", "Fact")]
    yield Iri(iris.vocab + "Metric"), [(TYPE, [owl_class]), labels("metric", "Metric")]
    for name, description in schema["entity_types"].items():
        supers: list[Term] = [entity, *([Iri(PROV + "Entity")] if name in roles.sources else [])]
        predicates: list[tuple[Iri, list[Term]]] = [
            (TYPE, [owl_class]),
            (SUBCLASS, supers),
            labels(name, zh=roles.zh.get(name)),
        ]
        if description:
            predicates.append((COMMENT, [Lit(description, lang="en")]))
        yield iris.of(iris.type, class_name(name)), predicates
    for name, relation in schema["relation_types"].items():
        yield (
            iris.of(iris.relation, name),
            [
                (TYPE, [Iri(RDF + "Property"), Iri(OWL + "ObjectProperty")]),
                labels(relation["label"]),
                (DOMAIN, [_class(iris, relation["domain"])]),
                (RANGE, [_class(iris, relation["range"])]),
            ],
        )
    for name, metric in schema["metrics"].items():
        predicates = [(TYPE, [Iri(iris.vocab + "Metric")]), labels(name)]  # same type as above
        if metric["description"]:
            predicates.append((COMMENT, [Lit(metric["description"], lang="en")]))
        if metric["unit"]:
            predicates.append((Iri(iris.vocab + "unit"), [Lit(metric["unit"])]))
        yield iris.of(iris.metric, name), predicates


class Usage:
    """The `vocab:` properties an export used: on which kinds of subject, with which kinds of value."""

    def __init__(self) -> None:
        self.domains: dict[str, set[str]] = {}
        self.ranges: dict[str, set[str]] = {}

    def note(self, name: str, domain: str, value: Iri | Lit) -> None:
        domains = self.domains.get(name)
        if domains is None:
            domains = self.domains[name] = set()
            self.ranges[name] = set()
        domains.add(domain)
        if isinstance(value, Iri):
            kind = OBJECT_RANGES.get(name, RDFS + "Resource")
        elif value.lang:
            kind = RDF + "langString"
        else:
            kind = value.datatype or XSD + "string"
        self.ranges[name].add(kind)


def observed(iris: IriScheme, usage: Usage) -> Iterator[Block]:
    """A declaration of every `vocab:` property in `usage`, in name order (so exports diff cleanly)."""
    usage.note("unit", "Metric", Lit(""))  # metrics carry vocab:unit, whether or not a fact does
    for name in sorted(usage.domains):
        domains = [_absolute(iris, DOMAINS[d]) for d in sorted(usage.domains[name])]
        ranges = sorted(_absolute(iris, r) for r in usage.ranges[name])
        objects = all(r not in _datatypes() for r in ranges)
        kind = OWL + ("ObjectProperty" if objects else "DatatypeProperty")
        domain: Term = Iri(domains[0]) if len(domains) == 1 else Union(tuple(domains))
        value_range: Term = Iri(ranges[0]) if len(ranges) == 1 else Iri(RDFS + ("Resource" if objects else "Literal"))
        yield (
            iris.of(iris.vocab, name),
            [
                (TYPE, [Iri(RDF + "Property"), Iri(kind)]),
                labels(name.replace("_", " "), name),
                (DOMAIN, [domain]),
                (RANGE, [value_range]),
            ],
        )


def _absolute(iris: IriScheme, name: str) -> str:
    return name if ":" in name else iris.base + name


def _datatypes() -> frozenset[str]:
    return frozenset(
        {RDF + "langString", RDFS + "Literal"}
        | {XSD + t for t in ("string", "integer", "decimal", "boolean", "date", "gYear", "gYearMonth")}
    )
