"""What a lawyer met in a new-user trial: a Japanese summary of Chinese remarks cited as if it were the outlet's
own words in English or Chinese, figures on a source's page without the scope that tells them apart, a path
hop that hid its source's other quote, and `stats` counting our research notes as "the source itself"."""

from __future__ import annotations

import os
import re

import pytest
from rich.cells import cell_len

from ipkb.render.sources import language_note
from tests.conftest import BUNDLED_KB, Result, invoke

COLUMNS = [60, 80, 120]


def _bundled(*args: str, columns: int = 200) -> Result:
    os.environ["COLUMNS"] = str(columns)
    result = invoke(["--kb", str(BUNDLED_KB), *args])
    assert result.exit_code == 0, result.stderr
    return result


def _flat(text: str) -> str:
    return " ".join(text.split())


def _footnote(out: str, source_id: str) -> str:
    """The footnote (its wrapped lines joined by spaces) that names `source_id`."""
    notes = re.split(r"\n(?= \[\d+\] )", out)
    found = [n for n in notes if re.search(rf"\s{re.escape(source_id)}(\s|$)", n) and n.startswith(" [")]
    assert found, out
    return _flat(found[-1].split("\n\n")[0])


@pytest.mark.parametrize("columns", COLUMNS)
@pytest.mark.parametrize(
    "args",
    [
        ("show", "germany-overseas-dispute-subcenter"),
        ("show", "germany-overseas-dispute-subcenter", "--quotes"),
        ("path", "germany-overseas-dispute-subcenter", "cnipa"),
        ("facts", "subcenter_count"),
        ("timeline", "germany-overseas-dispute-subcenter"),
    ],
)
def test_a_footnote_says_a_source_is_in_japanese(args: tuple[str, ...], columns: int) -> None:
    """src-mondaq-1446252 (`language: ja`) is a Japanese summary of Chinese remarks: its footnote read only
    `“Summary of Hu Wenhui's remarks …” … · press`, as if its quotes were the outlet's words in English."""
    out = _bundled(*args, columns=columns).stdout
    assert _footnote(out, "src-mondaq-1446252").endswith("src-mondaq-1446252 · press · in Japanese")
    assert all(cell_len(line) <= columns or "http" in line for line in out.splitlines()), out


def test_the_language_note_holds_for_every_language_the_kb_uses() -> None:
    """The forms of `language:` in kb/entities/sources-*.yaml: plain English and Chinese say nothing, their notes
    (a translation, traditional characters) are said as written, any other language always, by name."""
    assert language_note("en") == language_note("zh") == language_note(None) == ""
    assert language_note("en (machine translation of a Chinese article)") == (
        "en (machine translation of a Chinese article)"
    )
    assert language_note("zh (traditional characters)") == "zh (traditional characters)"
    assert language_note("ja") == "in Japanese"
    assert language_note("de") == "in German"
    assert language_note("ja (summary)") == "in Japanese (summary)"
    assert language_note("xx") == "language: xx"  # a code it has no name for is still said
    languages = {
        line.split(":", 1)[1].strip()
        for path in (BUNDLED_KB / "entities").glob("sources-*.yaml")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("language:")
    }
    for language in languages:
        said = language_note(language)
        plain = language in ("en", "zh")
        assert bool(said) != plain, language
        assert "language:" not in said, f"{language}: give its name in LANGUAGES"
