"""A hostile environment: closed and full streams, encodings that cannot hold Chinese, odd COLUMNS and TERM,
real terminals, undecodable bytes, numbers past 64 bits, Unicode digits, revisions that look like options.
Each answer degrades (plain text, 80 columns, escapes) or is one line on stderr with a non-zero exit; never
a traceback, never an empty answer with exit 0. Real processes, through the fast path and through typer."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tests.conftest import FIXTURES, invoke

MINI = FIXTURES / "mini"
ROUTES = pytest.mark.parametrize("route", [{}, {"IPKB_NO_FAST": "1"}], ids=["fast", "typer"])
ESCAPE = b"\x1b["


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini KB compiled once for this module's processes."""
    path = tmp_path_factory.mktemp("hostile") / "mini.sqlite"
    subprocess.run([sys.executable, "-m", "ipkb", "--kb", str(MINI), "--db", str(path), "build"], check=True)
    return path


def ipkb(
    db: Path, *args: str | bytes, env: dict[str, str] | None = None, **popen: object
) -> subprocess.CompletedProcess[bytes]:
    popen.setdefault("stdout", subprocess.PIPE)
    popen.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "ipkb", "--kb", str(MINI), "--db", str(db), *args],
        env={**os.environ, **(env or {})},
        timeout=120,
        **popen,
    )


def one_line_failure(result: subprocess.CompletedProcess[bytes], code: int, message: str) -> None:
    stderr = result.stderr.decode("utf-8", "backslashreplace")
    assert result.returncode == code, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr and message in stderr, stderr


# -- standard output closed or full --------------------------------------------------------------------------
@ROUTES
@pytest.mark.parametrize("args", [["show", "huzhou"], ["show", "huzhou", "--json"], ["stats"], ["validate"]])
def test_a_closed_stdout_is_a_message(db: Path, route: dict[str, str], args: list[str]) -> None:
    result = ipkb(db, *args, env=route, stdout=None, preexec_fn=lambda: os.close(1))
    one_line_failure(result, 1, "error: cannot write the answer: standard output is closed")


def test_a_closed_stdin_or_stderr_changes_nothing(db: Path) -> None:
    answered = ipkb(db, "show", "huzhou", stdin=None, preexec_fn=lambda: os.close(0))
    assert answered.returncode == 0 and b"Huzhou" in answered.stdout
    refused = ipkb(db, "show", "atlantis", stderr=None, preexec_fn=lambda: os.close(2))
    assert refused.returncode == 1 and refused.stdout == b""
    refused_json = ipkb(db, "show", "atlantis", "--json", stderr=None, preexec_fn=lambda: os.close(2))
    assert refused_json.returncode == 1 and refused_json.stdout == b""  # the JSON error went to the closed stderr


