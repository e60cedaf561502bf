"""The validated-dataset cache: reused only for byte-identical inputs, programme and package."""

from __future__ import annotations

import dataclasses
import os

import pandas as pd
import pytest

from sikkerby.errors import InputError
from sikkerby.inputs import dataset_cache, validation
from sikkerby.inputs.dataset import load_dataset

# 2017, age 18, boys in the bundled sigtelser.csv
OLD_ROW, NEW_ROW = "\n2017,18,m,4700,123\n", "\n2017,18,m,4700,400\n"


@pytest.fixture
def validations(monkeypatch, tmp_path):
    """A private cache folder; counts the calls of validate_folder."""
    monkeypatch.setenv("SIKKERBY_CACHE_DIR", str(tmp_path / "cache"))
    calls = []
    real = validation.validate_folder

    def counting(folder, programme):
        calls.append(folder)
        return real(folder, programme)

    monkeypatch.setattr(validation, "validate_folder", counting)
    return calls


def _charged(dataset, year=2017, age=18, sex="m") -> int:
    s = dataset.sigtelser
    return int(s.loc[(s["aar"] == year) & (s["alder"] == age) & (s["koen"] == sex), "sigtede"].iloc[0])


def _assert_same(a, b):
    for name in a.table_names():
        pd.testing.assert_frame_equal(a.table(name), b.table(name))
    assert a.source_dir == b.source_dir and a.source_files == b.source_files


def test_unchanged_inputs_are_not_validated_again(validations, sample_copy, programme):
    first = load_dataset(sample_copy, programme)
    second = load_dataset(sample_copy, programme)
    assert len(validations) == 1
    _assert_same(first, second)
    assert second.sigtelser["koen"].dtype == "str"  # the contract's dtypes survive the round trip


def test_a_changed_input_is_validated_again_and_its_new_values_used(validations, sample_copy, programme):
    assert _charged(load_dataset(sample_copy, programme)) == 123
    path = sample_copy / "sigtelser.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(OLD_ROW, NEW_ROW), encoding="utf-8")
    assert _charged(load_dataset(sample_copy, programme)) == 400
    assert len(validations) == 2
    path.write_text(text, encoding="utf-8")  # back to the first content: its stored dataset is used
    assert _charged(load_dataset(sample_copy, programme)) == 123
    assert len(validations) == 2


def test_reuse_false_validates_afresh(validations, sample_copy, programme):
    load_dataset(sample_copy, programme)
    load_dataset(sample_copy, programme, reuse=False)
    assert len(validations) == 2


def test_key_depends_on_programme_folder_and_inputs(sample_copy, sample_data_dir, programme):
    key = dataset_cache.dataset_key(sample_copy, programme)
    assert key == dataset_cache.dataset_key(sample_copy, programme)
    fewer = dataclasses.replace(programme, bydele=programme.bydele[:-1])
    assert dataset_cache.dataset_key(sample_copy, fewer) != key
    assert dataset_cache.dataset_key(sample_data_dir, programme) != key  # same bytes, another folder
    with open(sample_copy / "bandelog.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    assert dataset_cache.dataset_key(sample_copy, programme) != key
    assert dataset_cache.dataset_key(sample_copy / "missing", programme) is None


def test_a_damaged_entry_is_ignored(validations, sample_copy, programme):
    first = load_dataset(sample_copy, programme)
    (entry,) = dataset_cache.cache_dir().glob(f"*{dataset_cache.SUFFIX}")
    entry.write_bytes(b"not a pickle")
    _assert_same(load_dataset(sample_copy, programme), first)
    assert len(validations) == 2


def test_bad_input_is_never_stored(validations, sample_copy, programme):
    path = sample_copy / "sigtelser.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(OLD_ROW, "\n2017,18,m,4700,9999\n"),
                    encoding="utf-8")  # more charged than the population
    for _ in range(2):
        with pytest.raises(InputError):
            load_dataset(sample_copy, programme)
    assert len(validations) == 2
    assert not list(dataset_cache.cache_dir().glob(f"*{dataset_cache.SUFFIX}"))


