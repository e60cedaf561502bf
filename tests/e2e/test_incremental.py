"""Issue 15, item 1: a re-run rebuilds exactly the chapters whose own notebook, inputs, parameters or
the package changed, and copies the others from the published year; a stale chapter is never published.

One real cold run (the project's notebooks on a copy of the sample data, programme and notebooks in
a folder of this module) is kept as the pristine state; each test restores it at the same paths (the
keys name the data and programme folders), changes one thing and runs ``sikkerby run`` in-process
through :func:`sikkerby.cli.main`. What was executed is read twice: from the manifest's ``reused``
flags, and from the executed notebooks themselves (a reused one is byte for byte the published one,
an executed one has papermill's new start time and shows the changed value).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from sikkerby.cli import main
from sikkerby.config.paths import PROJECT_DIR, SAMPLE_DATA_DIR
from sikkerby.publish import cache

pytestmark = pytest.mark.slow

YEAR = 2017
STEMS = ("00_sammenfatning", "01_tryghed", "02_kriminalitet", "03_effekt_og_evidens", "04_bilag")
ALL = set(STEMS)
PAGES = {"00_sammenfatning": "index.html"} | {s: f"{s}.html" for s in STEMS[1:]}


def _run(ws: Path, *extra: str) -> int:
    return main(["run", "--year", str(YEAR), "--data", str(ws / "data"), "--out", str(ws / "out"),
                 "--params", str(ws / "params"), "--notebooks", str(ws / "notebooks"),
                 "--renderer", "offline", "--jobs", "2", "--quiet", *extra])


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> tuple[Path, Path]:
    """``(workspace, backup)``: the workspace after one cold run, and a copy of it to restore from."""
    base = tmp_path_factory.mktemp("incremental")
    ws = base / "ws"
    ws.mkdir()
    shutil.copytree(SAMPLE_DATA_DIR, ws / "data")
    shutil.copytree(PROJECT_DIR / "notebooks", ws / "notebooks")
    shutil.copytree(PROJECT_DIR / "params", ws / "params")
    assert _run(ws) == 0
    manifest = _manifest(ws)
    assert [n["reused"] for n in manifest["notebooks"]] == [False] * len(STEMS)
    backup = base / "backup"
    shutil.copytree(ws, backup, symlinks=True)
    return ws, backup


@pytest.fixture
def ws(pristine) -> Path:
    """The workspace as the cold run left it."""
    ws, backup = pristine
    shutil.rmtree(ws)
    shutil.copytree(backup, ws, symlinks=True)
    return ws


def _manifest(ws: Path) -> dict:
    return json.loads((ws / "out" / str(YEAR) / "manifest.json").read_text(encoding="utf-8"))


def _published(ws: Path) -> dict[str, tuple[bytes, bytes]]:
    """Each chapter's executed notebook and page, as bytes."""
    year = ws / "out" / str(YEAR)
    return {s: ((year / "notebooks" / f"{s}.ipynb").read_bytes(), (year / PAGES[s]).read_bytes()) for s in STEMS}


def _start_time(notebook: bytes) -> str:
    return json.loads(notebook)["metadata"]["papermill"]["start_time"]


def _text(ws: Path, stem: str) -> str:
    """Everything the executed chapter shows (its outputs), as one string."""
    nb = nbformat.reads((ws / "out" / str(YEAR) / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"),
                        as_version=4)
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(str(output.get("text", "")))
            parts += [str(v) for v in (output.get("data") or {}).values()]
    return "\n".join(parts)


def _rerun_and_check(ws: Path, expected: set[str], *extra: str) -> dict:
    """Re-run; exactly ``expected`` chapters were executed, the others are the published ones unchanged."""
    before, keys_before = _published(ws), {n["file"]: n["key"] for n in _manifest(ws)["notebooks"]}
    assert _run(ws, *extra) == 0
    manifest = _manifest(ws)
    executed = {n["file"].removesuffix(".ipynb") for n in manifest["notebooks"] if not n["reused"]}
    assert executed == expected
    after = _published(ws)
    for stem in STEMS:
        entry = next(n for n in manifest["notebooks"] if n["file"] == f"{stem}.ipynb")
        if stem in expected:
            assert _start_time(after[stem][0]) != _start_time(before[stem][0]), stem
            assert entry["seconds"] is not None
        else:  # copied, byte for byte, and its key is the one it was published with
            assert after[stem] == before[stem], stem
            assert entry["key"] == keys_before[entry["file"]]
            assert entry["seconds"] is None
    for name in ("maalstatus.csv", "aktivitetsscorer.csv", f"sikkerby-status-{YEAR}.pdf"):
        assert (ws / "out" / str(YEAR) / name).is_file()
    return manifest


def _add_marker_cell(notebook: Path, marker: str) -> None:
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(f"print({marker!r})"))
    nbformat.write(nb, notebook)


def _replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_unchanged_rerun_executes_nothing(ws):
    before, manifest = _published(ws), (ws / "out" / str(YEAR) / "manifest.json").read_bytes()
    assert _run(ws) == 0
    assert (ws / "out" / str(YEAR) / "manifest.json").read_bytes() == manifest  # the year was left alone
    assert _published(ws) == before


def test_editing_the_evidence_notebook_reexecutes_that_chapter_only(ws):
    _add_marker_cell(ws / "notebooks" / "02_effekt_og_evidens.ipynb", "MARKØR-EVIDENS-15")
    _rerun_and_check(ws, {"03_effekt_og_evidens"})
    assert "MARKØR-EVIDENS-15" in _text(ws, "03_effekt_og_evidens")
    assert "MARKØR-EVIDENS-15" in (ws / "out" / str(YEAR) / "03_effekt_og_evidens.html").read_text(encoding="utf-8")


