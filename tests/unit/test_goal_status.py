"""DATA.md §2.1 status rules, every branch and boundary, on hand-made indikatorer.

The indikatorer here are built by hand (not read from program.yaml) so the
expected values below can be checked with pencil and paper:

sti (utryghed-like): B = 17.5 in b = 2013, T = 13.0 in t = 2017, fall ≥ 1.0 a year.
    P(Y) = 17.5 + (13.0 − 17.5)·(Y − 2013)/4 = 17.5 − 1.125·(Y − 2013):
    P(2014) = 16.375, P(2015) = 15.25, P(2016) = 14.125, P(2017) = 13.0.
sti (closure-like): B = 283, T = 189.61, strictly falling (fall > 0).
    P(2014) = 283 − 93.39/4 = 259.6525, P(2015) = 236.305.
retning: B = 5 in 2013, target year 2017: lower than 5 is better.
krav: V ≥ 100 every year.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sikkerby.config.programme import Indikator, YearlyRequirement
from sikkerby.model import goal_status as gs
from sikkerby.report import formatting as fmt


def mp(kind, baseline_year=2013, baseline_value=17.5, target_year=2017, target_value=13.0,
       requirement=YearlyRequirement(1.0, False), decimals=1, id="x", reduction_pct=None):
    return Indikator(id=id, calculation="andel_utrygge", title="Testmål", unit="procent",
                     decimals=decimals, kind=kind, baseline_year=baseline_year,
                     baseline_value=baseline_value, target_year=target_year,
                     target_value=target_value, maalepunkt_nr=1, goal_area="tryghed",
                     target_reduction_pct=reduction_pct, yearly_requirement=requirement,
                     parameters={"answers": [4, 5]})


STI = mp("sti")
STI_STRICT = mp("sti", baseline_value=283, target_value=189.61, requirement=YearlyRequirement(0.0, True), decimals=0)
RETNING = mp("retning", baseline_value=5, target_value=None, requirement=None, decimals=0)
KRAV = mp("krav", baseline_year=None, baseline_value=None, target_year=None, target_value=100, requirement=None)


def s(**values):
    """Series indexed by year: s(y2014=16.4) -> {2014: 16.4}."""
    return pd.Series({int(k[1:]): v for k, v in values.items()}, dtype="float64")


# ---------------------------------------------------------------- path value
def test_path_value_hand_computed():
    assert gs.path_value(17.5, 2013, 13.0, 2017, 2013) == 17.5
    assert gs.path_value(17.5, 2013, 13.0, 2017, 2014) == pytest.approx(16.375)
    assert gs.path_value(17.5, 2013, 13.0, 2017, 2016) == pytest.approx(14.125)
    assert gs.path_value(17.5, 2013, 13.0, 2017, 2017) == 13.0
    assert gs.path_value(283, 2013, 189.61, 2017, 2014) == pytest.approx(259.6525)


def test_path_value_outside_the_period():
    # before the baseline year there is no path; after the target year it stays at T
    assert gs.path_value(17.5, 2013, 13.0, 2017, 2012) is None
    assert gs.path_value(17.5, 2013, 13.0, 2017, 2019) == 13.0


# ---------------------------------------------------------------- no value / baseline year
@pytest.mark.parametrize("m", [STI, STI_STRICT, RETNING, KRAV])
def test_no_value_is_ikke_vurderbar(m):
    assert gs.status(m, s(y2013=17.5, y2015=10.0), 2014) == gs.IKKE_VURDERBAR
    assert gs.status(m, s(y2013=17.5, y2014=float("nan")), 2014) == gs.IKKE_VURDERBAR
    assert gs.status(m, pd.Series(dtype="float64"), 2014) == gs.IKKE_VURDERBAR


@pytest.mark.parametrize("m", [STI, RETNING])
def test_baseline_year_is_basisaar_even_if_data_differ(m):
    assert gs.status(m, s(y2013=99.0), 2013) == gs.BASISAAR


@pytest.mark.parametrize("m", [STI, RETNING])
def test_year_before_baseline_is_ikke_vurderbar(m):
    # decision: the goal did not exist before its baseline year
    assert gs.status(m, s(y2010=1.0, y2013=17.5), 2010) == gs.IKKE_VURDERBAR


# ---------------------------------------------------------------- sti before the target year
def test_sti_equal_to_path_and_fall_large_enough_is_paa_sporet():
    # V(2014) = P(2014) = 16.375; fall from B = 17.5 − 16.375 = 1.125 ≥ 1.0
    assert gs.status(STI, s(y2013=17.5, y2014=16.375), 2014) == gs.PAA_SPORET


def test_sti_above_path_is_ikke_paa_sporet():
    # 16.4 > 16.375 although the fall 1.1 is large enough
    assert gs.status(STI, s(y2013=17.5, y2014=16.4), 2014) == gs.IKKE_PAA_SPORET


def test_sti_exact_one_point_fall_at_path():
    # V(2015) = 15.25 = P(2015), V(2014) = 16.25: fall exactly 1.0 → holds
    assert gs.status(STI, s(y2013=17.5, y2014=16.25, y2015=15.25), 2015) == gs.PAA_SPORET


def test_sti_below_path_but_fall_too_small():
    # V(2016) = 14.01 ≤ P(2016) = 14.125, but the fall from 15.0 is 0.99 < 1.0
    assert gs.status(STI, s(y2013=17.5, y2015=15.0, y2016=14.01), 2016) == gs.IKKE_PAA_SPORET
    # 14.0: fall exactly 1.0 → on track
    assert gs.status(STI, s(y2013=17.5, y2015=15.0, y2016=14.0), 2016) == gs.PAA_SPORET


def test_sti_requirement_skipped_when_previous_year_missing():
    # no 2015 value: only the path counts; 14.1 ≤ 14.125
    assert gs.status(STI, s(y2013=17.5, y2014=16.0, y2016=14.1), 2016) == gs.PAA_SPORET
    assert gs.status(STI, s(y2013=17.5, y2014=16.0, y2015=float("nan"), y2016=14.1), 2016) == gs.PAA_SPORET
    # still off track when above the path
    assert gs.status(STI, s(y2013=17.5, y2016=14.2), 2016) == gs.IKKE_PAA_SPORET


def test_sti_previous_of_first_year_is_published_baseline_not_data():
    # data say 17.0 for 2013 but B = 17.5 is authoritative: fall 17.5 − 16.3 = 1.2 ≥ 1.0.
    # (Against the data's 17.0 the fall would be 0.7, i.e. off track.)
    assert gs.status(STI, s(y2013=17.0, y2014=16.3), 2014) == gs.PAA_SPORET
    # and with no 2013 row in the data at all, V(b) is still B
    assert gs.status(STI, s(y2014=16.3), 2014) == gs.PAA_SPORET
    assert gs.status(STI, s(y2014=16.6), 2014) == gs.IKKE_PAA_SPORET  # above P(2014)


def test_sti_strict_requirement_needs_a_real_fall():
    # closures: 200 in 2014 and 200 in 2015 is below P(2015) = 236.305 but does not fall
    assert gs.status(STI_STRICT, s(y2014=200, y2015=200), 2015) == gs.IKKE_PAA_SPORET
    assert gs.status(STI_STRICT, s(y2014=200, y2015=199), 2015) == gs.PAA_SPORET
    # 2014: 259 ≤ 259.6525 and falls from B = 283
    assert gs.status(STI_STRICT, s(y2014=259), 2014) == gs.PAA_SPORET
    assert gs.status(STI_STRICT, s(y2014=260), 2014) == gs.IKKE_PAA_SPORET


def test_sti_without_requirement_only_checks_path():
    m = mp("sti", requirement=None)
    # 16.375 twice in a row: no requirement → on track as long as ≤ path
    assert gs.status(m, s(y2014=16.375, y2015=15.25), 2015) == gs.PAA_SPORET


# ---------------------------------------------------------------- sti at/after target year
def test_sti_target_year_equal_to_target_is_naaet():
    assert gs.status(STI, s(y2016=14.0, y2017=13.0), 2017) == gs.NAAET


def test_sti_target_year_above_target_is_ikke_naaet():
    assert gs.status(STI, s(y2017=13.01), 2017) == gs.IKKE_NAAET


def test_sti_target_year_ignores_yearly_requirement():
    # 2017: 12.9 ≤ 13.0 even though it rose from 12.0 in 2016
    assert gs.status(STI, s(y2016=12.0, y2017=12.9), 2017) == gs.NAAET


def test_sti_after_target_year_compares_with_target():
    assert gs.status(STI, s(y2018=12.0), 2018) == gs.NAAET
    assert gs.status(STI, s(y2018=13.5), 2018) == gs.IKKE_NAAET


def test_target_as_reduction_of_a_baseline_from_the_data():
    # baseline from the data (2013: 300), target −33 % → T = 201; P(2015) = 300 − 99/2 = 250.5
    m = mp("sti", baseline_value=None, target_value=None, reduction_pct=33,
           requirement=YearlyRequirement(0.0, True), decimals=0)
    assert gs.effective_target(m, 300.0) == pytest.approx(201.0)
    assert gs.effective_target(m, None) is None
    assert gs.status(m, s(y2013=300, y2014=280, y2015=250), 2015) == gs.PAA_SPORET
    assert gs.status(m, s(y2013=300, y2014=280, y2015=251), 2015) == gs.IKKE_PAA_SPORET
    assert gs.status(m, s(y2013=300, y2017=201), 2017) == gs.NAAET
    assert gs.status(m, s(y2013=300, y2017=202), 2017) == gs.IKKE_NAAET
    # without the baseline year in the data there is no baseline and no target
    assert gs.status(m, s(y2015=250), 2015) == gs.IKKE_VURDERBAR
    # a target value in the programme is used as it is
    assert gs.effective_target(STI, 99.0) == 13.0
    assert gs.effective_target(RETNING, 5.0) is None


def test_closure_target_boundary():
    # T = 189.61: 189 reached, 190 not
    assert gs.status(STI_STRICT, s(y2017=189), 2017) == gs.NAAET
    assert gs.status(STI_STRICT, s(y2017=190), 2017) == gs.IKKE_NAAET


# ---------------------------------------------------------------- retning
def test_retning_before_target_year():
    assert gs.status(RETNING, s(y2014=4), 2014) == gs.PAA_SPORET
    assert gs.status(RETNING, s(y2014=5), 2014) == gs.IKKE_PAA_SPORET  # equal is not lower
    assert gs.status(RETNING, s(y2016=6), 2016) == gs.IKKE_PAA_SPORET


def test_retning_at_and_after_target_year():
    assert gs.status(RETNING, s(y2017=4), 2017) == gs.NAAET
    assert gs.status(RETNING, s(y2017=5), 2017) == gs.IKKE_NAAET
    assert gs.status(RETNING, s(y2018=3), 2018) == gs.NAAET


def test_retning_baseline_from_data_when_not_published():
    m = mp("retning", baseline_year=2014, baseline_value=None, target_value=None, requirement=None)
    assert gs.effective_baseline(m, s(y2014=40, y2015=38)) == 40.0
    assert gs.status(m, s(y2014=40, y2015=38), 2015) == gs.PAA_SPORET
    assert gs.status(m, s(y2014=40, y2017=40), 2017) == gs.IKKE_NAAET
    # the data lack the baseline year: no baseline, no status
    assert gs.effective_baseline(m, s(y2015=38)) is None
    assert gs.status(m, s(y2015=38), 2015) == gs.IKKE_VURDERBAR


def test_explicit_baseline_overrides():
    assert gs.status(RETNING, s(y2014=5), 2014, baseline=6) == gs.PAA_SPORET


# ---------------------------------------------------------------- krav
def test_krav_exactly_100_is_naaet():
    assert gs.status(KRAV, s(y2015=100.0), 2015) == gs.NAAET


def test_krav_below_100_is_ikke_naaet_in_every_year():
    assert gs.status(KRAV, s(y2015=99.9), 2015) == gs.IKKE_NAAET
    # no baseline year: also judged before 2013 and after 2017
    assert gs.status(KRAV, s(y2010=100.0), 2010) == gs.NAAET
    assert gs.status(KRAV, s(y2020=50.0), 2020) == gs.IKKE_NAAET


def test_krav_float_noise_counts_as_100():
    # 100 · 3 · (1/3) is 100 in exact arithmetic
    assert gs.status(KRAV, s(y2015=100 * (1 / 3) * 3 - 1e-13), 2015) == gs.NAAET


# ---------------------------------------------------------------- requirement and tolerance
def test_requirement_exact_fall_with_float_noise():
    # 16.4 − 15.4 is 0.9999999999999982 in floating point: still a fall of 1.0
    assert 16.4 - 15.4 < 1.0
    assert gs.requirement_holds(YearlyRequirement(1.0, False), 15.4, 16.4)
    assert not gs.requirement_holds(YearlyRequirement(1.0, False), 15.41, 16.4)
    assert not gs.requirement_holds(YearlyRequirement(0.0, True), 10.0, 10.0)
    assert gs.requirement_holds(YearlyRequirement(0.0, True), 9.0, 10.0)


# ---------------------------------------------------------------- baselines and warnings
def test_effective_baseline_published_is_authoritative():
    assert gs.effective_baseline(STI, s(y2013=18.2)) == 17.5


def test_published_decimals():
    assert gs.published_decimals(17.5) == 1
    assert gs.published_decimals(283.0) == 0
    assert gs.published_decimals(280.0) == 0
    assert gs.published_decimals(1.1) == 1
    assert gs.published_decimals(189.61) == 2


def test_baseline_warning_only_when_data_differ_at_published_precision():
    assert fmt.baseline_warning(STI, s(y2013=17.54)) is None  # rounds to 17.5
    assert fmt.baseline_warning(STI, s(y2013=17.45)) is None  # within half a unit of 17.5
    assert fmt.baseline_warning(STI, s(y2014=10.0)) is None  # no data for 2013
    msg = fmt.baseline_warning(STI, s(y2013=17.56))
    assert msg is not None
    assert "17,5" in msg and "17,56" in msg and "2013" in msg  # Danish number format
    msg = fmt.baseline_warning(STI_STRICT, s(y2013=280))
    assert msg is not None and "283" in msg and "280" in msg


def test_no_warning_without_published_baseline():
    m = mp("retning", baseline_year=2014, baseline_value=None, target_value=None, requirement=None)
    assert fmt.baseline_warning(m, s(y2014=40)) is None
    assert fmt.baseline_warning(KRAV, s(y2014=40)) is None


def test_value_in():
    assert gs.value_in(s(y2014=1.5), 2014) == 1.5
    assert gs.value_in(s(y2014=1.5), 2015) is None
    assert gs.value_in(pd.Series([pd.NA], index=[2014], dtype="Float64"), 2014) is None
    assert not math.isnan(gs.value_in(pd.Series([3], index=[2014], dtype="int64"), 2014))


def test_previous_value_is_the_baseline_after_the_baseline_year():
    series = s(y2013=17.499, y2014=16.4, y2016=14.0)
    assert gs.previous_value(STI, series, 2014) == 17.5  # published B, not the data's 17.499
    assert gs.previous_value(STI, series, 2014, baseline=18.0) == 18.0
    assert gs.previous_value(STI, series, 2015) == 16.4
    assert gs.previous_value(STI, series, 2017) == 14.0
    assert gs.previous_value(STI, series, 2016) is None  # 2015 missing


def test_warning_of_finds_a_målepunkt_s_sentence_among_computed_warnings():
    import dataclasses

    strict = dataclasses.replace(STI_STRICT, id="y", title="Testmål i antal")  # starts like STI's title
    msg = fmt.baseline_warning(STI, s(y2013=17.56))
    other = fmt.baseline_warning(strict, s(y2013=280))
    assert fmt.warning_of(STI, [other, msg]) == msg
    assert fmt.warning_of(strict, [other, msg]) == other
    assert fmt.warning_of(STI, [other]) is None and fmt.warning_of(STI, []) is None
