"""The compiled store's tables (sqlmodel) and full-text index. Imported only when building."""

from __future__ import annotations

from functools import cache

from sqlmodel import Field, Index, SQLModel


class Meta(SQLModel, table=True):
    key: str = Field(primary_key=True)
    value: str


class EntityTypeRow(SQLModel, table=True):
    __tablename__ = "entity_type"
    name: str = Field(primary_key=True)
    grp: str
    description: str


class RelationTypeRow(SQLModel, table=True):
    __tablename__ = "relation_type"
    name: str = Field(primary_key=True)
    label: str
    inverse: str
    containment: bool
    domain: str | None  # JSON list of entity types; NULL = any
    range: str | None
    qualifiers: str  # JSON list
    undated_holds: bool


class MetricRow(SQLModel, table=True):
    __tablename__ = "metric"
    name: str = Field(primary_key=True)
    unit: str | None
    description: str
    counts_relation: str | None
    counts_direction: str
    counts_types: str | None  # JSON list of entity types; null: members of any type count


class EntityRow(SQLModel, table=True):
    __tablename__ = "entity"
    rowid: int = Field(primary_key=True)
    id: str = Field(unique=True)
    type: str = Field(index=True)
    name: str
    zh: str | None = Field(index=True)  # a rebuild in place finds the entities sharing a changed Chinese name
    pinyin: str | None
    pinyin_given: bool  # written in the YAML; else derived from zh (a rebuild in place reuses what it derived)
    description: str | None
    attributes: str  # JSON object
    fields: str  # JSON object: type-specific fields (e.g. a source's title, url, file)
    confidence: str
    note: str | None
    former_names: str  # JSON list of {name, zh, until, sources: [{source, quote, via}]}, oldest first
    file: str = Field(index=True)  # relative to the KB's parent; a rebuild replaces a changed file's rows
    line: int
    # Its row in entity_chars: how many tokens (a character each) its names make there, times 2**32, plus
    # its rowid. The index then lists the entities with the shortest names first (see read/query_search.py).
    chars_rowid: int


class NameRow(SQLModel, table=True):
    """Every way to name an entity, folded for lookup (see ipkb.text.fold)."""

    __tablename__ = "name"
    rowid: int = Field(primary_key=True)
    entity_id: str = Field(index=True)
    text: str
    folded: str = Field(index=True)
    kind: str  # id | name | zh | pinyin | alias | former | simplified (pinyin and simplified: derived)


class RelationRow(SQLModel, table=True):
    __tablename__ = "relation"
    __table_args__ = (
        Index("ix_relation_target_id_type_source_id", "target_id", "type", "source_id", "confidence"),
        # What a place hosts (the schema's hosted_at) is read from this index alone in the walk down from a place.
        Index("ix_relation_source_id_type_target_id", "source_id", "type", "target_id"),
    )
    rowid: int = Field(primary_key=True)
    source_id: str  # indexed with type and target_id (above)
    # No index on type: no query selects by type alone, and with one SQLite read `source_id IN (...) AND
    # type IN (...)` through it, scanning every relation of the type per batch (`list --in`: 23 s at 1M).
    type: str
    # Indexed with type, source_id and confidence (above): what lies within a place is read from the index.
    target_id: str
    qualifiers: str  # JSON object
    confidence: str
    note: str | None
    file: str = Field(index=True)  # relative to the KB's parent; a rebuild replaces a changed file's rows
    line: int


class FactRow(SQLModel, table=True):
    __tablename__ = "fact"
    rowid: int = Field(primary_key=True)
    entity_id: str = Field(index=True)
    metric: str = Field(index=True)
    value: str  # JSON scalar
    bound: str | None  # more_than, about, ...: the value is a bound the source gives, not an exact figure
    unit: str | None
    period: str | None
    kind: str
    scope: str  # JSON object
    confidence: str
    note: str | None
    conflict: bool  # declared to disagree with another fact of its key (the KB-wide checks allow it)
    file: str = Field(index=True)  # relative to the KB's parent; a rebuild replaces a changed file's rows
    line: int


