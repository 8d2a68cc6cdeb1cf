"""Every command through the real entry point, on the small fixture KB."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest

from tests.conftest import invoke


def test_show_resolves_english_chinese_alias_and_case(run) -> None:
    for words in ("huzhou", "HUZHOU", "湖州", "湖州市", "Huzhou City", "huzhou city", "Húzhōu"):
        result = run("show", words, "--json")
        assert result.exit_code == 0, (words, result.stderr)
        assert json.loads(result.stdout)["id"] == "huzhou"


def test_show_json_follows_the_contract(run) -> None:
    view = json.loads(run("show", "huzhou", "--json").stdout)
    assert view["names"] == {"en": "Huzhou", "zh": "湖州市", "pinyin": "Húzhōu Shì"}
    assert view["aliases"] == ["Huzhou City"]
    fact = view["facts"][0]
    assert (fact["metric"], fact["value"], fact["period"]) == ("invention_patents_per_10k_people", 8.09, "2014")
    assert fact["sources"] == [{"source": "src-article", "quote": "8.09 invention patents per 10,000 people"}]
    holds = next(r for r in view["relations"] if r["type"] == "holds_designation")
    assert holds["direction"] == "out" and holds["label"] == "holds"
    assert holds["qualifiers"] == {"rank": 4, "rank_of": 25, "year": 2014}
    located = next(r for r in view["relations"] if r["type"] == "located_in")
    assert located["other"]["id"] == "zhejiang"
    assert [s["id"] for s in view["sources"]] == ["src-article"]


def test_show_incoming_relations_use_the_inverse_label(run) -> None:
    view = json.loads(run("show", "zhejiang", "--json").stdout)
    incoming = {(r["label"], r["other"]["id"]) for r in view["relations"] if r["direction"] == "in"}
    assert incoming == {("contains", "huzhou"), ("contains", "shaoxing")}


def test_show_renders_for_people(run) -> None:
    out = run("show", "huzhou").stdout
    assert "Huzhou" in out and "湖州市" in out and "city · huzhou" in out
    assert "rank 4 of 25" in out and "[1]" in out and "A test article" in out
    assert "\x1b[" not in out  # piped output carries no colour codes


def test_show_unknown_name_suggests_and_exits_1(run) -> None:
    result = run("show", "huzou")
    assert result.exit_code == 1
    assert "no entity matches 'huzou'" in result.stderr and "did you mean: huzhou" in result.stderr
    assert result.stdout == ""


def test_show_a_name_like_none_says_so(run) -> None:
    result = run("show", "nosuch")
    assert result.exit_code == 1 and "no similar name" in result.stderr and "did you mean" not in result.stderr


def test_show_ambiguous_name_lists_candidates(run) -> None:
    result = run("show", "Tai Zhou")
    assert result.exit_code == 1
    assert "taizhou-jiangsu" in result.stderr and "taizhou-zhejiang" in result.stderr


def test_errors_under_json_are_one_document_on_stderr(run) -> None:
    result = run("show", "huzou", "--json")
    assert result.exit_code == 1 and result.stdout == ""  # `ipkb ... --json > out.json` never saves an error
    document = json.loads(result.stderr)
    assert document["ok"] is False and "huzou" in document["errors"][0]["message"]


def test_path_walks_relations_with_labels_and_citations(run) -> None:
    view = json.loads(run("path", "keqiao", "national overseas dispute center", "--json").stdout)
    assert view["length"] == 2
    assert [(h["from"]["id"], h["label"], h["to"]["id"]) for h in view["hops"]] == [
        ("keqiao", "hosts", "keqiao-overseas-dispute-subcenter"),
        ("keqiao-overseas-dispute-subcenter", "sub-center of", "national-center"),
    ]
    assert all(h["sources"] for h in view["hops"])
    assert view["hops"][1]["qualifiers"] == {"status": "planned"}


def test_path_backwards_uses_inverse_labels(run) -> None:
    view = json.loads(run("path", "zhejiang", "keqiao", "--json").stdout)
    assert [(h["label"], h["direction"]) for h in view["hops"]] == [("contains", "in"), ("contains", "in")]


def test_path_all_via_and_max_hops(run) -> None:
    both = json.loads(run("path", "huzhou", "shaoxing", "--all", "--json").stdout)
    assert both["length"] == 2 and len(both["paths"]) == 1
    assert run("path", "huzhou", "keqiao", "--max-hops", "2").exit_code == 1
    assert run("path", "huzhou", "keqiao", "--max-hops", "3").exit_code == 0
    restricted = run("path", "keqiao", "national-center", "--via", "located_in")
    assert restricted.exit_code == 1 and "no path" in restricted.stderr
    assert run("path", "keqiao", "national-center", "--via", "locatd").exit_code == 2


def test_path_between_disconnected_and_identical_entities(run) -> None:
    result = run("path", "island", "huzhou")
    assert result.exit_code == 1 and "no path between island and huzhou" in result.stderr
    same = json.loads(run("path", "huzhou", "huzhou", "--json").stdout)
    assert same["length"] == 0 and same["hops"] == []
    earlier = run("path", "keqiao", "national-center", "--as-of", "2010")  # hidden by the date, not missing
    assert earlier.exit_code == 1 and "as of 2010" in earlier.stderr and "a later --as-of" in earlier.stderr


def test_path_renders_for_people(run) -> None:
    out = run("path", "keqiao", "national-center").stdout
    assert "─hosts · planned→" in out and "every hop cited" in out


def test_search_finds_chinese_substrings_and_ranks(run) -> None:
    for text, expected in (
        ("柯桥", "keqiao"),
        ("柯桥区", "keqiao"),
        ("海外知识产权", "national-center"),
        ("Huzhou", "huzhou"),
        ("ke bridge", "keqiao"),
    ):
        hits = json.loads(run("search", text, "--json").stdout)["entities"]
        assert hits and hits[0]["id"] == expected, (text, hits)
    typed = json.loads(run("search", "zhou", "--type", "city", "--json").stdout)["entities"]
    assert typed and all(h["type"] == "city" for h in typed)


@pytest.mark.parametrize("route", ["fast", "typer"])
def test_search_takes_several_unquoted_words_as_one_text(run, monkeypatch: pytest.MonkeyPatch, route: str) -> None:
    """`ipkb search keqiao qu` is `ipkb search "keqiao qu"` (the README: every word, in any order), on the
    fast path and through typer alike; no word at all is still typer's usage error."""
    if route == "typer":
        monkeypatch.setenv("IPKB_NO_FAST", "1")
    unquoted = run("search", "keqiao", "qu", "--json")
    assert unquoted.exit_code == 0, unquoted.stderr
    assert unquoted.stdout == run("search", "keqiao qu", "--json").stdout
    assert json.loads(unquoted.stdout)["entities"][0]["id"] == "keqiao"
    nothing = run("search")
    assert nothing.exit_code == 2 and "Missing argument" in nothing.stderr


