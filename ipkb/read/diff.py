"""Compare two git revisions of a KB as facts, not as YAML lines."""

from __future__ import annotations

import json
import os
import subprocess
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ipkb.errors import InvalidKnowledgeBase, IpkbError, UsageError
from ipkb.model import EntityRecord, Fact, KnowledgeBase, RelationRecord
from ipkb.read.diff_fields import citations_change, cites, entity_fields, fact_fields, relation_fields

if TYPE_CHECKING:
    from ipkb.shapes import EntityRef
    from ipkb.shapes_diff import (
        ChangedEntity,
        ChangedFact,
        ChangedRelation,
        Changes,
        CitationChange,
        Diff,
        FactChange,
        RelationChange,
        Renamed,
    )

WORKTREE = "WORKTREE"


def _git(repo: Path, *args: str) -> bytes:
    """git's output; its messages in English (LC_ALL=C), so that the reason of a failure can be recognised."""
    try:
        env = {**os.environ, "LC_ALL": "C"}
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True, env=env).stdout
    except FileNotFoundError as exc:
        raise IpkbError("git is not installed", hint="ipkb diff reads revisions with git") from exc
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode(errors="replace").strip().splitlines()
        raise IpkbError(
            f"git {' '.join(args[:2])} failed: {message[-1] if message else exc.returncode}",
            hint="name a revision git knows, e.g. HEAD~1, a tag or a commit",
        ) from exc


def _check_revision(revision: str) -> None:
    """Nothing the user typed reaches git as an option: `--output=FILE` would make `git archive` truncate FILE,
    so a revision starting with a dash is a usage error (checked before git is asked anything)."""
    if revision.startswith("-") or not revision.strip():
        raise UsageError(
            f"{revision!r} is not a revision",
            hint="name a commit, a tag or a branch, e.g. HEAD~1; a revision never starts with a dash",
        )


def _commit(repo: Path, revision: str) -> str:
    """The commit id `revision` names, checked as a commit and passed on only as its id, after --end-of-options."""
    _check_revision(revision)
    try:
        out = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    except IpkbError as exc:
        raise IpkbError(
            f"{revision!r} is not a commit in {repo}",
            hint="name a revision git knows, e.g. HEAD~1, a tag or a commit",
        ) from exc
    return out.decode().strip()


def _toplevel(kb: Path) -> Path:
    """The top folder of the git work tree that holds the KB folder; a clear error when there is none."""
    if not kb.is_dir():
        raise IpkbError(f"no knowledge base folder at {kb}", hint="name the KB folder with --kb DIR")
    try:
        out = subprocess.run(
            ["git", "-C", str(kb), "rev-parse", "--show-toplevel"],
            capture_output=True,
            env={**os.environ, "LC_ALL": "C"},
        )
    except FileNotFoundError as exc:
        raise IpkbError("git is not installed", hint="ipkb diff reads revisions with git") from exc
    if out.returncode == 0 and out.stdout.strip():
        return Path(out.stdout.decode().strip())
    reason = out.stderr.decode(errors="replace").strip().splitlines()
    if out.returncode == 0:  # inside a .git folder or a bare repository: no work tree
        reason = ["it is in no work tree"]
    elif any("not a git repository" in line for line in reason):
        raise IpkbError(
            f"the KB folder {kb} is not in a git repository",
            hint="ipkb diff compares revisions of a KB folder kept in git (git init, git add, git commit)",
        )
    raise IpkbError(
        f"git cannot read the repository of the KB folder {kb}: {reason[-1] if reason else out.returncode}",
        hint="run git status there to see why",
    )


def _read_revision(kb: Path, revision: str) -> KnowledgeBase:
    from ipkb.build.validate import validate_folder

    if revision == WORKTREE:
        _, knowledge, problems = validate_folder(kb)
    else:
        top = _toplevel(kb)
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


def _relation_key(r: RelationRecord) -> str:
    return f"{r.source_id} -{r.type}-> {r.target_id} {json.dumps(r.qualifiers, sort_keys=True, ensure_ascii=False)}"


def _fact_key(f: Fact) -> str:
    return f"{f.entity} {f.metric} {f.period} {f.kind} {json.dumps(f.scope, sort_keys=True, ensure_ascii=False)}"


