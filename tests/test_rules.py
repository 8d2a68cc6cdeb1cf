"""The rules that weigh records against each other (conflicting facts, lifespans, source dates, Chinese name
twins) and the text rules' allowances, through the CLI on the mini KB; and the same through incremental
builds, which re-read only the file that changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ipkb.build import store
from ipkb.errors import InvalidKnowledgeBase
from tests.conftest import invoke

LAKE_TOWN = """\
- id: lake-town
  type: county
  name: Lake Town
  since: "2016-05"
  until: "2020"
  sources: [{source: src-article}]
"""


def report(kb: Path) -> tuple[int, dict[str, Any]]:
    result = invoke(["--kb", str(kb), "validate", "--json"])
    return result.exit_code, json.loads(result.stdout)


def messages(found: list[dict[str, Any]], file: str) -> list[str]:
    return [f"{p['line']}: {p['message']}" for p in found if p["file"].endswith(file)]


def write(kb: Path, name: str, text: str) -> None:
    (kb / name).write_text(text, encoding="utf-8")


def test_facts_that_disagree_pass_only_when_both_say_conflict_with_a_note(mini_kb: Path) -> None:
    fact = (
        "- entity: huzhou\n  metric: patent_grants\n  value: {value}\n  period: '2020'\n{extra}"
        "  sources: [{{source: src-article}}]\n"
    )
    flagged = "  conflict: true\n  note: src-article and its reprint disagree\n"
    write(mini_kb, "facts/a.yaml", fact.format(value=100, extra=flagged))
    write(mini_kb, "facts/b.yaml", fact.format(value=120, extra=""))
    code, found = report(mini_kb)
    [error] = messages(found["errors"], "facts/b.yaml")
    assert code == 1 and error.startswith("1: huzhou patent_grants (actual, period 2020) is 120 here, but 100 at ")
    assert error.endswith("kb/facts/a.yaml:1")
    write(mini_kb, "facts/b.yaml", fact.format(value=120, extra=flagged))
    assert report(mini_kb)[0] == 0
    write(mini_kb, "facts/b.yaml", fact.format(value="100.0", extra=""))  # the same figure again is no conflict
    assert report(mini_kb)[0] == 0
    other_period = fact.format(value=120, extra="").replace("'2020'", "'2021'")
    write(mini_kb, "facts/b.yaml", other_period)
    assert report(mini_kb)[0] == 0


def test_a_relation_dated_outside_an_entitys_lifespan_is_a_warning(mini_kb: Path) -> None:
    write(mini_kb, "entities/lake.yaml", LAKE_TOWN)
    write(
        mini_kb,
        "relations/lake.yaml",
        "- {from: lake-town, type: located_in, to: zhejiang, since: 2015, sources: [src-article]}\n"
        "- {from: lake-town, type: holds_designation, to: national-ip-demonstration-city, year: 2016, "
        "sources: [src-article]}\n"
        "- {from: lake-town, type: holds_designation, to: national-ip-demonstration-city, date: 2021-02, "
        "sources: [src-article]}\n"
        "- {from: lake-town, type: located_in, to: shaoxing, sources: [src-article]}\n",
    )
    code, found = report(mini_kb)
    assert code == 0
    assert messages(found["warnings"], "relations/lake.yaml") == [
        "1: relation dated 2015 lies outside the lifespan of 'lake-town' (since 2016-05, until 2020)",
        "3: relation dated 2021-02 lies outside the lifespan of 'lake-town' (since 2016-05, until 2020)",
    ]  # 2016 overlaps a lifespan that starts in May 2016; an undated relation says nothing


def test_a_source_dated_before_the_claim_it_backs_is_a_warning(mini_kb: Path) -> None:
    write(
        mini_kb,
        "entities/old-source.yaml",
        "- {id: src-2020-results, type: source, name: 2020 results page, date: 2020-12-01}\n",
    )
    write(
        mini_kb,
        "facts/old.yaml",
        "- {entity: huzhou, metric: patent_grants, value: 5, period: 2022/2025, sources: [src-2020-results]}\n"
        "- {entity: huzhou, metric: patent_grants, value: 9, period: '2025', kind: target,"
        " sources: [src-2020-results]}\n"
        "- {entity: huzhou, metric: patent_grants, value: 3, period: 2020-06, sources: [src-2020-results]}\n",
    )
    write(
        mini_kb,
        "relations/old.yaml",
        "- {from: huzhou, type: hosts, to: keqiao-overseas-dispute-subcenter, since: 2022, "
        "sources: [src-2020-results]}\n"
        "- {from: shaoxing, type: hosts, to: keqiao-overseas-dispute-subcenter, since: 2022, status: planned, "
        "sources: [src-2020-results]}\n",
    )
    code, found = report(mini_kb)
    assert code == 0
    words = "source 'src-2020-results' is dated 2020-12-01, before the claim it backs begins"
    assert messages(found["warnings"], "facts/old.yaml") == [f"1: {words} (2022/2025)"]  # targets are plans
    assert messages(found["warnings"], "relations/old.yaml") == [f"1: {words} (2022)"]  # planned: skipped


def test_a_chinese_name_twin_of_one_type_is_an_error_unless_a_note_tells_them_apart(mini_kb: Path) -> None:
    twin = "- id: huzhou-2\n  type: city\n  name: Huzhou (2)\n  zh: 湖州市\n"
    twin += "  sources: [{source: src-article, quote: 湖州市}]\n"
    write(mini_kb, "entities/twin.yaml", twin)
    code, found = report(mini_kb)
    assert code == 1 and any(
        "same Chinese name 湖州市 and type city" in m for m in messages(found["errors"], "twin.yaml")
    )
    write(mini_kb, "entities/twin.yaml", twin + "  note: The 1983 city, before the merger.\n")
    code, found = report(mini_kb)
    assert code == 0 and not messages(found["warnings"], "twin.yaml")


def test_a_chinese_name_no_quote_of_the_entity_gives_is_a_warning_at_its_line(mini_kb: Path) -> None:
    """A Chinese name is read as what the entity is called; one that none of its quotes writes (a researcher's
    rendering, a mixed form) is flagged at its own line. Brackets and quotation marks may differ in width."""
    write(
        mini_kb,
        "entities/names.yaml",
        "- id: lake\n  type: county\n  name: Lake\n  zh: 湖县\n  aliases:\n  - Lake County\n  - 中国(湖县)\n"
        "  - 湖州市\n  former_names:\n  - {name: Old Lake, zh: 旧湖, until: '2001', sources: [{source: src-article}]}\n"
        '  sources: [{source: src-article, quote: "湖州市"}]\n'
        "- id: quoted\n  type: county\n  name: Quoted\n  zh: 关于“蓝天”的(通知)\n"
        '  sources: [{source: src-article, quote: "关于\\"蓝天\\"的（通知）"}]\n',
    )
    code, found = report(mini_kb)
    words = "is in none of this entity's quotes"
    assert code == 0
    assert messages(found["warnings"], "names.yaml") == [
        f"4: the Chinese name '湖县' {words}",
        f"7: the Chinese name '中国(湖县)' {words}",
        f"9: the former Chinese name '旧湖' {words}",
    ]


def test_a_chinese_name_a_traditional_character_quote_writes_is_quoted_but_no_looser_match_is(mini_kb: Path) -> None:
    """Stored copies of mainland pages are often traditional-character mirrors, some with pinyin readings
    inserted (知識(shí)產(chǎn)權(quán)): they give the simplified name. A name they do not write still warns."""
    mirror = "中國(黑龍江)知識產(chǎn)權(quán)保護(hù)中心成立"
    write(
        mini_kb,
        "entities/mirror.yaml",
        f"- id: hlj\n  type: county\n  name: HLJ\n  zh: 中国(黑龙江)知识产权保护中心\n"
        f"  aliases: [中國(黑龍江)知識產權保護中心, 中国(吉林)知识产权保护中心]\n"
        f"  sources: [{{source: src-article, quote: '{mirror}'}}]\n",
    )
    code, found = report(mini_kb)
    assert code == 0
    assert messages(found["warnings"], "mirror.yaml") == [
        "5: the Chinese name '中国(吉林)知识产权保护中心' is in none of this entity's quotes"
    ]


def test_line_breaks_and_tabs_are_allowed_in_notes_and_descriptions_only(mini_kb: Path) -> None:
    entity = '- id: lake-town\n  type: county\n  name: "{name}"\n  description: "Two\\n\\tlines."\n'
    write(mini_kb, "entities/lake.yaml", entity.format(name="Lake Town") + '  note: "a\\tb\\nc"\n')
    code, found = report(mini_kb)
    assert code == 0, found
    write(mini_kb, "entities/lake.yaml", entity.format(name="Lake\\tTown"))
    code, found = report(mini_kb)
    assert messages(found["errors"], "lake.yaml") == ["3: 'name' holds a control character (U+0009 at character 5)"]


def test_an_entitys_texts_and_confidence_on_one_line_are_reported_in_the_order_of_its_attributes(
    mini_kb: Path,
) -> None:
    """The plain texts are read from one list (ipkb.model.ENTITY_TEXTS) around the confidence, in EntityRecord's
    order: a flow mapping's problems, all at one line, keep the order they have always had."""
    texts = "zh: [x], pinyin: {a: 1}, description: [d], confidence: maybe, note: [n]"
    write(mini_kb, "entities/lake.yaml", f"- {{id: lake-town, type: county, name: Lake Town, {texts}}}\n")
    code, found = report(mini_kb)
    assert code == 1
    assert messages(found["errors"], "lake.yaml") == [
        "1: 'zh' must be text, not Sequence",
        "1: 'pinyin' must be text, not Mapping",
        "1: 'description' must be text, not Sequence",
        "1: confidence must be one of seen, inferred",
        "1: 'note' must be text, not Sequence",
    ]


