"""What an analyst who quotes ipkb's answers met in a trial: every footnote gives the URL to
cite before our copy's file, facts and timeline list their sources as show does, a mistyped --db creates no
folders, and `list`/`search` stay readable at 60 to 120 columns."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.conftest import BUNDLED_KB, Result, invoke

LAOHU = "https://www.laohu.net/technological-frontier/huzhou-city-demonstration-citys-results-are-among-the-best/"


def _bundled(*args: str, columns: int = 200) -> Result:
    os.environ["COLUMNS"] = str(columns)
    result = invoke(["--kb", str(BUNDLED_KB), *args])
    assert result.exit_code == 0, result.stderr
    return result


def _footnote(out: str, source_id: str) -> str:
    """The footnote (its wrapped lines joined by spaces) that names `source_id`."""
    notes = re.split(r"\n(?= \[\d+\] )", out)
    found = [n for n in notes if re.search(rf"\s{re.escape(source_id)}(\s|$)", n) and n.startswith(" [")]
    assert found, out
    return " ".join(found[-1].split("\n\n")[0].split())


@pytest.mark.parametrize(
    ("entity", "source_id", "url", "file"),
    [
        ("huzhou", "src-huzhou-2014", LAOHU, "seeds/001_543d1f73dcbce008.txt"),
        ("zhifu", "src-zhifu-2022", None, "seeds/002_9a8ebab4155104f8.txt"),
    ],
)
def test_a_show_footnote_gives_the_sources_url_first_and_our_copy_after(
    entity: str, source_id: str, url: str | None, file: str
) -> None:
    """`show`'s footnote gives the URL a reader can cite; the seed file follows it, never in its place."""
    if url is None:
        url = _bundled("show", source_id, "--json").stdout.split('"url": "')[1].split('"')[0]
    note = _footnote(_bundled("show", entity).stdout, source_id)
    assert url in note, note
    assert file in note and note.index(url) < note.index(file), note


@pytest.mark.parametrize("columns", [60, 80, 120])
@pytest.mark.parametrize("command", [("facts", "--in", "huzhou"), ("timeline", "huzhou")])
def test_facts_and_timeline_list_a_source_as_show_does(command: tuple[str, ...], columns: int) -> None:
    """A figure quoted from `facts` or `timeline` can be cited: its source's footnote gives the publisher (with
    its caveat: an aggregator's repost of an older article), the date and the URL, in show's words."""
    listed = _footnote(_bundled(*command, columns=columns).stdout, "src-huzhou-2014")
    shown = _footnote(_bundled("show", "huzhou", columns=columns).stdout, "src-huzhou-2014")
    for part in ("laohu.net (aggregator; apparently a repost of an article of about 2015)", "2022-09-30", LAOHU):
        assert part in listed, listed
    assert listed.split("] ", 1)[1] == shown.split("] ", 1)[1]


