"""Compare two git revisions of a KB as facts, not as YAML lines."""

from __future__ import annotations

import json
import subprocess
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from ipkb.errors import InvalidKnowledgeBase, IpkbError, UsageError
from ipkb.model import Citation, EntityRecord, Fact, KnowledgeBase, RelationRecord

if TYPE_CHECKING:
    from ipkb.shapes import Changes, CitationChange, Diff, EntityRef, FactChange, RelationChange, Renamed
    from ipkb.shapes import Citation as CitationView

WORKTREE = "WORKTREE"


def _git(repo: Path, *args: str) -> bytes:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True).stdout
    except FileNotFoundError as exc:
        raise IpkbError("git is not installed", hint="ipkb diff reads revisions with git") from exc
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode(errors="replace").strip().splitlines()
        raise IpkbError(
            f"git {' '.join(args[:2])} failed: {message[-1] if message else exc.returncode}",
            hint="name a revision git knows, e.g. HEAD~1, a tag or a commit",
        ) from exc


def _commit(repo: Path, revision: str) -> str:
    """The commit id `revision` names. Nothing the user typed reaches git as an option: `--output=FILE`
    would make `git archive` truncate FILE, so a revision starting with a dash is a usage error, and the
    revision is checked as a commit and passed on only as its id, after --end-of-options."""
    if revision.startswith("-") or not revision.strip():
        raise UsageError(
            f"{revision!r} is not a revision",
            hint="name a commit, a tag or a branch, e.g. HEAD~1; a revision never starts with a dash",
        )
    try:
        out = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    except IpkbError as exc:
        raise IpkbError(
            f"{revision!r} is not a commit in {repo}",
            hint="name a revision git knows, e.g. HEAD~1, a tag or a commit",
        ) from exc
    return out.decode().strip()


def _read_revision(kb: Path, revision: str) -> KnowledgeBase:
    from ipkb.build.validate import validate_folder

    if revision == WORKTREE:
        _, knowledge, problems = validate_folder(kb)
    else:
        top = Path(_git(kb, "rev-parse", "--show-toplevel").decode().strip())
        inside = kb.resolve().relative_to(top.resolve())
        commit = _commit(top, revision)
        # after --end-of-options, git archive takes a following "--" as a path: none is given
        archive = _git(top, "archive", "--format=tar", "--end-of-options", commit, str(inside))
        with tempfile.TemporaryDirectory() as tmp:
            with tarfile.open(fileobj=BytesIO(archive)) as tar:
                tar.extractall(tmp, filter="data")
            folder = Path(tmp) / inside
            if not (folder / "schema.yaml").is_file():
                raise IpkbError(f"{revision} has no knowledge base at {inside}")
            _, knowledge, problems = validate_folder(folder, base=Path(tmp))
    if any(p.severity == "error" for p in problems):
        raise InvalidKnowledgeBase(problems)
    return knowledge


def _cites(citations: tuple[Citation, ...]) -> list[CitationView]:
    return [c.as_dict() for c in citations]


def _relation_key(r: RelationRecord) -> str:
    return f"{r.source_id} -{r.type}-> {r.target_id} {json.dumps(r.qualifiers, sort_keys=True, ensure_ascii=False)}"


def _fact_key(f: Fact) -> str:
    return f"{f.entity} {f.metric} {f.period} {f.kind} {json.dumps(f.scope, sort_keys=True, ensure_ascii=False)}"


def _entity(e: EntityRecord) -> EntityRef:
    return {"id": e.id, "type": e.type, "name": e.name, "zh": e.zh}


def diff_knowledge(old: KnowledgeBase, new: KnowledgeBase) -> Changes:
    """Entities added, removed and renamed; relations added and removed; facts changed; citations changed."""
    added = sorted(set(new.entities) - set(old.entities))
    removed = sorted(set(old.entities) - set(new.entities))
    renamed: list[Renamed] = [
        {
            "id": i,
            "from": {"name": old.entities[i].name, "zh": old.entities[i].zh},
            "to": {"name": new.entities[i].name, "zh": new.entities[i].zh},
        }
        for i in sorted(set(old.entities) & set(new.entities))
        if (old.entities[i].name, old.entities[i].zh) != (new.entities[i].name, new.entities[i].zh)
    ]
    old_rel = {_relation_key(r): r for r in old.relations}
    new_rel = {_relation_key(r): r for r in new.relations}
    old_fact = {_fact_key(f): f for f in old.facts}
    new_fact = {_fact_key(f): f for f in new.facts}

    def relation(r: RelationRecord) -> RelationChange:
        return {
            "from": r.source_id,
            "type": r.type,
            "to": r.target_id,
            "qualifiers": r.qualifiers,
            "sources": _cites(r.sources),
        }

    def fact(f: Fact) -> FactChange:
        return {
            "entity": f.entity,
            "metric": f.metric,
            "period": f.period,
            "kind": f.kind,
            "scope": f.scope,
            "value": f.value,
            "unit": f.unit,
            "sources": _cites(f.sources),
        }

    citations_changed: list[CitationChange] = []
    for before, after in ((old_rel, new_rel), (old_fact, new_fact)):
        for key in sorted(set(before) & set(after)):
            was, now = _cites(before[key].sources), _cites(after[key].sources)
            if was != now:
                citations_changed.append({"what": key, "from": was, "to": now})
    return {
        "entities": {
            "added": [_entity(new.entities[i]) for i in added],
            "removed": [_entity(old.entities[i]) for i in removed],
            "renamed": renamed,
        },
        "relations": {
            "added": [relation(new_rel[k]) for k in sorted(set(new_rel) - set(old_rel))],
            "removed": [relation(old_rel[k]) for k in sorted(set(old_rel) - set(new_rel))],
        },
        "facts": {
            "added": [fact(new_fact[k]) for k in sorted(set(new_fact) - set(old_fact))],
            "removed": [fact(old_fact[k]) for k in sorted(set(old_fact) - set(new_fact))],
            "changed": [
                {**fact(new_fact[k]), "old_value": old_fact[k].value, "old_unit": old_fact[k].unit}
                for k in sorted(set(old_fact) & set(new_fact))
                if (old_fact[k].value, old_fact[k].unit) != (new_fact[k].value, new_fact[k].unit)
            ],
        },
        "citations_changed": citations_changed,
    }


def diff_revisions(kb: Path, old: str, new: str = WORKTREE) -> Diff:
    return {"from": old, "to": new, **diff_knowledge(_read_revision(kb, old), _read_revision(kb, new))}
