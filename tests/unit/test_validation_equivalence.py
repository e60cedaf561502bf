"""Validating a folder with every shortcut gives exactly what the per-value path gives.

The reference is computed at test time by the same code with every whole-column
and whole-file shortcut switched off (:mod:`per_value_paths`): the Dataset
(values, dtypes) or the problem list must be equal, message for message. The
folders: the bundled sample, every case of the bad-input corpus (as written, and
with plain line feeds so the CSV files take the byte shortcuts), a generated 5x
folder, and copies of a generated folder whose survey is changed in one way
each (odd numbers, spaces, CPR numbers, ragged or blank lines, quotes, ...).
"""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
from bad_inputs import CORPUS
from per_value_paths import same_result, use_per_value_paths

from sikkerby.inputs import parsing
from sikkerby.inputs.validation import validate_folder
from sikkerby.sample import write_sample_data

SURVEY = "tryghedsundersoegelse.csv"


def both_paths(folder: Path, programme, monkeypatch) -> None:
    """Validate ``folder`` with the shortcuts, then without; the results must be equal."""
    fast = validate_folder(folder, programme)
    with monkeypatch.context() as patch:
        use_per_value_paths(patch)
        reference = validate_folder(folder, programme)
    same_result(fast, reference)


def with_line_feeds(folder: Path) -> None:
    """Every CSV file of ``folder`` with CRLF line ends turned into LF (UTF-8 files only)."""
    for path in folder.glob("*.csv"):
        data = path.read_bytes()
        if b"\r\n" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            path.write_bytes(data.replace(b"\r\n", b"\n"))


def test_the_bundled_sample(sample_data_dir, programme, monkeypatch):
    both_paths(sample_data_dir, programme, monkeypatch)


@pytest.mark.slow  # 94 folders validated twice
@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_every_bad_input(case, tmp_path, programme, monkeypatch):
    """With line feeds, so the CSV files without quotes take the byte shortcuts too (the factories
    write CRLF, which the shortcuts leave to the csv module; a lone CR stays as written)."""
    case.build(tmp_path)
    with_line_feeds(tmp_path)
    both_paths(tmp_path, programme, monkeypatch)


@pytest.mark.slow
def test_a_generated_5x_folder(tmp_path, programme, monkeypatch):
    write_sample_data(tmp_path, scale=5)
    both_paths(tmp_path, programme, monkeypatch)


SURVEY_ROWS = 3_000
MADE_UP_CPR = ("010190", "1234")  # joined where used: no tracked file may hold one (test_security)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A generated folder whose survey is cut to its first :data:`SURVEY_ROWS` rows (to keep the tests fast)."""
    folder = tmp_path_factory.mktemp("generated") / "data"
    write_sample_data(folder, scale=1)
    lines = (folder / SURVEY).read_text(encoding="utf-8").split("\n")
    (folder / SURVEY).write_text("\n".join(lines[:SURVEY_ROWS + 1] + [""]), encoding="utf-8")
    return folder


def set_cells(column: str, value: str, rows=(3, 500, SURVEY_ROWS)):
    """Lines ``rows`` (1 = header) of the survey get ``value`` in ``column``."""
    def change(lines: list[str]) -> list[str]:
        position = lines[0].split(",").index(column)
        for row in rows:
            cells = lines[row - 1].split(",")
            cells[position] = value
            lines[row - 1] = ",".join(cells)
        return lines
    return change


CHANGES = {
    # numbers the byte shortcut cannot decide, or must refuse
    **{f"vaegt {v!r}": set_cells("vaegt", v) for v in
       ["", ".", "1.", ".5", "+1", "1e5", " 1", "١", "1,5", "1.2.3", "0", "3", "0.12345678901234567", "1e400",
        "nan", "١٢٣٤٥٦٧٨٩٠", "-0", "-1", "0.0", "1e-400", "inf", "12345678901234567891", "9007199254740993",
        "00000000000000000000012", "1.e5", "+.5", "x"]},
    **{f"aar {v!r}": set_cells("aar", v) for v in ["2011.0", "12345678901234567890", "+2011", "", "٢٠١١"]},
    "many bad weights": set_cells("vaegt", "x", rows=range(2, 3000, 7)),
    # text the byte shortcuts must notice
    "id repeated": set_cells("respondent_id", "2011-00001", rows=(5,)),
    "id with a trailing space": set_cells("respondent_id", "x "),
    "id with a no-break space": set_cells("respondent_id", "\u00a0x"),
    "id with a dashed CPR number": set_cells("respondent_id", "-".join(MADE_UP_CPR)),
    "id with a CPR number": set_cells("respondent_id", "".join(MADE_UP_CPR)),
    "decomposed å": set_cells("respondent_id", unicodedata.normalize("NFD", "å")),
    "decomposed bydel": set_cells("bydel", unicodedata.normalize("NFD", "Østerbro")),
    "bydel in lower case": set_cells("bydel", "østerbro"),
    "missing code": set_cells("tryghed_aften", "9"),
    "alder too high": set_cells("alder", "200"),
    "koen outside the vocabulary": set_cells("koen", "x"),
    # lines
    "short line": lambda lines: lines[:5] + [lines[5].rsplit(",", 1)[0]] + lines[6:],
    "long line": lambda lines: lines[:5] + [lines[5] + ",x"] + lines[6:],
    "long and short line": lambda lines: lines[:5] + [lines[5] + ",x", lines[6].rsplit(",", 1)[0]] + lines[7:],
    "blank line": lambda lines: lines[:5] + [""] + lines[5:],
    "line of empty cells": lambda lines: lines[:5] + [",,,,,,"] + lines[5:],
    "no line feed at the end": lambda lines: lines[:-1],
    "byte order mark": lambda lines: ["\ufeff" + lines[0]] + lines[1:],
    "space before the header": lambda lines: [" " + lines[0]] + lines[1:],
    "space at the very end": lambda lines: lines[:-2] + [lines[-2] + " "] + lines[-1:],
    "quotes": lambda lines: lines[:5] + ['"' + lines[5].replace(",", '","') + '"'] + lines[6:],
    "carriage returns": lambda lines: [line + "\r" for line in lines[:-1]] + lines[-1:],
    "title line": lambda lines: ["Titel,,,,,,"] + lines,
    "CPR number as a column name": lambda lines: [lines[0] + "," + "".join(MADE_UP_CPR)] + [
        x + ",x" for x in lines[1:-1]] + [""],
    "cpr column": lambda lines: [lines[0] + ",cpr"] + [x + "," for x in lines[1:-1]] + [""],
    "semicolons and decimal commas": lambda lines: [lines[0].replace(",", ";")] + [
        x.replace(",", ";").replace(".", ",") for x in lines[1:]],
    "tabs": lambda lines: [x.replace(",", "\t") for x in lines],
    "a row twice": lambda lines: lines[:-1] + [lines[1], ""],
    "weight column twice": lambda lines: [lines[0] + ",vaegt"] + [x + ",x" for x in lines[1:-1]] + [""],
    "header in capitals": lambda lines: [lines[0].upper()] + lines[1:],
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_changed_survey(change, generated, tmp_path, programme, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(generated, folder)
    lines = (folder / SURVEY).read_text(encoding="utf-8").split("\n")
    assert len(lines) == SURVEY_ROWS + 2 and lines[-1] == ""
    (folder / SURVEY).write_bytes("\n".join(CHANGES[change](lines)).encode("utf-8"))
    # the survey counts as large here, so the id and weight columns skip distinct values
    monkeypatch.setattr(parsing, "DISTINCT_MIN_CELLS", 1_000)
    both_paths(folder, programme, monkeypatch)
