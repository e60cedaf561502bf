"""lukkedage / lukkede_institutioner: distinct (institution, day) pairs of unplanned closures.

Hand-made closures:
    L1 Fritidsklub Nord (BUF)  2014-03-03..2014-03-05  unplanned   3 days
    L2 Fritidsklub Nord (BUF)  2014-03-05..2014-03-07  unplanned   overlaps L1 on 5 March → union 3-7 March = 5 days
    L3 Bibliotek Øst (KFF)     2014-12-30..2015-01-02  unplanned   2014: 30, 31 Dec; 2015: 1, 2 Jan
    L4 Bibliotek Øst (KFF)     2014-06-01..2014-06-30  PLANNED     ignored
    L5 Svømmehal Vest (KFF)    2013-05-01..2013-05-02  PLANNED     ignored (but the file covers 2013)
    L6 Klub Syd (SOF)          2016-02-10              unplanned   1 day
    L7 Klub Syd (SOF)          2016-02-28..2016-03-01  unplanned   leap year: 28, 29 Feb, 1 Mar = 3 days
lukkedage: 2013 0, 2014 5+2 = 7, 2015 2, 2016 1+3 = 4
lukkede_institutioner: 2013 0, 2014 2, 2015 1, 2016 1
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sikkerby.model.calculations import closures


def closure(i, inst, forv, bydel, start, end, planlagt=False, plan=None):
    return dict(lukning_id=i, institution=inst, forvaltning=forv, bydel=bydel, startdato=start,
                slutdato=end, planlagt=planlagt, handleplan_dato=plan)


@pytest.fixture
def lukninger(typed_frame):
    return typed_frame("lukninger", [
        closure("L1", "Fritidsklub Nord", "BUF", "Nørrebro", "2014-03-03", "2014-03-05"),
        closure("L2", "Fritidsklub Nord", "BUF", "Nørrebro", "2014-03-05", "2014-03-07"),
        closure("L3", "Bibliotek Øst", "KFF", "Østerbro", "2014-12-30", "2015-01-02"),
        closure("L4", "Bibliotek Øst", "KFF", "Østerbro", "2014-06-01", "2014-06-30", planlagt=True),
        closure("L5", "Svømmehal Vest", "KFF", "Valby", "2013-05-01", "2013-05-02", planlagt=True),
        closure("L6", "Klub Syd", "SOF", "Valby", "2016-02-10", "2016-02-10"),
        closure("L7", "Klub Syd", "SOF", "Valby", "2016-02-28", "2016-03-01"),
    ])


def test_lukkedage_per_year(lukninger):
    assert closures.lukkedage(lukninger).to_dict() == {2013: 0, 2014: 7, 2015: 2, 2016: 4}


def test_lukkede_institutioner_per_year(lukninger):
    assert closures.lukkede_institutioner(lukninger).to_dict() == {2013: 0, 2014: 2, 2015: 1, 2016: 1}


def test_per_year_dtypes(lukninger):
    out = closures.closures_per_year(lukninger)
    assert out.index.dtype == "int64"
    assert out.dtypes.tolist() == [np.dtype("int64")] * 2


def test_planned_closures_never_count(lukninger):
    only_planned = lukninger[lukninger["planlagt"]]
    assert closures.closure_days(only_planned).empty
    assert closures.lukkedage(only_planned).to_dict() == {2013: 0, 2014: 0}


def test_closure_days_are_distinct_pairs(lukninger):
    days = closures.closure_days(lukninger)
    nord = days[days["institution"] == "Fritidsklub Nord"]["dag"].dt.day.tolist()
    assert nord == [3, 4, 5, 6, 7]
    assert not days.duplicated(["institution", "dag"]).any()
    assert days["dag"].dtype == "datetime64[ns]"


def test_new_year_split(lukninger):
    days = closures.closure_days(lukninger)
    ost = days[days["institution"] == "Bibliotek Øst"]
    assert ost.groupby("aar").size().to_dict() == {2014: 2, 2015: 2}


def test_by_institution(lukninger):
    out = closures.lukkedage_by_institution(lukninger, 2014)
    assert out.to_dict("records") == [
        {"institution": "Fritidsklub Nord", "forvaltning": "BUF", "bydel": "Nørrebro", "lukkedage": 5},
        {"institution": "Bibliotek Øst", "forvaltning": "KFF", "bydel": "Østerbro", "lukkedage": 2},
    ]
    assert closures.lukkedage_by_institution(lukninger, 2013).empty


def test_by_forvaltning(lukninger):
    out = closures.lukkedage_by_forvaltning(lukninger, 2014)
    assert out.to_dict("records") == [
        {"forvaltning": "BUF", "lukkedage": 5, "lukkede_institutioner": 1},
        {"forvaltning": "KFF", "lukkedage": 2, "lukkede_institutioner": 1},
    ]


def test_empty_file(typed_frame):
    empty = typed_frame("lukninger", [])
    assert closures.lukkedage(empty).empty
    assert closures.closure_days(empty).empty


def test_vectorised_expansion_agrees_with_a_plain_set_count(typed_frame):
    # many random, overlapping closures; the reference is a plain Python set of (institution, day)
    rng = np.random.default_rng(7)
    n = 400
    start = pd.Timestamp("2012-11-01") + pd.to_timedelta(rng.integers(0, 1200, n), unit="D")
    length = rng.integers(0, 40, n)
    rows = [closure(f"X{i}", f"Inst {rng.integers(0, 15)}", "BUF", "Valby",
                    start[i].date().isoformat(), (start[i] + pd.Timedelta(days=int(length[i]))).date().isoformat(),
                    planlagt=bool(rng.random() < 0.2)) for i in range(n)]
    frame = typed_frame("lukninger", rows)
    pairs = set()
    for r in rows:
        if r["planlagt"]:
            continue
        d = dt.date.fromisoformat(r["startdato"])
        while d <= dt.date.fromisoformat(r["slutdato"]):
            pairs.add((r["institution"], d))
            d += dt.timedelta(days=1)
    expected_days = pd.Series([d.year for _, d in pairs]).value_counts().to_dict()
    expected_inst = pd.DataFrame([(i, d.year) for i, d in pairs], columns=["i", "y"]).groupby("y")["i"].nunique().to_dict()
    got = closures.closures_per_year(frame)
    assert {y: v for y, v in got["lukkedage"].items() if v} == expected_days
    assert {y: v for y, v in got["lukkede_institutioner"].items() if v} == expected_inst
