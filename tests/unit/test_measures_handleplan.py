"""handleplan_3_dage: plan on or before the 3rd working day after startdato (DATA.md §2).

Working days: Mon-Fri that are not Danish public holidays (``holidays`` Denmark,
default categories). The start day is day 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sikkerby.model.calculations import handleplan, working_days


def d(s):
    return np.datetime64(s, "D")


# ---------------------------------------------------------------- working days
def test_data_md_examples():
    # Friday 18 March 2016 → Mon 21 (1), Tue 22 (2), Wed 23 (3)
    assert working_days.add_working_days(["2016-03-18"], 3)[0] == d("2016-03-23")
    # Wednesday 23 March 2016: Thu 24, Fri 25 and Mon 28 are Easter holidays
    # → Tue 29 (1), Wed 30 (2), Thu 31 (3)
    assert working_days.add_working_days(["2016-03-23"], 3)[0] == d("2016-03-31")


@pytest.mark.parametrize("start, deadline, why", [
    ("2016-06-04", "2016-06-08", "Saturday: Mon 6 (1), Tue 7 (2), Wed 8 (3)"),
    ("2016-03-24", "2016-03-31", "a holiday (Maundy Thursday): Tue 29, Wed 30, Thu 31"),
    ("2016-04-21", "2016-04-27", "Store Bededag Fri 22 April 2016: Mon 25, Tue 26, Wed 27"),
    ("2017-12-29", "2018-01-04", "over New Year, 1 Jan 2018 a Monday: Tue 2, Wed 3, Thu 4"),
    ("2018-12-21", "2018-12-28", "24 Dec is not a holiday by default: Mon 24, Thu 27, Fri 28"),
    ("2016-03-14", "2016-03-17", "a plain Monday: Tue, Wed, Thu"),
])
def test_deadlines(start, deadline, why):
    assert working_days.add_working_days([start], 3)[0] == d(deadline), why


def test_holiday_calendar_is_the_default_danish_one():
    days = set(working_days.danish_holidays([2016]).tolist())
    assert d("2016-03-25").item() in days  # Good Friday
    assert d("2016-04-22").item() in days  # Store Bededag
    assert d("2016-12-24").item() not in days  # Christmas Eve: not a default-category holiday


def test_working_days_between():
    assert list(working_days.working_days_between(
        ["2016-03-23", "2016-03-23", "2016-03-18"], ["2016-03-31", "2016-03-23", "2016-03-23"])) == [3, 0, 3]


# ---------------------------------------------------------------- the measure
def closure(i, start, plan, planlagt=False, end=None):
    return dict(lukning_id=i, institution=f"Inst {i}", forvaltning="BUF", bydel="Valby",
                startdato=start, slutdato=end or start, planlagt=planlagt, handleplan_dato=plan)


@pytest.fixture
def lukninger(typed_frame):
    # 2016: H1 on time (= deadline), H2 on time (Easter), H3 one day late, H4 missing,
    #       H5 on time (Saturday start), H6 planned (ignored)  → 3 of 5 = 60 %
    # 2017: H7 starts 29 Dec, plan 3 Jan 2018 ≤ deadline 4 Jan → 1 of 1 = 100 %, counted in 2017
    # 2015: nothing starts → no value
    return typed_frame("lukninger", [
        closure("H1", "2016-03-18", "2016-03-23"),
        closure("H2", "2016-03-23", "2016-03-31"),
        closure("H3", "2016-03-23", "2016-04-01"),
        closure("H4", "2016-05-02", None, end="2016-05-06"),
        closure("H5", "2016-06-04", "2016-06-08"),
        closure("H6", "2016-06-10", None, planlagt=True),
        closure("H7", "2017-12-29", "2018-01-03", end="2018-01-05"),
        closure("H0", "2014-12-31", "2015-01-05", end="2015-01-02"),  # 2014: Jan 2 (1), 5 (2), 6 (3) → on time
    ])


def test_share_on_time_per_start_year(lukninger):
    out = handleplan.handleplan_rettidig(lukninger, 3)
    assert out.to_dict() == {2014: 100.0, 2016: 60.0, 2017: 100.0}
    assert 2015 not in out.index  # no closure starts in 2015: no value
    assert out.dtype == "float64" and out.index.dtype == "int64"


def test_working_days_parameter_is_used(lukninger):
    # with 4 working days H3 (plan on the 4th working day) is on time → 4 of 5 = 80 %
    assert handleplan.handleplan_rettidig(lukninger, 4).loc[2016] == pytest.approx(80.0)


def test_deadline_table(lukninger):
    out = handleplan.handleplan_deadlines(lukninger, 3).set_index("lukning_id")
    assert "H6" not in out.index  # planned
    assert out.loc["H1", "frist"] == pd.Timestamp("2016-03-23")
    assert out.loc["H2", "frist"] == pd.Timestamp("2016-03-31")
    assert out.loc["H3", "arbejdsdage"] == 4
    assert pd.isna(out.loc["H4", "arbejdsdage"])
    assert out.loc["H7", "aar"] == 2017
    assert out["rettidig"].dtype == bool


def test_late_list(lukninger):
    out = handleplan.sene_handleplaner(lukninger, 2016, 3)
    assert list(out.columns) == handleplan.LATE_COLUMNS
    assert out[["lukning_id", "problem"]].values.tolist() == [["H3", handleplan.FOR_SEN], ["H4", handleplan.MANGLER]]
    assert handleplan.sene_handleplaner(lukninger, 2017, 3).empty


def test_no_closures(typed_frame):
    empty = typed_frame("lukninger", [])
    assert handleplan.handleplan_rettidig(empty, 3).empty
