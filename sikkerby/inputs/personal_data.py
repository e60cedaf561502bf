"""Refusing personal data (DATA.md §5): columns named like CPR, cells holding a CPR number.

A cell looks like a CPR number when it holds ``DDMMYY-XXXX`` or ten digits in a
row whose first six form a valid date ``DDMMYY`` (digits glued to other digits
do not count). A CPR number typed into an Excel number cell loses its leading
zero (for anyone born on the 1st to 9th day of a month only nine digits are
left): a nine-digit whole number from a number cell is checked with the zero
put back. Messages show only a masked form (``******-****``); the number itself
is never printed, and :func:`screen` masks it in the cells so no later message
can echo it either.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sikkerby.errors import LIST_LIMIT, Problem, row_problems
from sikkerby.inputs.contract import PERSONAL_DATA_COLUMN_PATTERNS
from sikkerby.inputs.parsing import ascii_cells, by_unique

CPR_PATTERN = r"(?<!\d)(\d{2})(\d{2})(\d{2})(-?)\d{4}(?!\d)"
_QUICK = r"\d{6}-?\d{4}"  # cheap pre-filter; candidates are checked with CPR_PATTERN
MASK = "******-****"
MASK_UNDASHED = "**********"

COLUMN_RULE = ("kolonnenavnet tyder på personoplysninger (CPR-nummer eller personnavn), "
               "som ikke må leveres; fjern kolonnen")
CELL_RULE = "cellen ser ud til at indeholde et CPR-nummer; personoplysninger må ikke leveres"

_DAYS_IN_MONTH = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_ASCII_DIGIT = np.zeros(256, dtype=np.int8)
_ASCII_DIGIT[ord("0"):ord("9") + 1] = 1


def normalise_column_name(name: str) -> str:
    """Lower case without spaces, '-' and '_' (``CPR-nr`` -> ``cprnr``)."""
    return re.sub(r"[\s\-_]", "", str(name)).lower()


def is_personal_data_column(name: str) -> bool:
    """True when a column's name looks like personal data (``cpr``, ``navn_person``, ...)."""
    normalised = normalise_column_name(name)
    return any(pattern in normalised for pattern in PERSONAL_DATA_COLUMN_PATTERNS)


def _valid_ddmmyy(day: np.ndarray, month: np.ndarray, year: np.ndarray) -> np.ndarray:
    """DDMMYY is a date in some century (29 February: any year divisible by 4, 2000 included)."""
    ok_month = (month >= 1) & (month <= 12)
    days = _DAYS_IN_MONTH[np.where(ok_month, month, 0)]
    days = np.where((month == 2) & (year % 4 != 0), 28, days)
    return ok_month & (day >= 1) & (day <= days)


def cpr_cells(text: pd.Series) -> pd.Series:
    """Boolean mask of the cells of ``text`` (strings) that contain a CPR-like number."""
    cells = ascii_cells(text)
    if cells is not None and not _may_match_quick(cells):
        return pd.Series(False, index=text.index, name=text.name)
    return by_unique(text, _cpr_cells)


