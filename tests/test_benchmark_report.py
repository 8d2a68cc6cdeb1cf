"""benchmarks/report.py: the figures in docs/performance.md come from whole runs, written between markers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

REPORT = REPO / "benchmarks" / "report.py"


def _results(path: Path, cases: list[dict[str, object]], command: str) -> Path:
    path.write_text(json.dumps({"machine": {"command": command, "cpus": "2"}, "results": cases}), encoding="utf-8")
    return path


def _case(case: str, size: str, times: list[float], peak_kb: int = 20_000) -> dict[str, object]:
    return {"case": case, "size": size, "command": "ipkb ...", "times": times, "cpu": times, "peak_kb": peak_kb}


def test_two_runs_make_one_table_with_targets_written_between_the_markers(tmp_path: Path) -> None:
    quick = _results(
        tmp_path / "a.json",
        [_case("python -c 'import sqlite3'", "-", [0.02]), _case("show huzhou (bundled)", "bundled", [0.1, 0.06])],
        "python benchmarks/run.py --sizes 1000",
    )
    large = _results(
        tmp_path / "b.json",
        [_case("build (full)", "1M", [200.0], peak_kb=2_000_000), _case("list --in PROVINCE", "1M", [0.4])],
        "python benchmarks/run.py --sizes 1000000 --skip-fixed",
    )
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nbefore\n<!-- benchmark:begin -->\nold table\n<!-- benchmark:end -->\nafter\n")
    done = subprocess.run(
        [sys.executable, str(REPORT), str(quick), str(large), "--doc", str(doc)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    text = doc.read_text()
    assert "old table" not in text and text.startswith("# Performance\n\nbefore\n") and text.endswith("after\n")
    assert "`python benchmarks/run.py --sizes 1000000 --skip-fixed`" in text
    assert "| show huzhou (bundled) | bundled | 0.080 |" in text and "≤ 4× floor: 4.0× met (CPU 4.0×)" in text
    assert "| build (full) | 1M | 200.000 |" in text and "≤ 180 s ≤ 3072 MB: missed" in text
    assert "≤ 0.5 s: met" in text


def test_a_document_without_markers_is_left_alone(tmp_path: Path) -> None:
    results = _results(tmp_path / "a.json", [_case("show X", "1k", [0.1])], "python benchmarks/run.py")
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n")
    done = subprocess.run(
        [sys.executable, str(REPORT), str(results), "--doc", str(doc)], capture_output=True, text=True
    )
    assert done.returncode == 1 and "benchmark:begin" in done.stderr
    assert doc.read_text() == "# Performance\n"
