"""Every notebook in notebooks/: its shape, the chapters it makes, and that each chapter executes for every year.

Content checks of one notebook live in that notebook's own test file; they reuse
the session-cached ``executed_notebook`` fixture, so each notebook and year is
executed once per test session.
"""

from __future__ import annotations

import json

import pytest
from factories import PROGRAMME_2014_2017

from sikkerby.config.paths import notebooks_dir
from sikkerby.config.programme import load_programme
from sikkerby.publish.render.chapters import discover_chapters, front_matter, notebook_paths

NOTEBOOKS = notebook_paths(notebooks_dir())
GOAL_AREAS = load_programme(PROGRAMME_2014_2017).goal_areas
CHAPTERS = discover_chapters(notebooks_dir(), GOAL_AREAS)
YEARS = (2014, 2015, 2016, 2017)


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_four_notebooks_make_the_five_chapters():
    assert [p.stem for p in NOTEBOOKS] == ["00_sammenfatning", "01_maalomraade", "02_effekt_og_evidens", "03_bilag"]
    # the goal-area notebook is one chapter per goal area of the programme, in its order; the annexes last
    assert [c.stem for c in CHAPTERS] == [
        "00_sammenfatning", "01_tryghed", "02_kriminalitet", "03_effekt_og_evidens", "04_bilag",
    ]
    assert [c.source.name for c in CHAPTERS] == [
        "00_sammenfatning.ipynb", "01_maalomraade.ipynb", "01_maalomraade.ipynb", "02_effekt_og_evidens.ipynb",
        "03_bilag.ipynb"]
    assert [c.title for c in CHAPTERS[1:3]] == ["Øget tryghed", "Mindre kriminalitet"]
    assert CHAPTERS[4].title == "Bilag"
    assert [c.parameters for c in CHAPTERS] == [
        (), (("maalomraade", "tryghed"),), (("maalomraade", "kriminalitet"),), (), ()]
    assert [c.name for c in CHAPTERS] == [f"{c.stem}.ipynb" for c in CHAPTERS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_clean(path):
    for cell in _cells(path):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name}: a code cell has outputs"
            assert cell.get("execution_count") is None, f"{path.name}: a code cell has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_has_front_matter_and_parameters(path):
    cells = _cells(path)
    matter = front_matter(cells[0])
    assert matter and matter.get("title"), f"{path.name}: the first cell must be Quarto front matter with a title"
    params = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1, f"{path.name}: exactly one cell tagged 'parameters'"
    namespace: dict = {}
    exec("".join(params[0]["source"]), {}, namespace)  # the cell only assigns literals
    assert isinstance(namespace.get("aar"), int)
    assert namespace.get("data_dir") == ""
    assert namespace.get("params_dir") == ""  # the project's params/
    per_goal_area = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("sikkerby", {}).get("per_goal_area")
    if per_goal_area:
        # the parameter the run sets per goal area has a working default: a goal area of the programme
        assert namespace.get(per_goal_area) in GOAL_AREAS


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.stem)
def test_chapter_executes_for_every_year(chapter, year, executed_notebook):
    nb = executed_notebook(chapter.stem, year)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", f"{chapter.stem} {year}: {output.get('ename')}"
    parameters = nb.metadata["papermill"]["parameters"]
    assert parameters["aar"] == year
    assert {k: parameters[k] for k, _ in chapter.parameters} == dict(chapter.parameters)
