"""Grid, the table of ipkb.render.queries: columns stay aligned, lines fit the console, and no cell loses a character
however narrow the console is."""

from __future__ import annotations

import io
import re
from collections import Counter

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.text import Text

from ipkb.render.layout import Grid, Hanging, print_to, width_of

WORD = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_0123456789", min_size=1, max_size=30),
    st.text(alphabet="湖州市浙江省知识产权示范城", min_size=1, max_size=12),
)
CELL = st.lists(WORD, max_size=6).map(" ".join)


def draw(grid: Grid, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, no_color=True, highlight=False)
    console.print(grid)
    output = console.file.getvalue()
    assert isinstance(output, str)
    return output


def grid(rows: list[list[str]]) -> Grid:
    table = Grid("id", "count", "name", "zh", title="Things", justify=("left", "right"), flexible=(2, 3, 0))
    for row in rows:
        table.add_row(*row)
    return table


def characters(text: str) -> Counter[str]:
    return Counter(c for c in text if not c.isspace() and c != "─")


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(WORD, st.integers(0, 10**6).map(str), CELL, CELL).map(list), min_size=1, max_size=8))
def test_grid_fits_narrow_consoles_and_never_cuts_a_word(rows: list[list[str]]) -> None:
    wide = draw(grid(rows), 400)
    for row in rows:  # at full width each row is one line, cells in order
        assert any(all(cell in line for cell in row) for line in wide.splitlines())
    cells = characters(" ".join(" ".join(row) for row in rows))
    for width in (100, 60, 44):  # words are at most 30 cells: as a table or as records, each fits whole
        narrow = draw(grid(rows), width)
        assert not cells - characters(narrow), width  # no character lost
        lines = narrow.splitlines()
        assert all(cell_len(line) <= width for line in lines), width
        for word in {word for row in rows for cell in row for word in cell.split()}:
            assert any(word in line for line in lines), (width, word)


def test_a_grid_too_wide_for_whole_words_becomes_records() -> None:
    table = Grid("id", "name", title="Centers")
    table.add_row("anhui-overseas-dispute-subcenter", "Anhui Sub-center of the National Overseas IP Dispute Center")
    table.add_row("keqiao", "Keqiao")
    lines = draw(table, 40).splitlines()
    assert lines[:4] == [
        "Centers",
        " id    anhui-overseas-dispute-subcenter",
        " name  Anhui Sub-center of the National",
        "       Overseas IP Dispute Center",
    ]
    assert lines[4] == "" and lines[5] == " id    keqiao"


def test_an_id_column_breaks_after_hyphens_rather_than_turn_the_table_into_records() -> None:
    """Told which columns hold ids, a grid too narrow for a whole id breaks it after a hyphen, and only once
    every other column is as narrow as its words allow; without that, the same rows become records."""
    rows = [
        ["national-ip-strong-county-project-demonstration", "Strong-county project demonstration county", "22"],
        ["keqiao", "Keqiao", "3"],
    ]
    table = Grid("id", "name", "count", hyphenated=(0,))
    plain = Grid("id", "name", "count")
    for row in rows:
        table.add_row(*row)
        plain.add_row(*row)
    lines = draw(table, 40).splitlines()
    assert lines[0].split() == ["id", "name", "count"]
    assert [line.split()[0] for line in lines[2:6]] == ["national-ip-", "strong-county-", "project-", "demonstration"]
    assert lines[2].split()[1:] == ["Strong-county", "22"]  # the name is only as narrow as its longest word
    assert all(cell_len(line) <= 40 for line in lines)
    assert not characters(" ".join(" ".join(r) for r in rows)) - characters("\n".join(lines))
    assert draw(table, 120).splitlines()[2].split()[0] == rows[0][0]  # whole where it fits
    assert draw(plain, 40).splitlines()[0].split() == ["id"]  # a record: the id too long for its line


