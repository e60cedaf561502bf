"""`make bench` keeps working: one short benchmark run on the fixture notebooks writes its results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE_NOTEBOOKS = Path(__file__).parents[1] / "notebooks_fixture"


@pytest.mark.slow
def test_benchmark_runs_and_writes_results(tmp_path, project_dir):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run_benchmark", "--notebooks", str(FIXTURE_NOTEBOOKS), "--repeat", "1",
         "--warmup", "0", "--skip-scale", "--results-dir", str(tmp_path)],
        cwd=project_dir, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "a/b = " in done.stdout and "c/a = " in done.stdout
    report = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert set(report["summary"]) == {"a_cold", "b_plain", "c_unchanged", "f_one_edited"}
    for scenario in report["summary"].values():
        assert len(scenario["seconds"]) == 1 and scenario["median_seconds"] > 0
        assert scenario["max_largest_process_gib"] > 0
    assert set(report["notebooks"]) == {p.name for p in FIXTURE_NOTEBOOKS.glob("*.ipynb")}
    machine = report["machine"]
    assert machine["nproc"] >= 1 and machine["python"] and machine["versions"]["papermill"]
    assert set(report["verdicts"]["ratios"]) == {"a/b", "c/a", "f/a"}
    assert (tmp_path / "latest.md").read_text(encoding="utf-8").startswith("# Benchmark")
    assert not list(tmp_path.glob("work-*"))  # the work folder is removed
