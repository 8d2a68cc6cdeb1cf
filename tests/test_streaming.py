"""Whole-KB exports stream from the store: the same bytes as the networkx path, in an order no rowid decides."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import networkx as nx
import pytest

import ipkb.export.graph
from ipkb.build.store import build
from ipkb.export import FORMATS, export_to, module
from ipkb.export.graph import StreamedGraph, build_graph, export_graph
from ipkb.read.query import Store
from tests.conftest import BUNDLED_KB, FIXTURES

STREAMED = sorted(fmt for fmt in FORMATS if getattr(module(fmt), "STREAMS", False))

# Records that stress what the streamed writers must copy from networkx: escaping (& < > " ' tab CR LF,
# Chinese), repeated relations (keys #2, and networkx grouping a source's edges by target), a text
# qualifier that is a number on one relation and text on another (two GraphML keys), dates for --as-of,
# relations in a file that sorts before the others, and facts about one metric in two files.
ODD_ENTITIES = """\
- id: odd-agency
  type: agency
  name: "Odd & <Strange> \\"Office\\""
  zh: 奇怪局
  description: "Line one\\nline two\\ttabbed\\nand a 'quote' & <tag>"
  aliases: ["Odd & Co", "奇怪"]
  sources: [{source: src-article, quote: "odd & <odd>"}]
- id: another-agency
  type: agency
  name: Another Agency
  sources: [{source: src-article}]
"""
EARLY_RELATIONS = """\
- from: keqiao
  type: located_in
  to: shaoxing
  since: "2015"
  sources: [{source: src-article, quote: "again, from 2015"}]
- from: odd-agency
  type: located_in
  to: huzhou
  until: "2012"
  note: "moved & \\"renamed\\""
  sources: [{source: src-article, quote: "until 2012"}, {source: src-article, quote: "second <citation>"}]
"""
LATE_RELATIONS = """\
- from: keqiao
  type: located_in
  to: zhejiang
  since: "2016-05"
  sources: [{source: src-article}]
- from: keqiao
  type: located_in
  to: shaoxing
  note: third time
  sources: [{source: src-article}]
- from: national-center
  type: run_by
  to: odd-agency
  role: 7
  sources: [{source: src-article}]
- from: keqiao-overseas-dispute-subcenter
  type: run_by
  to: odd-agency
  role: "lead & host"
  year: 2013
  sources: [{source: src-article}]
- from: national-center
  type: run_by
  to: another-agency
  role: 2.5
  sources: [{source: src-article}]
"""
MORE_FACTS = """\
- entity: national-center
  metric: subcenter_count
  value: 40
  period: "2024-06"
  note: "a second count & a <different> one"
  sources: [{source: src-article, quote: "40"}]
- entity: national-center
  metric: subcenter_count
  value: 12
  period: "2019"
  sources: [{source: src-article}]
"""


def odd_kb(folder: Path) -> Path:
    kb = folder / "odd-kb"
    shutil.copytree(FIXTURES / "mini", kb)
    (kb / "entities" / "odd.yaml").write_text(ODD_ENTITIES, encoding="utf-8")
    (kb / "relations" / "aa-early.yaml").write_text(EARLY_RELATIONS, encoding="utf-8")
    (kb / "relations" / "zz-late.yaml").write_text(LATE_RELATIONS, encoding="utf-8")
    (kb / "facts" / "more.yaml").write_text(MORE_FACTS, encoding="utf-8")
    return kb


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Built databases of the bundled KB, the mini fixture and the odd KB."""
    folder = tmp_path_factory.mktemp("streaming")
    out = {}
    for name, kb in (("bundled", BUNDLED_KB), ("mini", FIXTURES / "mini"), ("odd", odd_kb(folder))):
        out[name] = folder / f"{name}.sqlite"
        build(kb, out[name])
    return out


def exported(graph: object, fmt: str, folder: Path) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    return {path.name: path.read_bytes() for path in export_to(graph, fmt, str(folder / f"kb.{fmt}"))}


def both_paths(db: Path, fmt: str, folder: Path, as_of: str | None = None) -> tuple[dict[str, bytes], ...]:
    """The export of the whole KB streamed, and written from the networkx graph."""
    store = Store(db, as_of)
    try:
        streamed = exported(StreamedGraph(store), fmt, folder / "streamed")
        built = exported(build_graph(store), fmt, folder / "built")
    finally:
        store.close()
    return streamed, built


def test_the_formats_that_stream() -> None:
    assert STREAMED == ["csv", "cypher", "dot", "gexf", "graphml", "jsonl", "ttl"]


@pytest.mark.parametrize("fmt", STREAMED)
@pytest.mark.parametrize("kb", ["bundled", "mini", "odd"])
def test_streamed_export_is_byte_identical_to_the_networkx_one(
    databases: dict[str, Path], tmp_path: Path, kb: str, fmt: str
) -> None:
    streamed, built = both_paths(databases[kb], fmt, tmp_path)
    assert streamed.keys() == built.keys() and all(streamed.values())
    for name in built:
        assert streamed[name] == built[name], name


@pytest.mark.parametrize("fmt", STREAMED)
def test_streamed_export_as_of_a_day_is_byte_identical(databases: dict[str, Path], tmp_path: Path, fmt: str) -> None:
    streamed, built = both_paths(databases["odd"], fmt, tmp_path, as_of="2014-06-30")
    assert streamed == built
    everything, _ = both_paths(databases["odd"], fmt, tmp_path / "all")
    assert streamed != everything  # the day hides relations and facts


