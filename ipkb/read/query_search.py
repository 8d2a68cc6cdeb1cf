"""The store's full-text and name searches: part of `query.Store` (a mixin, as query_analysis is)."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from itertools import combinations
from typing import Any

from ipkb.text import (
    char_phrase,
    fold,
    has_han,
    may_be_traditional,
    other_spellings,
    simplified_instead,
    strip_tones,
    syllable_runs,
    toneless,
)


class SearchReads:
    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError  # query.Store's

    def entities(self, ids: Iterable[str]) -> dict[str, sqlite3.Row]:
        raise NotImplementedError  # query.Store's

    def aliases(self, entity_id: str) -> list[str]:
        return self.aliases_of([entity_id]).get(entity_id, [])

    def aliases_of(self, ids: Iterable[str]) -> dict[str, list[str]]:
        """entity id -> its aliases, as written and in the order given, for each of `ids` that has any."""
        wanted = sorted(set(ids))
        out: dict[str, list[str]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            sql = (
                f"SELECT entity_id, text FROM name WHERE kind = 'alias' AND entity_id IN ({','.join('?' * len(chunk))})"
            )
            for r in self.rows(sql + " ORDER BY rowid", chunk):
                out.setdefault(r["entity_id"], []).append(r["text"])
        return out

    def search(self, text: str, types: list[str] | None, limit: int) -> list[tuple[sqlite3.Row, float]]:
        """`find`, and for Chinese in traditional characters also `find` of the text in simplified ones (寧波
        finds 宁波, which the KB writes as a mainland body's name is written): the matches as typed first, then
        the others the simplified text finds. Text that may hold traditional characters (text.may_be_traditional)
        is read so, other Chinese only when it finds nothing as typed, so a plain search never loads OpenCC."""
        hits = self.find(text, types, limit)
        simple = simplified_instead(text) if not hits or may_be_traditional(text) else None
        if not simple:
            return hits
        typed = {row["id"] for row, _ in hits}
        return [*hits, *(hit for hit in self.find(simple, types, limit) if hit[0]["id"] not in typed)][:limit]

    def find(self, text: str, types: list[str] | None, limit: int) -> list[tuple[sqlite3.Row, float]]:
        """Best matches first: the trigram index for 3+ characters or several words, the character index for
        a single word of 1 or 2 characters.

        Full-width forms are folded first (NFKC: `（` is `(`, `２` is `2`). Words are all required, in any
        order, each in a name (id, name, Chinese name, alias, pinyin) or the description. A word in Latin
        letters is found where a word starts (`hang` finds Hangzhou; `hangzhou` does not find Changzhou), any
        other word (Chinese has no spaces between words) anywhere. A word of 1 or 2 characters that the
        trigram index cannot find (柯桥, or `a` beside other words) is looked for in the names only.
        An entity one of whose names equals the text (spaces and punctuation folded) comes first, then those
        with a name that starts with it, then the rest: first those where the words start words of names,
        then of names or the description, each by full-text rank: `huzhou` finds Huzhou's own entities first.
        A short single word holding a space or punctuation mark, which the character index cannot spell, is
        looked for with a substring scan of the names instead, shortest matching name first.
        A Latin word may also be pinyin typed without tones, with or without spaces between syllables: it finds
        the names whose pinyin holds those syllables in a row (`zhongxin`, `zhong xin` and `Zhōngxīn` find Zhōng
        Xīn, 中心), the first where a syllable starts (`hangzhou` does not find Cháng Zhōu); those come after
        the entities that hold the words as typed, shortest names first. Tones are dropped first (`Kēqiáo`
        finds what `keqiao` finds), and syllables typed apart are found joined too (`ke qiao`: Keqiao). A
        British spelling finds the American and the reverse, a compound written joined or hyphenated and a plural
        its singular too (`centre`, `center`; `subcentres`, `sub-center`: `text.other_spellings`).
        Several Chinese words (海外 纠纷) rank the entities with a name holding the most of them first, the
        shortest such name first: the head of a family of names before its branches.
        """
        text = unicodedata.normalize("NFKC", text)
        limit = min(limit, 1 << 40)  # more rows than any KB holds; the sums below stay within SQLite's integers
        if len(text) >= 3 or len(text.split()) > 1:
            text = toneless(text)
            words, tri, chars = match_terms(text)
            named = self._named(fold(text), types, limit)
            seen = {row["id"] for row, _ in named}
            wanted = max(limit, self.RERANK) + len(seen)
            ranked = []
            if tri:
                ranked = self._ranked("entity_fts", "10.0, 1.0", tri, types, wanted, chars=chars)
            elif chars:
                ranked = self._short(chars, types, wanted)
            ranked += self._spoken(text, types, wanted, seen | {row["id"] for row, _ in ranked})
            rest = [(row, score) for row, score in ranked if row["id"] not in seen]
            rest = self._word_starts_first(text, rest) if words else self._chinese_in_one_name_first(text, rest)
            hits = (named + rest)[:limit]
            if len(hits) < limit and tri and not chars:  # then the entities that relations with that text join
                hits += self._named_by_relations(tri, types, limit - len(hits), {row["id"] for row, _ in hits})
            return hits
        chars = char_phrase(text)
        if chars:
            return self._short(chars, types, limit)
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        sql = (
            "SELECT e.*, MIN(length(n.text)) AS score FROM name n JOIN entity e ON e.id = n.entity_id "
            f"WHERE n.text LIKE ? ESCAPE '\\'{type_clause(types)} GROUP BY e.id ORDER BY score, e.id LIMIT ?"
        )
        return [(r, float(r["score"])) for r in self.rows(sql, [pattern, *(types or []), limit])]

    RERANK = 200  # full-text hits re-ranked by where the words fall in names: more than a page of them

    def _names_of(self, hits: list[tuple[sqlite3.Row, float]]) -> dict[str, list[str]]:
        """entity id -> its names, tones and case folded, for each of the hits."""
        ids = [row["id"] for row, _ in hits]
        names: dict[str, list[str]] = {}
        sql = f"SELECT entity_id, text FROM name WHERE entity_id IN ({','.join('?' * len(ids))})"
        for r in self.rows(sql, ids):
            names.setdefault(r[0], []).append(strip_tones(r[1]).casefold())
        return names

    def _chinese_in_one_name_first(
        self, text: str, hits: list[tuple[sqlite3.Row, float]]
    ) -> list[tuple[sqlite3.Row, float]]:
        """For several Chinese words (海外 纠纷): the hits with a name that holds the most of them first, and
        among those the shortest such name first (国家海外知识产权纠纷应对指导中心 before its sub-centers and
        a policy that names it); full-text rank within each. One word, or none in Chinese: the rank stands."""
        words = [word for word in text.split() if has_han(word)]
        if len(hits) < 2 or len(words) < 2:
            return hits
        names = self._names_of(hits)

        def best(row: sqlite3.Row) -> tuple[int, int]:  # (- the words its best name holds, that name's length)
            held = [(-sum(w in name for w in words), len(name)) for name in names.get(row["id"], [])]
            return min(held) if held and min(held)[0] < 0 else (0, 0)

        return sorted(hits, key=lambda hit: best(hit[0]))

    def _word_starts_first(self, text: str, hits: list[tuple[sqlite3.Row, float]]) -> list[tuple[sqlite3.Row, float]]:
        """Hits in whose names every Latin word of `text` starts a word, those with the words side by side in
        one name in the order typed first (spaces and marks aside), then those where each starts a word of a
        name or of the description, then the rest; full-text rank within each. Case and tones folded; a
        syllable typed apart from the one before it may follow it in a word (`ke qiao`: Keqiao)."""
        if not hits:
            return hits
        forms = [("|".join(map(re.escape, spellings(word))), joined) for word, joined in latin_words(text)]
        starts = [re.compile(rf"(?<![^\W_])(?:{f})" + (f"|{re.escape(j)}" if j else "")) for f, j in forms]
        names = self._names_of(hits)

        spelt = ["|".join(re.escape(_UNSPACED.sub("", f)) for f in spellings(word)) for word, _ in latin_words(text)]
        phrase = re.compile("".join(f"(?:{forms})" for forms in spelt)) if len(spelt) > 1 else None

        def tier(row: sqlite3.Row) -> int:
            held = names.get(row["id"], [strip_tones(row["name"]).casefold()])
            in_names = [any(start.search(name) for name in held) for start in starts]
            if all(in_names):  # the words as typed, side by side in one name, first (overseas sub-center)
                return 0 if phrase and any(phrase.search(_UNSPACED.sub("", name)) for name in held) else 1
            described = strip_tones(row["description"] or "").casefold()
            return (
                2 if all(found or start.search(described) for found, start in zip(in_names, starts, strict=True)) else 3
            )

        return sorted(hits, key=lambda hit: tier(hit[0]))

    SPOKEN_WORDS = 3  # words read as pinyin at most (a query per choice of them: 7 for three)

    def _spoken(
        self, text: str, types: list[str] | None, limit: int, skip: set[str]
    ) -> list[tuple[sqlite3.Row, float]]:
        """The entities found when some of the Latin words of `text` are read as pinyin syllables in a row
        (entity_syllables: a syllable a token, tones folded) and the other words as `match_terms` finds them,
        fewest words so read first, each shortest names first (entity_syllables' rowids grow with the names'
        length, as entity_chars'). No bm25 to compute: one syllable (`zhong`) is in most pinyin of a large KB."""
        words = text.split()
        spoken = [(i, expr) for i, expr in enumerate(map(syllable_match, words)) if expr][: self.SPOKEN_WORDS]
        found: list[tuple[sqlite3.Row, float]] = []
        for size in range(1, len(spoken) + 1):
            for chosen in combinations(spoken, size):
                read = {i for i, _ in chosen}
                _, tri, chars = match_terms(" ".join(w for i, w in enumerate(words) if i not in read))
                syllables = " AND ".join(expr for _, expr in chosen)
                for row in self._syllables_and(syllables, tri, chars, types, limit + len(skip)):
                    if row["id"] not in skip and len(found) < limit:
                        skip.add(row["id"])
                        found.append((row, float(len(found))))
        return found

    FEW = 2000  # entities the other words may find for entity_syllables to be asked about each of them alone

    def _syllables_and(
        self, syllables: str, tri: str | None, chars: str | None, types: list[str] | None, limit: int
    ) -> list[sqlite3.Row]:
        """Entities whose pinyin entity_syllables finds `syllables` in, and entity_fts `tri` (and entity_chars
        `chars`) in their names, shortest names first. When `tri` finds FEW or fewer, entity_syllables is asked
        about those alone (a lookup each); else it leads, and stops at `limit`: letting a common syllable lead
        when the other words find few read all its matches (`bao hu`: `hu` and `bao` as typed, 0.28 s at 1M)."""
        chars_clause = " AND e.chars_rowid IN (SELECT rowid FROM entity_chars WHERE entity_chars MATCH ?)"
        known = (chars_clause if chars else "") + type_clause(types)
        rest = [*([chars] if chars else []), *(types or [])]
        if tri:
            few = [
                r[0]
                for r in self.rows("SELECT rowid FROM entity_fts WHERE entity_fts MATCH ? LIMIT ?", (tri, self.FEW + 1))
            ]
            if not few:
                return []
            if len(few) <= self.FEW:
                sql = (
                    f"SELECT e.* FROM entity e CROSS JOIN entity_syllables ON entity_syllables.rowid = e.chars_rowid "
                    f"WHERE e.rowid IN ({','.join('?' * len(few))}) AND entity_syllables MATCH ?{known} "
                    "ORDER BY e.chars_rowid LIMIT ?"
                )
                return self.rows(sql, [*few, syllables, *rest, limit])
            known = " AND e.rowid IN (SELECT rowid FROM entity_fts WHERE entity_fts MATCH ?)" + known
            rest = [tri, *rest]
        sql = (
            "SELECT e.* FROM entity_syllables JOIN entity e ON e.rowid = entity_syllables.rowid & 4294967295 "
            f"WHERE entity_syllables MATCH ?{known} ORDER BY entity_syllables.rowid LIMIT ?"
        )
        return self.rows(sql, [syllables, *rest, limit])

    def _named(self, folded: str, types: list[str] | None, limit: int) -> list[tuple[sqlite3.Row, float]]:
        """Entities with a name equal to `folded` (score -2e6), then with a name starting with it (-1e6 plus
        the name's length): below any bm25 score, so they sort first. One indexed range scan of `name`."""
        if not folded:
            return []
        sql = (
            "SELECT e.*, MIN(CASE WHEN n.folded = ? THEN -2e6 ELSE -1e6 + length(n.folded) END) AS score "
            "FROM name n JOIN entity e ON e.id = n.entity_id WHERE n.folded >= ? AND n.folded < ?"
            f"{type_clause(types)} GROUP BY e.id ORDER BY score, e.id LIMIT ?"
        )
        params = [folded, folded, folded + "\U0010ffff", *(types or []), limit]
        return [(r, float(r["score"])) for r in self.rows(sql, params)]

    def _named_by_relations(
        self, phrase: str, types: list[str] | None, limit: int, skip: set[str]
    ) -> list[tuple[sqlite3.Row, float]]:
        """Both ends of the relations whose text qualifiers (document, role, ...) hold `phrase`, best first."""
        sql = (
            "SELECT r.source_id, r.target_id FROM relation_fts JOIN relation r ON r.rowid = relation_fts.rowid "
            "WHERE relation_fts MATCH ? ORDER BY bm25(relation_fts), r.file, r.line LIMIT ?"
        )
        ids = [i for r in self.rows(sql, (phrase, 10 * limit + len(skip))) for i in (r[0], r[1]) if i not in skip]
        rows = self.entities(ids)
        found = [rows[i] for i in dict.fromkeys(ids) if i in rows and (not types or rows[i]["type"] in types)]
        return [(row, 0.0) for row in found[:limit]]

    SHORT_CANDIDATES = 1000

    def count_matches(self, text: str, types: list[str] | None, cap: int) -> int:
        """How many entities `search` finds for `text`, counted up to cap + 1 (more than `cap`: cap + 1).
        A 1- or 2-character text is counted in the character index without ranking or reading a row:
        ranking 1,000 matches of `an` to count them doubled that search at 1M (0.15 s to 0.29 s)."""
        text = unicodedata.normalize("NFKC", text)
        chars = char_phrase(text) if len(text) < 3 else None
        if not chars:
            return len(self.search(text, types, cap + 1))
        joined = " JOIN entity e ON e.rowid = entity_chars.rowid & 4294967295" if types else ""
        sql = (
            f"SELECT COUNT(*) FROM (SELECT 1 FROM entity_chars{joined} WHERE entity_chars MATCH ?"
            f"{type_clause(types)} LIMIT ?)"
        )
        found: int = self.rows(sql, [chars, *(types or []), cap + 1])[0][0]
        if not found or may_be_traditional(text):  # both forms, as `search` finds them
            return len(self.search(text, types, cap + 1)) if simplified_instead(text) else found
        return found

    def _short(self, phrase: str, types: list[str] | None, limit: int) -> list[tuple[sqlite3.Row, float]]:
        """A 1- or 2-character search, best bm25 score first. Two common letters are in most names of a large
        KB, and bm25 costs about 2.5 µs a match (1.3 s at 1M), so when more than SHORT_CANDIDATES (or
        `limit`) entities match, only that many are ranked: those with the shortest names, which entity_chars
        lists first (its rowids grow with the names' length) and which bm25 favours anyway."""
        candidates = max(self.SHORT_CANDIDATES, limit)
        last = self.rows(
            "SELECT rowid FROM entity_chars WHERE entity_chars MATCH ? LIMIT 1 OFFSET ?", (phrase, candidates - 1)
        )
        if last:
            hits = self._ranked("entity_chars", "1.0", phrase, types, limit, below=last[0][0])
            if len(hits) == limit:
                return hits
        return self._ranked("entity_chars", "1.0", phrase, types, limit)

    def _ranked(
        self,
        table: str,
        weights: str,
        phrase: str,
        types: list[str] | None,
        limit: int,
        below: int | None = None,
        chars: str | None = None,
    ) -> list[tuple[sqlite3.Row, float]]:
        """The entities whose entry in full-text index `table` holds `phrase`, best bm25 score first; with
        `below`, only the entries up to that rowid; with `chars`, only those whose names entity_chars finds."""
        owner = f"{table}.rowid & 4294967295" if table == "entity_chars" else f"{table}.rowid"  # see chars_rowid
        bound = f" AND {table}.rowid <= {int(below)}" if below is not None else ""
        if chars:
            bound += " AND e.chars_rowid IN (SELECT rowid FROM entity_chars WHERE entity_chars MATCH ?)"
        sql = (
            f"SELECT e.*, bm25({table}, {weights}) AS score FROM {table} JOIN entity e ON e.rowid = {owner} "
            f"WHERE {table} MATCH ?{bound}{type_clause(types)} ORDER BY score, e.id LIMIT ?"
        )
        return [(r, r["score"]) for r in self.rows(sql, [phrase, *([chars] if chars else []), *(types or []), limit])]


# What comes before a word in names and descriptions. The trigram index sees every character and knows no
# words, so a Latin word is looked for after each of these, and at the start of a column (FTS5's `^`).
WORD_GAPS = " -('.\"/\u201c\u2018&_,[\u00b7\uff08"
_LATIN = re.compile(r"[a-z]")
_UNSPACED = re.compile(r"[\W_]+")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def match_terms(text: str) -> tuple[list[str], str | None, str | None]:
    """A search text's Latin words (to rank by), and the MATCH expressions that require all its words: one
    for entity_fts (the trigrams of names and descriptions), one for entity_chars (names, a character a
    token) holding the words too short for trigrams. A Latin word must start a word (`hangzhou` is not
    found in Changzhou); any other word, such as Chinese, may sit anywhere. A word in its other spelling
    (`centre`, `center`) will do, and a pinyin syllable typed apart from the one before it may follow that
    one in a word (`ke qiao`: Keqiao)."""
    latin: list[str] = []
    tri: list[str] = []
    chars: list[str] = []
    joins = latin_words(text)  # in the order of the Latin words below
    for word in text.split():
        if is_latin(word):
            word, joined = joins[len(latin)]
            after = joins[len(latin) + 1][1] if len(latin) + 1 < len(joins) else None  # it and the next joined
            latin.append(word)
            if len(word) >= 2:  # a gap and two letters make a trigram; `^` needs three letters
                forms = [word, *other_spellings(word)]
                starts = [quoted(gap + form) for form in forms for gap in WORD_GAPS]
                starts += [f"^{quoted(form)}" for form in forms if len(form) > 2]
                starts += [quoted(joined)] if joined else []
                starts += [f"^{quoted(after)}"] if after and len(word) == 2 else []  # `ke` of `Keqiao's ...`
                tri.append("(" + " OR ".join(starts) + ")")
                continue
        elif len(word) >= 3:
            tri.append(quoted(word))
            continue
        phrase = char_phrase(word)  # None for a mark (`&`), which no index spells
        if phrase:
            chars.append(phrase)
    return latin, " AND ".join(tri) or None, " AND ".join(chars) or None


def is_latin(word: str) -> bool:
    return not has_han(word) and bool(_LATIN.search(strip_tones(word).casefold()))


def latin_words(text: str) -> list[tuple[str, str | None]]:
    """Each Latin word of `text` (its edges' marks dropped), with the word it makes joined to the word before
    it when both are pinyin syllables (`ke qiao`: (ke, None), (qiao, keqiao)): syllables typed apart are
    found written together too, as the help says they may be typed either way."""
    out: list[tuple[str, str | None]] = []
    before = ""
    for word in text.split():
        if not is_latin(word):
            before = ""
            continue
        word = _EDGES.sub("", word)
        joined = (before + word).casefold() if before and syllable_runs(word) else None
        out.append((word, joined if joined and len(joined) >= 3 else None))
        before = word if syllable_runs(word) else ""
    return out


def spellings(word: str) -> list[str]:
    """A Latin word, case and tones folded, as typed, in its other spelling (`centre`, `center`) and as runs
    of pinyin syllables with spaces between them (`zhongxin`, `zhong xin`): the forms `search` ranks higher
    where they start a word of a name."""
    plain = strip_tones(word).casefold()
    return list(dict.fromkeys([plain, *other_spellings(plain), *syllable_runs(plain)]))


def syllable_match(word: str) -> str | None:
    """The entity_syllables MATCH expression that finds `word` read as pinyin syllables in a row (`xian`:
    `("xian" OR "xi an")`), or None for a word that no reading makes all syllables (`center`, `柯桥`)."""
    word = _EDGES.sub("", word)
    runs = syllable_runs(strip_tones(word)) if len(word) >= 2 else []
    return "(" + " OR ".join(map(quoted, runs)) + ")" if runs else None


def type_clause(types: list[str] | None) -> str:
    return f" AND e.type IN ({','.join('?' * len(types))})" if types else ""
