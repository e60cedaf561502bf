"""Turning text cells into typed values by contract type (DATA.md §1), vectorised.

Each parser takes a Series of stripped ``str`` cells ("" = empty) and returns
``(values, invalid)``: the typed values (missing where the cell is empty or
invalid) and a boolean mask of the non-empty cells that are not a valid value
of the type. Dtypes are those of :mod:`sikkerby.inputs.contract`'s docstring.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import NamedTuple, TypeVar

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

# In a file with decimal commas (semicolon-separated, or text in an Excel cell) "1.177" is 1177 to a
# Danish reader (a thousands separator) and 1.177 to a program: such a cell is refused, not guessed.
THOUSANDS_GROUPED = r"[+-]?[1-9][0-9]{0,2}(?:\.[0-9]{3})+"
AMBIGUOUS_RULE = ("tallet kan læses på to måder: punktummet kan være tusindtalsseparator eller decimaltegn; "
                  "i en fil med decimalkomma skrives tal uden tusindtalsseparator (1177) og med komma som "
                  "decimaltegn (1,177)")

# Digits are ASCII digits: '\d' would also take '١' (Arabic-Indic one), which no number parser reads.
_INT = r"[+-]?[0-9]+(?:\.0*)?"
_FLOAT = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
# (pattern, strptime format) for every accepted date spelling
DATE_FORMATS = (
    (r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", "%Y-%m-%d"),
    (r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}", "%d-%m-%Y"),
    (r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}", "%d.%m.%Y"),
)
BOOL_WORDS = {"ja": True, "true": True, "1": True, "nej": False, "false": False, "0": False}


def by_unique(text: pd.Series, func: Callable[[pd.Series], T]) -> T:
    """Apply ``func`` to the distinct values of ``text`` only and spread the result to every row.

    ``func`` takes a Series of distinct strings and returns a Series (or a tuple
    of Series) aligned with it; it must treat every value on its own. A survey
    column of 500.000 cells usually holds a handful of distinct values (years,
    answers, bydele), so string work is done a handful of times instead of
    500.000. A column whose values are mostly distinct (ids, weights) would gain
    nothing from finding them: ``func`` then takes the whole column at once.
    """
    values = text.to_numpy(dtype=object)
    if mostly_distinct(values):
        result = func(pd.Series(values, dtype=object))

        def spread(series: pd.Series) -> pd.Series:
            return pd.Series(series.array, index=text.index, name=text.name)
    else:
        codes, uniques = pd.factorize(values)
        missing = codes < 0
        if missing.any():  # a missing value is a value of its own (factorize leaves it out)
            uniques = np.append(uniques, values[missing.argmax()])
            codes = np.where(missing, len(uniques) - 1, codes)
        result = func(pd.Series(uniques, dtype=object))

        def spread(series: pd.Series) -> pd.Series:
            return pd.Series(series.array.take(codes), index=text.index, name=text.name)

    return tuple(spread(r) for r in result) if isinstance(result, tuple) else spread(result)


DISTINCT_SAMPLE = 2_000  # cells looked at to tell whether a column's values are mostly distinct
DISTINCT_MIN_CELLS = 50_000  # smaller columns always go by their distinct values (it costs little either way)


def mostly_distinct(values: np.ndarray, min_cells: int | None = None) -> bool:
    """Whether most values of a large column differ from each other, judged from an even sample.

    Only decides which of two equivalent paths is faster; never what a result is.
    """
    min_cells = DISTINCT_MIN_CELLS if min_cells is None else min_cells
    if len(values) < max(min_cells, 1):
        return False
    sample = values[::max(len(values) // DISTINCT_SAMPLE, 1)]
    try:
        return len(set(sample)) > len(sample) // 2
    except TypeError:  # unhashable values: let factorize decide what to do with them
        return False


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


_ASCII_BYTES = bytes(range(128))


def non_ascii_characters(data: bytes) -> set[str]:
    """The distinct characters outside ASCII in UTF-8 ``data`` (their bytes, and only theirs, are >= 0x80)."""
    return set(data.translate(None, _ASCII_BYTES).decode("utf-8"))


def cells_are_clean(data: bytes, text: str, boundaries: bytes, others: set[str]) -> bool:
    """True when stripping and NFC-normalising the cells of a delimited text would change none of them.

    ``text`` is a text whose cells are the pieces between the ASCII bytes
    ``boundaries`` (a CSV file without quotes: its separator and line feed),
    ``data`` its UTF-8 bytes, ``others`` its characters outside ASCII
    (:func:`non_ascii_characters`). No cell may begin or end with what
    ``str.strip`` removes, and the text must be NFC: the boundaries are ASCII
    characters that never combine with a neighbour, so then every cell is NFC.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    boundary = np.zeros(256, dtype=bool)
    boundary[list(boundaries)] = True
    low = np.flatnonzero(raw <= ord(" "))  # ASCII whitespace is among these bytes
    space = low[_ASCII_SPACE[raw[low]] & ~boundary[raw[low]]]
    if space.size:
        if space[0] == 0 or space[-1] == raw.size - 1:
            return False
        if boundary[raw[space - 1]].any() or boundary[raw[space + 1]].any():
            return False
    return not any(c.isspace() for c in others) and is_nfc(text, others)


