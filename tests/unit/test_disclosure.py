"""Disclosure control: counts 1..min_count-1 shown as "<min_count"; shares derived from them hidden."""

from __future__ import annotations

import pandas as pd
import pytest

from sikkerby.model.disclosure import (
    HIDDEN_SHARE,
    small_count_mask,
    suppress_small_counts,
)


@pytest.fixture
def table():
    return pd.DataFrame({
        "gruppe": pd.Series(["a", "b", "c", "d", "e", "f"], dtype="str"),
        "sigtede": pd.Series([0, 1, 4, 5, 120, None], dtype="Int64"),
        "befolkning": pd.Series([300, 200, 3, 900, 4000, 10], dtype="int64"),
        "andel": [0.0, 0.5, 133.3, 0.5556, 3.0, float("nan")],
    })


def test_boundaries_of_the_mask():
    # 0 and ≥ 5 are shown; 1..4 are small; missing is not small
    mask = small_count_mask(pd.Series([0, 1, 4, 5, 6, None], dtype="Int64"), 5)
    assert mask.tolist() == [False, True, True, False, False, False]


def test_counts_suppressed_and_shares_hidden(table):
    out = suppress_small_counts(table, ["sigtede", "befolkning"], min_count=5,
                                shares={"andel": ["sigtede", "befolkning"]})
    assert out["sigtede"].tolist()[:5] == [0, "<5", "<5", 5, 120]
    assert pd.isna(out["sigtede"].iloc[5])
    assert out["befolkning"].tolist() == [300, 200, "<5", 900, 4000, 10]
    # b (sigtede 1) and c (sigtede 4, befolkning 3) lose their share
    assert out["andel"].tolist()[:5] == [0.0, HIDDEN_SHARE, HIDDEN_SHARE, 0.5556, 3.0]


def test_other_columns_and_input_untouched(table):
    before = table.copy()
    out = suppress_small_counts(table, ["sigtede"], min_count=5)
    pd.testing.assert_frame_equal(table, before)
    assert out["gruppe"].tolist() == table["gruppe"].tolist()
    assert out["andel"].tolist()[:5] == table["andel"].tolist()[:5]  # no shares given: not hidden


def test_min_count_from_the_caller(table):
    out = suppress_small_counts(table, ["sigtede"], min_count=3, shares={"andel": "sigtede"})
    assert out["sigtede"].tolist()[:5] == [0, "<3", 4, 5, 120]
    assert out["andel"].tolist()[:3] == [0.0, HIDDEN_SHARE, 133.3]


def test_share_source_need_not_be_published(table):
    # a share derived from a count that is not itself in the table's count columns
    out = suppress_small_counts(table, [], min_count=5, shares={"andel": "befolkning"})
    assert out["andel"].tolist()[2] == HIDDEN_SHARE
    assert out["befolkning"].tolist()[2] == 3


def test_programme_min_count_is_five(programme):
    assert programme.disclosure_min_count == 5


def test_bad_min_count(table):
    with pytest.raises(ValueError):
        suppress_small_counts(table, ["sigtede"], min_count=0)
