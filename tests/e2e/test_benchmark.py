"""`make bench` keeps working: one short benchmark run on the fixture notebooks writes its results; the plain
pipeline (b) makes the chapters ``sikkerby run`` makes, with the same parameters. No test asserts a time."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sikkerby.publish.render.chapters import discover_chapters

FIXTURE_NOTEBOOKS = Path(__file__).parents[1] / "notebooks_fixture"


@pytest.fixture
def bench(monkeypatch, project_dir):
    """The benchmark module (``benchmarks/`` is not part of the installed package)."""
    monkeypatch.syspath_prepend(str(project_dir))
    return importlib.import_module("benchmarks.run_benchmark")


def _notebook(path: Path, meta: dict) -> None:
    path.write_text(json.dumps({"cells": [], "metadata": {"sikkerby": meta}, "nbformat": 4, "nbformat_minor": 5}),
                    encoding="utf-8")


def test_plain_pipeline_runs_papermill_once_per_chapter_with_the_runs_parameters(bench, tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "00_forside.ipynb", {})
    _notebook(notebooks / "01_maalomraade.ipynb", {"per_goal_area": "maalomraade"})
    _notebook(notebooks / "02_bilag.ipynb", {})
    goal_areas = {"tryghed": {"title": "Øget tryghed", "text": ""}, "2018": {"title": "Et år som nøgle", "text": ""}}
    chapters = discover_chapters(notebooks, goal_areas)
    setup = bench.Setup(2016, sorted(notebooks.glob("*.ipynb")), chapters, notebooks, tmp_path / "params",
                        tmp_path / "work", {}, None, tmp_path / "log")

    commands = [bench.papermill_command(setup, c, tmp_path / "b" / c.name) for c in chapters]

    assert [(Path(cmd[1]).name, Path(cmd[2]).name) for cmd in commands] == [
        ("00_forside.ipynb", "00_forside.ipynb"), ("01_maalomraade.ipynb", "01_tryghed.ipynb"),
        ("01_maalomraade.ipynb", "02_2018.ipynb"), ("02_bilag.ipynb", "03_bilag.ipynb")]
    parameters = [json.loads(cmd[cmd.index("-y") + 1]) for cmd in commands]
    year = {"aar": 2016, "data_dir": "", "params_dir": str(tmp_path / "params")}
    assert parameters == [year, year | {"maalomraade": "tryghed"}, year | {"maalomraade": "2018"}, year]


def test_options_for_years_floor_and_tests(bench):
    args = bench.parse_args([])
    assert (args.years, args.skip_years, args.skip_floor, args.with_tests) == ("2014-2017", False, False, None)
    assert bench.suite_run_names(bench.parse_args(["--with-tests"]).with_tests) == ["fast", "suite", "nbval"]
    assert bench.suite_run_names(bench.parse_args(["--with-tests", "fast", "--skip-edit"]).with_tests) == ["fast"]
    assert bench.suite_run_names(None) == []
    assert bench.pytest_summary("...\n12 passed, 3 deselected in 4.56s\n") == "12 passed, 3 deselected in 4.56s"
    assert bench.pytest_summary("no summary here") is None


@pytest.mark.slow
def test_benchmark_runs_and_writes_results(tmp_path, project_dir):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run_benchmark", "--notebooks", str(FIXTURE_NOTEBOOKS), "--repeat", "1",
         "--warmup", "0", "--skip-scale", "--years", "2016-2017", "--results-dir", str(tmp_path)],
        cwd=project_dir, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "a/b = " in done.stdout and "c/a = " in done.stdout and "g/a = " in done.stdout
    report = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert set(report["summary"]) == {"a_cold", "b_plain", "c_unchanged", "f_one_edited", "f2_preview", "g_years"}
    assert report["f_executed"] == report["f2_executed"] != [""]  # (f2) made the same edit, in the preview
    for scenario in report["summary"].values():
        assert len(scenario["seconds"]) == 1 and scenario["median_seconds"] > 0
        assert scenario["max_largest_process_gib"] > 0
    fixture_chapters = sorted(p.name for p in FIXTURE_NOTEBOOKS.glob("*.ipynb"))
    assert set(report["notebooks"]) == set(fixture_chapters)
    assert report["a_chapters"] == report["b_chapters"] == fixture_chapters and report["b_same_chapters_as_a"]
    assert report["g_years_made"] == ["2016", "2017"]
    assert set(report["floor"]) == {"h1_kernel_ready", "h2_kernel_imports", "h3_python", "h3_import_cli"}
    assert all(len(f["seconds"]) == 1 and f["median_seconds"] > 0 for f in report["floor"].values())
    assert report["tests"] == {}
    machine = report["machine"]
    assert machine["nproc"] >= 1 and machine["python"] and machine["versions"]["papermill"]
    assert set(report["verdicts"]["ratios"]) == {"a/b", "c/a", "f/a", "f2/a", "g/a"}
    markdown = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Benchmark") and "(g) sikkerby run --year 2016-2017" in markdown
    assert "floor (h)" in markdown
    assert not list(tmp_path.glob("work-*"))  # the work folder is removed