def is_nfc(text: str, others: set[str]) -> bool:
    """``unicodedata.is_normalized("NFC", text)``, where ``others`` are the characters of ``text`` outside ASCII.

    When they are few, every one of them is NFC on its own and combines with
    no mark (combining class 0), only two neighbours could compose, so the
    pairs of a character and one of ``others`` after it decide (ASCII
    characters never come second in a composition). Else the text is checked.
    """
    if not others:
        return True
    if len(others) <= 32 and all(unicodedata.combining(c) == 0 and unicodedata.is_normalized("NFC", c)
                                 for c in others):
        firsts = [chr(i) for i in range(128)] + sorted(others)
        if all(unicodedata.is_normalized("NFC", x + c) for x in firsts for c in others):
            return True
    return unicodedata.is_normalized("NFC", text)


def _numeric_text(text: pd.Series, decimal_comma: bool) -> pd.Series:
    return text.str.replace(",", ".", regex=False) if decimal_comma else text


class PlainNumbers(NamedTuple):
    """What :func:`plain_numbers` finds in each cell of a column."""

    length: np.ndarray  # characters in the cell
    kind: np.ndarray  # 1: ASCII digits only; 2: ASCII digits and one '.'; 0: anything else (at least one digit in 1, 2)
    point: np.ndarray  # where the '.' of a kind 2 cell is (0 = its first character)
    cells: np.ndarray  # the column's bytes (:func:`ascii_cells`)
    bounds: np.ndarray  # the positions of the NULs around the cells


_ASCII_DIGIT = np.zeros(256, dtype=bool)
_ASCII_DIGIT[ord("0"):ord("9") + 1] = True


def plain_numbers(text: pd.Series) -> PlainNumbers | None:
    """Which cells of ``text`` are plain numbers (``17``, ``17.5``, ``17.``, ``.5``), from the column's bytes at once.

    Such a cell matches the int pattern (kind 1) or the float pattern (kinds 1
    and 2) for certain, so only the other cells (kind 0: empty, signs,
    exponents, spaces, letters, a second '.') need the regular expressions.
    ``None`` when a cell is not a ``str`` or holds a NUL or a character outside
    ASCII: the caller then matches every cell.
    """
    cells = ascii_cells(text)
    if cells is None:
        return None
    bounds = np.flatnonzero(cells == 0)
    if bounds.size != len(text) + 1:  # a NUL inside a cell: cells and bounds do not pair up
        return None
    length = np.diff(bounds) - 1
    dot = cells == ord(".")
    other = ~_ASCII_DIGIT[cells] & ~dot
    other[bounds] = False

    def cell_of(positions: np.ndarray) -> np.ndarray:
        return np.searchsorted(bounds, positions, side="right") - 1

    dots = np.flatnonzero(dot)
    dotted = cell_of(dots)
    point = np.full(len(text), -1, dtype=np.int64)
    point[dotted] = dots - bounds[dotted] - 1
    count = np.bincount(dotted, minlength=len(text))
    kind = np.where(count == 0, 1, np.where(count == 1, 2, 0)).astype(np.int8)
    kind[cell_of(np.flatnonzero(other))] = 0
    kind[length - count < 1] = 0  # no digit: empty, or '.' alone
    return PlainNumbers(length, kind, point, cells, bounds)


