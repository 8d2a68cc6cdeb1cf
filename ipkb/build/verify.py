"""Checks that every quote is found, word for word, in the text of the source it cites."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ipkb.model import KnowledgeBase, Position, Problem
from ipkb.text import normalize_space


@dataclass
class VerifyReport:
    checked: int  # quotes looked up in a text
    found: int
    no_text: int  # quotes whose source has no text in the folders given
    problems: list[Problem]
    via: int = 0  # of those found, quotes looked up in a research note (`via`), not in the source's own text
    checked_via: int = 0  # of those checked, quotes looked up in a research note rather than the source's text

    @property
    def total(self) -> int:
        """Every quote in the KB: checked here or not."""
        return self.checked + self.no_text


def _find_text(relative: str, folders: list[Path]) -> Path | None:
    for folder in folders:
        for candidate in (folder / relative, folder / Path(relative).name):
            if candidate.is_file():
                return candidate
    return None


def _readable(path: Path) -> str:
    """A text as its words read: spaces normalised, and in a Markdown file (our research notes) without the
    bold and italic marks, so that a quote need not copy `**43**` to be found."""
    text = normalize_space(path.read_text(encoding="utf-8", errors="replace"))
    if path.suffix.lower() in (".md", ".markdown"):
        text += "\n" + text.replace("**", "").replace("__", "")  # both: a quote may keep the marks too
    return text


def verify_quotes(knowledge: KnowledgeBase, folders: list[Path]) -> VerifyReport:
    texts: dict[str, str | None] = {}
    checked = found = no_text = via = checked_via = 0
    problems: list[Problem] = []
    for owner, citation in knowledge.citations():
        if not citation.quote:
            continue
        holder = knowledge.entities.get(citation.via or citation.source)
        relative = holder.fields.get("file") if holder else None
        if not relative:
            no_text += 1
            continue
        if relative not in texts:
            path = _find_text(relative, folders)
            texts[relative] = _readable(path) if path else None
        text = texts[relative]
        if text is None:
            no_text += 1
            continue
        checked += 1
        checked_via += bool(citation.via)
        if normalize_space(citation.quote) in text:
            found += 1
            via += bool(citation.via)
        else:
            pos = citation.position or Position("?", 1)
            problems.append(
                Problem(
                    pos.file,
                    pos.line,
                    f"quote not found in {relative} ({owner}): {citation.quote!r}",
                    "copy the words exactly from the source text",
                )
            )
    return VerifyReport(checked, found, no_text, problems, via, checked_via)
