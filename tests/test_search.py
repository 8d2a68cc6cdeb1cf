"""Search of the bundled KB: short texts (1 or 2 characters) use their own index, and it must find exactly
what a substring match of the names finds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipkb.build.store import build
from ipkb.read.query import Store
from ipkb.read.resolve import suggested
from ipkb.text import may_be_traditional, simplified
from tests.conftest import BUNDLED_KB, invoke


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Store:
    db = tmp_path_factory.mktemp("search") / "kb.sqlite"
    build(BUNDLED_KB, db)
    return Store(db)


def names_by_entity(store: Store) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for row in store.rows("SELECT entity_id, text FROM name"):
        names.setdefault(row["entity_id"], []).append(row["text"].casefold())
    return names


def test_every_short_text_finds_exactly_the_entities_whose_names_hold_it(bundled: Store) -> None:
    names = names_by_entity(bundled)
    texts = {
        name[i : i + size]
        for held in names.values()
        for name in held
        for size in (1, 2)
        for i in range(len(name) - size + 1)
    }
    texts = {t for t in texts if t.isalnum()}  # the rest are looked for by a substring scan
    assert len(texts) > 500 and any("\u4e00" <= t[0] <= "\u9fff" for t in texts)
    for text in sorted(texts):
        forms = {text, simplified(text)} if may_be_traditional(text) else {text}  # 中國 finds 中国 too
        expected = {entity for entity, held in names.items() if any(f in name for f in forms for name in held)}
        found = {row["id"] for row, _ in bundled.search(text, None, limit=100_000)}
        assert found == expected, text


@pytest.mark.parametrize(
    ("text", "first"), [("柯桥", "keqiao"), ("湖州", "huzhou"), ("芝罘", "zhifu"), ("烟台", "yantai")]
)
def test_a_two_character_place_name_ranks_the_place_first(bundled: Store, text: str, first: str) -> None:
    hits = bundled.search(text, None, limit=5)
    assert hits and hits[0][0]["id"] == first, [row["id"] for row, _ in hits]


def test_a_short_text_never_matches_across_a_space_or_two_names(mini_kb: Path, tmp_path: Path) -> None:
    (mini_kb / "entities" / "extra.yaml").write_text(
        "- id: testville\n  type: county\n  name: Qx Wy\n  zh: 甲乙\n  aliases: [Vk]\n"
        "  sources: [{source: src-article}]\n"
    )
    db = tmp_path / "kb.sqlite"
    build(mini_kb, db)
    store = Store(db)

    def finds(text: str) -> bool:
        return "testville" in {row["id"] for row, _ in store.search(text, None, limit=1000)}

    assert all(finds(text) for text in ("qx", "WY", "vk", "甲乙", "乙", "q"))
    assert not any(finds(text) for text in ("xw", "乙v", "yv", "y甲", "kq"))


def test_a_short_text_in_most_names_ranks_among_the_shortest_names(
    mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two letters found in most names of a large KB: only the entities with the shortest names are ranked
    (bm25 favours them anyway), so the answer does not cost a score for every match; a type filter that
    those lack still finds the others."""
    records = [
        f"- {{id: zz-{n:02d}, type: city, name: Zz{'q' * n}, sources: [{{source: src-article}}]}}"
        for n in reversed(range(30))  # written longest first: the file's order is not the ranking
    ]
    records.append(
        "- {id: zz-county, type: county, name: Zz county with a long name, sources: [{source: src-article}]}"
    )
    (mini_kb / "entities" / "extra.yaml").write_text("\n".join(records) + "\n")
    db = tmp_path / "kb.sqlite"
    build(mini_kb, db)
    store = Store(db)
    everything = [row["id"] for row, _ in store.search("zz", None, limit=1000)]
    assert len(everything) == 31 and everything[:3] == ["zz-00", "zz-01", "zz-02"]
    listed_first = store.rows(
        "SELECT e.id FROM entity_chars JOIN entity e ON e.chars_rowid = entity_chars.rowid "
        """WHERE entity_chars MATCH '"z z"' LIMIT 3"""
    )
    assert [row["id"] for row in listed_first] == ["zz-00", "zz-01", "zz-02"]  # the index lists short names first
    monkeypatch.setattr(Store, "SHORT_CANDIDATES", 5)
    assert [row["id"] for row, _ in store.search("zz", None, limit=3)] == everything[:3]
    assert [row["id"] for row, _ in store.search("zz", ["county"], limit=1)] == ["zz-county"]
    assert len(store.search("zz", None, limit=1000)) == 31


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("huzhou", "huzhou"),  # bm25 alone put Zhuzhou first
        ("Huzhou City", "huzhou"),  # an alias
        ("湖州市", "huzhou"),  # the Chinese name
        ("national-center", "national-center"),  # an id
        ("中国（烟台）知识产权保护中心", "yantai-ip-protection-center"),  # full-width parentheses (NFKC)
    ],
)
def test_an_exact_name_ranks_first(bundled: Store, text: str, first: str) -> None:
    hits = bundled.search(text, None, limit=10)
    assert hits and hits[0][0]["id"] == first, [row["id"] for row, _ in hits]


