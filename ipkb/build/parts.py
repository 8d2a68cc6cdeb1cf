"""One record file's share of the compiled store, worked out from that file alone.

Because a part depends on nothing but its file (and the schema), files can be read on several cores, and
a rebuild re-reads only the files whose bytes changed: the store keeps each part's key and summary, which
is all the KB-wide checks need of an unchanged file.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from dataclasses import fields as attributes_of
from operator import attrgetter
from pathlib import Path
from typing import Any

from ipkb.build.batch import Batch
from ipkb.build.record_checks import FileRecords, check_file
from ipkb.build.schema import Schema
from ipkb.build.summary import Summary, summarize
from ipkb.errors import IpkbError
from ipkb.model import EntityRecord, FormerName, Problem

# One encoder for every row's JSON: json.dumps with options other than its defaults makes one per call.
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
# What _JSON writes for an empty dict or list: its own strings (interned), so that a summary's marshal is the same.
_EMPTY_JSON: dict[type, str] = {dict: _JSON.encode({}), list: _JSON.encode([])}
PARALLEL_BYTES = 4 * 2**20  # below this a KB is read in-process: starting workers costs more than it saves


@dataclass(frozen=True)
class Source:
    """A record file to read: where it is, the name the store gives it, its folder and its part key."""

    path: Path
    name: str  # relative to the KB's parent, e.g. kb/entities/places.yaml
    folder: str  # entities | relations | facts
    key: str


Row = dict[str, Any]  # column name -> value, for the table of the same name in ipkb.build.tables

# The `entity` columns that hold the EntityRecord attribute of their name as it is: every attribute but those
# converted in to_rows (pinyin, derived if not given; JSON; position's line) or kept in other rows (aliases in
# `name`, sources in `citation`, since and until in `fields`). So a plain new column needs no line here, only its
# attribute and its column (tests/test_store.py checks that an entity row has the table's columns, no others).
CONVERTED = ("pinyin", "attributes", "fields", "former_names", "position", "aliases", "sources", "since", "until")
AS_IS = tuple(a.name for a in attributes_of(EntityRecord) if a.name not in CONVERTED)
_as_is = attrgetter(*AS_IS)


@dataclass
class Rows:
    """The rows a part adds to the store, in file order, each keyed by its table's column names.

    The writer adds what only it knows (`rowid`, `file`, the owner of a name or citation): a citation's
    `owner` here is the index of its entity, relation or fact in this part.
    """

    entities: list[Row] = field(default_factory=list)
    names: list[list[Row]] = field(default_factory=list)  # per entity: text, folded, kind
    relations: list[Row] = field(default_factory=list)
    facts: list[Row] = field(default_factory=list)
    citations: list[Row] = field(default_factory=list)
    relation_texts: list[str | None] = field(default_factory=list)  # per relation: its text qualifiers, or None


@dataclass
class Part:
    name: str
    key: str
    summary: Summary
    problems: list[Problem]
    rows: Rows | None = None  # None for a part read back from the store (its rows are already there)
    digest: str = ""  # SHA-256 of the bytes parsed (store.build compares it with the bytes it hashed)
    batch: Batch | None = None  # its rows as the writer takes them (made in the worker that read the file)

    @property
    def unread(self) -> int | None:
        """The line of the first error, if errors kept every record of the file out (a YAML syntax error)."""
        if any(self.summary[:3]):
            return None
        return min((p.line for p in self.problems if p.severity == "error"), default=None)


# What turns YAML into rows and problems, besides ipkb/build itself: its digest is in every part's key.
BUILD_MODULES = ("model.py", "roles.py", "suggest.py", "text.py", "timeframe.py")


@functools.cache
def code_digest() -> str:
    """SHA-256 of ipkb's code that reads, checks and shapes records (ipkb/build and BUILD_MODULES). It goes
    into every part's key, so a build by changed code (a new validation rule, another pinyin reading) reads
    every file again instead of keeping the rows and problems the old code made of the unchanged ones."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.joinpath("build").glob("*.py")) + [package / name for name in BUILD_MODULES]:
        digest.update(f"{path.name}\0".encode())
        try:
            digest.update(path.read_bytes())
        except OSError:  # not installed as files (a zip): the installed version stands for the code
            from importlib.metadata import version

            digest.update(version("ipkb").encode())
    return digest.hexdigest()


def part_key(schema_digest: str, name: str, content_digest: str) -> str:
    return hashlib.sha256(f"{schema_digest}\0{name}\0{content_digest}".encode()).hexdigest()


