"""Validating a data folder against the contract (DATA.md §1 and §5).

:func:`validate_folder` reads all seven inputs, checks every rule and returns
either a :class:`~sikkerby.inputs.dataset.Dataset` or every problem found, each naming
the file, the spreadsheet row, the column and the rule (in Danish). The order:

1. find and read each file (:mod:`sikkerby.inputs.readers`);
2. refuse personal data and mask CPR-like numbers (:mod:`sikkerby.inputs.personal_data`);
3. per column: type, emptiness, missing-value codes, vocabulary, bydel, range
   (:func:`check_column`, the rules as data in :mod:`sikkerby.inputs.contract`);
4. per file: the programme's bandelog area (:func:`check_programme_area`), unique
   column groups and rules across columns (:data:`TABLE_RULES`);
5. across files: every ``succeskriterier.aktivitet_id`` exists in ``aktiviteter``.

All checks are vectorised; a rule broken in many rows lists the first rows and
counts the rest (:func:`sikkerby.errors.row_problems`).

Findings are of two kinds (DATA.md §1): a broken rule refuses the folder; a
plausibility finding the contract does not state -- a ``handleplan_dato`` before
its ``startdato``, a gang log without the programme's area, an unusual jump from
one year to the next, extreme survey weights -- is a warning
(:attr:`sikkerby.errors.Problem.warning`): listed by ``sikkerby validate``, kept
on the :class:`~sikkerby.inputs.tables.Dataset` (``warnings``) for the run log and
the publication's note on data quality, never a refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from babel.numbers import format_decimal

from sikkerby.errors import LIST_LIMIT, Problem, row_problems
from sikkerby.inputs.contract import BANDELOG, INPUT_FILES, Column, InputFile
from sikkerby.inputs.parsing import (
    AMBIGUOUS_RULE,
    LIMIT_RULES,
    TYPE_RULES,
    ambiguous_numbers,
    beyond_limits,
    by_unique,
    empty_column,
    final_dtype,
    mostly_distinct,
    parse,
)
from sikkerby.inputs.personal_data import screen
from sikkerby.inputs.readers import (
    RawTable,
    find_input,
    normalise_name,
    read_error_text,
    read_table,
)
from sikkerby.inputs.tables import Dataset

SHOWN_VALUE_LENGTH = 60  # longer cell values are cut in messages


@dataclass
class CheckedTable:
    """One input after the per-file checks; ``frame`` is indexed by spreadsheet row."""

    spec: InputFile
    file: str
    frame: pd.DataFrame
    unusable: pd.DataFrame  # True where a cell broke a rule (its value is missing in ``frame``)
    absent: set[str] = field(default_factory=set)  # contract columns the file does not have

    def usable(self, *columns: str) -> pd.Series:
        """Rows where all ``columns`` exist in the file and hold values that passed their checks."""
        if self.absent & set(columns):
            return pd.Series(False, index=self.frame.index)
        return ~self.unusable[list(columns)].any(axis=1)


class Validation(NamedTuple):
    """What :func:`check_folder` found: the dataset (``None`` when a rule is broken), the broken
    rules, and the warnings (which alone never stop anything)."""

    dataset: Dataset | None
    problems: list[Problem]
    warnings: list[Problem]


def check_folder(path: str | Path, programme) -> Validation:
    """Read and check every input in ``path``; the warnings are also on ``dataset.warnings`` (as text)."""
    folder = Path(path)
    try:
        folder.stat()
        is_folder = folder.is_dir()
        if is_folder:
            next(folder.iterdir(), None)  # can it be listed?
    except FileNotFoundError:
        is_folder = False
    except OSError as exc:  # no access, a symlink loop
        return Validation(None, [Problem(str(folder), None, None,
                                         f"mappen med inddata kan ikke læses ({read_error_text(exc)})")], [])
    if not is_folder:
        rule = "stien er en fil, ikke en mappe med inddata" if folder.exists() else "mappen med inddata findes ikke"
        return Validation(None, [Problem(str(folder), None, None, rule)], [])
    found_problems: list[Problem] = []
    tables: dict[str, CheckedTable] = {}
    files: dict[str, Path] = {}
    for spec in INPUT_FILES:
        try:
            file_path, found = find_input(folder, spec.name)
        except OSError as exc:
            found_problems.append(Problem(f"{spec.name}.csv", None, None,
                                          f"mappen med inddata kan ikke læses ({read_error_text(exc)})"))
            continue
        found_problems += found
        if file_path is None:
            continue
        files[spec.name] = file_path
        table, found = validate_file(file_path, spec, programme)
        found_problems += found
        if table is not None:
            tables[spec.name] = table
    found_problems += check_across_files(tables)
    problems = [p for p in found_problems if not p.warning]
    warnings = sorted((p for p in found_problems if p.warning), key=lambda p: (p.file, p.row or 0, p.column or "", p.rule))
    if problems:
        return Validation(None, problems, warnings)
    frames = {name: finalise(table) for name, table in tables.items()}
    dataset = Dataset(**frames, source_dir=folder, source_files=files, warnings=tuple(str(w) for w in warnings))
    return Validation(dataset, [], warnings)


class Problems(list):
    """The broken rules of a folder (a plain list of :class:`Problem`), with its ``warnings`` beside them."""

    def __init__(self, problems=(), warnings=()):
        super().__init__(problems)
        self.warnings = list(warnings)


def validate_folder(path: str | Path, programme) -> tuple[Dataset | None, Problems]:
    """Read and check every input in ``path``: ``(Dataset, [])`` or ``(None, problems)``; the warnings
    are on ``Dataset.warnings``, and on ``problems.warnings`` when the folder is refused."""
    dataset, problems, warnings = check_folder(path, programme)
    return dataset, Problems(problems, warnings)


def validate_file(path: str | Path, spec: InputFile, programme) -> tuple[CheckedTable | None, list[Problem]]:
    """Read one input file and check it on its own (everything but the cross-file rules)."""
    required = [c.name for c in spec.columns if c.required]
    numbers = [c.name for c in spec.columns if c.type == "float" and not c.nullable]
    raw, problems = read_table(path, required, numbers)
    if raw is not None and not numbers_as_read_hold(raw, spec):
        raw, problems = read_table(path, required)  # the text shows what is wrong with them
    if raw is None:
        return None, problems
    found, cells, refused = screen(raw.cells, raw.file, raw.numeric_cells, raw.may_hold_cpr,
                                   names=_names_by_label(raw))
    problems += found
    if raw.reported is not None:  # cells the reader reported already (an Excel formula without a result)
        refused = refused | pd.DataFrame(raw.reported.to_numpy(dtype=bool), index=refused.index,
                                         columns=refused.columns)
    if not raw.header_ok:
        return None, problems
    if raw.ragged.any():
        cells, refused = cells[~raw.ragged.to_numpy()], refused[~raw.ragged.to_numpy()]

    positions: dict[str, int] = {}
    for position, name in enumerate(raw.header):
        name = normalise_name(name)
        if name in positions and name in spec.column_names:
            problems.append(Problem(raw.file, 1, name, "kolonnen står mere end én gang i overskriftsrækken"))
        positions.setdefault(name, position)

    values: dict[str, pd.Series] = {}
    unusable: dict[str, pd.Series] = {}
    absent: set[str] = set()
    for column in spec.columns:
        if column.name not in positions:
            absent.add(column.name)
            if column.required:
                problems.append(Problem(raw.file, 1, column.name, "kolonnen mangler i overskriftsrækken"))
            values[column.name] = empty_column(column.type, cells.index)
            unusable[column.name] = pd.Series(False, index=cells.index)
            continue
        values[column.name], unusable[column.name], found = check_column(
            cells.iloc[:, positions[column.name]], column, raw.file, raw.decimal_comma, programme.bydel_names,
            refused.iloc[:, positions[column.name]], years=year_span(programme))
        problems += found
    if spec.name == BANDELOG.name and "omraade" not in absent:
        values["omraade"], found = check_programme_area(values["omraade"], tuple(programme.gang_log_areas), raw.file)
        problems += found

    table = CheckedTable(spec, raw.file, pd.DataFrame(values, index=cells.index),
                         pd.DataFrame(unusable, index=cells.index), absent)
    if "bydel" in positions and any(b.fra is not None or b.til is not None for b in programme.bydele):
        problems += check_bydel_years(table, programme)
    for group in spec.unique:
        problems += check_unique(table, group)
    for group in spec.unique_warning:
        problems += check_unique(table, group, warning=True)
    for rule in TABLE_RULES.get(spec.name, ()):
        problems += rule(table)
    return table, problems


def _names_by_label(raw: RawTable) -> list[str]:
    """Row 1's own text for each column of ``raw.cells`` (labels name unnamed columns by their letter)."""
    header = list(raw.header) + [""] * len(raw.cells.columns)
    return [str(name) for name in header[:len(raw.cells.columns)]]


