"""Refusing personal data (DATA.md §5): columns named like CPR, cells holding a CPR number.

A cell looks like a CPR number when it holds one in any spelling people type
(:data:`sikkerby.errors.CPR_PATTERN`): ``DDMMYY-XXXX`` (any dash), or ``DDMMYY``
and four digits glued or apart (a space of any kind, a dash between spaces, the
date written ``DD.MM.YY``, ``DD-MM-YY``, ``DD/MM/YY`` or ``DD MM YY``) whose first
six digits form a valid date ``DDMMYY`` (digits glued to other digits, or right
after a decimal point, do not count). A CPR number typed into an Excel number
cell loses its leading zero (for anyone born on the 1st to 9th day of a month only nine digits are
left): a nine-digit whole number from a number cell is checked with the zero
put back. Messages show only a masked form (``******-****``); the number itself
is never printed, and :func:`screen` masks it in the cells so no later message
can echo it either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sikkerby.errors import (
    CPR_DASHES,
    CPR_MASK,
    CPR_MASK_GLUED,
    CPR_PATTERN,
    CPR_SPACES,
    LIST_LIMIT,
    Problem,
    cpr_mask_of,
    cpr_match_counts,
    row_problems,
)
from sikkerby.inputs.contract import PERSONAL_DATA_COLUMN_PATTERNS
from sikkerby.inputs.parsing import ascii_cells, by_unique

# Cheap pre-filter (a necessary condition, no date check); candidates are checked with CPR_PATTERN.
# Every spelling holds ten digits in a row, six digits and a separator, or DD-MM-YY with separators.
_SEP = f"./{CPR_SPACES}{CPR_DASHES}"
_QUICK = rf"\d{{10}}|\d{{6}}[{_SEP}]|\d{{2}}[{_SEP}]\d{{2}}[{_SEP}]\d{{2}}"
MASK = CPR_MASK
MASK_UNDASHED = CPR_MASK_GLUED

COLUMN_RULE = ("kolonnenavnet tyder på personoplysninger (CPR-nummer eller personnavn), "
               "som ikke må leveres; fjern kolonnen")
CELL_RULE = "cellen ser ud til at indeholde et CPR-nummer; personoplysninger må ikke leveres"

# Characters outside ASCII that can stand between the parts of a CPR number (dashes, spaces)
_SEPARATOR = re.compile(f"[{CPR_SPACES}{CPR_DASHES}]")


def normalise_column_name(name: str) -> str:
    """Lower case without spaces, '-' and '_' (``CPR-nr`` -> ``cprnr``)."""
    return re.sub(r"[\s\-_]", "", str(name)).lower()


def is_personal_data_column(name: str) -> bool:
    """True when a column's name looks like personal data (``cpr``, ``navn_person``, ...)."""
    normalised = normalise_column_name(name)
    return any(pattern in normalised for pattern in PERSONAL_DATA_COLUMN_PATTERNS)


def cpr_cells(text: pd.Series) -> pd.Series:
    """Boolean mask of the cells of ``text`` (strings) that contain a CPR-like number."""
    cells = ascii_cells(text)
    if cells is not None and not _may_match_quick(cells):
        return pd.Series(False, index=text.index, name=text.name)
    return by_unique(text, _cpr_cells)


def _may_match_quick(cells: np.ndarray) -> bool:
    """Whether :data:`_QUICK` can match in a cell of :func:`sikkerby.inputs.parsing.ascii_cells` output
    (a NUL ends every cell, and matches nothing, so no match spans two cells)."""
    return zeroed_may_hold_cpr(cells.tobytes().translate(_ZEROED))


# ASCII digits -> '0'; the ASCII characters of _SEP -> '.'; other bytes kept
_ZEROED = bytes.maketrans(b"0123456789-./ ", b"0000000000" + b"." * 4)
# _QUICK on ASCII text, once digits and separators are made alike
_NEEDLES = (b"0" * 10, b"000000.", b"00.00.00")


def zeroed_may_hold_cpr(zeroed: bytes) -> bool:
    """Whether text translated with :data:`_ZEROED` holds a match of :data:`_QUICK` in its ASCII
    characters (three substring searches: fast on a file of 100 MB)."""
    return any(needle in zeroed for needle in _NEEDLES)


def text_may_hold_cpr(data: bytes, others: set[str]) -> bool:
    """Whether :data:`_QUICK` could match in a cell of a delimited text, from its UTF-8 bytes at once.

    ``others`` are the text's characters outside ASCII. Every spelling of a CPR
    number lies within one cell whatever the separators (none is a comma, a
    semicolon, a tab or a line break), so a match in the whole text is a match
    in a cell. A digit outside ASCII (``\\d`` matches '١') gives True: the caller
    checks every cell then; a dash or a space outside ASCII (an en dash, a
    non-breaking space) has the text searched as text.
    """
    if any(c.isdecimal() for c in others):
        return True
    if any(_SEPARATOR.fullmatch(c) for c in others):  # rare: the exact check on the text
        return re.search(_QUICK, data.decode("utf-8")) is not None
    return zeroed_may_hold_cpr(data.translate(_ZEROED))