def read_bytes(path: Path) -> bytes:
    """A record file's bytes; a file gone meanwhile raises FileNotFoundError (the build starts again)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise IpkbError(f"cannot read {path}: {exc.strerror}", hint="check the file's permissions") from exc


def read_part(source: Source, schema: Schema) -> Part:
    from ipkb.build.load import read_records

    problems: list[Problem] = []
    data = source.path.read_bytes()  # read once: the part is made of exactly the bytes its digest names
    records = read_records(source.path, source.name, problems, data, fast=True)
    typed, local = check_file(schema, source.folder, source.name, records)
    if problems or local:  # reported the careful way, so that each message is exactly what validate says
        problems = []
        records = read_records(source.path, source.name, problems, data)
        typed, local = check_file(schema, source.folder, source.name, records)
    digest = hashlib.sha256(data).hexdigest()
    rows = to_rows(typed, schema)
    return Part(source.name, source.key, summarize(typed, rows, schema.roles), problems + local, rows, digest)


def former_row(former: FormerName) -> dict[str, Any]:
    cites = [{"source": c.source, "quote": c.quote, "via": c.via} for c in former.sources]
    return {"name": former.name, "zh": former.zh, "until": former.until, "sources": cites}


def to_rows(records: FileRecords, schema: Schema, names: bool = True) -> Rows:
    """The rows a file adds to the store; without `names`, no derived pinyin and no rows of the name table
    (what the KB-wide checks read of rows needs neither, and pypinyin costs `validate` 0.3 s to load)."""
    from ipkb.build.derive import name_rows, pinyin_of
    from ipkb.text import has_han, may_be_traditional, simplified

    encode = _JSON.encode

    def js(value: Any) -> str:
        """What json.dumps(value, ensure_ascii=False, sort_keys=True) gives; most attributes, fields, qualifiers,
        scopes and former names are empty, written without the encoder (0.9 µs a call)."""
        if not value and type(value) in _EMPTY_JSON:
            return _EMPTY_JSON[type(value)]
        return encode(value)

    def line(position: Any) -> int:
        return position.line if position else 0

    def cited(kind: str, index: int, sources: Any) -> list[Row]:
        return [
            {"owner_kind": kind, "owner": index, "source_id": c.source, "quote": c.quote, "via": c.via, "ordinal": i}
            for i, c in enumerate(sources)
        ]

    rows = Rows()
    for index, e in enumerate(records.entities):
        pinyin = e.pinyin
        if names and e.zh and not pinyin:
            pinyin = pinyin_of(e.zh, schema.roles.pinyin.get(e.type))
        dated = {k: v for k, v in (("since", e.since), ("until", e.until)) if v}
        rows.entities.append(
            dict(
                zip(AS_IS, _as_is(e), strict=True),
                pinyin=pinyin,
                pinyin_given=bool(e.pinyin),
                attributes=js(e.attributes),
                fields=js({**e.fields, **dated}),
                former_names=js([former_row(f) for f in e.former_names]),
                line=line(e.position),
            )
        )
        if names:  # a Chinese alias is found by its pinyin too (`search baohu zhongxin dalian`)
            style = schema.roles.pinyin.get(e.type)
            spoken = [pinyin_of(a, style) for a in e.aliases if a != e.zh and has_han(a)]
            # and one in traditional characters by its simplified form (曹縣知識產權… by 知识产权)
            simple = [simplified(a) for a in e.aliases if may_be_traditional(a)]
            rows.names.append(name_rows(e, pinyin, e.type in schema.roles.places, spoken, simple))
        rows.citations += cited("entity", index, e.sources)
    for index, r in enumerate(records.relations):
        rows.relations.append(
            {
                "source_id": r.source_id,
                "type": r.type,
                "target_id": r.target_id,
                "qualifiers": js(r.qualifiers),
                "confidence": r.confidence,
                "note": r.note,
                "line": line(r.position),
            }
        )
        # in the order of the row's JSON (keys sorted), without reading it back
        texts = [v for _, v in sorted(r.qualifiers.items()) if isinstance(v, str)] if r.qualifiers else []
        rows.relation_texts.append(" | ".join(texts) if texts else None)
        rows.citations += cited("relation", index, r.sources)
    for index, f in enumerate(records.facts):
        rows.facts.append(
            {
                "entity_id": f.entity,
                "metric": f.metric,
                "value": js(f.value),
                "bound": f.bound,
                "unit": f.unit,
                "period": f.period,
                "kind": f.kind,
                "scope": js(f.scope),
                "confidence": f.confidence,
                "note": f.note,
                "conflict": f.conflict,
                "line": line(f.position),
            }
        )
        rows.citations += cited("fact", index, f.sources)
    return rows


def jobs(sources: list[Source]) -> int:
    """How many processes read the files: $IPKB_JOBS if set, else one per core for a large KB."""
    chosen = os.environ.get("IPKB_JOBS", "")
    if chosen.isdigit() and int(chosen) > 0:
        return int(chosen)
    if sum(s.path.stat().st_size for s in sources) < PARALLEL_BYTES:
        return 1
    return max(1, min(len(sources), os.cpu_count() or 1))


_worker_schema: Schema | None = None


def _start_worker(schema: Schema, parent: int) -> None:
    import gc

    global _worker_schema
    _die_with(parent)
    gc.disable()  # see store.build: a worker, too, allocates much and frees little
    _worker_schema = schema


def _die_with(parent: int) -> None:
    """End this worker when its parent dies, even by SIGKILL: an orphan would keep the caller's pipes open.

    Linux: PR_SET_PDEATHSIG. Elsewhere: a thread that watches the parent process id.
    """
    import signal
    import sys

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # 1 = PR_SET_PDEATHSIG
                if os.getppid() != parent:  # the parent died before the request took effect
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _read_in_worker(source: Source) -> Part:
    """A part as the writer takes it: its Batch, made here rather than in the one process that writes, and
    not its Rows, which would cost that process more to receive."""
    assert _worker_schema is not None
    part = read_part(source, _worker_schema)
    assert part.rows is not None
    part.batch, part.rows = Batch.of(part.rows, part.name), None
    return part


def read_parts(sources: list[Source], schema: Schema) -> Iterator[Part]:
    """The parts of `sources`, in their order, each as soon as it is read; on several cores when the files
    are many and large."""
    workers = jobs(sources)
    if workers <= 1:
        yield from (read_part(s, schema) for s in sources)
        return
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    # A few files ahead of the writer, not all: parts waiting to be written are what a build holds in memory.
    ahead = 2 * workers + 2
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(schema, os.getpid())) as pool:
        waiting: deque[Future[Part]] = deque()
        try:
            for source in sources:
                waiting.append(pool.submit(_read_in_worker, source))
                if len(waiting) >= ahead:
                    yield waiting.popleft().result()
            while waiting:
                yield waiting.popleft().result()
        finally:  # the build stopped early (a vanished file, an error): read nothing more
            for future in waiting:
                future.cancel()