FIRST_PLAUSIBLE_YEAR = 1990  # the data of a programme reach back to its baselines, a few years before it
YEARS_AFTER_PERIOD = 5  # activities expected in the model, later reporting years


def year_span(programme) -> tuple[int, int]:
    """The years a year column may hold: from 1990 (or ten years before the period, if earlier) to five
    years after the programme period (``programme.period_start``/``period_end``); a year outside it is a
    misread number (a cached 0, a typing error such as 3000), refused."""
    start, end = int(programme.period_start), int(programme.period_end)
    return min(FIRST_PLAUSIBLE_YEAR, start - 10), end + YEARS_AFTER_PERIOD


EXACT_NUMBERS = 2.0 ** 53  # below it, a whole number is the same read as float or as integer text


def numbers_as_read_hold(raw: RawTable, spec: InputFile) -> bool:
    """Whether the columns the reader read as numbers (:attr:`RawTable.numbers`) are what parsing their
    text would give, with no problem: every value finite, within the column's range, of magnitude below
    :data:`EXACT_NUMBERS` and no negative zero (text such as ``-0`` or ``12345678901234567891`` goes
    through integers when parsed as text). Else the file is read again as text, which names the cells."""
    for label in raw.numbers:
        name = normalise_name(label)
        column = spec.column(name) if name in spec.column_names else None
        values = raw.cells[label].to_numpy(dtype=np.float64)
        if column is None or column.type != "float" or not np.isfinite(values).all():
            return False
        if (np.abs(values) >= EXACT_NUMBERS).any() or (np.signbit(values) & (values == 0)).any():
            return False
        if range_rule(column) is not None and _outside_range(pd.Series(values), column).any():
            return False
    return True


