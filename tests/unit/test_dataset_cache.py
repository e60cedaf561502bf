"""The validated-dataset cache: Parquet (data, never code), only where a run points it, private,
reused only for byte-identical inputs, programme and package."""

from __future__ import annotations

import ast
import dataclasses
import os
import stat

import pandas as pd
import pytest

from sikkerby.config.paths import PACKAGE_DIR
from sikkerby.errors import InputError
from sikkerby.inputs import dataset_cache, validation
from sikkerby.inputs.dataset import load_dataset
from sikkerby.inputs.tables import Dataset

# 2017, age 18, boys in the bundled sigtelser.csv
OLD_ROW, NEW_ROW = "\n2017,18,m,4700,123\n", "\n2017,18,m,4700,400\n"


@pytest.fixture
def validations(monkeypatch, tmp_path):
    """A private cache folder; counts the calls of validate_folder."""
    monkeypatch.setenv(dataset_cache.CACHE_ENV, str(tmp_path / "cache"))
    calls = []
    real = validation.validate_folder

    def counting(folder, programme):
        calls.append(folder)
        return real(folder, programme)

    monkeypatch.setattr(validation, "validate_folder", counting)
    return calls


def _entries() -> list:
    folder = dataset_cache.cache_dir()
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


def _charged(dataset, year=2017, age=18, sex="m") -> int:
    s = dataset.sigtelser
    return int(s.loc[(s["aar"] == year) & (s["alder"] == age) & (s["koen"] == sex), "sigtede"].iloc[0])


def _assert_same(a, b):
    for name in a.table_names():
        pd.testing.assert_frame_equal(a.table(name), b.table(name), check_exact=True)
        assert list(a.table(name).dtypes) == list(b.table(name).dtypes)
    assert a.source_dir == b.source_dir and a.source_files == b.source_files


def test_unchanged_inputs_are_not_validated_again(validations, sample_copy, programme):
    first = load_dataset(sample_copy, programme)
    second = load_dataset(sample_copy, programme)
    assert len(validations) == 1
    _assert_same(first, second)


def test_every_dtype_of_the_contract_comes_back_identical(validations, sample_copy, programme):
    """str (with missing values and non-ASCII text), int64, Int64 (with <NA>), float64 (with NaN), bool, datetime64."""
    first = load_dataset(sample_copy, programme)
    back = load_dataset(sample_copy, programme)
    assert len(validations) == 1
    dtypes = {str(dtype) for name in back.table_names() for dtype in back.table(name).dtypes}
    assert dtypes == {"str", "int64", "Int64", "float64", "bool", "datetime64[ns]"}
    survey, closures = back.tryghedsundersoegelse, back.lukninger
    assert survey["tryghed_aften"].isna().any() and survey["tryghed_aften"].dtype == "Int64"
    assert closures["handleplan_dato"].isna().any() and closures["handleplan_dato"].dtype == "datetime64[ns]"
    assert back.aktiviteter["forandringsteori"].dtype == bool
    assert back.succeskriterier["vaerdi"].isna().any()
    assert survey["bydel"].str.contains("Ø").any()  # Østerbro survives
    _assert_same(first, back)


def test_odd_values_survive(sample_dataset, monkeypatch, tmp_path):
    monkeypatch.setenv(dataset_cache.CACHE_ENV, str(tmp_path))
    survey = sample_dataset.tryghedsundersoegelse.copy()
    survey.loc[[0, 5, len(survey) - 1], "koen"] = pd.NA
    survey.loc[1, "respondent_id"] = "Ærø-é ølandet"
    survey.loc[2, "respondent_id"] = "a\x00b"  # a NUL in text (the old packed format could not hold it)
    dataset = dataclasses.replace(sample_dataset, tryghedsundersoegelse=survey)
    assert dataset_cache.store("a" * 64, dataset)
    back = dataset_cache.load("a" * 64)
    _assert_same(dataset, back)
    assert back.tryghedsundersoegelse.loc[1, "respondent_id"] == "Ærø-é ølandet"
    assert back.tryghedsundersoegelse.loc[2, "respondent_id"] == "a\x00b"
    assert back.tryghedsundersoegelse["koen"].isna().sum() == survey["koen"].isna().sum() >= 3


