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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from babel.numbers import format_decimal

from sikkerby.errors import LIST_LIMIT, Problem, row_problems
from sikkerby.inputs.contract import BANDELOG, INPUT_FILES, Column, InputFile
from sikkerby.inputs.parsing import (
    LIMIT_RULES,
    TYPE_RULES,
    beyond_limits,
    by_unique,
    empty_column,
    final_dtype,
    mostly_distinct,
    parse,
)
from sikkerby.inputs.personal_data import screen
from sikkerby.inputs.readers import RawTable, find_input, normalise_name, read_table
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


def validate_folder(path: str | Path, programme) -> tuple[Dataset | None, list[Problem]]:
    """Read and check every input in ``path``: ``(Dataset, [])`` or ``(None, problems)``."""
    folder = Path(path)
    if not folder.is_dir():
        return None, [Problem(str(folder), None, None, "mappen med inddata findes ikke")]
    problems: list[Problem] = []
    tables: dict[str, CheckedTable] = {}
    files: dict[str, Path] = {}
    for spec in INPUT_FILES:
        file_path, found = find_input(folder, spec.name)
        problems += found
        if file_path is None:
            continue
        files[spec.name] = file_path
        table, found = validate_file(file_path, spec, programme)
        problems += found
        if table is not None:
            tables[spec.name] = table
    problems += check_across_files(tables)
    if problems:
        return None, problems
    frames = {name: finalise(table) for name, table in tables.items()}
    return Dataset(**frames, source_dir=folder, source_files=files), []


def validate_file(path: str | Path, spec: InputFile, programme) -> tuple[CheckedTable | None, list[Problem]]:
    """Read one input file and check it on its own (everything but the cross-file rules)."""
    required = [c.name for c in spec.columns if c.required]
    numbers = [c.name for c in spec.columns if c.type == "float" and not c.nullable]
    raw, problems = read_table(path, required, numbers)
    if raw is not None and not numbers_as_read_hold(raw, spec):
        raw, problems = read_table(path, required)  # the text shows what is wrong with them
    if raw is None:
        return None, problems
    found, cells, refused = screen(raw.cells, raw.file, raw.numeric_cells, raw.may_hold_cpr)
    problems += found
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
            refused.iloc[:, positions[column.name]])
        problems += found
    if spec.name == BANDELOG.name and "omraade" not in absent:
        for area in programme.gang_log_areas:
            values["omraade"], found = check_programme_area(values["omraade"], area, raw.file)
            problems += found

    table = CheckedTable(spec, raw.file, pd.DataFrame(values, index=cells.index),
                         pd.DataFrame(unusable, index=cells.index), absent)
    if "bydel" in positions and any(b.fra is not None or b.til is not None for b in programme.bydele):
        problems += check_bydel_years(table, programme)
    for group in spec.unique:
        problems += check_unique(table, group)
    for rule in TABLE_RULES.get(spec.name, ()):
        problems += rule(table)
    return table, problems


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
        return format_decimal(value, locale="da_DK", group_separator=False, decimal_quantization=False)
    text = str(value)
    if text == "":
        return "tom"
    return text if len(text) <= SHOWN_VALUE_LENGTH else text[:SHOWN_VALUE_LENGTH - 1] + "…"


def _number(value: float) -> str:
    return format_decimal(value, locale="da_DK", decimal_quantization=False)


def _problems(file: str, column: str | None, rule: str, mask: pd.Series,
              shown: pd.Series | Callable[[pd.Index], pd.Series] | None = None) -> list[Problem]:
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
    return row_problems(file, column, rule, rows, first)


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


def check_column(text: pd.Series, column: Column, file: str, decimal_comma: bool,
                 bydele: tuple[str, ...] = (), refused: pd.Series | None = None,
                 ) -> tuple[pd.Series, pd.Series, list[Problem]]:
    """Parse and check one column of text cells (index = spreadsheet rows).

    ``refused`` marks cells already refused as personal data: they are not
    checked again. Returns the typed values (missing where a cell broke a
    rule), the mask of cells that broke a rule, and the problems.
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
    empty = missing & ~invalid  # a parser leaves a value missing where the cell is empty or invalid
    invalid &= ~refused
    beyond = pd.Series(False, index=text.index)  # well-formed, but more than the type holds (1e400, 9999-12-31)
    if column.type in LIMIT_RULES and invalid.any():  # only the few invalid cells are looked at again
        beyond[invalid] = beyond_limits(text[invalid], column.type, decimal_comma).to_numpy(dtype=bool)
    problems = _problems(file, column.name, TYPE_RULES[column.type], invalid & ~beyond, text)
    if beyond.any():
        problems += _problems(file, column.name, LIMIT_RULES[column.type], beyond, text)
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
            span = f"{bydel.fra or ''}-{bydel.til or ''}"
            problems += row_problems(table.file, "bydel", f"bydelen {bydel.navn} gælder kun i årene {span} (programfilens bydele)",
                                     outside, [str(int(year_of[r])) for r in outside[:LIST_LIMIT]])
    return problems


def check_programme_area(areas: pd.Series, area: str, file: str) -> tuple[pd.Series, list[Problem]]:
    """``bandelog.omraade``: the programme's area (``programme.bandelog_omraade``) in any case and
    spacing is spelt as the programme spells it, so the measure finds it; a file without a single
    row for it is a problem (the målepunkt would otherwise silently become ``ikke_vurderbar``).
    A file without data rows is not checked: it has its own problem already."""
    if areas.empty:
        return areas, []
    same = (areas.str.strip().str.casefold() == area.strip().casefold()).fillna(False).astype(bool)
    if same.any():
        return areas.mask(same, area), []
    return areas, [Problem(file, None, "omraade",
                           f"ingen opgørelser for programmets område '{area}' ({PROGRAMME_AREA_SETTING})")]


def check_unique(table: CheckedTable, keys: tuple[str, ...]) -> list[Problem]:
    """Rows repeating an earlier row's values in the column group ``keys``."""
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
    if len(keys) == 1:
        rule = f"{keys[0]} skal være entydig: værdien står allerede i en tidligere række"
    else:
        rule = f"kombinationen af {', '.join(keys)} skal være entydig: den står allerede i en tidligere række"
    dup = frame[repeated.to_numpy()].iloc[:LIST_LIMIT]
    shown = [" / ".join(show(v) for v in row) + f" (som række {first_row[r]})"
             for r, row in zip(dup.index, dup.itertuples(index=False))]
    return row_problems(table.file, ", ".join(keys), rule, frame.index[repeated.to_numpy()], shown)


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


def _handleplan_not_before_startdato(table: CheckedTable) -> list[Problem]:
    """A plan dated before the closure began is a typing error; it would count as on time."""
    return _not_before_startdato(table, "handleplan_dato", "handleplan_dato ligger før startdato")


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


TABLE_RULES: dict[str, tuple[Callable[[CheckedTable], list[Problem]], ...]] = {
    "lukninger": (_slutdato_not_before_startdato, _handleplan_not_before_startdato),
    "sigtelser": (_sigtede_not_above_befolkning,),
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
