"""RDF Turtle (rdflib): stable IRIs under a base IRI, labels tagged `@en`, `@zh` and `@zh-Latn-pinyin`.

IRIs, with BASE the graph's `base_iri` (`--base-iri`, default `DEFAULT_BASE`):
`BASE entity/<id>` for entities and sources, `BASE relation/<type>` for relation properties,
`BASE type/<Type>` for classes, `BASE metric/<name>`, `BASE vocab/<term>` for ipkb's own terms.

Each relation is a plain triple `<from> rel:<type> <to>` and also an `rdf:Statement` (standard
reification) at `BASE statement/<from>/<type>/<to>[/<n>]` that carries its qualifiers (`vocab:year` ...),
its confidence and its citations: `prov:wasDerivedFrom <source>` and, per citation, a
`prov:qualifiedDerivation` node (`prov:Derivation`) with `prov:entity`, `vocab:quote` and `vocab:via`.
Facts are `vocab:Fact` nodes at `BASE fact/<entity>/<n>`; sources are `prov:Entity` with Dublin Core terms.
"""

from __future__ import annotations

import re
from typing import Any, BinaryIO
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from ipkb.export.csv import label as class_name

DEFAULT_BASE = "http://example.org/ipkb/"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SOURCE_FIELDS = {
    "title": DCTERMS.title,
    "publisher": DCTERMS.publisher,
    "author": DCTERMS.creator,
    "date": DCTERMS.date,
    "language": DCTERMS.language,
}


class Iris:
    """The IRI scheme under one base."""

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith(("/", "#")) else base + "/"
        self.entity = Namespace(self.base + "entity/")
        self.relation = Namespace(self.base + "relation/")
        self.type = Namespace(self.base + "type/")
        self.metric = Namespace(self.base + "metric/")
        self.vocab = Namespace(self.base + "vocab/")

    def of(self, namespace: Namespace, name: str) -> URIRef:
        return namespace[quote(name, safe="")]

    def statement(self, key: str) -> URIRef:
        head, _, repeat = key.partition("#")
        parts = [quote(p, safe="") for p in head.split(">")] + ([repeat] if repeat else [])
        return URIRef(self.base + "statement/" + "/".join(parts))


def literal(value: Any) -> Literal:
    """A typed literal: integers, decimals, booleans, ISO dates as xsd:date, other text plain."""
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        return Literal(repr(value), datatype=XSD.decimal)
    if isinstance(value, str) and DATE.match(value):
        return Literal(value, datatype=XSD.date)
    if isinstance(value, list | dict):
        from ipkb.export.common import to_json

        return Literal(to_json(value))
    return Literal(str(value))


def _cite(rdf: Graph, iris: Iris, owner: URIRef, citations: list[dict[str, Any]]) -> None:
    for n, cite in enumerate(citations, start=1):
        rdf.add((owner, PROV.wasDerivedFrom, iris.of(iris.entity, cite["source"])))
        node = URIRef(f"{owner}/citation/{n}")
        rdf.add((owner, PROV.qualifiedDerivation, node))
        rdf.add((node, RDF.type, PROV.Derivation))
        rdf.add((node, PROV.entity, iris.of(iris.entity, cite["source"])))
        if cite.get("quote"):
            rdf.add((node, iris.vocab.quote, Literal(cite["quote"])))
        if cite.get("via"):
            rdf.add((node, iris.vocab.via, iris.of(iris.entity, cite["via"])))


def _source(rdf: Graph, iris: Iris, subject: URIRef, fields: dict[str, Any]) -> None:
    rdf.add((subject, RDF.type, PROV.Entity))
    for key, value in sorted(fields.items()):
        if key in SOURCE_FIELDS:
            rdf.add((subject, SOURCE_FIELDS[key], literal(value)))
        elif key == "url" and re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", str(value)):
            rdf.add((subject, RDFS.seeAlso, URIRef(str(value))))
        elif key not in ("name", "type"):
            rdf.add((subject, iris.of(iris.vocab, key), literal(value)))


