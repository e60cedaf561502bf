"""`bandelog_indre_noerrebro`: the police gang log for the programme's area (DATA.md §2).

Counts only, never persons. The value for year Y is ``antal_personer`` at the
latest ``dato`` within Y for the area (``programme.bandelog_omraade``).
"""

from __future__ import annotations

import pandas as pd

SERIES_COLUMNS = ["dato", "kvartal", "antal_personer"]


def bandelog_series(bandelog: pd.DataFrame, omraade: str) -> pd.DataFrame:
    """Every count for ``omraade`` by date: ``dato``, ``kvartal`` (e.g. ``2014K3``), ``antal_personer``."""
    rows = bandelog[bandelog["omraade"] == omraade].sort_values("dato", kind="stable")
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