def test_entries_are_parquet_and_private(validations, sample_copy, programme, tmp_path):
    load_dataset(sample_copy, programme)
    (entry,) = _entries()
    files = sorted(p.name for p in entry.iterdir())
    assert files == sorted([f"{n}.parquet" for n in Dataset.table_names()] + ["dataset.json"])
    for path in entry.iterdir():
        assert path.read_bytes()[:4] == b"PAR1" or path.name == "dataset.json"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for folder in (entry, dataset_cache.cache_dir(), dataset_cache.cache_dir().parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_nothing_is_stored_without_a_cache_folder(monkeypatch, sample_copy, programme, tmp_path):
    """Outside a run (JupyterLab, sikkerby validate) every load validates; nothing lands in the home folder."""
    monkeypatch.delenv(dataset_cache.CACHE_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert dataset_cache.cache_dir() is None
    load_dataset(sample_copy, programme)
    assert dataset_cache.load(dataset_cache.dataset_key(sample_copy, programme)) is None
    assert not (tmp_path / "home").exists() and not (tmp_path / "xdg").exists()


def test_run_cache_root_is_in_the_output_folder(tmp_path):
    assert dataset_cache.run_cache_root(tmp_path / "outputs") == tmp_path / "outputs" / ".sikkerby-cache"


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


@pytest.mark.parametrize("damage", ["table", "meta", "missing-table"])
def test_a_damaged_entry_is_ignored(validations, sample_copy, programme, damage):
    first = load_dataset(sample_copy, programme)
    (entry,) = _entries()
    if damage == "table":
        (entry / "sigtelser.parquet").write_bytes(b"not parquet")
    elif damage == "meta":
        (entry / "dataset.json").write_text("{", encoding="utf-8")
    else:
        (entry / "bandelog.parquet").unlink()
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
    assert _entries() == []


def test_only_the_newest_entries_are_kept(tmp_path, monkeypatch, sample_dataset):
    monkeypatch.setenv(dataset_cache.CACHE_ENV, str(tmp_path))
    small = dataclasses.replace(sample_dataset, tryghedsundersoegelse=sample_dataset.tryghedsundersoegelse.head(3))
    for i in range(dataset_cache.KEEP + 2):
        assert dataset_cache.store(f"{i:064x}", small)
        os.utime(dataset_cache.cache_dir() / f"{i:064x}", (1000 + i, 1000 + i))
    dataset_cache.prune(dataset_cache.cache_dir())
    assert [p.name for p in _entries()] == [f"{i:064x}" for i in range(2, dataset_cache.KEEP + 2)]
    assert len(dataset_cache.load(f"{5:064x}").tryghedsundersoegelse) == 3
    assert dataset_cache.load(f"{0:064x}") is None


def test_an_unwritable_cache_is_only_a_miss(tmp_path, monkeypatch, sample_dataset):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv(dataset_cache.CACHE_ENV, str(blocker))  # a file where the folder should be
    assert dataset_cache.store("c" * 64, sample_dataset) is False
    assert dataset_cache.load("c" * 64) is None


PICKLING_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib", "shelve", "marshal"}
PICKLING_CALLS = {"to_pickle", "read_pickle"}


def test_no_pickle_anywhere_in_the_package():
    found = []
    for path in PACKAGE_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module.split(".")[0]]
            if set(names) & PICKLING_MODULES:
                found.append(f"{path.relative_to(PACKAGE_DIR)}:{node.lineno} imports {names}")
            if isinstance(node, ast.Attribute) and node.attr in PICKLING_CALLS:
                found.append(f"{path.relative_to(PACKAGE_DIR)}:{node.lineno} calls {node.attr}")
            if isinstance(node, ast.keyword) and node.arg == "allow_pickle":
                found.append(f"{path.relative_to(PACKAGE_DIR)}:{node.lineno} allow_pickle")
    assert found == []


# --- kept in the process: the next chapter in the same kernel (load_dataset(keep=True)) -------------------

@pytest.fixture
def cache_reads(validations, monkeypatch):
    """Counts the reads of the dataset cache; forgets any dataset kept in this process."""
    from sikkerby.inputs import dataset as dataset_module

    monkeypatch.setattr(dataset_module, "_last", None)
    calls = []
    real = dataset_cache.load

    def counting(key):
        calls.append(key)
        return real(key)

    monkeypatch.setattr(dataset_cache, "load", counting)
    return calls


def test_a_kept_dataset_serves_the_next_chapter_without_reading_the_cache(cache_reads, sample_copy, programme):
    load_dataset(sample_copy, programme)  # validated and stored (a run's own validation)
    first = load_dataset(sample_copy, programme, keep=True)
    second = load_dataset(sample_copy, programme, keep=True)
    assert len(cache_reads) == 2  # the first call's (nothing there yet: validated), the second's; not the third
    _assert_same(first, second)
    assert first.key is not None and first.key == second.key


def test_a_chapter_changing_its_tables_changes_nobody_elses(cache_reads, sample_copy, programme):
    load_dataset(sample_copy, programme)
    first = load_dataset(sample_copy, programme, keep=True)
    before = _charged(first)
    first.sigtelser.loc[:, "sigtede"] = 0  # in place, as a careless notebook might
    first.sigtelser["extra"] = 1
    second = load_dataset(sample_copy, programme, keep=True)
    assert _charged(second) == before != 0
    assert "extra" not in second.sigtelser.columns


def test_a_changed_input_is_never_served_from_the_kept_dataset(cache_reads, validations, sample_copy, programme):
    load_dataset(sample_copy, programme)
    assert _charged(load_dataset(sample_copy, programme, keep=True)) == 123
    path = sample_copy / "sigtelser.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(OLD_ROW, NEW_ROW), encoding="utf-8")
    assert _charged(load_dataset(sample_copy, programme, keep=True)) == 400
    assert len(validations) == 2


def test_without_keep_nothing_stays_in_the_process(cache_reads, sample_copy, programme):
    from sikkerby.inputs import dataset as dataset_module

    load_dataset(sample_copy, programme)
    load_dataset(sample_copy, programme)
    load_dataset(sample_copy, programme)
    assert dataset_module._last is None
    assert len(cache_reads) == 3
