"""How the HTML page draws links, checked in headless Chromium: labels readable over lines, parallel links
apart, every box in view, and no complaint from vis-network on the whole bundled KB."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import Browser, Tab
from tests.conftest import BUNDLED_KB
from tests.test_export_edges import parallel_kb  # noqa: F401 (a fixture)
from tests.test_export_view import drawn_page, export, needs_chromium

PAIR = "huzhou>holds_designation>national-ip-demonstration-city"


def console(tab: Tab) -> list[str]:
    """Every console message of the tab, of any level (`Tab.errors` keeps errors and warnings only)."""
    out = []
    for event in tab.browser.events:
        if event.get("sessionId") == tab.session and event.get("method") == "Runtime.consoleAPICalled":
            args = event["params"].get("args", [])
            out.append(" ".join(str(a.get("value", a.get("description"))) for a in args))
    return out


@needs_chromium
@pytest.mark.usefixtures("parallel_kb")  # Huzhou holds the demonstration city twice
def test_parallel_links_are_drawn_apart_with_labels_on_a_ground_and_every_box_in_view(run, tmp_path: Path) -> None:
    """Two relations between one pair shared one curve, so their labels were printed on top of each other
    (`holds·(holds·need)`), and labels had no ground, so lines ran through their words."""
    page = export(run, "html", tmp_path / "kb.html")
    with Browser(tmp_path / "profile", width=1280, height=900) as browser:
        tab = drawn_page(browser, page)
        middles = tab.eval(
            f"""(() => {{ const edges = window.ipkbNetwork.body.edges;
              return ["{PAIR}", "{PAIR}#2"].map(id => edges[id].edgeType.getPoint(0.5)); }})()"""
        )
        grounds = tab.eval("Object.values(window.ipkbNetwork.body.edges).map(e => e.options.font.background || null)")
        outside = tab.eval(
            """(() => { const net = window.ipkbNetwork, canvas = document.getElementById("graph");
              const width = canvas.clientWidth, height = canvas.clientHeight;
              return net.body.nodeIndices.filter(id => { const b = net.getBoundingBox(id);
                const a = net.canvasToDOM({x: b.left, y: b.top}), z = net.canvasToDOM({x: b.right, y: b.bottom});
                return a.x < 0 || a.y < 0 || z.x > width || z.y > height; }); })()"""
        )
        (tmp_path / "parallel.png").write_bytes(tab.screenshot())
        assert tab.errors == []
    (a, b) = middles
    assert ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5 > 15  # a 10 px label's height, and more
    assert grounds and None not in grounds
    assert outside == []


@needs_chromium
def test_the_whole_bundled_kb_draws_without_a_console_message(run, tmp_path: Path) -> None:
    """vis-network's improved layout gave up on the whole KB and logged "This network could not be
    positioned by this version of the improved layout algorithm": a large graph is laid out by forces alone."""
    page = export(run, "html", tmp_path / "kb.html", kb=BUNDLED_KB)
    with Browser(tmp_path / "profile", width=1280, height=900) as browser:
        tab = drawn_page(browser, page)
        improved = tab.eval("window.ipkbNetwork.layoutEngine.options.improvedLayout")
        messages = console(tab)
    assert messages == [] and improved is False
