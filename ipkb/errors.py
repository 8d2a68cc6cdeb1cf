"""Typed errors of the core. The CLI renders them once, in `ipkb.cli.main`."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

from ipkb.text import counted

if TYPE_CHECKING:
    from ipkb.model import Problem


class ExitCode(IntEnum):
    OK = 0
    DATA = 1  # a bad KB, a failed lookup, no path, an unwritable target
    USAGE = 2  # a bad option or argument


class IpkbError(Exception):
    """Base of every error ipkb reports to a user."""

    exit_code: ExitCode = ExitCode.DATA

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(IpkbError):
    exit_code = ExitCode.USAGE


class InvalidKnowledgeBase(IpkbError):
    """The KB has validation errors; queries refuse to answer from it."""

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(
            f"the knowledge base has {counted(len(errors), 'error')}",
            hint="fix them, then run `ipkb validate` to check",
        )
        self.problems = problems


class KbNotFound(IpkbError):
    pass


class EntityNotFound(IpkbError):
    """No entity has this id or name. `suggestions` are for people, as the hint shows them: `id (name)`,
    closest first (`suzhou-jiangsu (Suzhou)`); `suggested_ids` are the same entities' ids, in the same order,
    for a program to pass back to `KB.show` and the rest."""

    def __init__(self, query: str, suggestions: list[str], suggested_ids: list[str] | None = None) -> None:
        hint = "did you mean: " + ", ".join(suggestions) if suggestions else "no similar name; try `ipkb search`"
        super().__init__(f"no entity matches {query!r}", hint=hint)
        self.query = query
        self.suggestions = suggestions
        self.suggested_ids = suggested_ids if suggested_ids is not None else [s.split(" ")[0] for s in suggestions]


class AmbiguousEntity(IpkbError):
    def __init__(self, query: str, candidates: list[str]) -> None:
        super().__init__(
            f"{query!r} matches {len(candidates)} entities",
            hint="use one of the ids: " + ", ".join(candidates),
        )
        self.query = query
        self.candidates = candidates


class NoPath(IpkbError):
    pass


class ExportError(IpkbError):
    pass


class DamagedStore(IpkbError):
    """The compiled database turned out damaged while being read: `cli.main` rebuilds it and runs once more."""

    def __init__(self, db: object, detail: str) -> None:
        super().__init__(
            f"the database {db} is damaged ({detail})",
            hint="ipkb rebuilds it by itself; if this message persists, delete the file",
        )
        self.db = db

    @staticmethod
    def means(exc: Exception) -> bool:
        """Whether a sqlite3 error says the file is damaged (a malformed page, not a database at all)."""
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int):
            return code & 0xFF in (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB
        return "malformed" in str(exc) or "not a database" in str(exc)