def test_a_closed_stdout_does_not_stop_an_export_to_a_file(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "kb.json"
    result = ipkb(db, "export", "-f", "json", "-o", str(target), stdout=None, preexec_fn=lambda: os.close(1))
    assert result.returncode == 0 and f"wrote {target}" in result.stderr.decode()
    assert "huzhou" in target.read_text()
    to_stdout = ipkb(db, "export", "-f", "json", "-o", "/dev/stdout", stdout=None, preexec_fn=lambda: os.close(1))
    one_line_failure(to_stdout, 1, "cannot write /dev/stdout")  # not `wrote /dev/stdout` and exit 0


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@ROUTES
@pytest.mark.parametrize(
    "args", [["show", "huzhou"], ["show", "huzhou", "--json"], ["export", "-f", "json"], ["validate"], ["list"]]
)
def test_a_full_stdout_is_a_message(db: Path, route: dict[str, str], args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        result = ipkb(db, *args, env=route, stdout=full)
    one_line_failure(result, 1, "cannot write the answer to standard output: No space left on device")
    assert len(result.stderr.decode().splitlines()) == 1


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_an_error_on_a_full_stdout_keeps_its_exit_code(db: Path) -> None:
    with open("/dev/full", "wb") as full:
        result = ipkb(db, "show", "atlantis", "--json", stdout=full)  # the error is JSON on stderr
    assert result.returncode == 1 and json.loads(result.stderr)["ok"] is False
    with open("/dev/full", "wb") as full:
        result = ipkb(db, "show", "huzhou", "--json", stdout=full)  # the answer cannot be written
    one_line_failure(result, 1, "No space left on device")
    with open("/dev/full", "wb") as full, open("/dev/full", "wb") as also_full:  # stderr full too: exit code
        result = ipkb(db, "show", "huzhou", stdout=full, stderr=also_full)
    assert result.returncode == 1


# -- encodings ------------------------------------------------------------------------------------------------
@ROUTES
@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_chinese_names_degrade_to_escapes_on_a_narrow_encoding(db: Path, route: dict[str, str], encoding: str) -> None:
    env = {**route, "PYTHONIOENCODING": encoding}
    text = ipkb(db, "show", "huzhou", env=env)
    assert text.returncode == 0 and text.stderr == b""
    shown = text.stdout.decode(encoding)
    assert "Huzhou" in shown and "\\u6e56\\u5dde" in shown  # 湖州, escaped
    as_json = ipkb(db, "show", "湖州", "--json", env=env)
    assert as_json.returncode == 0
    assert as_json.stdout.isascii() and json.loads(as_json.stdout)["names"]["zh"] == "湖州市"
    error = ipkb(db, "show", "湖州湖州湖州", env=env)
    one_line_failure(error, 1, "no entity matches")
    assert error.stderr.isascii()


# -- terminals and widths -------------------------------------------------------------------------------------
def widest_line(output: bytes) -> int:
    return max(cell_len(line) for line in output.decode().splitlines())


@pytest.mark.parametrize("columns", ["0", "-3", "5", "20", "abc", "39"])
@pytest.mark.parametrize(
    "args, route",
    [(["show", "huzhou"], {}), (["show", "huzhou"], {"IPKB_NO_FAST": "1"}), (["list"], {}), (["facts"], {})],
)
def test_an_unusable_columns_means_80(db: Path, route: dict[str, str], columns: str, args: list[str]) -> None:
    result = ipkb(db, *args, env={**route, "COLUMNS": columns})
    assert result.returncode == 0 and result.stderr == b"" and result.stdout.strip()
    assert 60 < widest_line(result.stdout) <= 80


def unstyled(output: bytes) -> bytes:
    return re.sub(rb"\x1b\[[0-9;]*m", b"", output)


def on_terminal(db: Path, *args: str, columns: int, env: dict[str, str]) -> tuple[int, bytes, bytes]:
    """Run ipkb with its stdout on a real pseudo-terminal `columns` wide; returns exit code, output, stderr."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    environment = {k: v for k, v in os.environ.items() if k != "COLUMNS"} | env
    command = [sys.executable, "-m", "ipkb", "--kb", str(MINI), "--db", str(db), *args]
    process = subprocess.Popen(
        command, stdout=follower, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=environment
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the process has gone and closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    _, stderr = process.communicate(timeout=60)
    return process.returncode, output.replace(b"\r\n", b"\n"), stderr


@ROUTES
def test_a_terminal_gets_styles_and_a_dumb_one_plain_text(db: Path, route: dict[str, str]) -> None:
    code, styled, _ = on_terminal(db, "show", "huzhou", columns=100, env={**route, "TERM": "xterm"})
    assert code == 0 and ESCAPE in styled and widest_line(unstyled(styled)) <= 100
    code, plain, stderr = on_terminal(db, "show", "huzhou", columns=100, env={**route, "TERM": "dumb"})
    assert code == 0 and stderr == b"" and ESCAPE not in plain and "Huzhou" in plain.decode()


@ROUTES
@pytest.mark.parametrize("columns", [5, 20, 39])
def test_a_narrow_terminal_gets_80_columns(db: Path, route: dict[str, str], columns: int) -> None:
    # not TERM=dumb: rich takes a dumb terminal as 80 wide whatever its size
    code, output, stderr = on_terminal(db, "show", "huzhou", columns=columns, env={**route, "TERM": "xterm"})
    assert code == 0 and stderr == b"" and 60 < widest_line(unstyled(output)) <= 80


def test_without_any_terminal_the_answer_is_plain(db: Path) -> None:
    result = ipkb(db, "show", "huzhou", stdin=subprocess.DEVNULL, env={"TERM": "xterm-256color"})
    assert result.returncode == 0 and ESCAPE not in result.stdout and "湖州市" in result.stdout.decode()


@settings(max_examples=20, deadline=None)
@given(
    env=st.fixed_dictionaries(
        {},
        optional={
            "COLUMNS": st.one_of(st.integers(-(2**70), 2**70).map(str), st.text("0123456789-+ abc.", max_size=6)),
            "TERM": st.sampled_from(["dumb", "unknown", "xterm-256color", "vt100", ""]),
            "PYTHONIOENCODING": st.sampled_from(["ascii", "latin-1", "cp1252", "utf-8", "utf-16", "ascii:strict"]),
            "NO_COLOR": st.sampled_from(["1", ""]),
            "IPKB_NO_FAST": st.just("1"),
        },
    ),
    args=st.sampled_from(
        [
            ["show", "湖州"],
            ["show", "huzhou", "--json"],
            ["list"],
            ["neighbors", "keqiao", "--tree"],
            ["facts"],
            ["coverage"],
            ["show", "湖州湖州湖州"],
            ["search", "柯桥", "--limit", "2"],
            ["path", "keqiao", "zhejiang"],
        ]
    ),
)
def test_any_environment_gives_an_answer_or_a_message(db: Path, env: dict[str, str], args: list[str]) -> None:
    result = ipkb(db, *args, env=env)
    stderr = result.stderr.decode(env.get("PYTHONIOENCODING", "utf-8").split(":")[0], "replace")
    assert result.returncode in (0, 1) and "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert result.stdout.strip() if result.returncode == 0 else stderr.startswith("error: ")


# -- arguments ------------------------------------------------------------------------------------------------
@ROUTES
@pytest.mark.parametrize(
    "args",
    [[b"show", b"hu\xffzhou"], [b"search", b"\xfe\xff"], [b"list", b"--in", b"zhe\xe6"], [b"path", b"\xff", b"x"]],
)
def test_undecodable_bytes_in_an_argument_are_a_usage_error(db: Path, route: dict[str, str], args: list[bytes]) -> None:
    result = ipkb(db, *args, env=route)
    one_line_failure(result, 2, "is not valid UTF-8")
    assert result.stdout == b""


def test_a_kb_folder_whose_name_is_not_utf8(db: Path, tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path) + b"/kb-\xff"
    shutil.copytree(MINI, os.fsdecode(folder))
    base = [sys.executable, "-m", "ipkb", b"--kb", folder]
    shown = subprocess.run([*base, "show", "huzhou"], capture_output=True, timeout=120)
    one_line_failure(shown, 2, "is not valid UTF-8")
    checked = subprocess.run([*base, "validate"], capture_output=True, timeout=120)  # reads it as it is
    assert checked.returncode == 0 and b"0 errors" in checked.stdout, checked.stderr
    database = os.fsencode(tmp_path) + b"/db-\xfe.sqlite"
    elsewhere = subprocess.run(
        [sys.executable, "-m", "ipkb", "--kb", str(MINI), b"--db", database, "show", "huzhou"],
        capture_output=True,
        timeout=120,
    )
    assert elsewhere.returncode == 0 and b"Huzhou" in elsewhere.stdout and os.path.exists(database)


@ROUTES
def test_a_number_past_64_bits_is_a_usage_error(db: Path, route: dict[str, str]) -> None:
    result = ipkb(db, "search", "hu", "--limit", "99999999999999999999999", env=route)
    one_line_failure(result, 2, "not in the range")
    largest = ipkb(db, "search", "hu", "--limit", str(2**63 - 1), env=route)
    assert largest.returncode == 0 and b"huzhou" in largest.stdout


def test_validate_texts_needs_a_folder(run, tmp_path: Path) -> None:
    result = run("validate", "--texts", str(tmp_path / "missing"))
    assert result.exit_code == 2 and "no such folder" in result.stderr
    assert "not in a clone of it" in " ".join(result.stderr.split())  # a lawyer tried the README's ../shared
    assert run("validate", "--texts", str(FIXTURES / "texts")).exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["show", "huzhou", "--as-of", "２０１９"],
        ["list", "--as-of", "٢٠١٩"],
        ["timeline", "--as-of", "２０１９-０１"],
        ["neighbors", "huzhou", "--as-of", "2019-0１-01"],
        ["export", "-f", "json", "--as-of", "২০১৯"],
        ["facts", "gdp", "--period", "２０１９"],
        ["show", "huzhou", "--as-of", "2019\n"],
    ],
)
def test_dates_take_ascii_digits_only(run, args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2 and "ASCII digits" in result.stderr and result.stdout == ""


def test_parse_day_reads_iso_days_in_ascii() -> None:
    from ipkb.errors import UsageError
    from ipkb.timeframe import check_period_prefix, parse_day

    assert (parse_day("2019"), parse_day("2019-06"), parse_day("2019-06-02")) == (
        "2019-12-31",
        "2019-06-30",
        "2019-06-02",
    )
    for bad in ("２０１９", "2019-13", "2019-02-30", "19", "2019-6", " 2019", "2019-06-02T00"):
        with pytest.raises(UsageError):
            parse_day(bad)
    assert check_period_prefix("2021/2025") == "2021/2025" and check_period_prefix("2021-06") == "2021-06"
    for bad in ("２０", "20", "14", "2021/", "2025/2021"):
        with pytest.raises(UsageError):
            check_period_prefix(bad)


# -- diff never hands git an option ---------------------------------------------------------------------------
def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True, capture_output=True
    )


@pytest.mark.parametrize(
    "revisions",
    [["--output={file}"], ["-o{file}"], ["HEAD", "--output={file}"], ["--format=zip"], ["--remote=/x"], [" "]],
)
def test_diff_refuses_a_revision_that_git_could_read_as_an_option(
    mini_kb: Path, tmp_path: Path, revisions: list[str]
) -> None:
    repo = mini_kb.parent
    git(repo, "init", "-q")
    git(repo, "add", "kb")
    git(repo, "commit", "-qm", "one")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    before = sorted(tmp_path.rglob("*"))
    result = invoke(["--kb", str(mini_kb), "diff", "--", *(r.format(file=victim) for r in revisions)])
    assert result.exit_code == 2 and "is not a revision" in result.stderr
    assert victim.read_text() == "precious"
    assert sorted(tmp_path.rglob("*")) == before


def test_diff_takes_only_commits(mini_kb: Path) -> None:
    repo = mini_kb.parent
    git(repo, "init", "-q")
    git(repo, "add", "kb")
    git(repo, "commit", "-qm", "one")
    tree = invoke(["--kb", str(mini_kb), "diff", "HEAD^{tree}"])
    assert tree.exit_code == 1 and "is not a commit" in tree.stderr
    same = invoke(["--kb", str(mini_kb), "diff", "HEAD", "--json"])
    assert same.exit_code == 0 and json.loads(same.stdout)["facts"]["changed"] == []


# -- the last resort ------------------------------------------------------------------------------------------
def test_an_unexpected_exception_is_still_a_message(run, monkeypatch: pytest.MonkeyPatch) -> None:
    import ipkb.read.views

    def broken(*args: object) -> None:
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(ipkb.read.views, "show", broken)
    result = run("show", "huzhou")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert (
        "internal error: RuntimeError: something nobody expected" in result.stderr and "IPKB_DEBUG=1" in result.stderr
    )
    monkeypatch.setenv("IPKB_DEBUG", "1")
    with pytest.raises(RuntimeError):
        run("show", "huzhou")
