"""Where the KB folder and its compiled database live.

Paths here are strings (os.path), not pathlib: every query passes through this module, and importing
pathlib (with urllib.parse and ipaddress) cost each one about 6 ms of CPU. The build side uses pathlib.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from typing import TYPE_CHECKING

from ipkb.errors import IpkbError, KbNotFound, UsageError

if TYPE_CHECKING:
    from pathlib import Path


KB_SUBDIRS = ("entities", "relations", "facts")


def bundled_kb() -> str | None:
    """The KB shipped with ipkb: inside the wheel, or beside the package in a source checkout."""
    here = os.path.dirname(os.path.realpath(__file__))
    for candidate in (os.path.join(here, "kb"), os.path.join(os.path.dirname(here), "kb")):
        if os.path.isfile(os.path.join(candidate, "schema.yaml")):
            return candidate
    return None


def resolve_kb(option: str | os.PathLike[str] | None) -> str:
    """`--kb`, then `$IPKB_KB`, then the bundled KB: an absolute path with its links resolved."""
    chosen = os.fspath(option) if option else os.environ.get("IPKB_KB")
    if chosen:
        path = os.path.expanduser(chosen)
        if not os.path.isdir(path):
            raise KbNotFound(f"knowledge base folder not found: {path}", hint="pass --kb DIR or set IPKB_KB")
        if not os.path.isfile(os.path.join(path, "schema.yaml")):
            raise KbNotFound(
                f"{path} is not an ipkb knowledge base (no schema.yaml)",
                hint="a KB folder holds schema.yaml, entities/ and relations/",
            )
        return os.path.realpath(path)
    bundled = bundled_kb()
    if bundled is None:
        raise KbNotFound("no knowledge base given and none bundled", hint="pass --kb DIR or set IPKB_KB")
    return bundled


# An entry of a record folder that is not read, and why: path, its own lstat (None if even that failed),
# message, hint, severity ("error" when records may be missing, "warning" when nothing is lost).
Unread = tuple[str, "os.stat_result | None", str, str, str]


def yaml_files(kb: str | os.PathLike[str]) -> list[Path]:
    """schema.yaml and every readable *.yaml under the KB's record folders, in a stable order."""
    from pathlib import Path

    return [Path(path) for path, _ in scan_kb(kb)[0]]


def yaml_file_stats(kb: str | os.PathLike[str]) -> list[tuple[str, os.stat_result]]:
    """`yaml_files` as path strings, each with its stat, then each entry reported instead of read (see
    `scan_kb`) with its own lstat: so the stat signature also changes when such an entry comes, goes or is
    mended."""
    files, unread = scan_kb(kb)
    return files + [(path, info) for path, info, *_ in unread if info is not None]


def scan_kb(kb: str | os.PathLike[str]) -> tuple[list[tuple[str, os.stat_result]], list[Unread]]:
    """schema.yaml and the *.yaml record files with their stats, and the entries that will not be read.

    One entry that cannot be read (a link to itself or to nothing, a FIFO, a name that is not UTF-8, a
    folder that cannot be listed) is reported and never stops the listing of its neighbours; nothing here
    opens a file, so a FIFO cannot block it. Every query calls this to see whether the store is fresh, so
    it uses `os.scandir` rather than `Path.rglob`: at 4,000 files (1M entities) that is about 40 ms
    instead of 110 ms. Linked folders are followed, each real folder once.
    """
    kb = os.fspath(kb)
    schema = os.path.join(kb, "schema.yaml")
    found = [(schema, os.stat(schema))]
    unread: list[Unread] = []
    seen: set[tuple[int, int]] = set()
    for sub in KB_SUBDIRS:
        files: list[tuple[str, os.stat_result]] = []
        folders = [os.path.join(kb, sub)]
        while folders:
            folder = folders.pop()
            try:
                info = os.stat(folder)
                if (info.st_dev, info.st_ino) in seen:
                    continue
                seen.add((info.st_dev, info.st_ino))
                with os.scandir(folder) as listing:
                    entries = list(listing)
            except OSError as exc:
                if folder != os.path.join(kb, sub) or os.path.lexists(
                    folder
                ):  # else: a record folder the KB does not have
                    unread.append(_unread(folder, exc, "error", "cannot list the folder"))
                continue
            for entry in entries:
                _sort_entry(entry, folders, files, unread)
        files.sort(key=lambda item: item[0].split(os.sep))  # the order of sorted Paths
        found += files
    unread.sort(key=lambda item: item[0].split(os.sep))
    return found, unread


def _sort_entry(
    entry: os.DirEntry[str], folders: list[str], files: list[tuple[str, os.stat_result]], unread: list[Unread]
) -> None:
    """Put one folder entry where it belongs: a folder to list, a record file, or a report of why not."""
    name = entry.name
    record = name.endswith(".yaml")
    try:
        if entry.is_dir():
            folders.append(entry.path)
            return
        if not record and not name.endswith(".yml"):
            return
        info = entry.stat()
    except OSError as exc:  # a link that loops or leads nowhere, or a file we may not look at
        if record or name.endswith(".yml") or entry.is_symlink():
            entry_unread = _unread(entry.path, exc, "error" if record else "warning", "cannot read")
            if name.startswith("."):  # e.g. .#places.yaml, the link an editor leaves while a file is open
                hint = "a hidden entry, perhaps an editor's lock file: it is left alone"
                entry_unread = (*entry_unread[:3], hint, "warning")
            unread.append(entry_unread)
        return
    if not record:
        unread.append(
            (
                entry.path,
                info,
                "ignored: ipkb reads only files named *.yaml",
                f"rename it to {name[:-4]}.yaml",
                "warning",
            )
        )
    elif not stat.S_ISREG(info.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode) else "a device"
        unread.append((entry.path, info, f"not read: {kind}, not a file", "put the records in a plain file", "error"))
    elif not _is_utf8(name):  # the KB folder's own name may be anything (the CLI decides)
        unread.append(
            (
                entry.path,
                info,
                "not read: the file name is not UTF-8",
                "rename the file with UTF-8 (e.g. plain ASCII) characters",
                "error",
            )
        )
    else:
        files.append((entry.path, info))


