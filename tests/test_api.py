"""The library face: ipkb.open_kb() gives Python the same documents the CLI prints with --json."""

from __future__ import annotations

import json
import re
from operator import itemgetter
from pathlib import Path

import pytest

import ipkb
from ipkb.errors import EntityNotFound, UsageError
from ipkb.read.query import Store
from tests.conftest import REPO, invoke


def cli_json(kb: Path, *args: str) -> object:
    result = invoke(["--kb", str(kb), *args, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_every_query_equals_the_cli_json(mini_kb: Path) -> None:
    kb = ipkb.open_kb(mini_kb)
    assert kb.show("huzhou") == cli_json(mini_kb, "show", "huzhou")
    assert kb.path("keqiao", "national-center") == cli_json(mini_kb, "path", "keqiao", "national-center")
    assert kb.search_page("zhou") == cli_json(mini_kb, "search", "zhou")
    assert kb.search("zhou") == kb.search_page("zhou")["entities"]
    assert kb.list_page(["city"]) == cli_json(mini_kb, "list", "--type", "city")
    assert kb.list_entities(["city"]) == kb.list_page(["city"])["entities"]
    assert kb.neighbors("huzhou", depth=2) == cli_json(mini_kb, "neighbors", "huzhou", "--depth", "2")


def test_a_list_in_a_place_of_holders_is_both_lists_at_once(tmp_path: Path) -> None:
    """`list --in P --designation D --type T` lists exactly the holders of D among what lies in P, of type T."""
    kb = ipkb.open_kb(None, tmp_path / "kb.sqlite")
    holders = kb.list_entities(designation="national-ip-demonstration-city")
    inside = {row["id"] for row in kb.list_entities(within="zhejiang")}
    both = kb.list_entities(["city"], within="zhejiang", designation="national-ip-demonstration-city")
    assert [row["id"] for row in both] == [row["id"] for row in holders if row["id"] in inside]
    assert 1 < len(both) < len(holders)
    assert kb.list_entities(["center"], within="zhejiang", designation="national-ip-demonstration-city") == []


def test_names_resolve_and_errors_are_typed(mini_kb: Path) -> None:
    kb = ipkb.open_kb(mini_kb)
    assert kb.resolve("湖州") == ["huzhou"]
    with pytest.raises(EntityNotFound) as missing:
        kb.show("huzhuo")
    assert any("huzhou" in s for s in missing.value.suggestions)
    with pytest.raises(UsageError):
        kb.list_entities(["no-such-type"])
    with pytest.raises(UsageError) as typo:
        kb.list_entities(["citty"])
    assert typo.value.hint is not None and typo.value.hint.startswith("did you mean 'city'? types: ")
    typed = invoke(["--kb", str(mini_kb), "neighbors", "huzhou", "--via", "locatd_in"])
    assert typed.exit_code == 2 and "did you mean 'located_in'?" in typed.stderr


def test_a_kb_edit_is_seen_by_the_next_open(mini_kb: Path, tmp_path: Path) -> None:
    db = tmp_path / "kb.sqlite"
    assert ipkb.open_kb(mini_kb, db).search("Wonderland") == []
    places = mini_kb / "entities" / "extra.yaml"
    places.write_text("- {id: wonderland, type: city, name: Wonderland}\n", encoding="utf-8")
    assert [row["id"] for row in ipkb.open_kb(mini_kb, db).search("Wonderland")] == ["wonderland"]


def test_the_readme_example_runs() -> None:
    """The notebook example in the README is real code against the bundled KB."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", readme, re.S)
    namespace: dict[str, object] = {}
    exec(example, namespace)  # the README's own lines, run as a reader would paste them
    assert namespace["kb"].__class__ is ipkb.KB


def test_what_lies_within_a_place_is_the_transitive_closure(tmp_path: Path) -> None:
    """`list --in` and `export --within` read containment with one recursive query (and level by level under
    --as-of): both give, for every place of the bundled KB, exactly what a graph walk finds, and which of it
    lies there only through an inferred relation. The walk also steps from a place to what it hosts (the
    schema's hosted_at, e.g. a county that hosts a protection center): never stated, as the graph has it."""
    import networkx as nx

    db = tmp_path / "kb.sqlite"
    today, far = ipkb.open_kb(None, db).store, ipkb.open_kb(None, db, as_of="2100").store
    roles = today.roles()
    location, hosted = roles.location, roles.hosted_at
    assert location and hosted
    edges = [e for e in today.all_edges() if e.type == location]
    hosting = [e for e in today.all_edges() if e.type in hosted]
    by_type = itemgetter("type", "id")

    def graph_of(store: Store) -> nx.DiGraph:  # what a place hosts lies in it: an edge from the thing to its host
        held = store.all_edges()  # under as_of, only the relations that hold then
        return nx.DiGraph(
            [(e.source_id, e.target_id) for e in held if e.type == location]
            + [(e.target_id, e.source_id) for e in held if e.type in hosted and not roles.is_planned(e.qualifiers)]
        )

    graph, graphs = graph_of(today), {id(today): graph_of(today), id(far): graph_of(far)}
    stated_graph = nx.DiGraph((e.source_id, e.target_id) for e in edges if e.confidence != "inferred")
    checked, inferred, only_hosted = 0, 0, 0
    for place in {e.target_id for e in edges} | {e.source_id for e in hosting}:
        expected = nx.ancestors(graph, place)
        stated = nx.ancestors(stated_graph, place) if place in stated_graph else set()
        found = today.located_within(place, (location,), hosted)
        assert set(found) == expected, place
        assert {i for i, by_stated in found.items() if by_stated} == stated, place
        walked = far.located_within(place, (location,), hosted)
        assert set(walked) <= expected and all(found[i] or not s for i, s in walked.items()), place
        for store in (today, far):  # and the places each lies in directly, on the way (list --in)
            inside, parents = store.located_within_by(place, (location,), hosted=hosted)
            region = set(inside) | {place}
            held = graphs[id(store)]
            assert parents == {i: sorted(set(held.successors(i)) & region) for i in inside}, place
            rows, placed, direct = store.entities_within(place, (location,), hosted)  # the walk with the rows
            assert (placed, direct) == (inside, parents), place
            assert [r["id"] for r in rows] == [r["id"] for r in sorted(store.entities(inside).values(), key=by_type)]
        checked += len(expected) > 1
        inferred += len(expected - stated)
        only_hosted += len(expected - set(today.located_within(place, (location,))))
    assert checked > 20 and inferred > 0  # provinces and cities with things inside, some placed by inference
    assert only_hosted > 0  # some lie in a place only because a place within it hosts them
    assert far.located_within("zhejiang", (location,)).keys() >= {"huzhou", "keqiao"}