def _cpr_cells(text: pd.Series) -> pd.Series:
    result = pd.Series(False, index=text.index)
    candidates = text.str.contains(_QUICK, regex=True).astype(bool)
    if not candidates.any():
        return result
    positions = np.flatnonzero(candidates.to_numpy())
    found = text.iloc[positions].reset_index(drop=True).str.extractall(CPR_PATTERN)
    if found.empty:
        return result
    day, month, year = (found[i].astype(int).to_numpy() for i in (0, 2, 3))
    dashed = (found[1].fillna("") == "").to_numpy() & found[4].fillna("").str.contains(f"[{CPR_DASHES}]").to_numpy()
    looks = dashed | _valid_ddmmyy(day, month, year)
    hits = np.zeros(len(text), dtype=bool)
    hits[positions[np.unique(found.index.get_level_values(0)[looks])]] = True
    return pd.Series(hits, index=text.index)


_DAYS_IN_MONTH = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _valid_ddmmyy(day: np.ndarray, month: np.ndarray, year: np.ndarray) -> np.ndarray:
    """DDMMYY is a date in some century (29 February: any year divisible by 4, 2000 included);
    :func:`sikkerby.errors.cpr_date_is_valid` for many at once."""
    ok_month = (month >= 1) & (month <= 12)
    days = _DAYS_IN_MONTH[np.where(ok_month, month, 0)]
    days = np.where((month == 2) & (year % 4 != 0), 28, days)
    return ok_month & (day >= 1) & (day <= days)


def mask_cpr(text: pd.Series) -> pd.Series:
    """``text`` with every CPR number replaced by ``******-****`` (or ten stars when written glued)."""
    return text.str.replace(CPR_PATTERN, lambda m: cpr_mask_of(m) if cpr_match_counts(m) else m.group(0),
                            regex=True)


def restore_leading_zero(text: pd.Series, numeric: pd.Series) -> pd.Series:
    """``text`` with a ``0`` put back in front of nine-digit whole numbers from number cells."""
    nine_digits = by_unique(text, lambda distinct: distinct.str.fullmatch(r"\d{9}").astype(bool))
    lost = numeric.to_numpy(dtype=bool) & nine_digits.to_numpy(dtype=bool)
    return text.where(~lost, "0" + text) if lost.any() else text


def screen(cells: pd.DataFrame, file: str, numeric: pd.DataFrame | None = None,
           may_hold_cpr: bool = True, names: Sequence[str] | None = None,
           ) -> tuple[list[Problem], pd.DataFrame, pd.DataFrame]:
    """Check every column name and cell of ``cells`` for personal data.

    ``cells`` holds text (index = spreadsheet row numbers, columns = the
    header's labels). ``numeric`` (optional, same shape) marks cells that were
    numbers in an Excel sheet (see :func:`restore_leading_zero`). Returns the
    problems, the cells with every CPR-like number masked (in the labels too),
    and a boolean frame marking the refused cells (so later checks can leave
    them alone). ``may_hold_cpr=False`` says that neither the cells nor the
    labels can hold a CPR number (the reader found so from the file's bytes at
    once, :func:`text_may_hold_cpr`): only the column names are checked then.
    ``names`` (optional, one per column) are the header's own texts: a column is
    refused as personal data by what its header says, not by the label made for an
    unnamed column (``(kolonne CPR)`` is the spreadsheet's column CPR, not a CPR column).
    """
    names = list(cells.columns) if names is None else [str(n) for n in names]
    personal = [label for label, name in zip(cells.columns, names) if is_personal_data_column(name)]
    if not may_hold_cpr:
        problems = [Problem(file, 1, label, COLUMN_RULE) for label in personal]
        refused = pd.DataFrame(np.zeros(cells.shape, dtype=bool), index=cells.index, columns=cells.columns)
        return problems, cells, refused
    labels = pd.Series(list(cells.columns), dtype=object)
    header_hits = cpr_cells(labels)
    if header_hits.any():
        labels = mask_cpr(labels)
        cells = cells.set_axis(list(labels), axis=1)
    problems = [Problem(file, 1, label, CELL_RULE, MASK) for label in labels[header_hits.to_numpy()]]
    problems += [Problem(file, 1, label, COLUMN_RULE)
                 for label, name in zip(labels, names) if is_personal_data_column(name)]
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
