"""The compiled store: a cheap staleness check, and a build that is atomic (temp file + rename).

Queries never import this module's heavy parts: sqlmodel, the validator and pathlib load only in `build`.
What the store guarantees, and the tests that hold it: docs/reliability.md, "The compiled cache"."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from typing import TYPE_CHECKING, Any

from ipkb.build.cache import prune_cache
from ipkb.errors import DamagedStore, InvalidKnowledgeBase, IpkbError
from ipkb.paths import printable_path, scan_kb, yaml_file_stats

if TYPE_CHECKING:  # the query path does not pay for defining the model's dataclasses, nor for pathlib
    from pathlib import Path

    from ipkb.model import Problem
    from ipkb.read.query import Store

# The store's version is derived: TABLES_DIGEST is ipkb.build.tables.digest() of the declared tables (a test
# fails until it is copied here, so a changed column cannot keep the old version), and STORE_EPOCH is
# bumped by hand when what goes into unchanged columns changes meaning. Literals, so that a query, which
# never imports sqlmodel, can compare them with the version a store was built with.
STORE_EPOCH = "16"  # 14: aliases' pinyin, simplified; 15: names fold British spellings American (centre is
# center); 16: a compound ending in one too (subcentre is subcenter)
TABLES_DIGEST = "2c3499fb81cad94f"
STORE_VERSION = f"{STORE_EPOCH}.{TABLES_DIGEST}"
# A stat signature is trusted only for files last written more than this before it was taken: a file
# written again within the same timestamp tick (a few ms here, 2 s on FAT) keeps its size and mtime.
RACY_NS = 2 * 10**9
_DISTRUSTED: set[str] = set()  # databases this process found damaged: rebuilt in full, never reused
_BUILT: dict[str, str] = {}  # database -> content hash of the build just made (for open_built)
READ: dict[str, tuple[int, int]] = {}  # database -> (record files read, of how many) by its last build here


def stat_signature(kb: str | os.PathLike[str]) -> str:
    """Path, size and mtime of every YAML file: changes when any file is edited, added, removed or renamed."""
    return _signature(os.fspath(kb), yaml_file_stats(kb))[0]


def _signature(kb: str, stats: list[tuple[str, os.stat_result]]) -> tuple[str, int]:
    """The stat signature, and the newest mtime in it (to tell whether the signature can be trusted)."""
    prefix = len(kb) + 1
    rows = [[path[prefix:], st.st_size, st.st_mtime_ns] for path, st in stats]
    return json.dumps([STORE_VERSION, kb, rows]), max(st.st_mtime_ns for _, st in stats)


def fingerprint(kb: str, known: dict[Path, str] | None = None) -> tuple[str, dict[Path, str]]:
    """The KB's content hash (what `is_fresh` compares) and the SHA-256 of each file's bytes; the files in
    `known` (from `unchanged_digests`) are not read again."""
    import hashlib  # here, not at the top: loading OpenSSL costs a query on a fresh store about 3 ms
    from pathlib import Path

    def file_digest(path: Path) -> str:
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:  # the build reports it by name
            return f"unreadable: {exc.strerror}"

    known = known or {}
    listed, unread = scan_kb(kb)
    files = {path: known.get(path) or file_digest(path) for path in (Path(name) for name, _ in listed)}
    return _combine(kb, files, unread), files


def unchanged_digests(kb: str, db: str, meta: dict[str, str]) -> dict[Path, str]:
    """The SHA-256 the last build recorded for each record file whose size and mtime are still those it
    had then, and which was last written well before that build looked (RACY_NS): at 1M entities reading
    1 GB of YAML again to find the one file edited costs 5 s. The rule is make's and rsync's: a file whose
    size and mtime are unchanged has not changed. Nothing when `db` is another KB's or another version's."""
    from pathlib import Path

    if (meta.get("store_version"), meta.get("kb_path")) != (STORE_VERSION, kb):
        return {}
    try:
        _, _, rows = json.loads(meta.get("stat_signature") or "null") or (None, None, [])
        trusted_before = int(meta.get("checked_at") or 0) - RACY_NS
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            digests = dict(con.execute("SELECT file, digest FROM part").fetchall())
        finally:
            con.close()
    except (sqlite3.DatabaseError, ValueError, TypeError):
        return {}
    out: dict[Path, str] = {}
    folder = Path(kb)
    for relative, size, mtime in rows:
        path = folder / relative
        digest = digests.get(f"{folder.name}/{path.relative_to(folder).as_posix()}")
        if digest and mtime < trusted_before:
            try:
                info = path.stat()
            except OSError:
                continue
            if (info.st_size, info.st_mtime_ns) == (size, mtime):
                out[path] = digest
    return out


def _combine(kb: str, files: dict[Path, str], unread: list[Any]) -> str:
    """The KB's content hash from the SHA-256 of each file's bytes, and the entries reported instead of
    read (a link to itself, a FIFO ...): their names and why count too, so mending one makes the store stale."""
    import hashlib

    digest = hashlib.sha256(STORE_VERSION.encode())
    for path, file_digest in files.items():
        digest.update(f"{path.relative_to(kb)}\0{file_digest}\0".encode())
    for name, _, message, _, _ in unread:
        digest.update(f"{printable_path(name[len(kb) + 1 :])}\0{message}\0".encode())
    return digest.hexdigest()


def read_meta(db: str) -> dict[str, str] | None:
    """The built database's meta table, or None when it is missing, empty or corrupt."""
    return _pairs(db, "SELECT key, value FROM meta")


