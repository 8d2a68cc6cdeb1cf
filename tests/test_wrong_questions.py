"""A question that cannot have an answer is a usage error that says why, not an empty answer with exit 0."""

from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["list", "--designation", "huzhou"], ["huzhou (Huzhou) is a city, not a designation", "--type designation"]),
        (["list", "--in", "national-center"], ["is a center, not a place", "--type city"]),
        (["facts", "--period", "14"], ["--period '14' is not a date or a period", "2021/2025"]),
        # `list --in ""` listed every entity, as if no --in were given (a journalist's trial)
        (["list", "--in", ""], ["--in needs a place, and was given an empty text", "ipkb list --type city"]),
        (["list", "--designation", "  "], ["--designation needs a designation, and was given only spaces"]),
        (["list", "--type", ""], ["--type needs an entity type, and was given an empty text", "types: agency, brand"]),
        (["neighbors", "huzhou", "--via", " "], ["--via needs a relation type, and was given only spaces"]),
        # facts --in "" gave every figure, export --in "" and --root "" the whole KB
        (["facts", "--in", ""], ["--in needs an entity, and was given an empty text"]),
        # timeline "" gave the whole KB's timeline; show "" and path x "" exited 1, as for a name not found
        (["timeline", ""], ["an entity is needed, and was given an empty text"]),
        (["show", " "], ["an entity is needed, and was given only spaces"]),
        (["path", "keqiao", ""], ["an entity is needed, and was given an empty text"]),
    ],
)
@pytest.mark.parametrize("as_json", [False, True])
def test_a_wrong_question_is_a_usage_error_not_an_empty_answer(
    run, args: list[str], words: list[str], as_json: bool
) -> None:
    """`list --designation huzhou` (a city), `list --in cnipa` (an agency), `facts --period 14` and `list --in ""`
    answered "no entities" / "no facts" / everything and exit 0: a question that cannot have an answer is a
    usage error (exit 2) that says what the entity is, what is expected, and how to list what is."""
    result = run(*args, *(["--json"] if as_json else []))
    assert result.exit_code == 2 and result.stdout == "", (result.exit_code, result.stdout, result.stderr)
    said = " ".join(result.stderr.split())
    assert all(w in said for w in words), said
    if as_json:
        assert json.loads(result.stderr)["ok"] is False


@pytest.mark.parametrize(
    ("option", "said"),
    [("--in", "a place, and was given only spaces"), ("--root", "an entity, and was given an empty text")],
)
def test_an_export_of_an_empty_place_or_root_is_a_usage_error(run, option: str, said: str) -> None:
    """`export --in ""` and `--root ""` exported the whole KB, as if neither were given."""
    result = run("export", "-f", "json", "-o", "-", option, " " if "spaces" in said else "")
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{option} needs {said}" in result.stderr


def test_a_right_question_still_answers(run) -> None:
    assert "huzhou" in run("list", "--designation", "national-ip-demonstration-city").stdout
    assert "keqiao" in run("list", "--in", "zhejiang").stdout
    assert run("facts", "--period", "2014").exit_code == 0 and run("facts", "--period", "2014/2015").exit_code == 0


@pytest.mark.parametrize("typed", ["includes", "part of"])
def test_a_relation_named_as_show_reads_it_points_to_its_type(run, typed: str) -> None:
    """The trial: show prints `includes` (part_of seen from its target); `--via includes` said only "unknown
    relation type", with no way to learn that the type is part_of."""
    result = run("neighbors", "huzhou", "--via", typed)
    assert result.exit_code == 2
    assert "is how show reads part_of: --via part_of" in result.stderr


