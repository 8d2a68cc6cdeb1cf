"""The contract: every command's `--json` document (api.py returns the same) as TypedDicts, so that mypy checks
the views that build them (views*.py, and diff.py, whose document is in shapes_diff.py) against what reads
them (render/, api.py, the CLI). A key a document may lack is `NotRequired`; one always there but maybe null
is `X | None`. Only `typing` is imported, others import this only under TYPE_CHECKING (a query must start
cheaply). No `from __future__ import annotations`: `__required_keys__` must see `NotRequired` at run time
(test_shapes.py)."""

from typing import Any, Literal, NotRequired, TypedDict, TypeVar, get_args, get_origin, get_type_hints, is_typeddict

from ipkb.shapes_base import Citation as Citation
from ipkb.shapes_base import Direction as Direction
from ipkb.shapes_base import Ends as Ends
from ipkb.shapes_base import EntityRef as EntityRef
from ipkb.shapes_base import Qualifiers as Qualifiers
from ipkb.shapes_base import Relation as Relation
from ipkb.shapes_base import Source as Source

# Free-form on purpose: the keys come from the KB's YAML and schema, not from the code.
Attributes = dict[str, Any]  # an entity's attributes and fields: any the schema lets its type carry
GraphData = dict[str, Any]  # a node's, edge's or graph's attributes in the export graph (networkx-style)
Columns = dict[str, Any]  # a row of `list --columns`: whichever fields, relations and qualifiers were asked for
FactValue = int | float | str  # a figure as the YAML states it: a number, or text


class NameCitation(TypedDict):  # a former name's citation as the build stores it: `via` always there, maybe null
    source: str
    quote: str | None
    via: str | None


class Fact(TypedDict):
    metric: str
    value: FactValue
    bound: str | None  # the value is a bound the source gives: more_than, at_least, about, nearly, at_most, less_than
    unit: str | None
    period: str | None
    kind: str
    scope: Qualifiers
    confidence: str
    note: str | None
    sources: list[Citation]


class EntityFact(Fact):  # a fact with the entity it is about (listed first): `facts`, and a source's `supports`
    entity: EntityRef


class RelationView(Relation):  # a relation as seen from one end (`show`): its direction and the other end
    direction: Direction
    other: EntityRef


ListedIn = TypedDict("ListedIn", {"in": NotRequired[list["PlaceRef"]]})  # list --in: where each lies, directly


class PlaceRef(EntityRef):  # a place (or host) an entity lies in directly, for `list --in`
    inferred: NotRequired[bool]  # true: only an inferred relation puts it there (a host the KB infers)


class SupportedRelation(Ends, Relation):
    """A relation a source backs (`show` of a source), from its source to its target."""


class FormerName(TypedDict):
    name: str
    zh: str | None
    until: str
    sources: list[NameCitation]


class Names(TypedDict):
    en: str
    zh: str | None
    pinyin: str | None


class Claim(TypedDict):  # a total a fact claims (members of a relation) beside those the KB lists, and its sources
    metric: str
    period: str | None
    scope: Qualifiers
    claimed: FactValue
    listed: int
    undated: int
    confidence: str
    sources: list[Citation]


class ClaimedTotal(Claim):  # as `show` lists it: coverage's claim without the entity and the member lists
    missing: int | float | None  # what the KB lacks at least: claimed - listed - undated, not below 0; null: no number


class CoverageClaim(ClaimedTotal):  # beside the members the KB lists (dated by the period, undated apart)
    entity: EntityRef
    members: list[str]
    undated_members: list[str]


class CitedBy(TypedDict):  # a count per kind of claim: how many cite a source (`cited_by`), how many are inferred
    entity: int
    relation: int
    fact: int


class SupportedEntity(TypedDict):
    entity: EntityRef
    sources: list[Citation]


class Supports(TypedDict):  # every claim a source backs, with the quote taken from it
    entities: list[SupportedEntity]
    relations: list[SupportedRelation]
    facts: list[EntityFact]


