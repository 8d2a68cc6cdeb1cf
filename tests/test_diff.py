"""`ipkb diff`: what changed in a record, field by field, notes and citations included; a KB outside git.

Each test commits the mini KB in a temporary git repository (real git), edits its YAML, and compares."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ipkb.render.wrap import width_of
from ipkb.shapes_diff import Diff
from tests.conftest import Result, invoke
from tests.test_shapes import problems

LONG = (
    "Prefecture-level city in northern Zhejiang, on the southern shore of Lake Tai, known for silk, tea and"
    " brushes, and one of the first cities named a national IP demonstration city"
)


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True, capture_output=True
    )


def committed(mini_kb: Path) -> Path:
    git(mini_kb.parent, "init", "-q")
    git(mini_kb.parent, "add", "kb")
    git(mini_kb.parent, "commit", "-qm", "one")
    return mini_kb


def edit(path: Path, *replacements: tuple[str, str]) -> None:
    text = path.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text)


def diff(mini_kb: Path, *args: str) -> Result:
    return invoke(["--kb", str(mini_kb), "diff", "HEAD", *args])


def test_a_changed_entity_says_which_fields_changed_and_how(mini_kb: Path) -> None:
    committed(mini_kb)
    edit(
        mini_kb / "entities" / "places.yaml",
        (
            "- id: taizhou-zhejiang\n  type: city\n  name: Taizhou\n  aliases: [Tai Zhou]\n",
            "- id: taizhou-zhejiang\n  type: city\n  name: Taizhou\n  zh: 台州市\n  aliases: [Taizhou City]\n"
            "  note: Not the Taizhou in Jiangsu.\n",
        ),
        ("description: Prefecture-level city in northern Zhejiang.", f"description: {LONG}."),
    )
    report = json.loads(diff(mini_kb, "--json").stdout)
    changed = {e["id"]: e["fields"] for e in report["entities"]["changed"]}
    assert changed["taizhou-zhejiang"] == {
        "zh": {"from": None, "to": "台州市"},
        "aliases": {"added": ["Taizhou City"], "removed": ["Tai Zhou"]},
        "note": {"from": None, "to": "Not the Taizhou in Jiangsu."},
    }
    assert changed["huzhou"] == {
        "description": {"from": "Prefecture-level city in northern Zhejiang.", "to": f"{LONG}."}
    }
    assert problems(report, Diff) == []
    assert [r["id"] for r in report["entities"]["renamed"]] == ["taizhou-zhejiang"]  # its zh: still listed there
    lines = diff(mini_kb).stdout.splitlines()
    at = lines.index("~ entity taizhou-zhejiang (city): Taizhou")
    assert lines[at + 1 : at + 4] == [
        "    zh: (none) → 台州市",
        "    aliases: + Taizhou City · - Tai Zhou",
        "    note: (none) → Not the Taizhou in Jiangsu.",
    ]
    assert not any("Taizhou → Taizhou" in line for line in lines)


@pytest.mark.parametrize("width", [60, 80, 120])
def test_a_long_text_is_shortened_around_its_change_at_every_width(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    committed(mini_kb)
    edit(
        mini_kb / "entities" / "places.yaml",
        ("description: Prefecture-level city in northern Zhejiang.", f"description: {LONG}."),
    )
    git(mini_kb.parent, "commit", "-qam", "two")
    edit(
        mini_kb / "entities" / "places.yaml",
        ("named a national IP demonstration city", "named a national IP model city"),
    )
    monkeypatch.setenv("COLUMNS", str(width))
    lines = diff(mini_kb).stdout.splitlines()
    assert all(width_of(line) <= width for line in lines), lines
    description = [line for line in lines if line.startswith("    description: ")]
    assert len(description) == 1 and "…" in description[0]  # one line, shortened
    before, after = description[0].removeprefix("    description: ").split(" → ")
    assert "demon" in before and "model" in after  # where they differ is shown, not their common start


def test_a_sentence_added_to_a_long_text_is_what_its_line_shows(mini_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    committed(mini_kb)
    edit(
        mini_kb / "entities" / "places.yaml",
        ("description: Prefecture-level city in northern Zhejiang.", f"description: {LONG}."),
    )
    git(mini_kb.parent, "commit", "-qam", "two")
    edit(mini_kb / "entities" / "places.yaml", (f"description: {LONG}.", f"description: {LONG}. Renamed in 2020."))
    monkeypatch.setenv("COLUMNS", "80")
    [line] = [line for line in diff(mini_kb).stdout.splitlines() if line.startswith("    description: ")]
    before, after = line.removeprefix("    description: ").split(" → ")
    assert before.startswith("…") and after.startswith("…") and "Renamed in 2020." in after, line


def test_notes_of_entities_relations_and_facts_are_changes(mini_kb: Path) -> None:
    committed(mini_kb)
    edit(
        mini_kb / "relations" / "places.yaml",
        ("  to: shaoxing\n", "  to: shaoxing\n  note: A district since 2013.\n"),
    )
    edit(
        mini_kb / "facts" / "claims.yaml",
        ("  value: 43\n", "  value: 43\n  note: Counted in the 2024 annual report.\n"),
    )
    edit(mini_kb / "entities" / "places.yaml", ("  name: Lonely Island\n", "  name: Lonely Island\n  note: Made up.\n"))
    report = json.loads(diff(mini_kb, "--json").stdout)
    assert [(r["from"], r["to"], r["fields"]) for r in report["relations"]["changed"]] == [
        ("keqiao", "shaoxing", {"note": {"from": None, "to": "A district since 2013."}})
    ]
    assert problems(report, Diff) == []
    [fact] = report["facts"]["changed"]
    assert (fact["entity"], fact["old_value"], fact["value"]) == ("national-center", 43, 43)
    assert fact["fields"] == {"note": {"from": None, "to": "Counted in the 2024 annual report."}}
    assert report["entities"]["changed"] == [
        {
            "id": "island",
            "type": "county",
            "name": "Lonely Island",
            "zh": None,
            "fields": {"note": {"from": None, "to": "Made up."}},
        }
    ]
    text = diff(mini_kb).stdout
    assert "~ relation keqiao -located_in-> shaoxing\n    note: (none) → A district since 2013.\n" in text
    assert (
        "~ fact national-center subcenter_count 2024\n    note: (none) → Counted in the 2024 annual report.\n" in text
    )
    assert "~ entity island (county): Lonely Island\n    note: (none) → Made up.\n" in text
    assert "no changes" not in text


def test_citations_changed_on_entities_relations_and_facts(mini_kb: Path) -> None:
    committed(mini_kb)
    edit(
        mini_kb / "entities" / "places.yaml",
        ('quote: "Shaoxing"}, {source: src-article, quote: "绍兴市"}]', 'quote: "Shaoxing"}]'),
        (
            "  name: Lonely Island\n  sources: [{source: src-article}]",
            '  name: Lonely Island\n  sources: [{source: src-article}, {source: src-article, quote: "Lonely"}]',
        ),
    )
    edit(mini_kb / "relations" / "centers.yaml", ('quote: "will build"', 'quote: "will build a sub-center"'))
    edit(mini_kb / "facts" / "claims.yaml", ("sub centers in 27 provinces", "sub centers"))
    report = json.loads(diff(mini_kb, "--json").stdout)
    assert problems(report, Diff) == []
    citations = {c["kind"]: c for c in report["citations_changed"]}
    assert sorted((c["kind"], c["what"]) for c in report["citations_changed"]) == [
        ("entity", "island"),
        ("entity", "shaoxing"),
        ("fact", "national-center subcenter_count 2024 actual {}"),
        ("relation", 'keqiao -hosts-> keqiao-overseas-dispute-subcenter {"status": "planned"}'),
    ]
    assert citations["relation"]["changed"] == [
        {
            "from": {"source": "src-article", "quote": "will build"},
            "to": {"source": "src-article", "quote": "will build a sub-center"},
        }
    ]
    assert citations["fact"]["changed"][0]["to"]["quote"] == "43 local sub centers"
    entities = {c["what"]: c for c in report["citations_changed"] if c["kind"] == "entity"}
    assert entities["island"]["added"] == [{"source": "src-article", "quote": "Lonely"}]
    assert entities["shaoxing"]["removed"] == [{"source": "src-article", "quote": "绍兴市"}]
    changed = {e["id"]: e["fields"] for e in report["entities"]["changed"]}
    assert changed["island"]["sources"] == {
        "added": [{"source": "src-article", "quote": "Lonely"}],
        "removed": [],
        "changed": [],
    }
    text = diff(mini_kb).stdout
    assert "~ entity island (county): Lonely Island\n    sources: + src-article “Lonely”\n" in text
    assert "~ entity shaoxing (city): Shaoxing\n    sources: - src-article “绍兴市”\n" in text
    assert "    sources: ~ src-article “will build” → “will build a sub-center”\n" in text


def test_reordered_citations_are_no_change(mini_kb: Path) -> None:
    committed(mini_kb)
    edit(
        mini_kb / "entities" / "places.yaml",
        (
            'quote: "Shaoxing"}, {source: src-article, quote: "绍兴市"}]',
            'quote: "绍兴市"}, {source: src-article, quote: "Shaoxing"}]',
        ),
    )
    report = json.loads(diff(mini_kb, "--json").stdout)
    assert report["entities"]["changed"] == [] and report["citations_changed"] == []


def test_a_kb_folder_outside_git_is_said_to_be_so(mini_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(mini_kb.parent.parent))  # no repository above it either
    result = diff(mini_kb)
    assert result.exit_code == 1 and result.stdout == ""
    assert f"the KB folder {mini_kb} is not in a git repository" in result.stderr
    assert "fatal" not in result.stderr and "name a revision" not in result.stderr
    dash = invoke(["--kb", str(mini_kb), "diff", "--", "--output=x"])  # refused before git is asked
    assert dash.exit_code == 2 and "is not a revision" in dash.stderr


def test_a_shortened_text_starts_at_a_word_near_its_change() -> None:
    from ipkb.render.diff import shorten

    assert shorten("Notice of August 2022 that named 38 cities", 12, 1) == "Notice of A…"  # not "…otice"
    assert shorten("one two three four five six seven", 14, 16) == "…four five si…"
    assert shorten("宁波国家高新技术产业开发区", 9) == "宁波国家…"  # by cells: a Chinese character takes two


def test_every_other_field_of_a_record_counts_too(mini_kb: Path) -> None:
    """Lifespan, attributes and confidence are compared as well: every field but a record's key and line."""
    committed(mini_kb)
    edit(
        mini_kb / "entities" / "places.yaml",
        (
            "  name: Keqiao District\n",
            "  name: Keqiao District\n  since: 2013-10-18\n  attributes: {level: district}\n",
        ),
    )
    edit(mini_kb / "relations" / "places.yaml", ("  to: china\n", "  to: china\n  confidence: inferred\n"))
    report = json.loads(diff(mini_kb, "--json").stdout)
    assert problems(report, Diff) == []
    assert {e["id"]: e["fields"] for e in report["entities"]["changed"]} == {
        "keqiao": {"attributes.level": {"from": None, "to": "district"}, "since": {"from": None, "to": "2013-10-18"}}
    }
    assert [r["fields"] for r in report["relations"]["changed"]] == [{"confidence": {"from": "seen", "to": "inferred"}}]
    assert "    attributes.level: (none) → district\n    since: (none) → 2013-10-18\n" in diff(mini_kb).stdout


