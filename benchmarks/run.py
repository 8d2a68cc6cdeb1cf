"""Time ipkb as a user meets it: whole processes through the console script, wall time and peak memory.

Usage: python benchmarks/run.py [--sizes 1000,10000,100000] [--runs 5] [--build-runs 3] [--out results.json]
                                [--exports graphml,ttl | all] [--exports-only] [--skip-fixed]

For each size N it generates a KB under the work folder (default /tmp/ipkb-bench, never the repository)
with benchmarks/generate.py, then measures: a full build, an edit of one file followed by `show X` (the
automatic rebuild), `show X`, `show X --json`, `path A B` between far-apart entities, `search` (an
English word through the trigram index; a two-character Chinese text and, as the worst case, two Latin
letters held by most names, through the one-character-per-token index),
`list --in PROVINCE` and `export --format FMT -o FILE` for each format of `--exports` (default graphml;
`all` for every format; `--exports-only` skips the other cases of a size). Once per run it also times `ipkb --help`,
the bundled KB's `ipkb show huzhou` (and `--json`), `python -c pass`, `python -c 'import sqlite3'` and
a trivial typer app.

Each command runs once untimed (so bytecode is cached and the database is fresh), then `--runs` times;
runs stop early once a case has used its time budget (90 s, builds 240 s), so the slowest cases at 100k
run once or twice. The table gives the median wall time, the range, the median CPU time (user + system of
the process and the children it waited for, so a build's workers count: on a shared machine the CPU time
moves less than the wall time) and the largest peak RSS (os.wait4's ru_maxrss of that very process).
`benchmarks/report.py` makes one table of several `--out` files and writes it into docs/performance.md.
PYTHONDONTWRITEBYTECODE is removed from the children's environment, as a user's machine caches bytecode.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from report import Result, table

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
IPKB = str(BIN / "ipkb")
PYTHON = str(BIN / "python")
TYPER_APP = '''import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {name}")


app()
'''


def child_env(work: Path) -> dict[str, str]:
    """The environment for measured commands: bytecode caching on, the user cache inside the work folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "IPKB_KB", "IPKB_DB")}
    env["XDG_CACHE_HOME"] = str(work / "cache")
    env["COLUMNS"] = "120"
    return env


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, int, str]:
    """Wall seconds, CPU seconds (user + system, with the children it waited for: a build's workers), peak RSS
    in KB, exit status and stderr of one process."""
    with open(os.devnull, "wb") as devnull, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=devnull, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return elapsed, cpu, usage.ru_maxrss, proc.returncode, err.read().decode(errors="replace")


def measure(
    case: str,
    size: str,
    argv: list[str],
    env: dict[str, str],
    runs: int,
    before: object = None,
    warmup: bool = True,
    budget: float = 90.0,
) -> Result:
    """Run `argv` once untimed (when `warmup`), then up to `runs` times; `before()` runs ahead of each process.

    Timed runs stop early once they have used `budget` seconds (at least one always runs)."""
    result = Result(case, size, " ".join(argv).replace(IPKB, "ipkb").replace(PYTHON, "python"))
    for k in range(runs + (1 if warmup else 0)):
        if callable(before):
            before()
        elapsed, cpu, peak, code, err = run_once(argv, env)
        if code != 0:
            result.failed = f"exit {code}: {err.strip()[-500:]}"
            break
        if warmup and k == 0:
            continue
        result.times.append(elapsed)
        result.cpu.append(cpu)
        result.peak_kb = max(result.peak_kb, peak)
        if sum(result.times) > budget:
            break
    status = result.failed or f"median {result.median:.3f} s, peak {result.peak_kb / 1024:.0f} MB"
    print(f"  {size:>7} {case:<28} {status}", file=sys.stderr, flush=True)
    return result


