"""utryghed_aften: weighted % of valid answers 4-5, Kish n_eff and 95 % CI (DATA.md §2).

Hand computation, year 2014 (answers with weights):
    r1 w=1 ans 4, r2 w=1 ans 2, r3 w=2 ans 5, r4 w=1 ans missing (excluded), r5 w=4 ans 1
    valid: Σw = 1+1+2+4 = 8, Σw² = 1+1+4+16 = 22, Σw[4-5] = 1+2 = 3
    p = 3/8 = 0.375 → 37.5 %; n = 4; n_eff = 8²/22 = 64/22
    half width = 1.96·√(0.375·0.625·22/64)
Year 2015: ten respondents with weight 1, answers 4 and 5 once each, 3 three times,
    1 and 2 the rest → p = 2/10 = 20 %, n_eff = 10, half width = 1.96·√(0.2·0.8/10).
Year 2016: only missing answers → no value.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sikkerby.model.calculations import survey


@pytest.fixture
def answers(typed_frame):
    rows = [
        (2014, "r1", "Nørrebro", 1.0, 4),
        (2014, "r2", "Nørrebro", 1.0, 2),
        (2014, "r3", "Valby", 2.0, 5),
        (2014, "r4", "Valby", 1.0, None),
        (2014, "r5", "Valby", 4.0, 1),
    ]
    rows += [(2015, f"s{i}", "Østerbro", 1.0, a) for i, a in enumerate([4, 5, 3, 3, 3, 1, 1, 2, 2, 1])]
    rows += [(2016, "t1", "Østerbro", 1.0, None), (2016, "t2", "Valby", 3.0, None)]
    return typed_frame("tryghedsundersoegelse", [
        dict(aar=a, respondent_id=r, bydel=b, vaegt=w, tryghed_aften=t) for a, r, b, w, t in rows
    ])


def test_yearly_value_n_and_n_eff(answers):
    out = survey.utryghed_aften(answers)
    assert list(out.index) == [2014, 2015]  # 2016 has no valid answer
    assert out.loc[2014, "vaerdi"] == pytest.approx(37.5)
    assert out.loc[2014, "n"] == 4
    assert out.loc[2014, "n_eff"] == pytest.approx(64 / 22)
    assert out.loc[2015, "vaerdi"] == pytest.approx(20.0)
    assert out.loc[2015, "n_eff"] == pytest.approx(10.0)


def test_confidence_interval(answers):
    out = survey.utryghed_aften(answers)
    half_2014 = 100 * 1.96 * math.sqrt(0.375 * 0.625 * 22 / 64)
    assert out.loc[2014, "ci_nedre"] == pytest.approx(37.5 - half_2014)
    assert out.loc[2014, "ci_oevre"] == pytest.approx(37.5 + half_2014)
    half_2015 = 100 * 1.96 * math.sqrt(0.2 * 0.8 / 10)  # = 24.79...
    assert half_2015 == pytest.approx(24.7923, abs=1e-4)
    assert out.loc[2015, "ci_nedre"] == pytest.approx(20 - half_2015)
    assert out.loc[2015, "ci_oevre"] == pytest.approx(20 + half_2015)


def test_weights_matter(answers):
    # with all weights 1 in 2014, p would be 2/4 = 50 %; with the weights it is 37.5 %
    unweighted = answers.assign(vaegt=1.0)
    assert survey.utryghed_aften(unweighted).loc[2014, "vaerdi"] == pytest.approx(50.0)


def test_dtypes(answers):
    out = survey.utryghed_aften(answers)
    assert out.index.dtype == "int64"
    assert out["n"].dtype == "int64"
    assert list(out.columns) == ["vaerdi", "ci_nedre", "ci_oevre", "n", "n_eff"]


def test_by_bydel(answers):
    # Nørrebro: r1 (w1, 4), r2 (w1, 2) → 50 %, n_eff = 4/2 = 2
    # Valby: r3 (w2, 5), r5 (w4, 1); r4 missing → 2/6 = 33.33 %, n_eff = 36/20 = 1.8
    out = survey.utryghed_aften_by_bydel(answers, 2014, bydele=["Indre By", "Nørrebro", "Valby"])
    assert list(out["bydel"]) == ["Indre By", "Nørrebro", "Valby"]
    by = out.set_index("bydel")
    assert by.loc["Nørrebro", "vaerdi"] == pytest.approx(50.0)
    assert by.loc["Nørrebro", "n_eff"] == pytest.approx(2.0)
    assert by.loc["Valby", "vaerdi"] == pytest.approx(100 * 2 / 6)
    assert by.loc["Valby", "n"] == 2
    assert by.loc["Valby", "n_eff"] == pytest.approx(1.8)
    assert by.loc["Indre By", "n"] == 0 and pd.isna(by.loc["Indre By", "vaerdi"])
    # without a bydel list: only bydele with answers in that year
    assert list(survey.utryghed_aften_by_bydel(answers, 2015)["bydel"]) == ["Østerbro"]


def test_ci_side():
    assert survey.ci_side(10.0, 12.0, 13.0) == survey.UNDER
    assert survey.ci_side(13.5, 14.0, 13.0) == survey.OVER
    assert survey.ci_side(12.0, 14.0, 13.0) == survey.UAFKLARET
    assert survey.ci_side(12.0, 13.0, 13.0) == survey.UAFKLARET  # touching is not clear
    assert survey.is_clear(10.0, 12.0, 13.0)
    assert not survey.is_clear(12.0, 14.0, 13.0)


def test_by_bydel_year_without_valid_answers_has_no_rows(answers):
    # 2016: only missing answers; 2013: not in the survey at all → no rows, not one "–" row per bydel
    for year in (2016, 2013):
        out = survey.utryghed_aften_by_bydel(answers, year, bydele=["Indre By", "Nørrebro", "Valby"])
        assert out.empty, out
        assert list(out.columns) == ["bydel", *survey.COLUMNS]


def test_extreme_weights_give_the_same_figures_as_their_scaled_copies():
    """Weights of 1e300 (and 1e-320) must not overflow Σw²: the share and n_eff only depend on the weights' ratios.
    By hand: weights 1, 1, 2 with answers 4, 1, 2 -> p = 1/4 = 25 %, n_eff = (1+1+2)² / (1+1+4) = 16/6."""
    import numpy as np
    import pandas as pd

    from sikkerby.model.calculations.survey import utryghed_aften

    answers = pd.array([4, 1, 2], dtype="Int64")
    for scale in (1.0, 1e300, 1e-300):
        frame = pd.DataFrame({"aar": [2017] * 3, "vaegt": np.array([1.0, 1.0, 2.0]) * scale, "tryghed_aften": answers})
        row = utryghed_aften(frame).loc[2017]
        assert row["vaerdi"] == pytest.approx(25.0)
        assert row["n_eff"] == pytest.approx(16 / 6)
        assert np.isfinite(row["ci_nedre"]) and np.isfinite(row["ci_oevre"])
