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