def _entity(e: EntityRecord) -> EntityRef:
    return {"id": e.id, "type": e.type, "name": e.name, "zh": e.zh}


def _relation(r: RelationRecord) -> RelationChange:
    return {
        "from": r.source_id,
        "type": r.type,
        "to": r.target_id,
        "qualifiers": r.qualifiers,
        "sources": cites(r.sources),
    }


def _fact(f: Fact) -> FactChange:
    return {
        "entity": f.entity,
        "metric": f.metric,
        "period": f.period,
        "kind": f.kind,
        "scope": f.scope,
        "value": f.value,
        "bound": f.bound,
        "unit": f.unit,
        "sources": cites(f.sources),
    }


def _citations(kind: Literal["entity", "relation", "fact"], what: str, old: Any, new: Any) -> CitationChange | None:
    change = citations_change(old.sources, new.sources)
    if change is None:
        return None
    return {"what": what, "kind": kind, "from": cites(old.sources), "to": cites(new.sources), **change}


def diff_knowledge(old: KnowledgeBase, new: KnowledgeBase) -> Changes:
    """Entities added, removed and changed (field by field; `renamed`: those whose names changed); relations
    added, removed and changed (the same ends, type and qualifiers, another note, confidence or citations);
    facts added, removed and changed; and every record whose citations changed."""
    both = sorted(set(old.entities) & set(new.entities))
    entity_changes = {i: entity_fields(old.entities[i], new.entities[i]) for i in both}
    changed: list[ChangedEntity] = [
        {**_entity(new.entities[i]), "fields": fields} for i, fields in entity_changes.items() if fields
    ]
    renamed: list[Renamed] = [
        {
            "id": i,
            "from": {"name": old.entities[i].name, "zh": old.entities[i].zh},
            "to": {"name": new.entities[i].name, "zh": new.entities[i].zh},
        }
        for i, fields in entity_changes.items()
        if "name" in fields or "zh" in fields
    ]
    old_rel = {_relation_key(r): r for r in old.relations}
    new_rel = {_relation_key(r): r for r in new.relations}
    old_fact = {_fact_key(f): f for f in old.facts}
    new_fact = {_fact_key(f): f for f in new.facts}
    relation_changes = {k: relation_fields(old_rel[k], new_rel[k]) for k in sorted(set(old_rel) & set(new_rel))}
    fact_changes = {k: fact_fields(old_fact[k], new_fact[k]) for k in sorted(set(old_fact) & set(new_fact))}
    relations_changed: list[ChangedRelation] = [
        {**_relation(new_rel[k]), "fields": fields} for k, fields in relation_changes.items() if fields
    ]
    facts_changed: list[ChangedFact] = [
        {**_fact(new_fact[k]), "old_value": old_fact[k].value, "old_unit": old_fact[k].unit, "fields": fields}
        for k, fields in fact_changes.items()
        if fields
    ]
    citations = [
        *(_citations("entity", i, old.entities[i], new.entities[i]) for i in entity_changes),
        *(_citations("relation", k, old_rel[k], new_rel[k]) for k in relation_changes),
        *(_citations("fact", k, old_fact[k], new_fact[k]) for k in fact_changes),
    ]
    return {
        "entities": {
            "added": [_entity(new.entities[i]) for i in sorted(set(new.entities) - set(old.entities))],
            "removed": [_entity(old.entities[i]) for i in sorted(set(old.entities) - set(new.entities))],
            "renamed": renamed,
            "changed": changed,
        },
        "relations": {
            "added": [_relation(new_rel[k]) for k in sorted(set(new_rel) - set(old_rel))],
            "removed": [_relation(old_rel[k]) for k in sorted(set(old_rel) - set(new_rel))],
            "changed": relations_changed,
        },
        "facts": {
            "added": [_fact(new_fact[k]) for k in sorted(set(new_fact) - set(old_fact))],
            "removed": [_fact(old_fact[k]) for k in sorted(set(old_fact) - set(new_fact))],
            "changed": facts_changed,
        },
        "citations_changed": [c for c in citations if c is not None],
    }


def diff_revisions(kb: Path, old: str, new: str = WORKTREE) -> Diff:
    for revision in (old, new):
        if revision != WORKTREE:
            _check_revision(revision)
    return {"from": old, "to": new, **diff_knowledge(_read_revision(kb, old), _read_revision(kb, new))}
