"""The database file itself: whose it is, its temporary files, and the rename that puts a build in place.

ipkb replaces a file only if ipkb created it (docs/reliability.md, "The compiled cache"). Its databases
carry `PRAGMA application_id = APPLICATION_ID` in the SQLite header and a `meta` table; stores built
before the mark existed are recognised by their `meta` table and tables. Imported only to build.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ipkb.errors import DamagedStore, IpkbError, UsageError

APPLICATION_ID = 0x69706B62  # "ipkb", at byte 68 of the SQLite header
SQLITE_MAGIC = b"SQLite format 3\x00"
TEMP_MARK = ".ipkb-build."  # .<db name>.ipkb-build.<host>.<pid>.<random>.tmp

# Every table an ipkb store holds, the FTS5 shadow tables and SQLite's own included.
IPKB_TABLES = frozenset(
    ["meta", "entity_type", "relation_type", "metric", "entity", "name", "relation", "fact", "citation"]
    + ["part", "problem", "sqlite_sequence", "sqlite_stat1"]
    + [
        f"{fts}{shadow}"
        for fts in ("entity_fts", "entity_chars", "entity_syllables", "relation_fts")
        for shadow in ("", "_data", "_idx", "_content", "_docsize", "_config")
    ]
)
SQLITE_FULL = 13


def is_full(exc: BaseException) -> bool:
    """Whether an error means the disk (or the user's quota) is full."""
    import errno

    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return isinstance(exc, sqlite3.Error) and (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF == SQLITE_FULL


def check_replaceable(db: Path, kb: Path) -> None:
    """Raise UsageError (exit 2) unless ipkb may write `db`: absent, empty, or a database ipkb made.

    At the default place in ipkb's own cache folder, an unreadable file (a damaged cache) may be
    replaced too, but still not another program's readable database.
    """
    try:
        info = db.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return  # nothing there to lose (a folder that cannot be made is reported when writing)
    except OSError as exc:
        raise UsageError(f"cannot use {db} as the database: {exc.strerror}", hint=_HINT) from exc
    import stat

    if stat.S_ISLNK(info.st_mode):  # only the default path is left unresolved: replacing a link loses nothing
        return
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{db} is a folder, not a database file", hint=_HINT)
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{db} is not a regular file; ipkb will not replace it", hint=_HINT)
    if info.st_size == 0:
        return  # holds nothing to lose (e.g. made by mktemp)
    verdict = _whose(db)
    if verdict == "ipkb":
        return
    from ipkb.paths import default_db

    if str(db) == default_db(str(kb)) and verdict in ("old-ipkb", "unreadable"):
        return
    if verdict == "old-ipkb-clean":
        return
    raise UsageError(
        f"{db} is not a database ipkb created; ipkb will not replace it",
        hint="choose another --db FILE (or $IPKB_DB); delete the file yourself if it is an old ipkb cache",
    )


_HINT = "pass --db FILE (or set IPKB_DB) to a file ipkb may create or replace"


def _whose(db: Path) -> str:
    """ipkb | old-ipkb-clean (meta and only ipkb's tables) | old-ipkb (meta) | other | unreadable."""
    try:
        with open(db, "rb") as stream:
            header = stream.read(100)
    except OSError:
        return "unreadable"
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return "unreadable"
    application_id = int.from_bytes(header[68:72], "big")
    if application_id == APPLICATION_ID:
        return "ipkb"
    if application_id != 0:
        return "other"
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            keys = {row[0] for row in con.execute("SELECT key FROM meta")} if "meta" in tables else set()
        finally:
            con.close()
    except sqlite3.Error:
        return "unreadable"
    if not {"store_version", "kb_path", "content_hash"} <= keys:
        return "other"
    return "old-ipkb-clean" if tables <= IPKB_TABLES else "old-ipkb"


def built_from(db: Path) -> str | None:
    """The KB folder a store carrying ipkb's mark was built from; None for any other file."""
    if _whose(db) != "ipkb":
        return None
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            found = con.execute("SELECT value FROM meta WHERE key = 'kb_path'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return str(found[0]) if found and found[0] else None


def mark(con: sqlite3.Connection) -> None:
    """Mark a database as ipkb's, in its header."""
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def temp_path(db: Path) -> Path:
    """A new, empty temporary file beside `db`, named so that a later build can tell it was ours."""
    import secrets

    name = f".{db.name}{TEMP_MARK}{os.uname().nodename}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    path = db.parent / name
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    return path


def remove_stale_temps(db: Path) -> list[Path]:
    """Delete the temporary files of builds of `db` killed on this machine (their process is gone)."""
    prefix = f".{db.name}{TEMP_MARK}{os.uname().nodename}."
    removed = []
    try:
        entries = list(os.scandir(db.parent))
    except OSError:
        return []
    for entry in entries:
        if not entry.name.startswith(prefix) or not entry.is_file(follow_symlinks=False):
            continue
        pid, _, rest = entry.name[len(prefix) :].partition(".")
        if not pid.isdigit() or ".tmp" not in rest or _alive(int(pid)):
            continue
        try:
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process
        return True
    return True


def copy_store(source: Path, target: Path) -> None:
    """Copy the bytes of `source` into `target` with copy_file_range: the kernel copies without passing the
    bytes through Python, and on filesystems that share extents (btrfs, XFS, NFS 4.2) the copy is a reflink,
    made at once whatever the size (a 4.5 GB store at 1M takes 13 s to copy on ext4). Where the call is
    missing or refused, a plain copy."""
    import errno
    import shutil

    refused = (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP)  # anything else (a full disk) is raised
    with open(source, "rb") as reading, open(target, "wb") as writing:
        size, done = os.fstat(reading.fileno()).st_size, 0
        try:
            while done < size:
                copied = os.copy_file_range(reading.fileno(), writing.fileno(), size - done)
                if copied == 0:
                    break
                done += copied
        except AttributeError:  # no copy_file_range on this system (macOS)
            pass
        except OSError as exc:
            if exc.errno not in refused:
                raise
        if done < size:
            reading.seek(done)
            writing.seek(done)
            shutil.copyfileobj(reading, writing, 1 << 20)


def can_update_in_place() -> bool:
    """Whether this system has the file lock (ipkb.build.dbfile.store_lock) that a rebuild in place needs."""
    try:
        import fcntl  # noqa: F401
    except ImportError:  # Windows: every rebuild makes a new store
        return False
    return True


@contextmanager
def store_lock(db: Path) -> Iterator[bool]:
    """Hold the lock on `db` that a rebuild in place and the rename of a new store both take; yields
    whether it is held (a folder that cannot be locked, e.g. on some network file systems: no).

    Why: a rebuild in place keeps a rollback journal beside `db` until it commits. A store renamed over
    `db` meanwhile would meet that journal, and SQLite would take it for the new file's own and play
    the old file's pages into it. The lock keeps the two apart, and whoever renames settles a journal left
    by a crash (`_settle_journal`). It is taken on the folder, so that no lock file is left beside the
    user's files; builds of other stores there wait only while they rename or update in place."""
    import fcntl

    try:
        fd = os.open(db.parent, os.O_RDONLY)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the lock


def _settle_journal(db: Path) -> None:
    """Play back the journal a crashed rebuild in place left beside `db` (SQLite does so when a writer opens
    the file), or remove it if `db` cannot be opened: it belongs to the file about to be replaced."""
    journal = db.with_name(db.name + "-journal")
    if not journal.exists():
        return
    from ipkb.build.inplace import WAIT_SECONDS

    try:
        con = sqlite3.connect(db, timeout=WAIT_SECONDS)
        try:
            con.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        pass
    journal.unlink(missing_ok=True)


def settle_journal(db: Path) -> None:
    """Settle a journal a crashed rebuild in place left beside `db` (readers cannot: they open it read-only)."""
    if can_update_in_place() and db.with_name(db.name + "-journal").exists():
        with store_lock(db):
            _settle_journal(db)


def _flush(path: Path) -> None:
    """fsync a file or folder. Without it the new store's pages, written with synchronous=OFF, would reach the
    disk later: a power cut after the rename could leave a damaged store, and the first rebuild in place paid
    for writing them all at its COMMIT (10-20 s at 1M entities, against 1.5-1.8 s for the next ones)."""
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        if not path.is_dir():  # a folder that cannot be opened (Windows) or synced: the rename stands anyway
            raise


def _rename_into_place(tmp: Path, db: Path) -> None:
    if not can_update_in_place():
        os.replace(tmp, db)
        return
    with store_lock(db):
        _settle_journal(db)
        os.replace(tmp, db)


def write_atomically(db: Path, kb: Path, fill: Callable[[Path], None]) -> None:
    """Have `fill` make the new store in a temporary file beside `db`, mark it, and rename it into place.

    Temporary files of killed builds are removed first. A full disk, or any other failure, leaves `db`
    as it was and removes the temporary file.
    """
    try:
        if not db.parent.exists():  # only the cache folder is made: a database chosen elsewhere needs its own
            from ipkb.paths import default_db, missing_db_folder

            if str(db) != default_db(str(kb)):
                raise missing_db_folder(str(db))
            db.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(db)
        tmp = temp_path(db)
    except OSError as exc:
        raise write_error(db, exc) from exc
    try:
        try:
            fill(tmp)
            con = sqlite3.connect(tmp)
            try:
                mark(con)
            finally:
                con.close()
            _flush(tmp)  # on disk before it is named the store (built unsynced: see writer._connect_temporary)
            check_replaceable(db, kb)  # again: the place may have changed while the store was made
            _rename_into_place(tmp, db)
            _flush(db.parent)  # and the rename with it
        except (OSError, sqlite3.Error) as exc:
            raise write_error(db, exc) from exc
    finally:
        tmp.unlink(missing_ok=True)


def write_error(db: Path, exc: OSError | sqlite3.Error) -> IpkbError:
    if is_full(exc):
        return IpkbError(
            f"no space left on the disk to build the database {db}; the previous database is kept",
            hint="free some space, or pass --db FILE (or set IPKB_DB) to a place on another disk",
        )
    if isinstance(exc, sqlite3.DatabaseError) and DamagedStore.means(exc):
        return DamagedStore(db, str(exc))  # an incremental build met damage in the old store: build in full
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return IpkbError(
        f"cannot write the database at {db}: {reason}", hint="pass --db PATH or set IPKB_DB to a writable place"
    )