@pytest.mark.parametrize("case", ["empty-schema", "broken-schema"])
def test_a_broken_schema_gives_its_own_error_and_nothing_else(case: str, tmp_path: Path) -> None:
    from tests.test_bad_inputs import broken_kb

    kb = broken_kb(case, tmp_path)
    code, found = report(kb)
    assert code == 1 and len(found["errors"]) == 1 and found["errors"][0]["file"].endswith("schema.yaml")
    assert found["warnings"] == []
    shown = invoke(["--kb", str(kb), "show", "huzhou"])
    assert shown.exit_code == 1 and shown.stderr.count("schema.yaml:") == 1


def test_show_json_gives_an_entitys_lifespan(mini_kb: Path) -> None:
    write(mini_kb, "entities/lake.yaml", LAKE_TOWN)
    view = json.loads(invoke(["--kb", str(mini_kb), "show", "lake-town", "--json"]).stdout)
    assert view["fields"] == {"since": "2016-05", "until": "2020"}


def test_incremental_builds_catch_the_kb_wide_rules(mini_kb: Path, tmp_path: Path) -> None:
    """Each rule spans files: a rebuild that re-reads one file must still weigh it against the others."""
    db = tmp_path / "kb.sqlite"
    write(mini_kb, "entities/lake.yaml", LAKE_TOWN)
    write(
        mini_kb, "relations/lake.yaml", "- {from: lake-town, type: located_in, to: zhejiang, sources: [src-article]}\n"
    )
    assert store.build(mini_kb, db) == []
    write(
        mini_kb,
        "relations/lake.yaml",
        "- {from: lake-town, type: located_in, to: zhejiang, since: 2021, sources: [src-article]}\n",
    )
    warnings = store.build(mini_kb, db)
    assert [w.message for w in warnings] == [
        "relation dated 2021 lies outside the lifespan of 'lake-town' (since 2016-05, until 2020)"
    ]
    write(mini_kb, "entities/lake.yaml", LAKE_TOWN.replace('until: "2020"', 'until: "2022"'))
    assert store.build(mini_kb, db) == []  # only the entity's file changed; the relation is weighed again
    write(
        mini_kb,
        "facts/more.yaml",
        "- {entity: national-center, metric: subcenter_count, value: 44, period: '2024', sources: [src-article]}\n",
    )
    with pytest.raises(InvalidKnowledgeBase) as raised:
        store.build(mini_kb, db)
    assert any("is 43 here, but 44 at" in p.message or "is 44 here, but 43" in p.message for p in raised.value.problems)


