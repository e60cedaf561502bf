"""Reading one input file (CSV or Excel) into a grid of text cells (DATA.md §1).

Nothing here knows the contract's types: every cell comes out as a stripped
Python ``str`` ("" when empty), indexed by the row number a spreadsheet shows
(the header is row 1, the first data row is row 2). :mod:`sikkerby.inputs.parsing`
turns the text into typed values, :mod:`sikkerby.inputs.validation` checks the rules.

CSV files may be comma-, semicolon- or tab-separated (semicolon files use decimal
commas), UTF-8 with or without BOM, UTF-16 with BOM, or Windows-1252. Excel files
are read from their first sheet, header in row 1; date cells become ISO dates and
numeric cells plain numbers (``17.0`` becomes ``17``).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sikkerby.errors import LIST_LIMIT, Problem, row_problems
from sikkerby.inputs.parsing import (
    ascii_cells,
    by_unique,
    cells_are_clean,
    edge_whitespace,
    non_ascii_characters,
)
from sikkerby.inputs.personal_data import text_may_hold_cpr

SUFFIXES = (".csv", ".xlsx")
SEPARATORS = (",", ";", "\t")
HEADER_SEARCH_ROWS = 20  # how far down a misplaced header row is looked for

_SEPARATOR_NAMES = {",": "komma", ";": "semikolon", "\t": "tabulator"}
# A valid UTF-8 multi-byte sequence: in a file that also has invalid bytes this
# means "UTF-8 with a few broken bytes", not "Windows-1252".
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class RawTable:
    """One input file as text cells.

    ``cells`` has one column per column position (labels as in the header,
    stripped; unnamed or repeated ones get a label naming the spreadsheet
    column, e.g. ``(kolonne F)``), object dtype holding stripped ``str``, and
    the spreadsheet row numbers as index. Completely empty rows are left out.
    ``header`` holds row 1's text for each column position ("" when empty).
    ``ragged`` marks rows whose number of fields differs from the header's
    (already reported); ``header_ok`` is False when the header is not in row 1.
    ``numeric_cells`` (Excel only; same shape as ``cells``) is True where the
    cell held a number rather than text: a number has lost any leading zero.
    ``may_hold_cpr`` is False when the file's text holds nothing shaped like a
    CPR number (found from a CSV file's bytes at once; see
    :func:`sikkerby.inputs.personal_data.screen`). The columns named in ``numbers``
    hold ``float64`` values instead of text (see :func:`read_table`).
    """

    file: str
    path: Path
    cells: pd.DataFrame
    header: tuple[str, ...]
    ragged: pd.Series
    decimal_comma: bool
    header_ok: bool = True
    encoding: str | None = None
    separator: str | None = None
    numeric_cells: pd.DataFrame | None = None
    may_hold_cpr: bool = True
    numbers: tuple[str, ...] = ()


def normalise_name(name: str) -> str:
    """A header cell as compared with the contract's column names."""
    return unicodedata.normalize("NFC", str(name)).strip().lower()


def find_input(folder: Path, name: str) -> tuple[Path | None, list[Problem]]:
    """The file ``<name>.csv`` or ``<name>.xlsx`` in ``folder`` (names compared case-insensitively)."""
    matches = sorted(p for p in folder.iterdir()
                     if p.is_file() and p.stem.lower() == name and p.suffix.lower() in SUFFIXES)
    if len(matches) == 1:
        return matches[0], []
    if len(matches) > 1:
        names = " og ".join(p.name for p in matches)
        return None, [Problem(matches[0].name, None, None,
                              f"der er flere filer for samme inddata ({names}); behold kun én")]
    others = sorted(p.name for p in folder.iterdir() if p.is_file() and p.stem.lower() == name)
    rule = f"filen mangler: mappen skal indeholde {name}.csv eller {name}.xlsx"
    if others:
        rule += f" (fandt {', '.join(others)}; gem den som .csv eller .xlsx)"
    return None, [Problem(f"{name}.csv", None, None, rule)]