@pytest.mark.parametrize("how", ["--db", "IPKB_DB"])
def test_a_db_in_a_folder_that_does_not_exist_is_an_error_and_no_folder_is_made(
    run, tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """A mistyped --db (or IPKB_DB) made its folders (mkdir -p) and built there: ipkb touches nothing that is not
    its own. It says which folder is missing and how to make it, exit 1; only its cache folder is created."""
    db = tmp_path / "nonexistent" / "dir" / "x.sqlite"
    if how == "--db":
        result = run("--db", str(db), "show", "huzhou")
    else:
        monkeypatch.setenv("IPKB_DB", str(db))
        result = run("show", "huzhou")
    assert result.exit_code == 1, result.stdout
    assert f"does not exist: {db.parent}" in result.stderr and f"mkdir -p {db.parent}" in result.stderr
    assert how in result.stderr and "Traceback" not in result.stderr and not result.stdout
    assert not (tmp_path / "nonexistent").exists()
    monkeypatch.delenv("IPKB_DB", raising=False)
    assert not isolated_cache.exists()
    assert run("show", "huzhou").exit_code == 0 and isolated_cache.is_dir()  # the default: its own cache folder


def test_building_into_a_folder_that_does_not_exist_makes_no_folder(mini_kb: Path, tmp_path: Path) -> None:
    """The library's build, given a database whose folder is missing, says so rather than making it."""
    from ipkb.build.store import build
    from ipkb.errors import IpkbError

    db = tmp_path / "typo" / "kb.sqlite"
    with pytest.raises(IpkbError, match="does not exist"):
        build(mini_kb, db)
    assert not db.parent.exists()


@pytest.mark.parametrize("columns", [80, 120])
def test_list_in_a_province_is_a_table_at_80_and_120_columns(columns: int) -> None:
    """`list --type center --in zhejiang` (a README example) drew a 6-line record per entity below 160 columns:
    a Chinese name and an id held their columns whole. Now a table, each place of `located in` on one line."""
    lines = _bundled("list", "--type", "center", "--in", "zhejiang", columns=columns).stdout.splitlines()
    assert lines[0].split() == ["id", "type", "name", "zh", "located", "in", "caveat"], lines[:3]
    assert not [line for line in lines[1:] if re.match(r" (id|type|name) {2,}\S", line)]  # no record's lines
    assert all(cell_len(line) <= columns for line in lines)
    located = lines[0].index("located in")
    if columns >= 120:  # room enough that a place's name is never split
        assert any(line[located:].startswith("Keqiao District") for line in lines)


@pytest.mark.parametrize("columns", [40, 60, 80])
def test_long_chinese_values_hang_under_their_value(columns: int) -> None:
    """`search taizhou`: a long Chinese name (a policy's title) wrapped under an empty `zh` label, from column 0.
    Every line keeps within the console, none starts with Chinese; in records, a value's lines hang under it."""
    lines = _bundled("search", "taizhou", columns=columns).stdout.splitlines()
    assert all(cell_len(line) <= columns for line in lines), "\n".join(lines)
    assert not [line for line in lines if re.match("[\u4e00-\u9fff]", line)], "\n".join(lines)
    assert all(line.startswith(" ") for line in lines[:-1] if line), "\n".join(lines)  # but `8 entities` under
    zh = [n for n, line in enumerate(lines) if line.startswith(" zh ") and "国家知识产权局关于" in line]
    for n in zh:  # records (at 40): the title's next lines start where its first did
        start = lines[n].index("国")
        assert lines[n + 1][:start].strip() == "" and lines[n + 1][start] != " ", lines[n : n + 3]


def test_shows_facts_name_the_column_of_caveats() -> None:
    """`show`'s Facts had a column of `target · [a]` under no header."""
    lines = _bundled("show", "zhejiang", columns=120).stdout.splitlines()
    header = lines[lines.index("Facts") + 1].split()
    assert header == ["metric", "value", "unit", "period", "caveats", "source"]


def test_words_after_a_broken_chinese_title_go_on_its_last_line() -> None:
    """At 60 columns a Chinese title broken between characters left `2025年)”,` alone on a line and began the
    publisher on the next: what follows the break now goes on where the title ends."""
    lines = _bundled("timeline", "huzhou", columns=60).stdout.splitlines()
    assert any(line.strip().startswith("2025年)”, yrdcpcn.com, reposting") for line in lines), "\n".join(lines)
    assert all(cell_len(line) <= 60 or "http" in line for line in lines)


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_a_footnote_says_when_the_words_are_not_the_outlets_own(columns: int) -> None:
    """A journalist quoted “helped enterprises recover economic losses of 6.89 billion yuan” as Economic Daily's
    words: it is our machine translation, said only on the source's own page. And quotes from mirrors that insert
    pinyin after characters (建設(shè)) were copied with it. Every footnote says so where the source is cited:
    `show`, `path`, and `coverage`, whose footnotes name sources by id."""
    show = _bundled("show", "national-center", columns=columns).stdout
    assert "en (machine translation of a Chinese article)" in _footnote(show, "src-economic-daily-2024")
    hangzhou = _bundled("show", "hangzhou-overseas-dispute-subcenter", "--quotes", columns=columns).stdout
    readings = "its page inserts pinyin after some characters (產(chǎn)): drop it when quoting"
    assert readings in _footnote(hangzhou, "src-dingqianjf-4387a2e8627aa027")
    coverage = " ".join(_bundled("coverage", columns=columns).stdout.split())
    assert f"src-ka78x-10090284 · {readings}" in coverage
    plain = _footnote(_bundled("show", "cnipa-general-office", columns=columns).stdout, "src-gdcenn-507259")
    assert "pinyin" not in plain and "translation" not in plain  # a plain source says nothing more
