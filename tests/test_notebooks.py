"""Every notebook in notebooks/: its shape, and that it executes for every reporting year.

Content checks of one notebook live in that notebook's own test file; they reuse
the session-cached ``executed_notebook`` fixture, so each notebook and year is
executed once per test session.
"""

from __future__ import annotations

import json

import pytest

from sikkerby.config.paths import notebooks_dir
from sikkerby.publish.render.chapters import front_matter, notebook_paths

NOTEBOOKS = notebook_paths(notebooks_dir())
YEARS = (2014, 2015, 2016, 2017)


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_the_four_chapters_exist():
    assert [p.stem for p in NOTEBOOKS] == [
        "00_sammenfatning", "01_oeget_tryghed", "02_mindre_kriminalitet", "03_effekt_og_evidens",
    ]


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


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_for_every_year(path, year, executed_notebook):
    nb = executed_notebook(path.stem, year)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", f"{path.name} {year}: {output.get('ename')}"
    assert nb.metadata["papermill"]["parameters"]["aar"] == year