def _unread(path: str, exc: OSError, severity: str, what: str) -> Unread:
    try:
        info: os.stat_result | None = os.lstat(path)
    except OSError:
        info = None
    if exc.errno == errno.ELOOP:
        why, hint = "a symbolic link that loops", "point the link at a real file, or remove it"
    elif exc.errno == errno.ENOENT:
        why, hint = "a link to nothing", "point the link at a real file, or remove it"
    else:
        why, hint = exc.strerror or str(exc), "let ipkb read it (check its permissions), or move it out of the KB"
    return (path, info, f"{what}: {why}", hint, severity)


def _is_utf8(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # os.scandir hands undecodable bytes over as lone surrogates
        return False
    return True


def printable_path(path: str) -> str:
    """A path that may hold undecodable bytes, with those bytes written as \\xNN (safe to print and store)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace") if not _is_utf8(path) else path


def default_db(kb: str | os.PathLike[str]) -> str:
    """One database per KB folder in the user cache that platformdirs names (honours XDG_CACHE_HOME).

    platformdirs costs a query about 10 ms (it imports tempfile, shutil, bz2, lzma and random), so the
    common case is computed here by its Linux rule and trusted only when that database exists; otherwise
    (first build, another platform, an unusual HOME) platformdirs decides. tests/test_paths.py checks that
    the two agree.
    """
    kb = os.fspath(kb)
    name = f"{os.path.basename(kb)}-{_sha256_hex(kb.encode())[:16]}.sqlite"
    guess = linux_cache_guess()
    if guess is not None and os.path.lexists(os.path.join(guess, name)):
        return os.path.join(guess, name)
    from platformdirs import user_cache_dir

    return os.path.join(user_cache_dir("ipkb"), name)


def linux_cache_guess() -> str | None:
    """platformdirs' `user_cache_dir("ipkb")` on Linux: `$XDG_CACHE_HOME/ipkb` when that is an absolute path,
    else `~/.cache/ipkb`; None where that rule may not be platformdirs' (another platform, a relative HOME)."""
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel") or "ANDROID_DATA" in os.environ:
        return None
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg.startswith("/"):
        return os.path.join(xdg, "ipkb")
    home = os.environ.get("HOME")
    if home is not None and not home.startswith("/"):
        return None
    base = os.path.expanduser("~/.cache")
    return os.path.join(base, "ipkb") if base.startswith("/") else None


def _sha256_hex(data: bytes) -> str:
    """sha256 without hashlib, whose import loads OpenSSL (about 2.5 ms): the built-in module when there is one."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found, unused-ignore]  # CPython 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found, no-redef, unused-ignore]  # CPython 3.12+
        except ImportError:
            from hashlib import sha256
    return str(sha256(data).hexdigest())


def resolve_db(option: str | os.PathLike[str] | None, kb: str) -> str:
    """`--db`, then `$IPKB_DB`, then the default cache file. Never a place inside the KB folder.

    A chosen path is resolved: when it is a symbolic link, ipkb writes the file it points to and keeps the
    link (store.build checks that the file is one ipkb may replace).
    """
    chosen = os.fspath(option) if option else os.environ.get("IPKB_DB")
    try:
        db = _real(os.path.expanduser(chosen)) if chosen else default_db(kb)
    except OSError as exc:  # a loop of links
        raise UsageError(f"cannot use {chosen} as the database: {exc}", hint="pass --db FILE") from exc
    if chosen and not os.path.exists(os.path.dirname(db)):  # a mistyped --db: never make folders of it
        raise missing_db_folder(db, "--db" if option else "IPKB_DB")
    if is_within(db, kb):  # also a cache folder (XDG_CACHE_HOME) set inside the KB
        raise UsageError(
            f"the database {db} would be inside the knowledge base folder {kb}",
            hint="ipkb never writes into the KB folder: pass --db FILE (or set IPKB_DB) to a place outside it",
        )
    return db


def missing_db_folder(db: str, whence: str = "") -> IpkbError:
    """The error for a database whose folder does not exist: ipkb creates no folder but its own cache's, so a
    mistyped --db (or IPKB_DB) is said, not made. `whence`: which of the two named it."""
    from shlex import quote

    folder = os.path.dirname(db)
    named = f" ({whence} {db})" if whence else f" ({db})"
    return IpkbError(
        f"the folder for the database does not exist: {folder}{named}",
        hint=f"check the path, or create the folder first: mkdir -p {quote(folder)} "
        "(ipkb creates only its own cache folder)",
    )


def _real(path: str) -> str:
    """`path` absolute, with its links resolved, as Path.resolve does: a loop of links is an OSError."""
    try:
        return os.path.realpath(path, strict=True)
    except OSError as exc:  # a database not built yet (or a link to one), a place it cannot be: said later
        if exc.errno == errno.ELOOP:
            raise
        return os.path.realpath(path)


def is_within(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or lies inside it (both absolute)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
