"""omraader_indsatsbehov: areas with a counted need per year, and who entered/left.

Hand-made index (needs counted: intensiveret, markant):
    2013: A1 markant, A2 intensiveret, A3 ordinær, A4 minimal          → 2
    2014: A1 intensiveret, A2 ordinær, A3 intensiveret, A4 minimal, A5 markant → 3
    2015: A1..A4 minimal                                                → 0
2014 vs 2013: A3 and A5 entered, A2 left (A1 changed level but stays counted).
"""

from __future__ import annotations

import pandas as pd
import pytest

from sikkerby.model.calculations import areas

NEEDS = ["intensiveret", "markant"]


@pytest.fixture
def index(typed_frame):
    rows = {
        2013: {"A1": "markant", "A2": "intensiveret", "A3": "ordinær", "A4": "minimal"},
        2014: {"A1": "intensiveret", "A2": "ordinær", "A3": "intensiveret", "A4": "minimal", "A5": "markant"},
        2015: {"A1": "minimal", "A2": "minimal", "A3": "minimal", "A4": "minimal"},
    }
    bydel = {"A1": "Nørrebro", "A2": "Valby", "A3": "Bispebjerg", "A4": "Vanløse", "A5": "Amager Vest"}
    return typed_frame("tryghedsindeks", [
        dict(aar=y, omraade=a, bydel=bydel[a], indsatsbehov=n) for y, d in rows.items() for a, n in d.items()
    ])


def test_count_per_year_includes_zero_years(index):
    out = areas.omraader_indsatsbehov(index, NEEDS)
    assert out.to_dict() == {2013: 2, 2014: 3, 2015: 0}
    assert out.dtype == "int64" and out.index.dtype == "int64"


def test_needs_come_from_the_caller(index):
    # only markant: 2013 A1; 2014 A5; 2015 none
    assert areas.omraader_indsatsbehov(index, ["markant"]).to_dict() == {2013: 1, 2014: 1, 2015: 0}


def test_changes_since_previous_year(index):
    out = areas.omraader_changes(index, NEEDS, 2014)
    assert list(out.columns) == areas.CHANGE_COLUMNS
    got = {r.omraade: (r.aendring, r.indsatsbehov_foer, r.indsatsbehov) for r in out.itertuples()}
    assert got["A3"] == (areas.KOMMET_TIL, "ordinær", "intensiveret")
    assert got["A2"] == (areas.GAAET_UD, "intensiveret", "ordinær")
    assert got["A5"][0] == areas.KOMMET_TIL and pd.isna(got["A5"][1])
    assert set(got) == {"A2", "A3", "A5"}
    assert set(out["fra_aar"]) == {2013}
    assert out.set_index("omraade").loc["A5", "bydel"] == "Amager Vest"


def test_all_left(index):
    out = areas.omraader_changes(index, NEEDS, 2015)
    assert sorted(out["omraade"]) == ["A1", "A3", "A5"]
    assert set(out["aendring"]) == {areas.GAAET_UD}
    # A5 is not in the 2015 index at all: bydel from 2014, no level now
    a5 = out.set_index("omraade").loc["A5"]
    assert a5["bydel"] == "Amager Vest" and pd.isna(a5["indsatsbehov"])


def test_no_earlier_year_gives_empty_table(index):
    out = areas.omraader_changes(index, NEEDS, 2013)
    assert out.empty and list(out.columns) == areas.CHANGE_COLUMNS


def test_gap_year_compares_with_latest_earlier_year(index):
    without_2014 = index[index["aar"] != 2014]
    out = areas.omraader_changes(without_2014, NEEDS, 2015)
    assert set(out["fra_aar"]) == {2013}
    assert sorted(out["omraade"]) == ["A1", "A2"]