def test_editing_the_goal_area_notebook_reexecutes_every_goal_area(ws):
    _add_marker_cell(ws / "notebooks" / "01_maalomraade.ipynb", "MARKØR-MÅLOMRÅDE-15")
    _rerun_and_check(ws, {"01_tryghed", "02_kriminalitet"})
    assert "MARKØR-MÅLOMRÅDE-15" in _text(ws, "01_tryghed")
    assert "MARKØR-MÅLOMRÅDE-15" in _text(ws, "02_kriminalitet")


def test_changed_activities_reexecute_the_chapters_that_read_them(ws):
    _replace_in(ws / "data" / "aktiviteter.csv", "Trivselsforløb i 7.-9. klasse", "Trivselsforløb Markørnavn")
    _rerun_and_check(ws, {"00_sammenfatning", "03_effekt_og_evidens", "04_bilag"})
    for stem in ("03_effekt_og_evidens", "04_bilag"):
        assert "Trivselsforløb Markørnavn" in _text(ws, stem)
        assert "Trivselsforløb i 7.-9. klasse" not in _text(ws, stem)


def test_changed_closures_reexecute_the_chapters_that_read_them(ws):
    # the annex reads every input (its method note lists every file's rows and years, and the closures'
    # deadlines), so it is re-executed too; the crime and evidence chapters are not
    _replace_in(ws / "data" / "lukninger.csv", "Kulturhuset Islands Brygge", "Kulturhuset Markørbrygge")
    _rerun_and_check(ws, {"00_sammenfatning", "01_tryghed", "04_bilag"})
    assert "Kulturhuset Markørbrygge" in _text(ws, "01_tryghed")
    assert "Kulturhuset Islands Brygge" not in _text(ws, "01_tryghed")


def test_changed_params_reexecute_everything(ws):
    path = ws / "params" / f"{YEAR}.yaml"
    params = yaml.safe_load(path.read_text(encoding="utf-8"))
    _replace_in(path, params["subtitle"], "Markørundertitel for status")
    _rerun_and_check(ws, ALL)
    for page in PAGES.values():
        assert "Markørundertitel for status" in (ws / "out" / str(YEAR) / page).read_text(encoding="utf-8"), page


def test_changed_package_code_reexecutes_everything(ws, monkeypatch):
    real = cache.package_tree
    monkeypatch.setattr(cache, "package_tree", lambda: {**real(), "report/ny_modul.py": "0" * 64})
    _rerun_and_check(ws, ALL)


def test_force_reexecutes_everything(ws):
    _rerun_and_check(ws, ALL, "--force")


def test_a_published_chapter_that_is_missing_is_executed_again(ws):
    (ws / "out" / str(YEAR) / "notebooks" / "02_kriminalitet.ipynb").unlink()
    assert _run(ws) == 0
    manifest = _manifest(ws)
    assert {n["file"] for n in manifest["notebooks"] if not n["reused"]} == {"02_kriminalitet.ipynb"}
    assert (ws / "out" / str(YEAR) / "notebooks" / "02_kriminalitet.ipynb").is_file()


def test_chapter_inputs_follow_the_programme(ws):
    """A goal area's chapter reads its indikatorer' inputs; the evidence chapter what its notebook declares."""
    from sikkerby.config.programme import load_programme
    from sikkerby.model.calculations import inputs_read
    from sikkerby.publish.render.chapters import discover_chapters

    programme = load_programme(ws / "params")
    chapters = {c.stem: c for c in discover_chapters(ws / "notebooks", programme.goal_areas)}
    assert tuple(chapters) == STEMS
    assert chapters["03_effekt_og_evidens"].reads == ("aktiviteter", "succeskriterier")
    assert chapters["00_sammenfatning"].reads is None and chapters["04_bilag"].reads is None
    tryghed = [i for m in programme.maalepunkter_for("tryghed") for i in m.indikatorer]
    assert "lukninger" in inputs_read(tryghed)
    assert chapters["01_tryghed"].goal_area == "tryghed"


def test_pdf_from_chapter_fragments_is_the_single_pandoc_call(ws, tmp_path):
    """The PDF's Typst source made from per-chapter fragments (cached, as a re-run makes it) is byte for
    byte what one pandoc call over every chapter gives, and refers to the same charts."""
    from sikkerby.config.programme import load_programme
    from sikkerby.publish.render.chapters import discover_chapters
    from sikkerby.publish.render.pdf import chapter_notebook, pandoc_to_typst, typst_source

    programme = load_programme(ws / "params")
    chapters = discover_chapters(ws / "notebooks", programme.goal_areas)
    executed = [(c, nbformat.read(ws / "out" / str(YEAR) / "notebooks" / c.name, as_version=4)) for c in chapters]
    meta = {"title": "Sikker By – status 2017", "subtitle": "Undertitel", "lang": "da", "aar": "2017",
            "toc-title": "Indhold", "sample-data": True, "programme": programme.name}
    single = tmp_path / "single"
    single.mkdir()
    paths = []
    for i, (chapter, nb) in enumerate(executed):
        path = single / f"{i:02d}-{chapter.stem}.ipynb"
        path.write_text(json.dumps(chapter_notebook(chapter, nb), ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    expected = pandoc_to_typst(paths, meta, single).read_text(encoding="utf-8")
    cache_dir = tmp_path / "fragments"
    for attempt in ("made", "from the cache"):
        work = tmp_path / attempt
        work.mkdir()
        assert typst_source(executed, meta, work, cache_dir).read_text(encoding="utf-8") == expected, attempt
        assert sorted(p.name for p in (work / "media").iterdir()) == sorted(p.name for p in (single / "media").iterdir())
    assert len(list(cache_dir.iterdir())) == len(chapters)
