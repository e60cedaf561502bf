"""Whole-column shortcuts of reading and validation give exactly what the per-value path gives."""

from __future__ import annotations

import codecs
import csv
import io
import random
import re
import unicodedata

import numpy as np
import pandas as pd
import pytest

from sikkerby.inputs.parsing import (
    ascii_cells,
    by_unique,
    edge_whitespace,
    parse,
    parse_text,
)
from sikkerby.inputs.personal_data import _cpr_cells, cpr_cells
from sikkerby.inputs.readers import _strip_column, field_counts


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
    expected = pd.Series([unicodedata.normalize("NFC", c.strip()) for c in column], dtype=object)
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


# ----------------------------------------------------------- numbers from bytes

EDGE_CELLS = ["", ".", "1.", ".5", "+1", "-1", "1e5", "1E-5", " 1", "1 ", "١", "١.٥", "٢٠١١", "1,5", "1.2.3", "0", "00",
              "007", "17", "17.5", "17.0", "17.000", "-0", "1e400", "-1e400", "nan", "inf", "x", "1 000", "1_000",
              "123456789012345", "1234567890123456", "12345678901234567890", "0.1234567890123456",
              "99999999999999.9", "000000000000000000001", ".000000000000001", "1.5\x00", "..5", "5..", "+.5", "-"]


def _per_value(monkeypatch):
    from per_value_paths import use_per_value_paths
    use_per_value_paths(monkeypatch)


@pytest.mark.parametrize("type_", ["int", "float"])
@pytest.mark.parametrize("decimal_comma", [False, True])
@pytest.mark.parametrize("copies", [1, 400])  # 400 copies: the weight-column path without distinct values
def test_numbers_parse_the_same_with_and_without_the_byte_shortcut(type_, decimal_comma, copies, monkeypatch):
    from sikkerby.inputs import parsing

    monkeypatch.setattr(parsing, "DISTINCT_MIN_CELLS", 1_000)
    rng = random.Random(3)
    cells = EDGE_CELLS * copies
    rng.shuffle(cells)
    column = pd.Series(cells, index=range(2, len(cells) + 2), dtype=object, name="vaegt")
    fast_values, fast_invalid = parse(column, type_, decimal_comma)
    with monkeypatch.context() as patch:
        _per_value(patch)
        slow_values, slow_invalid = parse(column, type_, decimal_comma)
    pd.testing.assert_series_equal(fast_values, slow_values)
    pd.testing.assert_series_equal(fast_invalid, slow_invalid)


def test_plain_number_kinds():
    from sikkerby.inputs.parsing import plain_numbers

    cells = ["17", "17.5", "17.", ".5", "", ".", "1.2.3", "+1", "1e5", " 1", "1,5", "0"]
    found = plain_numbers(pd.Series(cells, dtype=object))
    assert found.kind.tolist() == [1, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 1]
    assert found.length.tolist() == [len(c) for c in cells]
    assert plain_numbers(pd.Series(["1", "١"], dtype=object)) is None  # not ASCII: every cell by the regex


def test_plain_values_are_what_to_numeric_and_float_give():
    from sikkerby.inputs.parsing import EXACT_DIGITS, plain_numbers, plain_values

    rng = random.Random(5)
    cells = []
    for _ in range(50_000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, EXACT_DIGITS + 2)))
        point = rng.randint(0, len(digits))
        cells.append(digits[:point] + "." + digits[point:] if rng.random() < 0.7 else digits)
    values = plain_values(plain_numbers(pd.Series(cells, dtype=object)))
    expected = pd.to_numeric(pd.Series(cells, dtype=object)).to_numpy(dtype=float)
    converted = ~np.isnan(values)
    too_long = np.array([len(c.replace(".", "")) > EXACT_DIGITS for c in cells])
    assert (converted == ~too_long).all()  # every plain number of up to 15 digits, no other
    assert (values[converted] == expected[converted]).all()
    assert (values[converted] == np.array([float(c) for c in cells])[converted]).all()


