"""An odd reporting year (outside the programme period, or without data) is warned about."""

from __future__ import annotations

from sikkerby.report.formatting import reporting_year_warnings


def test_dataset_years_cover_every_input(sample_dataset):
    years = sample_dataset.years()
    assert set(range(2010, 2018)) <= years  # tryghedsindeks from 2010; everything through 2017
    assert 2025 not in years


def test_a_year_in_the_period_with_data_gives_no_warning(programme):
    assert reporting_year_warnings(programme, {2016, 2017}, 2017) == []


def test_year_outside_the_period_and_without_data(programme):
    warnings = reporting_year_warnings(programme, {2016, 2017}, 2025)
    assert warnings == [
        "2025 ligger uden for programperioden 2014-2017.",
        "Ingen inddata har rækker for 2025; publikationen kan ikke vurdere årets målepunkter.",
    ]


def test_baseline_year_with_data_is_only_outside_the_period(programme):
    assert reporting_year_warnings(programme, {2013}, 2013) == ["2013 ligger uden for programperioden 2014-2017."]
