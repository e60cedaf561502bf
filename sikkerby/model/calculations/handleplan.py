"""The calculation `handleplan_rettidig`: a reopening/alternative-offer plan within N working days (DATA.md §2).

For every unplanned closure: deadline (``frist``) = the N-th working day after
``startdato`` (the start day is day 0; N is the målepunkt's ``working_days`` in
program.yaml). The plan is on time when ``handleplan_dato`` ≤ ``frist``; a
missing ``handleplan_dato`` counts as late. A plan dated before ``startdato`` (made
ahead of an announced closure) is on time (DATA.md §1; validation warns of it, as
it may be a typing error); its ``arbejdsdage`` is negative, the working days it came
before the start. A closure counts in the year it starts. A year without unplanned
closures starting in it has no value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sikkerby.model.calculations.closures import unplanned
from sikkerby.model.calculations.working_days import (
    add_working_days,
    working_days_between,
)

MANGLER = "mangler"  # no handleplan_dato
FOR_SEN = "for_sen"  # handleplan_dato after the deadline

DEADLINE_COLUMNS = ["lukning_id", "institution", "forvaltning", "bydel", "startdato", "frist",
                    "handleplan_dato", "arbejdsdage", "rettidig", "aar"]
LATE_COLUMNS = DEADLINE_COLUMNS[:-2] + ["problem"]


def handleplan_deadlines(lukninger: pd.DataFrame, working_days: int) -> pd.DataFrame:
    """One row per unplanned closure with ``frist``, ``arbejdsdage`` and ``rettidig``.

    ``arbejdsdage``: working days after ``startdato`` up to ``handleplan_dato``
    (``<NA>`` when no plan; for a plan before the start, minus the working days after
    the plan up to the start); ``aar``: the year the closure starts.
    """
    lk = unplanned(lukninger)
    start = lk["startdato"].to_numpy().astype("datetime64[D]")
    plan = lk["handleplan_dato"].to_numpy().astype("datetime64[D]")
    has_plan = ~np.isnat(plan)
    years = start.astype("datetime64[Y]").astype("int64") + 1970
    deadline = add_working_days(start, working_days)
    counted = np.zeros(len(lk), dtype="int64")
    after = has_plan & (plan >= start)
    before = has_plan & (plan < start)  # a plan made ahead: minus the working days after it up to the start
    if after.any():
        counted[after] = working_days_between(start[after], plan[after])
    if before.any():
        counted[before] = -working_days_between(plan[before], start[before])
    out = pd.DataFrame({
        "lukning_id": lk["lukning_id"].to_numpy(),
        "institution": lk["institution"].to_numpy(),
        "forvaltning": lk["forvaltning"].to_numpy(),
        "bydel": lk["bydel"].to_numpy(),
        "startdato": lk["startdato"].to_numpy(),
        "frist": deadline.astype("datetime64[ns]"),
        "handleplan_dato": lk["handleplan_dato"].to_numpy(),
        "arbejdsdage": pd.array(np.where(has_plan, counted, 0), dtype="Int64"),
        "rettidig": has_plan & (plan <= deadline),
        "aar": years.astype("int64"),
    })
    out.loc[~has_plan, "arbejdsdage"] = pd.NA
    return out.astype({"lukning_id": "str", "institution": "str", "forvaltning": "str", "bydel": "str"})[DEADLINE_COLUMNS]


def handleplan_rettidig(lukninger: pd.DataFrame, working_days: int) -> pd.Series:
    """Per start year: % of unplanned closures whose plan is on time (years without closures absent)."""
    deadlines = handleplan_deadlines(lukninger, working_days)
    share = deadlines.groupby("aar")["rettidig"].mean() * 100
    share.index = share.index.astype("int64")
    return share.astype("float64").rename("vaerdi")


def sene_handleplaner(lukninger: pd.DataFrame, year: int, working_days: int) -> pd.DataFrame:
    """Unplanned closures starting in ``year`` whose plan is late or missing.

    Columns :data:`LATE_COLUMNS`; ``problem`` is ``mangler`` or ``for_sen``. By start date.
    """
    deadlines = handleplan_deadlines(lukninger, working_days)
    late = deadlines[(deadlines["aar"] == year) & ~deadlines["rettidig"]]
    late = late.assign(problem=np.where(late["handleplan_dato"].isna(), MANGLER, FOR_SEN))
    late = late.sort_values(["startdato", "lukning_id"], kind="stable").reset_index(drop=True)
    return late.astype({"problem": "str"})[LATE_COLUMNS]
