"""The calculation `omraader_med_indsatsbehov`: local areas of the Tryghedsindeks with a high need (DATA.md §2).

Which levels count (``intensiveret``, ``markant``) is the målepunkt's ``needs``
in program.yaml, passed in by the caller.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

KOMMET_TIL = "kommet_til"  # the area has a counted need this year, not the year before
GAAET_UD = "gaaet_ud"  # the area had a counted need the year before, not this year

CHANGE_COLUMNS = ["omraade", "bydel", "aendring", "indsatsbehov_foer", "indsatsbehov", "fra_aar", "aar"]


def omraader_indsatsbehov(index: pd.DataFrame, needs: Collection[str]) -> pd.Series:
    """Number of areas whose ``indsatsbehov`` is in ``needs``, per year (every year in the data, 0 included)."""
    years = pd.Index(sorted(index["aar"].unique()), name="aar", dtype="int64")
    counted = index[index["indsatsbehov"].isin(list(needs))]
    out = counted.groupby("aar").size().reindex(years, fill_value=0).astype("int64")
    return out.rename("vaerdi")


def omraader_changes(index: pd.DataFrame, needs: Collection[str], year: int,
                     previous_year: int | None = None) -> pd.DataFrame:
    """Areas that entered (``kommet_til``) or left (``gaaet_ud``) the counted needs since the previous year.

    ``previous_year`` defaults to the latest year before ``year`` in the data (the
    year before, when the index is yearly); with no earlier year the result is
    empty. Columns :data:`CHANGE_COLUMNS`; ``indsatsbehov`` is missing for an area
    that is no longer in the index.
    """
    if previous_year is None:
        earlier = index.loc[index["aar"] < year, "aar"]
        if earlier.empty:
            return pd.DataFrame({c: pd.Series(dtype="int64" if c.endswith("aar") else "str") for c in CHANGE_COLUMNS})
        previous_year = int(earlier.max())
    needs = list(needs)
    now = index[index["aar"] == year].set_index("omraade")
    before = index[index["aar"] == previous_year].set_index("omraade")
    in_now = set(now.index[now["indsatsbehov"].isin(needs)])
    in_before = set(before.index[before["indsatsbehov"].isin(needs)])
    entered = sorted(in_now - in_before)
    left = sorted(in_before - in_now)
    names = entered + left
    bydel = now["bydel"].reindex(names).fillna(before["bydel"].reindex(names))
    out = pd.DataFrame({
        "omraade": pd.Series(names, dtype="str"),
        "bydel": bydel.to_numpy(),
        "aendring": [KOMMET_TIL] * len(entered) + [GAAET_UD] * len(left),
        "indsatsbehov_foer": before["indsatsbehov"].reindex(names).to_numpy(),
        "indsatsbehov": now["indsatsbehov"].reindex(names).to_numpy(),
        "fra_aar": previous_year,
        "aar": year,
    })
    return out.astype({"omraade": "str", "bydel": "str", "aendring": "str",
                       "indsatsbehov_foer": "str", "indsatsbehov": "str",
                       "fra_aar": "int64", "aar": "int64"})[CHANGE_COLUMNS]
