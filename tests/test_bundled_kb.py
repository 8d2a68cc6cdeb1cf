"""The knowledge base that ships with ipkb: clean, cited, checkable, and answering what each article says."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import BUNDLED_KB, SHARED, invoke


def ipkb_json(*args: str) -> Any:
    result = invoke(["--kb", str(BUNDLED_KB), *args, "--json"])
    assert result.exit_code == 0, result.stderr + result.stdout
    return json.loads(result.stdout)


def facts(entity: str) -> dict[tuple[str, str | None], Any]:
    return {(f["metric"], f["period"]): f["value"] for f in ipkb_json("show", entity)["facts"]}


def test_bundled_kb_validates_clean() -> None:
    report = ipkb_json("validate")
    assert report["ok"] and report["errors"] == []


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="needs ../shared/seeds beside the checkout")
def test_every_quote_is_found_in_its_source_text() -> None:
    report = ipkb_json("verify", "--texts", str(SHARED))
    assert report["ok"], report["errors"][:5]
    assert report["checked"] == report["found"] > 500


def test_every_relation_and_fact_cites_a_source() -> None:
    stats = ipkb_json("stats")
    for kind in ("relations", "facts"):
        assert stats["citations"][kind]["share_with_source"] == 1.0


def test_every_dated_relation_rests_on_a_quote_or_a_source_of_its_year(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A relation's date is a claim like any other: one of its quotes holds the year, or one of its sources is
    dated in that year (a report of the day). 53 relations broke this (a 2013 designation cited only by a
    quote naming the city); each now cites the words that date it, or its note says where the date comes from."""
    from ipkb.api import open_kb

    store = open_kb(str(BUNDLED_KB), str(tmp_path / "kb.sqlite")).store
    sql = (
        "SELECT r.file, r.line, r.qualifiers, c.quote, json_extract(s.fields, '$.date') AS published "
        "FROM relation r JOIN citation c ON c.owner_kind = 'relation' AND c.owner = CAST(r.rowid AS TEXT) "
        "LEFT JOIN entity s ON s.id = c.source_id"
    )
    dated: dict[str, bool] = {}
    roles = store.roles()
    for row in store.rows(sql):
        start = roles.start_of(json.loads(row["qualifiers"]))
        if start is None:
            continue
        year, where = str(start)[:4], f"{row['file']}:{row['line']} ({start})"
        said = year in (row["quote"] or "") or str(row["published"] or "").startswith(year)
        dated[where] = dated.get(where, False) or said
    unsupported = sorted(where for where, said in dated.items() if not said)
    assert not unsupported, unsupported


@pytest.mark.parametrize(
    ("words", "entity"),
    [
        # seed 000: Keqiao
        ("Keqiao District", "keqiao"),
        ("柯桥区", "keqiao"),
        ("ke bridge", "keqiao"),
        ("KeQiao quick d center", "keqiao-textile-rapid-protection-center"),
        ("绍兴", "shaoxing"),
        # seed 001: Huzhou
        ("Huzhou City", "huzhou"),
        ("湖州", "huzhou"),
        ("Deqing County", "deqing"),
        ("Anji County", "anji"),
        ("State Intellectual Property Office", "cnipa"),
        # seed 002: Zhifu
        ("Zhizheng District", "zhifu"),
        ("Zhizhen District", "zhifu"),
        ("芝罘区", "zhifu"),
        ("Yantai", "yantai"),
        ("Canadian goose", "canada-goose"),
        # seed 003: Economic Daily
        ("Smart Southern Needle", "zhinanzhen"),
        ("智南针", "zhinanzhen"),
        ("Tongguan Rougamo", "tongguan-rougamo"),
        ("National Overseas Intellectual Property Dispute Response and Guidance Center", "national-center"),
        ("国家海外知识产权纠纷应对指导中心", "national-center"),
        ("Hu Wenhui", "hu-wenhui"),
        # seed 004: Hunan
        ("Hunan", "hunan"),
        ("湖南省", "hunan"),
        ("Changsha", "changsha"),
    ],
)
def test_what_a_reader_looks_up_resolves(words: str, entity: str) -> None:
    assert ipkb_json("show", words)["id"] == entity


def test_keqiao_article_figures() -> None:
    keqiao = facts("keqiao")
    assert keqiao[("high_value_invention_patents_per_10k_people", "2025")] == 17
    assert keqiao[("design_patent_applications", None)] == 1000
    planned = [
        r["other"]["id"]
        for r in ipkb_json("show", "keqiao-textile-ip-opinions")["relations"]
        if r["type"] == "provides_for" and r["qualifiers"].get("status") == "planned"
    ]
    assert {"blue-sky-campaign", "thunder-campaign"} <= set(planned)
    carried_out = {r["other"]["id"] for r in ipkb_json("show", "keqiao")["relations"] if r["type"] == "carries_out"}
    assert not carried_out & {"blue-sky-campaign", "thunder-campaign"}  # plans of the 2022 policy, not Keqiao's acts