def to_rdf(graph: Any) -> Graph:
    """The rdflib graph of an export graph."""
    iris = Iris(graph.graph.get("base_iri") or DEFAULT_BASE)
    rdf = Graph(bind_namespaces="none")
    for prefix, namespace in (
        ("rdf", RDF),
        ("rdfs", RDFS),
        ("xsd", XSD),
        ("prov", PROV),
        ("dcterms", DCTERMS),
        ("skos", SKOS),
        ("e", iris.entity),
        ("rel", iris.relation),
        ("type", iris.type),
        ("metric", iris.metric),
        ("vocab", iris.vocab),
    ):
        rdf.bind(prefix, namespace)
    for source_id, source in graph.graph.get("sources", {}).items():
        subject = iris.of(iris.entity, source_id)
        rdf.add((subject, RDFS.label, Literal(source["name"], lang="en")))
        _source(rdf, iris, subject, source)
    for node, data in graph.nodes(data=True):
        subject = iris.of(iris.entity, node)
        rdf.add((subject, RDF.type, iris.of(iris.type, class_name(data["type"]))))
        rdf.add((subject, DCTERMS.identifier, Literal(node)))
        rdf.add((subject, RDFS.label, Literal(data["name"], lang="en")))
        if data.get("zh"):
            rdf.add((subject, RDFS.label, Literal(data["zh"], lang="zh")))
        if data.get("pinyin"):
            rdf.add((subject, SKOS.altLabel, Literal(data["pinyin"], lang="zh-Latn-pinyin")))
        for alias in data.get("aliases", []):
            rdf.add((subject, SKOS.altLabel, Literal(alias)))
        if data.get("description"):
            rdf.add((subject, DCTERMS.description, Literal(data["description"], lang="en")))
        rdf.add((subject, iris.vocab.confidence, Literal(data["confidence"])))
        if data["type"] == "source":
            _source(rdf, iris, subject, data.get("fields", {}))
        _cite(rdf, iris, subject, data.get("sources", []))
        for n, fact in enumerate(data.get("facts", []), start=1):
            fact_iri = URIRef(f"{iris.base}fact/{quote(node, safe='')}/{n}")
            rdf.add((subject, iris.vocab.fact, fact_iri))
            rdf.add((fact_iri, RDF.type, iris.vocab.Fact))
            rdf.add((fact_iri, iris.vocab.metric, iris.of(iris.metric, fact["metric"])))
            rdf.add((fact_iri, RDF.value, literal(fact["value"])))
            for key in ("unit", "period", "kind", "confidence", "note", "scope"):
                if fact.get(key):
                    rdf.add((fact_iri, iris.of(iris.vocab, key), literal(fact[key])))
            _cite(rdf, iris, fact_iri, fact["sources"])
    for u, v, key, data in graph.edges(keys=True, data=True):
        subject, obj = iris.of(iris.entity, u), iris.of(iris.entity, v)
        predicate = iris.of(iris.relation, data["type"])
        rdf.add((subject, predicate, obj))
        rdf.add((predicate, RDF.type, RDF.Property))
        rdf.add((predicate, RDFS.label, Literal(data["label"], lang="en")))
        statement = iris.statement(key)
        rdf.add((statement, RDF.type, RDF.Statement))
        rdf.add((statement, RDF.subject, subject))
        rdf.add((statement, RDF.predicate, predicate))
        rdf.add((statement, RDF.object, obj))
        rdf.add((statement, iris.vocab.confidence, Literal(data["confidence"])))
        if data.get("note"):
            rdf.add((statement, iris.vocab.note, Literal(data["note"])))
        for name, value in sorted(data["qualifiers"].items()):
            rdf.add((statement, iris.of(iris.vocab, name), literal(value)))
        _cite(rdf, iris, statement, data["sources"])
    return rdf


def write(graph: Any, stream: BinaryIO) -> None:
    stream.write(to_rdf(graph).serialize(format="turtle", encoding="utf-8"))
