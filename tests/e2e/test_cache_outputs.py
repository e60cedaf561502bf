"""The cache never serves a stale publication: after an input changes, a re-run WITHOUT --force
gives outputs computed from the new data (the CSVs and what the notebooks printed)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from sikkerby.publish.render.tables import write_csv
from sikkerby.publish.run import run_years

FIXTURE_NOTEBOOKS = Path(__file__).parents[1] / "notebooks_fixture"
# 2017, age 18, boys in the bundled sigtelser.csv: 123 of 4700 charged
OLD_ROW, NEW_ROW = "\n2017,18,m,4700,123\n", "\n2017,18,m,4700,400\n"
PRINTED = "ungdomskriminalitet i notebooken: "


@pytest.fixture
def notebooks_reading_data(tmp_path) -> Path:
    """The fixture notebooks; 02_kriminalitet also prints the year's ungdomskriminalitet from open_chapter."""
    folder = tmp_path / "notebooks"
    shutil.copytree(FIXTURE_NOTEBOOKS, folder)
    path = folder / "02_kriminalitet.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "from sikkerby.report.chapter import open_chapter\n"
        "ch = open_chapter(aar, data_dir, params_dir)\n"
        f"print({PRINTED!r} + repr(float(ch.status_row('ungdomskriminalitet')['vaerdi'])))"))
    nbformat.write(nb, path)
    return folder


def _printed_value(out: Path) -> float:
    nb = nbformat.read(out / "2017" / "notebooks" / "02_kriminalitet.ipynb", as_version=4)
    texts = [o.get("text", "") for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs
             if o.get("output_type") == "stream"]
    lines = [line for text in texts for line in text.splitlines() if line.startswith(PRINTED)]
    assert len(lines) == 1, texts
    return float(lines[0].removeprefix(PRINTED))


def _status(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "2017" / "maalstatus.csv", keep_default_na=False, na_values=[""]).set_index(
        "indikator_id")


def _sums_2017(sigtelser_csv: Path) -> tuple[int, int]:
    rows = pd.read_csv(sigtelser_csv)
    rows = rows[rows["aar"] == 2017]
    return int(rows["sigtede"].sum()), int(rows["befolkning"].sum())


@pytest.mark.slow
def test_changed_input_changes_the_outputs_without_force(tmp_path, sample_copy, notebooks_reading_data):
    from sikkerby.config.programme import load_programme
    from sikkerby.inputs.dataset import load_dataset
    from sikkerby.model.goals import maalstatus

    programme = load_programme()  # the programme folder the run reads: the project's params/
    out = tmp_path / "out"
    args = dict(data_dir=sample_copy, out_dir=out, notebooks_dir=notebooks_reading_data, quiet=True,
                stream=io.StringIO())
    assert run_years([2017], **args) == 0
    before = _status(out)
    charged, population = _sums_2017(sample_copy / "sigtelser.csv")
    # DATA.md §2: ungdomskriminalitet = 100 · Σsigtede / Σbefolkning over the year's rows
    assert before.loc["ungdomskriminalitet", "vaerdi"] == pytest.approx(100 * charged / population)
    assert _printed_value(out) == pytest.approx(before.loc["ungdomskriminalitet", "vaerdi"])

    path = sample_copy / "sigtelser.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count(OLD_ROW) == 1
    path.write_text(text.replace(OLD_ROW, NEW_ROW), encoding="utf-8")

    assert run_years([2017], **args) == 0  # no --force: the cache must see the new input
    after = _status(out)
    # 277 more of the same population charged
    expected = 100 * (charged + 277) / population
    assert after.loc["ungdomskriminalitet", "vaerdi"] == pytest.approx(expected)
    assert after.loc["ungdomskriminalitet", "vaerdi"] != pytest.approx(before.loc["ungdomskriminalitet", "vaerdi"])
    assert _printed_value(out) == pytest.approx(expected)  # the notebooks saw the new data too
    # the other indikatorer do not use sigtelser.csv
    others = before.index != "ungdomskriminalitet"
    pd.testing.assert_frame_equal(after[others], before[others])
    # and the whole file is exactly what the package computes from the new data
    write_csv(maalstatus(load_dataset(sample_copy, programme), programme, 2017), tmp_path / "expected.csv")
    assert (out / "2017" / "maalstatus.csv").read_bytes() == (tmp_path / "expected.csv").read_bytes()
