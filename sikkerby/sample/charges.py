"""Synthetic charges of 15-25-year-olds and their populations (DATA.md §1.4).

Populations by age and sex grow slowly from year to year (Copenhagen's many young
students: more residents in their twenties). The year's number of persons charged is
fixed so that 100 · Σ sigtede / Σ befolkning is the designed figure of
:data:`scenario.UNGDOMSKRIMINALITET` to the nearest person, then drawn across age and sex
(young men most, peaking in the late teens).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sikkerby.sample import scenario

_AGES = np.arange(15, 26)
# Residents of each age in 2013 (per sex, before the sex adjustment below).
_POPULATION_2013 = np.array([4100, 4150, 4200, 4400, 4650, 4900, 5100, 5250, 5350, 5400, 5350])
# Relative charge rate by age and sex.
_RATE_BY_AGE = np.array([0.9, 1.2, 1.4, 1.5, 1.45, 1.3, 1.1, 0.95, 0.8, 0.7, 0.6])
_RATE_BY_SEX = {"k": 0.18, "m": 1.0}


def make_sigtelser(rng: np.random.Generator) -> pd.DataFrame:
    """One row per year, age 15-25 and sex."""
    frames = []
    for year in sorted(scenario.UNGDOMSKRIMINALITET):
        growth = 1.01 ** (year - 2013)
        parts = []
        for koen in ("k", "m"):
            sex_factor = np.where(_AGES >= 20, 1.04, 0.98) if koen == "k" else np.where(_AGES >= 20, 0.96, 1.03)
            pop = np.round(_POPULATION_2013 * sex_factor * growth * rng.normal(1, 0.015, len(_AGES)))
            parts.append(pd.DataFrame({"aar": year, "alder": _AGES, "koen": koen,
                                       "befolkning": pop.astype(np.int64),
                                       "rate": _RATE_BY_AGE * _RATE_BY_SEX[koen]}))
        frame = pd.concat(parts, ignore_index=True)
        total = int(round(scenario.UNGDOMSKRIMINALITET[year] / 100 * frame["befolkning"].sum()))
        weight = (frame["befolkning"] * frame["rate"]).to_numpy(float)
        frame["sigtede"] = rng.multinomial(total, weight / weight.sum()).astype(np.int64)
        frames.append(frame.drop(columns="rate"))
    out = pd.concat(frames, ignore_index=True)
    out["aar"] = out["aar"].astype(np.int64)
    return out.sort_values(["aar", "alder", "koen"], ignore_index=True)