def _pairs(db: str, sql: str) -> dict[str, str] | None:
    """The two columns `sql` reads from `db` as a dict, or None when `db` is missing, empty or corrupt."""
    if not os.path.isfile(db) or os.path.getsize(db) == 0:
        return None
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return dict(con.execute(sql).fetchall())
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return None


def is_fresh(kb: str | os.PathLike[str], db: str | os.PathLike[str]) -> bool:
    """Whether `db` was built from the YAML as it is now, from this KB folder. The stat signature decides
    when it matches and was taken well after the files' last writes (RACY_NS); otherwise the content hash
    does, and a match is remembered once it can be trusted."""
    kb, db = os.fspath(kb), os.fspath(db)
    meta = read_meta(db)
    return meta is not None and _fresh(kb, db, meta)


def _fresh(kb: str, db: str, meta: dict[str, str]) -> bool:
    if meta.get("store_version") != STORE_VERSION or meta.get("kb_path") != kb:
        return False
    checked = time.time_ns()
    try:
        signature, newest = _signature(kb, yaml_file_stats(kb))
        trusted_since = int(meta.get("checked_at") or 0) - RACY_NS
        if meta.get("stat_signature") == signature and newest < trusted_since:
            return True
        if meta.get("content_hash") != fingerprint(kb, unchanged_digests(kb, db, meta))[0]:
            return False
    except (OSError, ValueError):  # a file vanished while being read: the KB is changing, so build
        return False
    if newest < checked - RACY_NS:
        _remember_signature(db, meta, signature, checked)  # touched, unchanged: spare the next query the hash
    return True