EXACT_DIGITS = 15  # a whole number of at most 15 digits is exact in float64, and so is 10**k for k <= 22
_CHUNK = 1 << 18  # rows converted at once (bounds the memory of a large column)


def plain_values(plain: PlainNumbers) -> np.ndarray:
    """The value of every plain number (kinds 1 and 2) of at most :data:`EXACT_DIGITS` digits; NaN elsewhere.

    Its digits as a whole number are exact in float64, and so is the power of
    ten it is divided by, so the one rounding of the division gives the
    correctly rounded value: what ``float()`` and :func:`pandas.to_numeric` give.
    Cells of one length and one position of the '.' are done together.
    """
    values = np.full(plain.kind.size, np.nan)
    digits = plain.length - (plain.kind == 2)
    fast = np.flatnonzero((plain.kind > 0) & (digits <= EXACT_DIGITS))
    if not fast.size:
        return values
    group = (plain.length[fast] * 32 + plain.point[fast] + 1).astype(np.int16)
    order = np.argsort(group, kind="stable")
    keys, firsts = np.unique(group[order], return_index=True)
    starts = plain.bounds[:-1] + 1
    for key, first, last in zip(keys, firsts, np.append(firsts[1:], order.size)):
        length, point = int(key) // 32, int(key) % 32 - 1
        rows = fast[order[first:last]]
        digit = np.arange(length) != point
        after = np.cumsum(digit[::-1])[::-1] - digit  # digits after each character
        weights = np.where(digit, 10.0 ** after, 0.0)
        scale = 10.0 ** (length - 1 - point) if point >= 0 else 1.0
        windows = np.lib.stride_tricks.sliding_window_view(plain.cells, length)  # row i: the bytes from i on
        for at in range(0, rows.size, _CHUNK):
            chunk = rows[at:at + _CHUNK]
            block = windows[starts[chunk]].astype(np.float64) - ord("0")
            values[chunk] = (block @ weights) / scale
    return values


def _matches(text: pd.Series, pattern: str, known: np.ndarray | None = None) -> pd.Series:
    """``text.str.fullmatch(pattern)`` as booleans; cells marked in ``known`` match for certain,
    so the regular expression only sees the others."""
    if known is None:
        return text.str.fullmatch(pattern).astype(bool)
    matched = known.copy()
    rest = np.flatnonzero(~known)
    if rest.size:
        matched[rest] = text.iloc[rest].str.fullmatch(pattern).to_numpy(dtype=bool)
    return pd.Series(matched, index=text.index, name=text.name)


def _empty(text: pd.Series, plain: PlainNumbers | None) -> pd.Series:
    if plain is None:
        return text == ""
    return pd.Series(plain.length == 0, index=text.index, name=text.name)


def _int_cells(text: pd.Series, plain: PlainNumbers | None = None) -> tuple[pd.Series, pd.Series]:
    """Whole-number spellings: ``(well_formed, too_many_digits)``."""
    if plain is None:
        well_formed = _matches(text, _INT)
        long = text.str.len() > MAX_INT_DIGITS
    else:
        well_formed = _matches(text, _INT, (plain.kind == 1) & (plain.length <= MAX_INT_DIGITS))
        long = plain.length > MAX_INT_DIGITS
    too_many = well_formed & long  # the digits are counted for long cells only
    if too_many.any():
        digits = text[too_many].str.replace(r"^[+-]?0*|\.0*$", "", regex=True).str.len()
        too_many[too_many] = (digits > MAX_INT_DIGITS).to_numpy(dtype=bool)
    return well_formed, too_many


def ambiguous_numbers(text: pd.Series, decimal_comma: bool) -> pd.Series:
    """True where a cell of a decimal-comma file is digits grouped by points (``1.177``, ``12.500.000``):
    a thousands separator to a Danish reader, a decimal point to a program (:data:`AMBIGUOUS_RULE`)."""
    if not decimal_comma:
        return pd.Series(False, index=text.index)
    dotted = text.str.contains(".", regex=False).to_numpy(dtype=bool, na_value=False)
    result = np.zeros(len(text), dtype=bool)
    if dotted.any():
        result[dotted] = text[dotted].str.fullmatch(THOUSANDS_GROUPED).to_numpy(dtype=bool, na_value=False)
    return pd.Series(result, index=text.index)


