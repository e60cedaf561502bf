"""Whole-column shortcuts of reading and validation give exactly what the per-value path gives."""

from __future__ import annotations

import csv
import io
import random
import unicodedata

import numpy as np
import pandas as pd
import pytest

from sikkerby.parsing import ascii_cells, by_unique, edge_whitespace, parse, parse_text
from sikkerby.personal_data import _cpr_cells, cpr_cells
from sikkerby.readers import _strip_column, field_counts


def _csv_reader_counts(text: str, separator: str) -> list[int]:
    return [len(record) for record in csv.reader(io.StringIO(text, newline=""), delimiter=separator)]


@pytest.mark.parametrize("text", [
    "a,b\n1,2\n", "a,b\n1,2", "a,b\n\n1\n", "a,b\n1,2\n\n", "\n", "x", ",,,\n,", "æ,ø\nå,\n", "\n\nx,y",
    'a,"b,c"\n1,2\n',  # quotes: the csv module counts
    "a,b\r\n1,2\r\n",  # carriage returns: the csv module counts
])
@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_field_counts_are_the_csv_modules(text, separator):
    assert field_counts(text, separator).tolist() == _csv_reader_counts(text, separator)


def test_field_counts_on_random_text():
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice('ab,;\t\nø"\r') for _ in range(rng.randint(1, 25)))
        for separator in ",;\t":
            assert field_counts(text, separator).tolist() == _csv_reader_counts(text, separator), repr(text)


def test_ascii_cells_and_edge_whitespace():
    assert ascii_cells(pd.Series(["Nørrebro"], dtype=object)) is None  # not ASCII: the general path
    assert ascii_cells(pd.Series(["a", np.nan], dtype=object)) is None  # not all str
    assert not edge_whitespace(ascii_cells(pd.Series(["a b", "", "c"], dtype=object)))
    for cells in ([" a", "b"], ["a", "b\t"], ["", "x\x1c"], ["a", " "]):
        assert edge_whitespace(ascii_cells(pd.Series(cells, dtype=object))), cells


@pytest.mark.parametrize("cells", [
    ["2011-00001", "2011-00002", ""],  # ASCII, nothing to strip: returned as it is
    [" 2011", "2012 ", "x"],
    ["Nørrebro", " Nørrebro", unicodedata.normalize("NFD", "Nørrebro")],
])
def test_strip_column_equals_stripping_every_distinct_value(cells):
    column = pd.Series(cells * 3, dtype=object)
    expected = by_unique(column, lambda d: d.str.strip().str.normalize("NFC").astype(object))
    pd.testing.assert_series_equal(_strip_column(column), expected)


@pytest.mark.parametrize("cells, hits", [
    (["0.629907", "1.410916", "2011-00001"], [False, False, False]),  # six digits, but no CPR shape
    (["x", "010190-1234", "y"], [False, True, False]),
    (["0101901234"], [True]),
    (["010190", "1234"], [False, False]),  # digits in two cells are not one number
    (["tlf 12345678901"], [False]),  # eleven digits in a row: glued to other digits
])
def test_cpr_cells_equals_the_per_value_check(cells, hits):
    column = pd.Series(cells, dtype=object)
    expected = by_unique(column, _cpr_cells)
    assert cpr_cells(column).tolist() == expected.tolist() == hits


def test_parse_text_needs_no_distinct_values():
    column = pd.Series(["a", "", "b", "a"], index=[2, 3, 4, 5], dtype=object)
    values, invalid = parse(column, "text")
    expected, _ = by_unique(column, lambda d: parse_text(d))
    pd.testing.assert_series_equal(values, expected, check_names=False)
    assert values.dtype == "str" and pd.isna(values[3]) and not invalid.any()