def test_grid_wraps_within_the_column() -> None:
    table = Grid("label", "text", "source", flexible=(1,), show_header=False)
    table.add_row("holds", "National IP demonstration city 国家知识产权示范城市 (designation) · rank 4 of 25", "[1]")
    lines = draw(table, 40).splitlines()
    assert lines[0].startswith(" holds  National") and lines[0].endswith("[1]")
    assert all(line.startswith(" " * 8) for line in lines[1:])  # continuation lines stay in the text column
    assert all(cell_len(line) <= 40 for line in lines)


def test_a_section_heads_its_rows_across_the_whole_width() -> None:
    """What a group of rows shares (coverage: the entity and metric) is said once, above them, in a table and
    in records alike, so it needs no column of its own."""
    table = Grid("period", "claimed")
    table.add_section("National IP demonstration city (national-ip-demonstration-city) · designee count")
    table.add_row("2012", "23")
    table.add_row("2013", "18")
    table.add_section("Sword Net campaigns (sword-net-campaign) · member count")
    table.add_row("2025", "21")
    lines = draw(table, 60).splitlines()
    assert lines[:6] == [
        " period  claimed",
        " " + "─" * 15,
        " National IP demonstration city",
        " (national-ip-demonstration-city) · designee count",
        " 2012    23",
        " 2013    18",
    ]
    assert lines[6:] == ["", " Sword Net campaigns (sword-net-campaign) · member count", " 2025    21"]
    records = draw(table, 14).splitlines()  # too narrow for the table: each row a record, under its heading
    assert records[:3] == [" National IP", " demonstration", " city"]
    assert " period   2012" in records and " claimed  21" in records


def test_a_column_named_last_narrows_only_when_no_other_can() -> None:
    table = Grid("metric", "unit", last=(0,))
    table.add_row("invention patents per 10k people", "patents per 10,000 people")
    assert draw(table, 50).splitlines()[2] == " invention patents per 10k people  patents per"
    assert draw(table, 30).splitlines()[2] == " invention patents     patents"  # then it narrows too


def test_empty_columns_take_no_room() -> None:
    table = Grid("metric", "", "source")
    table.add_row("patent grants", "", "[1]")
    assert draw(table, 80).splitlines()[0] == " metric         source"


def test_piped_output_takes_the_width_of_the_users_terminal(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`ipkb show X | less`: stdout is a pipe, but stderr is the terminal the user reads: its width counts."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 64, 0, 0))
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"} | {"XDG_CACHE_HOME": str(tmp_path)}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ipkb", "show", "national-center"],
            stdout=subprocess.PIPE,
            stderr=terminal,
            stdin=subprocess.DEVNULL,
            env=env,
            timeout=120,
            start_new_session=True,  # no controlling terminal but the pty on stderr
        )
    finally:
        os.close(terminal)
        os.close(controller)
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 0 and len(lines) > 20
    assert max(cell_len(line) for line in lines if len(line.split()) > 1) <= 64 < 80  # a lone URL runs on, whole


def print_both(renderable: RenderableType, width: int, terminal: bool = False) -> tuple[str, str]:
    """`renderable` through rich's console.print and through print_to, on the same kind of console."""
    out = []
    for way in ("rich", "ipkb"):
        console = Console(
            file=io.StringIO(), width=width, no_color=not terminal, highlight=False, force_terminal=terminal
        )
        if way == "rich":
            console.print(renderable, crop=False)
        else:
            print_to(console, renderable)
        out.append(console.file.getvalue())
    return out[0], out[1]


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(WORD, st.integers(0, 10**6).map(str), CELL, CELL).map(list), min_size=1, max_size=8),
    width=st.sampled_from([40, 44, 60, 80, 120]),
)
def test_plain_output_is_what_rich_prints(rows: list[list[str]], width: int) -> None:
    """A pipe gets a Grid's lines written straight out (fast for long lists): the same characters rich prints,
    as a table, wrapped in its columns, or as records."""
    rich_output, plain_output = print_both(Group(grid(rows), Text("n rows", style="dim")), width)
    assert plain_output == rich_output


