"""Writing export files to a path without harming what the path already names.

A regular file or a new path is written atomically: to a temporary file beside it, renamed into place
once every file of the export is written, so a failed export never leaves a partial file; a file that
existed keeps its mode (and its owner, where the user may set it). A device or a FIFO (`-o /dev/null`, a
named pipe) is written straight to: renaming over it would replace the node itself (as root, `-o
/dev/null` would turn /dev/null into a regular file). `/dev/stdout`, `/dev/fd/N` and `/proc/self/fd/N`
are written through the descriptor they name, as the shell opened it. A symlink is written through to
what it names, by the same rules, and stays a link. A folder, and any path inside the KB folder (ipkb
never writes there), is a usage error.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from collections.abc import Callable
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import BinaryIO, NamedTuple

from ipkb.errors import ExportError, UsageError

# /dev/stdout, /dev/fd/3, /proc/self/fd/1: a descriptor this process already has open (the shell's `>`,
# `>>` or `|`). Written through a duplicate of it: resolving the link would reopen a file from its start
# (losing `>>`), or fail for a pipe, whose link names no file.
_DESCRIPTOR = re.compile(rf"/dev/(?:fd/([0-9]+)|(stdout)|(stderr))|/proc/(?:self|{os.getpid()})/fd/([0-9]+)", re.ASCII)


class Target(NamedTuple):
    path: Path  # as the user named it
    real: Path  # what is written: the path with every symlink resolved
    info: os.stat_result | None  # of `real`, None if it does not exist yet
    fd: int | None = None  # an open descriptor `path` names (/dev/stdout ...), written through a duplicate

    @property
    def atomic(self) -> bool:
        """Written through a temporary file and a rename: new paths and regular files only."""
        return self.fd is None and (self.info is None or stat.S_ISREG(self.info.st_mode))


def inspect(path: Path, kb: Path | None = None) -> Target:
    """What `path` names, checked before any work: a folder or a path inside `kb` is a usage error."""
    descriptor = _DESCRIPTOR.fullmatch(os.path.abspath(path))
    if descriptor:
        number, out, err, proc = descriptor.groups()
        fd = 1 if out else 2 if err else int(number or proc)
        try:
            return Target(path, path, os.fstat(fd), fd)
        except (OSError, OverflowError) as exc:
            raise ExportError(f"cannot write {path}: {getattr(exc, 'strerror', None) or exc}") from exc
    real = Path(os.path.realpath(path))
    if kb is not None:
        folder = Path(os.path.realpath(kb))
        for candidate in (Path(os.path.abspath(path)), real):
            if candidate.is_relative_to(folder):
                raise UsageError(
                    f"-o {path} is inside the knowledge base folder {folder}",
                    hint="ipkb never writes into the KB folder; write the export somewhere else",
                )
    try:
        info: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror}", hint=write_hint(exc)) from exc
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UsageError(f"-o {path} is a folder", hint="give a file name, e.g. -o ipkb.graphml")
    return Target(path, real, info)


def spool_dir(targets: list[Target]) -> Path | None:
    """Where a streaming writer may put a scratch file: beside a regular export, else the temp folder."""
    return targets[0].real.parent if targets[0].atomic else None


def write_all(targets: list[Target], write: Callable[[list[BinaryIO]], None]) -> None:
    """Open one stream per target, let `write` fill them, then rename the temporary files into place."""
    temporary: list[tuple[str, Target]] = []
    current = targets[0]
    try:
        with ExitStack() as stack:
            streams: list[BinaryIO] = []
            for current in targets:
                streams.append(stack.enter_context(_open(current, temporary)))
            write(streams)
        for name, current in temporary:
            os.replace(name, current.real)
    except BrokenPipeError:  # -o /dev/stdout | head, a FIFO whose reader left: quiet, as `-o -` is (cli.main)
        raise
    except OSError as exc:
        raise ExportError(
            f"cannot write {current.path}: {exc.strerror}",
            hint=write_hint(exc),
        ) from exc
    finally:
        for name, _ in temporary:
            Path(name).unlink(missing_ok=True)


def _open(target: Target, temporary: list[tuple[str, Target]]) -> BinaryIO:
    if target.fd is not None:
        return os.fdopen(os.dup(target.fd), "wb")
    if not target.atomic:  # a device or a FIFO: write to it, never create, truncate or replace it
        return os.fdopen(os.open(target.real, os.O_WRONLY | getattr(os, "O_NOCTTY", 0)), "wb")
    fd, name = tempfile.mkstemp(prefix=f".{target.real.name}.", suffix=".tmp", dir=target.real.parent)
    temporary.append((name, target))
    stream = os.fdopen(fd, "wb")
    if target.info is None:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a new export is an ordinary file
        return stream
    # owner first: chown may clear set-id bits that chmod then restores; only root may give a file away
    with suppress(OSError):
        os.fchown(fd, target.info.st_uid, target.info.st_gid)
    os.fchmod(fd, stat.S_IMODE(target.info.st_mode))
    return stream


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_hint(exc: OSError) -> str:
    """What to do about a failed write, by its cause: a full disk is not a missing folder."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full (ENOSPC) or over quota: free some space, or write to another disk with -o"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "the folder is not writable: choose another with -o"
    return "check that the folder exists and is writable"
