"""The fast reader (yaml-rs plus a scan for lines) gives exactly what PyYAML's composer gives, or declines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ipkb.build.load import Mapping, Sequence, read_yaml
from ipkb.build.load_fast import read_fast

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("yaml_rs")


def careful(text: str, tmp_path: Path) -> tuple[Any, list[Any]]:
    problems: list[Any] = []
    return read_yaml(tmp_path / "x.yaml", "x.yaml", problems, text.encode()), problems


HOLDERS = ("sources", "facts", "former_names")  # the keys whose items keep their lines (ipkb.build.load_fast)


def difference(fast: Any, slow: Any, where: str = "$") -> str | None:
    """Where two readings differ: values and their types, and the lines a build keeps: each record's, and the
    items' of its citations, inline facts and former names (and theirs, within)."""
    if isinstance(fast, dict) != isinstance(slow, dict) or isinstance(fast, list) != isinstance(slow, list):
        return f"{where}: {type(fast).__name__} vs {type(slow).__name__}"
    if isinstance(fast, dict):
        if list(fast) != list(slow):
            return f"{where}: keys {list(fast)} vs {list(slow)}"
        return next((d for k in fast if (d := difference(fast[k], slow[k], f"{where}.{k}"))), None)
    if isinstance(fast, list):
        if len(fast) != len(slow):
            return f"{where}: {len(fast)} items vs {len(slow)}"
        return next((d for i, x in enumerate(fast) if (d := difference(x, slow[i], f"{where}[{i}]"))), None)
    if type(fast) is not type(slow) or fast != slow:
        return f"{where}: {fast!r} vs {slow!r}"
    return None


def kept_lines(document: Sequence) -> list[tuple[str, Any]]:
    """The lines of `document` that a build keeps (see difference)."""
    out: list[tuple[str, Any]] = [("$", document.item_lines)]

    def held(mapping: Mapping, where: str) -> None:
        out.append((where, mapping.line))
        for key, value in mapping.items():
            if key in HOLDERS and isinstance(value, list):
                out.append((f"{where}.{key}", value.item_lines))  # type: ignore[attr-defined]
                for i, item in enumerate(value):
                    if key != "sources" and isinstance(item, dict):
                        held(item, f"{where}.{key}[{i}]")  # type: ignore[arg-type]

    for i, record in enumerate(document):
        if isinstance(record, dict):
            held(record, f"$[{i}]")
    return out


def same(fast: Sequence, slow: Sequence) -> str | None:
    """What differs between the two readings, values or kept lines."""
    if (found := difference(fast, slow)) is not None:
        return found
    return next(
        (f"{a[0]}: line {a[1]} vs {b[1]}" for a, b in zip(kept_lines(fast), kept_lines(slow), strict=True) if a != b),
        None,
    )


def record_files() -> list[Path]:
    files = sorted((ROOT / "kb").glob("*/*.yaml"))
    files += sorted(p for p in (ROOT / "tests").rglob("*.yaml") if "bad_inputs" in p.parts or "fixtures" in p.parts)
    return files


def test_the_bundled_kb_and_the_bad_inputs_read_the_same_both_ways(tmp_path: Path) -> None:
    read = 0
    for path in record_files():
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        fast = read_fast(text)
        if fast is None:
            continue
        read += 1
        slow, problems = careful(text, tmp_path)
        assert problems == [], path
        assert same(fast, slow) is None, (path, same(fast, slow))
    assert read >= 40  # most of the bundled KB takes the fast way


