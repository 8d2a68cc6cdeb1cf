"""A part's rows as the writer (ipkb.build.writer) inserts them, made where the file was read."""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any

Values = tuple[Any, ...]


@dataclass
class Batch:
    """A part's rows as the writer inserts them: tuples of `columns`, and the texts of the full-text indexes,
    one per entity (or relation). What only the writer knows (rowids; a relation's or fact's citations' owner,
    here its index in the file) it adds. Made where the file is read, so a worker does this work, not the one
    process that writes every file in turn; and tuples cost less to send than rows keyed by column."""

    columns: dict[str, tuple[str, ...]]
    entities: list[Values]
    names: list[Values]
    fts: list[tuple[str, str]]  # names (each text once, ' | ' between), description
    chars: list[tuple[int, str]]  # tokens in the names spelt one character per token, that spelling
    syllables: list[str | None]  # the pinyin names, or None
    relations: list[Values]
    relation_texts: list[str | None]
    facts: list[Values]
    entity_citations: list[Values]
    relation_citations: list[Values]
    fact_citations: list[Values]

    @classmethod
    def of(cls, rows: Any, file: str) -> Batch:
        """The batch of a part's Rows (ipkb.build.parts) read from `file`."""
        from ipkb.text import char_tokens

        def values(table: str, dicts: list[dict[str, Any]]) -> list[Values]:
            """The rows' values in the order of their keys (the same in every row to_rows makes), and `file`."""
            names = tuple(dicts[0]) if dicts else ()
            columns[table] = (*names, "file")
            if not dicts:
                return []
            get = itemgetter(*names)
            return [(*get(row), file) for row in dicts] if len(names) > 1 else [(get(row), file) for row in dicts]

        columns: dict[str, tuple[str, ...]] = {"name": ("entity_id", "text", "folded", "kind")}
        entities = values("entity", rows.entities)
        names, fts, chars, syllables = [], [], [], []
        for entity, entity_names in zip(rows.entities, rows.names, strict=True):
            entity_id = entity["id"]
            names += [(entity_id, n["text"], n["folded"], n["kind"]) for n in entity_names]
            distinct = list(dict.fromkeys([n["text"] for n in entity_names]))
            fts.append((" | ".join(distinct), entity["description"] or ""))
            spelt = char_tokens(distinct)
            chars.append((spelt.count(" ") + 1, spelt))
            pinyin = [n["text"] for n in entity_names if n["kind"] == "pinyin"]
            syllables.append(" | ".join(pinyin) if pinyin else None)
        relations = values("relation", rows.relations)
        facts = values("fact", rows.facts)
        cited: dict[str, list[Values]] = {"entity": [], "relation": [], "fact": []}
        citation_columns = ("owner_kind", "owner", "source_id", "quote", "via", "ordinal")
        columns["citation"] = citation_columns
        ids = [entity["id"] for entity in rows.entities]
        get = itemgetter(*citation_columns)
        for citation in rows.citations:
            cells = get(citation)
            if cells[0] == "entity":  # the entity's id, not its index
                cells = ("entity", ids[cells[1]], *cells[2:])
            cited[cells[0]].append(cells)
        return cls(
            columns,
            entities,
            names,
            fts,
            chars,
            syllables,
            relations,
            list(rows.relation_texts),
            facts,
            cited["entity"],
            cited["relation"],
            cited["fact"],
        )
