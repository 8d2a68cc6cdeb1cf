"""The benchmark's results against issue 17's targets: one table, printed, and written into docs/performance.md.

Usage: python benchmarks/report.py RESULTS.json [MORE.json ...] [--doc docs/performance.md]

`run.py --out` writes a results file; several runs (1k-100k in one, 1M in another) are reported as one table,
in the order given. With `--doc`, the table, the machine and the commands replace what stands between the
markers `<!-- benchmark:begin -->` and `<!-- benchmark:end -->` of that file, so the document's figures are
always those of a whole run, never copied by hand.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

BEGIN, END = "<!-- benchmark:begin -->", "<!-- benchmark:end -->"


@dataclass
class Result:
    """The timings of one case: wall seconds and CPU seconds (user + system, its child processes included)."""

    case: str
    size: str
    command: str
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_kb: int = 0
    failed: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")


# The targets of issue 17, beside the figures they judge: (case, KB size) -> (seconds, MB), either may be None.
# A target relative to another case is given as (factor, case) in `RELATIVE`.
TARGETS: dict[tuple[str, str], tuple[float | None, float | None]] = {
    ("build (full)", "100k"): (20, 400),
    ("build (full)", "1M"): (180, 3072),
    ("edit 1 file, then show X", "100k"): (1, 300),
    ("edit 1 file, then show X", "1M"): (5, None),
    ("list --in PROVINCE", "1M"): (0.5, None),
    ("search an (in most names)", "1M"): (0.3, None),
}
FLOOR = "python -c 'import sqlite3'"
RELATIVE: dict[str, tuple[float, str]] = {
    "show huzhou (bundled)": (4, FLOOR),
    "show huzhou --json (bundled)": (2.5, FLOOR),
}


def target_of(r: Result, results: list[Result]) -> str:
    """The target for this figure and whether it is met ("" when the issue sets none)."""
    medians = {(x.case, x.size): x.median for x in results if not x.failed}
    if r.case in RELATIVE:
        factor, base = RELATIVE[r.case]
        floor = next((m for (case, _), m in medians.items() if case == base), None)
        if floor is None:
            return f"≤ {factor}× floor"
        ratio = r.median / floor
        said = f"≤ {factor}× floor: {ratio:.1f}× {'met' if ratio <= factor else 'missed'}"
        floor_cpu = next((x.median_cpu for x in results if x.case == base and x.cpu), None)
        return f"{said} (CPU {r.median_cpu / floor_cpu:.1f}×)" if floor_cpu and r.cpu else said
    if r.case.startswith("export ") and r.size == "100k" and r.case != "export graphml":
        graphml = medians.get(("export graphml", r.size))
        if graphml is None:
            return "≤ 3× GraphML, ≤ 300 MB"
        met = r.median <= 3 * graphml and r.peak_kb <= 300 * 1024
        return f"≤ 3× GraphML, ≤ 300 MB: {r.median / graphml:.1f}× {'met' if met else 'missed'}"
    seconds, megabytes = TARGETS.get((r.case, r.size), (None, None))
    if seconds is None and megabytes is None:
        return ""
    wanted = " ".join(x for x in (seconds and f"≤ {seconds} s", megabytes and f"≤ {megabytes:.0f} MB") if x)
    met = (seconds is None or r.median <= seconds) and (megabytes is None or r.peak_kb <= megabytes * 1024)
    return f"{wanted}: {'met' if met else 'missed'}"


def table(results: list[Result]) -> str:
    """A Markdown table: median wall and CPU seconds, the wall range, peak RSS, runs, and the target."""
    lines = [
        "| case | KB | median s | min–max s | CPU s | peak RSS MB | runs | target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        if r.failed:
            lines.append(f"| {r.case} | {r.size} | failed | {r.failed.splitlines()[-1][:80]} | | | | |")
            continue
        spread = f"{min(r.times):.3f}–{max(r.times):.3f}"
        cpu = f"{r.median_cpu:.3f}" if r.cpu else ""
        cells = f"{r.median:.3f} | {spread} | {cpu} | {r.peak_kb / 1024:.0f} | {len(r.times)} | {target_of(r, results)}"
        lines.append(f"| {r.case} | {r.size} | {cells} |")
    return "\n".join(lines)


def load(path: Path) -> tuple[dict[str, str], list[Result]]:
    """The machine and results of one `run.py --out` file."""
    document = json.loads(path.read_text(encoding="utf-8"))
    fields = set(Result.__dataclass_fields__)
    return document["machine"], [Result(**{k: v for k, v in r.items() if k in fields}) for r in document["results"]]


def block(runs: list[tuple[dict[str, str], list[Result]]]) -> str:
    """What stands between the markers: how each run was made, on what, and the one table of all of them."""
    lines = []
    for machine, _ in runs:
        said = ", ".join(f"{k} {v}" for k, v in machine.items() if k not in ("command",))
        lines.append(f"- `{machine.get('command', 'python benchmarks/run.py')}`: {said}")
    results = [r for _, found in runs for r in found]
    return "\n".join([*lines, "", table(results)])


def write_doc(doc: Path, text: str) -> None:
    """Replace what stands between the markers of `doc` with `text`."""
    current = doc.read_text(encoding="utf-8")
    if current.count(BEGIN) != 1 or current.count(END) != 1 or current.index(BEGIN) > current.index(END):
        sys.exit(f"{doc}: needs one {BEGIN} line followed by one {END} line")
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    doc.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+", type=Path, help="results files written by run.py --out")
    parser.add_argument("--doc", type=Path, help="write the table between the benchmark markers of this file")
    args = parser.parse_args()
    runs = [load(path) for path in args.results]
    text = block(runs)
    print(text)
    if args.doc:
        write_doc(args.doc, text)


if __name__ == "__main__":
    main()
