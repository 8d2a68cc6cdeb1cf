"""What `export` makes of the choices a user types: the format from -o's name, a format in capitals, --depth
without --root, --in of something that is not a place, an empty -o, and a selection that matches nothing (a
data analyst's trial: `-o keqiao.gexf` wrote GraphML into it, and each of the others passed in silence)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from tests.conftest import BUNDLED_KB, invoke


def export(*args: str) -> tuple[int, str]:
    result = invoke(["--kb", str(BUNDLED_KB), "export", *args])
    return result.exit_code, " ".join(result.stderr.split())


@pytest.mark.parametrize(("name", "reader"), [("k.gexf", nx.read_gexf), ("k.graphml", nx.read_graphml)])
def test_the_file_name_chooses_the_format_when_none_is_given(tmp_path: Path, name: str, reader) -> None:  # type: ignore[no-untyped-def]
    code, said = export("--root", "keqiao", "--depth", "1", "-o", str(tmp_path / name))
    assert code == 0 and "note" not in said, said
    assert "keqiao" in reader(tmp_path / name).nodes


def test_a_format_in_capitals_is_the_format(tmp_path: Path) -> None:
    code, _ = export("-f", "GEXF", "--root", "keqiao", "-o", str(tmp_path / "k.gexf"))
    assert code == 0 and "keqiao" in nx.read_gexf(tmp_path / "k.gexf").nodes


def test_a_format_that_contradicts_the_file_name_is_written_with_a_note(tmp_path: Path) -> None:
    code, said = export("-f", "gexf", "--root", "keqiao", "-o", str(tmp_path / "k.graphml"))
    assert code == 0 and "is named like a graphml file, but --format is gexf: writing gexf" in said, said
    assert (tmp_path / "k.graphml").read_text(encoding="utf-8").count("<gexf") == 1


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--depth", "3", "-f", "json"], "--depth counts hops around --root, and no --root was given"),
        (["--in", "national-center", "-f", "json"], "is a center, not a place"),
        (["-f", "ttl", "-o", ""], "-o needs a file name (or - for stdout), and was given an empty text"),
        # was told `--via needs ...`, an option export does not have
        (["-f", "json", "--relation", " "], "--relation needs a relation type, and was given only spaces"),
    ],
)
def test_a_choice_that_cannot_be_meant_is_a_usage_error(args: list[str], words: str) -> None:
    code, said = export(*args)
    assert code == 2 and words in said, said


def test_an_export_that_matches_nothing_says_so(tmp_path: Path) -> None:
    code, said = export("--type", "court", "--in", "zhejiang", "-o", str(tmp_path / "none.graphml"))
    assert code == 0 and "no entity matched the selection" in said, said
    assert "no entity matched" not in export("--root", "keqiao", "-o", str(tmp_path / "k.graphml"))[1]


def test_sources_asked_for_beside_other_types_are_those_they_cite() -> None:
    """`--type center --type source` gave 646 nodes, 339 of them sources that no center cites, each a point
    with no edge in Gephi: the sources kept are those the other entities cite; `--type source` alone keeps all."""
    import json

    both = json.loads(
        invoke(["--kb", str(BUNDLED_KB), "export", "-f", "json", "--type", "center", "--type", "source"]).stdout
    )
    ends = {end for link in both["edges"] for end in (link["source"], link["target"])}
    sources = [n["id"] for n in both["nodes"] if n["type"] == "source"]
    assert sources and all(s in ends for s in sources)
    alone = json.loads(invoke(["--kb", str(BUNDLED_KB), "export", "-f", "json", "--type", "source"]).stdout)
    assert len(alone["nodes"]) > len(sources)


def test_an_export_of_a_place_says_how_many_links_out_of_it_it_left_out(tmp_path: Path) -> None:
    """A new user's trial: `export --in zhejiang` kept none of the province's designations nor its centers'
    network (every relation to an entity outside Zhejiang), saying only `wrote zj.gexf`; a researcher read it
    as Zhejiang holding no designations. The export stays the place alone; stderr says what it cut, by type."""
    full = tmp_path / "all.json"
    assert invoke(["--kb", str(BUNDLED_KB), "export", "-f", "json", "-o", str(full)]).exit_code == 0
    inside = tmp_path / "zj.json"
    result = invoke(["--kb", str(BUNDLED_KB), "export", "-f", "json", "--in", "zhejiang", "-o", str(inside)])
    assert result.exit_code == 0, result.stderr
    import json

    ids = {node["id"] for node in json.loads(inside.read_text(encoding="utf-8"))["nodes"]}
    links = json.loads(full.read_text(encoding="utf-8"))["edges"]
    cut = [link for link in links if link["type"] != "cites" and (link["source"] in ids) != (link["target"] in ids)]
    counts = {kind: sum(link["type"] == kind for link in cut) for kind in {link["type"] for link in cut}}
    said = " ".join(result.stderr.split())
    assert f"note: {len(cut)} relations between what lies in zhejiang and entities outside it left out" in said
    assert f"{counts['holds_designation']} holds_designation" in said and "--root zhejiang" in said


def test_a_file_name_of_no_export_format_gets_a_note(tmp_path: Path) -> None:
    """A new user's trial: `export -o zj.xlsx` wrote GraphML into a .xlsx file without a word."""
    result = invoke(["--kb", str(BUNDLED_KB), "export", "--root", "keqiao", "-o", str(tmp_path / "zj.xlsx")])
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stderr.split())
    assert "note: .xlsx names no export format: writing graphml into" in said and "--format" in said
    assert (tmp_path / "zj.xlsx").read_text(encoding="utf-8").startswith("<?xml")
    quiet = invoke(["--kb", str(BUNDLED_KB), "export", "--root", "keqiao", "-o", str(tmp_path / "k.gexf")])
    assert "note:" not in quiet.stderr
