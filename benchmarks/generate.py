"""Generate a synthetic, schema-valid ipkb knowledge base of N entities and about 3N relations.

Usage: python benchmarks/generate.py N OUTDIR [--seed S]

The KB copies the repository's kb/schema.yaml and holds:

- entities of every schema type, about 1000 records per file, one set of files per type
  (entities/<type>-0001.yaml ...), with English and Chinese names, aliases, descriptions, citations
  and inline facts; a few dozen `source` entities that every citation points at;
- relations/located_in-*.yaml: a containment tree (country > province > city > county > zone; every
  body and event inside one place), so `list --in PLACE` has real work and no cycle is possible;
- relations/<type>-*.yaml: the remaining relations, each type's `from`/`to` drawn from the types its
  schema domain and range allow; containment types (part_of, subcenter_of) only point at entities
  created earlier, so they cannot loop;
- facts/facts-*.yaml: stand-alone facts with an `entity` key.

It also writes OUTDIR/bench.json (outside the folders ipkb reads) naming good query targets: an entity
to `show`, two far-apart entities for `path`, a search text and a place for `list --in`.
The output depends only on N and the seed.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from collections import deque
from pathlib import Path
from typing import Any

from yaml_out import write_chunks

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "kb" / "schema.yaml"

# (character, toneless pinyin): names are built from these, so every generated Chinese name is unique
CHARS = [
    ("华", "hua"), ("东", "dong"), ("南", "nan"), ("西", "xi"), ("北", "bei"), ("中", "zhong"), ("安", "an"),
    ("平", "ping"), ("新", "xin"), ("兴", "xing"), ("长", "chang"), ("江", "jiang"), ("河", "he"), ("山", "shan"),
    ("海", "hai"), ("湖", "hu"), ("阳", "yang"), ("宁", "ning"), ("丰", "feng"), ("泰", "tai"), ("和", "he"),
    ("昌", "chang"), ("德", "de"), ("清", "qing"), ("永", "yong"), ("明", "ming"), ("光", "guang"), ("福", "fu"),
    ("庆", "qing"), ("嘉", "jia"), ("金", "jin"), ("云", "yun"), ("桥", "qiao"), ("州", "zhou"), ("城", "cheng"),
    ("林", "lin"), ("石", "shi"), ("溪", "xi"), ("峰", "feng"), ("源", "yuan"), ("泉", "quan"), ("台", "tai"),
    ("武", "wu"), ("文", "wen"), ("广", "guang"), ("春", "chun"), ("秋", "qiu"), ("绍", "shao"), ("柯", "ke"),
    ("杭", "hang"), ("苏", "su"), ("常", "chang"), ("盛", "sheng"), ("吉", "ji"), ("祥", "xiang"), ("瑞", "rui"),
    ("通", "tong"), ("达", "da"), ("远", "yuan"), ("昆", "kun"), ("松", "song"), ("桂", "gui"), ("梅", "mei"),
    ("兰", "lan"), ("竹", "zhu"), ("荣", "rong"), ("利", "li"), ("鑫", "xin"), ("宏", "hong"), ("伟", "wei"),
    ("博", "bo"), ("恒", "heng"), ("信", "xin"), ("诚", "cheng"), ("益", "yi"), ("汇", "hui"), ("联", "lian"),
    ("合", "he"), ("创", "chuang"), ("科", "ke"), ("技", "ji"), ("智", "zhi"), ("慧", "hui"), ("锦", "jin"),
    ("绣", "xiu"), ("纺", "fang"), ("织", "zhi"), ("茶", "cha"), ("瓷", "ci"), ("丝", "si"), ("竞", "jing"),
    ("鹏", "peng"), ("龙", "long"), ("凤", "feng"), ("虎", "hu"), ("鹤", "he"), ("雁", "yan"), ("星", "xing"),
    ("月", "yue"), ("晨", "chen"),
]  # fmt: skip
SURNAMES = [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang")]

# entity type -> share of N (a few dozen sources come out of the same budget)
SHARES = {
    "country": 0.0,  # exactly one
    "province": 0.0,  # 34 (fewer for tiny N)
    "city": 0.03,
    "county": 0.10,
    "zone": 0.02,
    "agency": 0.10,
    "court": 0.02,
    "center": 0.08,
    "organization": 0.08,
    "enterprise": 0.29,
    "program": 0.03,
    "campaign": 0.01,
    "designation": 0.01,
    "policy": 0.05,
    "report": 0.02,
    "platform": 0.03,
    "brand": 0.05,
    "industry": 0.01,
    "event": 0.02,
    "person": 0.05,
}
SUFFIX = {
    "province": ("省", "Province"),
    "city": ("市", "City"),
    "county": ("县", "County"),
    "zone": ("新区", "New Area"),
    "agency": ("知识产权局", "IP Office"),
    "court": ("人民法院", "People's Court"),
    "center": ("知识产权保护中心", "IP Protection Center"),
    "organization": ("知识产权协会", "IP Association"),
    "enterprise": ("科技有限公司", "Technology Co., Ltd."),
    "program": ("知识产权试点工程", "IP Pilot Programme"),
    "campaign": ("专项行动", "Special Campaign"),
    "designation": ("知识产权示范城市", "IP Demonstration City"),
    "policy": ("知识产权保护意见", "Opinions on IP Protection"),
    "report": ("知识产权发展报告", "IP Development Report"),
    "platform": ("知识产权公共服务平台", "IP Public Service Platform"),
    "brand": ("牌", "Brand"),
    "industry": ("产业", "Industry"),
    "event": ("知识产权宣传周", "IP Publicity Week"),
}
# weights of the non-located_in relation types (others get 1)
REL_WEIGHTS = {
    "holds_designation": 4,
    "run_by": 3,
    "cooperates_with": 3,
    "serves": 3,
    "focuses_on": 3,
    "part_of": 2,
    "subcenter_of": 2,
    "hosts": 2,
    "established_by": 2,
    "issued_by": 2,
    "located_in": 0,  # the tree is generated separately
    "possibly_refers_to": 0.2,
}
YEAR_RANGE = (2008, 2025)
PLACES = ("country", "province", "city", "county", "zone")


def chinese(index: int, length: int) -> tuple[str, str]:
    """The index-th name of `length` characters: (Chinese, Title-case pinyin). Distinct indexes differ in Chinese."""
    chars, sounds = [], []
    for _ in range(length):
        index, digit = divmod(index, len(CHARS))
        chars.append(CHARS[digit][0])
        sounds.append(CHARS[digit][1])
    return "".join(chars), "".join(sounds).capitalize()


class Generator:
    """Builds the records in memory, then writes them as YAML files."""

    def __init__(self, n: int, seed: int) -> None:
        import yaml  # PyYAML is an ipkb dependency; loaded here only (ruff TID253)

        self.n = n
        self.rng = random.Random(seed)
        self.schema: dict[str, Any] = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
        self.groups: dict[str, str] = {name: t["group"] for name, t in self.schema["entity_types"].items()}
        self.entities: dict[str, list[dict[str, Any]]] = {t: [] for t in self.schema["entity_types"]}
        self.order: dict[str, int] = {}  # id -> creation index (containment points backwards only)
        self.sources: list[str] = []
        self.relations: dict[str, list[dict[str, Any]]] = {}
        self.facts: list[dict[str, Any]] = []
        self.parent: dict[str, str] = {}
        self.name_counter = 0
        self.metrics = [m for m, spec in self.schema["metrics"].items() if not (spec or {}).get("counts")]

    # -- helpers ----------------------------------------------------------------------------------------------
    def expand(self, spec: Any) -> list[str]:
        """Schema domain/range (`any`, groups, types) -> entity type names."""
        if spec is None or spec == "any":
            return list(self.schema["entity_types"])
        out = []
        for word in spec:
            out += [t for t, g in self.groups.items() if t == word or g == word]
        return out

    def cite(self, text: str) -> dict[str, str]:
        return {"source": self.rng.choice(self.sources), "quote": text[:60]}

    def year(self) -> int:
        return self.rng.randint(*YEAR_RANGE)

    def add(self, record: dict[str, Any]) -> dict[str, Any]:
        self.order[record["id"]] = len(self.order)
        self.entities[record["type"]].append(record)
        return record

    # -- entities ---------------------------------------------------------------------------------------------
    def make_sources(self) -> None:
        count = max(5, min(60, self.n // 2000))
        for i in range(count):
            sid = f"src-bench-{i:03d}"
            self.sources.append(sid)
            self.add(
                {
                    "id": sid,
                    "type": "source",
                    "name": f"Synthetic source {i}",
                    "title": f"Report {i} on IP protection",
                    "publisher": "ipkb benchmarks",
                    "date": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",  # after every claim (YEAR_RANGE)
                    "language": "zh",
                    "kind": "press",
                }
            )

    def make_entity(self, etype: str, i: int) -> dict[str, Any]:
        self.name_counter += 1
        length = 3 if etype in PLACES or etype == "person" else 4
        # a bijection of the counter onto len(CHARS) ** length: names look random but never repeat
        scrambled = (self.name_counter * 7919 + 12345) % len(CHARS) ** length
        zh_stem, py_stem = chinese(scrambled, length)
        if etype == "person":
            surname = SURNAMES[i % len(SURNAMES)]
            zh, name = surname[0] + zh_stem, f"{surname[1].capitalize()} {py_stem}"
        else:
            zh_suffix, en_suffix = SUFFIX.get(etype, ("", ""))
            zh, name = zh_stem + zh_suffix, f"{py_stem} {en_suffix}".strip()
        record: dict[str, Any] = {
            "id": f"{etype}-{i:06d}",
            "type": etype,
            "name": name,
            "zh": zh,
            "aliases": [py_stem, f"{py_stem} {etype}"] if i % 3 else [py_stem],
            "description": f"Synthetic {etype} number {i} ({name}, {zh}) generated for benchmarks.",
            "sources": [self.cite(f"{zh} {name}")],  # a quote that writes the Chinese name, as validate asks
        }
        if i % 4 == 0:
            record["attributes"] = {"rank": i % 100, "level": "synthetic"}
        if i % 5 == 0:
            metric = self.metrics[i % len(self.metrics)]
            record["facts"] = [
                {
                    "metric": metric,
                    "value": self.rng.randint(1, 100000),
                    "period": str(self.year()),
                    "sources": [self.cite(f"{name} {metric}")],
                }
            ]
        return self.add(record)

    def make_entities(self) -> None:
        self.make_sources()
        budget = self.n - len(self.sources)
        self.make_entity("country", 0)
        counts = {t: max(1, round(budget * share)) for t, share in SHARES.items() if share}
        counts["province"] = max(1, min(34, budget // 100))
        rest = budget - 1 - sum(counts.values())
        counts["enterprise"] = max(1, counts["enterprise"] + rest)  # exactly N entities in all
        for etype in SHARES:
            for i in range(counts.get(etype, 0)):
                self.make_entity(etype, i + 1)

    # -- relations --------------------------------------------------------------------------------------------
    def relation(self, source: str, rtype: str, target: str) -> None:
        spec = self.schema["relation_types"][rtype]
        record: dict[str, Any] = {"from": source, "type": rtype, "to": target}
        allowed = spec.get("qualifiers") or []
        if "year" in allowed and self.rng.random() < 0.3:
            record["year"] = self.year()
        elif "since" in allowed and self.rng.random() < 0.1:
            record["since"] = f"{self.year()}-{self.rng.randint(1, 12):02d}"
        record["sources"] = [self.cite(f"{source} {spec['label']} {target}")]
        self.relations.setdefault(rtype, []).append(record)

    def make_tree(self) -> None:
        """located_in: a tree over places, every body and event hung on one place."""
        country = self.entities["country"][0]["id"]
        levels = [[country]]
        for etype in ("province", "city", "county"):
            above = levels[-1]
            ids = [e["id"] for e in self.entities[etype]]
            for k, eid in enumerate(ids):
                self.parent[eid] = above[k % len(above)]
            levels.append(ids)
        for e in self.entities["zone"]:
            self.parent[e["id"]] = self.rng.choice(levels[2] + levels[3])
        places = levels[2] + levels[3] + [e["id"] for e in self.entities["zone"]]
        for etype in self.expand(self.schema["relation_types"]["located_in"]["domain"]):
            if self.groups[etype] == "place":
                continue
            for e in self.entities[etype]:
                self.parent[e["id"]] = self.rng.choice(places)
        for child, parent in self.parent.items():
            self.relation(child, "located_in", parent)

    def make_relations(self) -> None:
        self.make_tree()
        wanted = 3 * self.n - len(self.parent)
        types = list(self.schema["relation_types"])
        weights = [REL_WEIGHTS.get(t, 1) for t in types]
        pools = {}
        for t in types:
            spec = self.schema["relation_types"][t]
            domain = [e["id"] for d in self.expand(spec.get("domain")) for e in self.entities[d]]
            rng = [e["id"] for r in self.expand(spec.get("range")) for e in self.entities[r]]
            pools[t] = (domain, rng, bool(spec.get("containment")))
        seen: set[tuple[str, str, str]] = set()
        made = attempts = 0
        while made < wanted and attempts < wanted * 5:
            attempts += 1
            rtype = self.rng.choices(types, weights)[0]
            domain, rng, containment = pools[rtype]
            if not domain or not rng:
                continue
            source = self.rng.choice(domain)
            target = rng[int(len(rng) * self.rng.random() ** 1.5)]  # skewed: early entities become hubs
            if source == target or (source, rtype, target) in seen:
                continue
            if containment and self.order[target] >= self.order[source]:
                continue  # containment only points at older entities: no cycles
            seen.add((source, rtype, target))
            self.relation(source, rtype, target)
            made += 1

    def make_facts(self) -> None:
        about = [e for t in ("province", "city", "county", "agency", "center") for e in self.entities[t]]
        # one value per entity, metric, period and kind (ipkb validate): a key drawn twice is skipped
        taken = {(e["id"], f["metric"], f["period"], "actual") for e in about for f in e.get("facts", [])}
        for k in range(max(1, self.n // 10)):
            e = self.rng.choice(about)
            metric = self.rng.choice(self.metrics)
            fact = {
                "entity": e["id"],
                "metric": metric,
                "value": round(self.rng.random() * 1000, 2),
                "period": str(self.year()),
                "kind": "target" if k % 7 == 0 else "actual",
                "sources": [self.cite(f"{e['name']} {metric}")],
            }
            key = (e["id"], metric, fact["period"], fact["kind"])
            if key not in taken:
                taken.add(key)
                self.facts.append(fact)

    # -- queries for benchmarks ---------------------------------------------------------------------------------
    def far_pair(self) -> tuple[str, str, int]:
        """Two entities far apart: the farthest from an enterprise, then the farthest from that (double sweep)."""
        adjacency: dict[str, list[str]] = {}
        for records in self.relations.values():
            for r in records:
                adjacency.setdefault(r["from"], []).append(r["to"])
                adjacency.setdefault(r["to"], []).append(r["from"])

        def farthest(start: str) -> tuple[str, int]:
            distance = {start: 0}
            queue = deque([start])
            last = start
            while queue:
                node = queue.popleft()
                last = node
                for other in adjacency.get(node, ()):
                    if other not in distance:
                        distance[other] = distance[node] + 1
                        queue.append(other)
            return last, distance[last]

        a, _ = farthest(self.entities["enterprise"][-1]["id"])
        b, hops = farthest(a)
        return a, b, hops

    # -- output -----------------------------------------------------------------------------------------------
    def write(self, out: Path) -> dict[str, Any]:
        if out.exists():
            shutil.rmtree(out)
        for sub in ("entities", "relations", "facts"):
            (out / sub).mkdir(parents=True)
        shutil.copyfile(SCHEMA, out / "schema.yaml")
        for etype, records in self.entities.items():
            write_chunks(out / "entities", etype, records)
        for rtype, records in self.relations.items():
            write_chunks(out / "relations", rtype, records)
        write_chunks(out / "facts", "facts", self.facts)
        a, b, hops = self.far_pair()
        city = self.entities["city"][len(self.entities["city"]) // 2]
        province = self.entities["province"][0]["id"]
        bench = {
            "n": self.n,
            "entities": sum(len(r) for r in self.entities.values()),
            "relations": sum(len(r) for r in self.relations.values()),
            "facts": len(self.facts) + sum(len(e.get("facts", [])) for r in self.entities.values() for e in r),
            "show": city["id"],
            "path": [a, b],
            "path_hops_undirected": hops,
            "search": city["aliases"][0],
            "search_zh": city["zh"][:2],
            "list_in": province,
            "edit_file": f"entities/enterprise-{1:04d}.yaml",
        }
        (out / "bench.json").write_text(json.dumps(bench, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return bench


def generate(n: int, out: Path, seed: int = 20261123) -> dict[str, Any]:
    """Generate a KB of `n` entities into `out` (replaced if it exists); return the bench.json summary."""
    if n < 100:
        raise ValueError("N must be at least 100")
    gen = Generator(n, seed)
    gen.make_entities()
    gen.make_relations()
    gen.make_facts()
    return gen.write(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of entities")
    parser.add_argument("outdir", type=Path, help="folder to create (replaced if it exists)")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    bench = generate(args.n, args.outdir.resolve(), args.seed)
    print(json.dumps(bench, ensure_ascii=False))


if __name__ == "__main__":
    main()
