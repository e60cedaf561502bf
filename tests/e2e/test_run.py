"""``sikkerby run``: the whole yearly run on the bundled sample data with small fixture notebooks.

The publication built once by the ``published`` fixture is checked from several
sides; tests that need to change it work on a copy.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from sikkerby import cli
from sikkerby.config.paths import params_dir
from sikkerby.publish.progress import Progress
from sikkerby.publish.render.tables import write_csv
from sikkerby.publish.folders import clean_stale, swap_in
from sikkerby.publish.run import run_years

FIXTURE_NOTEBOOKS = Path(__file__).parents[1] / "notebooks_fixture"
CHAPTER_PAGES = ["index.html", "01_tryghed.html", "02_kriminalitet.html"]
MAALSTATUS_COLUMNS = ["maalepunkt_nr", "indikator_id", "maalomraade", "aar", "vaerdi", "ci_nedre", "ci_oevre",
                      "basisaar", "basisvaerdi", "maalaar", "maalvaerdi", "sti_vaerdi", "status", "maal_foreloebigt"]
AKTIVITET_COLUMNS = ["aktivitet_id", "navn", "forvaltning", "indsatsomraade", "model_status", "resultatscore",
                     "evidensscore", "samlet_score", "kategori", "udviklingspotentiale"]
# <script src>, <link href>, <img src> ... pointing at another host
EXTERNAL = re.compile(r"<(script|link|img|iframe|source|video|audio|embed)\b[^>]*?\b(src|href|srcset)\s*=\s*[\"']?\s*(https?:)?//",
                      re.I)


def snapshot(folder: Path) -> dict[str, str]:
    """relative path -> SHA-256 of every file under ``folder``."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def failing_notebooks(tmp_path: Path, code: str = "naevner = 0\nresultat = 1 / naevner") -> Path:
    """The fixture notebooks with one extra cell (index 3) in 01_tryghed.ipynb."""
    folder = tmp_path / "notebooks_failing"
    shutil.copytree(FIXTURE_NOTEBOOKS, folder)
    path = folder / "01_tryghed.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("#| label: beregning\n" + code))
    nbformat.write(nb, path)
    return folder


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """One complete run for 2017: (out folder, exit status, what it printed)."""
    out = tmp_path_factory.mktemp("run") / "out"
    stream = io.StringIO()
    rc = run_years([2017], data_dir="", out_dir=out, notebooks_dir=FIXTURE_NOTEBOOKS, stream=stream)
    return out, rc, stream.getvalue()


# --- the end-to-end run -------------------------------------------------------------------------------