def test_odd_kb_exercises_what_it_should(databases: dict[str, Path], tmp_path: Path) -> None:
    store = Store(databases["odd"])
    graph = build_graph(store)
    store.close()
    keqiao = [(v, key) for _, v, key in graph.out_edges("keqiao", keys=True)]
    assert keqiao == [  # by target as first met in KB order: aa-early, centers, places, zz-late.yaml
        ("shaoxing", "keqiao>located_in>shaoxing"),
        ("shaoxing", "keqiao>located_in>shaoxing#2"),
        ("shaoxing", "keqiao>located_in>shaoxing#3"),
        ("keqiao-overseas-dispute-subcenter", "keqiao>hosts>keqiao-overseas-dispute-subcenter"),
        ("zhejiang", "keqiao>located_in>zhejiang"),
        ("src-article", "keqiao>cites>src-article"),  # its own citation: after its relations, as streamed
    ]
    assert graph.edges["keqiao", "shaoxing", "keqiao>located_in>shaoxing"]["qualifiers"] == {"since": "2015"}
    graphml = exported(StreamedGraph(Store(databases["odd"])), "graphml", tmp_path)["kb.graphml"].decode()
    assert '<key id="e_q_role_long" for="edge" attr.name="q_role" attr.type="long" />' in graphml
    assert '<key id="e_q_role" for="edge" attr.name="q_role" attr.type="string" />' in graphml
    key_ids = re.findall(r'<key id="([^"]+)"', graphml)
    assert len(key_ids) == len(set(key_ids)) and {"n_type", "e_type", "n_sources", "e_sources"} <= set(key_ids)
    assert "&amp; &lt;tag&gt;" in graphml and "line two\ttabbed" in graphml  # (validate refuses a \r in text)
    facts = [f["value"] for f in graph.nodes["national-center"]["facts"]]
    assert facts == [12, 43, 40]  # metric, period, then file and line: claims.yaml before more.yaml


def test_order_does_not_depend_on_rowids(databases: dict[str, Path], tmp_path: Path) -> None:
    """An incremental rebuild gives changed rows new rowids: reversing them all changes no export."""
    shuffled = tmp_path / "shuffled.sqlite"
    shutil.copy(databases["odd"], shuffled)
    con = sqlite3.connect(shuffled)
    for table, kind in (("relation", "relation"), ("fact", "fact")):
        con.execute(f"UPDATE {table} SET rowid = 100000 - rowid")
        con.execute(
            "UPDATE citation SET owner = CAST(100000 - CAST(owner AS INTEGER) AS TEXT) WHERE owner_kind = ?", (kind,)
        )
    con.execute("UPDATE name SET rowid = rowid + 100000")  # aliases keep their order within an entity
    con.commit()
    con.close()
    for fmt in [*STREAMED, "json", "ttl"]:
        expected = exported(StreamedGraph(Store(databases["odd"])), fmt, tmp_path / "original" / fmt)
        assert exported(StreamedGraph(Store(shuffled)), fmt, tmp_path / "shuffled" / fmt) == expected, fmt
        store = Store(shuffled)
        ids, edges, _ = ipkb.export.graph.select(store, types=["county", "city", "province", "country"])
        filtered = exported(build_graph(store, ids, edges), fmt, tmp_path / "filtered-shuffled" / fmt)
        store = Store(databases["odd"])
        ids, edges, _ = ipkb.export.graph.select(store, types=["county", "city", "province", "country"])
        assert exported(build_graph(store, ids, edges), fmt, tmp_path / "filtered" / fmt) == filtered, fmt


def test_whole_export_streams_and_filtered_export_builds(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    def no_graph(*args: object, **kwargs: object) -> nx.MultiDiGraph:
        raise AssertionError("a whole-KB export of a streamed format built the networkx graph")

    monkeypatch.setattr(ipkb.export.graph, "build_graph", no_graph)
    for fmt in STREAMED:
        result = run("export", "--format", fmt, "-o", str(tmp_path / f"kb.{fmt}"))
        assert result.exit_code == 0, result.stderr
    monkeypatch.undo()
    assert run("export", "--format", "json", "-o", str(tmp_path / "kb.json")).exit_code == 0
    filtered = run("export", "--format", "graphml", "--type", "city")
    assert filtered.exit_code == 0 and nx.parse_graphml(filtered.stdout).number_of_nodes() == 4


def test_export_graph_streams_only_without_filters(databases: dict[str, Path]) -> None:
    store = Store(databases["mini"])
    assert isinstance(export_graph(store), StreamedGraph)
    assert isinstance(export_graph(store, types=["city"]), nx.MultiDiGraph)
    assert isinstance(export_graph(store, root="keqiao"), nx.MultiDiGraph)
    assert isinstance(export_graph(store, relations=["located_in"]), nx.MultiDiGraph)
    store.close()


def test_scratch_file_goes_beside_the_export_and_is_removed(databases: dict[str, Path], tmp_path: Path) -> None:
    store = Store(databases["mini"])
    graph = StreamedGraph(store)
    for fmt in ("graphml", "gexf"):
        exported(graph, fmt, tmp_path / fmt)
        assert graph.spool_dir == tmp_path / fmt
        assert sorted(p.name for p in (tmp_path / fmt).iterdir()) == [f"kb.{fmt}"]
    store.close()
