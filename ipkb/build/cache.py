"""Housekeeping of ipkb's cache folder: a store whose KB folder no longer exists is deleted.

Each KB folder gets its own store in the cache (`<kb>-<hash>.sqlite`, ipkb.paths.default_db), so a user who
tries KBs in scratch folders, or moves one, would collect stores nothing reads again. After a build into the
cache folder, the stores there whose `kb_path` is gone are removed: only files that carry ipkb's mark
(ipkb.build.dbfile), never a symbolic link, never one touched in the last day (a KB folder that is only
briefly absent, say during a checkout, keeps its store), and never the store just built.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

ORPHAN_AGE_S = 24 * 3600


def prune_cache(kb: str, db: str) -> list[Path]:
    """After `db` was built for `kb`: when it lies in the default cache folder, delete the stores there whose
    KB folder is gone. Returns what was deleted; a store that cannot be read or deleted is left alone."""
    from pathlib import Path

    from ipkb.paths import default_db

    if os.path.dirname(db) != os.path.dirname(default_db(kb)):
        return []
    return prune_orphans(Path(db).parent, keep=Path(db), now=time.time())


def prune_orphans(folder: Path, keep: Path, now: float) -> list[Path]:
    from pathlib import Path

    from ipkb.build.dbfile import built_from

    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.endswith(".sqlite") or entry.name == keep.name:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < ORPHAN_AGE_S:
            continue
        kb_path = built_from(Path(entry.path))
        if kb_path is None or os.path.isdir(kb_path):
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
        with contextlib.suppress(OSError):  # the journal of a rebuild that never finished belongs to the store
            os.unlink(entry.path + "-journal")
    return removed
