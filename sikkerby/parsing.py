"""Turning text cells into typed values by contract type (DATA.md §1), vectorised.

Each parser takes a Series of stripped ``str`` cells ("" = empty) and returns
``(values, invalid)``: the typed values (missing where the cell is empty or
invalid) and a boolean mask of the non-empty cells that are not a valid value
of the type. Dtypes are those of :mod:`sikkerby.contract`'s docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T", pd.Series, tuple)

# What a data deliverer reads when a cell is not of its column's type.
TYPE_RULES = {
    "int": "skal være et helt tal",
    "float": "skal være et tal (fx 17.5, eller 17,5 i en semikolonsepareret fil)",
    "date": "skal være en gyldig dato (ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ)",
    "bool": "skal være ja/nej, true/false eller 1/0",
    "text": "skal være tekst",
}

# Dates outside these years are refused: the programme's data lie well inside them,
# and a year such as 9999 or 0001 is a typing error (or a placeholder for "open end").
FIRST_YEAR, LAST_YEAR = 1900, 2100
# Whole numbers with more digits are refused (int64 holds 18 digits safely; no count here comes near).
MAX_INT_DIGITS = 18
# What a data deliverer reads when a cell is well-formed but beyond what its column's type can hold.
LIMIT_RULES = {
    "int": f"tallet er for stort (højst {MAX_INT_DIGITS} cifre)",
    "float": "tallet er for stort",
    "date": f"dato uden for det tilladte interval (år {FIRST_YEAR}-{LAST_YEAR})",
}

_INT = r"[+-]?\d+(?:\.0*)?"
_FLOAT = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
# (pattern, strptime format) for every accepted date spelling
DATE_FORMATS = (
    (r"\d{4}-\d{1,2}-\d{1,2}", "%Y-%m-%d"),
    (r"\d{1,2}-\d{1,2}-\d{4}", "%d-%m-%Y"),
    (r"\d{1,2}\.\d{1,2}\.\d{4}", "%d.%m.%Y"),
)
BOOL_WORDS = {"ja": True, "true": True, "1": True, "nej": False, "false": False, "0": False}


def by_unique(text: pd.Series, func: Callable[[pd.Series], T]) -> T:
    """Apply ``func`` to the distinct values of ``text`` only and spread the result to every row.

    ``func`` takes a Series of distinct strings and returns a Series (or a tuple
    of Series) aligned with it. A survey column of 500.000 cells usually holds
    a handful of distinct values (years, answers, bydele), so string work is
    done a handful of times instead of 500.000.
    """
    codes, uniques = pd.factorize(text.to_numpy(dtype=object))
    result = func(pd.Series(uniques, dtype=object))

    def spread(series: pd.Series) -> pd.Series:
        return pd.Series(series.array.take(codes), index=text.index, name=text.name)

    return tuple(spread(r) for r in result) if isinstance(result, tuple) else spread(result)


# What str.strip() removes, among the ASCII characters
_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True


def ascii_cells(text: pd.Series) -> np.ndarray | None:
    """Every cell of ``text`` in one array of bytes: NUL, cell, NUL, cell, ..., NUL.

    For checks of a whole column without a Python step per cell (a survey
    column holds millions of cells). ``None`` when a cell is not a ``str`` or
    holds a character outside ASCII; the caller then takes its general path.
    A NUL inside a cell only adds a boundary, so boundary checks stay on the
    safe side.
    """
    try:
        joined = "\x00".join(text.to_numpy(dtype=object))
    except TypeError:  # a cell that is not a str
        return None
    if not joined.isascii():
        return None
    return np.frombuffer(b"\x00" + joined.encode("ascii") + b"\x00", dtype=np.uint8)


def edge_whitespace(cells: np.ndarray) -> bool:
    """True when a cell of :func:`ascii_cells` output begins or ends with what ``str.strip`` removes."""
    nul = np.flatnonzero(cells == 0)
    return bool(_ASCII_SPACE[cells[nul[:-1] + 1]].any() or _ASCII_SPACE[cells[nul[1:] - 1]].any())


def _numeric_text(text: pd.Series, decimal_comma: bool) -> pd.Series:
    return text.str.replace(",", ".", regex=False) if decimal_comma else text


def _int_cells(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole-number spellings: ``(well_formed, too_many_digits)``."""
    well_formed = text.str.fullmatch(_INT).astype(bool)
    too_many = well_formed & (text.str.len() > MAX_INT_DIGITS)  # the digits are counted for long cells only
    if too_many.any():
        digits = text[too_many].str.replace(r"^[+-]?0*|\.0*$", "", regex=True).str.len()
        too_many[too_many] = (digits > MAX_INT_DIGITS).to_numpy(dtype=bool)
    return well_formed, too_many


def parse_int(text: pd.Series, decimal_comma: bool = False) -> tuple[pd.Series, pd.Series]:
    """Whole numbers -> ``Int64``; ``17`` and ``17.0`` (Excel) are 17, ``2,5`` is invalid.

    More than :data:`MAX_INT_DIGITS` digits is invalid too (see :func:`beyond_limits`).
    """
    text = _numeric_text(text, decimal_comma)
    empty = text == ""
    well_formed, too_big = _int_cells(text)
    ok = well_formed & ~too_big & ~empty
    # every cell converted is a whole number of at most 18 digits, so int64 holds it exactly (no float step)
    numbers = pd.to_numeric(text.where(ok, "0").str.replace(r"\.0*$", "", regex=True)).astype("Int64")
    return numbers.where(ok), ~ok & ~empty


