"""The read-only query commands, each declared once: its arguments, options and help (the docstring) in
`@declare(...)` above the plain function that runs it.

app.py builds the typer commands from these declarations and fast.py parses command lines with them
without typer; both call the functions here with every argument and option as a keyword. The answers come
from the library face (ipkb/api.py); these functions only choose how to print them. Adding a query command
means adding one declared function here (and its answer in api.py if it is new).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ipkb.cli import cited_sources, emit, emit_as_of, emit_json, emit_note, open_kb
from ipkb.cli.fast import AS_OF, JSON, MAX_INT, TYPES, VIA, Arg, Command, Opt, declare
from ipkb.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ipkb.shapes import Columns, ListPage, ListRow

COMMANDS: dict[str, Command] = {}


def _entity(help_text: str, metavar: str | None = None) -> Arg:
    """An argument naming an entity, completed from the KB's names; its words need no quotes (`ipkb show
    Zhizheng District`), as search's do not."""
    return Arg("entity", help_text, metavar, complete="entities", variadic=True)


@declare(
    COMMANDS,
    "show",
    _entity("Id, English or Chinese name, alias or pinyin."),
    Opt("--quotes", "quotes", "flag", help="Print every claim with the exact words of its sources."),
    AS_OF,
    JSON,
)
def show(entity: str, quotes: bool, as_of: str | None, as_json: bool) -> None:
    """An entity: names, description, facts, relations both ways, and the sources behind them.

    Notes and `inferred` stand beside the claims they qualify. A source lists every claim it supports.

    \b
    e.g. ipkb show huzhou
         ipkb show 湖州 --quotes
         ipkb show national-center --as-of 2020
    """
    view = open_kb(as_of).show(entity)
    if as_json:
        return emit_json(view)
    from ipkb.render import show as render_show

    emit(render_show.show_quotes(view) if quotes else render_show.show(view))


@declare(
    COMMANDS,
    "path",
    Arg("start", "Where the path starts.", "A", complete="entities"),
    Arg("goal", "Where it ends.", "B", complete="entities"),
    Opt("--all", "all_paths", "flag", help="Every shortest path (up to 100), not just one, the surest first."),
    VIA,
    Opt("--max-hops", "max_hops", "int", help="Give up beyond N hops.", min=1),
    AS_OF,
    JSON,
)
def path(
    start: str,
    goal: str,
    all_paths: bool,
    via: list[str] | None,
    max_hops: int | None,
    as_of: str | None,
    as_json: bool,
) -> None:
    """The shortest chain of cited relations between two entities, in either direction.

    Of equally short chains, the one with the fewest hops only planned, then only announced, then inferred.

    \b
    e.g. ipkb path keqiao national-center
         ipkb path keqiao national-center --all --via subcenter_of --via located_in --max-hops 4
    """
    from ipkb.answers.path import path as answer

    kb = open_kb(as_of)
    view = answer(kb.store, start, goal, all_paths, via, max_hops)
    if as_json:
        return emit_json(view)
    from ipkb.render import path as render

    emit_as_of(kb)
    emit(render.path(view))
    if unplaced := view.get("not_placed"):  # as neighbors and list say what --as-of left out
        emit_note(f"{unplaced} more reached without a date to place on {view.get('as_of')}, not walked through")


@declare(
    COMMANDS,
    "search",
    Arg("text", "Words in any language, all required, in any order (quoted or not).", variadic=True),
    TYPES,
    Opt("--limit", "limit", "int", help="At most N results.", default=20, min=1, max=MAX_INT),
    JSON,
)
def search(text: str, types: list[str] | None, limit: int, as_json: bool) -> None:
    """Entities whose names (id, English and Chinese names, aliases, pinyin) or description hold every word.

    A word in Latin letters must start a word there: hang finds Hangzhou; hangzhou does not find Changzhou.
    Pinyin needs no tones, and its syllables may be typed with or without spaces: zhongxin and zhong xin find
    Zhōng Xīn (中心), from the syllable it starts at. Traditional characters are looked for in simplified ones
    too: 寧波 finds 宁波, 知識產權 what 知识产权 finds.
    Chinese is found anywhere: 柯桥 finds 柯桥区. A text of 1 or 2 characters (柯桥, an), and a word that
    short in Chinese beside others, is looked for in names only, anywhere in them. Chinese that nothing holds
    as written is looked for again two characters at a time (pinyin two syllables at a time), and stderr
    says so: 海外纠纷 and haiwaijiufen find 海外知识产权纠纷. Several Chinese words list first the entities
    with a name holding the most of them, the shortest such name first. British spellings find the American
    ones and the reverse, in a compound too, joined or hyphenated, and a plural its singular: centre finds
    center, subcentres sub-center. Exact names first, then names starting with the text. When nothing
    matches, or only a few read apart, the names `ipkb show` would suggest go to stderr: 国知局 offers cnipa.
    A search in Chinese says on stderr how many entities have no Chinese name: it cannot find those.

    \b
    e.g. ipkb search 柯桥
         ipkb search "zhejiang protection center" --type center

    Under --json: {"total", "truncated", "entities", "read_as", "suggestions"}: how many match in all
    (counted up to 1,000; null past that), whether --limit left some out, the entities shown, the text
    searched instead when nothing matched as written (else null), and when nothing matches, or only 5
    or fewer read apart, the names "did you mean" offers that the list does not hold ({id, name}; else []);
    for Chinese text also "without_chinese_name": how many entities of those types have no Chinese name.
    """
    from ipkb.api import SEARCH_COUNT_CAP

    kb = open_kb()
    page = kb.search_page(text, types, min(limit, MAX_INT - 1))
    if as_json:
        return emit_json(page)
    from ipkb.render import queries as render
    from ipkb.text import counted

    total = page["total"]
    emit(
        render.entity_table(
            page["entities"], total=SEARCH_COUNT_CAP + 1 if total is None else total, cap=SEARCH_COUNT_CAP
        )
    )
    if page["read_as"] is not None:
        emit_note(f"nothing holds {text} as written: found with {page['read_as']}, the words apart")
    if page["suggestions"]:  # nothing matched, or a few read apart: the names `show` would offer
        from ipkb.read.resolve import shown

        emit_note("did you mean: " + ", ".join(shown([(s["id"], s["name"]) for s in page["suggestions"]])))
    unnamed = page.get("without_chinese_name", 0)
    if unnamed and not page["truncated"]:  # the list ends here for Chinese; say what it cannot hold
        emit_note(
            f"note: {counted(unnamed, 'entity')} {'has' if unnamed == 1 else 'have'} no Chinese name in the KB, "
            "so a search in Chinese misses them: search in English too (`ipkb coverage` lists them)"
        )
    if page["truncated"]:
        more = f"--limit {total} shows them all" if total is not None else "--limit N shows more"
        emit_note(f"{total if total is not None else f'more than {SEARCH_COUNT_CAP:,}'} match: {more}")


@declare(
    COMMANDS,
    "list",
    TYPES,
    Opt(
        "--in",
        "within",
        help="Only entities located within PLACE (or hosted by it or a place within it: caveat `inferred location`), "
        "each with the place it lies in directly: the column `located in`; under --json, `in`: a list of "
        "{id, type, name, zh}.",
    ),
    Opt("--designation", "designation", help="Only holders of designation D."),
    Opt(
        "--columns",
        "columns",
        help="Columns to show, comma-separated or repeated: id, type, name, zh, pinyin, description; caveat "
        "(listed only by inference, plan or announcement, or first so: `announced 2013 · held in 2014`; with --in "
        "or --designation); in (where it lies "
        "directly; with --in); a relation type (located_in: where it lies; a planned, announced or inferred "
        "one marked: `national-center (planned)`); with --designation, a qualifier of "
        "the designation (batch, year).",
        multiple=True,
    ),
    Opt(
        "--format",
        "table_format",
        help="csv, tsv or json: for a spreadsheet or a script.",
        choices=("csv", "tsv", "json"),
    ),
    AS_OF,
    JSON,
)
def list_entities(
    types: list[str] | None,
    within: str | None,
    designation: str | None,
    columns: list[str] | None,
    table_format: str | None,
    as_of: str | None,
    as_json: bool,
) -> None:
    """Entities, filtered by type, place and designation.

    \b
    e.g. ipkb list --type center --in zhejiang
         ipkb list --designation national-ip-demonstration-city --columns id,name,located_in,year --format csv

    Under --json: {"entities", "claimed_totals"}: the entities, and with --designation each total of its
    holders that a source claims beside how many the KB lists (as `show` gives them: listed, undated,
    claimed, missing) and "designation", the one its words named ({id, type, name, zh}); with --as-of,
    "without_start_date": how many more match but have no known start date, and "not_yet_begun": how many
    more match but are known to begin later (their own since, or every relation that dates them), neither
    listed. --format json, csv and tsv give the rows alone (those counts on stderr).
    """
    if as_json and table_format is not None:
        raise UsageError(
            f"--json and --format {table_format} ask for two outputs",
            hint="give one of them"
            + ("; --json: {entities, claimed_totals}, --format json: the rows alone" if table_format == "json" else ""),
        )
    kb = open_kb(as_of)
    listed, without_start, later = kb.list_entities_as_of(types, within, designation)
    day = kb.store.as_of or ""
    from ipkb.answers.listing import designation_ref

    held = designation_ref(kb.store, designation) if designation is not None else None  # what its words named
    marked = sum(1 for row in listed if row.get("caveat"))  # listed (or first listed) by inference, plan, announcement
    rows: list[ListRow] | list[Columns] = listed
    wanted = [c.strip() for given in columns or [] for c in given.split(",") if c.strip()]
    if wanted:
        rows = [{k: row[k] for k in wanted} for row in kb.with_columns(listed, wanted, designation, within)]
    if marked and wanted and "caveat" not in wanted and not (as_json or table_format == "json"):
        rest = "rests" if marked == 1 else "rest"
        emit_note(f"{marked} of these {rest} on an inference, plan or announcement: add the column caveat")
    if table_format in ("csv", "tsv"):
        default = ["id", "type", "name", "zh", *(["caveat"] if marked else [])]
        write_delimited(rows, wanted or default, "," if table_format == "csv" else "\t")
        return _left_out(without_start, later, day)
    claims = kb.claimed_totals(designation) if designation else []  # how much of the designation's roster this is
    if as_json:
        page: ListPage = {"entities": rows, "claimed_totals": claims}
        if held is not None:
            page["designation"] = held
        if kb.store.as_of is not None:  # what the text's note says, under --as-of only
            page["without_start_date"], page["not_yet_begun"] = without_start, later
        return emit_json(page)
    if table_format == "json":
        emit_json(rows)
        return _left_out(without_start, later, day)
    from ipkb.render import queries as render

    extra = [*(["in"] if within else []), *(["caveat"] if marked else [])]
    emit_as_of(kb)
    if held is not None:
        emit(render.designation_title(held))
    emit(render.entity_table(rows, extra, columns=wanted or None))
    if claims:  # its sources numbered and listed under it with their quotes, as coverage lists them
        from ipkb.render.analysis import completeness

        cited = cited_sources(kb.store, (c["source"] for claim in claims for c in claim["sources"]))
        for part in completeness(claims, cited=cited, within=within):
            emit(part)
    _left_out(without_start, later, day)


def _left_out(without_start: int, later: int, day: str) -> None:
    """Under --as-of, how many more matched but have no known start date, and how many more had not yet
    begun (known to begin after `day`), apart: on stderr, whatever the output (--format's stdout stays the
    rows alone; --json says them as `without_start_date` and `not_yet_begun`). neighbors says its own so."""
    if later and without_start:
        both = f"{later} not yet begun on {day}, {without_start} without a known start date"
        emit_note(f"{later + without_start} more not shown: {both}")
    elif later:
        emit_note(f"{later} more not yet begun on {day} (not shown)")
    elif without_start:
        emit_note(f"{without_start} more without a known start date (not shown)")


def write_delimited(rows: Sequence[Mapping[str, object]], columns: list[str], delimiter: str) -> None:
    """CSV or TSV with a header, for a spreadsheet (RFC 4180 quoting; None is an empty cell; the places of
    `in`, by id, `; `-joined like a relation type's column)."""
    import csv
    import sys

    def cell(value: object) -> object:
        if isinstance(value, list):
            return "; ".join(str(v["id"]) if isinstance(v, dict) else str(v) for v in value)
        return "" if value is None else value

    writer = csv.writer(sys.stdout, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[cell(row.get(c)) for c in columns] for row in rows])


@declare(
    COMMANDS,
    "neighbors",
    _entity("Where to start."),
    Opt("--depth", "depth", "int", help="How many hops out.", default=1, min=1, max=10),
    VIA,
    Opt(
        "--table",
        "table",
        "flag",
        help="A flat table, an entity a line, instead of the tree: each link's details and sources if they fit.",
    ),
    Opt("--tree", "tree", "flag", help="The tree, with each link's caveats and sources (the default)."),
    AS_OF,
    JSON,
)
def neighbors(
    entity: str, depth: int, via: list[str] | None, table: bool, tree: bool, as_of: str | None, as_json: bool
) -> None:
    """Entities within N hops, as a tree of the relations that reach them, with their caveats and sources.

    Under --json: {"entities": [...]}, the entity asked for first (depth 0), each with its links; with
    --as-of also "without_start_date": how many more were reached but have no known start date, so are
    not listed.

    \b
    e.g. ipkb neighbors national-center --depth 2
         ipkb neighbors huzhou --via holds_designation --table
    """
    if table and tree:
        raise UsageError("--table and --tree ask for two drawings", hint="give one of them")
    from ipkb.answers.neighbors import neighbors as answer

    kb = open_kb(as_of)
    page = answer(kb.store, entity, depth, via)
    if as_json:
        emit_json(page)
        return
    from ipkb.render import neighbors as render

    labels = {name: (r["label"], r["inverse"]) for name, r in kb.store.relation_types().items()}
    emit_as_of(kb)
    rows = page["entities"]
    # the sources numbered and listed under it, as `show` lists them
    cited = cited_sources(kb.store, (c["source"] for r in rows for x in r["relations"] for c in x["sources"]))
    emit(render.table(rows, labels, cited) if table else render.tree(rows, labels, cited))
    _left_out(page.get("without_start_date", 0), 0, kb.store.as_of or "")  # as `list --as-of` says it
