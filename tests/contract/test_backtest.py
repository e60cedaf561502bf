"""Back-test of the shipped programme (params/, not the tests' frozen copy): the bundled sample data
reproduce the seed's published 2013 baselines. This is the one test that follows params/ on purpose.

Seed (Sikker By-programmet 2014-2017, pp. 4-6): in 2013 17,5 % felt unsafe in
the evening/night; 5 areas had an intensiveret/markant need (12 in 2010); 283
unplanned closure days; 9 institutions closed; 1,1 % of the 15-25-year-olds
charged. The published figures are rounded, so the data's values are compared
after rounding to the published precision (values differing within that are
the data's exact values, which the publication uses unrounded).
"""

from __future__ import annotations

import pytest

from sikkerby.config.programme import load_programme
from sikkerby.inputs.dataset import load_dataset
from sikkerby.model import goals
from sikkerby.report.formatting import baseline_warnings


@pytest.fixture(scope="module")
def programme():
    """The programme as shipped in params/ (overrides the frozen copy of conftest.py)."""
    return load_programme()


@pytest.fixture(scope="module")
def series(programme):
    dataset = load_dataset(None, programme)
    return goals.measure_series(dataset, programme), dataset


def value(series, indikator_id, year):
    table = series[0]
    row = table[(table["indikator_id"] == indikator_id) & (table["aar"] == year)]
    assert len(row) == 1, f"no {indikator_id} value for {year} in the sample data"
    return float(row["vaerdi"].iloc[0])


def test_utryghed_aften_2013(series):
    assert round(value(series, "utryghed_aften", 2013), 1) == 17.5


def test_omraader_indsatsbehov_2013_and_2010(series):
    assert value(series, "omraader_indsatsbehov", 2013) == 5
    assert value(series, "omraader_indsatsbehov", 2010) == 12


def test_lukkedage_2013(series):
    assert value(series, "lukkedage", 2013) == 283


def test_lukkede_institutioner_2013(series):
    assert value(series, "lukkede_institutioner", 2013) == 9


def test_ungdomskriminalitet_2013(series):
    assert round(value(series, "ungdomskriminalitet", 2013), 1) == 1.1


def test_no_baseline_warnings_on_the_sample(series, programme):
    # the sample is calibrated to the published baselines: nothing to warn about
    assert baseline_warnings(programme, series[0]) == []


def test_every_indikator_has_a_status_in_every_programme_year(series, programme):
    for year in range(programme.period_start, programme.period_end + 1):
        table = goals.maalstatus(series[1], programme, year, series=series[0])
        assert len(table) == len(programme.indikatorer) == 7
        assert sorted(set(table["maalepunkt_nr"])) == [m.nr for m in programme.maalepunkter] == [1, 2, 3, 4, 5]
        assert not (table["status"] == "ikke_vurderbar").any(), (year, table[["indikator_id", "status"]])
