"""Shared fixtures. Helpers: append new fixtures, do not rewrite existing ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sikkerby.config.paths import PROJECT_DIR, SAMPLE_DATA_DIR
from sikkerby.config.programme import load_programme

PROGRAMMES_DIR = Path(__file__).parent / "programmes"


@pytest.fixture(scope="session")
def programme():
    """The 2014-2017 programme, frozen for the tests (tests/programmes/sikker-by-2014-2017; not the live params/)."""
    return load_programme(PROGRAMMES_DIR / "sikker-by-2014-2017")


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return PROJECT_DIR


@pytest.fixture(scope="session")
def sample_data_dir() -> Path:
    """The bundled synthetic sample data (read-only: copy before changing)."""
    return SAMPLE_DATA_DIR


@pytest.fixture
def sample_copy(tmp_path, sample_data_dir) -> Path:
    """A writable copy of the bundled sample data folder."""
    dest = tmp_path / "data"
    shutil.copytree(sample_data_dir, dest)
    return dest


@pytest.fixture(scope="session")
def typed_frame():
    """Build a small input table with the dtypes of sikkerby/contract.py (as after loading).

    ``typed_frame("lukninger", [{...}, ...])``: missing optional columns are filled
    with missing values; dates may be given as ISO strings; ``None`` is missing.
    """
    import pandas as pd

    from sikkerby.inputs.contract import INPUTS_BY_NAME

    def build(name: str, rows: list[dict]) -> pd.DataFrame:
        spec = INPUTS_BY_NAME[name]
        data = {}
        for col in spec.columns:
            values = [row.get(col.name) for row in rows]
            if col.type == "int":
                dtype = "Int64" if col.nullable or not col.required else "int64"
                series = pd.Series(values, dtype="Int64").astype(dtype)
            elif col.type == "float":
                series = pd.Series([float("nan") if v is None else v for v in values], dtype="float64")
            elif col.type == "date":
                series = pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
            elif col.type == "bool":
                series = pd.Series(values, dtype="bool")
            else:
                series = pd.Series(values, dtype="str")
            data[col.name] = series
        return pd.DataFrame(data, columns=list(spec.column_names))

    return build


@pytest.fixture(scope="session")
def sample_dataset(programme):
    """The bundled sample data, loaded and validated once per test session (do not modify it)."""
    from sikkerby.inputs.dataset import load_dataset

    return load_dataset("", programme)


@pytest.fixture(scope="session")
def executed_notebook(tmp_path_factory, programme):
    """Execute one chapter of the publication for a year with papermill (cached per session).

    Usage: ``nb = executed_notebook("01_tryghed", 2017)`` returns the executed notebook (an
    ``nbformat.NotebookNode``). ``stem`` is the chapter's name in the run
    (:func:`sikkerby.publish.render.chapters.discover_chapters` with the programme's goal areas:
    ``00_sammenfatning``, ``01_tryghed``, ``02_kriminalitet``, ``03_effekt_og_evidens``), so a
    goal-area chapter is ``notebooks/01_maalomraade.ipynb`` run with its ``maalomraade``. Parameters
    are passed as literals; the data folder defaults to the bundled sample and the programme is the
    frozen 2014-2017 one (the ``programme`` fixture).
    """
    import nbformat
    import papermill

    from sikkerby.config.paths import notebooks_dir
    from sikkerby.publish.render.chapters import discover_chapters

    chapters = {c.stem: c for c in discover_chapters(notebooks_dir(), programme.goal_areas)}
    cache: dict[tuple, object] = {}
    out_dir = tmp_path_factory.mktemp("executed")

    def run(stem: str, year: int, data_dir: str = ""):
        key = (stem, year, data_dir)
        if key not in cache:
            if stem not in chapters:
                raise KeyError(f"no chapter {stem!r}; the chapters are {', '.join(chapters)}")
            chapter = chapters[stem]
            target = out_dir / f"{stem}-{year}-{len(cache)}.ipynb"
            parameters = {"aar": year, "data_dir": data_dir, "params_dir": str(programme.folder),
                          **dict(chapter.parameters)}
            papermill.execute_notebook(
                str(chapter.source), str(target), parameters=parameters,
                kernel_name="python3", cwd=str(chapter.source.parent), progress_bar=False, start_timeout=120,
            )
            cache[key] = nbformat.read(target, as_version=4)
        return cache[key]

    return run


@pytest.fixture(scope="session", autouse=True)
def private_dataset_cache(tmp_path_factory):
    """Validated datasets (sikkerby.inputs.dataset_cache) of this test session go to a folder of its own, not ~/.cache
    (notebook kernels and `sikkerby run` subprocesses inherit the setting)."""
    import os

    previous = os.environ.get("SIKKERBY_CACHE_DIR")
    os.environ["SIKKERBY_CACHE_DIR"] = str(tmp_path_factory.mktemp("sikkerby-cache"))
    yield os.environ["SIKKERBY_CACHE_DIR"]
    if previous is None:
        os.environ.pop("SIKKERBY_CACHE_DIR", None)
    else:
        os.environ["SIKKERBY_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def sample_publication(tmp_path_factory) -> Path:
    """``sikkerby run --year 2017`` on the bundled sample data, once per test session: ``<out>/2017``."""
    from run_helpers import run_sikkerby

    out = tmp_path_factory.mktemp("publication")
    done = run_sikkerby("run", "--year", "2017", "--out", out, "--quiet")
    assert done.returncode == 0, done.stderr[-3000:]
    return out / "2017"


@pytest.fixture
def workspace(tmp_path, sample_data_dir, project_dir) -> Path:
    """``tmp_path`` with writable copies of what a run reads: ``data/`` (the sample), ``notebooks/``
    (the project's) and ``params/`` (the frozen 2014-2017 programme)."""
    shutil.copytree(sample_data_dir, tmp_path / "data")
    shutil.copytree(project_dir / "notebooks", tmp_path / "notebooks")
    shutil.copytree(PROGRAMMES_DIR / "sikker-by-2014-2017", tmp_path / "params")
    return tmp_path
