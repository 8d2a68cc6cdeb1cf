"""The drawn exports: the HTML page in a real Chromium, DOT, SVG/PNG through Graphviz, Mermaid, `--in`, limits."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pydot
import pytest

from ipkb.build.schema import load_schema
from ipkb.export.style import PALETTE, contrast, text_colour
from tests.browser import CHROMIUM, Browser, Tab
from tests.conftest import BUNDLED_KB, REPO

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium; .ci/run does)"
)
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz `dot` (.ci/run installs it)")
DRAWN = "document.documentElement.dataset.nodesDrawn"
NOTE = "Prefecture level since 1983; the sources disagree on the year."


@pytest.fixture
def rich_kb(mini_kb: Path) -> Path:
    """The mini KB with attributes and a note on Huzhou."""
    path = mini_kb / "entities" / "places.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "  description: Prefecture-level city in northern Zhejiang.\n"
    assert marker in text
    extra = f"  attributes: {{level: prefecture, rank: 4}}\n  note: {json.dumps(NOTE)}\n"
    path.write_text(text.replace(marker, marker + extra), encoding="utf-8")
    (mini_kb / "facts" / "bounded.yaml").write_text(
        "- {entity: huzhou, metric: patent_applications, value: 17249, bound: more_than, period: '2014',\n"
        '   sources: [{source: src-article, quote: "ranks fourth in the country"}]}\n',
        encoding="utf-8",
    )
    return mini_kb


def export(run, fmt: str, target: Path, *options: str, kb: Path | None = None) -> Path:  # type: ignore[no-untyped-def]
    result = run("export", "--format", fmt, "-o", str(target), *options, kb=kb)
    assert result.exit_code == 0, result.stderr
    return target


def drawn_page(browser: Browser, page: Path, fragment: str = "") -> Tab:
    tab = browser.open(page.as_uri() + fragment)
    tab.wait_for(DRAWN, timeout=120)
    return tab


# -- HTML: colours ---------------------------------------------------------------------------------------------
@needs_chromium
def test_every_drawn_node_has_its_types_legend_colour_in_the_whole_bundled_kb(run, tmp_path: Path) -> None:
    """vis-network's improved layout (over 100 nodes) re-draws nodes in their group's colours: 141 of 541 were
    drawn in vis's default palette when only the nodes carried a colour."""
    page = export(run, "html", tmp_path / "kb.html", kb=BUNDLED_KB)
    entities = json.loads(run("stats", "--json", kb=BUNDLED_KB).stdout)["entities"]
    sources = len(json.loads(run("list", "--type", "source", "--json", kb=BUNDLED_KB).stdout)["entities"])
    expected = entities - sources  # sources are not drawn: a ring of ~400 unlinked boxes (their quotes: details)
    assert sources > 300
    with Browser(tmp_path / "profile") as browser:
        tab = drawn_page(browser, page)
        assert tab.eval(DRAWN) == str(expected)
        legend = tab.eval(
            """(() => { const out = {};
              document.querySelectorAll("#legend > span:not(.caveat)").forEach(entry => {
                const rgb = getComputedStyle(entry.querySelector(".swatch")).backgroundColor.match(/\\d+/g);
                out[entry.textContent] = "#" + rgb.slice(0, 3).map(c => (+c).toString(16).padStart(2, "0")).join("");
              });
              return out; })()"""
        )
        drawn = tab.eval(
            """(() => { const net = window.ipkbNetwork;
              return net.body.nodeIndices.map(id => [id, window.ipkbNodes.get(id).group,
                net.body.nodes[id].options.color.background.toLowerCase(),
                net.body.nodes[id].options.font.color.toLowerCase()]); })()"""
        )
        assert tab.errors == []
    assert len(drawn) == expected and len(legend) >= 20
    assert "source" not in {group for _, group, _, _ in drawn} and "source" not in legend
    wrong = [(node, group, fill) for node, group, fill, _ in drawn if fill != legend[group]]
    assert wrong == []
    assert all(font == text_colour(fill) for _, _, fill, font in drawn)


