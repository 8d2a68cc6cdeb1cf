"""RDF Turtle, streamed: a declared vocabulary, then one block of triples per entity, fact and relation.

IRIs, with BASE the graph's `base_iri` (`--base-iri`, default `DEFAULT_BASE`):
`BASE entity/<id>` for entities and sources, `BASE relation/<type>` for relation properties,
`BASE type/<Type>` for classes, `BASE metric/<name>`, `BASE vocab/<term>` for ipkb's own terms.

Each relation is an `rdf:Statement` (standard reification) at `BASE statement/<from>/<type>/<to>[/<n>]`
that carries its qualifiers (`vocab:year`, `vocab:status` ...), its confidence and its citations, and, unless
it is only planned or only announced (the schema's `planned` and `announced` roles), also a plain triple
`<from> rel:<type> <to>`: a triple store takes a plain triple as fact, and a plan or a public notice is not
one yet (a query that wants them asks the statements). Citations are `prov:wasDerivedFrom <source>` and,
per citation, a `prov:qualifiedDerivation` node (`prov:Derivation`) with `prov:entity`, `vocab:quote`
(tagged with its own language, read from its script: `quote_language`) and `vocab:via`. An entity that
cites a source node of the export also links to it with `vocab:cites` (the graph's `cites` edge, not
reified: its quotes are the derivations' `vocab:quote`s).
Facts are `vocab:Fact` nodes at `BASE fact/<entity>/<n>`; sources are `prov:Entity` with Dublin Core terms.
Every class and property of ipkb's own is declared (`rdfs:label`,
domain, range: `ipkb.export.vocabulary`). Dates are typed by their precision: `xsd:gYear`,
`xsd:gYearMonth`, `xsd:date`.

Written by hand (`ipkb.export.turtle`) as the store is read, in bounded memory, without rdflib.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import quote

from ipkb.errors import UsageError
from ipkb.export import turtle, vocabulary
from ipkb.export.graph_data import CITES
from ipkb.export.style import roles_of
from ipkb.export.turtle import DCTERMS, PROV, RDF, RDFS, SKOS, XSD, Block, Iri, Lit, Term
from ipkb.text import has_han, has_hangul, has_kana, latin_only

if TYPE_CHECKING:
    from ipkb.shapes import Citation, GraphData

HELP = "RDF Turtle"  # its words in `ipkb export --help` (a module with HELP is a format)
STREAMS = True
DEFAULT_BASE = "http://example.org/ipkb/"
DATES = (
    (re.compile(r"^\d{4}$"), XSD + "gYear"),
    (re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"), XSD + "gYearMonth"),
    (re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"), XSD + "date"),
)
SOURCE_FIELDS = {
    "title": DCTERMS + "title",
    "publisher": DCTERMS + "publisher",
    "author": DCTERMS + "creator",
    "date": DCTERMS + "date",
    "language": DCTERMS + "language",
}
PLAIN = re.compile(r"[A-Za-z0-9_.~-]+")  # what `quote(name, safe="")` leaves as it is
URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
BAD_IRI = re.compile(r'[\s<>"{}|\\^`]')
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
TYPE, LABEL, VALUE = Iri(RDF + "type"), Iri(RDFS + "label"), Iri(RDF + "value")


def check_base_iri(base: str) -> str:
    """`base` if it can prefix every IRI of an export: absolute (a scheme), no spaces nor `<>"{}|\\^``."""
    bad = BAD_IRI.search(base)
    if bad is not None:
        raise UsageError(f"--base-iri {base!r} holds {bad.group(0)!r}", hint='an IRI has no spaces nor <>"{}|\\^`')
    scheme = SCHEME.match(base)
    if scheme is None or scheme.end() == len(base):
        raise UsageError(
            f"--base-iri {base!r} is not an absolute IRI", hint="e.g. --base-iri https://kb.example.org/ip/"
        )
    return base