class AsOf(TypedDict, total=False):  # `show --as-of`: the day, the name then, whether it existed, undated relations
    as_of: str
    name_as_of: str
    zh_as_of: str | None
    exists_as_of: bool | None
    relations_date_unknown: list[RelationView]
    facts_without_date: int  # figures left out as nothing dates them: no period (or a target) and no dated source


class SourceUse(TypedDict, total=False):  # what `show` adds for a source: how many claims cite it, and those claims
    cited_by: CitedBy
    supports: Supports


class ShowView(AsOf, SourceUse):  # `show`: these keys in this order, AsOf's before `sources`, SourceUse's after
    id: str
    type: str
    name: str
    names: Names
    aliases: list[str]
    description: str | None
    attributes: Attributes
    fields: Attributes
    confidence: str
    note: str | None
    defined_at: str
    citations: list[Citation]
    former_names: list[FormerName]
    facts: list[Fact]
    relations: list[RelationView]
    claimed_totals: list[ClaimedTotal]
    sources: list[Source]


# `search`, `list`; `caveat` (--in, --designation): listed by inference, plan or announcement
class ListRow(EntityRef, ListedIn):
    caveat: NotRequired[str | None]


class ListPage(TypedDict):  # `list --json`: the entities (as --columns asks), with --designation its claimed totals
    entities: list[ListRow] | list[Columns]
    claimed_totals: list[ClaimedTotal]  # as `show` gives them: listed (+undated) of claimed; [] without --designation
    designation: NotRequired[EntityRef]  # with --designation only: the designation its words named
    without_start_date: NotRequired[int]  # under --as-of only: how many more match, unlisted: no known start date
    not_yet_begun: NotRequired[int]  # under --as-of only: how many more match, unlisted: known to begin later


class Suggestion(TypedDict):  # a "did you mean": the entity, and its name that came close (an alias, a Chinese name)
    id: str
    name: str


class SearchPage(TypedDict):  # `search --json`: the best matches, and how many there are
    total: int | None  # every match, counted up to 1,000; null: more than that
    truncated: bool  # --limit left some out
    entities: list[ListRow]
    read_as: str | None  # what was searched when nothing matched as written: Chinese or pinyin cut in twos; else null
    suggestions: list[Suggestion]  # no match, or few read apart: names `show` would offer, not listed; else []
    without_chinese_name: NotRequired[int]  # Chinese text: entities (of --type) with no Chinese name, not found so


class CitationShare(TypedDict):  # how many claims of a kind have a source, a quote, a quote from the source's own text
    total: int
    with_source: int
    with_quote: int
    share_with_source: float | None  # to 4 places (1.0 only for all, 0.0 for none); null when total is 0
    share_with_quote: float | None
    with_quote_from_source_text: int  # a research note cited as the source counts as its own text here
    share_with_quote_from_source_text: float | None
    resting_only_on_research_notes: int  # every source it cites is one of our research notes (kind research-note)
    share_resting_only_on_research_notes: float | None


class CitationShares(TypedDict):
    relations: CitationShare
    facts: CitationShare


class StatsClaim(Claim):
    entity: EntityRef


class Counts(TypedDict):  # the store's counts that `stats` shows as they are
    entities: int  # every entity, sources included (the text says `N entities + S sources`: entities - sources)
    relations: int
    facts: int
    sources: int  # the entities that are sources (of the schema's source types)
    by_type: dict[str, int]
    by_relation: dict[str, int]
    facts_by_metric: dict[str, int]


# The store's counts behind `stats`; `cited`: (with a source, with a quote, quoted from the source's text,
# citing only research notes).
class Tallies(Counts):
    cited: dict[str, tuple[int, int, int, int]]
    inferred: CitedBy
    warnings: int


class Stats(Counts):  # `stats`
    citations: CitationShares
    inferred: CitedBy
    warnings: int
    claimed_totals: list[StatsClaim]


class Gaps(TypedDict):  # what `coverage` lists by id (entities, sources) or file:line (claims)
    entities_without_chinese_name: list[str]
    relations_without_quote: list[str]
    facts_without_quote: list[str]
    sources_cited_once: list[str]
    sources_never_cited: list[str]