def test_plain_output_matches_rich_on_awkward_cells() -> None:
    table = Grid("", "", title="Notes", styles=("dim",), show_header=False)
    table.add_row(Text("bold", style="bold"), "a line\nwith a break and a bell \x07 and 湖州市知识产权局")
    table.add_row("x" * 70, "a word wider than the console: " + "y" * 90)
    records = Grid("id", "name")
    records.add_section(Text("a heading over the rows after it, " * 3, style="bold") + Text("q" * 90))
    records.add_row("z" * 50, "words " * 30)
    for width in (40, 60, 80, 120):
        for renderable in (table, records, Group(table, Text("tail"), records)):
            rich_output, plain_output = print_both(renderable, width)
            assert plain_output == rich_output, width
            assert "\x07" not in plain_output


def test_a_terminal_still_gets_styles() -> None:
    table = Grid("id", "name")
    table.add_row("huzhou", "Huzhou")
    rich_output, plain_output = print_both(table, 80, terminal=True)
    assert plain_output == rich_output
    assert "\x1b[1m" in plain_output  # the bold header


@given(st.one_of(st.text(), st.text(alphabet=st.characters(min_codepoint=0x0, max_codepoint=0xFFFF)), CELL))
def test_width_is_what_rich_measures(text: str) -> None:
    assert width_of(text) == cell_len(text)


def test_every_ideograph_takes_two_cells_as_rich_says() -> None:
    ideographs = "".join(map(chr, range(0x4E00, 0xA000)))
    assert all(width_of(c) == cell_len(c) == 2 for c in ideographs)
    assert width_of("中国(大连) IP 中心") == cell_len("中国(大连) IP 中心")


def test_a_word_wider_than_the_console_is_never_broken() -> None:
    """A URL or an id wider than the console gets a line of its own and runs past the edge whole, in a table,
    as records and in a footnote, plain or styled: a terminal wraps it without a line break, so a reader can
    copy it. Every other line fits."""
    url = "https://example.org/" + "a-very-long-path-" * 6 + "page.html"
    footnote = Hanging(" [1] ", Text(f"“A title”, a publisher, 2024 ({url})  src-example · press"))
    table = Grid("id", "where")
    table.add_row("src-example", url)
    for width in (40, 60, 80):
        for terminal in (False, True):
            for renderable in (footnote, table, Group(table, footnote)):
                _, out = print_both(renderable, width, terminal)
                plain = re.sub("\x1b\\[[0-9;]*m", "", out)
                assert f"({url})" in plain or url in plain.split(), (width, terminal)
                assert all(cell_len(line) <= width for line in plain.splitlines() if url not in line)


def test_chinese_without_spaces_still_wraps_between_characters() -> None:
    quote = "“" + "国家知识产权局确定河北省石家庄市正定县等99个县(区)为2013年国家知识产权强县工程试点县(区)" * 2 + "”"
    for width in (40, 60, 80):
        for terminal in (False, True):
            _, out = print_both(Hanging(" [1] ", Text(f"src-example: {quote}")), width, terminal)
            plain = re.sub("\\x1b\\[[0-9;]*m", "", out)
            assert all(cell_len(line) <= width for line in plain.splitlines()), width
            assert "".join(line.strip() for line in plain.splitlines()).endswith(quote)


def test_a_year_the_date_already_gives_is_not_said_twice() -> None:
    from ipkb.qualifiers import qualifiers_text

    assert qualifiers_text({"batch": 1, "year": 2022, "date": "2022-08"}) == "batch 1 · 2022-08"
    assert qualifiers_text({"year": 2021, "date": "2022-01-05"}) == "2021 · 2022-01-05"  # a year of its own stays
    assert qualifiers_text({"year": 2022}) == "2022"
    # a term says its first year already (show huzhou: `2022-07 – 2025-06 · 2022`)
    assert qualifiers_text({"since": "2022-07", "until": "2025-06", "year": 2022}) == "2022-07 – 2025-06"


