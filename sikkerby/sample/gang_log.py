"""Synthetic counts from the police gang log (DATA.md §1.5): counts only, never persons.

Quarterly counts (last day of each quarter) 2014-2017 for the programme's area,
moving from one designed year-end figure (:data:`scenario.BANDELOG_AAR_SLUT`) to the
next with some noise in between, and for two other areas as random walks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sikkerby.sample import scenario

_OTHER_AREAS = {"Tingbjerg/Husum": 64, "Nordvest": 47}  # area -> level at the end of 2013
_QUARTER_ENDS = ("03-31", "06-30", "09-30", "12-31")


def make_bandelog(rng: np.random.Generator) -> pd.DataFrame:
    """One row per quarter and area."""
    years = [y for y in sorted(scenario.BANDELOG_AAR_SLUT) if y - 1 in scenario.BANDELOG_AAR_SLUT]
    dates = pd.to_datetime([f"{y}-{q}" for y in years for q in _QUARTER_ENDS])
    frames = []

    # The programme's area: linear between year ends, noise within the year, year end exact.
    steps = np.arange(1, 5) / 4
    counts = []
    for year in years:
        prev, end = scenario.BANDELOG_AAR_SLUT[year - 1], scenario.BANDELOG_AAR_SLUT[year]
        path = prev + (end - prev) * steps + np.r_[rng.normal(0, 4, 3), 0]
        counts.extend(np.round(path).astype(int))
    frames.append(pd.DataFrame({"dato": dates, "omraade": scenario.BANDELOG_OMRAADE, "antal_personer": counts}))

    for area, level in _OTHER_AREAS.items():
        walk = level + np.cumsum(rng.normal(-0.4, 3, len(dates)))
        frames.append(pd.DataFrame({"dato": dates, "omraade": area,
                                    "antal_personer": np.maximum(np.round(walk), 0).astype(int)}))
    out = pd.concat(frames, ignore_index=True)
    out["antal_personer"] = out["antal_personer"].astype(np.int64)
    return out.sort_values(["dato", "omraade"], ignore_index=True)
