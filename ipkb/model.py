"""Plain records shared by every layer (no third-party imports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ipkb.shapes import Attributes, ProblemView, Qualifiers
    from ipkb.shapes import Citation as CitationView

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Position:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    hint: str | None = None
    severity: Severity = "error"

    def as_dict(self) -> ProblemView:
        out: ProblemView = {"file": self.file, "line": self.line, "message": self.message}
        if self.hint:
            out["hint"] = self.hint
        return out


@dataclass(frozen=True)
class Citation:
    source: str
    quote: str | None = None
    via: str | None = None
    position: Position | None = None

    def as_dict(self) -> CitationView:
        out: CitationView = {"source": self.source, "quote": self.quote}
        if self.via:
            out["via"] = self.via
        return out


@dataclass(frozen=True)
class Fact:
    entity: str
    metric: str
    value: Any
    unit: str | None
    period: str | None
    kind: str = "actual"
    scope: Qualifiers = field(default_factory=dict)
    confidence: str = "seen"
    note: str | None = None
    sources: tuple[Citation, ...] = ()
    position: Position | None = None
    conflict: bool = False  # known to disagree with another fact of the same key; its note says why both are kept
    bound: str | None = None  # the value is a bound, not exact: "more than 600" (ipkb.figures)


@dataclass(frozen=True)
class FormerName:
    """A name an entity had until a date (e.g. SIPO, until CNIPA's renaming in 2018)."""

    name: str
    until: str
    zh: str | None = None
    sources: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class EntityRecord:
    id: str
    type: str
    name: str
    zh: str | None = None
    pinyin: str | None = None
    aliases: tuple[str, ...] = ()
    description: str | None = None
    attributes: Attributes = field(default_factory=dict)
    fields: Attributes = field(default_factory=dict)
    confidence: str = "seen"
    note: str | None = None
    sources: tuple[Citation, ...] = ()
    position: Position | None = None
    since: str | None = None  # lifespan: when the entity came into being (ISO date text), if known
    until: str | None = None  # and when it ceased to be
    former_names: tuple[FormerName, ...] = ()  # the names it had until a date, oldest first


# EntityRecord's plain texts: each is read from the entity's YAML key of its name and checked as text
# (ipkb.build.record_checks), and kept as it is in the `entity` column of its name (ipkb.build.parts; pinyin is
# derived from zh when not given). A new one is its attribute above, its name here and its column in
# ipkb.build.tables (docs/architecture.md, "A store column").
ENTITY_TEXTS = ("zh", "pinyin", "description", "note")


@dataclass(frozen=True)
class RelationRecord:
    source_id: str
    type: str
    target_id: str
    qualifiers: Qualifiers = field(default_factory=dict)
    confidence: str = "seen"
    note: str | None = None
    sources: tuple[Citation, ...] = ()
    position: Position | None = None


@dataclass
class KnowledgeBase:
    """Everything the YAML says, validated and typed."""

    entities: dict[str, EntityRecord] = field(default_factory=dict)
    relations: list[RelationRecord] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)

    def citations(self) -> list[tuple[str, Citation]]:
        """Every citation with a label of what it backs."""
        out: list[tuple[str, Citation]] = []
        for e in self.entities.values():
            out += [(e.id, c) for c in e.sources]
            out += [(f"{e.id} formerly {former.name}", c) for former in e.former_names for c in former.sources]
        for r in self.relations:
            out += [(f"{r.source_id} -{r.type}-> {r.target_id}", c) for c in r.sources]
        for f in self.facts:
            out += [(f"{f.entity} {f.metric}", c) for c in f.sources]
        return out