def read_table(path: str | Path, header_names: Sequence[str] = (),
               numbers: Sequence[str] = ()) -> tuple[RawTable | None, list[Problem]]:
    """Read ``path`` (.csv or .xlsx) into a :class:`RawTable`.

    ``header_names`` are the column names row 1 should hold; when row 1 lacks
    some of them and a row further down holds more of them, the table is
    returned with ``header_ok=False`` and a problem saying the header must be in
    row 1. Returns ``(None, problems)`` when the file cannot be read at all.

    ``numbers`` are names of columns meant to hold a decimal number in every
    cell. A CSV file whose bytes show no quotes, nothing to strip and nothing
    shaped like a CPR number, with every name of ``header_names`` in row 1, has
    such a column read as ``float64`` by the C parser when it reads every cell
    as a number (else as text like the others); :attr:`RawTable.numbers` names
    the columns read so. Whether those numbers are what the text would give is
    the caller's to check (:func:`sikkerby.inputs.validation.validate_file`).
    """
    path = Path(path)
    try:
        if path.suffix.lower() == ".xlsx":
            grid, lengths, meta = _read_xlsx_grid(path)
        else:
            grid, lengths, meta = _read_csv_grid(path, header_names, numbers)
    except _ReadFailure as failure:
        return None, [Problem(path.name, failure.row, None, failure.rule)]
    return _table_from_grid(path, grid, lengths, meta, header_names)


class _ReadFailure(Exception):
    def __init__(self, rule: str, row: int | None = None):
        super().__init__(rule)
        self.rule = rule
        self.row = row


# --------------------------------------------------------------------- CSV

def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a CSV file's bytes: UTF-16 (BOM), else UTF-8 (BOM optional), else Windows-1252.

    A file that is UTF-8 apart from a few broken bytes is not silently read as
    Windows-1252 (that would garble every æ, ø and å): it is refused, naming
    the first line that is not UTF-8.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _ReadFailure("filen starter som UTF-16, men indeholder ugyldige tegn",
                               _line_of(data, exc.start)) from None
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        if _UTF8_SEQUENCE.search(data):
            raise _ReadFailure(
                "filen er gemt med blandede tegnsæt: den er UTF-8, men denne linje indeholder tegn, "
                "der ikke er gyldig UTF-8 (gem filen igen som CSV UTF-8)",
                _line_of(data, utf8_error.start)) from None
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise _ReadFailure(
            "filen kan hverken læses som UTF-8 eller Windows-1252; denne linje er den første "
            "med tegn, der ikke kan læses (gem filen som CSV UTF-8)",
            _line_of(data, exc.start)) from None


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def detect_separator(header_line: str) -> str:
    """The separator the header line uses most: comma, semicolon or tab (comma on a tie)."""
    counts = [header_line.count(sep) for sep in SEPARATORS]
    return SEPARATORS[int(np.argmax(counts))] if max(counts) > 0 else ","


def _read_csv_grid(path: Path, header_names: Sequence[str] = (),
                   numbers: Sequence[str] = ()) -> tuple[pd.DataFrame, np.ndarray, dict]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _ReadFailure(f"filen kan ikke åbnes ({exc.strerror})") from None
    if data.startswith(_ZIP_MAGIC):
        raise _ReadFailure("filen er en Excel-fil, men hedder .csv; omdøb den til .xlsx")
    text, encoding = decode_bytes(data)
    if "\x00" in text:
        raise _ReadFailure("filen indeholder NUL-tegn og er ikke en tekstfil (CSV)")
    if not text or text.isspace():
        raise _ReadFailure("filen er tom: række 1 skal være overskriftsrækken med kolonnenavnene")
    separator = detect_separator(_first_line(text))
    meta = {"decimal_comma": separator == ";", "encoding": encoding, "separator": separator}
    # UTF-8 goes to the C parser as the file's bytes (it would encode the text again)
    source = data if encoding == "utf-8" else None
    try:
        plain = _plain_csv(data, text, encoding, separator)
        grid = lengths = None
        if plain is not None:
            meta |= {"clean": plain.clean, "first_cell_empty": plain.first_cell_empty,
                     "may_hold_cpr": plain.may_hold_cpr}
            header = _first_line(text).split(separator)
            typed = _number_positions(header, header_names, numbers) if plain.clean and not plain.may_hold_cpr else []
            try:
                if typed:
                    try:  # row 1 apart, as numbers cannot hold the column names
                        grid = _parse_csv(source, text, separator, plain.width, typed)
                        meta |= {"header": header, "numbers": typed}
                    except ValueError:  # a cell that is no number to the C parser: all as text
                        grid = None
                if grid is None:
                    grid = _parse_csv(source, text, separator, plain.width)
            except pd.errors.ParserError:  # a record has more fields than the header: count them all below
                grid = None
            if grid is not None and len(grid) + ("header" in meta) == plain.first_cell_empty.size:
                lengths = np.full(plain.first_cell_empty.size, plain.width, dtype=np.int64)
            else:
                for key in ("header", "numbers"):
                    meta.pop(key, None)
        if lengths is None:
            # Field counts per record (quotes respected) find ragged rows; the C
            # parser then reads the cells, wide enough for the widest record.
            lengths = field_counts(text, separator)
            grid = _parse_csv(source, text, separator, max(int(lengths.max()), 1))
            if len(grid) != len(lengths):  # the two parsers disagree on a quoting corner case
                records = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
                grid = pd.DataFrame(records, dtype=object).fillna("")
    except (csv.Error, pd.errors.ParserError, ValueError) as exc:
        raise _ReadFailure(f"filen kan ikke læses som CSV ({type(exc).__name__})") from None
    first = 2 if "header" in meta else 1
    grid.index = np.arange(first, len(grid) + first)
    return grid, lengths, meta


