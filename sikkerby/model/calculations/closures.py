"""The calculations `lukkedage` and `lukkede_institutioner`: unplanned closures of municipal institutions (DATA.md §2).

A closure covers every calendar day from ``startdato`` to ``slutdato``
(inclusive). Planned closures (``planlagt``) never count. One institution
closed by overlapping closures on the same day counts that day once; a closure
spanning New Year counts each day in the year it falls in.

The days are expanded with numpy (``np.repeat`` of the date ranges), not with a
Python loop per closure, and de-duplicated on (institution, day).

Years: every calendar year from the earliest ``startdato`` to the latest
``slutdato`` in the file (planned closures included, since they show the file
covers those years) has a value; a year there without unplanned closures is 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAY_COLUMNS = ["institution", "forvaltning", "bydel", "dag", "aar"]


def unplanned(lukninger: pd.DataFrame) -> pd.DataFrame:
    """The closures that count: ``planlagt`` is false."""
    return lukninger[~lukninger["planlagt"].to_numpy(dtype=bool)]


def _year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[Y]").astype("int64") + 1970


def covered_years(lukninger: pd.DataFrame) -> pd.Index:
    """The calendar years the closure file covers (see the module docstring)."""
    if lukninger.empty:
        return pd.Index([], name="aar", dtype="int64")
    first = int(lukninger["startdato"].min().year)
    last = int(lukninger["slutdato"].max().year)
    return pd.Index(range(first, last + 1), name="aar", dtype="int64")


def closure_days(lukninger: pd.DataFrame) -> pd.DataFrame:
    """Distinct (institution, calendar day) pairs covered by an unplanned closure.

    Columns :data:`DAY_COLUMNS` (``dag`` is ``datetime64[ns]``, ``aar`` its year);
    ``forvaltning`` and ``bydel`` come from the earliest-starting closure of that
    institution covering the day. Sorted by institution and day.
    """
    lk = unplanned(lukninger).sort_values(["startdato", "lukning_id"], kind="stable")
    start = lk["startdato"].to_numpy().astype("datetime64[D]")
    end = lk["slutdato"].to_numpy().astype("datetime64[D]")
    lengths = (end - start).astype("int64") + 1
    lengths = np.maximum(lengths, 0)  # slutdato < startdato is refused by validation
    row = np.repeat(np.arange(len(lk)), lengths)
    first_of_row = np.repeat(np.cumsum(lengths) - lengths, lengths)
    offset = np.arange(len(row), dtype="int64") - first_of_row
    days = start[row] + offset.astype("timedelta64[D]")
    out = pd.DataFrame({
        "institution": lk["institution"].to_numpy()[row],
        "forvaltning": lk["forvaltning"].to_numpy()[row],
        "bydel": lk["bydel"].to_numpy()[row],
        "dag": days.astype("datetime64[ns]"),
        "aar": _year_of(days),
    })
    out = out.drop_duplicates(["institution", "dag"], keep="first")
    out = out.sort_values(["institution", "dag"], kind="stable").reset_index(drop=True)
    return out.astype({"institution": "str", "forvaltning": "str", "bydel": "str", "aar": "int64"})


def closures_per_year(lukninger: pd.DataFrame) -> pd.DataFrame:
    """Index ``aar`` (every covered year): ``lukkedage`` and ``lukkede_institutioner``."""
    days = closure_days(lukninger)
    grouped = days.groupby("aar")
    out = pd.DataFrame({
        "lukkedage": grouped.size(),
        "lukkede_institutioner": grouped["institution"].nunique(),
    })
    years = covered_years(lukninger).union(out.index.astype("int64"))
    return out.reindex(years, fill_value=0).astype("int64").rename_axis("aar")


def lukkedage(lukninger: pd.DataFrame) -> pd.Series:
    """Distinct (institution, day) pairs with an unplanned closure, per year."""
    return closures_per_year(lukninger)["lukkedage"].rename("vaerdi")


def lukkede_institutioner(lukninger: pd.DataFrame) -> pd.Series:
    """Distinct institutions with at least one unplanned closure day, per year."""
    return closures_per_year(lukninger)["lukkede_institutioner"].rename("vaerdi")


def lukkedage_by_institution(lukninger: pd.DataFrame, year: int) -> pd.DataFrame:
    """Closure days in ``year`` per institution: ``institution, forvaltning, bydel, lukkedage``.

    Most days first, then by name.
    """
    days = closure_days(lukninger)
    days = days[days["aar"] == year]
    out = (days.groupby("institution", sort=True)
           .agg(forvaltning=("forvaltning", "first"), bydel=("bydel", "first"), lukkedage=("dag", "size"))
           .reset_index())
    out = out.sort_values(["lukkedage", "institution"], ascending=[False, True], kind="stable")
    return out.astype({"lukkedage": "int64"}).reset_index(drop=True)


def lukkedage_by_forvaltning(lukninger: pd.DataFrame, year: int) -> pd.DataFrame:
    """Closure days in ``year`` per forvaltning: ``forvaltning, lukkedage, lukkede_institutioner``.

    An institution's day belongs to the forvaltning of the closure it came from
    (see :func:`closure_days`). Most days first.
    """
    days = closure_days(lukninger)
    days = days[days["aar"] == year]
    out = (days.groupby("forvaltning", sort=True)
           .agg(lukkedage=("dag", "size"), lukkede_institutioner=("institution", "nunique"))
           .reset_index())
    out = out.sort_values(["lukkedage", "forvaltning"], ascending=[False, True], kind="stable")
    return out.astype({"lukkedage": "int64", "lukkede_institutioner": "int64"}).reset_index(drop=True)