class CitationRow(SQLModel, table=True):
    """A citation backs an entity, a relation or a fact (owner_kind + owner rowid/id)."""

    __tablename__ = "citation"
    rowid: int = Field(primary_key=True)
    owner_kind: str
    owner: str = Field(index=True)  # entity id, or relation/fact rowid as text
    source_id: str = Field(index=True)
    quote: str | None
    via: str | None = Field(index=True)  # a rebuild in place finds what cites a changed source through a note
    ordinal: int


class PartRow(SQLModel, table=True):
    """What each record file contributed, so that a rebuild re-reads only changed files (see ipkb.build.parts)."""

    __tablename__ = "part"
    file: str = Field(primary_key=True)
    key: str  # hash of the store version, the schema, the file's name and its bytes
    digest: str  # SHA-256 of its bytes: a rebuild need not read a file whose size and mtime are unchanged
    summary: bytes  # marshal of ipkb.build.summary.Summary: what the KB-wide checks need of the file
    problems: bytes  # marshal of the file's own warnings: (line, message, hint, severity)


class ProblemRow(SQLModel, table=True):
    """Validation warnings, kept so `stats` can report them without re-reading the YAML."""

    __tablename__ = "problem"
    rowid: int = Field(primary_key=True)
    file: str
    line: int
    message: str
    hint: str | None
    severity: str


# (DDL, fallback for SQLite < 3.43, which has no contentless_delete): trigram search of names and
# descriptions for texts of 3+ characters, names spelt one character per token (ipkb.text.char_tokens)
# for shorter ones, and the syllables of the pinyin names.
FTS_TABLES = (
    (
        "CREATE VIRTUAL TABLE entity_fts USING fts5("
        "names, description, content='', contentless_delete=1, tokenize='trigram')",
        "CREATE VIRTUAL TABLE entity_fts USING fts5(names, description, tokenize='trigram')",
    ),
    (
        "CREATE VIRTUAL TABLE entity_chars USING fts5("
        "names, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')",
        "CREATE VIRTUAL TABLE entity_chars USING fts5(names, tokenize='unicode61 remove_diacritics 0')",
    ),
    (  # the pinyin of names, a syllable a token, tones folded (Zhōng Xīn: zhong, xin), so that `search zhongxin`
        # finds the syllables a name's pinyin spells apart as a phrase of tokens; rowids as entity_chars'
        "CREATE VIRTUAL TABLE entity_syllables USING fts5("
        "pinyin, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')",
        "CREATE VIRTUAL TABLE entity_syllables USING fts5(pinyin, tokenize='unicode61 remove_diacritics 2')",
    ),
    (  # the text qualifiers of relations (document numbers, roles, notes), so `search` finds what they name
        "CREATE VIRTUAL TABLE relation_fts USING fts5("
        "qualifiers, content='', contentless_delete=1, tokenize='trigram')",
        "CREATE VIRTUAL TABLE relation_fts USING fts5(qualifiers, tokenize='trigram')",
    ),
)


@cache
def columns(table: str) -> tuple[str, ...]:
    """The columns of a table, in declared order: the one list that rows are built and inserted by."""
    return tuple(column.name for column in SQLModel.metadata.tables[table].columns)


def digest() -> str:
    """A short hash of every declared table: names, columns with their types, keys and indexes, and the
    full-text tables' DDL. ipkb.build.store.TABLES_DIGEST must equal it (tests/test_store.py checks), so a
    change to the tables changes STORE_VERSION and every older store is rebuilt."""
    import hashlib

    parts = []
    for table in sorted(SQLModel.metadata.tables.values(), key=lambda t: t.name):
        parts.append(f"table {table.name}")
        for column in table.columns:
            flags = "".join(
                flag for flag, on in (("P", column.primary_key), ("N", column.nullable), ("U", column.unique)) if on
            )
            parts.append(f"  {column.name} {column.type} {flags}")
        parts += sorted(f"  index {index.name} {[c.name for c in index.columns]}" for index in table.indexes)
    parts += [ddl for pair in FTS_TABLES for ddl in pair]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
