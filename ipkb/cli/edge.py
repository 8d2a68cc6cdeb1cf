"""The edge of the process: standard streams and raw arguments, made safe before any command runs.

`prepare()` runs first in `ipkb.cli.main`, on the fast path and the typer path alike:
- A closed stdout or stderr (`ipkb show x >&-`) leaves its file descriptor free, and the next file ipkb
  opens (the database) would take it. The descriptor is held (`_hold`); a closed stdout becomes a stream
  whose writes fail with "standard output is closed", so an answer is never silently dropped.
- A stream whose encoding cannot hold every character (PYTHONIOENCODING=ascii or latin-1, a non-UTF-8
  locale) writes what it cannot encode as backslash escapes, as stderr already does, instead of failing
  on the first Chinese name; `unicode_stdout()` tells JSON output to escape non-ASCII instead.
`text_arguments(args)` refuses undecodable bytes (surrogate-escaped by Python) where the argument is text
for a query; in paths (--kb, --db, -o, --texts) they are legitimate and pass through.
`report(error)` turns a failed write (a full disk, a closed or broken stream) into one line on stderr;
`report_bug(error)` does the same for an exception nothing expected, the last resort behind the rule that
no traceback reaches a user.
"""

from __future__ import annotations

import errno
import io
import os
import sys

from ipkb.errors import UsageError

PATH_OPTIONS = ("--kb", "--db", "--output", "-o", "--texts")


class _Closed(io.RawIOBase):
    """Standard output that was closed when ipkb started: every write fails, with a message to say why."""

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def prepare() -> None:
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:  # closed: hold the descriptor so that no file ipkb opens can land on it
            _hold(fd)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - for the life of the process
    if sys.stdout is None:
        sys.stdout = io.TextIOWrapper(io.BufferedWriter(_Closed()), encoding="utf-8")
    for stream in (sys.stdout, sys.stderr):
        # strict fails on a Chinese name under ascii or latin-1, or a lone surrogate from an undecodable file
        # name; surrogateescape (a C locale) already writes back the original bytes
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="backslashreplace")


HELD: set[int] = set()  # the standard descriptors that were closed when ipkb started (see _hold)


def _hold(fd: int) -> None:
    """Stdin reads /dev/null; stdout and stderr become a pipe with no reader, so that a write to them by
    another way (`-o /dev/stdout`) fails as a broken pipe instead of vanishing with exit 0 (and, as they are
    in HELD, is reported as a failure, not taken for a reader that stopped early)."""
    HELD.add(fd)
    opened = [os.open(os.devnull, os.O_RDONLY)] if fd == 0 else list(os.pipe())
    source = opened[-1]  # /dev/null, or the pipe's write end
    if source != fd:
        os.dup2(source, fd)  # when the read end took `fd`, this closes it
    for other in set(opened) - {fd}:
        os.close(other)


def _is_utf(encoding: str | None) -> bool:
    return (encoding or "").lower().replace("-", "").replace("_", "").startswith("utf")


def unicode_stdout() -> bool:
    """Whether stdout can carry any character as itself (else JSON escapes non-ASCII as \\uXXXX)."""
    return _is_utf(getattr(sys.stdout, "encoding", None))


def text_arguments(args: list[str]) -> None:
    """A usage error for an argument holding bytes that are not UTF-8, unless it names a path."""
    after_path_option = False
    for arg in args:
        if _undecodable(arg) and not after_path_option and not arg.startswith(PATH_OPTIONS):
            shown = arg.encode("utf-8", "backslashreplace").decode("utf-8")
            raise UsageError(
                f"argument '{shown}' is not valid UTF-8",
                hint="ipkb reads names and words as UTF-8 text; check the terminal's encoding (locale)",
            )
        after_path_option = arg in PATH_OPTIONS


def _undecodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def report(error: OSError) -> None:
    """One line on stderr for an output that could not be written; stdout then points at /dev/null so the
    interpreter's final flush has nothing left to fail on."""
    if error.filename is not None:  # not the output: a file some part of ipkb could not read or write
        message = f"error: {error.filename}: {error.strerror}"
    elif error.errno == errno.EBADF:
        message = "error: cannot write the answer: standard output is closed"
        silence()
    else:
        message = f"error: cannot write the answer to standard output: {error.strerror or error}"
        silence()
    try:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr is gone too: the exit code says it
        pass


def report_bug(error: Exception) -> None:
    """One line for an exception no part of ipkb expected; IPKB_DEBUG=1 lets it through with its traceback."""
    try:
        sys.stderr.write(
            f"error: internal error: {type(error).__name__}: {error}\n"
            "  this is a bug in ipkb; run again with IPKB_DEBUG=1 to see where, and report it\n"
        )
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def silence() -> None:
    """Send what is left to write on stdout to /dev/null (only when stdout is the process's own fd 1)."""
    try:
        own = sys.stdout.fileno() == 1
    except (OSError, ValueError):  # an in-memory stream (tests), or the closed-stdout stand-in
        own = isinstance(getattr(sys.stdout, "buffer", None), io.BufferedWriter) and isinstance(
            getattr(sys.stdout.buffer, "raw", None), _Closed
        )
    if not own:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - for the life of the process
