"""`searched`: the curators' search log on a record, kept out of what readers get.

A lawyer's trial found `show` and the exports printing the curators' search log ("Searched again in December
2026 (r12): the stored pages for ...") inside entity notes, as noise in a client memo. The log now has its own
key, `searched`, on entities, relations and facts: validate checks it as text at its line, and nothing a reader
gets (show, path, neighbors, any export) carries it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

LOG = "Searched again in December 2026 (r12): the stored pages for 湖州 with zzsearchlog"
MARK = "zzsearchlog"
READER_NOTE = "No Chinese name: no source found gives it."


def _add_logs(kb: Path) -> None:
    """A `searched` on an entity (beside a note), on a nested fact, on a relation and on a KB-level fact."""
    places = kb / "entities" / "places.yaml"
    text = places.read_text(encoding="utf-8")
    entity = "  description: Prefecture-level city in northern Zhejiang.\n"
    fact = '      period: "2014"\n'
    assert entity in text and fact in text
    text = text.replace(entity, f'{entity}  note: "{READER_NOTE}"\n  searched: "{LOG} (entity)."\n')
    text = text.replace(fact, f'{fact}      searched: "{LOG} (nested fact)."\n', 1)
    places.write_text(text, encoding="utf-8")
    centers = kb / "relations" / "centers.yaml"
    text = centers.read_text(encoding="utf-8")
    relation = "  rank_of: 25\n"
    assert relation in text
    centers.write_text(text.replace(relation, f"{relation}  searched: |\n    {LOG}\n    (relation, two lines).\n"))
    claims = kb / "facts" / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    assert text.startswith("- ")
    claims.write_text(text.replace("- ", f'- searched: "{LOG} (fact)."\n  ', 1), encoding="utf-8")


def test_searched_validates_on_entities_relations_and_facts(run, mini_kb: Path) -> None:
    before = run("validate")
    _add_logs(mini_kb)
    after = run("validate")
    assert after.exit_code == 0, after.stdout + after.stderr
    assert "0 errors, 0 warnings" in after.stdout
    assert after.stdout == before.stdout  # the same records, counted alike


def test_show_prints_the_note_but_not_the_search_log(run, mini_kb: Path) -> None:
    _add_logs(mini_kb)
    for args in (("show", "huzhou"), ("show", "huzhou", "--json"), ("show", "huzhou", "--quotes")):
        result = run(*args)
        assert result.exit_code == 0, result.stdout + result.stderr
        assert MARK not in result.stdout, args
    assert "No Chinese name" in run("show", "huzhou").stdout  # the reader's part of the note stays
    assert "No Chinese name" in run("show", "huzhou", "--json").stdout
    for args in (("neighbors", "huzhou"), ("path", "huzhou", "national-ip-demonstration-city")):
        result = run(*args)
        assert result.exit_code == 0, result.stdout + result.stderr
        assert MARK not in result.stdout, args


@pytest.mark.parametrize("fmt", ["csv", "cypher", "gexf", "graphml", "ttl", "html", "json", "jsonl", "dot"])
def test_exports_leave_the_search_log_out(run, mini_kb: Path, tmp_path: Path, fmt: str) -> None:
    _add_logs(mini_kb)
    out = tmp_path / "out"
    out.mkdir()
    result = run("export", "--format", fmt, "-o", str(out / f"kb.{fmt}"))
    assert result.exit_code == 0, result.stdout + result.stderr
    written = sorted(out.iterdir())
    assert written
    text = "".join(path.read_text(encoding="utf-8") for path in written)
    assert "No Chinese name" in text  # the note travels as before
    assert MARK not in text


@pytest.mark.parametrize(
    ("where", "old", "new"),
    [
        (
            "entities/places.yaml",
            "  description: Prefecture-level city in northern Zhejiang.\n",
            "  searched: [a, b]\n",
        ),
        ("relations/centers.yaml", "  rank_of: 25\n", "  searched: {when: 2026}\n"),
        ("facts/claims.yaml", "- ", "- searched: [a]\n  "),
    ],
)
def test_searched_that_is_not_text_is_an_error_at_its_line(run, mini_kb: Path, where: str, old: str, new: str) -> None:
    path = mini_kb / where
    text = path.read_text(encoding="utf-8")
    assert old in text
    edited = text.replace(old, old.rstrip("\n") + "\n" + new if not old.startswith("- ") else new, 1)
    path.write_text(edited, encoding="utf-8")
    line = edited.splitlines().index(next(ln for ln in edited.splitlines() if "searched:" in ln)) + 1
    result = run("validate")
    assert result.exit_code == 1
    kind = "Sequence" if "[" in new else "Mapping"  # the words every text key gets (docs/errors.md)
    assert f"{where}:{line}: error: 'searched' must be text, not {kind}" in result.stdout


def test_a_misspelt_searched_is_still_an_unknown_key(run, mini_kb: Path) -> None:
    places = mini_kb / "entities" / "places.yaml"
    text = places.read_text(encoding="utf-8")
    places.write_text(text.replace("  description: Prefecture", '  serched: "x"\n  description: Prefecture'))
    result = run("validate")
    assert result.exit_code == 1
    assert "unknown key 'serched' in an entity" in result.stdout + result.stderr
    assert "searched" in result.stdout + result.stderr  # did you mean
