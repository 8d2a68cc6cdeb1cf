"""Findings of a new-user trial (ux8): each test fails without its fix."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

IPKB = str(Path(sys.executable).with_name("ipkb"))


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), **extra}


def on_terminal(command: str, tmp_path: Path, columns: int = 80) -> subprocess.CompletedProcess[bytes]:
    """`command` (a shell line) with stdout on a pseudo-terminal `columns` wide, as a person runs it."""
    line = f"stty cols {columns}; {command}; echo EXIT=$?"
    return subprocess.run(
        ["script", "-qec", line, "/dev/null"],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env={k: v for k, v in _env(tmp_path).items() if k != "COLUMNS"},
        timeout=120,
    )


@pytest.mark.skipif(shutil.which("script") is None or shutil.which("dot") is None, reason="needs script and Graphviz")
def test_binary_export_refuses_a_terminal_but_not_a_pipe(tmp_path: Path) -> None:
    shown = on_terminal(f"{IPKB} export --format png --root keqiao --depth 1", tmp_path)
    text = shown.stdout.decode(errors="replace")
    assert "EXIT=2" in text and "-o FILE" in text and "PNG" not in text, text
    piped = subprocess.run(
        [IPKB, "export", "--format", "png", "--root", "keqiao", "--depth", "1"],
        capture_output=True,
        env=_env(tmp_path),
        timeout=120,
    )
    assert piped.returncode == 0 and piped.stdout.startswith(b"\x89PNG"), piped.stderr


def test_verify_headline_counts_every_quote_and_what_each_was_checked_against(run) -> None:  # type: ignore[no-untyped-def]
    texts = str(Path(__file__).parent / "fixtures")
    report = json.loads(run("verify", "--texts", texts, "--json").stdout)
    assert report["total"] == report["checked"] + report["no_text"]
    assert report["checked_in_source_texts"] + report["checked_in_research_notes"] == report["checked"]
    result = run("verify", "--texts", texts)
    first = result.stdout.splitlines()[0]
    assert result.exit_code == 0
    assert first.startswith(f"{report['total']} quotes in all: {report['checked_in_source_texts']} checked against")
    assert f"{report['no_text']} not checkable here" in first


def _plain(result: subprocess.CompletedProcess[bytes]) -> list[str]:
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.stdout.decode(errors="replace"))
    return [line.rstrip("\r") for line in text.splitlines()]


@pytest.mark.skipif(shutil.which("script") is None, reason="needs script")
def test_records_label_every_line_and_drop_the_separator_word(tmp_path: Path) -> None:
    """Narrow terminals draw tables as records: a fact's note letter gets a label, and `16 of 23`'s `of`
    (a word between two numbers, not a field) is not a record line `of  of`."""
    shown = _plain(on_terminal(f"{IPKB} show huzhou", tmp_path, columns=60))
    assert "EXIT=0" in shown[-1]
    assert not [line for line in shown if re.fullmatch(r" {1,12}\[[a-z]+\]\s*", line)]
    assert any(re.match(r" caveats +\[[a-z]+\]", line) for line in shown)
    listed = _plain(on_terminal(f"{IPKB} list --designation national-ip-demonstration-city", tmp_path, columns=40))
    assert any(line.startswith(" claimed ") for line in listed)  # the roster's completeness, as records
    assert not [line for line in listed if re.fullmatch(r"\s*of\s+of\s*", line)]
    for command in ("coverage", "show huzhou", "facts designee_count"):
        for columns in (60, 80, 120):
            lines = _plain(on_terminal(f"{IPKB} {command}", tmp_path, columns=columns))
            assert "EXIT=0" in lines[-1] and not [line for line in lines if re.fullmatch(r" {1,12}\[[a-z]+\]\s*", line)]


@pytest.mark.parametrize(
    "command",
    ["show huzhou", "path keqiao national-center", "neighbors huzhou", "coverage", "facts designee_count"],
)
def test_a_reader_that_stops_early_is_no_failure(command: str, tmp_path: Path) -> None:
    """`ipkb show huzhou | head -2` under pipefail: exit 0, nothing on stderr. `| true` closes the pipe before
    ipkb writes a byte, so the broken pipe is certain (head -2 may read it all first); both ways, and typer's."""
    for reader in ("head -2", "true"):
        for fast in ("", "1"):
            result = subprocess.run(
                ["bash", "-c", f"set -o pipefail; {IPKB} {command} | {reader}"],
                capture_output=True,
                env=_env(tmp_path, IPKB_NO_FAST=fast),
                timeout=120,
            )
            assert (result.returncode, result.stderr) == (0, b""), (reader, fast, result.stderr)
            assert len(result.stdout.splitlines()) == (2 if reader == "head -2" else 0)