def _outside_range(values: pd.Series, column: Column) -> pd.Series:
    """Values below the column's minimum (at it, when exclusive) or above its maximum."""
    outside = pd.Series(False, index=values.index)
    if column.minimum is not None:
        outside |= (values <= column.minimum) if column.exclusive_minimum else (values < column.minimum)
    if column.maximum is not None:
        outside |= values > column.maximum
    return outside.fillna(False).astype(bool)


# ------------------------------------------------------------------ columns

def show(value) -> str:
    """A value as a message shows it: empty as 'tom', long text cut."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "tom"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, (float, np.floating)) or isinstance(value, (int, np.integer)):
        if isinstance(value, (float, np.floating)) and value != 0 and not 1e-6 <= abs(value) < 1e15:
            return repr(float(value)).replace(".", ",")  # babel cannot write 1e300 or 1e-320 out in full
        return format_decimal(value, locale="da_DK", group_separator=False, decimal_quantization=False)
    text = str(value)
    if text == "":
        return "tom"
    return text if len(text) <= SHOWN_VALUE_LENGTH else text[:SHOWN_VALUE_LENGTH - 1] + "…"


def _number(value: float) -> str:
    return format_decimal(value, locale="da_DK", decimal_quantization=False)


def _problems(file: str, column: str | None, rule: str, mask: pd.Series,
              shown: pd.Series | Callable[[pd.Index], pd.Series] | None = None,
              warning: bool = False) -> list[Problem]:
    """Problems for the rows where ``mask`` (index = spreadsheet rows) is true.

    ``shown`` gives the value each row's message shows: a Series (same index),
    or a function that builds them for the given rows only (it is called with
    the first rows a message lists, so a large file's texts are not all built).
    """
    hit = mask.to_numpy(dtype=bool, na_value=False)
    if not hit.any():
        return []
    rows = mask.index[hit]
    if shown is None:
        first = None
    elif callable(shown):
        first = [show(v) for v in shown(rows[:LIST_LIMIT])]
    else:
        first = [show(v) for v in shown[hit].iloc[:LIST_LIMIT]]
    return row_problems(file, column, rule, rows, first, warning=warning)


def range_rule(column: Column) -> str | None:
    """The Danish text of a column's range rule, or ``None`` without one."""
    low, high = column.minimum, column.maximum
    if low is None and high is None:
        return None
    if low is not None and high is not None:
        rule = f"skal være mellem {_number(low)} og {_number(high)}"
    elif low is not None:
        rule = f"skal være større end {_number(low)}" if column.exclusive_minimum else f"skal være mindst {_number(low)}"
    else:
        rule = f"må højst være {_number(high)}"
    if column.missing_codes:
        codes = " eller ".join(str(c) for c in column.missing_codes)
        rule += f" ({codes} eller tom betyder ved ikke/uoplyst)"
    return rule


def year_rule(years: tuple[int, int]) -> str:
    return (f"året skal ligge mellem {years[0]} og {years[1]} (programperioden i programfilen, udvidet); "
            "et år uden for det er en fejl i tallet")


def check_column(text: pd.Series, column: Column, file: str, decimal_comma: bool,
                 bydele: tuple[str, ...] = (), refused: pd.Series | None = None,
                 years: tuple[int, int] | None = None) -> tuple[pd.Series, pd.Series, list[Problem]]:
    """Parse and check one column of text cells (index = spreadsheet rows).

    ``refused`` marks cells already refused as personal data: they are not
    checked again. ``years`` (from :func:`year_span`) is the span a year column
    (``column.year``) must lie in. Returns the typed values (missing where a cell
    broke a rule), the mask of cells that broke a rule, and the problems (warnings
    for a value outside ``column.plausible``, which stays in the values).
    """
    refused = pd.Series(False, index=text.index) if refused is None else refused.astype(bool)
    allowed: tuple[str, ...] = ()
    if column.vocabulary:
        allowed, rule = column.vocabulary, f"skal være en af: {', '.join(column.vocabulary)}"
    elif column.bydel:
        allowed, rule = tuple(bydele), f"skal være en af programmets bydele: {', '.join(bydele)}"
    if allowed:  # parsed and spelt canonically from the distinct values at once
        spelling = {v.casefold(): v for v in allowed}
        spelling |= {alias.casefold(): canonical for alias, canonical in column.aliases.items()}

        def per_value(distinct: pd.Series) -> tuple[pd.Series, ...]:
            values, invalid = parse(distinct, column.type, decimal_comma)
            canonical = distinct.str.casefold().map(spelling).astype("str")
            return values, invalid, values.isna(), canonical, canonical.isna()

        values, invalid, missing, canonical, unknown = by_unique(text, per_value)
    elif column.type == "float" and text.dtype == np.float64:  # read as numbers (readers.read_table): no text
        values, invalid = text, pd.Series(False, index=text.index)
        missing = values.isna()
    else:
        values, invalid = parse(text, column.type, decimal_comma)
        missing = values.isna()
    empty = missing & ~invalid & ~refused  # a parser leaves a value missing where the cell is empty or invalid
    invalid &= ~refused
    beyond = pd.Series(False, index=text.index)  # well-formed, but more than the type holds (1e400, 9999-12-31)
    if column.type in LIMIT_RULES and invalid.any():  # only the few invalid cells are looked at again
        beyond[invalid] = beyond_limits(text[invalid], column.type, decimal_comma).to_numpy(dtype=bool)
    ambiguous = pd.Series(False, index=text.index)  # 1.177 in a decimal-comma file: 1177 or 1,177?
    if column.type in ("int", "float") and decimal_comma and invalid.any():
        ambiguous[invalid] = ambiguous_numbers(text[invalid], decimal_comma).to_numpy(dtype=bool)
    problems = _problems(file, column.name, TYPE_RULES[column.type], invalid & ~beyond & ~ambiguous, text)
    if beyond.any():
        problems += _problems(file, column.name, LIMIT_RULES[column.type], beyond, text)
    if ambiguous.any():
        problems += _problems(file, column.name, AMBIGUOUS_RULE, ambiguous, text)
    if not column.nullable:
        problems += _problems(file, column.name, "må ikke være tom", empty)
    if refused.any():
        values = values.mask(refused)
        missing |= refused
    bad = invalid | refused | (empty & (not column.nullable))

    if column.missing_codes:
        coded = values.isin(column.missing_codes)
        values = values.mask(coded)
        missing |= coded

    if allowed:
        outside = ~missing & unknown
        if refused.any():
            canonical = canonical.mask(refused)
        problems += _problems(file, column.name, rule, outside, text)
        values = canonical.astype("str")
        bad |= outside

    rule = range_rule(column)
    if rule is not None:
        outside = _outside_range(values, column)
        problems += _problems(file, column.name, rule, outside, text)
        values = values.mask(outside)
        bad |= outside
    if column.year and years is not None:
        outside = ~values.isna() & ~values.between(*years).fillna(False).astype(bool)
        if outside.any():
            problems += _problems(file, column.name, year_rule(years), outside, text)
            values = values.mask(outside)
            bad |= outside
    if column.plausible is not None:
        low, high = column.plausible
        odd = (~values.isna() & ~values.between(low, high).fillna(True)).astype(bool)
        problems += _problems(file, column.name, f"usædvanlig værdi: forventet mellem {_number(low)} og "
                              f"{_number(high)}", odd, text, warning=True)
    return values, bad, problems


# ------------------------------------------------------------------- tables

PROGRAMME_AREA_SETTING = "programfilen: omraade for beregningen bandelog_seneste"


def _row_years(table: CheckedTable) -> pd.Series:
    """The year each row belongs to: ``aar``, else the year of ``startdato`` (closures)."""
    frame = table.frame
    if "aar" in frame.columns:
        return frame["aar"].astype("Float64")
    if "startdato" in frame.columns:
        return frame["startdato"].dt.year.astype("Float64")
    return pd.Series(pd.NA, index=frame.index, dtype="Float64")


def check_bydel_years(table: CheckedTable, programme) -> list[Problem]:
    """A bydel named in a row must be valid in the row's year (programme file: ``bydele`` with ``fra``/``til``)."""
    usable = table.usable("bydel")
    frame = table.frame.loc[usable.to_numpy()]
    years = _row_years(table).loc[frame.index]
    problems: list[Problem] = []
    for bydel in programme.bydele:
        if bydel.fra is None and bydel.til is None:
            continue
        rows = frame.index[(frame["bydel"] == bydel.navn).to_numpy() & years.notna().to_numpy()]
        year_of = years.loc[rows]
        outside = rows[((year_of < (bydel.fra or -10**6)) | (year_of > (bydel.til or 10**6))).to_numpy(dtype=bool)]
        if len(outside):
            span = (f"{bydel.fra}-{bydel.til}" if bydel.fra is not None and bydel.til is not None
                    else f"fra {bydel.fra}" if bydel.fra is not None else f"til og med {bydel.til}")
            problems += row_problems(table.file, "bydel", f"bydelen {bydel.navn} gælder kun i årene {span} (programfilens bydele)",
                                     outside, [str(int(year_of[r])) for r in outside[:LIST_LIMIT]])
    return problems


def check_programme_area(areas: pd.Series, programme_areas: str | tuple[str, ...],
                         file: str) -> tuple[pd.Series, list[Problem]]:
    """``bandelog.omraade``: each of the programme's areas in any case and spacing is spelt as the
    programme spells it, so the measure finds it. Warnings (not in DATA.md): an area of the programme
    without a single count (its målepunkt becomes ``ikke_vurderbar``), and each area of the file that
    no indikator follows (counts for other areas are allowed and unused; a misspelling such as
    ``Indre Nørrebo`` shows up here before it costs a value). A file without data rows is not
    checked: it has its own problem already."""
    if isinstance(programme_areas, str):
        programme_areas = (programme_areas,)
    if areas.empty:
        return areas, []
    problems = []
    folded = areas.str.strip().str.casefold()
    followed = pd.Series(False, index=areas.index)
    for area in programme_areas:
        same = (folded == area.strip().casefold()).fillna(False).astype(bool)
        followed |= same
        if same.any():
            areas = areas.mask(same, area)
            continue
        found = sorted(set(areas.dropna()))
        listed = ", ".join(f"'{a}'" for a in found[:5]) + (" …" if len(found) > 5 else "")
        problems.append(Problem(file, None, "omraade",
                                f"ingen opgørelser for programmets område '{area}' ({PROGRAMME_AREA_SETTING}); "
                                f"filen har {listed}; målepunktet kan ikke vurderes", warning=True))
    others = areas[~followed & areas.notna()].value_counts(sort=False).sort_index()
    for name, count in list(others.items())[:LIST_LIMIT]:
        problems.append(Problem(file, None, "omraade",
                                f"{_number(count)} {'opgørelse' if count == 1 else 'opgørelser'} for området "
                                f"'{name}', som ingen indikator følger (er navnet stavet som i programfilen?)",
                                warning=True))
    if len(others) > LIST_LIMIT:
        problems.append(Problem(file, None, "omraade", f"og {_number(len(others) - LIST_LIMIT)} områder mere, "
                                "som ingen indikator følger", warning=True))
    return areas, problems


def check_unique(table: CheckedTable, keys: tuple[str, ...], warning: bool = False) -> list[Problem]:
    """Rows repeating an earlier row's values in the column group ``keys`` (warnings with ``warning``)."""
    usable = table.usable(*keys)
    if not usable.any():
        return []
    frame = table.frame.loc[usable.to_numpy(), list(keys)]
    if any(all_distinct(frame[k]) for k in keys):
        return []
    repeated = frame.duplicated(keep="first")
    if not repeated.any():
        return []
    first_row = frame.index.to_series().groupby([frame[k] for k in keys], dropna=False).transform("min")
    if warning:
        rule = (f"kombinationen af {', '.join(keys)} står allerede i en tidligere række; rækkerne lægges "
                "sammen – er det dele af samme gruppe, eller er rækken leveret to gange?")
    elif len(keys) == 1:
        rule = f"{keys[0]} skal være entydig: værdien står allerede i en tidligere række"
    else:
        rule = f"kombinationen af {', '.join(keys)} skal være entydig: den står allerede i en tidligere række"
    dup = frame[repeated.to_numpy()].iloc[:LIST_LIMIT]
    shown = [" / ".join(show(v) for v in row) + f" (som række {first_row[r]})"
             for r, row in zip(dup.index, dup.itertuples(index=False))]
    return row_problems(table.file, ", ".join(keys), rule, frame.index[repeated.to_numpy()], shown, warning=warning)


def all_distinct(values: pd.Series) -> bool:
    """True when a text column's values are all present and differ from each other (an id column):
    then no group of columns holding it repeats. False also when it would take long to find out."""
    if values.dtype != "str":
        return False
    cells = values.to_numpy(dtype=object)
    if not mostly_distinct(cells, min_cells=0) or pd.isna(cells).any():
        return False
    return len(set(cells)) == len(cells)


def _not_before_startdato(table: CheckedTable, column: str, rule: str) -> list[Problem]:
    """Rows whose date in ``column`` is earlier than their ``startdato``."""
    f = table.frame
    before = (f[column] < f["startdato"]).fillna(False)

    def shown(rows: pd.Index) -> pd.Series:
        return f.loc[rows, column].map(show) + " er før startdato " + f.loc[rows, "startdato"].map(show)

    return _problems(table.file, column, rule, before, shown)


def _slutdato_not_before_startdato(table: CheckedTable) -> list[Problem]:
    return _not_before_startdato(table, "slutdato", "slutdato skal være samme dag som startdato eller senere")


def _handleplan_before_startdato(table: CheckedTable) -> list[Problem]:
    """A plan dated before its closure began: a plan made ahead of an announced closure (on time,
    DATA.md §1), or a typing error. Not in the contract, so a warning."""
    f = table.frame
    before = (f["handleplan_dato"] < f["startdato"]).fillna(False)

    def shown(rows: pd.Index) -> pd.Series:
        return f.loc[rows, "handleplan_dato"].map(show) + " er før startdato " + f.loc[rows, "startdato"].map(show)

    return _problems(table.file, "handleplan_dato",
                     "handleplan_dato ligger før startdato; regnes som rettidig (en plan lavet før en varslet "
                     "lukning) – ret datoen, hvis den er tastet forkert", before, shown, warning=True)


def _sigtede_not_above_befolkning(table: CheckedTable) -> list[Problem]:
    f = table.frame
    above = (f["sigtede"] > f["befolkning"]).fillna(False)

    def shown(rows: pd.Index) -> pd.Series:
        return f.loc[rows, "sigtede"].map(show) + " sigtede, befolkning " + f.loc[rows, "befolkning"].map(show)

    return _problems(table.file, "sigtede", "sigtede må ikke være større end befolkning", above, shown)


CRITERION = ("aktivitet_id", "kriterie_id")


def _criterion_values_constant(table: CheckedTable) -> list[Problem]:
    """``baseline`` and ``maal`` are the same in every row of one criterion."""
    problems: list[Problem] = []
    keyed = table.usable(*CRITERION)
    f = table.frame[keyed.to_numpy()]
    if f.empty:
        return problems
    first_row = f.index.to_series().groupby([f[k] for k in CRITERION]).transform("min")
    for column in ("baseline", "maal"):
        if column in table.absent:
            continue
        value = f[column]
        reference = pd.Series(f[column].reindex(first_row.to_numpy()).to_numpy(), index=f.index)
        same = (value == reference).fillna(False) | (value.isna() & reference.isna())
        usable = table.usable(column)[keyed.to_numpy()]
        differs = ~same & usable & usable.reindex(first_row.to_numpy()).to_numpy()

        def shown(rows: pd.Index, value=value, reference=reference) -> pd.Series:
            return (value[rows].map(show) + ", men " + reference[rows].map(show) + " i række "
                    + first_row[rows].astype(str))

        problems += _problems(table.file, column,
                              f"{column} skal være den samme i alle rækker for samme kriterium "
                              f"(aktivitet_id og kriterie_id)", differs, shown)
    return problems


def _maal_differs_from_baseline(table: CheckedTable) -> list[Problem]:
    f = table.frame
    equal = (f["maal"] == f["baseline"]).fillna(False)
    return _problems(table.file, "maal", "maal må ikke være lig baseline", equal, f["maal"])


def _retning_agrees(table: CheckedTable) -> list[Problem]:
    """``retning`` is ``op`` when ``maal`` > ``baseline`` and ``ned`` when it is smaller."""
    f = table.frame
    expected = pd.Series(np.where(f["maal"] > f["baseline"], "op", "ned"), index=f.index)
    checkable = f["maal"].notna() & f["baseline"].notna() & (f["maal"] != f["baseline"]) & f["retning"].notna()
    wrong = checkable & (f["retning"] != expected)

    def shown(rows: pd.Index) -> pd.Series:
        g = f.loc[rows]
        return (g["retning"].astype(object).map(show) + " (baseline " + g["baseline"].map(show)
                + ", maal " + g["maal"].map(show) + ")")

    return _problems(table.file, "retning",
                     "retning skal passe med baseline og maal: 'op' når maal er større end baseline, "
                     "'ned' når maal er mindre", wrong, shown)


def _gang_log_repeated_counts(table: CheckedTable) -> list[Problem]:
    """Two counts for one area and day (not a key in DATA.md): a warning naming both rows. The
    calculation uses the one further down the file (:mod:`sikkerby.model.calculations.gang_log`)."""
    usable = table.usable("dato", "omraade", "antal_personer")
    f = table.frame.loc[usable.to_numpy(), ["dato", "omraade", "antal_personer"]]
    repeated = f.duplicated(["dato", "omraade"], keep="first")
    if not repeated.any():
        return []
    keys = [f["dato"], f["omraade"]]
    first_row = f.index.to_series().groupby(keys).transform("min")
    first_count = f["antal_personer"].groupby(keys).transform("first")
    differs = repeated & (f["antal_personer"] != first_count)
    same = repeated & ~differs

    def shown(rows: pd.Index) -> pd.Series:
        return (f.loc[rows, "dato"].map(show) + " / " + f.loc[rows, "omraade"].map(show) + ": "
                + f.loc[rows, "antal_personer"].map(show) + ", men " + first_count[rows].map(show)
                + " i række " + first_row[rows].astype(str))

    def shown_same(rows: pd.Index) -> pd.Series:
        return (f.loc[rows, "dato"].map(show) + " / " + f.loc[rows, "omraade"].map(show) + ": "
                + f.loc[rows, "antal_personer"].map(show) + " (som række " + first_row[rows].astype(str) + ")")

    column = "dato, omraade"
    return (_problems(table.file, column, "to opgørelser for samme område og dato med forskelligt antal_personer; "
                      "den nederste i filen bruges – behold kun den rigtige", differs, shown, warning=True)
            + _problems(table.file, column, "opgørelsen står to gange (samme område, dato og antal); tallet er "
                        "det samme, men slet den ene række", same, shown_same, warning=True))


JUMP_FACTOR = 1.5  # a count that changes by more than half from one year to the next is worth a look
JUMP_MIN = 100  # ... by at least this many
SURVEY_JUMP_FACTOR = 3  # respondents per year


def _population_jumps(table: CheckedTable) -> list[Problem]:
    """``befolkning`` of one age and sex changing by more than half from one year to the next (a cohort
    does not): a warning, the value is kept."""
    usable = table.usable("aar", "alder", "befolkning")
    f = table.frame.loc[usable.to_numpy()]
    if f.empty:
        return []
    koen = f["koen"].astype(object).where(f["koen"].notna(), "")
    groups = pd.DataFrame({"aar": f["aar"].astype("int64"), "alder": f["alder"].astype("int64"), "koen": koen,
                           "befolkning": f["befolkning"].astype("float64"), "row": f.index})
    totals = groups.groupby(["alder", "koen", "aar"], sort=True).agg(befolkning=("befolkning", "sum"),
                                                                     row=("row", "min")).reset_index()
    previous = totals.groupby(["alder", "koen"])["befolkning"].shift()
    previous_year = totals.groupby(["alder", "koen"])["aar"].shift()
    now = totals["befolkning"]
    jump = ((previous_year == totals["aar"] - 1)
            & ((now > previous * JUMP_FACTOR) | (previous > now * JUMP_FACTOR))
            & ((now - previous).abs() >= JUMP_MIN)).fillna(False)
    hit = totals[jump.to_numpy()]
    mask = pd.Series(False, index=table.frame.index)
    mask[hit["row"].to_numpy()] = True
    text = {int(r.row): f"{_number(previous[i])} i {int(r.aar) - 1}, {_number(r.befolkning)} i {int(r.aar)}"
            for i, r in hit.iterrows()}
    return _problems(table.file, "befolkning", "befolkningen af samme alder og køn ændrer sig usædvanligt meget fra "
                     "året før; er tallet rigtigt?", mask, lambda rows: pd.Series([text[int(r)] for r in rows]),
                     warning=True)


def _respondent_jumps(table: CheckedTable) -> list[Problem]:
    """Respondents per survey year changing by a factor of three or more from the year before (half a
    delivery, or one delivered twice?): a warning."""
    years = table.frame.loc[table.usable("aar").to_numpy(), "aar"].astype("int64")
    counts = years.value_counts().sort_index()
    problems = []
    for year, count in counts.items():
        before = counts.get(year - 1)
        if before and (count >= SURVEY_JUMP_FACTOR * before or before >= SURVEY_JUMP_FACTOR * count):
            problems.append(Problem(table.file, None, "aar",
                                    f"antallet af svar i {year} ({_number(count)}) er meget forskelligt fra "
                                    f"{year - 1} ({_number(before)}); er hele undersøgelsen leveret?", warning=True))
    return problems


# A weight whose square is not a normal float gives a confidence interval that cannot be computed;
# weights this far apart within a year let a few answers decide the share.
WEIGHT_SQUARE_LIMITS = (1e-150, 1e150)
WEIGHT_RATIO = 1_000


def _extreme_weights(table: CheckedTable) -> list[Problem]:
    f = table.frame
    usable = table.usable("aar", "vaegt")
    weights = f["vaegt"].where(usable)
    low, high = WEIGHT_SQUARE_LIMITS
    extreme = ((weights < low) | (weights > high)).fillna(False)
    problems = _problems(table.file, "vaegt", "vægten er så lille eller så stor, at konfidensintervallet ikke kan "
                         "beregnes; er tallet rigtigt?", extreme, f["vaegt"], warning=True)
    spread = weights[usable & ~extreme].groupby(f["aar"][usable & ~extreme]).agg(["min", "max"])
    for year, row in spread.iterrows():
        if row["max"] > WEIGHT_RATIO * row["min"]:
            problems.append(Problem(table.file, None, "vaegt",
                                    f"vægtene i {int(year)} spænder fra {show(row['min'])} til {show(row['max'])} "
                                    f"(over {_number(WEIGHT_RATIO)} gange): få svar afgør andelen, og "
                                    "konfidensintervallet er usikkert; er vægtene rigtige?", warning=True))
    return problems


TABLE_RULES: dict[str, tuple[Callable[[CheckedTable], list[Problem]], ...]] = {
    "tryghedsundersoegelse": (_extreme_weights, _respondent_jumps),
    "lukninger": (_slutdato_not_before_startdato, _handleplan_before_startdato),
    "sigtelser": (_sigtede_not_above_befolkning, _population_jumps),
    "bandelog": (_gang_log_repeated_counts,),
    "succeskriterier": (_criterion_values_constant, _maal_differs_from_baseline, _retning_agrees),
}


def check_across_files(tables: dict[str, CheckedTable]) -> list[Problem]:
    """Rules between files: each ``succeskriterier.aktivitet_id`` exists in ``aktiviteter``."""
    criteria, activities = tables.get("succeskriterier"), tables.get("aktiviteter")
    if criteria is None or activities is None or "aktivitet_id" in activities.absent:
        return []
    known = activities.frame["aktivitet_id"].dropna().unique()
    unknown = criteria.usable("aktivitet_id") & criteria.frame["aktivitet_id"].notna() \
        & ~criteria.frame["aktivitet_id"].isin(known)
    return _problems(criteria.file, "aktivitet_id", f"aktivitet_id findes ikke i {activities.file}",
                     unknown, criteria.frame["aktivitet_id"])


# ------------------------------------------------------------------ output

def finalise(table: CheckedTable) -> pd.DataFrame:
    """The table as :mod:`sikkerby.inputs.contract` promises it: contract columns in order,
    final dtypes, a clean RangeIndex. Call only when no problem was found."""
    frame = table.frame.reset_index(drop=True)
    return pd.DataFrame({c.name: frame[c.name].astype(final_dtype(c.type, c.nullable or c.name in table.absent))
                         for c in table.spec.columns})