def test_names_that_start_with_the_text_come_before_other_matches(bundled: Store) -> None:
    from ipkb.text import fold

    names = names_by_entity(bundled)
    ids = [row["id"] for row, _ in bundled.search("keqiao", None, limit=50)]
    starts = [any(fold(name).startswith("keqiao") for name in names[entity]) for entity in ids]
    assert ids[0] == "keqiao" and len(set(ids)) == len(ids)
    assert True in starts and False in starts, ids  # both tiers are present, so the order below means something
    assert starts == sorted(starts, reverse=True), ids


def test_a_document_number_finds_what_its_relations_join(mini_kb: Path, tmp_path: Path) -> None:
    """Document numbers live on relations (`document: 国知发保字〔2024〕4号`): search finds both ends."""
    (mini_kb / "relations" / "documented.yaml").write_text(
        "- {from: shaoxing, type: holds_designation, to: national-ip-demonstration-city, year: 2024,\n"
        "   document: 国知发保字〔2024〕4号, sources: [{source: src-article, quote: national intellectual property}]}\n"
    )
    db = tmp_path / "kb.sqlite"
    build(mini_kb, db)
    found = [row["id"] for row, _ in Store(db).search("国知发保字〔2024〕4号", None, limit=10)]
    assert found == ["shaoxing", "national-ip-demonstration-city"]
    assert [row["id"] for row, _ in Store(db).search("〔2024〕4号", ["city"], limit=10)] == ["shaoxing"]


def test_a_word_that_starts_with_the_text_ranks_above_one_that_only_contains_it() -> None:
    """`ipkb search Huzhou` ranked Zhuzhou (株洲) and Changsha-Zhuzhou-Xiangtan above Deqing, Anji and PICC,
    which the KB describes as Huzhou's, because "zhuzhou" contains "huzhou": a hit where the text starts a
    word (of a name, then of a description) comes first; one where it only sits inside a word is no longer found."""
    from tests.conftest import invoke

    result = invoke(["--kb", str(BUNDLED_KB), "search", "Huzhou", "--limit", "100", "--json"])
    ids = [row["id"] for row in json.loads(result.stdout)["entities"]]
    assert ids[0] == "huzhou" and {"deqing", "anji", "picc", "src-wisor-44729"} <= set(ids)
    assert "zhuzhou" not in ids and "changsha-zhuzhou-xiangtan-city-cluster" not in ids


@pytest.mark.parametrize("text", ["湖", "an", "z", "中心", "知识产权", "huzhou", "a-b"])
@pytest.mark.parametrize("types", [None, ["city"], ["center", "source"]])
def test_the_count_of_matches_is_what_search_finds_without_a_limit(
    bundled: Store, text: str, types: list[str] | None
) -> None:
    """`search` says '20 of N': N, counted without ranking for a short text, must be the matches' number
    (up to the cap, past which it is cap + 1)."""
    everything = len(bundled.search(text, types, 100_000))
    assert bundled.count_matches(text, types, 100_000) == everything
    assert bundled.count_matches(text, types, 3) == min(everything, 4)


def ids(hits: list[tuple[object, float]]) -> list[str]:
    return [row["id"] for row, _ in hits]  # type: ignore[index]


