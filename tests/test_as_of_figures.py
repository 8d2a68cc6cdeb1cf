"""--as-of and figures (and what it leaves out, said whatever the output): a figure with no period counts
from the day its sources first state it, a target from the day it was set until its period ends."""

from __future__ import annotations

import json

import pytest

NOTE = "2 more without a known start date (not shown)"


@pytest.mark.parametrize("output", [[], ["--format", "csv"], ["--format", "tsv"], ["--format", "json"]])
def test_list_as_of_says_what_it_left_out_whatever_the_format(run, output: list[str]) -> None:
    """`list --type center --as-of 2019 --format csv` dropped the centres with no start date silently, while
    the table said "N more without a known start date (not shown)" on stderr. Every format says it there,
    and stdout keeps the rows alone."""
    result = run("list", "--type", "center", "--as-of", "2019", *output)
    assert result.exit_code == 0, result.stderr
    assert NOTE in result.stderr
    assert "without a known start date" not in result.stdout
    if output == ["--format", "json"]:
        assert json.loads(result.stdout) == []
    page = run("list", "--type", "center", "--as-of", "2019", "--json")
    assert json.loads(page.stdout)["without_start_date"] == 2 and "without" not in page.stderr