class Iris:
    """The IRI scheme under one base."""

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith(("/", "#", ":")) else base + "/"  # urn:ipkb: is a whole base
        self.entity = self.base + "entity/"
        self.relation = self.base + "relation/"
        self.type = self.base + "type/"
        self.metric = self.base + "metric/"
        self.vocab = self.base + "vocab/"

    def prefixes(self) -> dict[str, str]:
        return {
            "rdf": RDF,
            "rdfs": RDFS,
            "xsd": XSD,
            "owl": turtle.OWL,
            "prov": PROV,
            "dcterms": DCTERMS,
            "skos": SKOS,
            "e": self.entity,
            "rel": self.relation,
            "type": self.type,
            "metric": self.metric,
            "vocab": self.vocab,
        }

    def of(self, namespace: str, name: str) -> Iri:
        return Iri(namespace + (name if PLAIN.fullmatch(name) else quote(name, safe="")))

    def statement(self, key: str) -> Iri:
        head, _, repeat = key.partition("#")
        parts = [quote(p, safe="") for p in head.split(">")] + ([repeat] if repeat else [])
        return Iri(self.base + "statement/" + "/".join(parts))


def literal(value: Any) -> Lit:
    """A typed literal: integers, decimals, booleans, dates by their precision, other text plain."""
    if isinstance(value, bool):
        return Lit("true" if value else "false", XSD + "boolean")
    if isinstance(value, int):
        return Lit(str(value), XSD + "integer")
    if isinstance(value, float):
        text = repr(value)
        return Lit(text if "e" not in text else format(Decimal(text), "f"), XSD + "decimal")
    if isinstance(value, str):
        for pattern, datatype in DATES:
            if pattern.match(value) and (datatype != XSD + "date" or _real_day(value)):
                return Lit(value, datatype)
        return Lit(value)
    if isinstance(value, list | dict):
        return Lit(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return Lit(str(value))


def _real_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def language_tag(language: str) -> str | None:
    """A BCP 47 tag from a source's `language` field: `zh`, `en (machine translation ...)` -> `en`."""
    match = turtle.LANG.match(language.strip())
    if match is None:
        return None
    if match.group(0) == "zh" and "traditional" in language:
        return "zh-Hant"
    return match.group(0)


# Languages written in another script than Latin: a Latin-only quote from such a source is not in its language
NOT_LATIN = frozenset((
    "zh", "ja", "ko", "ru", "uk", "be", "bg", "sr", "mk", "mn", "kk", "el", "ar", "fa", "ur", "he", "yi", "hi",
    "mr", "ne", "bn", "ta", "te", "th", "lo", "km", "my", "ka", "hy", "bo",
))  # fmt: skip


def quote_language(text: str, source_tag: str | None) -> str | None:
    """A quote's language tag, read from its own text (a page in one language often quotes another): kana
    `ja`, hangul `ko`, Han characters `zh` (or the source's own `zh-Hant` ...), Latin letters only `en`, or
    the source's language when that is another Latin-script language (`fr`); anything else (digits alone,
    Cyrillic) the source's tag, or none."""
    primary = source_tag.split("-")[0].lower() if source_tag else None
    if has_kana(text):
        return "ja"
    if has_hangul(text):
        return "ko"
    if has_han(text):
        return source_tag if primary == "zh" and source_tag else "zh"
    if latin_only(text):
        return source_tag if primary and primary not in NOT_LATIN else "en"
    return source_tag


class _Mapper:
    """The blocks of one export, noting the properties it uses for `vocabulary.observed`."""

    def __init__(self, graph: Any) -> None:
        self.iris = Iris(graph.graph.get("base_iri") or DEFAULT_BASE)
        self.roles = roles_of(graph)
        self.sources = self.roles.sources  # the entity types whose entities are sources
        self.languages = {s: language_tag(lang) for s, lang in _source_languages(graph, self.sources).items()}
        self.used = vocabulary.Usage()

    def vocab(self, name: str, value: Lit | Iri, domain: str) -> tuple[Iri, list[Term]]:
        """(`vocab:<name>`, [value]), noting that `domain` uses it with `value`'s type."""
        self.used.note(name, domain, value)
        return self.iris.of(self.iris.vocab, name), [value]

    def cite(self, owner: Iri, citations: list[Citation]) -> tuple[list[tuple[Iri, list[Term]]], list[Block]]:
        """The owner's `prov:wasDerivedFrom` and `prov:qualifiedDerivation`, and the derivation blocks."""
        if not citations:
            return [], []
        sources: list[Term] = []
        derivations: list[Term] = []
        blocks: list[Block] = []
        for n, cite in enumerate(citations, start=1):
            source = self.iris.of(self.iris.entity, cite["source"])
            if source not in sources:
                sources.append(source)
            node = Iri(f"{owner.value}/citation/{n}")
            derivations.append(node)
            predicates: list[tuple[Iri, list[Term]]] = [
                (TYPE, [Iri(PROV + "Derivation")]),
                (Iri(PROV + "entity"), [source]),
            ]
            if quote := cite["quote"]:
                lang = quote_language(quote, self.languages.get(cite["source"]))
                predicates.append(self.vocab("quote", Lit(quote, lang=lang), "Derivation"))
            if via := cite.get("via"):
                predicates.append(self.vocab("via", self.iris.of(self.iris.entity, via), "Derivation"))
            blocks.append((node, predicates))
        owned = [(Iri(PROV + "wasDerivedFrom"), sources), (Iri(PROV + "qualifiedDerivation"), derivations)]
        return owned, blocks

    def source_fields(self, fields: GraphData) -> list[tuple[Iri, list[Term]]]:
        out: list[tuple[Iri, list[Term]]] = [(TYPE, [Iri(PROV + "Entity")])]
        for key, value in sorted(fields.items()):
            if key in SOURCE_FIELDS:
                out.append((Iri(SOURCE_FIELDS[key]), [literal(value)]))
            elif key == "url" and URL.fullmatch(str(value)):
                out.append((Iri(RDFS + "seeAlso"), [Iri(str(value))]))
            elif key not in ("name", "type"):
                out.append(self.vocab(key, literal(value), "Source"))
        return out

    def node(self, node: str, data: GraphData) -> Iterator[Block]:
        iris = self.iris
        subject = iris.of(iris.entity, node)
        out: list[tuple[Iri, list[Term]]] = [
            (TYPE, [iris.of(iris.type, vocabulary.class_name(data["type"]))]),
            (Iri(DCTERMS + "identifier"), [Lit(node)]),
            (LABEL, [Lit(data["name"], lang="en"), *([Lit(data["zh"], lang="zh")] if data.get("zh") else [])]),
        ]
        alt: list[Term] = [Lit(data["pinyin"], lang="zh-Latn-pinyin")] if data.get("pinyin") else []
        alt += [Lit(alias) for alias in data.get("aliases", [])]
        if alt:
            out.append((Iri(SKOS + "altLabel"), alt))
        if data.get("description"):
            out.append((Iri(DCTERMS + "description"), [Lit(data["description"], lang="en")]))
        for name, value in sorted(data.get("attributes", {}).items()):
            out.append(self.vocab(name, literal(value), "Entity"))
        out.append(self.vocab("confidence", Lit(data["confidence"]), "Entity"))
        if data.get("note"):
            out.append(self.vocab("note", Lit(data["note"]), "Entity"))
        if data["type"] in self.sources:
            out += self.source_fields(data.get("fields", {}))
        cited, derivations = self.cite(subject, data.get("sources", []))
        facts: list[Block] = []
        fact_iris: list[Iri] = []
        for n, fact in enumerate(data.get("facts", []), start=1):
            fact_iri = Iri(f"{iris.base}fact/{quote(node, safe='')}/{n}")
            fact_iris.append(fact_iri)
            facts += self.fact(fact_iri, fact)
        if fact_iris:
            out.append(self.vocab("fact", fact_iris[0], "Entity"))
            out[-1][1].extend(fact_iris[1:])  # one vocab:fact with every fact
        yield subject, out + cited
        yield from derivations
        yield from facts

    def fact(self, subject: Iri, fact: GraphData) -> Iterator[Block]:
        out: list[tuple[Iri, list[Term]]] = [
            (TYPE, [Iri(self.iris.vocab + "Fact")]),
            self.vocab("metric", self.iris.of(self.iris.metric, fact["metric"]), "Fact"),
            (VALUE, [literal(fact["value"])]),
        ]
        for key in ("bound", "unit", "period", "kind", "confidence", "note", "scope"):  # bound: more_than, about, ...
            if fact.get(key):
                out.append(self.vocab(key, literal(fact[key]), "Fact"))
        cited, derivations = self.cite(subject, fact["sources"])
        yield subject, out + cited
        yield from derivations

    def edge(self, u: str, v: str, key: str, data: GraphData) -> Iterator[Block]:
        iris = self.iris
        subject, obj = iris.of(iris.entity, u), iris.of(iris.entity, v)
        if data["type"] == CITES:  # a citation, already told by the entity's derivations: one plain triple
            yield subject, [self.vocab(CITES, obj, "Entity")]
            return
        predicate = iris.of(iris.relation, data["type"])
        if not (self.roles.is_planned(data["qualifiers"]) or self.roles.is_announced(data["qualifiers"])):
            yield subject, [(predicate, [obj])]  # asserted: a store reads a plain triple as fact, so only what holds
        statement = iris.statement(key)
        out: list[tuple[Iri, list[Term]]] = [
            (TYPE, [Iri(RDF + "Statement")]),
            (Iri(RDF + "subject"), [subject]),
            (Iri(RDF + "predicate"), [predicate]),
            (Iri(RDF + "object"), [obj]),
            self.vocab("confidence", Lit(data["confidence"]), "Statement"),
        ]
        if data.get("note"):
            out.append(self.vocab("note", Lit(data["note"]), "Statement"))
        for name, value in sorted(data["qualifiers"].items()):
            out.append(self.vocab(name, literal(value), "Statement"))
        cited, derivations = self.cite(statement, data["sources"])
        yield statement, out + cited
        yield from derivations


def _source_languages(graph: Any, source_types: frozenset[str]) -> dict[str, str]:
    """Source id -> its `language` field as written (`zh`, `en (machine translation ...)`), where it has one."""
    from ipkb.export.graph import StreamedGraph

    if isinstance(graph, StreamedGraph):
        from ipkb.read.query_export import stream_source_fields

        rows = stream_source_fields(graph.store, source_types)
        fields: Iterator[tuple[str, GraphData]] = ((row["id"], json.loads(row["fields"])) for row in rows)
    else:
        fields = iter(graph.graph.get("sources", {}).items())
    return {source: str(f["language"]) for source, f in fields if f.get("language")}


def blocks(graph: Any) -> Iterator[Block]:
    """Every block of the export of `graph` (a networkx graph or a StreamedGraph), vocabulary first."""
    from ipkb.export.graph import StreamedGraph

    mapper = _Mapper(graph)
    yield from vocabulary.declared(mapper.iris, vocabulary.schema_of(graph), mapper.roles)
    nodes: set[str] = set()
    for node, data in graph.nodes(data=True):
        if not isinstance(graph, StreamedGraph):
            nodes.add(node)
        yield from mapper.node(node, data)
    for u, v, key, data in graph.edges(keys=True, data=True):
        yield from mapper.edge(u, v, key, data)
    if not isinstance(graph, StreamedGraph):  # a filtered export: describe the cited sources it leaves out
        for source_id, source in graph.graph.get("sources", {}).items():
            if source_id not in nodes:
                subject = mapper.iris.of(mapper.iris.entity, source_id)
                source_class = mapper.iris.of(mapper.iris.type, vocabulary.class_name(source["type"]))
                predicates: list[tuple[Iri, list[Term]]] = [(TYPE, [source_class])]
                predicates += [(LABEL, [Lit(source["name"], lang="en")]), *mapper.source_fields(source)]
                yield subject, predicates
    yield from vocabulary.observed(mapper.iris, mapper.used)


def write(graph: Any, stream: BinaryIO) -> None:
    iris = Iris(graph.graph.get("base_iri") or DEFAULT_BASE)
    turtle.write(iris.prefixes(), blocks(graph), stream)
