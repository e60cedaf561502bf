"""ungdomskriminalitet: 100 · Σsigtede / Σbefolkning per year; breakdown by age band and sex.

Hand-made 2014 rows (alder, koen, befolkning, sigtede):
    15 k 1000 10 | 15 m 1000 30 | 19 k 2000 10 | 19 m 2000 40 | 24 k 3000 0 | 24 m 3000 3
    Σsigtede = 93, Σbefolkning = 12000 → 100·93/12000 = 0.775 %
Breakdown 2014: 15-17 k 1.0 %, m 3.0 %; 18-21 k 0.5 %, m 2.0 %; 22-25 k 0.0 %, m 0.1 %.
2015: one row with befolkning 0 → no value.
2016: one row without koen: 16 - 500 5 → 1.0 %, sex "uoplyst".
"""

from __future__ import annotations

import pytest

from sikkerby.model.calculations import youth_crime


@pytest.fixture
def sigtelser(typed_frame):
    rows = [(2014, 15, "k", 1000, 10), (2014, 15, "m", 1000, 30), (2014, 19, "k", 2000, 10),
            (2014, 19, "m", 2000, 40), (2014, 24, "k", 3000, 0), (2014, 24, "m", 3000, 3),
            (2015, 20, "m", 0, 0), (2016, 16, None, 500, 5)]
    return typed_frame("sigtelser", [dict(aar=a, alder=x, koen=k, befolkning=b, sigtede=s) for a, x, k, b, s in rows])


def test_yearly_share(sigtelser):
    out = youth_crime.ungdomskriminalitet(sigtelser)
    assert list(out.index) == [2014, 2016]  # 2015: no population, no value
    assert out.loc[2014] == pytest.approx(0.775)
    assert out.loc[2016] == pytest.approx(1.0)


def test_breakdown_by_age_band_and_sex(sigtelser):
    out = youth_crime.ungdomskriminalitet_breakdown(sigtelser, 2014)
    assert list(out.columns) == youth_crime.BREAKDOWN_COLUMNS
    got = {(r.aldersgruppe, r.koen): (r.befolkning, r.sigtede, round(r.andel, 9)) for r in out.itertuples()}
    assert got == {
        ("15-17", "k"): (1000, 10, 1.0), ("15-17", "m"): (1000, 30, 3.0),
        ("18-21", "k"): (2000, 10, 0.5), ("18-21", "m"): (2000, 40, 2.0),
        ("22-25", "k"): (3000, 0, 0.0), ("22-25", "m"): (3000, 3, 0.1),
    }
    assert out["befolkning"].dtype == "int64" and out["sigtede"].dtype == "int64"


def test_breakdown_fills_empty_bands_and_labels_missing_sex(sigtelser):
    out = youth_crime.ungdomskriminalitet_breakdown(sigtelser, 2016)
    assert out["aldersgruppe"].tolist() == ["15-17", "18-21", "22-25"]
    assert set(out["koen"]) == {youth_crime.KOEN_UOPLYST}
    first = out.iloc[0]
    assert (first["befolkning"], first["sigtede"], first["andel"]) == (500, 5, 1.0)
    assert out.iloc[1]["befolkning"] == 0 and out.iloc[1]["andel"] != out.iloc[1]["andel"]  # NaN: no population


def test_custom_bands(sigtelser):
    out = youth_crime.ungdomskriminalitet_breakdown(sigtelser, 2014, bands=((15, 20), (21, 25)))
    totals = out.groupby("aldersgruppe")[["befolkning", "sigtede"]].sum()
    assert totals.loc["15-20"].tolist() == [6000, 90]
    assert totals.loc["21-25"].tolist() == [6000, 3]
