"""The HTML page says what qualifies each relation, as the CLI does: its dates, batch, document and status, that it
is inferred, and its note, in the entity panel's relation list and in the link's hover text. A reader quotes the
page as an answer (a trial found only "sub-center of -> National ... Center" and the quotes there, no batch,
no date, no note), and no text of the KB can break it."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from tests.browser import CHROMIUM, Browser, Tab
from tests.conftest import BUNDLED_KB, REPO

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium; .ci/run does)"
)
DRAWN = "document.documentElement.dataset.nodesDrawn"
HOSTILE = "Says </script><img src=x onerror=\"window.hit=1\"> & 'it' <!-- __DATA__ \u2028 -->"
SUBCENTER = "zhejiang-overseas-dispute-subcenter"
SUBCENTER_OF = f"{SUBCENTER}>subcenter_of>national-center"


@pytest.fixture
def qualified_kb(mini_kb: Path) -> Path:
    """The mini KB with a relation dated, in a batch, with a document and a hostile note, and an inferred one."""
    (mini_kb / "relations" / "qualified.yaml").write_text(
        "- from: keqiao-overseas-dispute-subcenter\n  type: subcenter_of\n  to: national-center\n  batch: 2\n"
        "  date: 2021-04-21\n  document: 国知办函保字〔2021〕11号\n  subcenter_kind: local\n"
        f"  note: {json.dumps(HOSTILE)}\n  sources: [{{source: src-article, quote: {json.dumps(HOSTILE)}}}]\n"
        "- from: keqiao\n  type: located_in\n  to: zhejiang\n  confidence: inferred\n"
        "  note: Shaoxing lies in Zhejiang, so Keqiao does.\n  sources: [{source: src-article}]\n",
        encoding="utf-8",
    )
    (mini_kb / "facts" / "target.yaml").write_text(
        "- {entity: national-center, metric: subcenter_count, value: 60, period: '2025', kind: target,\n"
        '   confidence: inferred, scope: {batch: 3}, note: "A plan\'s figure, not a count.",\n'
        "   sources: [{source: src-article}]}\n",
        encoding="utf-8",
    )
    return mini_kb


def page_data(page: str) -> Any:
    found = re.search(r'<script type="application/json" id="ipkb-data">(.*?)</script>', page, re.S)
    assert found is not None
    return json.loads(found[1])


def edge(data: Any, key: str) -> Any:
    return next(e for e in data["edges"] if e["id"] == key)


def plain(text: str) -> str:
    """Text with its line breaks and runs of spaces as one space: the CLI wraps lines, the page does not."""
    return " ".join(text.split())


def test_page_data_carries_each_relations_qualifiers_confidence_and_note(
    run, qualified_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # `show`'s relation on one line, to compare with the page's
    result = run("export", "-f", "html")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    data = page_data(page)

    batch2 = edge(data, "keqiao-overseas-dispute-subcenter>subcenter_of>national-center#2")
    assert batch2["qualifiers"] == {
        "batch": 2,
        "date": "2021-04-21",
        "document": "国知办函保字〔2021〕11号",
        "subcenter_kind": "local",
    }
    assert batch2["confidence"] == "seen" and batch2["note"] == HOSTILE
    assert batch2["sources"] == [{"source": "src-article", "quote": HOSTILE}]
    # the CLI's words for them, exactly as `show` prints them beside the relation
    said = "batch 2 · 2021-04-21 · document 国知办函保字〔2021〕11号 · subcenter kind: local"
    assert batch2["details"] == said
    assert said in plain(run("show", "keqiao-overseas-dispute-subcenter", kb=qualified_kb).stdout)

    planned = edge(data, "keqiao-overseas-dispute-subcenter>subcenter_of>national-center")
    assert planned["qualifiers"] == {"status": "planned"} and planned["details"] == "planned"
    assert planned["note"] is None

    inferred = edge(data, "keqiao>located_in>zhejiang")
    assert inferred["confidence"] == "inferred" and inferred["details"] == "inferred"
    assert inferred["note"] == "Shaoxing lies in Zhejiang, so Keqiao does."
    designation = edge(data, "huzhou>holds_designation>national-ip-demonstration-city")
    assert designation["details"] == "rank 4 of 25 · 2014"
    assert "rank 4 of 25 · 2014" in plain(run("show", "huzhou", kb=qualified_kb).stdout)

    # a figure likewise: its scope, that it is a target and inferred, as `show` says them, and its note
    target = next(f for f in data["details"]["national-center"]["facts"] if f["value"] == 60)
    assert target["details"] == "batch 3 · target · inferred" and target["note"] == "A plan's figure, not a count."
    assert "batch 3 · target · inferred" in plain(run("show", "national-center", kb=qualified_kb).stdout)

    # the hostile note and quote end no script and open no comment: only the page's own four </script> do
    template = (REPO / "ipkb" / "export" / "page.html").read_text(encoding="utf-8")
    assert page.lower().count("</script") == template.lower().count("</script") == 3
    assert "<!--" not in page and "<img" not in page


def relation_text(tab: Tab, key: str) -> str:
    text: str = tab.eval(
        f"document.querySelector('#details li.relation[data-key=' + JSON.stringify({json.dumps(key)}) + ']').innerText"
    )
    return text


@needs_chromium
def test_the_panel_and_the_hover_text_say_a_hostile_note_as_text(run, qualified_kb: Path, tmp_path: Path) -> None:
    page = tmp_path / "kb.html"
    assert run("export", "-f", "html", "-o", str(page)).exit_code == 0
    with Browser(tmp_path / "profile") as browser:
        tab = browser.open(page.as_uri() + "#keqiao-overseas-dispute-subcenter")
        tab.wait_for(DRAWN, timeout=120)
        key = "keqiao-overseas-dispute-subcenter>subcenter_of>national-center#2"
        shown = relation_text(tab, key)
        assert "batch 2 · 2021-04-21 · document 国知办函保字〔2021〕11号 · subcenter kind: local" in shown
        assert plain("Note: " + HOSTILE) in plain(shown)
        assert tab.eval("document.querySelectorAll('#details img').length") == 0
        assert tab.eval("window.hit") is None
        tooltip = tab.eval(f"window.ipkbNetwork.body.data.edges.get({json.dumps(key)}).title")
        assert tooltip.split("\n")[:3] == [
            "sub-center of",
            "batch 2 · 2021-04-21 · document 国知办函保字〔2021〕11号 · subcenter kind: local",
            "Note: " + HOSTILE,
        ]

        tab.eval("window.ipkbFocus('national-center', false)")
        facts = tab.eval("[...document.querySelectorAll('#details li.fact')].map(li => li.innerText)")
        target = next(f for f in facts if "60" in f)
        assert "\nbatch 3 · target · inferred\nNote: A plan's figure, not a count." in target

        tab.eval("window.ipkbFocus('keqiao', false)")
        inferred = relation_text(tab, "keqiao>located_in>zhejiang")
        assert "\ninferred\n" in inferred and "Note: Shaoxing lies in Zhejiang, so Keqiao does." in inferred
        assert tab.errors == []


@needs_chromium
def test_a_sub_centers_panel_shows_its_batch_date_document_and_note(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trial's page: `--root zhejiang-overseas-dispute-subcenter --depth 1`, its relation to the national
    center said as `show` says it, with the note on what its date is."""
    monkeypatch.setenv("COLUMNS", "400")  # `show`'s relation on one line, to compare with the page's
    page = tmp_path / "z.html"
    options = ("--root", SUBCENTER, "--depth", "1", "-o", str(page))
    assert run("export", "-f", "html", *options, kb=BUNDLED_KB).exit_code == 0
    rel = edge(page_data(page.read_text(encoding="utf-8")), SUBCENTER_OF)
    shown_by_cli = plain(run("show", SUBCENTER, kb=BUNDLED_KB).stdout)
    assert rel["details"] and rel["details"] in shown_by_cli and rel["note"] and plain(rel["note"]) in shown_by_cli
    with Browser(tmp_path / "profile") as browser:
        tab = browser.open(page.as_uri() + "#" + SUBCENTER)
        tab.wait_for(DRAWN, timeout=120)
        shown = relation_text(tab, SUBCENTER_OF)
        assert shown.startswith("sub-center of → National Overseas Intellectual Property Dispute")
        assert "batch 1" in shown and "2020-04-08" in shown and "document 国知办函保字〔2020〕249号" in shown
        assert "Note: The date is the publication date (发布日期)" in shown
        # the details and the note lie below the relation's line and above its first source, not over them
        boxes = tab.eval(
            f"""[...document.querySelector('#details li.relation[data-key=' + JSON.stringify({json.dumps(SUBCENTER_OF)})
               + ']').children].map(c => {{ const r = c.getBoundingClientRect(); return [r.top, r.bottom]; }})"""
        )
        assert len(boxes) == 4 and all(a[1] <= b[0] + 0.5 for a, b in pairwise(boxes))
        assert tab.errors == []