def starts_a_word(store: Store, entity: str, word: str) -> bool:
    import re

    from ipkb.text import strip_tones

    start = re.compile(r"(?<![^\W_])" + re.escape(word.casefold()))
    texts = [r[0] for r in store.rows("SELECT text FROM name WHERE entity_id = ?", (entity,))]
    texts += [r[0] or "" for r in store.rows("SELECT description FROM entity WHERE id = ?", (entity,))]
    return any(start.search(strip_tones(text).casefold()) for text in texts)


def test_a_latin_word_is_found_where_a_word_starts_not_inside_one(bundled: Store) -> None:
    """`search hangzhou --type center` listed Changzhou's centers, "hangzhou" sitting inside "Changzhou": a
    Latin word must start a word of a name or the description. A prefix still finds (hang: Hangzhou), and
    Chinese, which has no spaces between words, is still found anywhere."""
    centers = ids(bundled.search("hangzhou", ["center"], 100))
    assert "hangzhou-digital-economy-ip-protection-center" in centers
    assert not [i for i in centers if i.startswith("changzhou")], centers
    everything = ids(bundled.search("hangzhou", None, 1000))
    assert "hangzhou" in everything and "changzhou" not in everything and "guangzhou" not in everything
    assert all(starts_a_word(bundled, entity, "hangzhou") for entity in everything)
    assert set(centers) <= set(ids(bundled.search("hang", ["center"], 100)))
    assert {"keqiao", "keqiao-ip-protection-center", "keqiao-textile-rapid-protection-center"} <= set(
        ids(bundled.search("柯桥", None, 100))
    )
    assert {"china-textile-city", "dongsheng-road-market"} <= set(ids(bundled.search("轻纺城", None, 100)))


def test_several_words_are_all_required_in_any_order(bundled: Store) -> None:
    """`search "zhejiang protection center"` found nothing: the words were one phrase. Now each word must
    start a word of a name, alias, pinyin or the description, in any order."""
    for text in ("zhejiang protection center", "Center zhejiang PROTECTION"):
        found = ids(bundled.search(text, ["center"], 50))
        assert found and found[0] == "zhejiang-ip-protection-center", (text, found)
        assert all(starts_a_word(bundled, e, w) for e in found for w in ("zhejiang", "protection", "center"))
    assert bundled.count_matches("zhejiang protection center", None, 1000) == len(
        bundled.search("zhejiang protection center", None, 1000)
    )
    assert bundled.search("zhejiang protection qqxqz", None, 50) == []
    assert "keqiao-ip-protection-center" in ids(bundled.search("center 柯桥", None, 50))


def test_a_search_that_finds_nothing_offers_what_show_would() -> None:
    """`search keqaio` said only "no entities" while `show keqaio` offered "did you mean": now search offers
    the same names, on stderr, and still exits 0 with its empty answer on stdout."""
    from tests.conftest import invoke

    searched = invoke(["--kb", str(BUNDLED_KB), "search", "keqaio"])
    shown = invoke(["--kb", str(BUNDLED_KB), "show", "keqaio"])
    offered = shown.stderr.split("did you mean: ")[1].splitlines()[0]
    assert "keqiao" in offered
    assert searched.exit_code == 0 and "no entities" in searched.stdout and "did you mean" not in searched.stdout
    assert f"did you mean: {offered}" in searched.stderr


def test_a_search_that_finds_nothing_keeps_its_suggestions_under_json() -> None:
    """`search keqaio --json` gave {total: 0, ..., entities: []} and dropped the "did you mean" the text
    output offers: the document now holds them (`suggestions`: {id, name}, the same names in the same
    order), and [] when something matched."""
    from tests.conftest import invoke

    page = json.loads(invoke(["--kb", str(BUNDLED_KB), "search", "keqaio", "--json"]).stdout)
    said = invoke(["--kb", str(BUNDLED_KB), "search", "keqaio"]).stderr.split("did you mean: ")[1].splitlines()[0]
    assert page["entities"] == [] and page["suggestions"]
    shown = [s["id"] if s["name"] == s["id"] else f"{s['id']} ({s['name']})" for s in page["suggestions"]]
    assert ", ".join(shown) == said and page["suggestions"][0]["id"].startswith("keqiao")
    found = json.loads(invoke(["--kb", str(BUNDLED_KB), "search", "keqiao", "--json"]).stdout)
    assert found["entities"] and found["suggestions"] == []


