"""`ipkb export` in every format, each checked by a real reader of that format (tests/fixtures/mini)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import igraph
import networkx as nx
import pydot
import pytest
import rdflib

from ipkb.export import FORMATS
from tests.browser import BASE_FLAGS
from tests.conftest import REPO, invoke

BASE = "http://example.org/ipkb/"
CHROMIUM = Path("/usr/bin/chromium")
NODE_HEADER = ["id:ID", ":LABEL", "type", "name", "zh", "pinyin", "description", "confidence", "note"]
ODD_NAME = 'Lonely "Isle" it\'s \\ 孤岛'


def export(run, fmt: str, target: Path, *options: str) -> Path:  # type: ignore[no-untyped-def]
    result = run("export", "--format", fmt, "-o", str(target), *options)
    assert result.exit_code == 0, result.stderr
    return target


@pytest.fixture
def odd_kb(mini_kb: Path) -> Path:
    """The mini KB with a name holding both quotes, a backslash and Chinese text."""
    path = mini_kb / "entities" / "places.yaml"
    path.write_text(path.read_text().replace("name: Lonely Island", 'name: "Lonely \\"Isle\\" it\'s \\\\ 孤岛"'))
    return mini_kb


# -- GraphML and GEXF ------------------------------------------------------------------------------------------
def test_graphml_read_back_by_networkx_and_igraph(run, tmp_path: Path) -> None:
    target = export(run, "graphml", tmp_path / "kb.graphml")
    by_nx = nx.read_graphml(target)
    by_igraph = igraph.Graph.Read_GraphML(str(target))
    assert by_nx.number_of_nodes() == by_igraph.vcount() == 12
    assert by_nx.number_of_edges() == by_igraph.ecount() == 7 + 11  # relations, and each entity's `cites`
    for vertex in by_igraph.vs:
        node = by_nx.nodes[vertex["id"]]
        for key in ("type", "name", "label", "confidence", "sources", "facts"):
            assert vertex[key] == node[key], (vertex["id"], key)
    huzhou = by_igraph.vs.find(id="huzhou")
    assert huzhou["zh"] == "湖州市" and json.loads(huzhou["facts"])[0]["value"] == 8.09
    igraph_edges = {
        (by_igraph.vs[e.source]["id"], by_igraph.vs[e.target]["id"], e["type"], e["qualifiers"]) for e in by_igraph.es
    }
    nx_edges = {(u, v, d["type"], d.get("qualifiers")) for u, v, d in by_nx.edges(data=True)}
    assert {(u, v, t, q or None) for u, v, t, q in igraph_edges} == nx_edges  # igraph: "" for no qualifiers
    assert ("keqiao", "shaoxing", "located_in", "{}") in nx_edges  # direction kept
    holds = by_igraph.es.find(type="holds_designation")
    assert (holds["q_year"], holds["q_rank"]) == (2014, 4)


def test_graphml_links_each_entity_to_the_sources_it_cites(run, tmp_path: Path) -> None:
    """A source is no longer an unconnected node: each entity has one `cites` edge to each source it cites,
    with the quotes of its citations (in order), so Gephi or networkx shows what a source backs."""
    graph = nx.read_graphml(export(run, "graphml", tmp_path / "kb.graphml"), force_multigraph=True)
    cites = {(u, v): d for u, v, d in graph.edges(data=True) if d["type"] == "cites"}
    assert cites[("huzhou", "src-article")]["label"] == "cites"
    assert json.loads(cites[("huzhou", "src-article")]["quotes"]) == ["Huzhou City", "湖州市"]  # one edge, both quotes
    assert json.loads(cites[("island", "src-article")]["quotes"]) == []  # cited without a quote
    assert {u for u, _ in cites} == {n for n, d in graph.nodes(data=True) if d["type"] != "source"}
    assert {v for _, v in cites} == {"src-article"} and graph.degree("src-article") == 11
    assert graph.has_edge("huzhou", "src-article", key="huzhou>cites>src-article")  # a stable id, like a relation's
    assert not graph.has_edge("src-article", "huzhou")  # from the entity to the source


def test_gexf_read_back_by_networkx(run, tmp_path: Path) -> None:
    target = export(run, "gexf", tmp_path / "kb.gexf")
    graph = nx.read_gexf(target)
    assert graph.number_of_nodes() == 12 and graph.number_of_edges() == 7 + 11  # the source, and what cites it
    cites = graph.edges["huzhou", "src-article"]
    assert (cites["relation"], cites["label"], cites["id"]) == ("cites", "cites", "huzhou>cites>src-article")
    assert json.loads(cites["quotes"]) == ["Huzhou City", "湖州市"]
    assert graph.graph["mode"] == "dynamic" and graph.name == "ipkb"  # a relation of `year: 2014` starts then
    assert {d["id"] for _, _, d in graph.edges(data=True)} >= {"keqiao>located_in>shaoxing"}  # stable ids
    huzhou = graph.nodes["huzhou"]
    assert huzhou["zh"] == "湖州市" and huzhou["type"] == "city" and huzhou["label"] == "Huzhou 湖州市"
    assert huzhou["viz"]["color"] == {"r": 255, "g": 127, "b": 14, "a": 1.0}
    edge = next(d for u, v, d in graph.edges(data=True) if (u, v) == ("huzhou", "national-ip-demonstration-city"))
    assert edge["relation"] == "holds_designation" and edge["q_rank"] == 4 and edge["start"] == "2014-01-01"
    assert json.loads(edge["sources"]) == [{"source": "src-article", "quote": "ranks fourth in the country"}]
    assert "lastmodifieddate" not in target.read_text(encoding="utf-8")


# -- JSON ------------------------------------------------------------------------------------------------------
def test_json_node_link_with_names_facts_and_citations(run, tmp_path: Path) -> None:
    document = json.loads(export(run, "json", tmp_path / "kb.json").read_text(encoding="utf-8"))
    graph = nx.node_link_graph(document, directed=True, multigraph=True, edges="edges")
    assert graph.number_of_nodes() == 12 and graph.number_of_edges() == 7 + 11
    assert graph.edges["huzhou", "src-article", "huzhou>cites>src-article"] == {
        "type": "cites",
        "label": "cites",
        "quotes": ["Huzhou City", "湖州市"],
    }
    huzhou = graph.nodes["huzhou"]
    assert (huzhou["name"], huzhou["zh"], huzhou["aliases"]) == ("Huzhou", "湖州市", ["Huzhou City"])
    assert huzhou["facts"][0]["metric"] == "invention_patents_per_10k_people"
    assert huzhou["facts"][0]["sources"] == [
        {"source": "src-article", "quote": "8.09 invention patents per 10,000 people"}
    ]
    assert graph.has_edge("keqiao", "keqiao-overseas-dispute-subcenter")
    assert not graph.has_edge("keqiao-overseas-dispute-subcenter", "keqiao")
    assert document["graph"]["sources"]["src-article"]["title"] == "A test article"


def test_jsonl_writes_each_source_once_and_a_root_export_the_sources_it_cites(run, mini_kb: Path) -> None:
    """A whole-KB jsonl listed every source twice (an entity record and a `source` record), and a --root
    export that reached a source wrote it twice too. Each record once: a source is an entity record when
    the export holds it, else a `source` record; a --root export holds every source its records cite
    (or name as `via`), once, and no other."""

    def records(*options: str) -> list[dict[str, Any]]:
        result = run("export", "--format", "jsonl", *options)
        assert result.exit_code == 0, result.stderr
        return [json.loads(line) for line in result.stdout.splitlines()]

    def ids(recs: list[dict[str, Any]], kind: str) -> list[str]:
        return [r["id"] for r in recs if r["record"] == kind]

    def cited(recs: list[dict[str, Any]]) -> set[str]:
        named = [c for r in recs if r["record"] != "source" for c in r.get("sources", [])]
        return {c["source"] for c in named} | {c["via"] for c in named if c.get("via")}

    whole = records()
    assert ids(whole, "source") == [] and "src-article" in ids(whole, "entity")
    around = records("--root", "keqiao", "--depth", "1")
    sources = ids(around, "source")
    assert sources == sorted(set(sources)) == sorted(cited(around) - set(ids(around, "entity"))) == ["src-article"]
    (mini_kb / "relations" / "published.yaml").write_text(
        "- {from: src-article, type: published_by, to: national-center, sources: [src-article]}\n"
    )
    reached = records("--root", "national-center", "--depth", "1")  # the walk reaches the source itself
    assert "src-article" in ids(reached, "entity") and ids(reached, "source") == []
    assert cited(reached) <= set(ids(reached, "entity"))


def test_jsonl_one_record_a_line(run, tmp_path: Path) -> None:
    lines = export(run, "jsonl", tmp_path / "kb.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    kinds = [r["record"] for r in records]
    assert {k: kinds.count(k) for k in set(kinds)} == {"entity": 12, "relation": 7 + 11, "fact": 2}  # sources: entities
    cites = next(r for r in records if r["record"] == "relation" and r["from"] == "keqiao" and r["type"] == "cites")
    assert (cites["to"], cites["id"], cites["quotes"]) == (
        "src-article",
        "keqiao>cites>src-article",
        ["Keqiao District", "柯桥区"],
    )
    relation = next(r for r in records if r["record"] == "relation" and r["type"] == "hosts")
    assert (relation["from"], relation["to"], relation["qualifiers"]) == (
        "keqiao",
        "keqiao-overseas-dispute-subcenter",
        {"status": "planned"},
    )
    fact = next(r for r in records if r["record"] == "fact" and r["entity"] == "national-center")
    assert fact["value"] == 43 and fact["sources"][0]["quote"] == "43 local sub centers in 27 provinces"


# -- Turtle ----------------------------------------------------------------------------------------------------
def rdf_graph(run, tmp_path: Path, *options: str) -> rdflib.Graph:  # type: ignore[no-untyped-def]
    target = export(run, "ttl", tmp_path / "kb.ttl", *options)
    return rdflib.Graph().parse(target, format="turtle")


def test_turtle_parsed_by_rdflib_with_labels_reification_and_provenance(run, tmp_path: Path) -> None:
    rdf = rdf_graph(run, tmp_path)
    huzhou = rdflib.URIRef(BASE + "entity/huzhou")
    labels = {(str(o), o.language) for o in rdf.objects(huzhou, rdflib.RDFS.label)}
    assert labels == {("Huzhou", "en"), ("湖州市", "zh")}
    rows = list(
        rdf.query(
            """
            PREFIX rel: <http://example.org/ipkb/relation/>
            PREFIX vocab: <http://example.org/ipkb/vocab/>
            PREFIX e: <http://example.org/ipkb/entity/>
            SELECT ?rank ?year ?quote ?source WHERE {
              e:huzhou rel:holds_designation e:national-ip-demonstration-city .
              ?s a rdf:Statement ; rdf:subject e:huzhou ; rdf:predicate rel:holds_designation ;
                 rdf:object e:national-ip-demonstration-city ; vocab:rank ?rank ; vocab:year ?year ;
                 prov:qualifiedDerivation [ prov:entity ?source ; vocab:quote ?quote ] .
              ?source a prov:Entity .
            }
            """,
            initNs={"prov": rdflib.PROV, "rdf": rdflib.RDF},
        )
    )
    assert [(r[0].toPython(), r[1].toPython(), str(r[2]), str(r[3])) for r in rows] == [
        (4, 2014, "ranks fourth in the country", BASE + "entity/src-article")
    ]
    fact_values = {o.toPython() for o in rdf.objects(None, rdflib.RDF.value)}
    assert fact_values == {8.09, 43} or {float(v) for v in fact_values} == {8.09, 43.0}


def test_sparql_neighbourhood_and_path_answer_like_the_cli(run, tmp_path: Path) -> None:
    """The CLI lists planned links too (flagged), so SPARQL that answers like it asks the reified statements:
    the path from Keqiao to the national center is only planned, and no plain triple asserts it."""
    rdf = rdf_graph(run, tmp_path)
    neighbours = rdf.query(
        """
        PREFIX e: <http://example.org/ipkb/entity/>
        SELECT DISTINCT ?n WHERE {
          ?s a rdf:Statement .
          { ?s rdf:subject e:keqiao ; rdf:object ?n } UNION { ?s rdf:subject ?n ; rdf:object e:keqiao }
        }
        """,
        initNs={"rdf": rdflib.RDF},
    )
    by_sparql = {str(r[0]).rsplit("/", 1)[1] for r in neighbours}
    cli = json.loads(run("neighbors", "keqiao", "--depth", "1", "--json").stdout)["entities"]
    assert by_sparql == {n["id"] for n in cli if n["depth"] == 1} == {"shaoxing", "keqiao-overseas-dispute-subcenter"}

    path = json.loads(run("path", "keqiao", "national-center", "--json").stdout)
    hops = [(h["from"]["id"], h["type"], h["to"]["id"], h["planned"]) for h in path["hops"]]
    two_hops = rdf.query(
        """
        PREFIX e: <http://example.org/ipkb/entity/>
        PREFIX vocab: <http://example.org/ipkb/vocab/>
        SELECT ?p1 ?middle ?p2 ?status1 ?status2 WHERE {
          ?s1 rdf:subject e:keqiao ; rdf:predicate ?p1 ; rdf:object ?middle ; vocab:status ?status1 .
          ?s2 rdf:subject ?middle ; rdf:predicate ?p2 ; rdf:object e:national-center ; vocab:status ?status2 .
        }
        """,
        initNs={"rdf": rdflib.RDF},
    )
    by_sparql_path = [
        [
            ("keqiao", str(p1).rsplit("/", 1)[1], str(m).rsplit("/", 1)[1], str(s1) == "planned"),
            (str(m).rsplit("/", 1)[1], str(p2).rsplit("/", 1)[1], "national-center", str(s2) == "planned"),
        ]
        for p1, m, p2, s1, s2 in two_hops
    ]
    assert by_sparql_path == [hops] and all(planned for *_, planned in hops)
    assert not rdf.query(
        "PREFIX e: <http://example.org/ipkb/entity/> PREFIX rel: <http://example.org/ipkb/relation/> "
        "ASK { e:keqiao (rel:hosts|rel:subcenter_of)+ e:national-center }"
    ).askAnswer


ANNOUNCED = (
    "- from: shaoxing\n  type: holds_designation\n  to: national-ip-demonstration-city\n  year: 2013\n"
    "  status: announced\n  sources: [{source: src-article}]\n"
)


def test_turtle_asserts_no_relation_only_planned_or_announced(run, mini_kb: Path, tmp_path: Path) -> None:
    """A store reads a plain triple as fact: a relation only planned or only announced is no plain triple, only
    its statement with its status; a stated one is both. Asked in rdflib and in Oxigraph."""
    import pyoxigraph

    (mini_kb / "relations" / "announced.yaml").write_text(ANNOUNCED, encoding="utf-8")
    target = export(run, "ttl", tmp_path / "kb.ttl")
    by_rdflib = rdflib.Graph().parse(target, format="turtle")
    by_oxigraph = pyoxigraph.Store()
    by_oxigraph.load(path=str(target), format=pyoxigraph.RdfFormat.TURTLE)
    prefix = f"PREFIX e: <{BASE}entity/> PREFIX rel: <{BASE}relation/> PREFIX vocab: <{BASE}vocab/> "
    prefix += "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
    cases = {
        ("keqiao", "hosts", "keqiao-overseas-dispute-subcenter"): "planned",
        ("shaoxing", "holds_designation", "national-ip-demonstration-city"): "announced",
        ("keqiao", "located_in", "shaoxing"): None,
        ("huzhou", "holds_designation", "national-ip-demonstration-city"): None,
    }
    for (u, kind, v), status in cases.items():
        plain = prefix + f"ASK {{ e:{u} rel:{kind} e:{v} }}"
        stated = prefix + f"ASK {{ ?s rdf:subject e:{u} ; rdf:predicate rel:{kind} ; rdf:object e:{v} }}"
        for ask in (lambda q: by_rdflib.query(q).askAnswer, by_oxigraph.query):
            assert bool(ask(plain)) is (status is None), (u, kind, v)
            assert bool(ask(stated)), (u, kind, v)
        if status:
            with_status = prefix + f'ASK {{ ?s rdf:subject e:{u} ; rdf:object e:{v} ; vocab:status "{status}" }}'
            assert by_rdflib.query(with_status).askAnswer and bool(by_oxigraph.query(with_status))
    near = rdf_graph(run, tmp_path, "--root", "keqiao", "--depth", "1")  # a filtered export, built in memory
    planned = prefix + "ASK { e:keqiao rel:hosts e:keqiao-overseas-dispute-subcenter }"
    assert (
        not near.query(planned).askAnswer
        and near.query(prefix + "ASK { e:keqiao rel:located_in e:shaoxing }").askAnswer
    )


def test_base_iri_option(run, tmp_path: Path) -> None:
    rdf = rdf_graph(run, tmp_path, "--base-iri", "https://kb.test/ip/")
    assert (rdflib.URIRef("https://kb.test/ip/entity/keqiao"), None, None) in rdf
    assert not any(str(s).startswith(BASE) for s in rdf.subjects())
    urn = rdf_graph(run, tmp_path, "--base-iri", "urn:ipkb:")  # a URN base ends in `:`, with no `/` put after it
    assert (rdflib.URIRef("urn:ipkb:entity/keqiao"), None, None) in urn


# -- DOT and Mermaid -------------------------------------------------------------------------------------------
def test_dot_parsed_by_pydot_and_rendered_by_graphviz(run, tmp_path: Path) -> None:
    target = export(run, "dot", tmp_path / "kb.dot")
    with warnings.catch_warnings():  # pydot still calls pyparsing's camelCase names
        warnings.simplefilter("ignore", DeprecationWarning)
        (graph,) = pydot.graph_from_dot_data(target.read_text(encoding="utf-8"))
    nodes = {n.get_name().strip('"'): n for n in graph.get_nodes() if n.get_name() not in ("graph", "node", "edge")}
    assert len(nodes) == 11 and len(graph.get_edges()) == 7  # the source is not drawn: its citations are
    assert "src-article" not in nodes
    assert nodes["huzhou"].get("label") == '"Huzhou\\n湖州市"'
    assert nodes["huzhou"].get("type").strip('"') == "city"
    edges = {(e.get_source().strip('"'), e.get_destination().strip('"')) for e in graph.get_edges()}
    assert ("keqiao", "shaoxing") in edges and ("shaoxing", "keqiao") not in edges
    dot = shutil.which("dot")
    if dot is None:
        pytest.skip("Graphviz `dot` is not installed: parsed by pydot only")
    svg = subprocess.run([dot, "-Tsvg", str(target)], capture_output=True, check=True, timeout=60).stdout
    assert svg.count(b'class="node"') == 11 and svg.count(b'class="edge"') == 7
    assert "湖州市".encode() in svg


def test_the_whole_bundled_kb_draws_as_svg(tmp_path: Path) -> None:
    """`ipkb export -f svg` of the whole bundled KB is drawn, not refused: it outgrew the 1000-relation limit
    once (1048 relations, drawn by dot in about a second) without anyone noticing."""
    if shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` is not installed")
    from tests.conftest import BUNDLED_KB, invoke

    result = invoke(["--kb", str(BUNDLED_KB), "export", "-f", "svg", "-o", str(tmp_path / "kb.svg")])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "kb.svg").read_bytes().count(b'class="edge"') > 1000


def test_mermaid_flowchart(run, tmp_path: Path) -> None:
    lines = export(run, "mermaid", tmp_path / "kb.mmd").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "flowchart LR"
    assert sum(1 for line in lines if re.match(r'  e_\w+\[".*"\]:::t_\w+$', line)) == 11  # not the source
    assert sum(1 for line in lines if re.match(r'  e_\w+ -->\|".*"\| e_\w+$', line)) == 5
    assert sum(1 for line in lines if re.match(r'  e_\w+ -\.->\|".*\(planned\)"\| e_\w+$', line)) == 2
    assert '  e_huzhou["Huzhou<br/>湖州市"]:::t_city' in lines
    assert '  e_keqiao -->|"located in"| e_shaoxing' in lines


# -- Neo4j: CSV and Cypher -------------------------------------------------------------------------------------
def test_csv_in_neo4j_import_format(run, odd_kb: Path, tmp_path: Path) -> None:
    assert run("export", "--format", "csv", "-o", str(tmp_path / "kb.csv"), kb=odd_kb).exit_code == 0
    nodes_path, relationships_path = tmp_path / "kb-nodes.csv", tmp_path / "kb-relationships.csv"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".csv", ".cypher")) == [
        "kb-constraints.cypher",
        nodes_path.name,
        relationships_path.name,
    ]
    nodes_text = nodes_path.read_text(encoding="utf-8")
    assert nodes_text.splitlines()[0].startswith(",".join(NODE_HEADER) + ",")
    assert '"Lonely ""Isle"" it\'s \\ 孤岛"' in nodes_text  # quotes doubled, backslash as is (Neo4j's defaults)
    nodes = list(csv.DictReader(io.StringIO(nodes_text)))
    assert len(nodes) == 12 + 2  # entities and facts
    island = next(n for n in nodes if n["id:ID"] == "island")
    assert island["name"] == ODD_NAME and island[":LABEL"] == "Entity;County"
    huzhou = next(n for n in nodes if n["id:ID"] == "huzhou")
    assert huzhou["zh"] == "湖州市" and huzhou["aliases:string[]"] == "Huzhou City"
    fact = next(n for n in nodes if n["id:ID"] == "huzhou/fact/1")
    assert fact[":LABEL"] == "Fact" and fact["value:float"] == "8.09" and fact["entity"] == "huzhou"
    relationships = list(csv.DictReader(io.StringIO(relationships_path.read_text(encoding="utf-8"))))
    assert list(relationships[0])[:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert {"q_rank:int", "q_rank_of:int", "q_year:int", "q_status"} <= set(relationships[0])
    assert [r[":TYPE"] for r in relationships].count("HAS_FACT") == 2
    assert len([r for r in relationships if r[":TYPE"] not in ("HAS_FACT", "CITES")]) == 7
    holds = next(r for r in relationships if r[":TYPE"] == "HOLDS_DESIGNATION")
    assert (holds[":START_ID"], holds[":END_ID"], holds["q_rank:int"]) == (
        "huzhou",
        "national-ip-demonstration-city",
        "4",
    )
    ids = {n["id:ID"] for n in nodes}
    assert all(r[":START_ID"] in ids and r[":END_ID"] in ids for r in relationships)
    constraints = (tmp_path / "kb-constraints.cypher").read_text(encoding="utf-8").splitlines()
    assert constraints[0] == "CREATE CONSTRAINT ipkb_entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;"


def test_csv_needs_a_file_name(run) -> None:
    result = run("export", "--format", "csv")
    assert result.exit_code == 2 and "-nodes.csv" in result.stderr


CYPHER_STRING = r"'((?:\\.|[^'\\])*)'"


def cypher_unescape(text: str) -> str:
    escapes = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
    return re.sub(r"\\(.)", lambda m: escapes[m.group(1)], text)


def test_cypher_idempotent_merge_script(run, odd_kb: Path, tmp_path: Path) -> None:
    assert run("export", "--format", "cypher", "-o", str(tmp_path / "kb.cypher"), kb=odd_kb).exit_code == 0
    lines = (tmp_path / "kb.cypher").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "CREATE CONSTRAINT ipkb_entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;"
    assert all(line.endswith(";") for line in lines)
    merges = [line for line in lines if line.startswith("MERGE (n:Entity {id: ")]
    facts = [line for line in lines if line.startswith("MERGE (n:Fact {id: ")]
    rels = [line for line in lines if line.startswith("MATCH (a:Entity {id: ") and "HAS_FACT" not in line]
    rels = [line for line in rels if ":CITES " not in line]
    assert len(merges) == 12 and len(facts) == 2 and len(rels) == 7
    assert not any(line.startswith("CREATE (") for line in lines)  # MERGE only: running twice adds nothing
    island = next(line for line in merges if line.startswith("MERGE (n:Entity {id: 'island'})"))
    assert "name: 'Lonely \"Isle\" it\\'s \\\\ 孤岛'" in island
    name = re.search(r"name: " + CYPHER_STRING, island)
    assert name is not None and cypher_unescape(name.group(1)) == ODD_NAME
    assert "SET n:County" in island
    huzhou = next(line for line in merges if "{id: 'huzhou'}" in line)
    assert "zh: '湖州市'" in huzhou
    holds = next(line for line in rels if ":HOLDS_DESIGNATION" in line)
    assert holds.startswith("MATCH (a:Entity {id: 'huzhou'}), (b:Entity {id: 'national-ip-demonstration-city'}) ")
    assert (
        "MERGE (a)-[r:HOLDS_DESIGNATION {key: 'huzhou>holds_designation>national-ip-demonstration-city'}]->(b)" in holds
    )
    assert "q_rank: 4" in holds and "q_year: 2014" in holds


# -- HTML in a real browser ------------------------------------------------------------------------------------
def chromium_dump(page: str, profile: Path) -> tuple[str, str]:
    flags = [
        *BASE_FLAGS,
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=10000",
        "--dump-dom",
    ]
    done = subprocess.run([str(CHROMIUM), *flags, page], capture_output=True, text=True, timeout=120, check=False)
    return done.stdout, done.stderr


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium; .ci/run does)")
def test_html_page_draws_every_node_in_headless_chromium(run, tmp_path: Path) -> None:
    target = export(run, "html", tmp_path / "kb.html")
    text = target.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text)  # nothing to fetch
    dom, log = chromium_dump(target.as_uri(), tmp_path / "profile")
    root = re.search(r"<html[^>]*>", dom)
    assert root is not None, log[-2000:]
    attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', root.group(0)))
    assert attributes.get("data-errors") == "[]", attributes
    assert attributes.get("data-nodes-drawn") == "11" and attributes.get("data-edges-drawn") == "7"  # no source
    console = [line for line in log.splitlines() if "CONSOLE" in line]
    assert console == [], console
    shown, _ = chromium_dump(target.as_uri() + "#huzhou", tmp_path / "profile2")
    details = shown[shown.index('id="details"') :]
    assert "湖州市" in details and "invention_patents_per_10k_people" in details
    assert "8.09 invention patents per 10,000 people" in details and "ranks fourth in the country" in details


# -- filters ---------------------------------------------------------------------------------------------------
def exported(run, *options: str) -> nx.MultiDiGraph:  # type: ignore[no-untyped-def]
    result = run("export", "--format", "graphml", *options)
    assert result.exit_code == 0, result.stderr
    return nx.parse_graphml(result.stdout, force_multigraph=True)


def test_type_and_relation_filters_keep_both_ends(run) -> None:
    cities = exported(run, "--type", "city", "--type", "province")
    assert {d["type"] for _, d in cities.nodes(data=True)} == {"city", "province"}
    assert {(u, v) for u, v in cities.edges()} == {("huzhou", "zhejiang"), ("shaoxing", "zhejiang")}
    located = exported(run, "--relation", "located_in")
    assert {d["type"] for _, _, d in located.edges(data=True)} == {"located_in"}
    assert set(located.nodes) == {"huzhou", "keqiao", "shaoxing", "zhejiang", "china"}
    assert ("keqiao", "shaoxing") in set(located.edges()) and ("shaoxing", "keqiao") not in set(located.edges())
    around = exported(run, "--root", "keqiao", "--depth", "2", "--relation", "located_in")
    assert set(around.nodes) == {"keqiao", "shaoxing", "zhejiang"}
    for graph in (cities, located, around):
        assert all(u in graph and v in graph for u, v in graph.edges())


def test_cites_edges_under_the_filters(run) -> None:
    """`--relation cites` keeps the entities that cite a source and the sources; `--type` keeps a `cites` edge
    when both ends are kept; `--root` never walks through a source (every entity of the mini KB cites the
    same one, so a walk along `cites` would reach them all); `--in` holds no source, so no `cites`."""
    cited = exported(run, "--relation", "cites")
    assert {d["type"] for _, _, d in cited.edges(data=True)} == {"cites"} and cited.number_of_edges() == 11
    assert "src-article" in cited and cited.number_of_nodes() == 12
    typed = exported(run, "--type", "city", "--type", "source")
    assert set(typed.nodes) == {"huzhou", "shaoxing", "taizhou-zhejiang", "taizhou-jiangsu", "src-article"}
    assert {(u, v) for u, v, d in typed.edges(data=True) if d["type"] == "cites"} == {
        (city, "src-article") for city in ("huzhou", "shaoxing", "taizhou-zhejiang", "taizhou-jiangsu")
    }
    for depth in ("1", "2"):
        around = exported(run, "--root", "huzhou", "--depth", depth)
        assert "src-article" not in around and "cites" not in {d["type"] for _, _, d in around.edges(data=True)}
    assert set(exported(run, "--root", "huzhou", "--depth", "1").nodes) == {
        "huzhou",
        "zhejiang",
        "national-ip-demonstration-city",
    }  # not keqiao, china ... which cite the same source
    assert set(exported(run, "--root", "island", "--depth", "2").nodes) == {"island"}  # no relations, one source
    within = exported(run, "--in", "zhejiang")
    assert "src-article" not in within and "cites" not in {d["type"] for _, _, d in within.edges(data=True)}
    refused = run("export", "--root", "huzhou", "--relation", "cites")
    assert refused.exit_code == 2 and "--root walks relations, not citations" in refused.stderr


def test_drawn_formats_leave_sources_out_unless_asked(run, tmp_path: Path) -> None:
    """A picture draws no source boxes (their citations stay in tooltips and the HTML details), unless
    `--type source` asks for them: then they are drawn, with the `cites` edges to them."""
    dot = export(run, "dot", tmp_path / "all.dot").read_text(encoding="utf-8")
    assert '"src-article"' not in dot and "cites" not in dot
    asked = export(run, "dot", tmp_path / "asked.dot", "--type", "city", "--type", "source").read_text(encoding="utf-8")
    assert '"src-article" [label="Test article"' in asked
    assert '"huzhou" -> "src-article" [label="cites", type="cites", key="huzhou>cites>src-article"];' in asked
    mermaid = export(run, "mermaid", tmp_path / "asked.mmd", "--type", "source").read_text(encoding="utf-8")
    assert "e_src_article[" in mermaid


def test_unknown_type_or_relation_is_a_usage_error(run) -> None:
    assert run("export", "--type", "planet").exit_code == 2
    result = run("export", "--relation", "orbits")
    assert result.exit_code == 2 and "located_in" in result.stderr


# -- stability and errors --------------------------------------------------------------------------------------
def test_same_kb_gives_byte_identical_exports(mini_kb: Path, tmp_path: Path) -> None:
    """Two processes with different hash seeds and fresh databases write the same bytes in every format."""
    formats = sorted(f for f in FORMATS if f not in ("svg", "png") or shutil.which("dot"))  # those need Graphviz
    outputs: list[dict[str, bytes]] = []
    for seed in ("1", "2"):
        folder = tmp_path / f"run{seed}"
        folder.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed, "XDG_CACHE_HOME": str(folder / "cache")}
        files: dict[str, bytes] = {}
        for fmt in formats:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "ipkb",
                    "--kb",
                    str(mini_kb),
                    "export",
                    "-f",
                    fmt,
                    "-o",
                    str(folder / f"kb.{fmt}"),
                ],
                check=True,
                capture_output=True,
                env=env,
                cwd=REPO,
                timeout=120,
            )
        for path in sorted(folder.glob("kb*")):
            files[path.name] = path.read_bytes()
        outputs.append(files)
    assert len(outputs[0]) == len(formats) + 2  # csv writes three files
    assert outputs[0] == outputs[1]


def test_unknown_format_lists_the_formats(run, tmp_path: Path) -> None:
    result = run("export", "--format", "gml", "-o", str(tmp_path / "x"))
    assert result.exit_code == 2
    assert all(fmt in result.stderr for fmt in FORMATS)
    assert "did you mean 'graphml'?" in result.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "cache"] or not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("neo4j", "did you mean cypher (or csv for neo4j-admin import)?"),
        ("Neo4j", "did you mean cypher (or csv for neo4j-admin import)?"),
        ("gephi", "did you mean gexf (or graphml)?"),
        ("turtle", "did you mean ttl?"),
        ("rdf", "did you mean ttl?"),
        ("excel", "did you mean csv?"),
    ],
)
def test_a_tools_name_for_a_format_offers_its_format(run, tmp_path: Path, typed: str, offered: str) -> None:  # type: ignore[no-untyped-def]
    """`-f neo4j` named the tool, not a format: the hint offered nothing close (or a format only spelt alike)."""
    result = run("export", "--format", typed, "-o", str(tmp_path / "x"))
    assert result.exit_code == 2 and f"unknown export format {typed!r}" in result.stderr
    assert offered in result.stderr and "formats: csv, cypher" in result.stderr and "Traceback" not in result.stderr


def test_every_format_offered_for_a_tool_is_a_format() -> None:
    from ipkb.export import MEANT

    for typed, offered in MEANT.items():
        named = {word.strip("(),") for word in offered.split()} & set(FORMATS)
        assert offered.split()[0] in FORMATS and named, typed
        assert typed not in FORMATS and typed == typed.lower()


def test_the_registry_finds_every_format_module_and_nothing_else() -> None:
    """A format is one module with `HELP` (read from its text, not imported): every module of ipkb/export that
    writes a graph (`write(graph, stream)` or `write_files(graph, streams)`) is found, with the HELP it
    declares, and no helper module is (turtle.py's `write` takes prefixes and blocks)."""
    import ast
    import importlib

    folder = REPO / "ipkb" / "export"
    writers = set()
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in ("write", "write_files") and node.args.args:
                writers |= {path.stem} if node.args.args[0].arg == "graph" else set()
    assert set(FORMATS) == writers
    for fmt, words in FORMATS.items():
        declared = importlib.import_module(f"ipkb.export.{fmt}").HELP
        assert declared == words, fmt


@pytest.mark.parametrize("fmt", ["ttl", "csv", "html"])
def test_unwritable_target_leaves_no_partial_file(run, tmp_path: Path, fmt: str) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run("export", "--format", fmt, "-o", str(blocker / "kb.out"))
    assert result.exit_code == 1 and "cannot write" in result.stderr
    assert blocker.read_text() == "not a folder"


def test_failed_write_keeps_the_previous_file(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ipkb.export.ttl

    target = tmp_path / "out" / "kb.ttl"
    target.parent.mkdir()
    target.write_text("previous export")

    def broken(graph: object, stream: io.BufferedWriter) -> None:
        stream.write(b"@prefix half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ipkb.export.ttl, "write", broken)
    result = run("export", "--format", "ttl", "-o", str(target))
    assert result.exit_code == 1 and "No space left on device" in result.stderr
    assert target.read_text() == "previous export"
    assert sorted(p.name for p in target.parent.iterdir()) == ["kb.ttl"]


def test_export_help_names_every_file_a_multi_file_format_writes() -> None:
    """`export --help` said csv writes NAME-nodes.csv and NAME-relationships.csv: it writes NAME-constraints.cypher
    too. The files are named once, in the format's HELP, from its FILES."""
    from ipkb.export import module

    for fmt in FORMATS:
        for suffix in getattr(module(fmt), "FILES", ()):
            assert f"NAME{suffix}" in FORMATS[fmt], (fmt, suffix)
    shown = invoke(["export", "--help"]).stdout
    assert "NAME-constraints.cypher" in shown and shown.count("NAME-nodes.csv") == 1