@needs_chromium
@pytest.mark.parametrize("root", ["huzhou", "keqiao", "national-center"])
def test_a_hubs_neighbours_are_laid_out_without_overlapping_boxes(run, tmp_path: Path, root: str) -> None:
    """A hub and its neighbours: with vis-network's default forces, boxes of up to 220 px were stacked on each
    other (around Huzhou, a county hidden under an event); the layout keeps every pair of boxes apart."""
    page = export(run, "html", tmp_path / "hub.html", "--root", root, "--depth", "1", kb=BUNDLED_KB)
    with Browser(tmp_path / "profile") as browser:
        tab = drawn_page(browser, page)
        boxes = tab.eval(
            """(() => { const net = window.ipkbNetwork;
              return net.body.nodeIndices.map(id => { const b = net.getBoundingBox(id);
                return [id, b.left, b.top, b.right, b.bottom]; }); })()"""
        )
        assert tab.errors == []
    assert len(boxes) > 10
    overlapping = [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]
    assert overlapping == [], [b for b in boxes if b[0] in {n for pair in overlapping for n in pair}]


def test_text_colour_reads_well_on_every_fill() -> None:
    assert text_colour("#ffffff") == "#000000" and text_colour("#000000") == "#ffffff"
    colours = load_schema(BUNDLED_KB / "schema.yaml", "", []).roles.colours
    assert text_colour(colours["court"]) == "#ffffff" and text_colour(colours["city"]) == "#000000"
    fills = [*PALETTE, *colours.values()]
    assert all(contrast(fill, text_colour(fill)) >= 4.5 for fill in fills)  # WCAG AA for normal text


# -- HTML: title, search, #id, attributes and note -------------------------------------------------------------
@needs_chromium
def test_page_opens_centred_on_the_hash_entity_and_search_finds_and_focuses(run, rich_kb: Path, tmp_path: Path) -> None:
    page = export(run, "html", tmp_path / "kb.html", "--in", "zhejiang", kb=rich_kb)
    with Browser(tmp_path / "profile") as browser:
        tab = drawn_page(browser, page, "#huzhou")
        assert tab.eval("document.title") == "ipkb: within Zhejiang 浙江省 (4 entities, 3 relations)"
        assert tab.eval("document.getElementById('title').textContent") == tab.eval("document.title")
        assert tab.eval("document.documentElement.dataset.focused") == "huzhou"
        assert tab.eval("window.ipkbNetwork.getSelectedNodes()") == ["huzhou"]
        assert centre_offset(tab, "huzhou") < 2

        details = tab.eval("document.getElementById('details').innerText")
        assert "湖州市" in details and "level\tprefecture" in details and NOTE in details
        # a figure reads as in every answer: its bound, thousands separators, the metric's words, not its key
        assert "patent applications: more than 17,249 applications (2014)" in details
        assert "17249" not in details
        tooltip = tab.eval("window.ipkbNodes.get('huzhou').title")
        assert "level: prefecture" in tooltip and "rank: 4" in tooltip and f"Note: {NOTE}" in tooltip

        tab.eval("document.getElementById('search').focus()")
        tab.type("柯桥")
        assert tab.eval("[...document.querySelectorAll('#matches li')].map(li => li.dataset.entity)") == ["keqiao"]
        tab.press("Enter")
        tab.wait_for("document.documentElement.dataset.focused === 'keqiao'")
        assert tab.eval("window.location.hash") == "#keqiao"
        assert tab.eval("document.getElementById('details').dataset.entity") == "keqiao"
        tab.wait_for(f"({CENTRE_OFFSET})('keqiao') < 2", timeout=10)  # the focus animation takes 0.4 s

        tab.eval("document.getElementById('search').value = ''")
        tab.type("Huzhou City")  # an alias
        tab.wait_for("document.querySelector('#matches li') !== null")
        assert tab.eval("document.querySelector('#matches li').dataset.entity") == "huzhou"
        tab.eval("document.querySelector('#matches li').click()")
        tab.wait_for("document.documentElement.dataset.focused === 'huzhou'")

        shot = tab.screenshot()
        assert tab.errors == []
    assert shot.startswith(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "page.png").write_bytes(shot)


CENTRE_OFFSET = """(id => { const net = window.ipkbNetwork, p = net.getPosition(id), v = net.getViewPosition();
  return Math.hypot(p.x - v.x, p.y - v.y) * net.getScale(); })"""


def centre_offset(tab: Tab, entity: str) -> float:
    """How far (in screen pixels) the entity is from the centre of the drawing."""
    offset: float = tab.eval(f"({CENTRE_OFFSET})({json.dumps(entity)})")
    return offset