def test_search_odd_input_answers_or_refuses_clearly(run) -> None:
    for text in ("AND OR NOT", "huzhou*", "'; DROP TABLE entity; --", "x" * 5000, '"huzhou', "((keqiao"):
        result = run("search", text, "--json")
        assert result.exit_code == 0, (text, result.stderr)
        assert isinstance(json.loads(result.stdout)["entities"], list)
    empty = run("search", "  ")
    assert empty.exit_code == 2 and "needs some text" in empty.stderr
    for text in ('"', "%_", "(("):  # punctuation alone matched every name holding that mark
        refused = run("search", text, "--json")
        assert refused.exit_code == 2 and "needs a letter, a digit or a Chinese character" in refused.stderr


def test_list_filters_by_type_place_and_designation(run) -> None:
    cities = json.loads(run("list", "--type", "city", "--json").stdout)["entities"]
    assert {c["id"] for c in cities} == {"huzhou", "shaoxing", "taizhou-jiangsu", "taizhou-zhejiang"}
    inside = json.loads(run("list", "--in", "zhejiang", "--json").stdout)["entities"]
    assert {c["id"] for c in inside} == {"huzhou", "shaoxing", "keqiao"}
    holders = json.loads(run("list", "--designation", "national-ip-demonstration-city", "--json").stdout)["entities"]
    assert [h["id"] for h in holders] == ["huzhou"]
    assert all("in" not in c for c in cities)  # where each lies is said only under --in


def test_list_in_a_place_says_where_each_lies_directly(run, monkeypatch: pytest.MonkeyPatch) -> None:
    """Everything in Zhejiang: a county's city is in sight (and in --json), not only that it is in Zhejiang."""
    rows = {r["id"]: r for r in json.loads(run("list", "--in", "zhejiang", "--json").stdout)["entities"]}
    assert [p["id"] for p in rows["keqiao"]["in"]] == ["shaoxing"] and rows["keqiao"]["in"][0]["name"] == "Shaoxing"
    assert [p["name"] for p in rows["huzhou"]["in"]] == ["Zhejiang"]
    inner = json.loads(run("list", "--in", "shaoxing", "--json").stdout)["entities"]
    assert [(r["id"], [p["id"] for p in r["in"]]) for r in inner] == [("keqiao", ["shaoxing"])]
    monkeypatch.setenv("COLUMNS", "80")
    lines = run("list", "--in", "zhejiang").stdout.splitlines()
    assert lines[0].split() == ["id", "type", "name", "zh", "located", "in"]
    assert next(line for line in lines if line.startswith(" keqiao ")).split()[-1] == "Shaoxing"
    assert run("list", "--type", "planet").exit_code == 2


