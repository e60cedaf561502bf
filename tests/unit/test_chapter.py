"""open_chapter: one context with the programme, data and the year's results, each computed once."""

from __future__ import annotations

import pandas as pd

from sikkerby.model import goals
from sikkerby.report.chapter import open_chapter


def test_context_matches_the_package_functions(sample_dataset, programme):
    ch = open_chapter(2016, "", programme=programme)
    assert ch.is_sample
    assert ch.year_params["aar"] == 2016
    pd.testing.assert_frame_equal(ch.maalstatus, goals.maalstatus(sample_dataset, programme, 2016))
    assert ch.maalstatus is ch.maalstatus  # cached, not recomputed
    assert ch.status_row("lukkedage")["aar"] == 2016
    assert ch.series_of("utryghed_aften")["aar"].max() == 2016
    assert ch.series_of("utryghed_aften", through_year=False)["aar"].max() > 2016
    assert ch.evidence.year == 2016


def test_other_data_folder_is_not_sample(tmp_path, sample_data_dir, programme):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(sample_data_dir, data)
    ch = open_chapter(2017, str(data), programme=programme)
    assert not ch.is_sample


def test_the_programme_folder_is_a_parameter(tmp_path):
    from factories import copy_programme

    folder = copy_programme(tmp_path / "andet-program")
    year_file = folder / "2016.yaml"
    year_file.write_text(year_file.read_text(encoding="utf-8").replace(
        "title: Sikker By – status 2016", "title: Et andet program – status 2016"), encoding="utf-8")
    ch = open_chapter(2016, "", str(folder))
    assert ch.programme.folder == folder
    assert ch.year_params["title"] == "Et andet program – status 2016"


def test_the_next_chapter_in_the_process_gets_the_series_without_computing_them(
        tmp_path, monkeypatch, sample_copy, programme):
    """In a kept kernel (one chapter after another) the series are computed once per dataset; each
    chapter gets its own copy, and other inputs get their own series."""
    from sikkerby.inputs import dataset as dataset_module
    from sikkerby.inputs import dataset_cache
    from sikkerby.inputs.dataset import load_dataset
    from sikkerby.report import chapter as chapter_module

    monkeypatch.setenv(dataset_cache.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(dataset_module, "_last", None)
    monkeypatch.setattr(chapter_module, "_KEPT", {})
    calls = []
    real = goals.measure_series
    monkeypatch.setattr(goals, "measure_series", lambda *a, **k: calls.append(1) or real(*a, **k))
    load_dataset(sample_copy, programme)  # the run's validation stores the dataset

    first = open_chapter(2016, str(sample_copy), programme=programme)
    expected = first.series.copy()
    first.series.loc[:, "vaerdi"] = -1.0  # a careless chapter
    second = open_chapter(2017, str(sample_copy), programme=programme)
    pd.testing.assert_frame_equal(second.series, expected)
    assert len(calls) == 1

    path = sample_copy / "sigtelser.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("\n2017,18,m,4700,123\n", "\n2017,18,m,4700,400\n"),
                    encoding="utf-8")
    load_dataset(sample_copy, programme)
    third = open_chapter(2017, str(sample_copy), programme=programme)
    assert not third.series.equals(expected)
    assert len(calls) == 2


def test_the_next_chapter_of_the_year_gets_the_evidence_model_and_status_without_computing_them(
        tmp_path, monkeypatch, sample_copy, programme):
    """The front page, the evidence chapter and the annex of a year read the evidence model: a kept kernel
    computes it (and maalstatus) once per dataset and year; each chapter gets its own copy of the tables."""
    from sikkerby.inputs import dataset as dataset_module
    from sikkerby.inputs import dataset_cache
    from sikkerby.inputs.dataset import load_dataset
    from sikkerby.model import evidence
    from sikkerby.report import chapter as chapter_module

    monkeypatch.setenv(dataset_cache.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(dataset_module, "_last", None)
    monkeypatch.setattr(chapter_module, "_KEPT", {})
    calls = {"evaluate": 0, "maalstatus": 0}
    real_evaluate, real_maalstatus = evidence.evaluate, goals.maalstatus

    def counted(name, real):
        def call(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(evidence, "evaluate", counted("evaluate", real_evaluate))
    monkeypatch.setattr(goals, "maalstatus", counted("maalstatus", real_maalstatus))
    load_dataset(sample_copy, programme)

    first = open_chapter(2016, str(sample_copy), programme=programme)
    expected_scores, expected_status = first.evidence.scores.copy(), first.maalstatus.copy()
    first.evidence.scores.loc[:, "samlet_score"] = -1.0  # a careless chapter
    first.maalstatus.loc[:, "status"] = "x"
    points = dict(first.evidence.params.evidence_points)
    first.evidence.params.evidence_points.clear()
    second = open_chapter(2016, str(sample_copy), programme=programme)
    pd.testing.assert_frame_equal(second.evidence.scores, expected_scores)
    pd.testing.assert_frame_equal(second.maalstatus, expected_status)
    assert second.evidence.year == 2016 and second.evidence.params.evidence_points == points
    assert calls == {"evaluate": 1, "maalstatus": 1}

    other_year = open_chapter(2017, str(sample_copy), programme=programme)
    assert other_year.evidence.year == 2017 and set(other_year.maalstatus["aar"]) == {2017}
    assert calls == {"evaluate": 2, "maalstatus": 2}

    path = sample_copy / "sigtelser.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("\n2017,18,m,4700,123\n", "\n2017,18,m,4700,400\n"),
                    encoding="utf-8")
    load_dataset(sample_copy, programme)
    open_chapter(2016, str(sample_copy), programme=programme).evidence
    assert calls["evaluate"] == 3


def test_kept_results_hold_one_dataset_and_drop_the_least_recently_used(monkeypatch):
    from types import SimpleNamespace

    from sikkerby.report import chapter as chapter_module

    monkeypatch.setattr(chapter_module, "_KEPT", {})
    size = chapter_module._KEPT_ENTRIES
    context = SimpleNamespace(dataset=SimpleNamespace(key="a"))
    for year in range(size):
        chapter_module._kept(context, "evidence", lambda year=year: {"year": year}, year)
    chapter_module._kept(context, "evidence", lambda: {"year": "again"}, 0)  # used again: now the newest
    chapter_module._kept(context, "evidence", lambda: {"year": size}, size)  # one too many: year 1 goes
    assert [k[2] for k in chapter_module._KEPT] == [*range(2, size), 0, size]
    assert chapter_module._kept(context, "evidence", lambda: {"year": "recomputed"}, 0) == {"year": 0}

    other = SimpleNamespace(dataset=SimpleNamespace(key="b"))
    chapter_module._kept(other, "series", lambda: {"rows": 1})
    assert list(chapter_module._KEPT) == [("b", "series", None)]  # another dataset's results are gone
