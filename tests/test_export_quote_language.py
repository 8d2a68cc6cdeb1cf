"""A Turtle quote's language tag is the language of the quote itself, not of the page it was copied from:
English pages quote Chinese names, Chinese pages quote English titles, mirrors say no language at all."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
import rdflib

from ipkb.export.ttl import quote_language
from tests.test_exports import export

SOURCES = """\
- {id: src-en-page, type: source, name: An English page, url: "https://example.org/en", language: en}
- {id: src-zh-page, type: source, name: A Chinese page, url: "https://example.org/zh", language: zh}
- {id: src-untagged, type: source, name: A mirror with no language, url: "https://example.org/mirror"}
- {id: src-de-page, type: source, name: A German page, url: "https://example.org/de", language: de}
"""
QUOTES = {  # quote -> (source, the tag it must have)
    "国家知识产权示范城市": ("src-en-page", "zh"),  # Chinese on an English page
    "Huzhou ranks fourth": ("src-zh-page", "en"),  # English on a Chinese page
    "國家知識產權示範城市": ("src-untagged", "zh"),  # traditional characters, the source says no language
    "国家知的所有権モデル都市": ("src-en-page", "ja"),  # kana: Japanese, though it holds Han characters
    "Schutzzentrum für geistiges Eigentum": ("src-de-page", "de"),  # Latin script: the source's own language
}
SPARQL = """
    PREFIX vocab: <http://example.org/ipkb/vocab/>
    SELECT ?q WHERE { ?d vocab:quote ?q . FILTER(lang(?q) = "%s") }
"""


@pytest.fixture
def quoted_kb(mini_kb: Path) -> Path:
    (mini_kb / "entities" / "pages.yaml").write_text(SOURCES, encoding="utf-8")
    cites = "".join(f'    - {{source: {source}, quote: "{quote}"}}\n' for quote, (source, _) in QUOTES.items())
    (mini_kb / "relations" / "quoted.yaml").write_text(
        f"- from: shaoxing\n  type: located_in\n  to: china\n  sources:\n{cites}", encoding="utf-8"
    )
    return mini_kb


def test_turtle_quotes_are_tagged_by_their_own_script(run, quoted_kb: Path, tmp_path: Path) -> None:
    target = export(run, "ttl", tmp_path / "kb.ttl")
    rdf = rdflib.Graph().parse(target, format="turtle")
    tags = {str(q): q.language for q in rdf.objects(None, rdflib.URIRef("http://example.org/ipkb/vocab/quote"))}
    assert {quote: tags[quote] for quote in QUOTES} == {quote: tag for quote, (_, tag) in QUOTES.items()}
    assert None not in tags.values()  # every quote of the mini KB has a tag, its source has no language
    chinese = {str(row[0]) for row in rdf.query(SPARQL % "zh")}  # type: ignore[index]
    assert {"国家知识产权示范城市", "國家知識產權示範城市", "湖州市"} <= chinese
    assert not any(q.isascii() for q in chinese) and "国家知的所有権モデル都市" not in chinese
    store = pyoxigraph.Store()  # a second engine reads the same tags
    store.load(path=str(target), format=pyoxigraph.RdfFormat.TURTLE)
    oxigraph_chinese = {solution["q"].value for solution in store.query(SPARQL % "zh")}  # type: ignore[union-attr]
    assert oxigraph_chinese == chinese


def test_quote_language_rules() -> None:
    assert quote_language("知識產權", "zh-Hant") == "zh-Hant" and quote_language("知识产权", "en") == "zh"
    assert quote_language("Rapport annuel", "fr") == "fr" and quote_language("Annual report", "ja") == "en"
    assert quote_language("2021", "zh") == "zh" and quote_language("2021", None) is None
    assert quote_language("지식재산", "en") == "ko"