def test_did_you_mean_for_designation_offers_designations_only() -> None:
    """The trial: `list --designation demo-city` offered `jimo (Jimo City)`, a city, as what was meant."""
    from tests.conftest import BUNDLED_KB, invoke

    result = invoke(["--kb", str(BUNDLED_KB), "list", "--designation", "demo-city"])
    assert result.exit_code == 1
    assert "jimo" not in result.stderr and "national-ip-demonstration-city (" in result.stderr  # its words: demo city
    near = invoke(["--kb", str(BUNDLED_KB), "list", "--designation", "national-ip-demonstration-citi"])
    assert near.exit_code == 1 and "did you mean: national-ip-demonstration-city" in near.stderr


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("国家海外知识产权纠纷应对指导中心北京分中心", "beijing-overseas-dispute-subcenter"),  # the official form
        ("北京分中心", "beijing-overseas-dispute-subcenter"),  # the short form in use (湖北分中心)
        ("中国(绍兴)知识产权保护中心", "shaoxing-ip-protection-center"),  # as 中国(烟台)知识产权保护中心 is named
        ("国家海外知识产权纠纷应对指导中心德国分中心", "germany-overseas-dispute-subcenter"),
    ],
)
def test_a_chinese_name_the_kb_lacks_is_offered_what_it_means(typed: str, meant: str) -> None:
    """A journalist typed the official Chinese name of Beijing's sub-center, which the KB does not know (no
    source gives it), and was offered Shanghai's, Shandong's and Henan's. A name built like another's, with one
    name in it changed (北京 for 上海), means what stands to Beijing as Shanghai's sub-center stands to
    Shanghai and shares its other links: offered first, by `show`, `path` and in --json."""
    from tests.conftest import BUNDLED_KB, invoke

    result = invoke(["--kb", str(BUNDLED_KB), "show", typed])
    assert result.exit_code == 1
    assert result.stderr.split("did you mean: ")[1].startswith(meant), result.stderr
    other = invoke(["--kb", str(BUNDLED_KB), "path", typed, "national-center", "--json"])
    assert json.loads(other.stderr)["errors"][0]["hint"].startswith(f"did you mean: {meant} ")


def test_a_picture_of_the_whole_kb_says_how_many_relations_it_leaves_out_with_the_sources(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The trial: stats counts 1174 relations, the HTML and DOT of the whole KB 1172, and only "sources left
    out" hinted why: the picture leaves out the sources and so the relations of a source (published_by)."""
    import re

    from tests.conftest import BUNDLED_KB, invoke

    stats = json.loads(invoke(["--kb", str(BUNDLED_KB), "stats", "--json"]).stdout)
    page = tmp_path / "kb.html"
    assert invoke(["--kb", str(BUNDLED_KB), "export", "--format", "html", "-o", str(page)]).exit_code == 0
    found = re.search(
        r"sources left out, and (\d+) relations? of theirs \(\d+ entities, (\d+) relations\)", page.read_text()
    )
    assert found is not None
    assert int(found[1]) + int(found[2]) == stats["relations"]


@pytest.mark.parametrize("width", [60, 80, 120])
def test_facts_help_says_what_period_accepts(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """`facts --help` said "--period: Only periods starting with P" and `--period 20` was refused: the help now
    says what is accepted (a date or a period as the KB writes them) and that a part of a year is not."""
    from tests.conftest import invoke

    monkeypatch.setenv("COLUMNS", str(width))
    shown = invoke(["facts", "--help"])
    assert shown.exit_code == 0
    assert all(len(line) <= max(width, 80) for line in shown.stdout.splitlines())  # click's help is 80 at least
    said = " ".join(shown.stdout.split())
    assert "starting with P" not in said
    assert "--period PERIOD Only figures whose period begins with this date or period" in said
    assert "YYYY, YYYY-MM, YYYY-MM-DD or START/END" in said and "a part of a year, 20 or 201, is refused" in said


def test_a_program_asked_for_as_a_designation_points_to_its_members() -> None:
    """A new user's trial: `list --designation ip-protection-center-network` (a program, whose centers are its
    members) said only how to list designations; the hint now names the command that lists what is linked to it,
    and that command answers."""
    from tests.conftest import BUNDLED_KB, invoke

    asked = invoke(["--kb", str(BUNDLED_KB), "list", "--designation", "ip-protection-center-network"])
    assert asked.exit_code == 2
    assert "ipkb neighbors ip-protection-center-network --table" in " ".join(asked.stderr.split())
    members = invoke(["--kb", str(BUNDLED_KB), "neighbors", "ip-protection-center-network", "--table"])
    assert members.exit_code == 0 and "includes" in members.stdout


@pytest.mark.parametrize("text", ["(", "...", "（）", "、"])
def test_a_search_of_punctuation_alone_is_a_usage_error(text: str) -> None:
    """A new user's trial: `search '('` listed 659 entities, every name with a bracket."""
    from tests.conftest import BUNDLED_KB, invoke

    result = invoke(["--kb", str(BUNDLED_KB), "search", text])
    assert result.exit_code == 2 and "needs a letter, a digit or a Chinese character" in result.stderr
    assert invoke(["--kb", str(BUNDLED_KB), "search", f"{text}柯桥"]).exit_code == 0