def test_huzhou_article_figures_and_rank() -> None:
    huzhou = facts("huzhou")
    assert huzhou[("invention_patents_per_10k_people", "2014")] == 8.09
    assert huzhou[("patent_applications", "2014")] == 19886
    # the article's undated "national average of 3.19" is not China's end-2014 figure (CNIPA: 4.9)
    assert facts("china")[("invention_patents_per_10k_people", "2014")] == 4.9
    holds = [
        r for r in ipkb_json("show", "huzhou")["relations"] if r["other"]["id"] == "national-ip-demonstration-city"
    ]
    assert any(r["qualifiers"].get("rank") == 4 and r["qualifiers"].get("year") == 2014 for r in holds)


def test_zhifu_article_designation_is_marked_inferred() -> None:
    holds = [
        r
        for r in ipkb_json("show", "zhifu")["relations"]
        if r["other"]["id"] == "national-ip-strong-county-demonstration-county"
    ]
    assert holds and holds[0]["confidence"] == "inferred" and holds[0]["qualifiers"]["batch"] == 1
    assert facts("zhifu")[("ip_cases_investigated", None)] == 101


def test_economic_daily_figures() -> None:
    china = facts("china")
    assert china[("invention_patent_grants", "2023")] == 921000
    assert china[("trademark_registrations", "2023")] == 4383000
    # the 2023 overseas-guidance figures are CNIPA's (the Economic Daily's subject), not the national center's
    assert facts("cnipa")[("enterprises_guided", "2023")] == 1706
    claims = ipkb_json("coverage")["claimed_totals"]
    assert any(c["entity"]["id"] == "national-center" and c["claimed"] == 43 for c in claims)
    assert any(c["entity"]["id"] == "ip-protection-center-network" and c["claimed"] == 112 for c in claims)


def test_hunan_article_designation_and_target() -> None:
    holders = {e["id"] for e in ipkb_json("list", "--designation", "supporting-ip-strong-province-pilot")["entities"]}
    assert "hunan" in holders
    cluster = ipkb_json("show", "changsha-zhuzhou-xiangtan-city-cluster")["facts"]
    assert any(f["kind"] == "target" and f["value"] == 24 and f["period"] == "2020" for f in cluster)


def test_path_keqiao_national_center_goes_through_cited_relations() -> None:
    view = ipkb_json("path", "keqiao", "national-center")
    assert view["hops"][-1]["to"]["id"] == "national-center"
    assert all(hop["sources"] and hop["sources"][0]["quote"] for hop in view["hops"])


def test_national_center_lists_its_subcenters_with_batches() -> None:
    relations = ipkb_json("show", "national-center")["relations"]
    subcenters = [r for r in relations if r["type"] == "subcenter_of" and r["direction"] == "in"]
    assert len({r["other"]["id"] for r in subcenters}) >= 20
    batch_one = {r["other"]["id"] for r in subcenters if r["qualifiers"].get("batch") == 1}
    assert {"zhejiang-overseas-dispute-subcenter", "ningbo-overseas-dispute-subcenter"} <= batch_one


def test_list_in_a_province_is_transitive() -> None:
    inside = {e["id"] for e in ipkb_json("list", "--in", "zhejiang")["entities"]}
    assert {"huzhou", "keqiao", "shaoxing", "anji"} <= inside


def test_a_holder_is_marked_announced_only_if_every_claim_of_its_title_is_an_announcement() -> None:
    """The trial: Huzhou was marked 'announced' as a demonstration city, from the 2013 public notice, though
    the 2014 assessment counts it among the demonstration cities (a claim of its own, not an announcement).
    The second trial: unmarked, its row's batch 2 and year 2013, which come from the notice, read as confirmed;
    the caveat now says that the announcement dates the row and when a plain claim has the title held."""
    rows = {
        r["id"]: r
        for r in ipkb_json(
            "list", "--designation", "national-ip-demonstration-city", "--columns", "id,batch,year,caveat"
        )["entities"]
    }
    assert (rows["huzhou"]["batch"], rows["huzhou"]["year"]) == (2, 2013)
    assert rows["huzhou"]["caveat"] == "announced 2013-07-24 · held in 2014"
    assert rows["jiaxing"]["caveat"] == "announced"  # named only in the 2013 notice