def test_a_synthetic_kb_reads_the_same_both_ways(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "400", str(kb)], check=True)
    files = sorted(kb.glob("*/*.yaml"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast = read_fast(text)
        assert fast is not None, path
        assert same(fast, careful(text, tmp_path)[0]) is None, path


SAME_EITHER_WAY = {
    "compact and spelt-out items": "- id: a\n  name: A\n-\n  id: b\n  name: B\n",
    "an indentless list under a key": "- id: a\n  sources:\n  - {source: s, quote: q}\n  - s2\n",
    "a block scalar with dashes and keys inside": (
        "- id: a\n  note: |\n    - not an item\n    key: not a key\n  name: A\n"
    ),
    "a folded block scalar on an item": "- >\n  folded\n  text\n- id: b\n",
    "a plain scalar over lines": "- id: a\n  description: one\n    two three\n  name: A\n",
    "a quoted scalar over lines": '- id: a\n  description: "one\n    two"\n  name: A\n',
    "comments and blank lines": "# head\n\n- id: a # c\n\n  # inner\n  name: A\n",
    "nested facts with their sources": (
        "- id: a\n  facts:\n    - metric: m\n      value: 3\n      sources:\n        - {source: s, quote: q}\n"
    ),
    "a value on the next line": "- id: a\n  name:\n    A long name\n",
    "empty values": "- id: a\n  aliases: []\n  attributes: {}\n  note:\n",
    "windows line ends": "- id: a\r\n  name: A\r\n",
    "quoted numbers and dates": "- id: a\n  period: '2023'\n  date: 2021-08-19\n  value: 1.5\n",
    "an item holding a list": "- id: a\n  tags:\n    -\n      - x\n      - y\n",
    "dashes, dots and a percent inside a line": "- id: a\n  note: x --- y ... 5%\n  name: wait...\n",
    "numbers inside a text": "- id: a\n  note: 'see 017, 1e3 and 1:30'\n",
    "a flow list over lines, of what keeps no lines": "- id: a\n  aliases: [x,\n    y]\n",
    "a record after a comment on its dash": "- # first\n  id: a\n-\n\n  # c\n  id: b\n",
}
DECLINED = {
    "a YAML 1.1 boolean": "- id: a\n  flag: yes\n",
    "a quoted yes": "- id: a\n  flag: 'on'\n",
    "an octal": "- id: a\n  value: 017\n",
    "an exponent without a dot": "- id: a\n  value: 1e3\n",
    "a sexagesimal": "- id: a\n  value: 1:30\n",
    "an underscore number": "- id: a\n  value: 1_000\n",
    "an alias": "- &x id: a\n- id: *x\n",
    "a tag": "- id: !!str a\n",
    "an impossible date": "- id: a\n  date: 2022-02-30\n",
    "a duplicate key": "- id: a\n  id: b\n",
    "a flow list of citations over lines": "- id: a\n  sources: [x,\n    y]\n",
    "a control character": "- id: a\x07\n",
    "a second document": "- id: a\n---\n- id: b\n",
    "a mapping at the top": "id: a\n",
    "a lone carriage return": "- id: a\r  name: A\n",
    "a document start first": "---\n- id: a\n",
    "a directive": "%YAML 1.1\n---\n- id: a\n",
    "a document end": "- id: a\n...\n",
    "a line separator": "- id: a\u2028b\n",
    "an octal in a flow list": "- id: a\n  values: [1, 0o17]\n",
    "an octal first in a flow list": "- id: a\n  values: [017]\n",
    "an octal after a tab": "- id: a\n  value:\t017\n",
    "a binary number": "- id: a\n  value: 0b101\n",
}


@pytest.mark.parametrize("text", SAME_EITHER_WAY.values(), ids=SAME_EITHER_WAY.keys())
def test_layouts_read_the_same_both_ways(text: str, tmp_path: Path) -> None:
    fast = read_fast(text)
    assert fast is not None
    slow, problems = careful(text, tmp_path)
    assert problems == [] and same(fast, slow) is None, same(fast, slow)


@pytest.mark.parametrize("text", DECLINED.values(), ids=DECLINED.keys())
def test_what_yaml_versions_read_otherwise_or_pyyaml_reports_goes_the_careful_way(text: str) -> None:
    assert read_fast(text) is None


def test_a_build_reports_problems_with_the_careful_readers_lines(tmp_path: Path) -> None:
    """A file the fast way reads but the checks fault is read again carefully: the same messages as validate."""
    from ipkb.build.store import build
    from ipkb.errors import InvalidKnowledgeBase

    kb = tmp_path / "kb"
    (kb / "entities").mkdir(parents=True)
    (kb / "schema.yaml").write_bytes((ROOT / "kb" / "schema.yaml").read_bytes())
    text = "- id: a\n  type: nosuchtype\n  name: A\n  sources:\n    - {source: s, quote: q}\n"
    assert read_fast(text) is not None
    (kb / "entities" / "a.yaml").write_text(text)
    with pytest.raises(InvalidKnowledgeBase) as raised:
        build(kb, tmp_path / "db.sqlite")
    assert any(p.line == 2 and "nosuchtype" in p.message for p in raised.value.problems)


def test_any_dumped_records_read_the_same_both_ways_or_go_the_careful_way(tmp_path: Path) -> None:
    """Random records, dumped by PyYAML in block and mixed styles with narrow widths (so scalars wrap)."""
    import yaml
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    keys = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True)
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.floats(allow_nan=False), st.text(max_size=30)
    )
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3))
    records = st.lists(st.dictionaries(keys, values, min_size=1, max_size=4), min_size=1, max_size=4)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(records, st.sampled_from([False, None]), st.integers(20, 80), st.booleans())
    def check(data: list[dict[str, Any]], flow: bool | None, width: int, unicode: bool) -> None:
        text = yaml.safe_dump(data, default_flow_style=flow, width=width, allow_unicode=unicode, sort_keys=False)
        fast = read_fast(text)
        if fast is not None:
            slow, problems = careful(text, tmp_path)
            assert problems == [] and same(fast, slow) is None, (text, same(fast, slow))

    check()


