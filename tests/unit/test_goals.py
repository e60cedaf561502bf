"""goals.measure_series / maalstatus / baseline_warnings on a small hand-made dataset.

The indikatorer, baselines and targets are those of the 2014-2017 programme
(tests/programmes/sikker-by-2014-2017). Hand-made data and the expected 2014 row of each indikator:

utryghed_aften   2013: 40 respondents (w = 1), 7 answer 4-5 → 17.5 %
                 2014: 8 respondents (w = 1), 1 answers 5 → 12.5 %, n_eff = 8,
                 CI 12.5 ± 100·1.96·√(0.125·0.875/8); P(2014) = 16.375; fall 5.0 → paa_sporet
omraader         2013: 5 areas markant; 2014: 4 → 4 < 5 → paa_sporet
lukkedage        2013: A closed 1-10 Jan (10 days); 2014: A closed 5-6 May (2 days),
                 B closed 7 May but planned. 2 ≤ P(2014) = 283 − 93.39/4 = 259.6525 and
                 2 < B = 283 (V(2013) is the published B) → paa_sporet
lukkede_inst.    2014: 1 ≤ P(2014) = 9 − 2.97/4 = 8.2575 and 1 < 9 → paa_sporet
handleplan       2013: starts Tue 1 Jan (holiday) → deadline Fri 4 Jan, plan 4 Jan: 100 %
                 2014: starts Mon 5 May → deadline Thu 8 May, plan Fri 9 May: 0 % → ikke_naaet
ungdomskrim.     2013: 11/1000 → 1.1 %; 2014: 12/1000 → 1.2 % ≥ 1.1 → ikke_paa_sporet
bandelog         Indre Nørrebro 2014-06-30: 45, 2014-12-31: 40 → 40; baseline year 2014
                 has no published value: B = 40 from the data → basisaar
Baseline warnings: lukkedage (data 10 ≠ 283) and lukkede_institutioner (1 ≠ 9) only.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pandas as pd
import pytest

from sikkerby.config.programme import ProgrammeError
from sikkerby.inputs.dataset import Dataset
from sikkerby.model import calculations, goals
from sikkerby.report.formatting import baseline_warnings
from factories import with_parameters


@pytest.fixture
def dataset(typed_frame):
    survey = [dict(aar=2013, respondent_id=f"a{i}", bydel="Valby", vaegt=1.0, tryghed_aften=4 if i < 7 else 2)
              for i in range(40)]
    survey += [dict(aar=2014, respondent_id=f"b{i}", bydel="Valby", vaegt=1.0, tryghed_aften=5 if i == 0 else 1)
               for i in range(8)]
    index = [dict(aar=2013, omraade=f"O{i}", bydel="Nørrebro", indsatsbehov="markant") for i in range(5)]
    index += [dict(aar=2014, omraade=f"O{i}", bydel="Nørrebro", indsatsbehov="markant" if i < 4 else "ordinær")
              for i in range(5)]
    closures = [
        dict(lukning_id="1", institution="A", forvaltning="BUF", bydel="Valby", startdato="2013-01-01",
             slutdato="2013-01-10", planlagt=False, handleplan_dato="2013-01-04"),
        dict(lukning_id="2", institution="A", forvaltning="BUF", bydel="Valby", startdato="2014-05-05",
             slutdato="2014-05-06", planlagt=False, handleplan_dato="2014-05-09"),
        dict(lukning_id="3", institution="B", forvaltning="KFF", bydel="Valby", startdato="2014-05-07",
             slutdato="2014-05-07", planlagt=True, handleplan_dato=None),
    ]
    charges = [dict(aar=2013, alder=20, koen="m", befolkning=1000, sigtede=11),
               dict(aar=2014, alder=20, koen="m", befolkning=1000, sigtede=12)]
    gang = [dict(dato="2014-06-30", omraade="Indre Nørrebro", antal_personer=45),
            dict(dato="2014-12-31", omraade="Indre Nørrebro", antal_personer=40),
            dict(dato="2014-12-31", omraade="Tingbjerg", antal_personer=7)]
    return Dataset(
        tryghedsundersoegelse=typed_frame("tryghedsundersoegelse", survey),
        tryghedsindeks=typed_frame("tryghedsindeks", index),
        lukninger=typed_frame("lukninger", closures),
        sigtelser=typed_frame("sigtelser", charges),
        bandelog=typed_frame("bandelog", gang),
        aktiviteter=typed_frame("aktiviteter", []),
        succeskriterier=typed_frame("succeskriterier", []),
        source_dir=Path("."),
        source_files={},
    )


def test_every_programme_indikator_has_a_calculation(programme):
    for i in programme.indikatorer:
        assert calculations.calculation_for(i) is calculations.REGISTRY[i.calculation]
    unknown = dataclasses.replace(programme.indikator("lukkedage"), calculation="ukendt_beregning")
    with pytest.raises(ProgrammeError, match="ukendt beregning 'ukendt_beregning'"):
        calculations.calculation_for(unknown)


def test_measure_series(dataset, programme):
    s = goals.measure_series(dataset, programme)
    assert list(s.columns) == goals.SERIES_COLUMNS
    assert s["aar"].dtype == "int64" and s["vaerdi"].dtype == "float64"
    ids = [i.id for i in programme.indikatorer]
    assert list(dict.fromkeys(s["indikator_id"])) == ids  # programme order
    got = {(r.indikator_id, r.aar): r.vaerdi for r in s.itertuples()}
    assert got[("utryghed_aften", 2013)] == pytest.approx(17.5)
    assert got[("utryghed_aften", 2014)] == pytest.approx(12.5)
    assert got[("omraader_indsatsbehov", 2014)] == 4
    assert got[("lukkedage", 2013)] == 10 and got[("lukkedage", 2014)] == 2
    assert got[("lukkede_institutioner", 2014)] == 1
    assert got[("handleplan_3_dage", 2013)] == 100 and got[("handleplan_3_dage", 2014)] == 0
    assert got[("ungdomskriminalitet", 2014)] == pytest.approx(1.2)
    assert got[("bandelog_indre_noerrebro", 2014)] == 40
    assert len(s) == 13  # two years each, bandelog one
    # ci only for the survey measure
    has_ci = s[s["ci_nedre"].notna()]["indikator_id"].unique().tolist()
    assert has_ci == ["utryghed_aften"]


def test_maalstatus_2014(dataset, programme):
    t = goals.maalstatus(dataset, programme, 2014)
    assert list(t.columns) == ["maalepunkt_nr", "indikator_id", "maalomraade", "aar", "vaerdi", "ci_nedre",
                               "ci_oevre", "basisaar", "basisvaerdi", "maalaar", "maalvaerdi", "sti_vaerdi", "status",
                               "maal_foreloebigt"]
    assert list(t["indikator_id"]) == [i.id for i in programme.indikatorer]
    assert list(t["maalepunkt_nr"]) == [1, 2, 3, 3, 3, 4, 5]
    r = t.set_index("indikator_id")
    assert r["maal_foreloebigt"].to_dict() == {i.id: "ja" if i.id == "omraader_indsatsbehov" else "nej"
                                               for i in programme.indikatorer}
    assert r["status"].to_dict() == {
        "utryghed_aften": "paa_sporet",
        "omraader_indsatsbehov": "paa_sporet",
        "lukkedage": "paa_sporet",
        "lukkede_institutioner": "paa_sporet",
        "handleplan_3_dage": "ikke_naaet",
        "ungdomskriminalitet": "ikke_paa_sporet",
        "bandelog_indre_noerrebro": "basisaar",
    }
    half = 100 * 1.96 * math.sqrt(0.125 * 0.875 / 8)
    u = r.loc["utryghed_aften"]
    assert u["maalomraade"] == "tryghed" and u["aar"] == 2014
    assert (u["vaerdi"], u["basisaar"], u["basisvaerdi"], u["maalaar"], u["maalvaerdi"]) == (12.5, 2013, 17.5, 2017, 13.0)
    assert u["sti_vaerdi"] == pytest.approx(16.375)
    assert u["ci_nedre"] == pytest.approx(12.5 - half) and u["ci_oevre"] == pytest.approx(12.5 + half)
    assert r.loc["lukkedage", "sti_vaerdi"] == pytest.approx(259.6525)
    assert r.loc["lukkede_institutioner", "sti_vaerdi"] == pytest.approx(8.2575)
    assert r.loc["lukkedage", "basisvaerdi"] == 283  # published, although the data say 10
    assert r.loc["lukkedage", "maalvaerdi"] == pytest.approx(189.61)  # 283 less 33 %
    assert r.loc["lukkede_institutioner", "maalvaerdi"] == pytest.approx(6.03)  # 9 less 33 %
    assert pd.isna(r.loc["omraader_indsatsbehov", "sti_vaerdi"]) and pd.isna(r.loc["omraader_indsatsbehov", "maalvaerdi"])
    assert pd.isna(r.loc["lukkedage", "ci_nedre"])
    h = r.loc["handleplan_3_dage"]
    assert pd.isna(h["basisaar"]) and pd.isna(h["basisvaerdi"]) and pd.isna(h["maalaar"]) and h["maalvaerdi"] == 100
    assert r.loc["bandelog_indre_noerrebro", "basisvaerdi"] == 40  # from the data
    assert r.index[r["maalomraade"] == "kriminalitet"].tolist() == ["ungdomskriminalitet", "bandelog_indre_noerrebro"]


def test_maalstatus_dtypes(dataset, programme):
    t = goals.maalstatus(dataset, programme, 2014)
    assert t["aar"].dtype == "int64" and t["maalepunkt_nr"].dtype == "int64"
    assert t["basisaar"].dtype == "Int64" and t["maalaar"].dtype == "Int64"
    for c in ("vaerdi", "ci_nedre", "ci_oevre", "basisvaerdi", "maalvaerdi", "sti_vaerdi"):
        assert t[c].dtype == "float64", c
    assert set(t["status"]) <= {"naaet", "ikke_naaet", "paa_sporet", "ikke_paa_sporet", "basisaar", "ikke_vurderbar"}
    assert set(t["maal_foreloebigt"]) <= {"ja", "nej"}


def test_maalstatus_baseline_year_and_year_without_data(dataset, programme):
    t13 = goals.maalstatus(dataset, programme, 2013).set_index("indikator_id")["status"]
    assert t13["utryghed_aften"] == "basisaar" and t13["lukkedage"] == "basisaar"
    assert t13["handleplan_3_dage"] == "naaet"  # krav: 100 % in 2013
    assert t13["bandelog_indre_noerrebro"] == "ikke_vurderbar"  # no count in 2013
    t15 = goals.maalstatus(dataset, programme, 2015)
    assert set(t15["status"]) == {"ikke_vurderbar"}
    assert t15["vaerdi"].isna().all()


def test_maalstatus_accepts_precomputed_series(dataset, programme):
    s = goals.measure_series(dataset, programme)
    pd.testing.assert_frame_equal(goals.maalstatus(dataset, programme, 2014, series=s),
                                  goals.maalstatus(dataset, programme, 2014))


def test_baseline_warnings(dataset, programme):
    warnings = baseline_warnings(programme, goals.measure_series(dataset, programme))
    assert len(warnings) == 2
    assert "offentliggjort som 283, men data giver 10." in warnings[0]
    assert "offentliggjort som 9, men data giver 1." in warnings[1]
    assert warnings[0].startswith(programme.indikator("lukkedage").title)


def test_programme_parameters_are_used(dataset, programme):
    # count only 'ordinær' areas instead: 2013 → 0, 2014 → 1 (O4)
    other = with_parameters(programme, "omraader_indsatsbehov", needs=["ordinær"])
    other = with_parameters(other, "bandelog_indre_noerrebro", omraade="Tingbjerg")
    s = goals.measure_series(dataset, other)
    got = {(r.indikator_id, r.aar): r.vaerdi for r in s.itertuples()}
    assert got[("omraader_indsatsbehov", 2013)] == 0 and got[("omraader_indsatsbehov", 2014)] == 1
    assert got[("bandelog_indre_noerrebro", 2014)] == 7


def test_shared_measure_computed_once(dataset, programme, monkeypatch):
    calls = []
    original = calculations.REGISTRY["lukkedage"].compute

    def counting(*args):
        calls.append(1)
        return original(*args)

    for name in ("lukkedage", "lukkede_institutioner"):
        monkeypatch.setitem(calculations.REGISTRY, name, dataclasses.replace(calculations.REGISTRY[name], compute=counting))
    goals.measure_series(dataset, programme)
    assert len(calls) == 1
