"""Reading a KB folder and checking it whole: schema.yaml and every record file -> typed KB + problems.

The checks themselves are in `record_checks` (one record at a time) and `kb_checks` (across files).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ipkb.build.kb_checks import KbChecks
from ipkb.build.load import Mapping
from ipkb.build.parts import to_rows
from ipkb.build.record_checks import FileRecords, check_file
from ipkb.build.schema import Schema
from ipkb.build.summary import Summary, summarize
from ipkb.model import KnowledgeBase, Problem
from ipkb.paths import Unread, printable_path


@dataclass
class RawRecords:
    """Records read from the KB folder, by the folder they came from."""

    entities: list[tuple[str, Mapping]]
    relations: list[tuple[str, Mapping]]
    facts: list[tuple[str, Mapping]]


def merge(parts: list[FileRecords]) -> KnowledgeBase:
    """One KnowledgeBase from the files' records; of two entities with one id, the first is kept."""
    kb = KnowledgeBase()
    for part in parts:
        for entity in part.entities:
            kb.entities.setdefault(entity.id, entity)
        kb.relations += part.relations
        kb.facts += part.facts
    return kb


def validate(
    schema: Schema, raw: RawRecords, problems: list[Problem] | None = None
) -> tuple[KnowledgeBase, list[Problem]]:
    """Check every record; return the typed KB and all problems (errors and warnings)."""
    found = list(problems or [])
    parts: list[FileRecords] = []
    summaries: list[tuple[str, Summary]] = []
    for folder, pairs in (("entities", raw.entities), ("relations", raw.relations), ("facts", raw.facts)):
        by_file: dict[str, list[Mapping]] = {}
        for file, record in pairs:
            by_file.setdefault(file, []).append(record)
        for file, records in by_file.items():
            part, local = check_file(schema, folder, file, records)
            parts.append(part)
            summaries.append((file, summarize(part, to_rows(part, schema, names=False), schema.roles)))
            found += local
    with_records = {file for pairs in (raw.entities, raw.relations, raw.facts) for file, _ in pairs}
    unread: dict[str, int] = {}  # files read for records none of which could be read: see KbChecks
    for problem in found:
        if problem.severity == "error" and problem.file not in with_records:
            unread[problem.file] = min(problem.line, unread.get(problem.file, problem.line))
    found += KbChecks(schema, summaries, unread=unread).run()
    return merge(parts), found


def display_path(path: Path, base: Path | None = None) -> str:
    """A path as messages show it: relative to `base` (default: the working folder) when inside it."""
    try:
        return str(path.resolve().relative_to((base or Path.cwd()).resolve()))
    except ValueError:
        return str(path)


def as_shown(problems: list[Problem], shown: dict[str, str]) -> list[Problem]:
    """Problems with the files a build knows by name (kb/entities/x.yaml) as `shown` (display_path), also
    where a message names one: "first defined at kb/entities/x.yaml:3"."""
    import re
    from dataclasses import replace

    def paths(text: str) -> str:
        return re.sub(r"\S+\.ya?ml(?=:\d)", lambda m: shown.get(m[0], m[0]), text)

    return [
        replace(p, file=shown.get(p.file, p.file), message=paths(p.message), hint=p.hint and paths(p.hint))
        for p in problems
    ]


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Errors first, then by file and line."""
    return sorted(problems, key=lambda p: (p.severity != "error", p.file, p.line))


def unread_problems(unread: list[Unread], base: Path | None = None) -> list[Problem]:
    """The entries of the KB folder that are not read, as problems naming each (the link, not its target)."""
    out = []
    for path, _, message, hint, severity in unread:
        folder, name = os.path.split(path)
        shown = printable_path(os.path.join(display_path(Path(folder), base), name))
        out.append(Problem(shown, 1, message, hint, "warning" if severity == "warning" else "error"))
    return out


def read_folder(kb: Path, base: Path | None = None) -> tuple[Schema, RawRecords, list[Problem]]:
    """Parse schema.yaml and every record file of a KB folder."""
    from ipkb.build.load import read_records
    from ipkb.build.schema import load_schema, schema_broken
    from ipkb.paths import scan_kb

    files, unread = scan_kb(kb)
    problems = unread_problems(unread, base)
    schema_path = Path(files[0][0])
    schema = load_schema(schema_path, display_path(schema_path, base), problems)
    raw = RawRecords([], [], [])
    if schema_broken(problems, display_path(schema_path, base)):
        return schema, raw, problems
    buckets = {"entities": raw.entities, "relations": raw.relations, "facts": raw.facts}
    for path in (Path(name) for name, _ in files[1:]):
        shown = display_path(path, base)
        folder = path.relative_to(kb).parts[0]
        buckets[folder].extend((shown, record) for record in read_records(path, shown, problems))
    return schema, raw, problems


def validate_folder(kb: Path, base: Path | None = None) -> tuple[Schema, KnowledgeBase, list[Problem]]:
    """Read and check a KB folder; file names in problems are relative to `base` (default: cwd)."""
    schema, raw, problems = read_folder(kb, base)
    knowledge, problems = validate(schema, raw, problems)
    return schema, knowledge, sort_problems(problems)