def _remember_signature(db: str, meta: dict[str, str], signature: str, checked: int) -> None:
    """Record the KB's new stat signature in place, in one SQLite transaction, if `db` is still the build
    `meta` was read from (another process may have replaced it with another build meanwhile).

    The journal is kept in memory: a journal file beside `db` could be taken for a hot journal by a reader
    of a database this one replaced. A crash mid-update may damage the file, which is then rebuilt.
    Best effort: a read-only or busy database just means the next query hashes the KB again.
    """
    try:
        con = sqlite3.connect(db, timeout=0, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode=MEMORY")
            con.execute("BEGIN IMMEDIATE")
            now = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('content_hash', 'kb_path')"))
            if (now.get("content_hash"), now.get("kb_path")) == (meta.get("content_hash"), meta.get("kb_path")):
                con.execute("UPDATE meta SET value = ? WHERE key = 'stat_signature'", (signature,))
                con.execute("INSERT OR REPLACE INTO meta VALUES ('checked_at', ?)", (str(checked),))
            con.execute("COMMIT")
        finally:
            con.close()
    except sqlite3.Error:
        pass


def distrust(db: str | os.PathLike[str]) -> None:
    """`db` was found damaged while being read: the next `open_built` or `ensure_built` rebuilds it in full."""
    _DISTRUSTED.add(os.fspath(db))


def open_built(kb: str | os.PathLike[str], db: str | os.PathLike[str], as_of: str | None = None) -> Store:
    """A read-only connection to `db` as built from the KB's files as they are now, building it if needed.

    Freshness is judged from the meta table read through the very connection that will answer, so a
    database replaced meanwhile by another process (a build of another KB sharing the file, or an older
    build finishing late) is never the one answering.
    """
    from ipkb.read.query import Store

    kb, db = os.fspath(kb), os.fspath(db)
    built = ""  # content hash of the build made by this call: accepted without checking the files again
    for _ in range(5):
        if db in _DISTRUSTED:
            build(kb, db, full=True)
            _DISTRUSTED.discard(db)
            built = _BUILT.pop(db, "")
        store = None
        try:
            store = Store(db, as_of)
            meta: dict[str, str] | None = dict(store.con.execute("SELECT key, value FROM meta").fetchall())
        except (IpkbError, sqlite3.DatabaseError):
            meta = None
        just_built = meta is not None and (meta.get("kb_path"), meta.get("content_hash")) == (kb, built)
        if meta is not None and (just_built or _fresh(kb, db, meta)):
            assert store is not None
            if store.snapshot() == meta.get("content_hash"):  # no rebuild in place landed since it was judged
                return store
            store.close()
            continue
        if store is not None:
            store.close()
        build(kb, db)
        built = _BUILT.pop(db, "")
    raise IpkbError(
        f"the database {db} kept being replaced by other processes",
        hint="another ipkb may be using the same --db for another knowledge base; give each KB its own",
    )


def ensure_built(kb: str | os.PathLike[str], db: str | os.PathLike[str]) -> str:
    """Build the database if it is missing, stale, corrupt or distrusted; return its path."""
    kb, db = os.fspath(kb), os.fspath(db)
    if db in _DISTRUSTED:
        build(kb, db, full=True)
        _DISTRUSTED.discard(db)
    elif not is_fresh(kb, db):
        build(kb, db)
    return db


def build(kb: str | os.PathLike[str], db: str | os.PathLike[str], full: bool = False) -> list[Problem]:
    """Validate the KB and compile it into `db`. Raises InvalidKnowledgeBase on any error.

    Only files whose bytes changed since the last build are read again (ipkb.build.parts), unless `full`.
    A file vanishing mid-build (an editor replacing it) restarts it; a damaged old store makes it full.
    The cycle collector is paused: a build frees almost none of its millions of objects, so its passes
    (a third of a 10k build) find nothing."""
    import gc

    from ipkb.build.writer import Replaced

    kb, db = os.fspath(kb), os.fspath(db)
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(3):
            try:
                problems = _build(kb, db, full)
                prune_cache(kb, db)
                return problems
            except (FileNotFoundError, Replaced):  # a file, or the old store, changed under the build
                continue
            except DamagedStore:
                if full:
                    raise
                full = True
        raise IpkbError(
            f"the knowledge base {kb} kept changing while it was being compiled",
            hint="run the command again once the edits are saved",
        )
    finally:
        if enabled:
            gc.enable()


def _build(kb: str, db: str, full: bool) -> list[Problem]:
    from hashlib import sha256
    from pathlib import Path

    from ipkb.build.dbfile import can_update_in_place, check_replaceable, settle_journal, write_atomically
    from ipkb.build.inplace import Busy, update
    from ipkb.build.kb_checks import KbChecks
    from ipkb.build.parts import Part, Source, code_digest, part_key, read_bytes, read_parts
    from ipkb.build.schema import load_schema, schema_broken
    from ipkb.build.validate import as_shown, display_path, sort_problems, unread_problems
    from ipkb.build.writer import Replaced, StoreWriter

    folder, db_file = Path(kb), Path(db)  # the build side speaks pathlib
    check_replaceable(db_file, folder)  # before any work; again just before the rename
    settle_journal(db_file)
    checked = time.time_ns()  # before the stat: a file written after it has a newer mtime, or is racy
    listed, unread = scan_kb(kb)
    signature, _ = _signature(kb, listed + [(path, info) for path, info, *_ in unread if info is not None])
    files = [Path(path) for path, _ in listed]
    schema_bytes = read_bytes(files[0])
    file_digests = {files[0]: sha256(schema_bytes).hexdigest()}
    old_meta = None if full else read_meta(db)
    known = unchanged_digests(kb, db, old_meta) if old_meta else {}
    file_digests.update((path, known.get(path) or sha256(read_bytes(path)).hexdigest()) for path in files[1:])
    problems: list[Problem] = unread_problems(unread)
    schema_shown = display_path(files[0])
    schema = load_schema(files[0], schema_shown, problems, schema_bytes)
    if schema_broken(problems, schema_shown):  # records are not checked against a broken vocabulary
        raise InvalidKnowledgeBase(sort_problems(problems))
    schema_digest = sha256(f"{STORE_VERSION}\0{code_digest()}\0{file_digests[files[0]]}".encode()).hexdigest()
    sources = [
        Source(path, name, path.relative_to(folder).parts[0], part_key(schema_digest, name, file_digests[path]))
        for path in files[1:]
        for name in [f"{folder.name}/{path.relative_to(folder).as_posix()}"]
    ]
    base = len(problems)  # the folder's and the schema's; the files' problems follow
    keys = {} if full else _previous_parts(db, kb, schema_digest)
    todo = [s for s in sources if keys.get(s.name) != s.key]
    kept = {s.name for s in sources} - {s.name for s in todo}
    by_name = {s.name: s for s in sources}
    READ[db] = (len(todo), len(sources))
    clashes: list[sqlite3.IntegrityError] = []

    def write_fresh(out: StoreWriter, in_place: bool = False) -> dict[str, Part]:
        """Read the changed files and write each one's rows as it arrives; keep only their summaries.

        A row the store refuses (an id twice) is raised in place (a new store is built instead); in a new
        store it is remembered, and the rest is read for the checks to say where."""
        nonlocal signature
        fresh: dict[str, Part] = {}
        try:
            for part in read_parts(todo, schema):
                source = by_name[part.name]
                if part.digest != file_digests[source.path]:  # saved again since it was hashed
                    part.key = part_key(schema_digest, source.name, part.digest)
                    file_digests[source.path] = part.digest
                    signature = ""  # never matches: the next query compares contents
                if not clashes:
                    try:
                        out.add(part)
                    except sqlite3.IntegrityError as exc:
                        if in_place:
                            raise
                        clashes.append(exc)
                part.rows = part.batch = None  # written: the build keeps only its summary and problems
                fresh[part.name] = part
        except FileNotFoundError as exc:  # a file vanished under the build: start again
            raise Replaced(exc.filename) from exc
        return fresh

    def finished(found: list[Problem]) -> list[Problem]:
        """Every problem of the build; raises InvalidKnowledgeBase if one is an error."""
        problems.extend(found)
        if any(p.severity == "error" for p in problems):
            shown = {s.name: display_path(s.path) for s in sources}
            raise InvalidKnowledgeBase(sort_problems(as_shown(problems, shown)))
        meta.update(stat_signature=signature, content_hash=_combine(kb, file_digests, unread))
        return problems

    def fill(tmp: Path) -> None:
        """A new store: rows of the changed files as read, of the others copied from the last build's store;
        then the KB-wide checks, over every file's summary, decide whether it is finished or dropped."""
        out = StoreWriter.copied(tmp, db_file, keys, kept) if keys else StoreWriter.new(tmp, schema)
        try:
            stored, fresh = out.stored_parts(kept), write_fresh(out)
            out.index_meanwhile()  # while the checks below run
            parts = [fresh.get(s.name) or Part(s.name, *stored[s.name]) for s in sources]
            found = [p for part in parts for p in part.problems]
            unreadable = {p.name: p.unread for p in parts if p.unread is not None}
            found += KbChecks(schema, [(p.name, p.summary) for p in parts], unread=unreadable).run()
            finished(found)
            if clashes:  # a conflict the checks do not know of
                raise clashes[0]
            out.finish(problems, meta)
        finally:
            out.close()

    meta = {
        "store_version": STORE_VERSION,
        "checked_at": str(checked),
        "kb_path": kb,  # a query for another KB folder rebuilds, even with identical files
        "schema_digest": schema_digest,
        "made_by": "ipkb",
        "roles": schema.roles.to_json(),  # what the code relies on, by role (ipkb.roles), for queries
    }  # with stat_signature and content_hash (of the bytes the store was made from), once all are read
    if keys and can_update_in_place():
        try:
            update(db_file, schema, keys, kept, write_fresh, finished, meta, sources)
            _BUILT[db] = meta["content_hash"]
            return sort_problems(problems)
        except (Busy, sqlite3.IntegrityError):  # readers kept it busy, or an id twice: a new store says where
            del problems[base:]
            clashes.clear()
    write_atomically(db_file, folder, fill)
    _BUILT[db] = meta["content_hash"]
    return sort_problems(problems)


def _previous_parts(db: str, kb: str, schema_digest: str) -> dict[str, str]:
    """The part key of each file `db` was built from, if it can be rebuilt from it (else nothing)."""
    meta = read_meta(db) or {}
    if [meta.get(k) for k in ("store_version", "kb_path", "schema_digest")] != [STORE_VERSION, kb, schema_digest]:
        return {}
    return _pairs(db, "SELECT file, key FROM part") or {}