def _float_cells(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Decimal-number spellings: ``(numbers, well_formed)``; a well-formed number may overflow to inf."""
    well_formed = text.str.fullmatch(_FLOAT).astype(bool)
    return pd.to_numeric(text.where(well_formed), errors="coerce").astype("float64"), well_formed


def parse_float(text: pd.Series, decimal_comma: bool = False) -> tuple[pd.Series, pd.Series]:
    """Decimal numbers -> ``float64``, finite values only; decimal comma accepted when ``decimal_comma``.

    ``1e400`` (inf in floating point) is invalid (see :func:`beyond_limits`); so are ``nan`` and ``inf``.
    """
    text = _numeric_text(text, decimal_comma)
    empty = text == ""
    numbers, well_formed = _float_cells(text)
    ok = well_formed & np.isfinite(numbers) & ~empty
    return numbers.where(ok), ~ok & ~empty


def _date_cells(text: pd.Series) -> pd.Series:
    """Every accepted date spelling as a date of any year (microsecond resolution holds years 1-9999);
    missing where the cell is no accepted spelling or no calendar date (2017-02-30)."""
    values = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    for pattern, fmt in DATE_FORMATS:
        match = text.str.fullmatch(pattern).astype(bool)
        if match.any():
            values[match] = pd.to_datetime(text[match], format=fmt, errors="coerce").astype("datetime64[us]")
    return values


def _years_allowed(dates: pd.Series) -> pd.Series:
    return dates.dt.year.between(FIRST_YEAR, LAST_YEAR).fillna(False).astype(bool)


def parse_date(text: pd.Series, decimal_comma: bool = False) -> tuple[pd.Series, pd.Series]:
    """Dates -> ``datetime64[ns]``; impossible dates such as 2017-02-30 are invalid, and so are
    dates outside the years :data:`FIRST_YEAR`-:data:`LAST_YEAR` (see :func:`beyond_limits`)."""
    empty = text == ""
    dates = _date_cells(text)
    values = dates.where(_years_allowed(dates)).astype("datetime64[ns]")
    return values, values.isna() & ~empty


def beyond_limits(text: pd.Series, type_: str, decimal_comma: bool = False) -> pd.Series:
    """True where a cell is a well-formed value of ``type_`` that the type cannot hold
    (:data:`LIMIT_RULES`): an int of too many digits, a float that overflows, a date outside
    the allowed years. Such cells are also invalid for the parser; this tells them apart from
    misspelt ones (call it on the invalid cells only: it is no fast path)."""
    if type_ == "int":
        return _int_cells(_numeric_text(text, decimal_comma))[1]
    if type_ == "float":
        numbers, well_formed = _float_cells(_numeric_text(text, decimal_comma))
        return well_formed & ~np.isfinite(numbers)
    if type_ == "date":
        dates = _date_cells(text)
        return dates.notna() & ~_years_allowed(dates)
    return pd.Series(False, index=text.index)


def parse_bool(text: pd.Series, decimal_comma: bool = False) -> tuple[pd.Series, pd.Series]:
    """``ja/nej``, ``true/false``, ``1/0`` in any case -> ``boolean`` (missing allowed)."""
    empty = text == ""
    values = text.str.lower().map(BOOL_WORDS)
    invalid = values.isna() & ~empty
    return values.astype("boolean"), invalid


def parse_text(text: pd.Series, decimal_comma: bool = False) -> tuple[pd.Series, pd.Series]:
    """Text -> pandas' string dtype, empty cells missing."""
    values = text.where(text != "").astype("str")
    return values, pd.Series(False, index=text.index)


PARSERS: dict[str, Callable[[pd.Series, bool], tuple[pd.Series, pd.Series]]] = {
    "int": parse_int, "float": parse_float, "date": parse_date, "bool": parse_bool, "text": parse_text,
}


def parse(text: pd.Series, type_: str, decimal_comma: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse ``text`` as contract type ``type_`` (int, float, date, bool, text)."""
    if type_ == "text":  # no string work per value, so distinct values would save nothing
        return parse_text(text, decimal_comma)
    return by_unique(text, lambda distinct: PARSERS[type_](distinct, decimal_comma))


def final_dtype(type_: str, nullable: bool) -> str:
    """The dtype a column of ``type_`` has after loading (see :mod:`sikkerby.contract`)."""
    return {"int": "Int64" if nullable else "int64", "float": "float64", "text": "str",
            "date": "datetime64[ns]", "bool": "boolean" if nullable else "bool"}[type_]


def empty_column(type_: str, index: pd.Index) -> pd.Series:
    """An all-missing column of ``type_`` (an optional column the file does not have)."""
    return pd.Series([None] * len(index), index=index, dtype=object).astype(final_dtype(type_, nullable=True))