HOLDERS_BY_INFERENCE_AND_PLAN = """\
- from: keqiao
  type: holds_designation
  to: national-ip-demonstration-city
  confidence: inferred
  note: A test's inference.
  sources: [{source: src-article, quote: "ranks fourth in the country"}]
- from: shaoxing
  type: holds_designation
  to: national-ip-demonstration-city
  status: planned
  sources: [{source: src-article, quote: "ranks fourth in the country"}]
"""


def test_list_marks_holders_by_inference_or_plan(mini_kb: Path) -> None:
    """A designation's list does not present an inferred or planned holder as a plain one: in the table,
    in JSON, in CSV, and by a note when the chosen columns leave the mark out."""
    (mini_kb / "relations" / "marked.yaml").write_text(HOLDERS_BY_INFERENCE_AND_PLAN)
    args = ["--kb", str(mini_kb), "list", "--designation", "national-ip-demonstration-city"]
    rows = {r["id"]: r["caveat"] for r in json.loads(invoke([*args, "--json"]).stdout)["entities"]}
    assert rows == {"huzhou": None, "keqiao": "inferred", "shaoxing": "planned"}
    table = invoke(args).stdout
    assert re.search(r"keqiao .* inferred", table) and re.search(r"shaoxing .* planned", table)
    assert "keqiao,county,Keqiao District,柯桥区,inferred" in invoke([*args, "--format", "csv"]).stdout
    narrowed = invoke([*args, "--columns", "id,year"])
    assert "2 of these rest on an inference, plan or announcement" in narrowed.stderr
    assert invoke(["--kb", str(mini_kb), "list", "--columns", "caveat"]).exit_code == 2


def test_list_columns_take_every_column_the_table_shows(run) -> None:
    """`list --in PLACE` shows `located in` (and `caveat` when one is marked): --columns takes both by the names
    --json uses, `in` and `caveat`; a wrong name is a usage error that says which names there are."""
    table = run("list", "--in", "zhejiang", "--columns", "id,in,caveat")
    assert table.exit_code == 0, table.stderr
    assert "located in" in table.stdout and any(
        line.split()[:2] == ["huzhou", "Zhejiang"] for line in table.stdout.splitlines()
    )
    csv_text = run("list", "--in", "zhejiang", "--columns", "id,in,caveat", "--format", "csv").stdout.splitlines()
    assert csv_text[0] == "id,in,caveat" and "huzhou,zhejiang," in csv_text
    assert run("list", "--in", "zhejiang", "--columns", "caveat").exit_code == 0
    rows = json.loads(run("list", "--in", "zhejiang", "--columns", "id,in", "--json").stdout)["entities"]
    assert {"id": "huzhou", "in": [{"id": "zhejiang", "type": "province", "name": "Zhejiang", "zh": "浙江省"}]} in rows
    wrong = run("list", "--in", "zhejiang", "--columns", "id,cavaet")
    assert wrong.exit_code == 2 and "did you mean 'caveat'?" in wrong.stderr
    assert "columns: id, type, name, zh, pinyin, description, caveat, in; a relation type: " in wrong.stderr
    no_place = run("list", "--columns", "in")
    assert no_place.exit_code == 2 and "needs --in" in no_place.stderr


