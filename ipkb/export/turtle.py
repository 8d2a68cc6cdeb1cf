"""Turtle written by hand, one subject at a time: terms, escaping and prefixes per the W3C Turtle spec.

A document is a stream of blocks, `(subject, [(predicate, [objects])])`; each becomes
`subject p1 o1, o2 ;\n    p2 o3 .` Terms are `Iri`, `Lit` and `Union` (an anonymous `owl:Class` that is
the union of some classes: `[ a owl:Class ; owl:unionOf ( ... ) ]`). An IRI under a declared prefix
whose local part is a plain name is written `prefix:local`, any other in full, `<...>`, with the characters
an IRIREF cannot hold percent-encoded. Strings are double-quoted with `\\\\`, `\\"` and the control
characters escaped (ECHAR, else UCHAR); Chinese text is written as is (UTF-8).

tests/test_export_model.py parses the output with rdflib and Oxigraph and compares it with the graph
rdflib builds from the same blocks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = RDF + "type"


@dataclass(frozen=True, slots=True)
class Iri:
    value: str


@dataclass(frozen=True, slots=True)
class Lit:
    """A literal: plain (`datatype` and `lang` None), typed, or language-tagged."""

    lexical: str
    datatype: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Union:
    """The anonymous class that is the union of `members` (class IRIs)."""

    members: tuple[str, ...]


Term = Iri | Lit | Union
Block = tuple[Iri, list[tuple[Iri, list[Term]]]]

# PN_LOCAL restricted to what needs no escape: letters, digits, `_`, `-`, `.` (not last)
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")
_IRI_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_STRING_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f]')
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
LANG = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")


def _uchar(match: re.Match[str]) -> str:
    ch = match.group(0)
    return _ECHAR.get(ch) or f"\\u{ord(ch):04X}"


def string(text: str) -> str:
    """A Turtle STRING_LITERAL_QUOTE."""
    return '"' + _STRING_ESCAPE.sub(_uchar, text) + '"'


def iri_ref(iri: str) -> str:
    """An IRIREF, `<...>`, with the characters it cannot hold percent-encoded (so the IRI stays valid)."""
    return "<" + _IRI_ESCAPE.sub(lambda m: f"%{ord(m.group(0)):02X}", iri) + ">"


class Writer:
    """Turtle text for blocks, with `prefixes` (name -> namespace) declared at the head."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = prefixes
        # longest namespace first, so `e:` never claims what `vocab:` should
        self._by_length = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self._names: dict[str, str] = {}

    def head(self) -> str:
        return "".join(f"@prefix {name}: {iri_ref(ns)} .\n" for name, ns in self.prefixes.items()) + "\n"

    def iri(self, iri: str) -> str:
        """`prefix:local` when a prefix covers `iri` with a plain local name, else `<iri>`."""
        written = self._names.get(iri)
        if written is not None:
            return written
        written = iri_ref(iri)
        for name, namespace in self._by_length:
            if iri.startswith(namespace) and _LOCAL.fullmatch(iri[len(namespace) :]):
                written = f"{name}:{iri[len(namespace) :]}"
                break
        if len(self._names) < 100_000:  # vocabulary and frequent terms; not every entity of a huge KB
            self._names[iri] = written
        return written

    def term(self, term: Term) -> str:
        if isinstance(term, Iri):
            return self.iri(term.value)
        if isinstance(term, Lit):
            if term.lang:
                return string(term.lexical) + "@" + term.lang
            if term.datatype:
                return string(term.lexical) + "^^" + self.iri(term.datatype)
            return string(term.lexical)
        members = " ".join(self.iri(m) for m in term.members)
        return f"[ a {self.iri(OWL + 'Class')} ; {self.iri(OWL + 'unionOf')} ( {members} ) ]"

    def block(self, block: Block) -> str:
        subject, predicates = block
        parts = []
        for predicate, objects in predicates:
            verb = "a" if predicate.value == RDF_TYPE else self.iri(predicate.value)
            parts.append(verb + " " + ", ".join(self.term(o) for o in objects))
        return self.iri(subject.value) + " " + " ;\n    ".join(parts) + " .\n"


def write(prefixes: dict[str, str], blocks: Iterable[Block], stream: BinaryIO) -> None:
    """The Turtle document of `blocks` to `stream`, as UTF-8, about 64 KiB at a time."""
    writer = Writer(prefixes)
    buffer = [writer.head()]
    size = 0
    for block in blocks:
        if not block[1]:
            continue
        text = writer.block(block)
        buffer.append(text)
        size += len(text)
        if size > 1 << 16:
            stream.write("".join(buffer).encode("utf-8"))
            buffer, size = [], 0
    stream.write("".join(buffer).encode("utf-8"))


def triples(blocks: Iterable[Block]) -> Iterator[tuple[Iri, Iri, Term]]:
    """Every (subject, predicate, object) of `blocks`, for tests and readers that want triples."""
    for subject, predicates in blocks:
        for predicate, objects in predicates:
            for obj in objects:
                yield subject, predicate, obj