def test_hops_are_counted_in_the_singular_for_one(tmp_path: Path) -> None:
    def ipkb(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([IPKB, *args], capture_output=True, text=True, env=_env(tmp_path), timeout=120)

    same = ipkb("path", "keqiao", "keqiao")
    assert same.returncode == 0 and same.stdout.count("0 hops") == 1, same.stdout
    far = ipkb("path", "keqiao", "national-center", "--max-hops", "1")
    assert far.returncode == 1 and "within 1 hop\n" in far.stderr, far.stderr
    near = ipkb("path", "keqiao", "shaoxing")
    assert near.returncode == 0 and "1 hop ·" in near.stdout and "1 hops" not in near.stdout, near.stdout


@pytest.mark.parametrize(
    "command",
    [
        "show huzhou",
        "list --type center --in zhejiang",
        "neighbors huzhou",
        "path keqiao shaoxing",
        "facts --in huzhou",
    ],
)
def test_as_of_is_said_under_the_answer_and_a_future_day_is_warned_of(command: str, tmp_path: Path) -> None:
    def ipkb(*args: str) -> subprocess.CompletedProcess[str]:
        env = _env(tmp_path, COLUMNS="120")
        return subprocess.run([IPKB, *command.split(), *args], capture_output=True, text=True, env=env, timeout=120)

    mark = "as of 2024-06-30: relations not yet begun or already ended are hidden"
    then = ipkb("--as-of", "2024-06-30")
    assert then.returncode == 0 and mark in then.stdout and "warning" not in then.stderr, then.stderr
    assert mark not in ipkb().stdout
    later = ipkb("--as-of", "2999", "--json")
    assert later.returncode == 0 and json.loads(later.stdout) is not None
    assert "warning: --as-of 2999 is later than today" in later.stderr


def test_readme_says_which_method_gives_what_search_json_prints_and_ids_are_suggested(tmp_path: Path) -> None:
    import ipkb
    from ipkb.errors import EntityNotFound

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    snippet = readme.split("```python\n", 1)[1].split("```", 1)[0]
    scope: dict[str, object] = {}
    exec(snippet.replace("ipkb.open_kb()", f"ipkb.open_kb(db={str(tmp_path / 'kb.sqlite')!r})"), scope)
    printed = subprocess.run(
        [IPKB, "--db", str(tmp_path / "kb.sqlite"), "search", "柯桥", "--json"], capture_output=True, env=_env(tmp_path)
    )
    assert scope["page"] == json.loads(printed.stdout) and scope["found"] == json.loads(printed.stdout)["entities"]
    assert "kb.search_page" in readme and "`kb.search` returns just the" in readme
    kb = ipkb.open_kb(db=tmp_path / "kb.sqlite")
    with pytest.raises(EntityNotFound) as missing:
        kb.show("suzhuo")
    ids, shown = missing.value.suggested_ids, missing.value.suggestions
    assert len(ids) == len(shown) and ids[0] == "suzhou-jiangsu" and shown[0] == "suzhou-jiangsu (Suzhou)"
    assert kb.show(ids[0])["id"] == "suzhou-jiangsu"