def test_help_says_a_short_chinese_text_looks_in_names_only(mini_kb: Path, tmp_path: Path) -> None:
    """`search 柯桥` found 3 and `search keqiao` 19: a 1- or 2-character text is looked for in names (aliases
    included) only, which the character index holds; the help now says so, and it is so."""
    from tests.conftest import invoke

    (mini_kb / "entities" / "extra.yaml").write_text(
        "- {id: by-alias, type: county, name: Xq, aliases: [甲乙镇], sources: [{source: src-article}]}\n"
        "- {id: by-description, type: county, name: Xr, description: 甲乙镇的, sources: [{source: src-article}]}\n"
    )
    db = tmp_path / "kb.sqlite"
    build(mini_kb, db)
    assert ids(Store(db).search("甲乙", None, 10)) == ["by-alias"]
    assert ids(Store(db).search("甲乙镇的", None, 10)) == ["by-description"]
    text = " ".join(invoke(["search", "--help"]).stdout.split())
    assert "A text of 1 or 2 characters (柯桥, an)" in text and "is looked for in names only" in text


def test_several_words_in_a_real_process(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    args = ["--kb", str(BUNDLED_KB), "--db", str(tmp_path / "kb.sqlite"), "search"]
    result = subprocess.run(
        [sys.executable, "-m", "ipkb", *args, "zhejiang protection center", "--type", "center", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert result.returncode == 0, result.stderr
    found = [row["id"] for row in json.loads(result.stdout)["entities"]]
    assert found[0] == "zhejiang-ip-protection-center" and "changzhou-robotics-ip-protection-center" not in found


def found_ids(store: Store, text: str) -> set[str]:
    return {row["id"] for row, _ in store.search(text, None, limit=100_000)}


@pytest.mark.parametrize("typed", ["zhongxin", "zhong xin", "Zhōngxīn", "ZHONGXIN"])
def test_pinyin_typed_with_or_without_spaces_finds_the_syllables_of_a_name(bundled: Store, typed: str) -> None:
    """A name's pinyin is stored a syllable a word, with tones (中心: Zhōng Xīn); a user types it as one word
    without tones, or as syllables: each finds the names whose pinyin holds that run of syllables."""
    pinyin_holds = {
        row["entity_id"]
        for row in bundled.rows("SELECT entity_id FROM name WHERE kind = 'pinyin' AND text LIKE '%Zhōng Xīn%'")
    }
    assert len(pinyin_holds) > 20
    assert pinyin_holds <= found_ids(bundled, typed)


def test_pinyin_words_find_what_their_chinese_finds(bundled: Store) -> None:
    chinese = found_ids(bundled, "示范城市")
    assert len(chinese) >= 4 and chinese <= found_ids(bundled, "shifan chengshi")
    assert "hubei-ip-protection-center" in found_ids(bundled, "bao hu") & found_ids(bundled, "baohu")


@pytest.mark.parametrize(
    ("typed", "not_found"), [("hangzhou", "changzhou"), ("zhoushi", "huzhou"), ("anzhou", "xianzhou")]
)
def test_pinyin_is_still_found_only_where_a_syllable_starts(bundled: Store, typed: str, not_found: str) -> None:
    """The word-start rule holds for syllables: hangzhou (hang zhou) is not the end of Changzhou."""
    found = found_ids(bundled, typed)
    assert not any(i == not_found or i.startswith(not_found + "-") for i in found), sorted(found)


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("huzou", "huzhou"),
        ("keqioa", "keqiao"),
        ("zhejang", "zhejiang"),
        ("湖洲", "huzhou"),
        ("杭洲", "hangzhou"),
        ("src-huzhou-2041", "src-huzhou-2014"),
        ("北京知识产权中心", "beijing-ip-protection-center"),
        ("Zhizheng", "zhifu"),  # the start of a garbled alias (Zhizheng District), not a typo of another name
        # an id guessed from the words of a name (a lawyer's trial: "no similar name" for both)
        ("keqiaoo", "keqiao"),  # a letter too many: before keqiao-overseas-..., which starts with `keqiaoo`
        ("germany-subcenter", "germany-overseas-dispute-subcenter"),
        ("germny-subcenter", "germany-overseas-dispute-subcenter"),
        ("south africa sub center", "south-africa-overseas-dispute-subcenter"),
    ],
)
def test_did_you_mean_offers_the_name_mistyped(bundled: Store, typed: str, first: str) -> None:
    offered = [entity_id for entity_id, _ in suggested(bundled, typed)]
    assert offered and offered[0] == first, offered


@pytest.mark.parametrize("typed", ["nosuch", "nowhere", "xyz", "abc", "宿州", "宁坡"])
def test_did_you_mean_offers_no_unrelated_name(bundled: Store, typed: str) -> None:
    """Nothing is offered for a word no name resembles: not long names holding a few of its letters
    (nosuch was offered rapid-collaborative-protection-scheme), not 苏州 for 宿州 (a different city that
    sounds alike and shares only the 州 of many place names)."""
    assert suggested(bundled, typed) == []


@pytest.mark.parametrize("typed", ["huzou", "keqioa", "nowhere", "heze city", "germany", "abc", "cnpia"])
def test_did_you_mean_offers_no_source_record_for_another_name(bundled: Store, typed: str) -> None:
    sources = bundled.roles().sources
    kinds = {row["type"] for row in bundled.entities([i for i, _ in suggested(bundled, typed)]).values()}
    assert not kinds & sources, kinds


@pytest.mark.parametrize("text", ["bao hu", "shifan chengshi", "baohu center", "zhongxin 浙江", "hu zhongxin"])
def test_both_ways_of_joining_syllables_to_other_words_find_the_same(
    bundled: Store, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other words' few matches asked of entity_syllables one by one, or entity_syllables leading (when
    they find more than FEW): the same entities either way."""
    few = found_ids(bundled, text)
    monkeypatch.setattr(Store, "FEW", 0)
    assert found_ids(bundled, text) == few and few


def test_a_chinese_alias_is_found_by_its_pinyin_too(bundled: Store) -> None:
    """Dalian's center has no official Chinese name in the KB, only the form a page writes, as an alias
    (大连(国家级)知识产权保护中心): typed as pinyin, that alias finds it, as its characters do (trial)."""
    assert "dalian-ip-protection-center" in found_ids(bundled, "保护中心")
    assert found_ids(bundled, "baohu zhongxin dalian") == {"dalian-ip-protection-center"}
    assert found_ids(bundled, "baohu zhongxin") == found_ids(bundled, "保护中心")


@pytest.mark.parametrize("traditional, simple", [("知識產權保護中心", "知识产权保护中心"), ("知識", "知识")])
def test_traditional_characters_find_what_the_simplified_find_even_when_some_match_as_typed(
    traditional: str, simple: str
) -> None:
    """The trial: `search 知識產權保護中心` found 3 centres (those whose aliases are written in traditional
    characters) where `search 知识产权保护中心` found 57, since the simplified form was tried only when the
    text found nothing as typed. Both forms are now looked for, the matches as typed first."""

    def found(text: str) -> tuple[list[str], int | None]:
        result = invoke(["--kb", str(BUNDLED_KB), "search", text, "--limit", "1000", "--json"])
        assert result.exit_code == 0, result.stderr
        page = json.loads(result.stdout)
        return [e["id"] for e in page["entities"]], page["total"]

    (typed, typed_total), (wanted, wanted_total) = found(traditional), found(simple)
    assert set(typed) == set(wanted) and typed_total == wanted_total == len(wanted)


def search_json(*args: str) -> dict[str, object]:
    result = invoke(["--kb", str(BUNDLED_KB), "search", *args, "--json"])
    assert result.exit_code == 0, result.stderr
    page: dict[str, object] = json.loads(result.stdout)
    return page


def test_chinese_that_no_name_holds_as_written_is_looked_for_two_characters_at_a_time() -> None:
    """Chinese has no spaces: a reader's 海外纠纷 (overseas disputes) is two words that the names hold apart
    (国家海外知识产权纠纷应对指导中心). It found nothing; now the words apart are searched, and said so."""
    page = search_json("海外纠纷", "--limit", "1000")
    ids = [e["id"] for e in page["entities"]]  # type: ignore[attr-defined]
    assert "national-center" in ids and page["read_as"] == "海外 纠纷" and page["total"] == len(ids)
    assert page["suggestions"] == []
    assert ids == [e["id"] for e in search_json("海外", "纠纷", "--limit", "1000")["entities"]]  # type: ignore[attr-defined]
    shown = invoke(["--kb", str(BUNDLED_KB), "search", "海外纠纷"])
    assert shown.exit_code == 0 and "national-center" in shown.stdout
    assert "nothing holds 海外纠纷 as written: found with 海外 纠纷" in shown.stderr


@pytest.mark.parametrize("text", ["知识产权保护中心", "柯桥", "局湖州"])
def test_a_search_is_read_apart_only_when_that_finds_what_the_text_as_written_did_not(text: str) -> None:
    """Found as written: nothing is read otherwise. 局湖州 finds nothing either way: read_as stays null, so
    no one is told of a reading that found nothing."""
    page = search_json(text)
    assert page["read_as"] is None
    assert bool(page["entities"]) == (text != "局湖州")


def test_an_alias_in_traditional_characters_is_found_and_named_in_simplified_ones() -> None:
    """Caoxian's center is written only 曹縣知識產權快速維權中心 (an alias as its page writes it): search 知识
    found it only as 知識, and `show` did not know it by the simplified name a mainland reader types."""
    assert "caoxian-rapid-protection-center" in [
        e["id"]  # type: ignore[index]
        for e in search_json("知识产权快速维权中心", "--limit", "1000")["entities"]  # type: ignore[attr-defined]
    ]
    shown = invoke(["--kb", str(BUNDLED_KB), "show", "曹县知识产权快速维权中心", "--json"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["id"] == "caoxian-rapid-protection-center"
    assert "曹县知识产权快速维权中心" not in json.loads(shown.stdout)["aliases"]  # derived, not stated


def test_pinyin_typed_without_spaces_is_read_two_syllables_at_a_time_when_nothing_matches() -> None:
    """The trial: `search haiwai jiufen` found 12 entities, `search haiwaijiufen` none, though the help says
    syllables may be typed with or without spaces (they must follow each other in a name: 海外…纠纷 do not)."""
    page = search_json("haiwaijiufen", "--limit", "1000")
    assert page["read_as"] == "haiwai jiufen"
    assert page["entities"] == search_json("haiwai", "jiufen", "--limit", "1000")["entities"] != []
    assert search_json("hangzhou")["read_as"] is None


def test_a_british_spelling_finds_what_the_american_finds(bundled: Store) -> None:
    """The trial: `search national centre` found 5 entities, without the national center, and `search "IP
    protection centre"` 5 where `center` found 262: users write British English, the KB mostly American (its
    quotes keep a source's centre). Each spelling now finds what the other finds, and names them alike."""
    from ipkb.text import _BRITISH, american, other_spellings

    british = found_ids(bundled, "national centre")
    assert "national-center" in british and british == found_ids(bundled, "national center")
    assert found_ids(bundled, "IP protection centre") == found_ids(bundled, "IP protection center")
    assert len(found_ids(bundled, "IP protection centre")) > 100
    assert "textile-fabric-pattern-data-center" in found_ids(bundled, "pattern copyright data center")
    assert ids(bundled.search("national centre", None, 3))[0] == "national-center"
    assert [other_spellings(w) for w in ("Centres", "licence", "programs", "centred")] == [
        ["centre", "center"],  # a plural as its singular, which finds it
        ["license"],
        ["program", "programme"],
        [],
    ]
    assert all(american(f"a {british}s list") == f"a {us}s list" for british, us in _BRITISH.items())  # none skipped


@pytest.mark.parametrize(
    ("typed", "entity"),
    [
        ("National Overseas Intellectual Property Dispute Response and Guidance Centre", "national-center"),
        ("textile fabric pattern copyright data center", "textile-fabric-pattern-data-center"),  # KB: centre
    ],
)
def test_show_knows_a_name_in_either_spelling(typed: str, entity: str) -> None:
    shown = invoke(["--kb", str(BUNDLED_KB), "show", typed, "--json"])
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["id"] == entity


@pytest.mark.parametrize("typed", ["ke qiao", "Kēqiáo", "Kē qiáo", "KE QIAO"])
def test_pinyin_typed_apart_or_with_tones_finds_what_it_finds_joined(bundled: Store, typed: str) -> None:
    """The trial: `search keqiao` found 27, `search "ke qiao"` and `search Kēqiáo` 19, without Shaoxing and
    the pattern data center (whose description says `Keqiao's`), though the help says pinyin needs no tones
    and its syllables may be typed with or without spaces. Tones are dropped first, and syllables typed
    apart are found written together too."""
    joined = found_ids(bundled, "keqiao")
    assert {"shaoxing", "textile-fabric-pattern-data-center"} <= joined
    assert found_ids(bundled, typed) == joined
    assert bundled.count_matches(typed, None, 1000) == len(joined)


def test_several_chinese_words_rank_the_head_of_their_family_first() -> None:
    """The trial: `search 海外纠纷` (read 海外 纠纷) listed the national center 10th of 12, behind its
    sub-centers and a policy: the entity with a name holding the words, the shortest, now comes first."""
    page = search_json("海外纠纷")
    found = [e["id"] for e in page["entities"]]  # type: ignore[attr-defined]
    assert page["read_as"] == "海外 纠纷" and found[0] == "national-center", found
    assert found[-1] != "national-center" and len(found) > 5


def test_a_search_found_only_read_apart_offers_what_show_would() -> None:
    """The trial: `search 国知局` listed one unrelated notice (国知 局 read apart) while `show 国知局` offered
    cnipa. Nothing matched as written, so search offers the same names, those it does not list."""
    page = search_json("国知局")
    assert page["read_as"] == "国知 局" and page["entities"]
    assert [s["id"] for s in page["suggestions"]][:1] == ["cnipa"]  # type: ignore[attr-defined]
    said = invoke(["--kb", str(BUNDLED_KB), "search", "国知局"])
    assert said.exit_code == 0 and "did you mean: cnipa (国家知识产权局)" in said.stderr
    assert search_json("海外纠纷")["suggestions"] == []


def test_a_search_in_chinese_says_how_many_entities_it_cannot_find(bundled: Store) -> None:
    """A lawyer searched 德国 分中心 and 海外分中心 and took the few results for all the sub-centers there are,
    though most have no Chinese name in the KB, so no Chinese search finds them. A search in Chinese now says
    how many entities (of the types asked) have none, on stderr and as `without_chinese_name` in --json; a
    search in English does not, and neither does one of sources only (they need no Chinese name)."""
    unnamed = [r["id"] for r in bundled.rows("SELECT id, type FROM entity WHERE zh IS NULL AND type = 'center'")]
    page = json.loads(invoke(["--kb", str(BUNDLED_KB), "search", "分中心", "--type", "center", "--json"]).stdout)
    assert page["without_chinese_name"] == len(unnamed) > 0
    said = " ".join(invoke(["--kb", str(BUNDLED_KB), "search", "分中心", "--type", "center"]).stderr.split())
    assert f"{len(unnamed)} entities have no Chinese name in the KB" in said and "search in English" in said, said
    english = invoke(["--kb", str(BUNDLED_KB), "search", "sub-center", "--json"])
    assert "without_chinese_name" not in json.loads(english.stdout)
    sources = invoke(["--kb", str(BUNDLED_KB), "search", "柯桥", "--type", "source"])
    assert "no Chinese name" not in sources.stderr


def test_words_typed_side_by_side_rank_the_names_holding_them_so_first(bundled: Store) -> None:
    """`overseas sub-center` listed Ganzhou's, Nanchang's and Jingdezhen's local sub-centers (their names hold
    both words, apart) before the overseas ones, and Germany's not among the first eight: a lawyer looking for
    the sub-centers abroad. Names holding the words side by side, as typed, come first."""
    found = [row["id"] for row, _ in bundled.search("overseas sub-center", ["center"], 8)]
    abroad = {"germany-overseas-dispute-subcenter", "singapore-overseas-dispute-subcenter"}
    assert abroad <= set(found[:3]), found
    joined = [row["id"] for row, _ in bundled.search("overseas subcentre", ["center"], 8)]
    assert abroad <= set(joined[:3]), joined  # spelt joined, or the British way: the same names
