"""Pinyin derived from the Chinese name: each heteronym read as in its phrase, words split as GB/T 16159 writes them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ipkb.build.derive import pinyin_of
from ipkb.build.schema import load_schema
from ipkb.model import Problem
from tests.conftest import BUNDLED_KB, invoke

# the entity types whose names the bundled schema romanises as places (`pinyin: place`)
PLACE_STYLED = {
    t
    for t, style in load_schema(BUNDLED_KB / "schema.yaml", "", list[Problem]()).roles.pinyin.items()
    if style == "place"
}


@pytest.mark.parametrize(
    ("zh", "entity_type", "expected"),
    [
        # the four examples of issue 15: 长 read cháng in place names, apostrophe, 新区 as the generic part
        ("长垣", "county", "Chángyuán"),
        ("长垣市", "county", "Chángyuán Shì"),
        ("长株潭", "zone", "Cháng-Zhū-Tán"),
        ("西安", "city", "Xī'ān"),
        ("西安市", "city", "Xī'ān Shì"),
        ("滨海新区", "zone", "Bīnhǎi Xīnqū"),
        # from the bundled KB: phrase readings of heteronyms, and names that were already right
        ("重庆市", "province", "Chóngqìng Shì"),
        ("长沙市", "city", "Chángshā Shì"),
        ("湖州市", "city", "Húzhōu Shì"),
        ("浦东新区", "county", "Pǔdōng Xīnqū"),
        ("内蒙古自治区", "province", "Nèiménggǔ Zìzhìqū"),
        ("安化县", "county", "Ānhuà Xiàn"),
        # the trial's: place readings of 朝, 行, 长, 都 that pypinyin reads otherwise out of a place name
        ("朝阳区", "county", "Cháoyáng Qū"),
        ("朝阳市", "city", "Cháoyáng Shì"),
        ("闵行区", "county", "Mǐnháng Qū"),
        ("天长市", "county", "Tiāncháng Shì"),
        ("花都区", "county", "Huādū Qū"),
        # a four-character stem is one word; a division within its parent and a region's people apart
        ("克拉玛依市", "city", "Kèlāmǎyī Shì"),
        ("天津市滨海新区", "county", "Tiānjīn Shì Bīnhǎi Xīnqū"),
        ("济南市市中区", "county", "Jǐnán Shì Shìzhōng Qū"),
        ("宁夏回族自治区", "province", "Níngxià Huízú Zìzhìqū"),
        ("新疆维吾尔自治区", "province", "Xīnjiāng Wéiwú'ěr Zìzhìqū"),
        ("昌吉回族自治州", "city", "Chāngjí Huízú Zìzhìzhōu"),
    ],
)
def test_place_names(zh: str, entity_type: str, expected: str) -> None:
    assert entity_type in PLACE_STYLED
    assert pinyin_of(zh, "place") == expected


def test_apostrophe_only_inside_a_word() -> None:
    # 方案 is two words when a name is spelt syllable by syllable: no apostrophe before Àn
    assert pinyin_of("国家知识产权保护示范区建设方案", None).endswith("Jiàn Shè Fāng Àn")
    assert "'" not in pinyin_of("国家知识产权保护示范区建设方案", None)


def test_other_names_keep_marks_against_their_words() -> None:
    assert pinyin_of("中国(烟台)知识产权保护中心", None) == ("Zhōng Guó (Yān Tái) Zhī Shí Chǎn Quán Bǎo Hù Zhōng Xīn")
    assert pinyin_of('长株潭专利行政联合执法"雷霆"专项行动', None) == (
        'Cháng-Zhū-Tán Zhuān Lì Xíng Zhèng Lián Hé Zhí Fǎ "Léi Tíng" Zhuān Xiàng Xíng Dòng'
    )
    assert pinyin_of("12330知识产权维权援助热线", None).startswith("12330 Zhī Shí")


def test_bundled_kb_shows_and_resolves_the_derived_pinyin() -> None:
    for query, pinyin in (("changyuan", "Chángyuán Shì"), ("xian", "Xī'ān Shì"), ("Xi'an", "Xī'ān Shì")):
        result = invoke(["--kb", str(BUNDLED_KB), "show", query, "--json"])
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["names"]["pinyin"] == pinyin


@pytest.mark.parametrize(
    ("zh", "expected"),
    [("申长雨", "Shēn Chángyǔ"), ("甘绍宁", "Gān Shàoníng"), ("赵刚", "Zhào Gāng"), ("欧阳修", "Ōuyáng Xiū")],
)
def test_person_names_are_surname_then_given_name(zh: str, expected: str) -> None:
    assert pinyin_of(zh, "person") == expected


def test_bundled_kb_resolves_shen_changyu_by_chinese_name_and_pinyin() -> None:
    for query in ("申长雨", "Shen Changyu", "Shēn Chángyǔ"):
        result = invoke(["--kb", str(BUNDLED_KB), "show", query, "--json"])
        assert result.exit_code == 0, result.stderr
        view = json.loads(result.stdout)
        assert view["id"] == "shen-changyu" and view["names"]["pinyin"] == "Shēn Chángyǔ"


def test_a_year_span_keeps_its_dash_tight() -> None:
    assert pinyin_of("专利转化运用专项行动方案(2023—2025年)", None).endswith("(2023—2025 Nián)")


def test_one_syllable_of_a_long_place_name_names_nothing() -> None:
    """`show shen` opened the Shenyang high-tech zone (its pinyin begins Shěn Yáng ...) and `show ke` opened
    Karamay: one syllable of a long name is no name. A place's first pinyin word still names it when it is
    the whole stem (Huzhou for Húzhōu Shì)."""
    for query in ("shen", "ke", "zhong", "xin"):
        result = invoke(["--kb", str(BUNDLED_KB), "show", query, "--json"])
        assert result.exit_code != 0, (query, result.stdout[:80])
    result = invoke(["--kb", str(BUNDLED_KB), "show", "huzhou", "--json"])
    assert json.loads(result.stdout)["id"] == "huzhou"


def test_a_chinese_name_typed_with_a_homophone_suggests_the_name_that_sounds_the_same() -> None:
    """湖洲 for 湖州 (both húzhōu): fuzzy matching of characters offered only 湖南 and 湖北 entities."""
    result = invoke(["--kb", str(BUNDLED_KB), "show", "湖洲"])
    assert result.exit_code == 1
    assert "did you mean: huzhou" in result.stderr


def test_reading_word_by_word_equals_pypinyins_reading_of_the_whole_name(tmp_path: Path) -> None:
    """derive reads each word once (pypinyin's own segmentation, then a cache); that must be what lazy_pinyin
    reads for the whole name, for every Chinese name of the bundled KB and some hard cases."""
    import sqlite3

    from pypinyin import Style, lazy_pinyin

    from ipkb.build import derive
    from ipkb.build.store import ensure_built

    db = ensure_built(BUNDLED_KB.resolve(), tmp_path / "kb.sqlite")
    names = [row[0] for row in sqlite3.connect(db).execute("SELECT zh FROM entity WHERE zh IS NOT NULL")]
    names += ["长垣县", "长株潭", "申长雨", "西安", "银行行长", "重庆市", "12330知识产权", "A股", "(2023—2025年)"]
    assert len(names) > 400  # every Chinese name of the bundled KB (487 in December 2026), not a sample
    derive._teach_pypinyin()
    for zh in names:
        whole = [token for item in lazy_pinyin(zh, style=Style.TONE) for token in re.findall(r"\w+|[^\w\s]", item)]
        assert derive._syllables(zh) == whole, zh


def test_validate_does_not_load_pypinyin() -> None:
    """validate summarizes rows for the KB-wide checks but never stores pinyin: loading pypinyin cost it 0.3 s."""
    import subprocess
    import sys

    probe = (
        "import sys; from ipkb.build.validate import validate_folder; "
        f"validate_folder(__import__('pathlib').Path({str(BUNDLED_KB)!r})); print('pypinyin' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
