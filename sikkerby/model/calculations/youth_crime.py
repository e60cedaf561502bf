"""The calculation `andel_sigtede`: share of the young people (15-25 by default) charged with serious crime (DATA.md §2).

Value for year Y: 100 · Σ ``sigtede`` / Σ ``befolkning`` over the rows of Y
(ages 15-25, both sexes). A year with no population has no value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

AGE_BANDS: tuple[tuple[int, int], ...] = ((15, 17), (18, 21), (22, 25))
KOEN_UOPLYST = "uoplyst"  # label for rows without koen

BREAKDOWN_COLUMNS = ["aldersgruppe", "koen", "befolkning", "sigtede", "andel"]


def _share(sigtede: pd.Series, befolkning: pd.Series) -> pd.Series:
    return (100 * sigtede / befolkning.where(befolkning > 0)).astype("float64")


def in_ages(sigtelser: pd.DataFrame, ages: tuple[int, int] | None) -> pd.DataFrame:
    """The rows whose ``alder`` lies in ``ages`` (inclusive; ``None``: every row)."""
    if ages is None:
        return sigtelser
    lo, hi = ages
    return sigtelser[(sigtelser["alder"] >= lo) & (sigtelser["alder"] <= hi)]


def ungdomskriminalitet(sigtelser: pd.DataFrame, ages: tuple[int, int] | None = None) -> pd.Series:
    """Per year: 100 · Σsigtede / Σbefolkning over the ages in ``ages`` (the calculation ``andel_sigtede``;
    years with Σbefolkning = 0 absent)."""
    sums = in_ages(sigtelser, ages).groupby("aar")[["sigtede", "befolkning"]].sum()
    share = _share(sums["sigtede"], sums["befolkning"]).dropna()
    share.index = share.index.astype("int64")
    return share.rename("vaerdi")


def age_band_labels(bands: Sequence[tuple[int, int]] = AGE_BANDS) -> list[str]:
    """``["15-17", "18-21", "22-25"]`` for the default bands."""
    return [f"{lo}-{hi}" for lo, hi in bands]


def age_bands(ages: tuple[int, int] | None) -> tuple[tuple[int, int], ...]:
    """:data:`AGE_BANDS` cut to ``ages`` (the bands of 15-25 within the indikator's ages; one band when none overlaps)."""
    if ages is None:
        return AGE_BANDS
    lo, hi = ages
    bands = tuple((max(a, lo), min(b, hi)) for a, b in AGE_BANDS if a <= hi and b >= lo)
    return bands or ((lo, hi),)


def ungdomskriminalitet_breakdown(sigtelser: pd.DataFrame, year: int,
                                  bands: Sequence[tuple[int, int]] = AGE_BANDS) -> pd.DataFrame:
    """Counts and share for ``year`` by age band and sex.

    Columns :data:`BREAKDOWN_COLUMNS`: ``aldersgruppe`` (``"15-17"`` …), ``koen``
    (``k``, ``m``, or ``uoplyst`` for rows without sex), ``befolkning``,
    ``sigtede`` and ``andel`` (%). Every band appears for every sex present in
    the year (0 counts when empty). Ages outside every band are left out.
    """
    rows = sigtelser[sigtelser["aar"] == year]
    labels = age_band_labels(bands)
    band = np.full(len(rows), None, dtype=object)
    ages = rows["alder"].to_numpy(dtype="int64")
    for (lo, hi), label in zip(bands, labels):
        band[(ages >= lo) & (ages <= hi)] = label
    koen = rows["koen"].astype("object").where(rows["koen"].notna(), KOEN_UOPLYST).to_numpy()
    frame = pd.DataFrame({"aldersgruppe": band, "koen": koen,
                          "befolkning": rows["befolkning"].to_numpy(dtype="int64"),
                          "sigtede": rows["sigtede"].to_numpy(dtype="int64")})
    frame = frame[frame["aldersgruppe"].notna()]
    sums = frame.groupby(["aldersgruppe", "koen"])[["befolkning", "sigtede"]].sum()
    sexes = sorted(set(koen))
    full = pd.MultiIndex.from_product([labels, sexes], names=["aldersgruppe", "koen"])
    sums = sums.reindex(full, fill_value=0).astype("int64")
    sums["andel"] = _share(sums["sigtede"], sums["befolkning"])
    out = sums.reset_index()
    return out.astype({"aldersgruppe": "str", "koen": "str"})[BREAKDOWN_COLUMNS]