def test_a_source_kind_outside_the_schema_vocabulary_is_an_error(tmp_path: Path) -> None:
    """A source's kind is one of the schema's words (official-notice, ..., mirror), so readers can weigh it."""
    import shutil

    from tests.conftest import BUNDLED_KB

    kb = tmp_path / "kb"
    shutil.copytree(BUNDLED_KB, kb)
    (kb / "entities" / "blog.yaml").write_text("- {id: src-blog, type: source, name: A blog, kind: mirrror}\n")
    result = invoke(["--kb", str(kb), "validate"])
    assert result.exit_code == 1
    assert "kind must be one of official-notice, official-press, press, mirror, research-note, not 'mirrror'" in (
        result.stdout + result.stderr
    )
    assert "did you mean 'mirror'?" in result.stdout + result.stderr


def test_a_field_every_entity_type_has_is_one_line_of_schema_yaml(mini_kb: Path) -> None:
    """`entity_fields:` declares a field for every type (a type's own `fields:` win): read, checked by its kind,
    kept in the store and shown, with no code; an undeclared key is still refused."""
    schema = mini_kb / "schema.yaml"
    schema.write_text(schema.read_text() + "\nentity_fields:\n  website: text\n  founded: date\n", encoding="utf-8")
    write(mini_kb, "entities/lake.yaml", LAKE_TOWN + '  website: https://lake.example\n  founded: "2016-05"\n')
    view = json.loads(invoke(["--kb", str(mini_kb), "show", "lake-town", "--json"]).stdout)
    assert view["fields"]["website"] == "https://lake.example" and view["fields"]["founded"] == "2016-05"
    assert "https://lake.example" in invoke(["--kb", str(mini_kb), "show", "lake-town"]).stdout
    write(mini_kb, "entities/lake.yaml", LAKE_TOWN + '  founded: "2016-13"\n  web: x\n')
    code, found = report(mini_kb)
    assert code == 1
    assert any("founded" in m for m in messages(found["errors"], "lake.yaml")), found
    assert any("unknown key 'web'" in m for m in messages(found["errors"], "lake.yaml")), found


def test_entity_fields_must_be_a_mapping(mini_kb: Path) -> None:
    schema = mini_kb / "schema.yaml"
    schema.write_text(schema.read_text() + "\nentity_fields: [website]\n", encoding="utf-8")
    code, found = report(mini_kb)
    assert code == 1 and any("entity_fields must map" in p["message"] for p in found["errors"]), found