def ensure_kb(n: int, work: Path) -> tuple[Path, dict[str, object]]:
    """The generated KB of size n (reused when already there)."""
    kb = work / f"kb-{n}"
    bench_file = kb / "bench.json"
    if not bench_file.is_file() or json.loads(bench_file.read_text())["n"] != n:
        start = time.perf_counter()
        subprocess.run([PYTHON, str(HERE / "generate.py"), str(n), str(kb)], check=True, stdout=subprocess.DEVNULL)
        print(f"generated {kb} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return kb, json.loads(bench_file.read_text(encoding="utf-8"))


ALL_EXPORTS = ("graphml", "gexf", "json", "jsonl", "csv", "cypher", "ttl", "dot", "mermaid", "html")


def bench_exports(n: int, work: Path, env: dict[str, str], runs: int, formats: list[str]) -> list[Result]:
    """`export --format FMT -o FILE` of the whole generated KB, for each format (the store built first)."""
    kb, _ = ensure_kb(n, work)
    db = work / f"kb-{n}.sqlite"
    size = f"{n // 1000}k" if n < 1_000_000 else f"{n // 1_000_000}M"
    base = [IPKB, "--kb", str(kb), "--db", str(db)]
    subprocess.run([*base, "build"], check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    export_runs = runs if n <= 10_000 else max(1, min(runs, 3))
    out = []
    for fmt in formats:
        target = work / f"kb-{n}-export.{fmt}"
        out.append(
            measure(f"export {fmt}", size, [*base, "export", "--format", fmt, "-o", str(target)], env, export_runs)
        )
        for written in work.glob(f"kb-{n}-export*"):
            written.unlink()
    return out


def bench_size(n: int, work: Path, env: dict[str, str], runs: int, build_runs: int) -> list[Result]:
    """Every case of one generated KB but the exports (`bench_exports`)."""
    kb, bench = ensure_kb(n, work)
    db = work / f"kb-{n}.sqlite"
    size = f"{n // 1000}k" if n < 1_000_000 else f"{n // 1_000_000}M"
    base = [IPKB, "--kb", str(kb), "--db", str(db)]
    out: list[Result] = []

    def remove_db() -> None:
        db.unlink(missing_ok=True)

    out.append(measure("build (full)", size, [*base, "build"], env, build_runs, remove_db, False, 240))

    edited = kb / str(bench["edit_file"])
    original = edited.read_text(encoding="utf-8")
    counter = iter(range(1, 10_000))

    def edit() -> None:
        """Change one description in one file (content and size change, so the store is stale)."""
        text = original.replace("generated for benchmarks.", f"generated for benchmarks (edit {next(counter)}).", 1)
        edited.write_text(text, encoding="utf-8")

    show = [*base, "show", str(bench["show"])]
    out.append(measure("edit 1 file, then show X", size, show, env, build_runs, edit, False, 240))
    a, b = bench["path"]  # type: ignore[misc]
    cases = [
        ("show X", show),
        ("show X --json", [*show, "--json"]),
        (f"path A B ({bench['path_hops_undirected']} hops)", [*base, "path", str(a), str(b)]),
        ("search (English, FTS)", [*base, "search", str(bench["search"])]),
        ("search (2 Chinese chars)", [*base, "search", str(bench["search_zh"])]),
        ("search an (in most names)", [*base, "search", "an"]),
        ("list --in PROVINCE", [*base, "list", "--in", str(bench["list_in"])]),
        ("list --in PROVINCE --json", [*base, "list", "--in", str(bench["list_in"]), "--json"]),
    ]
    for case, argv in cases:
        out.append(measure(case, size, argv, env, runs))
    return out


def bench_fixed(work: Path, env: dict[str, str], runs: int) -> list[Result]:
    """Start-up and the bundled KB, plus the baselines."""
    app = work / "trivial_typer.py"
    app.write_text(TYPER_APP, encoding="utf-8")
    return [
        measure("python -c pass", "-", [PYTHON, "-c", "pass"], env, runs),
        measure("python -c 'import sqlite3'", "-", [PYTHON, "-c", "import sqlite3"], env, runs),
        measure("trivial typer app", "-", [PYTHON, str(app), "--name", "x"], env, runs),
        measure("ipkb --help", "-", [IPKB, "--help"], env, runs),
        measure("ipkb --version", "-", [IPKB, "--version"], env, runs),
        measure("show huzhou (bundled)", "bundled", [IPKB, "show", "huzhou"], env, runs),
        measure("show huzhou --json (bundled)", "bundled", [IPKB, "show", "huzhou", "--json"], env, runs),
        measure("path keqiao national-center", "bundled", [IPKB, "path", "keqiao", "national-center"], env, runs),
        measure("search 柯桥 (bundled)", "bundled", [IPKB, "search", "柯桥"], env, runs),
    ]


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")),
        "0",
    )
    commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return {
        "command": " ".join(["python benchmarks/run.py", *sys.argv[1:]]),
        "code": commit.stdout.strip() or "unknown",
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "memory_gb": f"{int(mem) / 2**20:.1f}",
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated entity counts")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query command")
    parser.add_argument("--build-runs", type=int, default=3, help="timed runs of build and rebuild")
    parser.add_argument("--work", type=Path, default=Path("/tmp/ipkb-bench"), help="where KBs and databases go")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    parser.add_argument("--exports", default="graphml", help="comma-separated export formats to time, or all")
    parser.add_argument("--exports-only", action="store_true", help="time only the exports of each size")
    parser.add_argument(
        "--skip-fixed", action="store_true", help="skip start-up and the bundled KB (another run of report.py has them)"
    )
    args = parser.parse_args()
    formats = list(ALL_EXPORTS) if args.exports == "all" else [f for f in args.exports.split(",") if f]
    work = args.work.resolve()
    if work.is_relative_to(HERE.parent):
        parser.error("--work must be outside the repository")
    work.mkdir(parents=True, exist_ok=True)
    env = child_env(work)
    info = machine()
    print(f"machine: {info}", file=sys.stderr)
    results = [] if args.exports_only or args.skip_fixed else bench_fixed(work, env, args.runs)
    for n in (int(s) for s in args.sizes.split(",") if s.strip()):
        print(f"N = {n}", file=sys.stderr)
        if not args.exports_only:
            results += bench_size(n, work, env, args.runs, args.build_runs)
        results += bench_exports(n, work, env, args.runs, formats)
    print(table(results))
    if args.out:
        document = {"machine": info, "results": [asdict(r) | {"median": r.median} for r in results]}
        args.out.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
