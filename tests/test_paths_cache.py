"""The default database's folder is found without platformdirs when it can be, and is always platformdirs'."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest
from platformdirs import user_cache_path

from ipkb.paths import default_db, linux_cache_guess

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="the cheap rule is Linux's")


@linux_only
@pytest.mark.parametrize(
    ("xdg", "home"),
    [("/tmp/xdg-cache", "/home/someone"), (None, "/home/someone"), ("", "/root"), ("relative/cache", "/home/a b")],
)
def test_the_cheap_guess_is_platformdirs_answer(monkeypatch: pytest.MonkeyPatch, xdg: str | None, home: str) -> None:
    monkeypatch.setenv("HOME", home)
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert linux_cache_guess() == str(user_cache_path("ipkb"))


@linux_only
def test_a_relative_home_is_left_to_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "not/absolute")
    assert linux_cache_guess() is None


@pytest.mark.parametrize("exists", [True, False])
def test_default_db_is_in_platformdirs_cache_and_named_by_the_kb_hash(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, exists: bool
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    kb = tmp_path / "my-kb"
    expected = user_cache_path("ipkb") / f"my-kb-{hashlib.sha256(str(kb).encode()).hexdigest()[:16]}.sqlite"
    if exists:
        expected.parent.mkdir(parents=True)
        expected.write_bytes(b"")
    assert Path(default_db(kb)) == expected


def test_a_guess_whose_database_is_missing_asks_platformdirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Where the cheap rule and platformdirs could disagree, a missing file sends the question to platformdirs."""
    monkeypatch.setattr("ipkb.paths.linux_cache_guess", lambda: str(tmp_path / "elsewhere"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert Path(default_db(tmp_path / "kb")).parent == user_cache_path("ipkb")