@pytest.mark.parametrize("cells", [["a", "b", "a", np.nan, "b", None], ["x"], [], [np.nan, np.nan]])
def test_by_unique_gives_the_same_with_or_without_distinct_values(cells, monkeypatch):
    from sikkerby.inputs import parsing

    column = pd.Series(cells, index=range(5, 5 + len(cells)), dtype=object, name="c")

    def per_value(distinct: pd.Series) -> tuple[pd.Series, pd.Series]:
        return distinct.str.upper(), distinct.isna()

    monkeypatch.setattr(parsing, "DISTINCT_MIN_CELLS", 10**9)
    by_distinct = by_unique(column, per_value)
    monkeypatch.setattr(parsing, "DISTINCT_MIN_CELLS", 0)
    monkeypatch.setattr(parsing, "mostly_distinct", lambda values, min_cells=None: True)
    whole = by_unique(column, per_value)
    for a, b in zip(by_distinct, whole):
        pd.testing.assert_series_equal(a, b)
    assert by_distinct[1].tolist() == column.isna().tolist()  # a missing value stays missing


def test_mostly_distinct_judges_a_sample():
    from sikkerby.inputs.parsing import mostly_distinct

    assert mostly_distinct(np.array([str(i) for i in range(100_000)], dtype=object))
    assert not mostly_distinct(np.array(["2011", "2012"] * 50_000, dtype=object))
    assert not mostly_distinct(np.array([str(i) for i in range(100)], dtype=object))  # small: not worth it
    assert mostly_distinct(np.array([str(i) for i in range(100)], dtype=object), min_cells=0)


# ----------------------------------------------------------- whole-file facts from bytes

NFC_POOL = ["a", "A", "e", "o", " ", ",", "<", "=", "å", "ø", "é", "Å", "\u030a", "\u0301", "\u0323", "\u0338",
            "\u1100", "\u1161", "\u11a8", "\uac00", "\u0344", "\u0f73", "\u2126", "\u212b", "\u09c7", "\u09be",
            "\u0b47", "\u0b3e", "\u00a0", "١"]


def test_is_nfc_is_unicodedatas_answer():
    from sikkerby.inputs.parsing import is_nfc, non_ascii_characters

    rng = random.Random(11)
    seen = set()
    for _ in range(20_000):
        text = "".join(rng.choice(NFC_POOL[:rng.randint(4, len(NFC_POOL))]) for _ in range(rng.randint(0, 8)))
        expected = unicodedata.is_normalized("NFC", text)
        assert is_nfc(text, non_ascii_characters(text.encode("utf-8"))) == expected, repr(text)
        seen.add(expected)
    assert seen == {True, False}


def _cells(text: str, separator: str) -> list[str]:
    return [cell for line in text.split("\n") for cell in line.split(separator)]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_clean_cells_and_cpr_shapes_from_the_bytes(separator):
    from sikkerby.inputs.parsing import cells_are_clean, non_ascii_characters
    from sikkerby.inputs.personal_data import _QUICK, text_may_hold_cpr

    rng = random.Random(13)
    pool = ["0", "1", "9", "-", "a", " ", "\t", "\x0b", "\x1f", "\n", separator, "ø", "\u030a", "\u00a0", "١", "å"]
    outcomes = set()
    for _ in range(6_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 14)))
        if rng.random() < 0.3:
            text = text.replace(" ", "").replace("\u00a0", "")
        if rng.random() < 0.3:
            text = "".join(rng.choice("0123456789-,\n") for _ in range(rng.randint(6, 16)))
        data, others = text.encode("utf-8"), non_ascii_characters(text.encode("utf-8"))
        cells = _cells(text, separator)
        unchanged = all(unicodedata.normalize("NFC", c.strip()) == c for c in cells)
        clean = cells_are_clean(data, text, separator.encode() + b"\n", others)
        assert unchanged or not clean, repr(text)  # clean means stripping and normalising change nothing
        if not others:
            assert clean == unchanged, repr(text)  # ASCII: exact
        matches = any(re.search(_QUICK, c) for c in cells)
        may = text_may_hold_cpr(data, others)
        assert may or not matches, repr(text)  # never misses a CPR shape
        if not any(c.isdecimal() for c in others):
            assert may == matches, repr(text)
        outcomes.add((clean, may))
    assert outcomes == {(True, True), (True, False), (False, True), (False, False)}


