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
    reported: pd.DataFrame | None = None


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

    The problems may include warnings (:attr:`sikkerby.errors.Problem.warning`),
    which do not stop anything: a hidden first sheet, say.
    """
    path = Path(path)
    try:
        if path.suffix.lower() == ".xlsx":
            grid, lengths, meta = _read_xlsx_grid(path)
        else:
            with _csv_fields_unlimited():
                grid, lengths, meta = _read_csv_grid(path, header_names, numbers)
    except _ReadFailure as failure:
        return None, [Problem(path.name, failure.row, failure.column, failure.rule)]
    except MemoryError:
        return None, [Problem(path.name, None, None, "filen er for stor til at blive læst på denne maskine")]
    return _table_from_grid(path, grid, lengths, meta, header_names)


class _ReadFailure(Exception):
    def __init__(self, rule: str, row: int | None = None, column: str | None = None):
        super().__init__(rule)
        self.rule = rule
        self.row = row
        self.column = column


class _csv_fields_unlimited:
    """The csv module's field size limit (131.072 characters) lifted while a file is read: a longer
    cell is then reported with its row and column (:data:`MAX_CELL_CHARS`), not as a parse error."""

    def __enter__(self):
        self.previous = csv.field_size_limit()
        csv.field_size_limit(max(self.previous, 2**31 - 1))

    def __exit__(self, *exc):
        csv.field_size_limit(self.previous)
        return False


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
        raise _ReadFailure(f"filen kan ikke åbnes ({read_error_text(exc)})") from None
    if data.startswith(_ZIP_MAGIC):
        raise _ReadFailure("filen er en Excel-fil, men hedder .csv; omdøb den til .xlsx")
    text, encoding = decode_bytes(data)
    if "\x00" in text:
        raise _ReadFailure("filen indeholder NUL-tegn og er ikke en tekstfil (CSV)")
    if not text or text.isspace():
        raise _ReadFailure("filen er tom: række 1 skal være overskriftsrækken med kolonnenavnene")
    separator = detect_separator(_first_line(text))
    if _first_line(text).count(separator) >= MAX_COLUMNS:  # before anything is built per column
        raise _ReadFailure(_too_many_columns_rule(_first_line(text).count(separator) + 1), 1)
    meta = {"decimal_comma": separator == ";", "encoding": encoding, "separator": separator}
    # UTF-8 goes to the C parser as the file's bytes (it would encode the text again)
    source = data if encoding == "utf-8" else None
    longest = None  # the longest line, in bytes
    try:
        plain = _plain_csv(data, text, encoding, separator)
        grid = lengths = None
        if plain is not None:
            longest = plain.longest
            meta |= {"clean": plain.clean, "first_cell_empty": plain.first_cell_empty,
                     "may_hold_cpr": plain.may_hold_cpr}
            header = _first_line(text).split(separator)
            # A semicolon file has decimal commas: its numbers are read as text, where "1.177" (a
            # thousands separator or a decimal point?) is found and refused; the C parser would take 1.177.
            typed = (_number_positions(header, header_names, numbers)
                     if plain.clean and not plain.may_hold_cpr and not meta["decimal_comma"] else [])
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
            if lengths.max() > MAX_COLUMNS:
                raise _ReadFailure(_too_many_columns_rule(int(lengths.max())),
                                   int(np.argmax(lengths > MAX_COLUMNS)) + 1)
            grid = _parse_csv(source, text, separator, max(int(lengths.max()), 1))
            if len(grid) != len(lengths):  # the two parsers disagree on a quoting corner case
                records = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
                grid = pd.DataFrame(records, dtype=object).fillna("")
    except (csv.Error, pd.errors.ParserError, ValueError) as exc:
        raise _ReadFailure(f"filen kan ikke læses som CSV ({type(exc).__name__})") from None
    first = 2 if "header" in meta else 1
    grid.index = np.arange(first, len(grid) + first)
    lines = text.count("\n") + (not text.endswith("\n"))
    if '"' in text and len(lengths) < lines:  # some quoted cell spans lines
        _refuse_swallowed_records(grid, separator, int(lengths[0]))
    if longest is None:
        longest = _longest_line(data if encoding == "utf-8" else text.encode("utf-8"))
    if longest > MAX_CELL_CHARS:  # only then can a cell be longer (a line's bytes >= its characters)
        _refuse_long_cells(grid, meta.get("header"))
    return grid, lengths, meta


def read_error_text(exc: OSError) -> str:
    """Why a file or folder could not be read, in Danish."""
    import errno

    reasons = {errno.EACCES: "der er ikke adgang til at læse den", errno.EPERM: "der er ikke adgang til at læse den",
               errno.ENOENT: "den findes ikke", errno.EISDIR: "det er en mappe, ikke en fil",
               errno.ELOOP: "stien er en løkke af symbolske links", errno.EIO: "disken kunne ikke læses"}
    return reasons.get(exc.errno, exc.strerror or type(exc).__name__)


def _longest_line(data: bytes) -> int:
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.append(np.flatnonzero(raw == ord("\n")), raw.size)
    return int(np.diff(ends, prepend=-1).max()) - 1


def _refuse_long_cells(grid: pd.DataFrame, header: list[str] | None) -> None:
    """Raise for the first cell (by row, then column) longer than :data:`MAX_CELL_CHARS`."""
    first = None
    for position in grid.columns:
        column = grid[position]
        if column.dtype != object:
            continue
        lengths = column.str.len().to_numpy(dtype=np.float64, na_value=0)
        long = np.flatnonzero(lengths > MAX_CELL_CHARS)
        if long.size and (first is None or long[0] < first[0]):
            first = (int(long[0]), position, int(lengths[long[0]]))
    if first is None:
        return
    at, position, length = first
    names = header if header is not None else list(grid.iloc[0])
    labels = _labels([str(n).strip() for n in names], grid.shape[1])
    raise _ReadFailure(_long_cell_rule(length), int(grid.index[at]), labels[position])


def _refuse_swallowed_records(grid: pd.DataFrame, separator: str, width: int) -> None:
    """Raise when a cell holds whole records: a stray quote opened it and the lines after it were read as
    its text (a legal CSV cell may span lines, but not hold lines with every separator of a record)."""
    if width < 2:
        return
    for position in grid.columns:
        column = grid[position]
        if column.dtype != object:
            continue
        multiline = column.str.contains("[\r\n]", regex=True).to_numpy(dtype=bool, na_value=False)
        for at in np.flatnonzero(multiline):
            lines = str(column.iloc[at]).splitlines()[1:]
            if any(line.count(separator) >= width - 1 for line in lines):
                names = [str(n).strip() for n in grid.iloc[0]]
                raise _ReadFailure(
                    "cellen begynder med et anførselstegn (\"), så de næste linjer i filen er læst som en del af "
                    "cellen, og de rækker er forsvundet; fjern anførselstegnet, eller luk cellen med et "
                    "anførselstegn, hvor den slutter",
                    int(grid.index[at]), _labels(names, grid.shape[1])[position])


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
    longest: int  # the longest line, in bytes


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
    longest = int((ends - starts).max())
    if longest > csv.field_size_limit():  # the csv module's limit applies: read it cell by cell
        return None
    raw = np.frombuffer(body, dtype=np.uint8)
    others = set() if text.isascii() else non_ascii_characters(body)
    return _PlainCsv(width, raw[starts] == ord(separator),
                     cells_are_clean(body, text, sep + b"\n", others), text_may_hold_cpr(body, others), longest)


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

# What a workbook may cost (DATA.md §1 says nothing of size; these bound memory and time, and a
# workbook above them is refused with a Danish message instead of exhausting the machine).
XLSX_MAX_FILE_BYTES = 256 * 2**20  # the .xlsx file itself
XLSX_MAX_PART_BYTES = 512 * 2**20  # any part unpacked (a sheet of Excel's 1.048.576 rows x 7 columns: ~0.3 GB)
XLSX_MAX_STRINGS_BYTES = 64 * 2**20  # the shared strings unpacked (read into memory whole by openpyxl)
XLSX_MAX_RATIO = 100  # unpacked/packed size of a part larger than 1 MB (Apache POI's zip-bomb limit)
XLSX_RATIO_FROM_BYTES = 2**20
MAX_GRID_CELLS = 50_000_000  # cells built: each row holding a value, up to its last cell (Excel's rows x 47)
MAX_COLUMNS = 1_000  # columns in a file (the contract's files have at most nine; extra ones are ignored)
MAX_CELL_CHARS = 32_767  # characters in a cell: Excel's own limit


def _size(n: int) -> str:
    from babel.numbers import format_decimal

    if n < 2**20:
        return f"{format_decimal(max(round(n / 2**10), 1), locale='da_DK')} kB"
    return f"{format_decimal(round(n / 2**20, 1), locale='da_DK')} MB"


def _check_workbook_size(path: Path) -> None:
    """Refuse a workbook whose unpacked parts would cost too much to read (before openpyxl opens it)."""
    import zipfile

    size = path.stat().st_size
    if size > XLSX_MAX_FILE_BYTES:
        raise _ReadFailure(f"Excel-filen er for stor ({_size(size)}; højst {_size(XLSX_MAX_FILE_BYTES)}); "
                           "del den op, eller gem den som CSV")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # openpyxl says what is wrong with it
    for part in parts:
        limit = XLSX_MAX_STRINGS_BYTES if part.filename.endswith("sharedStrings.xml") else XLSX_MAX_PART_BYTES
        if part.file_size > limit:
            raise _ReadFailure(f"Excel-filen fylder for meget udpakket ({part.filename}: {_size(part.file_size)}; "
                               f"højst {_size(limit)}); del den op, eller gem den som CSV")
        if part.file_size > XLSX_RATIO_FROM_BYTES and part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1):
            raise _ReadFailure(f"Excel-filen er pakket usædvanligt tæt ({part.filename}: {_size(part.file_size)} "
                               f"udpakket af {_size(part.compress_size)}); den indeholder sandsynligvis en "
                               "enorm tekst eller et enormt område; gem tabellen i en ny fil")


@dataclass(frozen=True)
class _SheetCells:
    """The rows of a sheet that hold a value: their spreadsheet numbers and their values (each row as
    long as its last stored cell), and the cells that are problems in themselves:
    ``(row, column, rule, shown)`` (row and column from 1)."""

    rows: list[int]
    values: list[list]
    width: int
    marks: list[tuple[int, int, str, str]]


FORMULA_RULE = ("cellen indeholder en formel uden gemt resultat, så værdien kan ikke læses; åbn filen i "
                "Excel og gem den igen (så beregnes formlen), eller skriv værdien ind")
EXCEL_ERROR_RULE = "cellen indeholder en Excel-fejl i stedet for en værdi; ret formlen eller værdien"


def _read_sheet_cells(workbook, sheet) -> _SheetCells:
    """The rows of ``sheet`` that hold a value, each as long as its last stored cell.

    openpyxl's own row iterator yields every row up to the last one and pads
    each to the sheet's width, so one cell at XFD1048576 would cost 17 billion
    cells; its worksheet parser (the same one the iterator uses) yields the
    stored cells only, so rows without a cell cost nothing here, and the cells
    built are bounded (:data:`MAX_GRID_CELLS`). A formula without a stored result
    (as openpyxl and some exporters write it), an Excel error value (``#REF!``)
    and a cell longer than :data:`MAX_CELL_CHARS` are marked, to be reported
    naming the cell: read as empty or as text they would silently change a figure.
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    marks: list[tuple[int, int, str, str]] = []

    class Parser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None:
                formula = element.find(FORMULA_TAG)
                if formula is not None:
                    shown = f"{get_column_letter(cell['column'])}{cell['row']}: ={(formula.text or '')[:40]}"
                    marks.append((cell["row"], cell["column"], FORMULA_RULE, shown))
                    cell["value"] = ""  # a cell of its own, not a gap
            elif cell["data_type"] == "e":
                marks.append((cell["row"], cell["column"], EXCEL_ERROR_RULE,
                              f"{get_column_letter(cell['column'])}{cell['row']}: {cell['value']}"))
            elif isinstance(cell["value"], str) and len(cell["value"]) > MAX_CELL_CHARS:
                marks.append((cell["row"], cell["column"], _long_cell_rule(len(cell["value"])),
                              f"{get_column_letter(cell['column'])}{cell['row']}"))
                cell["value"] = ""
            return cell

    rows: list[int] = []
    values: list[list] = []
    width = 0
    built = 0  # cells built, empty ones within a row included
    with sheet._get_source() as source:
        parser = Parser(source, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                        date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        for _, cells in parser.parse():
            stored = [cell for cell in cells if cell["value"] is not None]
            if not stored:
                continue
            last = max(cell["column"] for cell in stored)
            built += last
            if built > MAX_GRID_CELLS:
                raise _ReadFailure("arket er for stort: det har for mange celler med indhold, eller celler langt "
                                   "uden for tabellen; slet det, der står uden for tabellen, eller gem det som CSV",
                                   stored[0]["row"])
            row = [None] * last
            for cell in stored:
                row[cell["column"] - 1] = cell["value"]
            rows.append(stored[0]["row"])
            values.append(row)
            width = max(width, last)
    return _SheetCells(rows, values, width, marks)


def _long_cell_rule(length: int) -> str:
    from babel.numbers import format_decimal

    return (f"cellen er for lang ({format_decimal(length, locale='da_DK')} tegn; højst "
            f"{format_decimal(MAX_CELL_CHARS, locale='da_DK')}, som i Excel)")


def _read_xlsx_grid(path: Path) -> tuple[pd.DataFrame, None, dict]:
    from openpyxl import load_workbook

    _check_workbook_size(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except _ReadFailure:
        raise
    except Exception as exc:  # openpyxl raises many types for a broken or foreign file
        raise _ReadFailure(f"filen kan ikke åbnes som Excel-fil (.xlsx) ({type(exc).__name__})") from None
    warnings: list[Problem] = []
    try:
        if not workbook.worksheets:
            raise _ReadFailure("Excel-filen har ingen ark")
        visible = [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        sheet = visible[0] if visible else workbook.worksheets[0]
        if sheet is not workbook.worksheets[0]:
            hidden = workbook.worksheets[0].title
            warnings.append(Problem(path.name, None, None,
                                    f"det første ark «{hidden}» er skjult; det første synlige ark «{sheet.title}» "
                                    "er læst", warning=True))
        try:
            found = _read_sheet_cells(workbook, sheet)
        except _ReadFailure:
            raise
        except Exception as exc:  # a damaged sheet part
            raise _ReadFailure(f"arket «{sheet.title}» kan ikke læses ({type(exc).__name__})") from None
    finally:
        workbook.close()
    if not found.values:
        raise _ReadFailure("det første ark er tomt: række 1 skal være overskriftsrækken med kolonnenavnene")
    rows, values = found.rows, found.values
    if rows[0] != 1:  # row 1 is the header's, also when it is empty
        rows, values = [1, *rows], [[], *values]
    grid = pd.DataFrame([row + [None] * (found.width - len(row)) for row in values],
                        index=np.asarray(rows, dtype=np.int64), dtype=object)
    # only the columns holding a value somewhere (a cell at XFD1048576 is one column, not 16.384)
    used = np.flatnonzero(grid.notna().any(axis=0).to_numpy())
    if len(used) > MAX_COLUMNS:
        raise _ReadFailure(_too_many_columns_rule(len(used)))
    if len(used) < grid.shape[1]:
        grid = grid.iloc[:, used]
    column_numbers = [int(c) + 1 for c in used]
    grid.columns = range(len(column_numbers))
    numeric = grid.apply(lambda column: column.map(_is_number)).astype(bool)
    grid = grid.apply(lambda column: column.map(excel_cell_text))
    # Number cells are written with a decimal comma (the file's convention), so that a number
    # 1.177 is never taken for a thousands separator; text typed into cells may use either.
    position = {number: at for at, number in enumerate(column_numbers)}
    marks = [(row, position[column], rule, shown) for row, column, rule, shown in found.marks if column in position]
    return grid, None, {"decimal_comma": True, "encoding": None, "separator": None, "numeric": numeric,
                        "letters": [_column_letter(c - 1) for c in column_numbers],
                        "marks": marks, "problems": warnings}


def _too_many_columns_rule(count: int) -> str:
    from babel.numbers import format_decimal

    return (f"filen har for mange kolonner ({format_decimal(count, locale='da_DK')}; højst "
            f"{format_decimal(MAX_COLUMNS, locale='da_DK')}); slet de kolonner, der ikke hører til tabellen")


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def excel_cell_text(value) -> str:
    """An Excel cell's value as the text a Danish CSV export would hold (numbers with a decimal comma)."""
    if value is None or (isinstance(value, float) and value != value):
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
        return repr(value).replace(".", ",")
    return str(value)


# ----------------------------------------------------------------- common

def _table_from_grid(path: Path, grid: pd.DataFrame, lengths: np.ndarray | None, meta: dict,
                     header_names: Sequence[str]) -> tuple[RawTable | None, list[Problem]]:
    """Split a grid (row 1 first, index = row numbers) into header and data rows.

    ``lengths`` holds each CSV record's number of fields (``None`` for Excel,
    whose rows all have the sheet's width).
    """
    table, problems = _split_grid(path, grid, lengths, meta, header_names)
    return table, list(meta.get("problems", ())) + problems


def _split_grid(path: Path, grid: pd.DataFrame, lengths: np.ndarray | None, meta: dict,
                header_names: Sequence[str]) -> tuple[RawTable | None, list[Problem]]:
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
    labels = _labels(header, grid.shape[1], meta.get("letters"))
    marks = list(meta.get("marks", ()))
    if misplaced is None:
        regular = ~blank & ~ragged  # a ragged row is reported as such
        marks += _outside_the_table(body if regular.all() else body[regular], header, labels)
    marked, reported = _marked_cells(file, marks, labels, body.index[~blank])
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
                     numbers=tuple(labels[position] for position in meta.get("numbers", ())),
                     reported=reported)

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
    return table, marked + row_problems(file, None, rule, rows, counts)


OUTSIDE_RULE = ("rækken har kun indhold uden for tabellen, i en kolonne uden navn i række 1; slet indholdet, "
                "eller giv kolonnen et navn")


def _outside_the_table(body: pd.DataFrame, header: list[str], labels: list[str]) -> list[tuple[int, int, str, str]]:
    """Marks for the rows whose cells are all empty in the named columns but not in an unnamed one (a
    stray cell far below or beside the table, say at XFD1048576): one mark per such row, on its first
    cell outside the table, so that the row is reported once instead of as empty in every column."""
    named = [i for i, name in enumerate(header) if name != ""]
    unnamed = [i for i, name in enumerate(header) if name == ""]
    if not named or not unnamed or body.empty:
        return []
    inside = (body.iloc[:, named] != "").any(axis=1).to_numpy()
    outside = (body.iloc[:, unnamed] != "").to_numpy()
    rows = np.flatnonzero(~inside & outside.any(axis=1))
    marks = []
    for at in rows:
        position = unnamed[int(np.argmax(outside[at]))]
        marks.append((int(body.index[at]), position, OUTSIDE_RULE, labels[position]))
    return marks


def _marked_cells(file: str, marks, labels: list[str], rows: pd.Index) -> tuple[list[Problem], pd.DataFrame | None]:
    """The problems of the cells an Excel sheet marked (``(row, position, rule, shown)``), and a frame
    (``rows`` x ``labels``) that is True at those cells; ``None`` without marks."""
    if not marks:
        return [], None
    reported = pd.DataFrame(np.zeros((len(rows), len(labels)), dtype=bool), index=rows, columns=labels)
    problems = []
    for row, position, rule, shown in marks:
        if rule == OUTSIDE_RULE:  # the whole row is the problem (its contract cells are empty)
            problems.append(Problem(file, row, None, rule, shown))
            if row in reported.index:
                reported.iloc[reported.index.get_loc(row), :] = True
            continue
        problems.append(Problem(file, row, labels[position], rule, shown))
        if row in reported.index:
            reported.iloc[reported.index.get_loc(row), position] = True
    return problems, reported


def _strip_column(column: pd.Series) -> pd.Series:
    """Strip spaces and normalise Unicode (NFC: 'å' typed as a + ring equals 'å'); object dtype."""
    cells = ascii_cells(column)
    if cells is not None and not edge_whitespace(cells):
        # ASCII text is already NFC, and there is nothing to strip
        return pd.Series(column.to_numpy(dtype=object), index=column.index, name=column.name, dtype=object)
    return by_unique(column, lambda distinct: distinct.str.strip().str.normalize("NFC")).astype(object)


def _labels(header: list[str], width: int, letters: Sequence[str] | None = None) -> list[str]:
    """Column labels: the header's names; unnamed and repeated ones name the spreadsheet column
    (``letters``: each position's column letter, when the positions are not A, B, C ...)."""
    labels: list[str] = []
    seen: set[str] = set()
    for position in range(width):
        name = header[position] if position < len(header) else ""
        letter = letters[position] if letters is not None else _column_letter(position)
        if name == "":
            labels.append(f"(kolonne {letter})")
        elif normalise_name(name) in seen:
            labels.append(f"{name} (kolonne {letter})")
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