@needs_chromium
def test_page_with_an_unknown_hash_draws_everything_and_focuses_nothing(run, tmp_path: Path) -> None:
    page = export(run, "html", tmp_path / "kb.html")
    with Browser(tmp_path / "profile") as browser:
        tab = drawn_page(browser, page, "#no-such-entity")
        assert tab.eval(DRAWN) == "11" and tab.eval("document.documentElement.dataset.focused") is None
        tab.eval("document.getElementById('search').focus()")
        tab.type("zzzz")
        assert tab.eval("document.getElementById('matches').innerText") == "no match"
        assert tab.errors == []


def test_page_data_carries_attributes_and_note_and_is_never_broken_by_kb_text(run, rich_kb: Path) -> None:
    path = rich_kb / "entities" / "places.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "Prefecture-level city in northern Zhejiang.", "Says __VIS__ and </script><b> and __DATA__."
        ),
        encoding="utf-8",
    )
    page = run("export", "-f", "html").stdout
    data = json.loads(re.search(r'<script type="application/json" id="ipkb-data">(.*?)</script>', page, re.S)[1])
    huzhou = data["details"]["huzhou"]
    assert huzhou["attributes"] == {"level": "prefecture", "rank": 4} and huzhou["note"] == NOTE
    assert huzhou["description"] == "Says __VIS__ and </script><b> and __DATA__."
    assert page.count("vis-network") >= 1 and page.count('id="ipkb-data"') == 1


