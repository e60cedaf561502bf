"""The effect-and-evidence model's rules added for issue 12: `skadelig` is always rød, the annex of
success criteria, the list of harmful methods. Cases computed by hand in the comments."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from sikkerby.model import evidence

Y = 2016


def activity(aid, first=None, expected=None, evidens="effektiv", omraade="I", forvaltning="SOF", navn=None):
    return {"aktivitet_id": aid, "navn": navn or f"Aktivitet {aid}", "forvaltning": forvaltning,
            "indsatsomraade": omraade, "foerste_aar_i_model": first, "forventet_aar_i_model": expected,
            "forandringsteori": True, "evidensniveau": evidens}


def criterion(aid, kid, baseline, maal, values, beskrivelse=None):
    retning = "op" if maal > (baseline if baseline is not None else -math.inf) else "ned"
    return [{"aktivitet_id": aid, "kriterie_id": kid, "aar": year, "beskrivelse": beskrivelse or f"Kriterium {kid}",
             "resultat": "uddannelse", "retning": retning, "baseline": baseline, "maal": maal, "vaerdi": value}
            for year, value in values.items()]


def params(skadelig_points=0.0):
    points = {"effektiv": 100, "lovende": 67, "utilstraekkelig": 33, "ingen_effekt": 0, "skadelig": skadelig_points}
    return evidence.ModelParams(evidence_points=points)


@pytest.fixture
def frames(typed_frame):
    activities = [
        activity("H", first=2014, evidens="skadelig"),            # 0,5·100 + 0,5·0 = 50: gul by score, rød by rule
        activity("G", first=2014, evidens="lovende"),             # 0,5·100 + 0,5·67 = 83,5: grøn
        activity("N", first=2014, evidens="skadelig"),            # no value in 2016: no score, no kategori
        activity("F", first=2016, evidens="skadelig", omraade="II"),  # førmåling: evidensscore only
        activity("O", expected=2019, evidens="skadelig", omraade="V"),  # outside the model
    ]
    criteria = [
        *criterion("H", "K1", 0, 10, {2016: 10}),
        *criterion("G", "K1", 0, 10, {2015: 4, 2016: 10}),
        *criterion("G", "K2", 20, 10, {2016: 15}),                # ned: (15 − 20)/(10 − 20) = 0,5 → 50
        *criterion("N", "K1", 0, 10, {2015: 3}),
        *criterion("F", "K1", 5, 15, {2016: 6}),
    ]
    return typed_frame("aktiviteter", activities), typed_frame("succeskriterier", criteria)


def test_skadelig_is_always_roed_whatever_its_score(frames):
    aktiviteter, succeskriterier = frames
    scores = evidence.score_activities(aktiviteter, succeskriterier, Y, params()).set_index("aktivitet_id")
    # G: K1 100, K2 50 → resultatscore 75; 0,5·75 + 0,5·67 = 71 → grøn
    assert scores.loc["G", "samlet_score"] == pytest.approx(71.0) and scores.loc["G", "kategori"] == "groen"
    assert scores.loc["H", "samlet_score"] == pytest.approx(50.0) and scores.loc["H", "kategori"] == "roed"
    # even when the programme file gave skadelig full points: 0,5·100 + 0,5·100 = 100, still rød
    generous = evidence.score_activities(aktiviteter, succeskriterier, Y, params(100.0)).set_index("aktivitet_id")
    assert generous.loc["H", "samlet_score"] == pytest.approx(100.0) and generous.loc["H", "kategori"] == "roed"
    # without a score there is no kategori (as for every activity), in the model or not
    for aid in ("N", "F", "O"):
        assert pd.isna(scores.loc[aid, "samlet_score"]) and pd.isna(scores.loc[aid, "kategori"])


def test_every_harmful_activity_is_listed_with_its_status(frames):
    aktiviteter, _ = frames
    listed = evidence.list_skadelig(aktiviteter, Y)
    assert dict(zip(listed["aktivitet_id"], listed["model_status"])) == {
        "F": "foermaaling", "H": "i_model", "N": "i_model", "O": "ikke_i_model"}


def test_annex_lists_every_criterion_of_the_activities_in_the_model(frames):
    aktiviteter, succeskriterier = frames
    annex = evidence.criteria_annex(aktiviteter, succeskriterier, Y)
    assert list(annex.columns) == list(evidence.ANNEX_COLUMNS)
    # indsatsområde I first (G, H, N by id), then II (F); O is outside the model
    assert list(zip(annex["aktivitet_id"], annex["kriterie_id"])) == [
        ("G", "K1"), ("G", "K2"), ("H", "K1"), ("N", "K1"), ("F", "K1")]
    rows = annex.set_index(["aktivitet_id", "kriterie_id"])
    assert rows.loc[("G", "K2"), "maalopfyldelse"] == pytest.approx(50.0)
    assert rows.loc[("G", "K1"), "vaerdi"] == 10 and rows.loc[("G", "K1"), "maalopfyldelse"] == 100
    # N has no value in 2016: listed, not in the score; F is in førmåling: not in the score
    assert not rows.loc[("N", "K1"), "i_resultatscore"] and pd.isna(rows.loc[("N", "K1"), "vaerdi"])
    assert not rows.loc[("F", "K1"), "i_resultatscore"] and rows.loc[("F", "K1"), "model_status"] == "foermaaling"
    assert rows.loc[("G", "K1"), "navn"] == "Aktivitet G" and rows.loc[("F", "K1"), "indsatsomraade"] == "II"


def test_annex_mean_of_the_counted_criteria_is_the_resultatscore(sample_dataset, programme):
    for year in (2015, 2017):
        result = evidence.evaluate(sample_dataset, programme, year)
        counted = result.annex[result.annex["i_resultatscore"]]
        means = counted.groupby("aktivitet_id")["maalopfyldelse"].mean()
        scores = result.scores.set_index("aktivitet_id")["resultatscore"].dropna()
        assert sorted(means.index) == sorted(scores.index)
        assert (means - scores.reindex(means.index)).abs().max() < 1e-9


def test_the_scored_status_has_its_own_label():
    # "i modellen" in sentences is i_model and foermaaling together; the label of i_model says what it is
    assert evidence.MODEL_STATUS_LABELS["i_model"] == "Afrapporterer resultater"
    assert evidence.FLAG_LABELS["mangler_baseline"] == "Succeskriterium uden basisværdi"


def test_missing_baseline_is_named_by_the_criterion_description(typed_frame):
    aktiviteter = typed_frame("aktiviteter", [activity("A", first=2014)])
    succeskriterier = typed_frame("succeskriterier", criterion("A", "K7", None, 10, {2016: 5},
                                                               beskrivelse="Andel i job (%)"))
    flags = evidence.activity_flags(aktiviteter, succeskriterier, Y)
    message = flags.loc[flags["flag"] == "mangler_baseline", "besked"].iloc[0]
    assert message == "Succeskriteriet »Andel i job (%)« mangler en basisværdi og indgår ikke i resultatscoren."
    assert "K7" not in message


def test_evaluate_carries_the_annex_and_the_harmful_list(frames, programme):
    aktiviteter, succeskriterier = frames
    result = evidence.evaluate(SimpleNamespace(aktiviteter=aktiviteter, succeskriterier=succeskriterier),
                               programme, Y)
    assert len(result.annex) == 5 and len(result.skadelig) == 4