def _number_positions(header: list[str], header_names: Sequence[str], numbers: Sequence[str]) -> list[int]:
    """The positions of the ``numbers`` columns in ``header`` (the first of a repeated name); none unless
    every one of ``header_names`` is there (else the header may lie further down: all as text)."""
    positions: dict[str, int] = {}
    for position, name in enumerate(header):
        positions.setdefault(normalise_name(name), position)
    if any(normalise_name(name) not in positions for name in header_names):
        return []
    return sorted(positions[name] for name in {normalise_name(n) for n in numbers} if name in positions)


def _first_line(text: str) -> str:
    """The first line that is not empty (without copying the rest of a large text)."""
    start = len(text) - len(text.lstrip("\r\n")) if text[:1] in ("\r", "\n") else 0
    end = text.find("\n", start)
    return text[start:] if end < 0 else text[start:end]


def _parse_csv(data: bytes | None, text: str, separator: str, width: int,
               numbers: Sequence[int] = ()) -> pd.DataFrame:
    """Every record's cells as text, ``width`` columns (shorter records filled with "").

    With ``numbers`` (column positions), row 1 is left out and those columns are
    read as ``float64``; a cell the C parser cannot read as a number raises ``ValueError``.
    """
    source = io.BytesIO(data) if data is not None else io.StringIO(text, newline="")
    dtype = {position: "float64" if position in numbers else object for position in range(width)}
    return pd.read_csv(source, sep=separator, header=None, encoding="utf-8-sig", names=range(width),
                       dtype=dtype, na_filter=False, skip_blank_lines=False, engine="c",
                       skiprows=1 if numbers else None)


@dataclass(frozen=True)
class _PlainCsv:
    """What the bytes of a CSV text without quotes and carriage returns tell at once (see :func:`_plain_csv`)."""

    width: int  # the header's number of fields, and every record's as far as the separators tell
    first_cell_empty: np.ndarray  # per record (row 1 first): the record starts with a separator
    clean: bool  # stripping and normalising the cells would change none of them
    may_hold_cpr: bool  # something in the text may be shaped like a CPR number


def _plain_csv(data: bytes, text: str, encoding: str, separator: str) -> _PlainCsv | None:
    """Facts about a CSV text whose records are its lines and whose cells lie between separators.

    Only for a text without quotes and carriage returns, and with at least two
    columns; ``None`` otherwise (the caller then reads it cell by cell). Every
    record has ``width`` fields when the separators are exactly as many as
    ``width - 1`` per line and no line has more: the C parser, given ``width``
    columns, refuses a longer record, so that is checked by reading.
    """
    if '"' in text or "\r" in text:
        return None
    if encoding == "utf-8":
        body = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    else:
        body = text.encode("utf-8")
    sep = separator.encode("ascii")
    width = body[:body.find(b"\n")].count(sep) + 1 if b"\n" in body else body.count(sep) + 1
    lines = np.flatnonzero(np.frombuffer(body, dtype=np.uint8) == ord("\n"))
    ends = lines if body.endswith(b"\n") else np.append(lines, len(body))
    if width < 2 or body.count(sep) != (width - 1) * ends.size:
        return None
    starts = np.concatenate(([0], ends[:-1] + 1))
    if (ends - starts).max() > csv.field_size_limit():  # the csv module's limit applies: read it cell by cell
        return None
    raw = np.frombuffer(body, dtype=np.uint8)
    others = set() if text.isascii() else non_ascii_characters(body)
    return _PlainCsv(width, raw[starts] == ord(separator),
                     cells_are_clean(body, text, sep + b"\n", others), text_may_hold_cpr(body, others))


