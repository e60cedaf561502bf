"""The calculation `bandelog_seneste`: the police gang log of one area (DATA.md §2).

Counts only, never persons. The value for year Y is ``antal_personer`` at the
latest ``dato`` within Y for the indikator's area (its ``omraade`` parameter).
"""

from __future__ import annotations

import pandas as pd

SERIES_COLUMNS = ["dato", "kvartal", "antal_personer"]


def bandelog_series(bandelog: pd.DataFrame, omraade: str, through_year: int | None = None) -> pd.DataFrame:
    """Every count for ``omraade`` by date: ``dato``, ``kvartal`` (e.g. ``2014K3``), ``antal_personer``.

    ``through_year``: only counts dated in that year or before (a publication shows the series up to its year).
    """
    rows = bandelog[bandelog["omraade"] == omraade]
    if through_year is not None:
        rows = rows[rows["dato"].dt.year <= through_year]
    rows = rows.sort_values("dato", kind="stable")
    quarter = rows["dato"].dt.year.astype("str") + "K" + rows["dato"].dt.quarter.astype("str")
    out = pd.DataFrame({"dato": rows["dato"].to_numpy(), "kvartal": quarter.to_numpy(),
                        "antal_personer": rows["antal_personer"].to_numpy(dtype="int64")})
    return out.astype({"kvartal": "str", "dato": "datetime64[ns]"})[SERIES_COLUMNS]


def bandelog_latest_per_year(bandelog: pd.DataFrame, omraade: str) -> pd.Series:
    """Per year: ``antal_personer`` at the latest ``dato`` in that year for ``omraade``."""
    series = bandelog_series(bandelog, omraade)
    years = series["dato"].dt.year.astype("int64")
    latest = series.groupby(years.to_numpy()).tail(1)  # rows are sorted by date
    out = pd.Series(latest["antal_personer"].to_numpy(dtype="int64"),
                    index=pd.Index(latest["dato"].dt.year.to_numpy(dtype="int64"), name="aar"))
    return out.rename("vaerdi")


def bandelog_latest(bandelog: pd.DataFrame, omraade: str, year: int) -> pd.Series | None:
    """The count the year's value comes from: the row (``dato``, ``kvartal``, ``antal_personer``)
    at the latest ``dato`` in ``year`` for ``omraade``; ``None`` when the year has no count."""
    series = bandelog_series(bandelog, omraade, through_year=year)
    in_year = series[series["dato"].dt.year == year]
    return None if in_year.empty else in_year.iloc[-1]