def _number_cells(text: pd.Series, decimal_comma: bool) -> tuple[pd.Series, PlainNumbers | None, pd.Series]:
    """What parsing a number column starts from: the cells as number text (an ambiguous one,
    :func:`ambiguous_numbers`, made invalid), their plain-number reading and the empty cells."""
    ambiguous = ambiguous_numbers(text, decimal_comma)
    if ambiguous.any():
        text = text.where(~ambiguous, "x")
    text = _numeric_text(text, decimal_comma)
    plain = plain_numbers(text)
    return text, plain, _empty(text, plain)


def parse_int(text: pd.Series, decimal_comma: bool = False) -> tuple[pd.Series, pd.Series]:
    """Whole numbers -> ``Int64``; ``17`` and ``17.0`` (Excel) are 17, ``2,5`` is invalid.

    More than :data:`MAX_INT_DIGITS` digits is invalid too (see :func:`beyond_limits`), and so is,
    with ``decimal_comma``, a number grouped by points (:func:`ambiguous_numbers`).
    """
    text, plain, empty = _number_cells(text, decimal_comma)
    well_formed, too_big = _int_cells(text, plain)
    ok = well_formed & ~too_big & ~empty
    # every cell converted is a whole number of at most 18 digits, so int64 holds it exactly (no float step)
    whole = text.where(ok, "0")
    # only a cell with more than digits can end in '.0' (Excel): the others need no replacing
    dotted = ok.to_numpy() if plain is None else ok.to_numpy() & (plain.kind != 1)
    if dotted.all():
        whole = whole.str.replace(r"\.0*$", "", regex=True)
    elif dotted.any():
        cells = whole.to_numpy(dtype=object, copy=True)
        at = np.flatnonzero(dotted)
        cells[at] = whole.iloc[at].str.replace(r"\.0*$", "", regex=True).to_numpy(dtype=object)
        whole = pd.Series(cells, index=text.index, name=text.name)
    numbers = pd.to_numeric(whole).astype("Int64")
    return numbers.where(ok), ~ok & ~empty


def _float_cells(text: pd.Series, plain: PlainNumbers | None = None) -> tuple[pd.Series, pd.Series]:
    """Decimal-number spellings: ``(numbers, well_formed)``; a well-formed number may overflow to inf."""
    well_formed = _matches(text, _FLOAT, None if plain is None else plain.kind > 0)
    if plain is not None:
        values = plain_values(plain)
        if not (well_formed.to_numpy() & np.isnan(values)).any():  # every well-formed cell is a plain number
            return pd.Series(values, index=text.index, name=text.name), well_formed
    numeric = text if well_formed.all() else text.where(well_formed)
    return pd.to_numeric(numeric, errors="coerce").astype("float64"), well_formed


def parse_float(text: pd.Series, decimal_comma: bool = False) -> tuple[pd.Series, pd.Series]:
    """Decimal numbers -> ``float64``, finite values only; decimal comma accepted when ``decimal_comma``.

    ``1e400`` (inf in floating point) is invalid (see :func:`beyond_limits`); so are ``nan`` and ``inf``,
    and, with ``decimal_comma``, a number grouped by points (:func:`ambiguous_numbers`).
    """
    text, plain, empty = _number_cells(text, decimal_comma)
    numbers, well_formed = _float_cells(text, plain)
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
    """The dtype a column of ``type_`` has after loading (see :mod:`sikkerby.inputs.contract`)."""
    return {"int": "Int64" if nullable else "int64", "float": "float64", "text": "str",
            "date": "datetime64[ns]", "bool": "boolean" if nullable else "bool"}[type_]


def empty_column(type_: str, index: pd.Index) -> pd.Series:
    """An all-missing column of ``type_`` (an optional column the file does not have)."""
    return pd.Series([None] * len(index), index=index, dtype=object).astype(final_dtype(type_, nullable=True))