def _may_match_quick(cells: np.ndarray) -> bool:
    """Whether :data:`_QUICK` can match in a cell of :func:`sikkerby.inputs.parsing.ascii_cells` output.

    It needs ten digits in a row, or six digits, ``-`` and four digits: found
    from the runs of digits of the whole column at once (a NUL ends every cell,
    so no run spans two cells).
    """
    edges = np.diff(_ASCII_DIGIT[cells], prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    lengths = ends - starts
    if (lengths >= 10).any():
        return True
    i = np.flatnonzero(lengths[:-1] >= 6)
    return bool(((cells[ends[i]] == ord("-")) & (starts[i + 1] == ends[i] + 1) & (lengths[i + 1] >= 4)).any())


_DIGITS_AS_ZERO = bytes.maketrans(b"0123456789", b"0" * 10)


def text_may_hold_cpr(data: bytes, others: set[str]) -> bool:
    """Whether :data:`_QUICK` could match in a cell of a delimited text, from its UTF-8 bytes at once.

    ``others`` are the text's characters outside ASCII. A match is digits and
    at most one ``-``, so it lies within one cell whatever the separators; with
    every ASCII digit as ``0`` it is ten zeros, or six, ``-`` and four. A digit
    outside ASCII (``\\d`` matches '١') gives True: the caller checks every cell then.
    """
    if any(c.isdecimal() for c in others):
        return True
    zeros = data.translate(_DIGITS_AS_ZERO)
    return b"0" * 10 in zeros or b"0" * 6 + b"-" + b"0" * 4 in zeros


def _cpr_cells(text: pd.Series) -> pd.Series:
    result = pd.Series(False, index=text.index)
    candidates = text.str.contains(_QUICK, regex=True).astype(bool)
    if not candidates.any():
        return result
    positions = pd.Series(np.arange(len(text)), index=text.index)[candidates.to_numpy()]
    found = text[candidates.to_numpy()].reset_index(drop=True).str.extractall(CPR_PATTERN)
    if found.empty:
        return result
    day, month, year = (found[i].astype(int).to_numpy() for i in range(3))
    looks = (found[3] == "-").to_numpy() | _valid_ddmmyy(day, month, year)
    hit_cells = np.unique(found.index.get_level_values(0)[looks])
    hits = np.zeros(len(text), dtype=bool)
    hits[positions.to_numpy()[hit_cells]] = True
    return pd.Series(hits, index=text.index)


def mask_cpr(text: pd.Series) -> pd.Series:
    """``text`` with every CPR-shaped number replaced by ``******-****`` (or ten stars)."""
    return text.str.replace(CPR_PATTERN, lambda m: MASK if m.group(4) else MASK_UNDASHED, regex=True)


def restore_leading_zero(text: pd.Series, numeric: pd.Series) -> pd.Series:
    """``text`` with a ``0`` put back in front of nine-digit whole numbers from number cells."""
    nine_digits = by_unique(text, lambda distinct: distinct.str.fullmatch(r"\d{9}").astype(bool))
    lost = numeric.to_numpy(dtype=bool) & nine_digits.to_numpy(dtype=bool)
    return text.where(~lost, "0" + text) if lost.any() else text


def screen(cells: pd.DataFrame, file: str, numeric: pd.DataFrame | None = None,
           may_hold_cpr: bool = True) -> tuple[list[Problem], pd.DataFrame, pd.DataFrame]:
    """Check every column name and cell of ``cells`` for personal data.

    ``cells`` holds text (index = spreadsheet row numbers, columns = the
    header's labels). ``numeric`` (optional, same shape) marks cells that were
    numbers in an Excel sheet (see :func:`restore_leading_zero`). Returns the
    problems, the cells with every CPR-like number masked (in the labels too),
    and a boolean frame marking the refused cells (so later checks can leave
    them alone). ``may_hold_cpr=False`` says that neither the cells nor the
    labels can hold a CPR number (the reader found so from the file's bytes at
    once, :func:`text_may_hold_cpr`): only the column names are checked then.
    """
    if not may_hold_cpr:
        problems = [Problem(file, 1, label, COLUMN_RULE) for label in cells.columns if is_personal_data_column(label)]
        refused = pd.DataFrame(np.zeros(cells.shape, dtype=bool), index=cells.index, columns=cells.columns)
        return problems, cells, refused
    labels = pd.Series(list(cells.columns), dtype=object)
    header_hits = cpr_cells(labels)
    if header_hits.any():
        labels = mask_cpr(labels)
        cells = cells.set_axis(list(labels), axis=1)
    problems = [Problem(file, 1, label, CELL_RULE, MASK) for label in labels[header_hits.to_numpy()]]
    problems += [Problem(file, 1, label, COLUMN_RULE) for label in labels if is_personal_data_column(label)]
    masked = cells
    refused = np.zeros(cells.shape, dtype=bool)
    for position, label in enumerate(labels):
        text = cells.iloc[:, position]
        if numeric is not None:
            text = restore_leading_zero(text, numeric.iloc[:, position])
        hits = cpr_cells(text).to_numpy()
        if hits.any():
            if masked is cells:
                masked = cells.copy()
            masked.iloc[np.flatnonzero(hits), position] = mask_cpr(text[hits]).to_numpy()
            refused[:, position] = hits
            problems += row_problems(file, label, CELL_RULE, cells.index[hits], [MASK] * LIST_LIMIT)
    return problems, masked, pd.DataFrame(refused, index=cells.index, columns=cells.columns)