# -- size limits -----------------------------------------------------------------------------------------------
def test_html_and_mermaid_refuse_what_they_cannot_draw_with_advice(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ipkb.export.html

    monkeypatch.setattr(ipkb.export.html, "MAX_NODES", 10)
    result = run("export", "-f", "html", "-o", str(tmp_path / "kb.html"))
    assert result.exit_code == 1 and not (tmp_path / "kb.html").exists()
    assert "too large for html: 11 entities (at most 10)" in result.stderr  # what it draws: not the source
    assert all(option in result.stderr for option in ("--in", "--root", "--type"))
    assert "Traceback" not in result.stderr
    assert run("export", "-f", "html", "--in", "zhejiang", "-o", str(tmp_path / "kb.html")).exit_code == 0

    import ipkb.export.mermaid
    import ipkb.export.png
    import ipkb.export.svg

    assert ipkb.export.png.MAX_EDGES < ipkb.export.svg.MAX_EDGES  # a raster image cannot be zoomed: smaller
    monkeypatch.setattr(ipkb.export.png, "MAX_EDGES", 6)
    result = run("export", "-f", "png", "-o", str(tmp_path / "kb.png"))
    assert result.exit_code == 1 and "7 relations (at most 6)" in result.stderr and "svg scales" in result.stderr
    assert not (tmp_path / "kb.png").exists()

    monkeypatch.setattr(ipkb.export.mermaid, "MAX_EDGES", 6)
    result = run("export", "-f", "mermaid")
    assert result.exit_code == 1 and "7 relations (at most 6)" in result.stderr and result.stdout == ""
    monkeypatch.setattr(ipkb.export.mermaid, "MAX_EDGES", 7)
    assert run("export", "-f", "mermaid").exit_code == 0
    monkeypatch.setattr(ipkb.export.mermaid, "MAX_TEXT", 100)
    result = run("export", "-f", "mermaid", "-o", str(tmp_path / "kb.mmd"))
    assert result.exit_code == 1 and "characters (Mermaid draws at most 100)" in result.stderr
    assert not (tmp_path / "kb.mmd").exists()


def test_the_whole_bundled_kb_is_refused_by_mermaid_but_a_province_is_drawn(run, tmp_path: Path) -> None:
    result = run("export", "-f", "mermaid", "-o", str(tmp_path / "kb.mmd"), kb=BUNDLED_KB)
    assert result.exit_code == 1 and "(at most 500)" in result.stderr and "--in PLACE" in result.stderr
    assert not (tmp_path / "kb.mmd").exists()
    lines = export(run, "mermaid", tmp_path / "zj.mmd", "--in", "zhejiang", kb=BUNDLED_KB).read_text().splitlines()
    edges = [line for line in lines if " -->|" in line]
    assert 0 < len(edges) <= 500 and '  e_zhejiang["Zhejiang<br/>浙江省"]:::t_province' in lines
    assert "  classDef t_province fill:#d62728,stroke:#333,color:#ffffff" in lines


# -- --in ------------------------------------------------------------------------------------------------------
def graph_of(run, *options: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    result = run("export", "-f", "json", *options, kb=BUNDLED_KB)
    assert result.exit_code == 0, result.stderr
    document: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    return document


def test_in_keeps_a_place_what_lies_within_it_and_the_relations_among_them(run) -> None:
    listed = {
        row["id"] for row in json.loads(run("list", "--in", "zhejiang", "--json", kb=BUNDLED_KB).stdout)["entities"]
    }
    inside = graph_of(run, "--in", "zhejiang")
    ids = {node["id"] for node in inside["nodes"]}
    assert ids == listed | {"zhejiang"} and len(ids) > 20
    assert [n["id"] for n in inside["nodes"] if n["type"] == "province"] == ["zhejiang"]
    whole = graph_of(run)
    among = [(e["source"], e["target"], e["key"]) for e in whole["edges"] if e["source"] in ids and e["target"] in ids]
    assert [(e["source"], e["target"], e["key"]) for e in inside["edges"]] == among
    around = graph_of(run, "--root", "zhejiang", "--depth", "2")  # what --in is for: this reaches every province
    assert sum(1 for n in around["nodes"] if n["type"] == "province") > 20


def test_in_combines_with_type_and_root(run) -> None:
    listed = run("list", "--in", "zhejiang", "--type", "city", "--json", kb=BUNDLED_KB).stdout
    cities = {row["id"] for row in json.loads(listed)["entities"]}
    typed = graph_of(run, "--in", "zhejiang", "--type", "city")
    assert {n["id"] for n in typed["nodes"]} == cities and "huzhou" in cities
    inside = {n["id"] for n in graph_of(run, "--in", "zhejiang")["nodes"]}
    around = {n["id"] for n in graph_of(run, "--root", "zhejiang", "--depth", "1")["nodes"]}
    both = {n["id"] for n in graph_of(run, "--in", "zhejiang", "--root", "zhejiang", "--depth", "1")["nodes"]}
    assert both == around & inside and "china" in around - both and "huzhou" in both


def test_in_an_unknown_place_says_did_you_mean(run) -> None:
    result = run("export", "-f", "json", "--in", "zhejaing")
    assert result.exit_code == 1 and "zhejiang" in result.stderr and result.stdout == ""


# -- DOT, SVG and PNG ------------------------------------------------------------------------------------------
def test_dot_carries_attributes_note_tooltip_and_readable_font_colours(run, rich_kb: Path, tmp_path: Path) -> None:
    target = export(run, "dot", tmp_path / "kb.dot", kb=rich_kb)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        (graph,) = pydot.graph_from_dot_data(target.read_text(encoding="utf-8"))
    nodes = {n.get_name().strip('"'): n for n in graph.get_nodes()}
    huzhou = nodes["huzhou"]
    assert huzhou.get("attr_level") == '"prefecture"' and huzhou.get("attr_rank") == '"4"'
    assert huzhou.get("note") == json.dumps(NOTE) and huzhou.get("fontcolor") == '"#000000"'
    assert "Note: " + NOTE in huzhou.get("tooltip")
    assert nodes["zhejiang"].get("fontcolor") == '"#ffffff"'  # white on the province red
    assert "ipkb legend" not in nodes  # the legend is for the drawn formats


@needs_dot
def test_svg_has_title_legend_chinese_names_and_readable_text(run, rich_kb: Path, tmp_path: Path) -> None:
    svg = export(run, "svg", tmp_path / "kb.svg", "--in", "zhejiang", kb=rich_kb).read_text(encoding="utf-8")
    assert svg.count('class="node"') == 4 + 1  # four entities and the legend
    assert svg.count('class="edge"') == 3
    assert "ipkb: within Zhejiang 浙江省" in svg and "湖州市" in svg and "浙江省" in svg
    assert 'font-family="Noto Sans CJK SC,sans-serif"' in svg
    legend = svg[svg.index("<title>ipkb legend</title>") :]
    legend = legend[: legend.index("</g>")]
    assert '<polygon fill="#d62728"' in legend and '<polygon fill="#ff7f0e"' in legend
    assert re.search(r'fill="#ffffff"[^>]*>province</text>', legend)
    assert "level: prefecture" in svg  # the tooltip, shown on hover


@needs_dot
def test_png_is_drawn_by_dot_with_a_fixed_command_line(
    run, rich_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    png = export(run, "png", tmp_path / "kb.png", "--in", "zhejiang", kb=rich_kb).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 300 and height > 150

    places = rich_kb / "entities" / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8").replace("name: Huzhou", "name: -Tjpg -o/tmp/x"))
    calls: list[list[str]] = []
    real_run = subprocess.run

    def recording_run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        calls.append(list(argv))
        return real_run(argv, **kwargs)  # type: ignore[call-overload, no-any-return]

    import ipkb.export.graphviz

    monkeypatch.setattr(ipkb.export.graphviz.subprocess, "run", recording_run)
    export(run, "svg", tmp_path / "odd.svg", kb=rich_kb)
    assert calls == [[shutil.which("dot"), "-Tsvg"]]
    assert "-Tjpg -o/tmp/x" in html.unescape((tmp_path / "odd.svg").read_text(encoding="utf-8"))


def test_svg_and_png_without_graphviz_fail_clearly(mini_kb: Path, tmp_path: Path) -> None:
    """A PATH without `dot`: exit 1 with what to install, no file, no traceback (a real process)."""
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for fmt in ("svg", "png"):
        target = tmp_path / f"kb.{fmt}"
        done = subprocess.run(
            [sys.executable, "-m", "ipkb", "--kb", str(mini_kb), "export", "-f", fmt, "-o", str(target)],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            timeout=120,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        assert "Graphviz `dot` is not installed" in done.stderr and "apt-get install graphviz" in done.stderr
        assert "Traceback" not in done.stderr and not target.exists()


def test_svg_refuses_more_than_graphviz_can_lay_out(run, monkeypatch: pytest.MonkeyPatch) -> None:
    import ipkb.export.svg

    monkeypatch.setattr(ipkb.export.svg, "MAX_EDGES", 3)
    monkeypatch.setattr(ipkb.export.svg, "ready", lambda: None)  # the limit comes first, dot or not
    result = run("export", "-f", "svg")
    assert result.exit_code == 1 and "7 relations (at most 3)" in result.stderr and "--in PLACE" in result.stderr


def fake_dot(folder: Path, body: str) -> Path:
    """A folder holding a `dot` that runs `body` (a shell script), to put first on PATH."""
    folder.mkdir()
    program = folder / "dot"
    program.write_text("#!/bin/sh\n" + body + "\n")
    program.chmod(0o755)
    return folder


def test_a_failing_or_hanging_dot_is_a_clear_error(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    failing = fake_dot(
        tmp_path / "failing", "cat >/dev/null; echo 'Error: <stdin>: syntax error in line 3' >&2; exit 1"
    )
    monkeypatch.setenv("PATH", f"{failing}{os.pathsep}{os.environ['PATH']}")
    result = run("export", "-f", "svg", "-o", str(tmp_path / "kb.svg"))
    assert result.exit_code == 1 and "Graphviz dot failed: Error: <stdin>: syntax error in line 3" in result.stderr
    assert not (tmp_path / "kb.svg").exists()

    import ipkb.export.graphviz

    hanging = fake_dot(tmp_path / "hanging", "exec sleep 30")
    monkeypatch.setenv("PATH", f"{hanging}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(ipkb.export.graphviz, "TIMEOUT", 1)
    result = run("export", "-f", "png", "-o", str(tmp_path / "kb.png"))
    assert result.exit_code == 1 and "did not finish within 1 s" in result.stderr and "--in PLACE" in result.stderr
    assert not (tmp_path / "kb.png").exists()


def test_the_title_says_what_was_exported(run, tmp_path: Path) -> None:
    page = run("export", "-f", "html", "--root", "keqiao", "--depth", "1", "--type", "county", "--type", "city").stdout
    title = "ipkb: 1 hop around Keqiao District 柯桥区; types: county, city (2 entities, 1 relation)"
    assert f"<title>{title}</title>" in page and f'<h1 id="title">{title}</h1>' in page
    assert (
        "<title>ipkb: the whole knowledge graph; sources left out (11 entities, 7 relations)</title>"
        in run("export", "-f", "html").stdout
    )


# -- inferred and planned links, as drawn ----------------------------------------------------------------------
@pytest.fixture
def caveat_kb(mini_kb: Path) -> Path:
    """The mini KB with one inferred relation beside its two planned ones, and one only announced."""
    (mini_kb / "relations" / "inferred.yaml").write_text(
        "- from: keqiao\n  type: located_in\n  to: zhejiang\n  confidence: inferred\n"
        "  note: Shaoxing lies in Zhejiang, so Keqiao does.\n  sources: [{source: src-article}]\n"
        "- from: shaoxing\n  type: holds_designation\n  to: national-ip-demonstration-city\n  year: 2013\n"
        "  status: announced\n  sources: [{source: src-article}]\n",
        encoding="utf-8",
    )
    return mini_kb


@needs_dot
@needs_chromium
def test_inferred_links_are_dashed_and_planned_ones_dotted_in_every_drawn_format(
    run, caveat_kb: Path, tmp_path: Path
) -> None:
    """A picture is quoted like an answer: a link only inferred, planned or announced must not look stated."""
    dot = export(run, "dot", tmp_path / "kb.dot", kb=caveat_kb).read_text(encoding="utf-8")
    styled = {(e.get_source().strip('"'), e.get_destination().strip('"'), e.get("style")) for e in pydot_edges(dot)}
    assert ("keqiao", "zhejiang", '"dashed"') in styled
    assert ("keqiao", "keqiao-overseas-dispute-subcenter", '"dotted"') in styled
    assert ("shaoxing", "national-ip-demonstration-city", '"dashed"') in styled and "holds (announced)" in dot
    assert sum(style is not None for *_, style in styled) == 4  # the two planned, the inferred, the announced
    svg = export(run, "svg", tmp_path / "kb.svg", kb=caveat_kb).read_text(encoding="utf-8")
    assert svg.count("stroke-dasharray") >= 4 and "inferred link" in svg and "announced link" in svg
    mermaid = export(run, "mermaid", tmp_path / "kb.mmd", kb=caveat_kb).read_text(encoding="utf-8")
    assert re.search(r'e_keqiao -\.->\|"located in \(inferred\)"\| e_zhejiang', mermaid)
    assert mermaid.count("-.->") == 4
    page = export(run, "html", tmp_path / "kb.html", kb=caveat_kb)
    with Browser(tmp_path / "profile") as browser:
        tab = drawn_page(browser, page, "#keqiao")
        dashes = tab.eval(
            "Object.fromEntries(window.ipkbNetwork.body.data.edges.get().map(e => [e.from + '>' + e.to, e.dashes]))"
        )
        legend = tab.eval("document.getElementById('legend').textContent")
        details = tab.eval("document.getElementById('details').textContent")
        (tmp_path / "caveats.png").write_bytes(tab.screenshot())
        assert tab.errors == []
    assert dashes["keqiao>zhejiang"] == [8, 6] and dashes["keqiao>keqiao-overseas-dispute-subcenter"] == [2, 5]
    assert dashes["keqiao>shaoxing"] is False and dashes["shaoxing>national-ip-demonstration-city"] == [12, 4, 2, 4]
    assert "inferred link" in legend and "planned link" in legend and "announced link" in legend
    assert "located in (inferred) → Zhejiang" in details and "hosts (planned) → Keqiao overseas" in details


def test_list_marks_a_holder_only_announced(run, caveat_kb: Path) -> None:
    """A public notice (公示) names holders before the final list: `list --designation` marks them, as it marks
    the inferred and planned, and the table says so in its caveat column."""
    page = json.loads(run("list", "--designation", "national-ip-demonstration-city", "--json").stdout)
    caveats = {row["id"]: row.get("caveat") for row in page["entities"]}
    assert caveats == {"huzhou": None, "shaoxing": "announced"}
    table = run("list", "--designation", "national-ip-demonstration-city").stdout
    assert re.search(r"shaoxing .* announced", table)


def pydot_edges(dot: str) -> list[pydot.Edge]:
    with warnings.catch_warnings():  # pydot's pyparsing calls are deprecated, not wrong
        warnings.simplefilter("ignore", DeprecationWarning)
        (graph,) = pydot.graph_from_dot_data(dot)
    return list(graph.get_edges())


def test_a_picture_of_cites_draws_the_sources_it_asks_for(run, mini_kb: Path, tmp_path: Path) -> None:
    """Pictures leave sources out, but `--relation cites` asks for them: it drew every entity and no edge."""
    dot = export(run, "dot", tmp_path / "kb.dot", "--relation", "cites", kb=mini_kb).read_text(encoding="utf-8")
    edges = pydot_edges(dot)
    assert edges and all(e.get("type") == '"cites"' for e in edges)
    assert ("huzhou", "src-article") in {(e.get_source().strip('"'), e.get_destination().strip('"')) for e in edges}
