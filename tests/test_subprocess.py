"""The card examples as a user runs them: real processes, the real console script, the bundled KB."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("sqlmodel", "sqlalchemy", "networkx", "rich", "yaml", "pydantic", "pypinyin", "rapidfuzz", "opencc")


def ipkb(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipkb", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def test_show_huzhou_from_any_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = ipkb("show", "huzhou", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert "Huzhou" in result.stdout and "湖州市" in result.stdout and "city · huzhou" in result.stdout
    assert not list(elsewhere.iterdir())  # nothing written in the working folder


def test_path_keqiao_to_the_national_center() -> None:
    result = ipkb("path", "keqiao", "national-center", "--json")
    assert result.returncode == 0, result.stderr
    view = json.loads(result.stdout)
    assert view["from"]["id"] == "keqiao" and view["to"]["id"] == "national-center"
    assert view["hops"] and all(hop["sources"] for hop in view["hops"])


def test_console_script_is_installed() -> None:
    script = shutil.which("ipkb", path=str(Path(sys.executable).parent))
    assert script is not None
    result = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("ipkb ")


def test_a_query_on_a_built_kb_imports_nothing_heavy() -> None:
    assert ipkb("build").returncode == 0
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ipkb", "show", "huzhou", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}
    assert not imported & set(HEAVY), imported & set(HEAVY)


def imported_by(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ipkb", *args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}


def test_traditional_characters_find_the_simplified_name_and_only_they_load_opencc() -> None:
    """寧波 is how Taiwan and Hong Kong write 宁波: a search or a name that finds nothing as typed is tried
    in simplified characters (OpenCC), which a name that is found as typed never loads."""
    assert ipkb("build").returncode == 0
    found = ipkb("search", "寧波", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["entities"][0]["id"] == "ningbo"
    shown = ipkb("show", "寧波市", "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["id"] == "ningbo", shown.stderr
    assert "opencc" in imported_by("search", "寧波", "--json")
    assert "opencc" in imported_by("search", "知識產權", "--json")  # found as typed too, and read simplified
    plain = (["show", "湖州", "--json"], ["search", "湖州", "--json"], ["search", "知识产权保护中心", "--json"])
    for args in (*plain, ["search", "nosuchname", "--json"]):
        assert "opencc" not in imported_by(*args), args


@pytest.mark.parametrize(
    "args",
    [
        ["show", "huzhou", "--json"],
        ["search", "湖州", "--json"],
        ["path", "keqiao", "national-center", "--json"],
        ["list", "--type", "city", "--json"],
    ],
)
def test_a_query_on_a_built_kb_imports_no_typer_nor_click(args: list[str]) -> None:
    """typer and click cost about 0.1 s to import: the fast path (ipkb/cli/fast.py) runs queries without them.

    Nor does it define the build's record classes or import dataclasses (with inspect, about 10 ms), nor the
    JSON shapes (ipkb/shapes.py: for mypy, imported under TYPE_CHECKING only; an answer of ipkb/answers/
    defines its own, on the few of shapes_base.py), nor pathlib (with urllib.parse
    and ipaddress, about 6 ms of CPU: paths on the query path are strings, ipkb/paths.py).
    """
    assert ipkb("build").returncode == 0
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ipkb", *args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    modules = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    unwanted = {"typer", "click", "dataclasses", "pathlib", "ipkb.model", "ipkb.shapes"}
    found = unwanted & ({m.split(".")[0] for m in modules} | modules)
    assert not found, found


@pytest.mark.parametrize(
    ("args", "env"),
    [
        ("list", {}),  # the fast path
        ("list", {"IPKB_NO_FAST": "1"}),  # the same answer through typer, where click meets the pipe first
        ("timeline", {}),  # a command only typer runs
    ],
)
def test_a_long_answer_piped_into_head_exits_0_silently(args: str, env: dict[str, str]) -> None:
    """`ipkb list | head -3` under `set -o pipefail`: the reader stopped early, which is no failure; and no
    "Exception ignored ... BrokenPipeError" from the interpreter's last flush."""
    shell = shutil.which("bash")
    if shell is None:
        pytest.skip("no bash")
    command = f"set -o pipefail; '{sys.executable}' -m ipkb {args} | head -3"
    result = subprocess.run(
        [shell, "-c", command], capture_output=True, text=True, timeout=120, env={**os.environ, **env}
    )
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert len(result.stdout.splitlines()) == 3


def test_no_colour_when_piped_or_under_no_color() -> None:
    for env in ({}, {"NO_COLOR": "1"}):
        result = ipkb("show", "huzhou", env=env)
        assert result.returncode == 0 and "\x1b[" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["show", "nowhere-at-all"],
        ["path", "huzhou", "nowhere"],
        ["list", "--in", "mars"],
        ["export", "-f", "nope"],
        ["show"],
        ["--kb", "/no/such/folder", "show", "x"],
    ],
)
def test_bad_input_never_shows_a_traceback(args: list[str]) -> None:
    result = ipkb(*args)
    assert result.returncode in (1, 2)
    assert "Traceback" not in result.stderr + result.stdout


def test_shell_completion_is_offered() -> None:
    result = ipkb("--help")
    assert result.returncode == 0 and "--install-completion" in result.stdout
