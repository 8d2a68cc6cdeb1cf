"""docs/reliability.md names, for each guarantee, the tests that hold it: every one must exist."""

from __future__ import annotations

import re

from tests.conftest import REPO

PAGE = REPO / "docs" / "reliability.md"
REFERENCE = re.compile(r"(tests/[\w/]+\.py)::(test_\w+)", re.ASCII)


def test_every_test_the_reliability_page_names_exists() -> None:
    named = REFERENCE.findall(PAGE.read_text(encoding="utf-8"))
    assert len(named) >= 40
    missing = [
        f"{file}::{test}"
        for file, test in named
        if not re.search(rf"^def {test}\(", (REPO / file).read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert not missing, missing


def test_the_readme_links_the_reliability_page() -> None:
    assert "(docs/reliability.md)" in (REPO / "README.md").read_text(encoding="utf-8")
