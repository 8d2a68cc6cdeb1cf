"""XML written element by element with the bytes networkx's ElementTree writers give (GraphML, GEXF).

networkx builds the whole document as an ElementTree, indents it two spaces a level and writes it as
UTF-8 with `<?xml version='1.0' encoding='utf-8'?>`. These helpers write the same text one element at a
time, escaping with ElementTree's own functions (so both paths agree on every Python version).

Both formats declare their attributes before the graph, in the order the attributes are first met while
writing it. So a streaming writer writes the graph's body to a `Spool`, a scratch file, collecting the
declarations as it goes, then writes the head and copies the body after it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree

escape_text: Callable[[str], str] = ElementTree._escape_cdata  # type: ignore[attr-defined]
escape_attribute: Callable[[str], str] = ElementTree._escape_attrib  # type: ignore[attr-defined]
DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"
ENCODING = "utf-8"
ERRORS = "xmlcharrefreplace"  # ElementTree's, for the characters an encoding cannot hold


def indent(level: int) -> str:
    """What precedes an element at `level` (the root is 0) in networkx's pretty-printed XML."""
    return "\n" + "  " * level


def start(tag: str, attributes: Iterable[tuple[str, str]]) -> str:
    """`<tag a="v" ...` without its end."""
    return "<" + tag + "".join(f' {name}="{escape_attribute(value)}"' for name, value in attributes)


def leaf(tag: str, attributes: Iterable[tuple[str, str]], text: str | None = None) -> str:
    """An element without children: `<tag ...>text</tag>`, or `<tag ... />` when it has no text."""
    if text:
        return f"{start(tag, attributes)}>{escape_text(text)}</{tag}>"
    return start(tag, attributes) + " />"


def element(tag: str, attributes: Iterable[tuple[str, str]], children: list[str], level: int) -> str:
    """An element at `level` around children already written, each on its own line one level deeper."""
    if not children:
        return leaf(tag, attributes)
    inner = indent(level + 1)
    return start(tag, attributes) + ">" + inner + inner.join(children) + indent(level) + f"</{tag}>"


class Spool:
    """A scratch file for a document's body: text in, the same bytes out later (`copy_to`).

    Texts are gathered and encoded `GATHER` at a time: one encode and write for many small elements."""

    GATHER = 512

    def __init__(self, file: BinaryIO) -> None:
        self._file = file
        self._texts: list[str] = []
        self.empty = True

    def write(self, text: str) -> None:
        self.empty = False
        texts = self._texts
        texts.append(text)
        if len(texts) >= self.GATHER:
            self._flush()

    def _flush(self) -> None:
        self._file.write("".join(self._texts).encode(ENCODING, ERRORS))
        self._texts.clear()

    def copy_to(self, stream: BinaryIO) -> None:
        self._flush()
        self._file.seek(0)
        shutil.copyfileobj(self._file, stream, 1 << 20)


@contextmanager
def spool(folder: Path | None) -> Iterator[Spool]:
    """A `Spool` in `folder` (None: the temporary folder), deleted when done."""
    with tempfile.TemporaryFile(prefix=".ipkb-export.", dir=folder) as file:
        yield Spool(file)


def put(stream: BinaryIO, text: str) -> None:
    """Write `text` to a binary stream as the document's encoding."""
    stream.write(text.encode(ENCODING, ERRORS))