class Share(TypedDict):
    count: int
    of: int
    share: float | None  # to 4 places (1.0 only for all, 0.0 for none); null when `of` is 0


class CoverageReport(Gaps):  # `coverage`: claimed totals first, then the gaps, then how many facts are inferred
    claimed_totals: list[CoverageClaim]
    facts_inferred: Share


class TimelineEvent(TypedDict):  # `timeline`: a dated relation (or its end), a figure with a period, or attribute
    date: str
    kind: Literal["relation", "fact", "attribute"]
    type: str
    event: str
    subject: EntityRef
    object: EntityRef | None
    value: NotRequired[FactValue]  # a fact's
    bound: NotRequired[str | None]  # a fact's: the value is a bound (more_than, about, ...)
    unit: NotRequired[str | None]  # a fact's
    fact_kind: NotRequired[str]  # a fact's: actual or target
    dated_by: NotRequired[Literal["period", "stated"]]  # a fact's date: its period, or the day its sources stated it
    qualifiers: Qualifiers
    confidence: str
    note: str | None  # the relation's or figure's note: "more than", "nearly", a caveat on its scope
    sources: list[Citation]


class MetricOverview(TypedDict):  # `facts` with no arguments: each metric and how much it is used
    metric: str
    unit: str | None
    description: str
    facts: int
    entities: int


# An error (`{"ok": false, "errors": [...]}` on stderr, under --json) or a problem without its place.
class Message(TypedDict):
    message: str
    hint: NotRequired[str]


class ProblemView(Message):  # a problem in the KB at file:line: `validate`, `verify`, `build`, error documents
    file: str
    line: int


class Checked(TypedDict):
    ok: bool
    errors: list[ProblemView]


class Validation(Checked):  # `validate`
    warnings: list[ProblemView]


class Verification(Checked):  # `verify`: how many quotes were checked and found, and where
    total: int  # every quote in the KB: checked + no_text
    checked: int  # looked up in a text: checked_in_source_texts + checked_in_research_notes
    checked_in_source_texts: int  # in the cited source's own text
    checked_in_research_notes: int  # in the research note the claim was read in (`via`)
    found: int
    no_text: int  # not checkable here: neither the source nor its note has a text in the folders given
    found_in_research_notes: int


class Built(TypedDict):  # `build`: where the database is, from which KB, and the KB's warnings
    ok: bool
    database: str
    kb: str
    up_to_date: bool  # no file had changed since the last build
    files_read: int  # record files read (the others' rows are kept from the last build)
    warnings: list[ProblemView]


# Each --json document of the answers older than ipkb/answers/ (diff's: shapes_diff); answers.documents() has all
DOCUMENTS: dict[str, Any] = {
    "show": ShowView,
    "search": SearchPage,
    "list": ListPage,
    "coverage": CoverageReport,
    "facts": list[MetricOverview] | list[EntityFact],  # with no metric: the metrics; with one, or --in: figures
    "timeline": list[TimelineEvent],
    "stats": Stats,
    "validate": Validation,
    "verify": Verification,
    "build": Built,
}


def keys_of(shape: Any) -> dict[str, Any]:
    """A TypedDict's keys and their types, a generic one's type variables replaced by its arguments
    (AddedRemoved[EntityRef]'s `added` is a list[EntityRef]): what docs/cli.md and test_shapes.py read."""
    typed = get_origin(shape) or shape
    bound: dict[Any, Any] = {}
    for base in (shape, *getattr(typed, "__orig_bases__", ())):
        if is_typeddict(get_origin(base)):
            bound.update(zip(get_origin(base).__parameters__, get_args(base), strict=True))

    def substitute(hint: Any) -> Any:
        if isinstance(hint, TypeVar):
            return bound.get(hint, hint)
        params = getattr(hint, "__parameters__", ())
        return hint[tuple(bound.get(p, p) for p in params)] if params else hint

    return {key: substitute(hint) for key, hint in get_type_hints(typed).items()}