def test_only_the_newest_entries_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("SIKKERBY_CACHE_DIR", str(tmp_path))
    for i in range(dataset_cache.KEEP + 2):
        assert dataset_cache.store(f"{i:064x}", {"n": i})
        os.utime(dataset_cache.cache_dir() / f"{i:064x}{dataset_cache.SUFFIX}", (1000 + i, 1000 + i))
    dataset_cache.prune(dataset_cache.cache_dir())
    kept = sorted(p.name for p in dataset_cache.cache_dir().glob(f"*{dataset_cache.SUFFIX}"))
    assert kept == [f"{i:064x}{dataset_cache.SUFFIX}" for i in range(2, dataset_cache.KEEP + 2)]
    assert dataset_cache.load(f"{5:064x}") == {"n": 5}
    assert dataset_cache.load(f"{0:064x}") is None


# --- long text columns are stored packed -----------------------------------------------------------

def _with_survey(dataset, survey: pd.DataFrame):
    return dataclasses.replace(dataset, tryghedsundersoegelse=survey)


def test_packed_text_columns_come_back_identical(sample_dataset, monkeypatch, tmp_path):
    """The sample's survey (22.000 rows) is packed; missing values, order, dtypes and index survive."""
    monkeypatch.setenv("SIKKERBY_CACHE_DIR", str(tmp_path / "cache"))
    survey = sample_dataset.tryghedsundersoegelse.copy()
    assert len(survey) >= dataset_cache.PACK_FROM_ROWS
    survey.loc[[0, 5, len(survey) - 1], "koen"] = pd.NA  # missing text in first, middle and last rows
    survey.loc[1, "respondent_id"] = "Ærø-é ølandet"  # non-ASCII text
    dataset = _with_survey(sample_dataset, survey)
    packed = dataset_cache.pack_dataset(dataset)
    names = [c.name for c in packed.packed["tryghedsundersoegelse"]]
    assert set(names) == {c for c in survey.columns if survey[c].dtype == "str"}
    modes = {c.name: "joined" if c.joined is not None else "codes" for c in packed.packed["tryghedsundersoegelse"]}
    assert modes["respondent_id"] == "joined" and modes["bydel"] == "codes" and modes["koen"] == "codes"
    assert dataset_cache.store("a" * 64, dataset)
    back = dataset_cache.load("a" * 64)
    _assert_same(dataset, back)
    assert list(back.tryghedsundersoegelse.columns) == list(survey.columns)
    assert back.tryghedsundersoegelse["koen"].isna().sum() == survey["koen"].isna().sum() >= 3
    assert back.tryghedsundersoegelse.loc[1, "respondent_id"] == "Ærø-é ølandet"
    assert back.source_files == dataset.source_files and back.source_dir == dataset.source_dir


def test_a_text_column_holding_the_separator_is_stored_as_it_is(sample_dataset, monkeypatch, tmp_path):
    monkeypatch.setenv("SIKKERBY_CACHE_DIR", str(tmp_path / "cache"))
    survey = sample_dataset.tryghedsundersoegelse.copy()
    survey.loc[3, "respondent_id"] = "a\x00b"
    dataset = _with_survey(sample_dataset, survey)
    packed = dataset_cache.pack_dataset(dataset)
    assert "respondent_id" not in [c.name for c in packed.packed["tryghedsundersoegelse"]]
    assert dataset_cache.store("b" * 64, dataset)
    back = dataset_cache.load("b" * 64)
    _assert_same(dataset, back)
    assert back.tryghedsundersoegelse.loc[3, "respondent_id"] == "a\x00b"


def test_small_tables_are_not_packed(sample_dataset):
    packed = dataset_cache.pack_dataset(sample_dataset)
    assert set(packed.packed) == {name for name in sample_dataset.table_names()
                                  if len(sample_dataset.table(name)) >= dataset_cache.PACK_FROM_ROWS}
    assert "sigtelser" not in packed.packed