def test_neighbors_by_depth_and_tree(run) -> None:
    one = json.loads(run("neighbors", "keqiao", "--json").stdout)["entities"]
    assert {n["id"]: n["depth"] for n in one} == {"keqiao": 0, "shaoxing": 1, "keqiao-overseas-dispute-subcenter": 1}
    two = json.loads(run("neighbors", "keqiao", "--depth", "2", "--json").stdout)["entities"]
    assert {"zhejiang", "national-center"} <= {n["id"] for n in two}
    tree = run("neighbors", "keqiao", "--tree").stdout
    assert "Keqiao District" in tree and "located in Shaoxing" in tree
    assert run("neighbors", "keqiao").stdout == tree  # the tree, with caveats and sources, is the default
    assert run("neighbors", "keqiao", "--table", "--tree").exit_code == 2


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_neighbors_table_says_how_each_entity_is_reached(run, monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    out = run("neighbors", "keqiao", "--table").stdout
    flat = " ".join(out.split())
    # Shaoxing is one hop from Keqiao, which lies in it: read from Keqiao, "located in"
    assert "from" in out and "relation" in out
    # a table row, or a record's lines; or, where `from` is left out to give the names room, a row and the note
    # that every entity is one hop from keqiao
    assert re.search(r"shaoxing .*keqiao (relation )?located in", flat) or (
        re.search(r"shaoxing .*located in", flat) and "2 entities one hop from keqiao" in flat
    )
    assert all(len(line) <= columns for line in out.splitlines())


@pytest.mark.parametrize("columns", [60, 80, 120, 200])
def test_neighbors_table_keeps_what_qualifies_each_link(run, monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    """A journalist wanting a table of sub-centers with their batch, date and source found `neighbors --table`
    without them: the planned Keqiao sub-center read like a real one. Its `details` (planned, dates, batch,
    inferred) and `sources`, the sources listed under it, come at every width: in the table, or, where the
    table would leave the names no room, in records (a new user's trial found them left out at 80 columns)."""
    monkeypatch.setenv("COLUMNS", str(columns))
    out = run("neighbors", "national-center", "--table").stdout
    flat = " ".join(out.split())
    assert re.search(r"keqiao-overseas-dispute-subcenter .*planned", flat), out
    assert "[1] “A test article”" in flat and "details" in flat and "not shown at this width" not in flat
    assert all(len(line) <= columns for line in out.splitlines())


def test_neighbors_table_keeps_a_second_link_to_the_same_entity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shanghai's sub-center was approved in batch 1 and again in batch 2: the tree said `also has sub-center ·
    batch 2`, the table kept only the first link and its sources."""
    from tests.conftest import BUNDLED_KB

    monkeypatch.setenv("COLUMNS", "200")
    out = invoke(["--kb", str(BUNDLED_KB), "neighbors", "national-center", "--via", "subcenter_of", "--table"]).stdout
    row = " ".join(" ".join(out.split(" shanghai-overseas-dispute-subcenter ")[1].split("\n ")[:5]).split())
    assert "also has sub-center · batch 2 · 2021-04-21" in row, row


def test_stats_counts_and_citation_shares(run) -> None:
    view = json.loads(run("stats", "--json").stdout)
    assert (view["entities"], view["relations"], view["facts"], view["sources"]) == (12, 7, 2, 1)
    assert view["by_type"]["city"] == 4 and view["by_relation"]["located_in"] == 4
    assert view["citations"]["relations"]["with_source"] == 7
    assert view["citations"]["relations"]["with_quote"] == 4
    assert "11 entities + 1 source ·" in run("stats").stdout  # the headline does not count sources as entities


def test_coverage_sets_claims_beside_listed_members(run) -> None:
    claims = json.loads(run("coverage", "--json").stdout)["claimed_totals"]
    assert claims == [
        {
            "entity": {
                "id": "national-center",
                "type": "center",
                "zh": "国家海外知识产权纠纷应对指导中心",
                "name": "National Overseas Intellectual Property Dispute Response and Guidance Center",
            },
            "metric": "subcenter_count",
            "period": "2024",
            "scope": {},
            "claimed": 43,
            "listed": 0,
            "undated": 0,
            "missing": 43,
            "members": [],
            "undated_members": [],
            "confidence": "seen",
            "sources": [{"source": "src-article", "quote": "43 local sub centers in 27 provinces"}],
        }
    ]  # the planned Keqiao sub-center is not counted as a member
    for command in ("coverage", "stats"):  # on screen too: the source of each total, and its words
        shown = " ".join(run(command).stdout.split())
        assert "43 0 [1]" in shown and "[1] src-article: “43 local sub centers in 27 provinces”" in shown, command


def test_coverage_counts_members_by_period_and_keeps_undated_apart(run, mini_kb: Path) -> None:
    (mini_kb / "entities" / "subcenters.yaml").write_text(
        "".join(
            f"- id: {name}\n  type: center\n  name: {name}\n  sources: [{{source: src-article}}]\n"
            for name in ("early", "late", "undated")
        )
        # a source with no date: one dated by 2024 would date the undated sub-center (test_as_of)
        + "- {id: src-undated, type: source, name: An undated note, title: An undated note, kind: article}\n"
    )
    (mini_kb / "relations" / "subcenters.yaml").write_text(
        "- {from: early, type: subcenter_of, to: national-center, date: 2020-04-08, sources: [src-article]}\n"
        "- {from: late, type: subcenter_of, to: national-center, year: 2025, sources: [src-article]}\n"
        "- {from: undated, type: subcenter_of, to: national-center, sources: [src-undated]}\n"
    )
    (claim,) = json.loads(run("coverage", "--json").stdout)["claimed_totals"]
    assert (claim["members"], claim["undated_members"]) == (["early"], ["undated"])
    assert claim["missing"] == 41


def test_export_graphml_round_trip(run, tmp_path: Path) -> None:
    target = tmp_path / "kb.graphml"
    assert run("export", "--format", "graphml", "-o", str(target)).exit_code == 0
    graph = nx.read_graphml(target)
    # the relations, then a cites edge from each of the 11 entities that cite src-article
    assert graph.number_of_nodes() == 12 and graph.number_of_edges() == 7 + 11
    assert graph.nodes["huzhou"]["zh"] == "湖州市" and graph.nodes["huzhou"]["type"] == "city"
    assert graph.nodes["huzhou"]["label"] == "Huzhou 湖州市"
    edge = next(d for u, v, d in graph.edges(data=True) if (u, v) == ("huzhou", "national-ip-demonstration-city"))
    assert edge["type"] == "holds_designation" and edge["label"] == "holds"
    assert json.loads(edge["qualifiers"]) == {"rank": 4, "rank_of": 25, "year": 2014}
    assert json.loads(edge["sources"]) == [{"source": "src-article", "quote": "ranks fourth in the country"}]


def test_export_subgraph_and_stdout(run) -> None:
    result = run("export", "--root", "keqiao", "--depth", "1", "-o", "-")
    assert result.exit_code == 0
    graph = nx.parse_graphml(result.stdout)
    assert set(graph.nodes) == {"keqiao", "shaoxing", "keqiao-overseas-dispute-subcenter"}


def test_export_errors_leave_no_partial_file(run, tmp_path: Path) -> None:
    unknown = run("export", "--format", "gml", "-o", str(tmp_path / "x"))
    assert unknown.exit_code == 2 and "graphml" in unknown.stderr
    missing_folder = run("export", "-o", str(tmp_path / "no" / "such" / "x.graphml"))
    assert missing_folder.exit_code == 1 and "cannot write" in missing_folder.stderr
    assert not (tmp_path / "no").exists()


def test_validate_and_verify_clean_kb(run) -> None:
    result = run("validate", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == {"ok": True, "errors": [], "warnings": []}
    texts = Path(__file__).parent / "fixtures"
    verified = run("verify", "--texts", str(texts), "--json")
    assert verified.exit_code == 0 and json.loads(verified.stdout)["found"] == 20


def test_validate_warns_of_a_repeated_relation_and_a_shared_chinese_name(run, mini_kb: Path) -> None:
    (mini_kb / "relations" / "z-again.yaml").write_text(
        "- from: huzhou\n  type: located_in\n  to: zhejiang\n  sources: [{source: src-article}]\n"
    )
    (mini_kb / "entities" / "z-twin.yaml").write_text(  # same Chinese name, another type: a warning
        "- id: huzhou-twin\n  type: county\n  name: Huzhou Twin\n  zh: 湖州市\n"
        "  sources: [{source: src-article, quote: 湖州市}]\n"
    )
    result = run("validate", "--json")
    assert result.exit_code == 0, result.stderr
    warnings = json.loads(result.stdout)["warnings"]
    repeated = [w for w in warnings if w["file"].endswith("z-again.yaml")]
    assert len(repeated) == 1 and "repeats the one at" in repeated[0]["message"]
    assert "relations/places.yaml:5" in repeated[0]["message"]
    twins = [w for w in warnings if w["file"].endswith("z-twin.yaml")]
    assert len(twins) == 1 and "'huzhou'" in twins[0]["message"]


def test_verify_reports_a_quote_missing_from_its_text(run, mini_kb: Path) -> None:
    path = mini_kb / "relations" / "places.yaml"
    path.write_text(path.read_text().replace("Keqiao District, Shaoxing", "Keqiao District of Shaoxing"))
    result = run("verify", "--texts", str(Path(__file__).parent / "fixtures"))
    assert result.exit_code == 1
    assert "places.yaml:16: " in result.stdout and "quote not found" in result.stdout


def test_verify_reads_a_markdown_note_without_its_bold_marks(run, mini_kb: Path, tmp_path: Path) -> None:
    """A research note writes **43**; a quote of it need not copy the marks (they showed up in answers)."""
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "note.md").write_text("Hu said 21 were added in 2023, bringing the total to **43**.\n", encoding="utf-8")
    (mini_kb / "entities" / "z-note.yaml").write_text(
        "- id: research-note\n  type: source\n  name: Our note\n  file: note.md\n  kind: article\n"
    )
    relations = mini_kb / "relations" / "places.yaml"
    quoted = '{source: src-article, quote: "bringing the total to 43", via: research-note}'
    relations.write_text(relations.read_text().replace("{source: src-article}", quoted, 1))
    result = run("verify", "--texts", str(texts), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["found"] == 1, result.stdout
    relations.write_text(relations.read_text().replace("the total to 43", "the total to 44"))
    assert run("verify", "--texts", str(texts)).exit_code == 1


def test_build_says_where_the_database_is(run, isolated_cache: Path) -> None:
    result = run("build")
    assert result.exit_code == 0 and str(isolated_cache) in result.stdout


def test_build_says_whether_anything_changed(run, mini_kb: Path) -> None:
    """A second `ipkb build` with no edit says the store was already up to date, not "built"; after an edit,
    how many files it read again."""
    first = run("build")
    assert first.exit_code == 0 and first.stdout.startswith("built ") and "read all 5 record files" in first.stdout
    again = run("build")
    assert again.exit_code == 0 and again.stdout.startswith("already up to date: "), again.stdout
    assert "no file changed" in again.stdout and "built" not in again.stdout.split("\n")[0]
    built = json.loads(run("build", "--json").stdout)
    assert (built["up_to_date"], built["files_read"]) == (True, 0)
    edited = next((mini_kb / "entities").glob("*.yaml"))
    edited.write_text(edited.read_text() + "\n")
    changed = run("build")
    assert changed.stdout.startswith("rebuilt ") and "read the 1 changed of 5 record files" in changed.stdout
    assert run("build", "--full").stdout.startswith("built ")


def test_db_option_and_environment(run, tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "chosen.sqlite"
    assert invoke(["--kb", str(tmp_path / "kb"), "--db", str(db), "build"]).exit_code == 0
    assert db.is_file()
    monkeypatch.setenv("IPKB_KB", str(tmp_path / "kb"))
    assert json.loads(invoke(["show", "keqiao", "--json"]).stdout)["id"] == "keqiao"


def test_usage_errors_exit_2(run) -> None:
    assert run("show").exit_code == 2
    assert run("frobnicate").exit_code == 2
    assert run("neighbors", "keqiao", "--depth", "zero").exit_code == 2


def test_missing_kb_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = invoke(["--kb", str(tmp_path / "nowhere"), "show", "huzhou"])
    assert result.exit_code == 1 and "knowledge base folder not found" in result.stderr


def test_version() -> None:
    result = invoke(["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("ipkb ")


def test_list_pastes_into_a_spreadsheet(run) -> None:
    """--columns picks fields, relation ends and the designation's qualifiers; --format csv/tsv writes them."""
    csv_text = run("list", "--type", "city", "--columns", "id,zh", "--columns", "located_in", "--format", "csv").stdout
    lines = csv_text.splitlines()
    assert lines[0] == "id,zh,located_in" and "huzhou,湖州市,zhejiang" in lines
    tsv = run("list", "--designation", "national-ip-demonstration-city", "--columns", "id,year,rank", "--format", "tsv")
    assert tsv.stdout.splitlines() == ["id\tyear\trank", "huzhou\t2014\t4"]
    as_json = json.loads(run("list", "--type", "city", "--columns", "id,located_in", "--format", "json").stdout)
    assert {"id": "huzhou", "located_in": "zhejiang"} in as_json
    wrong = run("list", "--columns", "id,locatd_in")
    assert wrong.exit_code == 2 and "did you mean 'located_in'" in wrong.stderr
    assert run("list", "--columns", "batch").exit_code == 2  # a qualifier needs --designation


def test_path_shows_each_hop_note_and_where_its_quote_was_read(run, mini_kb: Path) -> None:
    (mini_kb / "relations" / "noted.yaml").write_text(
        "- from: huzhou\n  type: hosts\n  to: national-center\n  note: Only planned, says the article.\n"
        "  sources: [{source: src-article, quote: national intellectual property, via: src-article}]\n"
    )
    out = " ".join(run("path", "huzhou", "national-center", "--via", "hosts").stdout.split())
    assert "note: Only planned, says the article." in out and "src-article, our note on [1]" in out
    assert "[1] “A test article”, 2024-09-30" in out and "quotes taken from our research notes" in out
    view = json.loads(run("path", "huzhou", "national-center", "--via", "hosts", "--json").stdout)
    hop = view["hops"][0]
    assert hop["note"] == "Only planned, says the article." and hop["sources"][0]["via"] == "src-article"
    assert [(s["id"], s["title"]) for s in view["sources"]] == [("src-article", "A test article")]


def test_list_columns_show_in_the_table_too(run) -> None:
    lines = run("list", "--type", "city", "--columns", "id,located_in").stdout.splitlines()
    assert lines[0].split() == ["id", "located_in"] and any(line.split() == ["huzhou", "zhejiang"] for line in lines)
    assert run("list", "--format", "csv", "--json").exit_code == 2


def test_a_relation_column_lists_each_target_once(run, mini_kb: Path) -> None:
    """A city that holds one designation in two years listed it twice (`national-ip-demonstration-city;
    national-ip-demonstration-city`) in a relation column: once now, in text, csv and json."""
    with (mini_kb / "relations" / "centers.yaml").open("a") as f:
        f.write("- {from: huzhou, type: holds_designation, to: national-ip-demonstration-city, year: 2012,\n")
        f.write('   sources: [{source: src-article, quote: "ranks fourth in the country"}]}\n')
    args = ["list", "--type", "city", "--columns", "id,holds_designation"]
    assert any(line.split() == ["huzhou", "national-ip-demonstration-city"] for line in run(*args).stdout.splitlines())
    assert "huzhou,national-ip-demonstration-city" in run(*args, "--format", "csv").stdout.splitlines()
    rows = json.loads(run(*args, "--json").stdout)["entities"]
    assert {"id": "huzhou", "holds_designation": "national-ip-demonstration-city"} in rows


def test_verify_refuses_a_folder_with_no_source_text(run, tmp_path: Path) -> None:
    result = run("verify", "--texts", str(tmp_path))
    assert result.exit_code == 2 and "no source text found" in result.stderr
    bare = run("verify")  # a new user does not know the texts live outside the repository
    assert bare.exit_code == 2 and "seeds/" in bare.stderr and "--texts ../shared" in bare.stderr


def test_search_says_when_the_limit_cut_the_list(run) -> None:
    """A cut list said `1 entity` (and only stderr that more match): it says `1 of N entities` now, and
    --json carries `total` and `truncated`."""
    n = len(json.loads(run("search", "zhou", "--limit", "100", "--json").stdout)["entities"])
    page = json.loads(run("search", "zhou", "--limit", "1", "--json").stdout)
    assert (page["total"], page["truncated"], len(page["entities"])) == (n, True, 1)
    whole_page = json.loads(run("search", "zhou", "--limit", str(n), "--json").stdout)
    assert (whole_page["total"], whole_page["truncated"]) == (n, False)
    cut = run("search", "zhou", "--limit", "1")
    lines = cut.stdout.splitlines()
    assert len(lines) == 4 and lines[-1] == f"1 of {n} entities"  # header, rule, row, count
    assert f"{n} match: --limit {n} shows them all" in cut.stderr
    whole = run("search", "zhou", "--limit", "100")
    assert whole.stdout.splitlines()[-1] == f"{n} entities" and "match" not in whole.stderr


@pytest.mark.parametrize(
    "args",
    [["show", "--json"], ["neighbors", "huzhou", "--depth", "0", "--json"], ["list", "--format", "xls", "--json"]],
)
def test_usage_errors_under_json_are_json_on_stderr(run, args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2 and result.stdout == ""
    assert json.loads(result.stderr)["ok"] is False


def test_path_warns_when_a_hop_is_only_planned(run) -> None:
    out = run("path", "keqiao", "national-center").stdout
    assert "careful: 2 hops only planned" in out  # in the mini KB both links of this path are planned


def test_neighbors_carry_each_links_caveats_and_sources(run, mini_kb: Path) -> None:
    (mini_kb / "relations" / "inferred.yaml").write_text(
        "- from: shaoxing\n  type: hosts\n  to: national-center\n  confidence: inferred\n  note: Read between lines.\n"
        "  sources: [{source: src-article, quote: national intellectual property}]\n"
    )
    rows = json.loads(run("neighbors", "shaoxing", "--json").stdout)["entities"]
    link = next(r for n in rows if n["id"] == "national-center" for r in n["relations"])
    assert link["confidence"] == "inferred" and link["note"] == "Read between lines."
    assert link["sources"][0]["source"] == "src-article"
    tree = " ".join(run("neighbors", "shaoxing", "--tree").stdout.split())
    assert "inferred · [a]" in tree and "[a] Read between lines." in tree and "src-article" in tree


def test_a_stated_name_outranks_a_derived_pinyin(mini_kb: Path) -> None:
    """A county named like its city (its pinyin begins with the city's name) does not make the city's own
    name ambiguous; a name both state is still ambiguous, and each stays reachable by its full name."""
    (mini_kb / "entities" / "twin.yaml").write_text(
        "- id: huzhou-county\n  type: county\n  name: Huzhou County\n  zh: 湖州县\n"
        "  sources: [{source: src-article}]\n",
        encoding="utf-8",
    )
    kb = ["--kb", str(mini_kb)]
    assert json.loads(invoke([*kb, "show", "Huzhou", "--json"]).stdout)["id"] == "huzhou"
    assert json.loads(invoke([*kb, "show", "huzhou county", "--json"]).stdout)["id"] == "huzhou-county"
    both = invoke([*kb, "show", "湖州"])  # 湖州市 and 湖州县 both fold to 湖州: the KB states both
    assert both.exit_code == 1 and "huzhou-county" in both.stderr
    # but a name written exactly as the KB writes it is that entity's
    assert json.loads(invoke([*kb, "show", "湖州县", "--json"]).stdout)["id"] == "huzhou-county"
    assert json.loads(invoke([*kb, "show", "湖州市", "--json"]).stdout)["id"] == "huzhou"


def test_every_commands_help_shows_an_example() -> None:
    """`ipkb COMMAND --help` ends the guesswork with at least one command line to copy."""
    import typer.main
    from typer.core import TyperGroup

    from ipkb.cli.app import app

    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    names = sorted(group.commands)
    assert {"show", "list", "export", "build", "stats"} <= set(names)
    missing = [name for name in names if "e.g. ipkb" not in invoke([name, "--help"]).stdout]
    assert not missing, f"no example in --help of: {missing}"


def test_help_shows_number_ranges_a_person_can_read() -> None:
    """`--limit`'s top is SQLite's largest integer: help says `x>=1`, not `1<=x<=9223372036854775807`, for every
    command; a number past that top is still refused."""
    import typer.main
    from typer.core import TyperGroup

    from ipkb.cli.app import app

    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    helps = {name: invoke([name, "--help"]).stdout for name in sorted(group.commands)}
    assert not [name for name, text in helps.items() if "9223372036854775807" in text or "2**63" in text]
    assert "[default: 20; x>=1]" in helps["search"]
    assert "x>=1" in helps["path"] and "1<=x<=10" in helps["neighbors"]
    too_big = invoke(["search", "hu", "--limit", str(2**63)])
    assert too_big.exit_code == 2 and "9223372036854775807" in too_big.stderr


def test_help_lists_each_command_with_its_whole_summary_on_a_wide_terminal() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": "120"}
    result = subprocess.run([sys.executable, "-m", "ipkb", "--help"], capture_output=True, text=True, env=env)
    assert result.returncode == 0
    assert "The shortest chain of cited relations between two entities, in either direction." in result.stdout
    commands = result.stdout.split("Commands:")[1].splitlines()
    assert commands and not [line for line in commands if line.rstrip().endswith("...")]


def test_a_long_json_answer_is_the_text_json_would_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long answers go through orjson (ten times faster); the text must be json.dumps(indent=2)'s, and json
    takes over where orjson is missing or refuses a value."""
    import builtins
    import json as json_module

    from ipkb.cli import ORJSON_FROM, json_text

    rows = [
        {"id": f"e{i}", "name": "湖州 “x”", "n": i, "f": 8.09, "none": None, "ok": True} for i in range(ORJSON_FROM)
    ]
    document = {"entities": rows, "count": len(rows), "nested": {"a": [1, 2.5, "\u2028"]}}
    expected = json_module.dumps(document, ensure_ascii=False, indent=2)
    assert json_text(document) == expected
    assert json_text({**document, "big": 2**70}) == json_module.dumps(
        {**document, "big": 2**70}, ensure_ascii=False, indent=2
    )
    real_import = builtins.__import__

    def no_orjson(name: str, *args: object, **kwargs: object) -> object:
        if name == "orjson":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_orjson)
    assert json_text(document) == expected


def test_an_entity_named_in_several_words_needs_no_quotes() -> None:
    """`ipkb show Zhizheng District` is `ipkb show "Zhizheng District"`, as search's words are (trial)."""
    unquoted, quoted = (
        invoke(["show", "Zhizheng", "District", "--json"]),
        invoke(["show", "Zhizheng District", "--json"]),
    )
    assert unquoted.exit_code == 0, unquoted.stderr
    assert json.loads(unquoted.stdout)["id"] == "zhifu" and unquoted.stdout == quoted.stdout


def test_validate_counts_entities_and_sources_as_stats_does(run) -> None:
    """The trial read '1072 entities' from validate and '610 entities + 462 sources' from stats."""
    last = run("validate").stdout.strip().splitlines()[-1]
    stats = run("stats").stdout.splitlines()[0]
    assert "11 entities + 1 source" in last and stats.startswith("11 entities + 1 source")


@pytest.mark.parametrize(
    "args",
    [
        ("show", "--bogus", "huzhou"),  # click: an unknown option
        ("nosuch",),  # an unknown command
        ("list", "--format", "xml"),  # a value not among the choices
        ("show",),  # a missing argument
        ("list", "--type", "nosuch"),  # ipkb's own usage error
        ("show", "huzou"),  # a lookup error
    ],
)
def test_every_error_is_headed_error_colon_as_docs_errors_md_says(run, args: tuple[str, ...]) -> None:
    """The trial: ipkb's errors said `error: ...` (docs/errors.md, reliability.md) but click's usage errors
    `Error: ...`, two styles for one kind of line. Every error now says `error:`, click's keeping its usage
    line and how to get help above it, and its exit code."""
    result = run(*args)
    assert result.exit_code in (1, 2), result
    lines = result.stderr.splitlines()
    assert any(line.startswith("error: ") for line in lines), result.stderr
    assert not any(line.startswith("Error:") for line in lines), result.stderr
