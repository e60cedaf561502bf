"""Danish spellings of the vocabularies (``utilstrækkelig``, ``ingen effekt``, ``ordinær``, …) are accepted
wherever input files are read (CSV and Excel), and mapped to the canonical values."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import Workbook

from sikkerby.errors import InputError
from sikkerby.inputs.dataset import load_dataset
from sikkerby.model.evidence import aktivitetsscorer


def _respell(path, column: str, mapping: dict[str, str]) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame[column] = frame[column].replace(mapping)
    frame.to_csv(path, index=False)


def test_danish_evidensniveau_and_resultat_in_csv(sample_copy, sample_dataset, programme):
    _respell(sample_copy / "aktiviteter.csv", "evidensniveau",
             {"utilstraekkelig": "utilstrækkelig", "ingen_effekt": "Ingen effekt"})
    _respell(sample_copy / "succeskriterier.csv", "resultat",
             {"beskaeftigelse": "beskæftigelse", "trygge_lokalomraader": "trygge lokalområder"})
    text = (sample_copy / "aktiviteter.csv").read_text(encoding="utf-8")
    assert "utilstrækkelig" in text and "Ingen effekt" in text and "utilstraekkelig" not in text
    dataset = load_dataset(sample_copy, programme)
    pd.testing.assert_series_equal(dataset.aktiviteter["evidensniveau"], sample_dataset.aktiviteter["evidensniveau"])
    pd.testing.assert_series_equal(dataset.succeskriterier["resultat"], sample_dataset.succeskriterier["resultat"])
    pd.testing.assert_frame_equal(aktivitetsscorer(dataset, programme, 2017),
                                  aktivitetsscorer(sample_dataset, programme, 2017))


@pytest.mark.parametrize("spelling", ["ordinær", "ordinaer", "ORDINÆR"])
def test_indsatsbehov_spellings(sample_copy, programme, spelling):
    _respell(sample_copy / "tryghedsindeks.csv", "indsatsbehov", {"ordinær": spelling})
    dataset = load_dataset(sample_copy, programme)
    assert "ordinær" in set(dataset.tryghedsindeks["indsatsbehov"])
    assert {"ordinaer", "ORDINÆR"}.isdisjoint(set(dataset.tryghedsindeks["indsatsbehov"]))


def test_danish_spelling_in_an_excel_delivery(sample_copy, sample_dataset, programme):
    frame = pd.read_csv(sample_copy / "aktiviteter.csv", dtype=str, keep_default_na=False)
    frame["evidensniveau"] = frame["evidensniveau"].replace({"utilstraekkelig": "Utilstrækkelig",
                                                             "ingen_effekt": "ingen effekt"})
    wb = Workbook()
    ws = wb.active
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append(list(row))
    (sample_copy / "aktiviteter.csv").unlink()
    wb.save(sample_copy / "aktiviteter.xlsx")
    dataset = load_dataset(sample_copy, programme)
    assert dataset.source_files["aktiviteter"].suffix == ".xlsx"
    assert list(dataset.aktiviteter["evidensniveau"]) == list(sample_dataset.aktiviteter["evidensniveau"])


def test_other_spellings_are_still_refused(sample_copy, programme):
    _respell(sample_copy / "aktiviteter.csv", "evidensniveau", {"lovende": "lovende måske"})
    with pytest.raises(InputError, match="evidensniveau"):
        load_dataset(sample_copy, programme)
