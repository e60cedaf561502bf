"""bandelog_indre_noerrebro: antal_personer at the latest dato within each year, for one area.

Hand-made log (Indre Nørrebro unless said): 2014-03-31 50, 2014-06-30 48,
2014-12-31 45, 2014-09-30 47 (listed out of order), 2015-03-31 44, 2015-06-30 46,
other area 2014-12-31 99 and 2016-12-31 10 (ignored).
Latest per year: 2014 → 45 (31 Dec), 2015 → 46 (30 Jun); 2016 → none for the area.
"""

from __future__ import annotations

import pytest

from sikkerby.model.calculations import gang_log

AREA = "Indre Nørrebro"


@pytest.fixture
def bandelog(typed_frame):
    rows = [("2014-03-31", AREA, 50), ("2014-06-30", AREA, 48), ("2014-12-31", AREA, 45),
            ("2014-09-30", AREA, 47), ("2015-03-31", AREA, 44), ("2015-06-30", AREA, 46),
            ("2014-12-31", "Tingbjerg", 99), ("2016-12-31", "Tingbjerg", 10)]
    return typed_frame("bandelog", [dict(dato=d, omraade=o, antal_personer=n) for d, o, n in rows])


def test_latest_count_per_year(bandelog):
    out = gang_log.bandelog_latest_per_year(bandelog, AREA)
    assert out.to_dict() == {2014: 45, 2015: 46}
    assert out.index.dtype == "int64"


def test_area_is_a_parameter(bandelog):
    assert gang_log.bandelog_latest_per_year(bandelog, "Tingbjerg").to_dict() == {2014: 99, 2016: 10}


def test_quarterly_series(bandelog):
    out = gang_log.bandelog_series(bandelog, AREA)
    assert list(out.columns) == gang_log.SERIES_COLUMNS
    assert out["kvartal"].tolist() == ["2014K1", "2014K2", "2014K3", "2014K4", "2015K1", "2015K2"]
    assert out["antal_personer"].tolist() == [50, 48, 47, 45, 44, 46]


def test_series_through_a_year(bandelog):
    out = gang_log.bandelog_series(bandelog, AREA, through_year=2014)
    assert out["kvartal"].tolist() == ["2014K1", "2014K2", "2014K3", "2014K4"]
    assert gang_log.bandelog_series(bandelog, AREA, through_year=2013).empty


def test_latest_count_of_a_year(bandelog):
    latest = gang_log.bandelog_latest(bandelog, AREA, 2014)  # 2014-12-31 is listed before 2014-09-30
    assert str(latest["dato"].date()) == "2014-12-31" and latest["antal_personer"] == 45
    assert gang_log.bandelog_latest(bandelog, AREA, 2015)["antal_personer"] == 46
    assert gang_log.bandelog_latest(bandelog, AREA, 2016) is None