@given(
    st.text(alphabet="湖州市浙江省知识产权，（）\u3000한글", min_size=1, max_size=30),
    st.integers(min_value=2, max_value=40),
)
@settings(max_examples=200, deadline=None)
def test_a_chinese_name_wraps_as_the_general_wrapper_breaks_it(name: str, width: int) -> None:
    """A Chinese name alone in a cell (the `zh` of a long list) is cut width // 2 characters a line without
    asking the line divider: the same lines line_ranges gives, which any other cell holding Chinese still gets.
    (A name of hangul alone is not Chinese: rich folds it, as before the shortcut.)"""
    from ipkb.render.cell import Cell
    from ipkb.render.wrap import line_ranges
    from ipkb.text import has_han

    assume(has_han(name))

    console = Console(file=io.StringIO(), width=80, no_color=True)
    lines = Cell.of(name).wrap(console, width)
    assert [line.plain for line in lines] == [name[a:b] for a, b in line_ranges(name, width)]
    assert [line.width for line in lines] == [width_of(line.plain) for line in lines]


def test_a_long_list_draws_its_repeated_cells_as_each_alone() -> None:
    """A place's name on many rows is drawn the same on every row, beside rows of their own."""
    grid = Grid("id", "zh", "located in", breakable=[1], hyphenated=[0], last=[2])
    for n in range(30):
        grid.add_row(f"id-{n:04}", "兴新永泰知识产权局" * (1 + n % 2), "Fuqiaochen County Intellectual Property Office")
    for width in (30, 50, 60):  # records, then tables
        lines = draw(grid, width).splitlines()
        starts = [next(k for k, line in enumerate(lines) if f"id-{n:04}" in line) for n in (1, 2, 3, 4)]
        one, three = lines[starts[0] : starts[1]], lines[starts[2] : starts[3]]
        assert len(one) > 2, width  # wrapped
        assert [line.replace("id-0001", "id-0003") for line in one] == three, width


ASCII_CELL = st.lists(st.text(alphabet="abc-_09 ", min_size=1, max_size=30), max_size=6).map(" ".join)


@given(ASCII_CELL, st.integers(min_value=1, max_value=40))
@settings(max_examples=300, deadline=None)
def test_plain_text_breaks_where_rich_breaks_it(text: str, width: int) -> None:
    """A plain cell's lines (a long list's names) are cut where rich's line divider cuts them."""
    from rich._wrap import divide_line

    from ipkb.render.cell import Cell, _ascii_breaks

    console = Console(file=io.StringIO(), width=80, no_color=True)
    lines = [line.plain for line in Cell.of(text).wrap(console, width)]
    assert lines == [line.plain for line in Text(text).wrap(console, width, overflow="fold")]
    breaks = _ascii_breaks(text, width)
    assert breaks is None or breaks == divide_line(text, width, fold=True)
    if all(len(word.rstrip()) <= width for word in re.findall(r"\s*\S+\s*", text)):  # no word is folded
        assert breaks is not None


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.text(alphabet="abcdefghijkl-0123", min_size=1, max_size=40),
            WORD,
            CELL,
            st.text(alphabet="湖州市浙江省知识产权，（）2022", max_size=20),
            st.one_of(CELL, CELL.map(lambda c: c.replace(" ", "\u00a0", 1))),
            st.sampled_from(["", "inferred location"]),
        ).map(list),
        min_size=1,
        max_size=8,
    ),
    width=st.integers(30, 130),
)
def test_a_long_list_prints_to_a_pipe_what_rich_prints(rows: list[list[str]], width: int) -> None:
    """`list --in`'s table (an id that breaks after a hyphen, Chinese that breaks between characters, places
    that narrow last, a column left empty) is laid out as strings for a pipe: the characters rich prints."""
    table = Grid("id", "type", "name", "zh", "located in", "caveat", breakable=[3], hyphenated=[0], last=[4])
    for row in rows:
        table.add_row(*row)
    rich_output, plain_output = print_both(Group(table, Text("n entities", style="dim")), width)
    assert plain_output == rich_output
