"""Reliability round 2 through whole runs (slow): one snapshot of the inputs, the run's temporary
files after SIGKILL, warnings and formula-like text on their way into the publication.

A small notebooks folder stands in for the chapters: one notebook that reads the
dataset the way a chapter does (``load_dataset(data_dir, programme)``) and shows
the activities' names, and that can be held at a known moment (it writes a marker
with its kernel's pid, then waits for a release file), so that a test changes an
input or kills the run while a notebook is executing.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
from pathlib import Path

import nbformat
import pytest
from factories import PROGRAMME_2014_2017, D, valid_tables, with_changes, write_folder
from run_helpers import (
    WAIT_FOR_RELEASE,
    run_sikkerby,
    sikkerby_command,
    wait_for_notebook,
)

from sikkerby.config.paths import PROJECT_DIR

pytestmark = pytest.mark.slow

READING_CELL = WAIT_FOR_RELEASE + """\
from sikkerby.config.programme import load_programme
from sikkerby.inputs.dataset import load_dataset
dataset = load_dataset(data_dir, load_programme(params_dir))
print("Aktiviteter:", "; ".join(dataset.aktiviteter["navn"]))
"""


@pytest.fixture(scope="module")
def reading_notebooks(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("nb") / "notebooks"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_raw_cell("---\ntitle: Læser inddata\n---"),
        nbformat.v4.new_code_cell('aar = 2017\ndata_dir = ""\nparams_dir = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(READING_CELL),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "00_forside.ipynb")
    return folder


def _env(notebooks: Path, root: Path, **extra) -> dict:
    return {**os.environ, "SIKKERBY_NOTEBOOKS": str(notebooks), "SIKKERBY_TEST_STARTED": str(root / "started"),
            "SIKKERBY_TEST_RELEASE": str(root / "release"), **extra}


def _start(notebooks: Path, root: Path, data: Path, out: Path, **extra) -> subprocess.Popen:
    return subprocess.Popen(sikkerby_command("run", "--year", "2017", "--data", data, "--out", out, "--force",
                                             "--params", PROGRAMME_2014_2017),
                            cwd=PROJECT_DIR, env=_env(notebooks, root, **extra), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")


def _all_text(folder: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(folder.rglob("*")) if p.is_file())


def test_an_input_changed_during_the_run_changes_nothing_of_the_publication(reading_notebooks, tmp_path):
    data = write_folder(tmp_path / "data")
    original = (data / "aktiviteter.csv").read_bytes()
    out = tmp_path / "out"
    proc = _start(reading_notebooks, tmp_path, data, out)
    try:
        wait_for_notebook(tmp_path / "started", proc, limit=240.0)
        # the deliverer saves a corrected file while the notebook runs (before it reads the data)
        changed = original.replace("Natteravne på Nørrebro".encode(), "NYT NAVN UNDER KØRSLEN".encode())
        assert changed != original
        (data / "aktiviteter.csv").write_bytes(changed)
        (tmp_path / "release").touch()
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    published = out / "2017"
    text = _all_text(published)
    assert "NYT NAVN UNDER KØRSLEN" not in text  # not in the notebook, the pages, the PDF's source, the CSVs
    scores = (published / "aktivitetsscorer.csv").read_text(encoding="utf-8")
    assert "Natteravne på Nørrebro" in scores
    executed = nbformat.read(published / "notebooks" / "00_forside.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "Natteravne på Nørrebro" in printed  # the notebook read the snapshot, not the changed file
    manifest = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["input_snapshot"] is True
    assert manifest["data_dir"] == str(data.resolve())
    assert manifest["inputs"]["aktiviteter"]["sha256"] == hashlib.sha256(original).hexdigest()
    # the next run sees the change (the cache key is the snapshot's, the file now differs)
    again = run_sikkerby("run", "--year", "2017", "--data", data, "--out", out, "--params", PROGRAMME_2014_2017,
                         env=_env(reading_notebooks, tmp_path))
    assert again.returncode == 0, again.stderr
    assert "NYT NAVN UNDER KØRSLEN" in (published / "aktivitetsscorer.csv").read_text(encoding="utf-8")


def test_a_killed_run_leaves_its_temporary_folder_and_the_next_run_removes_it(reading_notebooks, tmp_path):
    data = write_folder(tmp_path / "data")
    temp = tmp_path / "tmp"
    temp.mkdir()
    proc = _start(reading_notebooks, tmp_path, data, tmp_path / "out", TMPDIR=str(temp))
    kernel = None
    try:
        kernel = wait_for_notebook(tmp_path / "started", proc, limit=240.0)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        if kernel is not None:
            try:
                os.kill(kernel, signal.SIGKILL)
            except ProcessLookupError:
                pass
    left = sorted(temp.iterdir())
    assert [p.name.startswith("sikkerby-run-") for p in left] == [True]  # everything of the run in one folder
    assert (left[0] / "inputs" / "aktiviteter.csv").is_file()
    assert list((left[0] / "tmp").glob("*.json"))  # the kernel's connection file went there too
    (tmp_path / "release").touch()
    done = run_sikkerby("run", "--year", "2017", "--data", data, "--out", tmp_path / "out2",
                        "--params", PROGRAMME_2014_2017, env=_env(reading_notebooks, tmp_path, TMPDIR=str(temp)))
    assert done.returncode == 0, done.stderr
    assert not list(temp.glob("sikkerby-run-*")), list(temp.iterdir())
    assert not list(temp.glob("sikkerby-pdf-*")) and not list(temp.glob("tmp*.json"))
    assert f"Fjernede {left[0]}" in (tmp_path / "out2" / "2017" / "run.log").read_text(encoding="utf-8")


def test_warnings_and_formula_like_text_on_their_way_into_the_publication(reading_notebooks, tmp_path):
    tables = with_changes(valid_tables(), "lukninger", 3, handleplan_dato=D(2016, 3, 17))  # a plan made ahead
    tables = with_changes(tables, "aktiviteter", 1, navn='=HYPERLINK("http://x.invalid","Klik")')
    tables = with_changes(tables, "aktiviteter", 2, forvaltning="@SOF")
    data = write_folder(tmp_path / "data", tables)
    (tmp_path / "release").touch()
    outputs = []
    for name in ("a", "b"):
        done = run_sikkerby("run", "--year", "2017", "--data", data, "--out", tmp_path / name, "--force",
                            "--params", PROGRAMME_2014_2017, env=_env(reading_notebooks, tmp_path))
        assert done.returncode == 0, done.stderr
        assert ("Advarsel: lukninger.csv, række 5, kolonne 'handleplan_dato': handleplan_dato ligger før startdato"
                in done.stderr)
        outputs.append(tmp_path / name / "2017")
    a, b = outputs
    log = (a / "run.log").read_text(encoding="utf-8")
    assert "Advarsel: lukninger.csv, række 5, kolonne 'handleplan_dato'" in log
    manifest = json.loads((a / "manifest.json").read_text(encoding="utf-8"))
    assert [w for w in manifest["input_warnings"] if "handleplan_dato" in w] == [
        "lukninger.csv, række 5, kolonne 'handleplan_dato': handleplan_dato ligger før startdato; regnes som "
        "rettidig (en plan lavet før en varslet lukning) – ret datoen, hvis den er tastet forkert "
        "(værdi: 2016-03-17 er før startdato 2016-03-18)"]
    assert len(manifest["input_warnings"]) == 2  # and the factories' Tingbjerg, which no indikator follows
    scores = (a / "aktivitetsscorer.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in scores and ",'@SOF," in scores
    assert "\n=" not in scores and ",=" not in scores and ',"=' not in scores
    for name in ("aktivitetsscorer.csv", "maalstatus.csv"):  # still byte-identical from run to run
        assert (a / name).read_bytes() == (b / name).read_bytes()
