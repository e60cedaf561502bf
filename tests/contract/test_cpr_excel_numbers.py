"""A CPR number typed into an Excel number cell loses its leading zero; it is still refused (DATA.md §5)."""

from __future__ import annotations

import re

import pandas as pd
from factories import valid_tables, with_changes, with_column, write_folder, write_table

from sikkerby.errors import InputError
from sikkerby.inputs.personal_data import MASK, restore_leading_zero
from sikkerby.inputs.readers import read_table
from sikkerby.inputs.validation import validate_folder

# 010190-1234 stored by Excel as the number 101901234 (nine digits)
CPR_AS_NUMBER = 101901234


def test_restore_leading_zero_only_for_nine_digit_number_cells():
    text = pd.Series(["101901234", "101901234", "123", "1019012345", "10190123a"], index=[2, 3, 4, 5, 6], dtype=object)
    numeric = pd.Series([True, False, True, True, True], index=text.index)
    restored = restore_leading_zero(text, numeric)
    assert restored.tolist() == ["0101901234", "101901234", "123", "1019012345", "10190123a"]
    assert restored.index.tolist() == [2, 3, 4, 5, 6]


def test_reader_marks_the_excel_number_cells(tmp_path):
    path = write_table(tmp_path / "aktiviteter.xlsx", [{"aktivitet_id": "A1", "navn": CPR_AS_NUMBER},
                                                      {"aktivitet_id": 7, "navn": "tekst"}])
    raw, problems = read_table(path, ["aktivitet_id", "navn"])
    assert problems == []
    assert raw.cells.loc[2, "navn"] == "101901234"
    assert raw.numeric_cells.to_numpy().tolist() == [[False, True], [True, False]]
    assert raw.numeric_cells.index.tolist() == [2, 3]


def _excel_folder(tmp_path, tables, name):
    folder = write_folder(tmp_path, tables)
    (folder / f"{name}.csv").unlink()
    write_table(folder / f"{name}.xlsx", tables[name])
    return folder


def test_cpr_in_an_excel_number_cell_is_refused_without_printing_it(tmp_path, programme):
    tables = with_changes(valid_tables(), "aktiviteter", 1, navn=CPR_AS_NUMBER)
    tables = with_column(tables, "aktiviteter", "kontakt", [None, None, CPR_AS_NUMBER])
    dataset, problems = validate_folder(_excel_folder(tmp_path, tables, "aktiviteter"), programme)
    assert dataset is None
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [
        ("aktiviteter.xlsx", 3, "navn", MASK), ("aktiviteter.xlsx", 4, "kontakt", MASK)]
    assert all("CPR-nummer" in p.rule for p in problems)
    text = str(InputError(problems))
    assert "101901234" not in text and re.search(r"\d{6}", text) is None


def test_nine_digit_numbers_that_are_no_date_with_the_zero_are_allowed(tmp_path, programme):
    # 123456789 -> 0123456789: month 23, not a date; a count of nine digits stays a count
    tables = with_changes(valid_tables(), "sigtelser", 0, befolkning=123456789)
    tables = with_changes(tables, "aktiviteter", 0, navn="101901234")  # typed as text: nine digits, no CPR
    folder = _excel_folder(tmp_path, tables, "sigtelser")
    (folder / "aktiviteter.csv").unlink()
    write_table(folder / "aktiviteter.xlsx", tables["aktiviteter"])
    dataset, problems = validate_folder(folder, programme)
    assert problems == []
    assert dataset.sigtelser["befolkning"][0] == 123456789
    assert dataset.aktiviteter["navn"][0] == "101901234"


def test_a_cpr_number_cell_in_a_number_column_is_refused_once(tmp_path, programme):
    tables = with_changes(valid_tables(), "sigtelser", 2, befolkning=CPR_AS_NUMBER)
    dataset, problems = validate_folder(_excel_folder(tmp_path, tables, "sigtelser"), programme)
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [("sigtelser.xlsx", 4, "befolkning", MASK)]