@pytest.mark.slow
def test_publication_has_every_output(published):
    out, rc, printed = published
    assert rc == 0, printed
    year = out / "2017"
    for name in [*CHAPTER_PAGES, "sikkerby-status-2017.pdf", "maalstatus.csv", "aktivitetsscorer.csv",
                 "manifest.json", "run.log", "notebooks/00_forside.ipynb", "notebooks/01_tryghed.ipynb",
                 "notebooks/02_kriminalitet.ipynb"]:
        assert (year / name).is_file(), name
    assert not list(out.glob(".2017.build-*")) and not list(out.glob(".2017.failed-*"))
    # executed with the year's parameters, injected as literal values
    executed = nbformat.read(year / "notebooks" / "01_tryghed.ipynb", as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "aar = 2017" in injected.source and 'data_dir = ""' in injected.source
    assert f'params_dir = "{params_dir().resolve()}"' in injected.source  # the programme folder the run read
    assert all(c.get("execution_count") for c in executed.cells
               if c.cell_type == "code" and not c.source.startswith("#| include: false") and c.source)
    log = (year / "run.log").read_text(encoding="utf-8")
    assert "Validerer inddata" in log and "01_tryghed.ipynb: færdig" in log and "PDF lavet" in log


@pytest.mark.slow
def test_manifest_records_what_produced_the_publication(published, sample_data_dir, project_dir):
    out, _, _ = published
    manifest = json.loads((out / "2017" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["aar"] == 2017
    assert manifest["parameters"] == {"aar": 2017, "data_dir": "", "params_dir": str(project_dir / "params")}
    assert manifest["sample_data"] is True
    assert set(manifest["inputs"]) == {"tryghedsundersoegelse", "tryghedsindeks", "lukninger", "sigtelser",
                                       "bandelog", "aktiviteter", "succeskriterier"}
    for entry in manifest["inputs"].values():
        path = sample_data_dir / entry["file"]
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    for name in ("python", "sikkerby", "pandas", "numpy", "papermill", "nbconvert", "pandoc", "typst"):
        assert manifest["versions"][name], name
    assert manifest["renderer"] == "nbconvert+pandoc+typst"
    assert manifest["started"] <= manifest["finished"]
    if (project_dir / ".git").exists():
        assert re.fullmatch(r"[0-9a-f]{40}", manifest["git"]["commit"])
    assert "program.yaml" in manifest["params"] and "2017.yaml" in manifest["params"]
    assert [n["file"] for n in manifest["notebooks"]] == ["00_forside.ipynb", "01_tryghed.ipynb", "02_kriminalitet.ipynb"]
    assert "index.html" in manifest["outputs"] and "sikkerby-status-2017.pdf" in manifest["outputs"]


def _assert_same_values(written: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(written.columns) == list(expected.columns)
    assert len(written) == len(expected)
    for col in expected.columns:
        want = expected[col]
        got = written[col]
        if pd.api.types.is_numeric_dtype(want) and not pd.api.types.is_bool_dtype(want):
            w = want.astype("float64").to_numpy()
            g = got.astype("float64").to_numpy()
            assert np.array_equal(w, g, equal_nan=True), col  # exact: unrounded floats round-trip
        else:
            w = [None if pd.isna(v) else str(v) for v in want]
            g = [None if pd.isna(v) else str(v) for v in got]
            assert w == g, col


@pytest.mark.slow
def test_csvs_are_the_package_results(published):
    from sikkerby.config.programme import load_programme
    from sikkerby.inputs.dataset import load_dataset
    from sikkerby.model.evidence import aktivitetsscorer
    from sikkerby.model.goals import maalstatus

    out, _, _ = published
    programme = load_programme()  # the programme folder the run read: the project's params/
    dataset = load_dataset("", programme)
    for name, expected, columns in (
        ("maalstatus.csv", maalstatus(dataset, programme, 2017), MAALSTATUS_COLUMNS),
        ("aktivitetsscorer.csv", aktivitetsscorer(dataset, programme, 2017), AKTIVITET_COLUMNS),
    ):
        raw = (out / "2017" / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
        header = raw.decode("utf-8").splitlines()[0]
        assert header == ",".join(columns)
        written = pd.read_csv(io.BytesIO(raw), encoding="utf-8", sep=",", keep_default_na=False,
                              na_values=[""], dtype={c: str for c in expected.columns
                                                     if not pd.api.types.is_numeric_dtype(expected[c])})
        _assert_same_values(written, expected)


@pytest.mark.slow
def test_html_is_offline_danish_and_without_code(published):
    out, _, _ = published
    pages = sorted((out / "2017").rglob("*.html"))
    assert [p.name for p in pages] == sorted(CHAPTER_PAGES)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not EXTERNAL.search(html), page.name
        assert "<script" not in html.lower(), page.name
        assert '<html lang="da">' in html, page.name
        assert "jp-InputArea-editor" not in html and "In&nbsp;[" not in html, page.name
        for code in ("def png(", "display(Markdown", "aar = 2017", "resolve_data_dir"):
            assert code not in html, (page.name, code)
    index = (out / "2017" / "index.html").read_text(encoding="utf-8")
    assert "Statusåret er <strong>2017</strong>" in index
    for target in ("01_tryghed.html", "02_kriminalitet.html", "sikkerby-status-2017.pdf"):
        assert f'href="{target}"' in index
    chapter = (out / "2017" / "01_tryghed.html").read_text(encoding="utf-8")
    assert 'alt="Søjlediagram: andel utrygge 2017"' in chapter
    assert "<td>Nørrebro</td><td>17,5 %</td>" in chapter


@pytest.mark.slow
def test_pdf_holds_the_whole_publication(published):
    from pypdf import PdfReader

    out, _, _ = published
    reader = PdfReader(out / "2017" / "sikkerby-status-2017.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Sikker By – status 2017", "Sikker By-programmet 2014-2017", "Økonomiudvalget", "juni 2018",
                     "Indhold", "Sammenfatning", "Øget tryghed", "Mindre kriminalitet", "Statusåret er 2017",
                     "Nørrebro", "17,5 %", "Figur 1. Andel utrygge om aftenen, 2017.", "Eksempeldata"):
        assert expected in text, expected
    assert "def png" not in text and "resolve_data_dir" not in text


# --- the cache ------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_unchanged_rerun_does_nothing_and_imports_nothing_heavy(published, project_dir):
    out, _, _ = published
    before = {p: p.stat().st_mtime_ns for p in (out / "2017").rglob("*")}
    code = (
        "import sys\n"
        "from sikkerby.publish.run import run_years\n"
        f"rc = run_years([2017], out_dir={str(out)!r}, notebooks_dir={str(FIXTURE_NOTEBOOKS)!r})\n"
        "heavy = sorted(m for m in ('pandas', 'numpy', 'papermill', 'nbconvert', 'nbformat', 'matplotlib') "
        "if m in sys.modules)\n"
        "print(rc, heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=project_dir,
                          timeout=120)
    assert done.stdout.strip() == "0 []", done.stdout + done.stderr
    assert "uændret" in done.stderr
    assert {p: p.stat().st_mtime_ns for p in (out / "2017").rglob("*")} == before


@pytest.mark.slow
def test_changed_input_reruns_and_force_rebuilds(tmp_path, sample_data_dir):
    data = tmp_path / "data"
    shutil.copytree(sample_data_dir, data)
    out = tmp_path / "out"
    args = dict(data_dir=data, out_dir=out, notebooks_dir=FIXTURE_NOTEBOOKS, quiet=True, stream=io.StringIO())
    assert run_years([2017], **args) == 0
    first = json.loads((out / "2017" / "manifest.json").read_text(encoding="utf-8"))
    assert first["parameters"]["data_dir"] == str(data.resolve())

    stream = io.StringIO()
    assert run_years([2017], **{**args, "stream": stream, "quiet": False}) == 0
    assert "uændret" in stream.getvalue()
    assert json.loads((out / "2017" / "manifest.json").read_text(encoding="utf-8")) == first

    # a valid change to one input: the last count in the gang log
    path = data / "bandelog.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    *rest, count = lines[-1].split(",")
    lines[-1] = ",".join([*rest, str(int(count) + 1)])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run_years([2017], **args) == 0
    second = json.loads((out / "2017" / "manifest.json").read_text(encoding="utf-8"))
    assert second["cache_key"] != first["cache_key"]
    assert second["inputs"]["bandelog"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert second["inputs"]["bandelog"]["sha256"] != first["inputs"]["bandelog"]["sha256"]

    time.sleep(1.1)  # manifest times have one-second resolution
    assert run_years([2017], **{**args, "force": True}) == 0
    third = json.loads((out / "2017" / "manifest.json").read_text(encoding="utf-8"))
    assert third["cache_key"] == second["cache_key"] and third["started"] > second["started"]


# --- failures -----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_failing_notebook_keeps_the_last_good_publication(published, tmp_path):
    good, _, _ = published
    out = tmp_path / "out"
    shutil.copytree(good, out)
    before = snapshot(out / "2017")
    stream = io.StringIO()
    rc = run_years([2017], out_dir=out, notebooks_dir=failing_notebooks(tmp_path), quiet=True, stream=stream)
    message = stream.getvalue()
    assert rc != 0
    assert snapshot(out / "2017") == before  # byte for byte
    assert "01_tryghed.ipynb" in message and "celle 3" in message and "naevner = 0" in message
    assert "ZeroDivisionError" in message and "er uændret" in message
    failed = list(out.glob(".2017.failed-*"))
    assert len(failed) == 1 and not list(out.glob(".2017.build-*"))
    # papermill's error notebook is kept for diagnosis, and the other notebooks still ran
    error_nb = nbformat.read(failed[0] / "notebooks" / "01_tryghed.ipynb", as_version=4)
    assert any(o.get("ename") == "ZeroDivisionError" for c in error_nb.cells for o in c.get("outputs", []))
    assert (failed[0] / "notebooks" / "00_forside.ipynb").is_file()
    assert (failed[0] / "notebooks" / "02_kriminalitet.ipynb").is_file()
    assert "ZeroDivisionError" in (failed[0] / "run.log").read_text(encoding="utf-8")


@pytest.mark.slow
def test_bad_input_stops_before_any_notebook(published, tmp_path, capsys, monkeypatch):
    from factories import valid_tables, with_changes, write_folder

    good, _, _ = published
    out = tmp_path / "out"
    shutil.copytree(good, out)
    before = snapshot(out)
    bad = with_changes(valid_tables(), "sigtelser", 0, sigtede=-3)
    data = write_folder(tmp_path / "data", bad)
    monkeypatch.setenv("SIKKERBY_NOTEBOOKS", str(FIXTURE_NOTEBOOKS))
    rc = cli.main(["run", "--year", "2017", "--data", str(data), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 1
    assert "sigtelser" in err and "Traceback" not in err
    assert snapshot(out) == before  # nothing built, nothing lost
    assert not [p for p in out.iterdir() if ".build-" in p.name or ".failed-" in p.name]


@pytest.mark.slow
def test_sigterm_keeps_the_last_good_publication(published, tmp_path, project_dir):
    good, _, _ = published
    out = tmp_path / "out"
    shutil.copytree(good, out)
    before = snapshot(out / "2017")
    notebooks = failing_notebooks(tmp_path, code="import time\ntime.sleep(120)")
    env = {**os.environ, "SIKKERBY_NOTEBOOKS": str(notebooks)}
    proc = subprocess.Popen([sys.executable, "-m", "sikkerby", "run", "--year", "2017", "--out", str(out), "--jobs", "3"],
                            cwd=project_dir, env=env, stderr=subprocess.PIPE, text=True)
    lines = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until the sleeping notebook runs
        line = proc.stderr.readline()
        lines.append(line)
        if "færdig" in line and "02_kriminalitet" in line:
            break
    proc.send_signal(signal.SIGTERM)
    _, rest = proc.communicate(timeout=60)
    printed = "".join(lines) + rest
    assert proc.returncode == 143, printed
    assert "afbrudt" in printed.lower() and "01_tryghed.ipynb" in printed
    assert snapshot(out / "2017") == before
    assert len(list(out.glob(".2017.failed-*"))) == 1 and not list(out.glob(".2017.build-*"))


# --- several years --------------------------------------------------------------------------------------

@pytest.mark.slow
def test_several_years_in_one_run(published, tmp_path):
    good, _, _ = published
    out = tmp_path / "out"
    stream = io.StringIO()
    rc = run_years([2016, 2017], out_dir=out, notebooks_dir=FIXTURE_NOTEBOOKS, jobs=2, stream=stream)
    assert rc == 0, stream.getvalue()
    for year in (2016, 2017):
        manifest = json.loads((out / str(year) / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["aar"] == year and manifest["parameters"]["aar"] == year
        status = pd.read_csv(out / str(year) / "maalstatus.csv")
        assert set(status["aar"]) == {year}
        assert (out / str(year) / f"sikkerby-status-{year}.pdf").is_file()
        executed = nbformat.read(out / str(year) / "notebooks" / "00_forside.ipynb", as_version=4)
        assert f"Statusåret er **{year}**" in json.dumps(executed.cells[-1].outputs, ensure_ascii=False)
    # the same inputs give the same CSVs, byte for byte
    for name in ("maalstatus.csv", "aktivitetsscorer.csv"):
        assert (out / "2017" / name).read_bytes() == (good / "2017" / name).read_bytes()
    assert "[6/6]" in stream.getvalue()


# --- pieces -----------------------------------------------------------------------------------------------

def test_swap_in_replaces_and_leaves_nothing_behind(tmp_path):
    final = tmp_path / "2017"
    final.mkdir()
    (final / "index.html").write_text("gammel", encoding="utf-8")
    build = tmp_path / ".2017.build-abc"
    build.mkdir()
    (build / "index.html").write_text("ny", encoding="utf-8")
    swap_in(build, final)
    assert (final / "index.html").read_text(encoding="utf-8") == "ny"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2017"]
    fresh = tmp_path / ".2016.build-abc"
    fresh.mkdir()
    swap_in(fresh, tmp_path / "2016")
    assert (tmp_path / "2016").is_dir() and not fresh.exists()


def test_clean_stale_removes_dead_builds_and_repairs_a_broken_swap(tmp_path):
    from sikkerby.publish.progress import RunLog

    (tmp_path / ".2017.build-dead").mkdir()
    (tmp_path / ".2017.build-dead" / "x").write_text("x", encoding="utf-8")
    old = tmp_path / ".2017.old-1234"  # a swap killed between its two renames
    old.mkdir()
    (old / "index.html").write_text("sidste gode", encoding="utf-8")
    for i in range(5):
        (tmp_path / f".2017.failed-2024010{i}-000000").mkdir()
    (tmp_path / ".2016.build-other").mkdir()
    clean_stale(tmp_path, 2017, RunLog())
    assert (tmp_path / "2017" / "index.html").read_text(encoding="utf-8") == "sidste gode"
    names = sorted(p.name for p in tmp_path.iterdir())
    assert ".2017.build-dead" not in names and ".2017.old-1234" not in names
    assert [n for n in names if n.startswith(".2017.failed-")] == [
        ".2017.failed-20240102-000000", ".2017.failed-20240103-000000", ".2017.failed-20240104-000000"]
    assert ".2016.build-other" in names  # another year's folder is not touched


def test_progress_plain_lines_when_not_a_terminal():
    stream = io.StringIO()
    progress = Progress(stream=stream)
    progress.set_total(2)
    progress.started("2017/01_tryghed.ipynb")
    progress.finished("2017/01_tryghed.ipynb", True, 1.25)
    progress.finished("2017/02_kriminalitet.ipynb", False, 0.5)
    lines = stream.getvalue().splitlines()
    assert lines == ["[0/2] starter 2017/01_tryghed.ipynb", "[1/2] 2017/01_tryghed.ipynb: færdig (1,2 s)",
                     "[2/2] 2017/02_kriminalitet.ipynb: FEJLEDE (0,5 s)"]
    assert "\r" not in stream.getvalue()


def test_progress_quiet_prints_nothing():
    stream = io.StringIO()
    progress = Progress(quiet=True, stream=stream)
    progress.set_total(1)
    progress.started("x")
    progress.message("y")
    progress.finished("x", True, 1.0)
    assert stream.getvalue() == ""


def test_csv_floats_are_unrounded_and_stable(tmp_path):
    frame = pd.DataFrame({"id": ["a", "b", "c"], "v": [0.1 + 0.2, 17.5, np.nan], "n": pd.array([1, None, 3], dtype="Int64")})
    write_csv(frame, tmp_path / "a.csv")
    write_csv(frame.copy(), tmp_path / "b.csv")
    raw = (tmp_path / "a.csv").read_bytes()
    assert raw == (tmp_path / "b.csv").read_bytes()
    assert raw.decode("utf-8") == "id,v,n\na,0.30000000000000004,1\nb,17.5,\nc,,3\n"
    assert float(raw.decode().splitlines()[1].split(",")[1]) == 0.1 + 0.2


def test_progress_rewrites_one_status_line_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = Progress(stream=stream)
    progress.set_total(2)
    progress.started("2017/01_tryghed.ipynb")
    progress.started("2017/02_kriminalitet.ipynb")
    progress.finished("2017/01_tryghed.ipynb", True, 2.0)
    progress.close()
    text = stream.getvalue()
    assert "\r\x1b[K[0/2] kører: 2017/01_tryghed.ipynb, 2017/02_kriminalitet.ipynb" in text
    assert "[1/2] 2017/01_tryghed.ipynb: færdig (2,0 s)\n" in text
    assert text.endswith("\r\x1b[K")  # the status line is cleared at the end