def test_a_figure_is_printed_with_its_bound(mini_kb: Path) -> None:
    committed(mini_kb)
    edit(mini_kb / "facts" / "claims.yaml", ("  value: 43\n", "  value: 43\n  bound: more_than\n"))
    report = json.loads(diff(mini_kb, "--json").stdout)
    assert problems(report, Diff) == []
    [fact] = report["facts"]["changed"]
    assert fact["bound"] == "more_than" and fact["fields"] == {"bound": {"from": None, "to": "more_than"}}
    assert "~ fact national-center subcenter_count 2024\n    value: 43 → more than 43\n" in diff(mini_kb).stdout


def test_a_rewritten_quote_is_paired_with_the_likest_new_one(mini_kb: Path) -> None:
    committed(mini_kb)
    edit(
        mini_kb / "relations" / "centers.yaml",
        ('quote: "will build"}]', 'quote: "Keqiao will open a hall"}, {source: src-article, quote: "will build it"}]'),
    )
    report = json.loads(diff(mini_kb, "--json").stdout)
    [relation] = report["relations"]["changed"]
    assert relation["fields"]["sources"] == {
        "added": [{"source": "src-article", "quote": "Keqiao will open a hall"}],
        "removed": [],
        "changed": [
            {
                "from": {"source": "src-article", "quote": "will build"},
                "to": {"source": "src-article", "quote": "will build it"},
            }
        ],
    }


@pytest.mark.parametrize("width", [60, 80, 120])
def test_full_prints_a_long_text_and_a_long_quote_whole_for_review(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    """A curator reviewing a change reads the old and new texts whole: `--full` puts the old (-) over the new
    (+), wrapped to the width, and each changed citation on a line of its own with its whole quote."""
    committed(mini_kb)
    edit(
        mini_kb / "entities" / "places.yaml",
        ("description: Prefecture-level city in northern Zhejiang.", f"description: {LONG}."),
    )
    edit(mini_kb / "relations" / "centers.yaml", ('quote: "will build"', f'quote: "will build {LONG}"'))
    monkeypatch.setenv("COLUMNS", str(width))
    shortened, full = diff(mini_kb).stdout, diff(mini_kb, "--full").stdout
    assert LONG not in " ".join(shortened.split())
    lines = full.splitlines()
    assert all(width_of(line) <= width for line in lines), lines
    joined = " ".join(full.split())
    assert f"description: - Prefecture-level city in northern Zhejiang. + {LONG}." in joined
    assert f"sources: ~ src-article “will build” → “will build {LONG}”" in joined
