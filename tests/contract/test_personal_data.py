"""DATA.md §5: personal data never enters the pipeline, and the number is never printed in full."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from factories import valid_tables, with_changes, with_column, write_folder

from sikkerby.errors import InputError
from sikkerby.inputs.personal_data import (
    MASK,
    cpr_cells,
    is_personal_data_column,
    mask_cpr,
    screen,
)
from sikkerby.inputs.validation import validate_folder

CPR = "0101901234"
CPR_DASHED = "010190-1234"


@pytest.mark.parametrize("text, expected", [
    (CPR, True),                       # 01-01-90: a valid date
    (CPR_DASHED, True),
    ("Ole Hansen, 311299-0000, Nørrebro", True),
    ("ring 2902001234", True),         # 29-02-2000 (a leap year)
    ("2902011234", False),             # 29-02-2001 does not exist
    ("3002901234", False),             # 30 February
    ("1234567890", False),             # month 34
    ("0113901234", False),             # month 13
    ("3104901234", False),             # 31 April
    ("12345678901", False),            # eleven digits
    ("x01019012345", False),           # glued to another digit
    ("999999-9999", True),             # the DDMMYY-XXXX form itself
    ("2016-03-18", False),
    ("18.03.2016", False),
    ("R0000001", False),
    ("", False),
])
def test_cpr_cells(text, expected):
    assert cpr_cells(pd.Series([text], dtype=object)).tolist() == [expected]


def test_cpr_cells_keeps_the_index_and_sees_repeated_values():
    text = pd.Series(["a", CPR, "b", CPR, "0113901234"], index=[2, 3, 5, 6, 7], dtype=object)
    hits = cpr_cells(text)
    assert hits.index.tolist() == [2, 3, 5, 6, 7]
    assert hits.tolist() == [False, True, False, True, False]


def test_mask_cpr():
    assert mask_cpr(pd.Series([f"Ole {CPR_DASHED} x", CPR], dtype=object)).tolist() == ["Ole ******-**** x",
                                                                                       "**********"]


@pytest.mark.parametrize("name, expected", [
    ("cpr", True), ("CPR-nr", True), ("cpr_nummer", True), ("Borger CPR", True), ("navn_person", True),
    ("Navn Person", True), ("personnummer", True), ("PersonNr", True),
    ("navn", False), ("respondent_id", False), ("aarsag", False), ("beskrivelse", False), ("institution", False),
])
def test_personal_data_column_names(name, expected):
    assert is_personal_data_column(name) is expected


def test_screen_masks_the_cells_it_refuses():
    cells = pd.DataFrame({"navn": ["Ole " + CPR_DASHED, "x"], "noter": ["", ""]}, index=[2, 3], dtype=object)
    problems, masked, refused = screen(cells, "aktiviteter.csv")
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [("aktiviteter.csv", 2, "navn", MASK)]
    assert masked.loc[2, "navn"] == "Ole ******-****"
    assert refused.to_numpy().tolist() == [[True, False], [False, False]]
    assert cells.loc[2, "navn"] == "Ole " + CPR_DASHED  # the caller's frame is left alone


def refused(tmp_path, programme, tables) -> InputError:
    write_folder(tmp_path, tables)
    dataset, problems = validate_folder(tmp_path, programme)
    assert dataset is None
    error = InputError(problems)
    assert re.search(r"\d{6}", str(error)) is None  # no CPR number, not even its date part
    return error


@pytest.mark.parametrize("name, index, column, text", [
    ("aktiviteter", 1, "navn", f"Kontakt Ole Hansen ({CPR_DASHED})"),
    ("lukninger", 1, "aarsag", f"Borger {CPR} truede personalet"),
    ("succeskriterier", 3, "beskrivelse", CPR),
    ("tryghedsundersoegelse", 4, "respondent_id", CPR),
    ("bandelog", 0, "omraade", CPR_DASHED),
])
def test_cpr_in_any_text_cell_is_refused_without_printing_it(tmp_path, programme, name, index, column, text):
    error = refused(tmp_path, programme, with_changes(valid_tables(), name, index, **{column: text}))
    [problem] = error.problems
    assert (problem.file, problem.row, problem.column) == (f"{name}.csv", index + 2, column)
    assert "CPR-nummer" in problem.rule
    assert problem.value == MASK


def test_cpr_in_a_number_column_is_refused_once(tmp_path, programme):
    # refused once, as personal data; not again as "not a whole number"
    error = refused(tmp_path, programme, with_changes(valid_tables(), "sigtelser", 0, befolkning=CPR))
    [problem] = error.problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("sigtelser.csv", 2, "befolkning", MASK)
    assert "CPR-nummer" in problem.rule


def test_cpr_in_an_extra_column_is_refused(tmp_path, programme):
    tables = with_column(valid_tables(), "lukninger", "kontakt", ["", CPR_DASHED, "", ""])
    [problem] = refused(tmp_path, programme, tables).problems
    assert (problem.file, problem.row, problem.column) == ("lukninger.csv", 3, "kontakt")


@pytest.mark.parametrize("column", ["cpr", "CPR-nr", "navn_person", "Personnummer"])
def test_personal_data_column_is_refused_even_when_empty(tmp_path, programme, column):
    tables = with_column(valid_tables(), "sigtelser", column, [None] * 6)
    [problem] = refused(tmp_path, programme, tables).problems
    assert (problem.file, problem.row, problem.column) == ("sigtelser.csv", 1, column)
    assert "personoplysninger" in problem.rule


def test_ten_digit_numbers_that_are_not_dates_are_allowed(tmp_path, programme):
    tables = with_changes(valid_tables(), "aktiviteter", 0, navn="Journal 1234567890 og 3002901234")
    write_folder(tmp_path, tables)
    dataset, problems = validate_folder(tmp_path, programme)
    assert problems == []
    assert dataset.aktiviteter["navn"][0] == "Journal 1234567890 og 3002901234"


def test_many_cpr_numbers_are_counted_not_listed(tmp_path, programme):
    tables = valid_tables()
    for i, row in enumerate(tables["tryghedsundersoegelse"]):
        row["respondent_id"] = f"0{i}0190-12{i}4" if i else f"010190-12{i}4"
    tables["tryghedsundersoegelse"] += [dict(row, aar=2015, respondent_id=f"1{i}0190-4321")
                                        for i, row in enumerate(tables["tryghedsundersoegelse"][:5])]
    error = refused(tmp_path, programme, tables)
    listed = [p for p in error.problems if p.row is not None]
    assert len(listed) == 10 and all(p.value == MASK for p in listed)
    [summary] = [p for p in error.problems if p.row is None]
    assert summary.rule.startswith("15 rækker bryder reglen «cellen ser ud til at indeholde et CPR-nummer")