def field_counts(text: str, separator: str) -> np.ndarray:
    """The number of fields of every CSV record, as ``csv.reader`` counts them (0 for a blank line).

    Without quotes and carriage returns a record is a line and its fields are
    the separators plus one: counted on the UTF-8 bytes at once (separators and
    line feeds are single bytes there), not by the csv module record by record.
    """
    if text and '"' not in text and "\r" not in text:
        raw = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
        newlines = np.flatnonzero(raw == ord("\n"))
        ends = newlines if text.endswith("\n") else np.append(newlines, raw.size)
        starts = np.concatenate(([0], ends[:-1] + 1))
        sizes = ends - starts
        if sizes.max() <= csv.field_size_limit():  # else csv.reader gives its own error
            before_end = np.searchsorted(np.flatnonzero(raw == ord(separator)), ends)  # separators before each line end
            separators = np.diff(before_end, prepend=0)
            return np.where(sizes > 0, separators + 1, 0).astype(np.int64)
    return np.fromiter(map(len, csv.reader(io.StringIO(text, newline=""), delimiter=separator)), dtype=np.int64)


# ------------------------------------------------------------------- Excel

def _read_xlsx_grid(path: Path) -> tuple[pd.DataFrame, None, dict]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken or foreign file
        raise _ReadFailure(f"filen kan ikke åbnes som Excel-fil (.xlsx) ({type(exc).__name__})") from None
    try:
        if not workbook.worksheets:
            raise _ReadFailure("Excel-filen har ingen ark")
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong sheet size; read what is there
        records = list(sheet.iter_rows(min_row=1, values_only=True))
    finally:
        workbook.close()
    width = max(map(len, records), default=0)
    if width == 0:
        raise _ReadFailure("det første ark er tomt: række 1 skal være overskriftsrækken med kolonnenavnene")
    grid = pd.DataFrame([tuple(row) + (None,) * (width - len(row)) for row in records], dtype=object)
    numeric = grid.apply(lambda column: column.map(_is_number)).astype(bool)
    grid = grid.apply(lambda column: column.map(excel_cell_text))
    grid.index = numeric.index = np.arange(1, len(grid) + 1)
    # Text typed into Excel cells may use decimal commas (numeric cells never reach here as text).
    return grid, None, {"decimal_comma": True, "encoding": None, "separator": None, "numeric": numeric}


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def excel_cell_text(value) -> str:
    """An Excel cell's value as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


# ----------------------------------------------------------------- common

def _table_from_grid(path: Path, grid: pd.DataFrame, lengths: np.ndarray | None, meta: dict,
                     header_names: Sequence[str]) -> tuple[RawTable | None, list[Problem]]:
    """Split a grid (row 1 first, index = row numbers) into header and data rows.

    ``lengths`` holds each CSV record's number of fields (``None`` for Excel,
    whose rows all have the sheet's width).
    """
    file = path.name
    if not meta.get("clean"):  # a CSV file's bytes may have shown that stripping would change nothing
        grid = pd.DataFrame({position: _strip_column(grid[position]) for position in grid.columns}, index=grid.index)
    header = meta["header"] if "header" in meta else list(grid.iloc[0])  # row 1 read apart, or the grid's first
    if lengths is None:  # Excel: the header reaches its last named cell
        named = [i for i, name in enumerate(header) if name != ""]
        width = named[-1] + 1 if named else 0
    else:
        width = int(lengths[0])
    wanted = {normalise_name(n) for n in header_names}
    in_row_1 = wanted & {normalise_name(h) for h in header[:width]}
    misplaced = _header_row_below(grid, wanted, len(in_row_1)) if wanted - in_row_1 else None
    if not any(header[:width]) and misplaced is None:
        return None, [Problem(file, 1, None, "række 1 er tom: den skal være overskriftsrækken med kolonnenavnene")]

    body = grid if "header" in meta else grid.iloc[1:]
    # Completely empty rows (blank lines, ";;;;" from Excel) are skipped; row numbers are kept.
    blank = np.zeros(len(body), dtype=bool)
    if body.shape[1]:
        # only rows whose first cell is empty can be blank (a clean CSV file's bytes may have told which)
        first_cell_empty = meta.get("first_cell_empty") if meta.get("clean") else None
        maybe = (body.iloc[:, 0] == "").to_numpy() if first_cell_empty is None else first_cell_empty[1:]
        if maybe.any():
            blank[maybe] = (body[maybe] == "").all(axis=1).to_numpy()
    if lengths is None:
        ragged = np.zeros(len(body), dtype=bool)
    else:
        blank |= lengths[1:] == 0
        ragged = (lengths[1:] != width) & ~blank
    if misplaced is not None:
        ragged[:] = False  # every row looks ragged against a title line; say the real problem only
    header = (header + [""] * grid.shape[1])[:grid.shape[1]]
    labels = _labels(header, grid.shape[1])
    if blank.any():
        body = body[~blank]
    body = body.set_axis(labels, axis=1)
    ragged = pd.Series(ragged[~blank], index=body.index)
    numeric = meta.get("numeric")
    if numeric is not None:
        numeric = numeric.iloc[1:][~blank].set_axis(labels, axis=1)
    table = RawTable(file, path, body, tuple(header), ragged, meta["decimal_comma"],
                     header_ok=misplaced is None, encoding=meta["encoding"], separator=meta["separator"],
                     numeric_cells=numeric, may_hold_cpr=meta.get("may_hold_cpr", True),
                     numbers=tuple(labels[position] for position in meta.get("numbers", ())))

    if misplaced is not None:
        return table, [Problem(file, misplaced, None,
                               f"overskriftsrækken med kolonnenavnene skal stå i række 1, men står i "
                               f"række {misplaced}; slet rækkerne over den")]
    if body.empty:
        return table, [Problem(file, None, None, "filen har ingen datarækker (kun overskriftsrækken)")]
    rows = body.index[ragged.to_numpy()]
    sep_name = _SEPARATOR_NAMES.get(meta["separator"] or ",", "komma")
    rule = f"rækken har et andet antal felter end overskriftsrækken ({width}, adskilt med {sep_name})"
    counts = [f"{int(lengths[r - 1])} felter" for r in rows[:LIST_LIMIT]]
    return table, row_problems(file, None, rule, rows, counts)


def _strip_column(column: pd.Series) -> pd.Series:
    """Strip spaces and normalise Unicode (NFC: 'å' typed as a + ring equals 'å'); object dtype."""
    cells = ascii_cells(column)
    if cells is not None and not edge_whitespace(cells):
        # ASCII text is already NFC, and there is nothing to strip
        return pd.Series(column.to_numpy(dtype=object), index=column.index, name=column.name, dtype=object)
    return by_unique(column, lambda distinct: distinct.str.strip().str.normalize("NFC")).astype(object)


def _labels(header: list[str], width: int) -> list[str]:
    """Column labels: the header's names; unnamed and repeated ones name the spreadsheet column."""
    labels: list[str] = []
    seen: set[str] = set()
    for position in range(width):
        name = header[position] if position < len(header) else ""
        if name == "":
            labels.append(f"(kolonne {_column_letter(position)})")
        elif normalise_name(name) in seen:
            labels.append(f"{name} (kolonne {_column_letter(position)})")
        else:
            labels.append(name)
        seen.add(normalise_name(name))
    return labels


def _column_letter(position: int) -> str:
    """The spreadsheet's letter for a column position (0 -> A); openpyxl is imported only when needed."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(position + 1)


def _header_row_below(grid: pd.DataFrame, wanted: set[str], in_row_1: int) -> int | None:
    """The spreadsheet row (2..) holding clearly more of the wanted names than row 1, if any."""
    needed = max(in_row_1 + 1, min(2, len(wanted)), (len(wanted) + 1) // 2)
    top = grid.iloc[1:HEADER_SEARCH_ROWS + 1]
    for row_number, values in zip(top.index, top.itertuples(index=False)):
        if len(wanted & {normalise_name(v) for v in values}) >= needed:
            return int(row_number)
    return None