def test_first_line_is_the_first_line_that_is_not_empty():
    from sikkerby.inputs.readers import _first_line

    rng = random.Random(17)
    for _ in range(5_000):
        text = "".join(rng.choice("ab,\r\n") for _ in range(rng.randint(0, 12)))
        assert _first_line(text) == text.lstrip("\r\n").split("\n", 1)[0], repr(text)


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_read_table_gives_the_same_with_and_without_the_byte_facts(separator, tmp_path, monkeypatch):
    """Random small CSV files: cells, header, ragged rows, problems and screening are the same."""
    from sikkerby.inputs.personal_data import screen
    from sikkerby.inputs.readers import read_table

    rng = random.Random(19)
    pool = ["1", "2011", "0101901234", "010190-1234", "x y", " x", "x ", "", "Nørrebro",
            unicodedata.normalize("NFD", "å"), "\u00a0", "0.5", "١", "cpr", "aar", "vaegt"]
    path = tmp_path / "tryghedsundersoegelse.csv"
    screened_from_bytes = 0
    for n in range(150):
        width = rng.randint(1, 4)
        lines = [separator.join(rng.choice(["aar", "vaegt", "bydel", "x", "", "cpr"]) for _ in range(width))]
        for _ in range(rng.randint(0, 6)):
            fields = width + (rng.choice([-1, 1]) if rng.random() < 0.1 else 0)
            lines.append(separator.join(rng.choice(pool) for _ in range(max(fields, 0))))
        text = "\n".join(lines) + ("\n" if rng.random() < 0.8 else "")
        data = text.encode("utf-8")
        path.write_bytes(codecs.BOM_UTF8 + data if n % 7 == 0 else data)
        fast = read_table(path, ["aar", "vaegt", "bydel"])
        with monkeypatch.context() as patch:
            _per_value(patch)
            slow = read_table(path, ["aar", "vaegt", "bydel"])
        assert fast[1] == slow[1], text
        if slow[0] is None:
            assert fast[0] is None
            continue
        f, s = fast[0], slow[0]
        pd.testing.assert_frame_equal(f.cells, s.cells)
        pd.testing.assert_series_equal(f.ragged, s.ragged)
        assert (f.header, f.header_ok, f.decimal_comma) == (s.header, s.header_ok, s.decimal_comma)
        screened_from_bytes += not f.may_hold_cpr
        screened = screen(f.cells, f.file, f.numeric_cells, f.may_hold_cpr)
        with monkeypatch.context() as patch:
            _per_value(patch)
            expected = screen(s.cells, s.file, s.numeric_cells, s.may_hold_cpr)
        assert screened[0] == expected[0], text
        pd.testing.assert_frame_equal(screened[1], expected[1])
        pd.testing.assert_frame_equal(screened[2], expected[2])
    assert screened_from_bytes > 10  # the byte facts were used, not only the per-value path


def test_all_distinct():
    from sikkerby.inputs.validation import all_distinct

    assert all_distinct(pd.Series(["a", "b", "c"], dtype="str"))
    assert not all_distinct(pd.Series(["a", "b", "a"], dtype="str"))
    assert not all_distinct(pd.Series(["a", None, "b"], dtype="str"))  # missing values: duplicated decides
    assert not all_distinct(pd.Series([1, 2, 3], dtype="Int64"))  # only text columns


def test_numbers_are_read_as_numbers_only_from_plain_clean_files(tmp_path):
    from sikkerby.inputs.readers import read_table

    path = tmp_path / "t.csv"
    names = ["aar", "vaegt"]

    def numbers_of(text: str, header_names=names) -> tuple[str, ...]:
        path.write_bytes(text.encode("utf-8"))
        raw, _ = read_table(path, header_names, ["vaegt"])
        if raw.numbers:
            assert raw.cells[raw.numbers[0]].dtype == np.float64
            assert raw.cells.index[0] == 2 and raw.header[:2] == tuple(text.split("\n")[0].split(","))[:2]
        return raw.numbers

    assert numbers_of("aar,vaegt\n2011,0.5\n2012,1e5\n") == ("vaegt",)
    assert numbers_of("AAR,Vaegt,x\n2011,0.5,a\n") == ("Vaegt",)
    assert numbers_of("aar,vaegt\n2011,x\n") == ()  # a cell that is no number: all text
    assert numbers_of("aar,vaegt\n2011,\n") == ()  # an empty cell
    assert numbers_of('aar,vaegt\n"2011",0.5\n') == ()  # quotes: cell by cell
    assert numbers_of("aar,vaegt\n2011, 0.5\n") == ()  # something to strip
    assert numbers_of("aar,vaegt\n" + "".join(MADE_UP_CPR) + ",0.5\n") == ()  # a CPR shape somewhere
    assert numbers_of("aar,vaegt\r\n2011,0.5\r\n") == ()  # carriage returns
    assert numbers_of("aar,vaegt\n2011,0.5\n", header_names=["aar", "vaegt", "bydel"]) == ()  # a name missing
    assert numbers_of("aar,vaegt\n2011,0.5,1\n") == ()  # a longer record


MADE_UP_CPR = ("010190", "1234")
