"""The effect-and-evidence model (DATA.md §3) on cases computed by hand."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml
from factories import PROGRAMME_2014_2017

from sikkerby.config.programme import load_programme
from sikkerby.model import evidence

Y = 2016


def activity(aid, first=None, expected=None, evidens="effektiv", theory=True, forvaltning="SOF", omraade="I"):
    return {"aktivitet_id": aid, "navn": f"Aktivitet {aid}", "forvaltning": forvaltning,
            "indsatsomraade": omraade, "foerste_aar_i_model": first, "forventet_aar_i_model": expected,
            "forandringsteori": theory, "evidensniveau": evidens}


def criterion(aid, kid, baseline, maal, values: dict[int, float | None], resultat="uddannelse"):
    retning = "op" if maal > (baseline if baseline is not None else -math.inf) else "ned"
    return [{"aktivitet_id": aid, "kriterie_id": kid, "aar": year, "beskrivelse": f"{kid} i {year}",
             "resultat": resultat, "retning": retning, "baseline": baseline, "maal": maal, "vaerdi": value}
            for year, value in values.items()]


# Activities and criteria for Y = 2016; the expected scores are worked out beside each.
ACTIVITIES = [
    # A01: attainments 50 (op), 75 (ned), 100 (above target, clipped), 0 (below baseline, clipped);
    #      K5 has no value in 2016 and is left out -> resultat (50+75+100+0)/4 = 56.25;
    #      evidens 100 -> samlet 78.125 groen, weaker: resultater
    activity("A01", first=2014, evidens="effektiv"),
    activity("A02", first=2016, evidens="lovende"),              # foermaaling: evidens 67 only
    activity("A03", first=2015, evidens="utilstraekkelig"),      # i_model, no value in 2016
    activity("A04", first=2015, evidens="effektiv"),             # 0.5*40 + 0.5*100 = 70 -> groen
    activity("A05", first=2015, evidens="lovende"),              # 0.5*13 + 0.5*67 = 40 -> gul
    activity("A06", first=2015, evidens="lovende"),              # 0.5*12.5 + 0.5*67 = 39.75 -> roed
    activity("A07", first=2014, evidens="lovende"),              # 67 vs 67 -> begge, samlet 67 gul
    activity("A08", first=2014, evidens="ingen_effekt"),         # 100 vs 0 -> evidens, samlet 50 gul
    activity("A09", first=2014, evidens="skadelig", theory=False),  # K1 no baseline (flagged); K2 60
    activity("A10", expected=2017),                              # Y+1: godt_paa_vej
    activity("A11", expected=2016),                              # Y: forsinket
    activity("A12", expected=2015),                              # before Y: forsinket
    activity("A13", expected=2018),                              # Y+2: ikke_i_model
    activity("A14"),                                             # empty: ikke_i_model, flagged
    activity("A15", first=2017, expected=2017),                  # enters 2017: godt_paa_vej in 2016
    activity("A16", first=2015, evidens="effektiv"),             # 0.5*39.98 + 50 = 69.99 -> gul
]

CRITERIA = [
    *criterion("A01", "K1", 10, 20, {2015: 12, 2016: 15}),        # (15-10)/(20-10) = 50
    *criterion("A01", "K2", 40, 20, {2016: 25}),                  # ned: (25-40)/(20-40) = 75
    *criterion("A01", "K3", 0, 10, {2016: 12}),                   # 120 -> 100
    *criterion("A01", "K4", 10, 20, {2016: 5}),                   # -50 -> 0
    *criterion("A01", "K5", 0, 10, {2015: 10, 2016: None}),       # no value in 2016
    *criterion("A02", "K1", 0, 10, {2016: 10}),                   # foermaaling: not scored
    *criterion("A03", "K1", 0, 10, {2015: 5}),                    # nothing in 2016
    *criterion("A04", "K1", 0, 100, {2016: 40}),
    *criterion("A05", "K1", 0, 100, {2016: 13}),
    *criterion("A06", "K1", 0, 100, {2016: 12.5}),
    *criterion("A07", "K1", 0, 100, {2016: 67}, resultat="misbrug"),
    *criterion("A08", "K1", 50, 0, {2016: -3}, resultat="tilbagefald"),  # ned, beyond target -> 100
    *criterion("A09", "K1", None, 10, {2016: 8}, resultat="koordination"),
    *criterion("A09", "K2", 0, 10, {2016: 6}, resultat="koordination"),
    *criterion("A09", "K3", 0, 10, {2017: 9}, resultat="misbrug"),  # only from 2017: unknown in 2016
    *criterion("A10", "K1", None, 5, {2016: 1}),                  # not in the model: no flag
    *criterion("A16", "K1", 0, 100, {2016: 39.98}),
]


@pytest.fixture
def aktiviteter(typed_frame):
    return typed_frame("aktiviteter", ACTIVITIES)


@pytest.fixture
def succeskriterier(typed_frame):
    return typed_frame("succeskriterier", CRITERIA)


@pytest.fixture
def params(programme):
    return evidence.ModelParams.from_programme(programme)


@pytest.fixture
def scores(aktiviteter, succeskriterier, params):
    return evidence.score_activities(aktiviteter, succeskriterier, Y, params).set_index("aktivitet_id")


# --- model status ---------------------------------------------------------------

def test_model_status_for_every_rule(aktiviteter):
    status = evidence.model_status(aktiviteter, Y)
    assert status.index.equals(aktiviteter.index)
    got = dict(zip(aktiviteter["aktivitet_id"], status))
    assert got == {
        "A01": "i_model", "A02": "foermaaling", "A03": "i_model", "A04": "i_model", "A05": "i_model",
        "A06": "i_model", "A07": "i_model", "A08": "i_model", "A09": "i_model",
        "A10": "godt_paa_vej", "A11": "forsinket", "A12": "forsinket", "A13": "ikke_i_model",
        "A14": "ikke_i_model", "A15": "godt_paa_vej", "A16": "i_model",
    }


@pytest.mark.parametrize(("year", "expected"), [
    (2014, "ikke_i_model"),   # first 2016, expected 2016 = Y+2
    (2015, "godt_paa_vej"),   # expected = Y+1
    (2016, "foermaaling"),    # first year in the model
    (2017, "i_model"),
])
def test_model_status_moves_through_the_years(year, expected, typed_frame):
    frame = typed_frame("aktiviteter", [activity("X", first=2016, expected=2016)])
    assert evidence.model_status(frame, year).tolist() == [expected]


def test_expected_year_of_an_activity_already_in_the_model_is_ignored(typed_frame):
    frame = typed_frame("aktiviteter", [activity("X", first=2014, expected=2013)])
    assert evidence.model_status(frame, 2016).tolist() == ["i_model"]


# --- criteria -----------------------------------------------------------------------

def test_criterion_attainment_by_hand(succeskriterier):
    table = evidence.criterion_attainment(succeskriterier, Y)
    assert list(table.columns) == list(evidence.ATTAINMENT_COLUMNS)
    a = table.set_index(["aktivitet_id", "kriterie_id"])["maalopfyldelse"]
    assert a["A01", "K1"] == 50.0
    assert a["A01", "K2"] == 75.0          # retning ned
    assert a["A01", "K3"] == 100.0         # above target: clipped
    assert a["A01", "K4"] == 0.0           # below baseline: clipped
    assert np.isnan(a["A01", "K5"])        # no value in 2016
    assert np.isnan(a["A03", "K1"])        # a value in 2015 only
    assert a["A08", "K1"] == 100.0         # ned, beyond target
    assert np.isnan(a["A09", "K1"])        # no baseline
    assert ("A09", "K3") not in a.index    # first row in 2017: not known in 2016
    flagged = table.loc[table["mangler_baseline"], ["aktivitet_id", "kriterie_id"]].values.tolist()
    assert flagged == [["A09", "K1"], ["A10", "K1"]]
    # the row of the reporting year is the one described
    assert table.set_index(["aktivitet_id", "kriterie_id"]).loc[("A01", "K1"), "beskrivelse"] == "K1 i 2016"


def test_criterion_attainment_in_a_later_year_sees_the_new_criterion(succeskriterier):
    table = evidence.criterion_attainment(succeskriterier, 2017).set_index(["aktivitet_id", "kriterie_id"])
    assert table.loc[("A09", "K3"), "maalopfyldelse"] == 90.0
    assert np.isnan(table.loc[("A01", "K1"), "vaerdi"])


def test_criterion_with_target_equal_to_baseline_is_refused(typed_frame):
    frame = typed_frame("succeskriterier", criterion("A", "K", 5, 5, {2016: 5}))
    with pytest.raises(ValueError, match="A/K"):
        evidence.criterion_attainment(frame, 2016)


def test_criterion_attainment_before_any_data_is_empty(succeskriterier):
    table = evidence.criterion_attainment(succeskriterier, 2010)
    assert table.empty and list(table.columns) == list(evidence.ATTAINMENT_COLUMNS)


# --- scores ----------------------------------------------------------------------------

def test_scores_table_shape_and_order(aktiviteter, succeskriterier, params):
    shuffled = aktiviteter.iloc[::-1].reset_index(drop=True)
    table = evidence.score_activities(shuffled, succeskriterier, Y, params)
    assert list(table.columns) == [
        "aktivitet_id", "navn", "forvaltning", "indsatsomraade", "model_status",
        "resultatscore", "evidensscore", "samlet_score", "kategori", "udviklingspotentiale"]
    assert table["aktivitet_id"].tolist() == sorted(a["aktivitet_id"] for a in ACTIVITIES)
    assert table.index.tolist() == list(range(len(ACTIVITIES)))
    for column in ("resultatscore", "evidensscore", "samlet_score"):
        assert table[column].dtype == "float64"


def test_scores_by_hand(scores):
    a01 = scores.loc["A01"]
    assert a01["resultatscore"] == 56.25
    assert a01["evidensscore"] == 100.0
    assert a01["samlet_score"] == 78.125
    assert a01["kategori"] == "groen"
    assert a01["udviklingspotentiale"] == "resultater"

    a08 = scores.loc["A08"]
    assert (a08["resultatscore"], a08["evidensscore"], a08["samlet_score"]) == (100.0, 0.0, 50.0)
    assert (a08["kategori"], a08["udviklingspotentiale"]) == ("gul", "evidens")

    a09 = scores.loc["A09"]  # the criterion without a baseline is left out of the mean
    assert (a09["resultatscore"], a09["evidensscore"], a09["samlet_score"]) == (60.0, 0.0, 30.0)
    assert a09["kategori"] == "roed"


def test_tie_gives_begge(scores):
    assert scores.loc["A07", "resultatscore"] == scores.loc["A07", "evidensscore"] == 67.0
    assert scores.loc["A07", "udviklingspotentiale"] == "begge"


@pytest.mark.parametrize(("aid", "samlet", "kategori"), [
    ("A04", 70.0, "groen"),     # exactly 70
    ("A16", 69.99, "gul"),      # just below 70
    ("A05", 40.0, "gul"),       # exactly 40
    ("A06", 39.75, "roed"),     # below 40
])
def test_category_thresholds(scores, aid, samlet, kategori):
    assert scores.loc[aid, "samlet_score"] == pytest.approx(samlet, abs=1e-12)
    assert scores.loc[aid, "kategori"] == kategori


def test_foermaaling_gets_evidensscore_only(scores):
    a02 = scores.loc["A02"]
    assert a02["model_status"] == "foermaaling"
    assert a02["evidensscore"] == 67.0
    assert a02[["resultatscore", "samlet_score", "kategori", "udviklingspotentiale"]].isna().all()


def test_in_model_without_values_has_no_result_score(scores):
    a03 = scores.loc["A03"]
    assert a03["evidensscore"] == 33.0
    assert a03[["resultatscore", "samlet_score", "kategori", "udviklingspotentiale"]].isna().all()


def test_activities_outside_the_model_have_no_scores(scores):
    outside = scores[~scores["model_status"].isin(["i_model", "foermaaling"])]
    assert len(outside) == 6
    assert outside[["resultatscore", "evidensscore", "samlet_score", "kategori",
                    "udviklingspotentiale"]].isna().all().all()


def _programme_with(tmp_path, **evidence_model):
    raw = yaml.safe_load((PROGRAMME_2014_2017 / "program.yaml").read_text(encoding="utf-8"))
    raw["evidence_model"].update(evidence_model)
    path = tmp_path / "program.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_programme(path)


def test_weights_and_points_come_from_the_programme(tmp_path, aktiviteter, succeskriterier):
    programme = _programme_with(tmp_path, weights={"resultat": 0.8, "evidens": 0.2},
                                evidence_points={"effektiv": 90, "lovende": 60, "utilstraekkelig": 30,
                                                 "ingen_effekt": 0, "skadelig": -10})
    dataset = SimpleNamespace(aktiviteter=aktiviteter, succeskriterier=succeskriterier)
    table = evidence.aktivitetsscorer(dataset, programme, Y).set_index("aktivitet_id")
    # A01: 0.8*56.25 + 0.2*90 = 45 + 18 = 63 -> gul (78.125 groen with the default weights)
    assert table.loc["A01", "evidensscore"] == 90.0
    assert table.loc["A01", "samlet_score"] == pytest.approx(63.0)
    assert table.loc["A01", "kategori"] == "gul"
    assert table.loc["A09", "evidensscore"] == -10.0


def test_categories_come_from_the_programme(tmp_path, aktiviteter, succeskriterier):
    programme = _programme_with(tmp_path, categories=[{"kategori": "groen", "min": 80},
                                                      {"kategori": "roed", "min": None}])
    dataset = SimpleNamespace(aktiviteter=aktiviteter, succeskriterier=succeskriterier)
    table = evidence.aktivitetsscorer(dataset, programme, Y).set_index("aktivitet_id")
    assert table.loc["A01", "kategori"] == "roed"     # 78.125 < 80
    assert table.loc["A08", "resultatscore"] == 100.0
    assert set(table["kategori"].dropna()) == {"roed"}


def test_programme_without_points_for_a_level_is_refused(programme):
    from sikkerby.config.programme import ProgrammeError

    with pytest.raises(ProgrammeError, match="lovende"):
        evidence.ModelParams(evidence_points={"effektiv": 100, "utilstraekkelig": 33,
                                              "ingen_effekt": 0, "skadelig": 0})


# --- flags -------------------------------------------------------------------------------

def test_activity_flags(aktiviteter, succeskriterier):
    flags = evidence.activity_flags(aktiviteter, succeskriterier, Y)
    assert list(flags.columns) == list(evidence.FLAG_COLUMNS)
    got = [(r.aktivitet_id, r.flag, None if pd.isna(r.kriterie_id) else r.kriterie_id)
           for r in flags.itertuples()]
    assert got == [
        ("A09", "mangler_forandringsteori", None),
        ("A09", "mangler_baseline", "K1"),
        ("A11", "forsinket", None),
        ("A12", "forsinket", None),
        ("A14", "mangler_forventet_aar", None),
    ]
    texts = dict(zip(zip(flags["aktivitet_id"], flags["flag"]), flags["besked"]))
    assert "2015" in texts["A12", "forsinket"]
    # the criterion is named by its description (issue 12), never by its internal id
    assert "mangler en basisværdi" in texts["A09", "mangler_baseline"] and "'K1'" not in texts["A09", "mangler_baseline"]


def test_foermaaling_without_theory_of_change_is_flagged(typed_frame):
    frame = typed_frame("aktiviteter", [activity("X", first=2016, theory=False), activity("Y", expected=2017, theory=False)])
    crit = typed_frame("succeskriterier", criterion("X", "K", None, 3, {2016: None}))
    flags = evidence.activity_flags(frame, crit, 2016)
    assert flags[["aktivitet_id", "flag"]].values.tolist() == [
        ["X", "mangler_forandringsteori"], ["X", "mangler_baseline"]]


# --- aggregates and lists ---------------------------------------------------------------

def test_scores_by_indsatsomraade(typed_frame):
    acts = typed_frame("aktiviteter", [
        activity("A", first=2014, evidens="effektiv", omraade="II"),   # 0.5*50 + 50 = 75 groen
        activity("B", first=2014, evidens="utilstraekkelig", omraade="II"),  # 0.5*100 + 16.5 = 66.5 gul
        activity("C", first=2016, evidens="lovende", omraade="II"),    # foermaaling
        activity("D", expected=2017, omraade="IV"),
    ])
    crit = typed_frame("succeskriterier", [*criterion("A", "K", 0, 10, {2016: 5}), *criterion("B", "K", 0, 10, {2016: 10})])
    scores = evidence.score_activities(acts, crit, 2016, evidence.ModelParams(
        evidence_points={"effektiv": 100, "lovende": 67, "utilstraekkelig": 33, "ingen_effekt": 0, "skadelig": 0}))
    table = evidence.scores_by_indsatsomraade(scores).set_index("indsatsomraade")
    assert table.index.tolist() == ["I", "II", "III", "IV", "V"]
    ii = table.loc["II"]
    assert (ii["antal_aktiviteter"], ii["antal_i_model"], ii["antal_foermaaling"]) == (3, 2, 1)
    assert (ii["antal_groen"], ii["antal_gul"], ii["antal_roed"]) == (1, 1, 0)
    assert ii["gns_resultatscore"] == 75.0
    assert ii["gns_evidensscore"] == 66.5            # i_model only: (100 + 33) / 2
    assert ii["gns_samlet_score"] == pytest.approx(70.75)
    assert table.loc["IV", "antal_godt_paa_vej"] == 1
    assert table.loc["I", "antal_aktiviteter"] == 0 and np.isnan(table.loc["I", "gns_samlet_score"])


def test_scores_by_forvaltning_lists_the_programme_first(scores, programme):
    table = evidence.scores_by_forvaltning(scores.reset_index(), list(programme.forvaltninger))
    assert table["forvaltning"].tolist() == list(programme.forvaltninger)
    assert table.set_index("forvaltning").loc["SOF", "antal_aktiviteter"] == len(ACTIVITIES)
    assert table["antal_aktiviteter"].sum() == len(ACTIVITIES)


def test_scores_by_resultat(scores, succeskriterier):
    criteria = evidence.criterion_attainment(succeskriterier, Y)
    table = evidence.scores_by_resultat(scores.reset_index(), criteria).set_index("resultat")
    assert table.index.tolist()[:3] == ["fritidstilbud", "uddannelse", "beskaeftigelse"]
    koordination = table.loc["koordination"]   # A09's K1 (no baseline) and K2 (60)
    assert (koordination["antal_aktiviteter"], koordination["antal_kriterier"]) == (1, 2)
    assert koordination["gns_maalopfyldelse"] == 60.0
    assert koordination["antal_roed"] == 1
    misbrug = table.loc["misbrug"]             # A07 only; A09's K3 is from 2017
    assert (misbrug["antal_aktiviteter"], misbrug["gns_samlet_score"]) == (1, 67.0)
    assert table.loc["fritidstilbud", "antal_aktiviteter"] == 0


def test_committee_lists(aktiviteter):
    assert evidence.list_godt_paa_vej(aktiviteter, Y)["aktivitet_id"].tolist() == ["A10", "A15"]
    late = evidence.list_forsinket(aktiviteter, Y)
    assert late[["aktivitet_id", "aarsag"]].values.tolist() == [
        ["A11", "forsinket"], ["A12", "forsinket"], ["A14", "mangler_forventet_aar"]]
    assert evidence.list_foermaaling(aktiviteter, Y)["aktivitet_id"].tolist() == ["A02"]


def test_evaluate_bundles_the_tables(aktiviteter, succeskriterier, programme, params):
    dataset = SimpleNamespace(aktiviteter=aktiviteter, succeskriterier=succeskriterier)
    result = evidence.evaluate(dataset, programme, Y)
    pd.testing.assert_frame_equal(result.scores, evidence.score_activities(aktiviteter, succeskriterier, Y, params))
    assert len(result.flags) == 5
    assert result.godt_paa_vej["aktivitet_id"].tolist() == ["A10", "A15"]
    assert result.by_indsatsomraade["antal_aktiviteter"].sum() == len(ACTIVITIES)


# --- the bundled sample data ----------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_dataset(programme):
    from sikkerby.inputs.dataset import load_dataset

    return load_dataset(None, programme)


@pytest.mark.parametrize("year", [2014, 2015, 2016, 2017])
def test_sample_scores_keep_the_rules(sample_dataset, programme, year):
    table = evidence.aktivitetsscorer(sample_dataset, programme, year)
    assert list(table.columns) == list(evidence.SCORE_COLUMNS)
    assert table["aktivitet_id"].tolist() == sorted(sample_dataset.aktiviteter["aktivitet_id"])
    assert set(table["model_status"]) <= set(evidence.MODEL_STATUSES)
    scored = table[table["samlet_score"].notna()]
    assert (scored["model_status"] == "i_model").all()
    assert scored["resultatscore"].between(0, 100).all()
    expected_kategori = np.select([scored["samlet_score"] >= 70, scored["samlet_score"] >= 40], ["groen", "gul"], "roed")
    assert scored["kategori"].tolist() == expected_kategori.tolist()
    evidence_only = table[table["model_status"] == "foermaaling"]
    assert evidence_only["evidensscore"].notna().all() and evidence_only["resultatscore"].isna().all()
    outside = table[~table["model_status"].isin(evidence.IN_MODEL)]
    assert outside["evidensscore"].isna().all()
    csv = table.to_csv(index=False)
    assert csv == evidence.aktivitetsscorer(sample_dataset, programme, year).to_csv(index=False)
