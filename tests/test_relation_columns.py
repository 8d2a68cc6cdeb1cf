"""A relation type's column of `list --columns` marks a target that only a planned, announced or inferred
relation names (a journalist's trial: `list --type center --columns id,subcenter_of --format csv` printed
`keqiao-overseas-dispute-subcenter,national-center`, a planned sub-center as a real one)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import BUNDLED_KB, invoke

ASKED = ["--kb", str(BUNDLED_KB), "list", "--type", "center", "--columns", "id,subcenter_of"]
PLANNED = "keqiao-overseas-dispute-subcenter"


def test_csv_tsv_and_json_mark_a_planned_or_inferred_target() -> None:
    csv = invoke([*ASKED, "--format", "csv"]).stdout.splitlines()
    assert f"{PLANNED},national-center (planned)" in csv
    assert "beijing-overseas-dispute-subcenter,national-center" in csv  # a plain one stays plain
    assert any(line.endswith(",national-center (inferred)") for line in csv)
    assert f"{PLANNED}\tnational-center (planned)" in invoke([*ASKED, "--format", "tsv"]).stdout.splitlines()
    rows = {row["id"]: row for row in json.loads(invoke([*ASKED, "--format", "json"]).stdout)}
    assert rows[PLANNED]["subcenter_of"] == "national-center (planned)"
    page = json.loads(invoke([*ASKED, "--json"]).stdout)
    assert {r["id"]: r for r in page["entities"]}[PLANNED]["subcenter_of"] == "national-center (planned)"


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_table_marks_it_too(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    shown = invoke(ASKED)
    assert shown.exit_code == 0, shown.stderr
    assert all(len(line) <= width for line in shown.stdout.splitlines())
    text = " ".join(shown.stdout.split())
    assert "keqiao-overseas-dispute-subcenter national-center (planned)" in text


def test_caveat_without_in_or_designation_says_why_it_has_no_meaning() -> None:
    """`--columns caveat` alone: an entity's own record carries no confidence or status (only relations do),
    so a type's listing rests on nothing less than plain; the error says so and what to ask instead."""
    refused = invoke(["--kb", str(BUNDLED_KB), "list", "--type", "center", "--columns", "id,caveat"])
    assert refused.exit_code == 2 and refused.stdout == ""
    said = " ".join(refused.stderr.split())
    assert "it needs one of them; without them an entity is listed for its own record" in said
    assert "only relations are planned, announced or inferred" in said
    assert "--columns id,subcenter_of" in said


@pytest.mark.parametrize("context", [[], ["--in", "zhejiang"], ["--designation", "national-ip-demonstration-city"]])
def test_an_inverse_relation_column_says_which_column_reads_it(run, context: list[str]) -> None:  # type: ignore[no-untyped-def]
    """`list --columns hosted_by` said "did you mean 'run_by'?", another meaning: hosted_by is how show reads
    hosts from its target. The hint says which column reads it, then lists every column, and each listed is
    one `list` takes there."""
    result = run("list", *context, "--columns", "hosted_by")
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert "run_by'?" not in said and "'hosted_by' is hosts read from its target" in said, said
    assert "--columns id,hosts" in said
    listed = said.split("columns: ", 1)[1]
    names = [n.strip() for part in listed.split(";") for n in part.split(":")[-1].split(",")]
    assert {"id", "hosts", "run_by", "subcenter_of"} <= set(names)
    for name in names:
        taken = run("list", *context, "--columns", name, "--format", "csv")
        assert taken.exit_code == 0, (name, taken.stderr)
