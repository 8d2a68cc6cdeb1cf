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


def difference(fast: Any, slow: Any, where: str = "$") -> str | None:
    """Where two readings differ: values, types, and every line (records, keys, items)."""
    if type(fast) is not type(slow):
        return f"{where}: {type(fast).__name__} vs {type(slow).__name__}"
    if isinstance(fast, Mapping):
        if (fast.line, fast.key_lines, list(fast)) != (slow.line, slow.key_lines, list(slow)):
            return f"{where}: line {fast.line} vs {slow.line}, keys {fast.key_lines} vs {slow.key_lines}"
        return next((d for k in fast if (d := difference(fast[k], slow[k], f"{where}.{k}"))), None)
    if isinstance(fast, Sequence):
        if (fast.line, fast.item_lines, len(fast)) != (slow.line, slow.item_lines, len(slow)):
            return f"{where}: line {fast.line} vs {slow.line}, items {fast.item_lines} vs {slow.item_lines}"
        return next((d for i, x in enumerate(fast) if (d := difference(x, slow[i], f"{where}[{i}]"))), None)
    return None if fast == slow else f"{where}: {fast!r} vs {slow!r}"


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
        assert difference(fast, slow) is None, (path, difference(fast, slow))
    assert read >= 40  # most of the bundled KB takes the fast way


def test_a_synthetic_kb_reads_the_same_both_ways(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "400", str(kb)], check=True)
    files = sorted(kb.glob("*/*.yaml"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast = read_fast(text)
        assert fast is not None, path
        assert difference(fast, careful(text, tmp_path)[0]) is None, path


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
    "a flow list over lines": "- id: a\n  aliases: [x,\n    y]\n",
    "a control character": "- id: a\x07\n",
    "a second document": "- id: a\n---\n- id: b\n",
    "a mapping at the top": "id: a\n",
    "a lone carriage return": "- id: a\r  name: A\n",
    "a document start first": "---\n- id: a\n",
    "a directive": "%YAML 1.1\n---\n- id: a\n",
    "a document end": "- id: a\n...\n",
    "a line separator": "- id: a\u2028b\n",
    "an octal in a flow list": "- id: a\n  values: [1, 0o17]\n",
    "a binary number": "- id: a\n  value: 0b101\n",
}


@pytest.mark.parametrize("text", SAME_EITHER_WAY.values(), ids=SAME_EITHER_WAY.keys())
def test_layouts_read_the_same_both_ways(text: str, tmp_path: Path) -> None:
    fast = read_fast(text)
    assert fast is not None
    slow, problems = careful(text, tmp_path)
    assert problems == [] and difference(fast, slow) is None, difference(fast, slow)


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
            assert problems == [] and difference(fast, slow) is None, (text, difference(fast, slow))

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