def test_any_text_is_read_or_declined_never_raised() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    pieces = st.sampled_from([*"\n:[]{},|>#-'\"", "- ", "  ", "id: ", "a"])

    @settings(max_examples=400, deadline=None)
    @given(st.lists(pieces | st.text(max_size=3), max_size=40).map("".join))
    def check(text: str) -> None:
        result = read_fast(text)
        assert result is None or isinstance(result, Sequence)

    check()


def test_records_with_citations_facts_and_former_names_in_any_layout_keep_the_careful_lines(tmp_path: Path) -> None:
    """The keys whose items keep lines, in block and flow styles, nested and indentless, at any width."""
    import yaml
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    text_values = st.text(alphabet="ab -:#'\"[]{},\n", max_size=12)
    citation = st.one_of(text_values, st.fixed_dictionaries({"source": text_values, "quote": text_values}))
    citations = st.lists(citation, max_size=3)
    inner = st.fixed_dictionaries({"metric": text_values}, optional={"sources": citations, "note": text_values})
    record = st.fixed_dictionaries(
        {"id": text_values},
        optional={
            "sources": citations,
            "facts": st.lists(inner, max_size=2),
            "former_names": st.lists(inner, max_size=2),
            "note": text_values,
        },
    )

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(record, min_size=1, max_size=3), st.sampled_from([False, None]), st.integers(20, 80), st.booleans())
    def check(data: list[dict[str, Any]], flow: bool | None, width: int, indentless: bool) -> None:
        text = yaml.safe_dump(data, default_flow_style=flow, width=width, sort_keys=False, indent=2)
        if not indentless:  # PyYAML writes a key's list at the key's indentation; indent it as people often do
            text = "\n".join(
                ("  " + line if line.lstrip().startswith("- ") and line[:1] == " " else line)
                for line in text.split("\n")
            )
        fast = read_fast(text)
        if fast is not None:
            slow, problems = careful(text, tmp_path)
            assert problems == [] and same(fast, slow) is None, (text, same(fast, slow))

    check()


def test_a_files_share_of_the_store_is_the_same_either_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows, summary and problems of every bundled and synthetic record file, read the fast way and the careful."""
    from ipkb.build import load
    from ipkb.build.parts import Part, Source, read_part
    from ipkb.build.schema import load_schema

    kb = tmp_path / "kb"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "400", str(kb)], check=True)
    paths = {folder: sorted(folder.glob("*/*.yaml")) for folder in (ROOT / "kb", kb)}

    def parts() -> list[Part]:
        out = []
        for folder, files in paths.items():
            schema = load_schema(folder / "schema.yaml", "kb/schema.yaml", [])
            for path in files:
                out.append(read_part(Source(path, f"kb/{path.parent.name}/{path.name}", path.parent.name, "k"), schema))
        return out

    fast = parts()
    original = load.read_records
    monkeypatch.setattr(load, "read_records", lambda *args, **kwargs: original(*args, **{**kwargs, "fast": False}))
    slow = parts()
    for one, other in zip(fast, slow, strict=True):
        assert (one.rows, one.summary, one.problems) == (other.rows, other.summary, other.problems), one.name
    files = [path for found in paths.values() for path in found]
    assert sum(read_fast(path.read_text(encoding="utf-8")) is not None for path in files) >= 0.9 * len(files)
