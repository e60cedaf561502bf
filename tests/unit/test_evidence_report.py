"""The effect-and-evidence chapter's sentences and tables, on small cases worked out by hand."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sikkerby.model import evidence
from sikkerby.report import evidence_chapter
from sikkerby.report.display import Paragraph, Table
from sikkerby.report.formatting import NBSP

Y = 2016


def activity(aid, first=None, expected=None, evidens="effektiv", theory=True, forvaltning="SOF", omraade="I",
             navn=None):
    return {"aktivitet_id": aid, "navn": navn or f"Aktivitet {aid}", "forvaltning": forvaltning,
            "indsatsomraade": omraade, "foerste_aar_i_model": first, "forventet_aar_i_model": expected,
            "forandringsteori": theory, "evidensniveau": evidens}


def criterion(aid, kid, baseline, maal, values, resultat="uddannelse"):
    retning = "op" if maal > (baseline if baseline is not None else -math.inf) else "ned"
    return [{"aktivitet_id": aid, "kriterie_id": kid, "aar": year, "beskrivelse": f"{kid} i {year}",
             "resultat": resultat, "retning": retning, "baseline": baseline, "maal": maal, "vaerdi": value}
            for year, value in values.items()]


# Year 2016, default model (0,5/0,5; effektiv 100, lovende 67, skadelig 0; groen ≥ 70, gul ≥ 40):
ACTIVITIES = [
    activity("A1", first=2014, evidens="effektiv", forvaltning="BUF", omraade="I"),   # 0,5·80 + 0,5·100 = 90 groen
    activity("A2", first=2015, evidens="lovende", forvaltning="SOF", omraade="II"),   # 0,5·13 + 0,5·67 = 40 gul
    activity("A3", first=2014, evidens="skadelig", forvaltning="SOF", omraade="II"),  # 0,5·20 + 0 = 10 roed
    activity("A4", first=2016, evidens="lovende", theory=False, omraade="III"),      # foermaaling, no theory
    activity("A5", expected=2017, forvaltning="ØKF", omraade="V"),                   # godt_paa_vej
    activity("A6", expected=2015, forvaltning="XYZ", omraade="IV"),                  # forsinket
    activity("A7", omraade="IV"),                                                    # no expected year
    activity("A8", first=2014, theory=False, omraade="IV", navn="Tom & <Jerry>"),    # no baseline: no score
]
CRITERIA = [
    *criterion("A1", "K1", 0, 100, {2016: 80}),
    *criterion("A2", "K1", 0, 100, {2016: 13}, resultat="misbrug"),
    *criterion("A3", "K1", 0, 100, {2016: 20}, resultat="misbrug"),
    *criterion("A8", "K1", None, 10, {2016: 5}, resultat="koordination"),
]


@pytest.fixture
def dataset(typed_frame):
    return SimpleNamespace(aktiviteter=typed_frame("aktiviteter", ACTIVITIES),
                           succeskriterier=typed_frame("succeskriterier", CRITERIA))


@pytest.fixture
def result(dataset, programme):
    return evidence.evaluate(dataset, programme, Y)


def empty_result(typed_frame, programme, activities, criteria=()):
    data = SimpleNamespace(aktiviteter=typed_frame("aktiviteter", activities),
                           succeskriterier=typed_frame("succeskriterier", list(criteria)))
    return evidence.evaluate(data, programme, Y)


def cells(table: Table, header: str) -> list[str]:
    return table.to_frame()[header].tolist()


# --- selections -------------------------------------------------------------------

def scores_frame(rows):
    return pd.DataFrame(rows, columns=["aktivitet_id", "navn", "model_status", "samlet_score"])


def test_ranked_scores_best_first_ties_share_a_rank():
    scores = scores_frame([
        ("A", "a", "i_model", 50.0),
        ("B", "b", "i_model", 83.5),
        ("C", "c", "i_model", 83.5),
        ("D", "d", "i_model", np.nan),
        ("E", "e", "ikke_i_model", np.nan),
        ("F", "f", "i_model", 50.0 + 1e-12),  # floating-point noise: ties with A
        ("G", "g", "i_model", 10.0),
    ])
    ranked = evidence_chapter.ranked_scores(scores)
    assert ranked["aktivitet_id"].tolist() == ["B", "C", "A", "F", "G"]
    assert ranked["rang"].tolist() == [1, 1, 3, 3, 5]


def test_ranked_scores_of_nothing_is_empty():
    ranked = evidence_chapter.ranked_scores(scores_frame([("E", "e", "ikke_i_model", np.nan)]))
    assert ranked.empty and "rang" in ranked.columns


def test_scatter_scores_are_the_scored_then_the_unscored(result):
    frame = evidence_chapter.scatter_scores(result.scores)
    assert frame["aktivitet_id"].tolist() == ["A1", "A2", "A3", "A8"]
    assert frame["rang"].tolist()[:3] == [1, 2, 3] and pd.isna(frame["rang"].iloc[3])
    assert evidence_chapter.unscored_in_model(result.scores)["aktivitet_id"].tolist() == ["A8"]


# --- the model's rules ------------------------------------------------------------

def test_describe_weights_default(result):
    assert evidence_chapter.describe_weights(result.params) == (
        "Den samlede score er 0,5 × resultatscoren + 0,5 × evidensscoren. Kategorien er grøn ved en "
        "samlet score på 70 eller mere, gul ved 40 eller mere og rød under 40.")


def test_describe_weights_follows_the_parameters():
    params = evidence.ModelParams(
        evidence_points={"effektiv": 90, "lovende": 60, "utilstraekkelig": 30.5, "ingen_effekt": 0, "skadelig": 0},
        weight_resultat=0.6, weight_evidens=0.4,
        categories=(("groen", 75.0), ("gul", 50.0), ("roed", None)))
    assert evidence_chapter.describe_weights(params) == (
        "Den samlede score er 0,6 × resultatscoren + 0,4 × evidensscoren. Kategorien er grøn ved en "
        "samlet score på 75 eller mere, gul ved 50 eller mere og rød under 50.")
    table = evidence_chapter.evidence_points_table(params)
    assert cells(table, "Evidensniveau") == ["Effektiv", "Lovende", "Utilstrækkelig", "Ingen effekt", "Skadelig"]
    assert cells(table, "Evidensscore") == ["90", "60", "30,5", "0", "0"]


# --- summary ------------------------------------------------------------------------

def test_describe_summary_by_hand(result):
    # in the model: A1, A2, A3, A8 (i_model) + A4 (foermaaling) = 5 of 8; scored: A1 groen, A2 gul, A3 roed
    assert evidence_chapter.describe_summary(result) == (
        "I 2016 indgår 5 af programmets 8 aktiviteter i effekt- og evidensmodellen: 4 afrapporterer "
        "resultater, og 1 er i førmåling. En aktivitet er godt på vej mod modellen, og en er forsinket. "
        "Af de 3 aktiviteter med en samlet score ligger 1 i grøn kategori, 1 i gul og 1 i rød. "
        "En af de 4, der afrapporterer resultater, har ingen samlet score (Tom & <Jerry>), fordi ingen af dens "
        "succeskriterier har både en basisværdi og en målt værdi for 2016.")


def test_describe_summary_with_nothing_in_the_model(typed_frame, programme):
    res = empty_result(typed_frame, programme, [activity("X", expected=2019), activity("Z")])
    assert evidence_chapter.describe_summary(res) == (
        "I 2016 indgår ingen af programmets 2 aktiviteter i effekt- og evidensmodellen. "
        "Ingen aktiviteter er godt på vej mod modellen, og ingen er forsinkede.")


def test_describe_summary_zero_categories_say_ingen(typed_frame, programme):
    res = empty_result(typed_frame, programme,
                       [activity("X", first=2014, evidens="effektiv"), activity("Z", first=2014, evidens="effektiv")],
                       [*criterion("X", "K1", 0, 10, {2016: 10}), *criterion("Z", "K1", 0, 10, {2016: 9})])
    assert evidence_chapter.describe_summary(res) == (
        "I 2016 indgår alle programmets 2 aktiviteter i effekt- og evidensmodellen: 2 afrapporterer "
        "resultater, og ingen er i førmåling. Ingen aktiviteter er godt på vej mod modellen, og ingen er "
        "forsinkede. Af de 2 aktiviteter med en samlet score ligger 2 i grøn kategori, ingen i gul og ingen i rød.")


# --- ranked table ----------------------------------------------------------------

def test_ranked_table_shows_category_word_symbol_and_danish_scores(result):
    table = evidence_chapter.ranked_table(result)
    frame = table.to_frame()
    assert frame["Aktivitet"].tolist() == ["Aktivitet A1", "Aktivitet A2", "Aktivitet A3"]
    assert frame["Nr."].tolist() == ["1", "2", "3"]
    assert frame["Samlet score"].tolist() == ["90,0", "40,0", "10,0"]
    assert frame["Evidensscore"].tolist() == ["100,0", "67,0", "0,0"]
    assert frame["Kategori"].tolist() == ["● Grøn", "■ Gul", "▼ Rød"]
    html = table._repr_html_()
    assert "sb-kategori-groen" in html and "sb-kategori-roed" in html
    assert "2016" in table.caption


# --- lists ---------------------------------------------------------------------

def test_foermaaling_sentence_and_table(result):
    assert evidence_chapter.describe_foermaaling(result) == (
        "En aktivitet er i førmåling i 2016: den udarbejder forandringsteori og opstiller basisværdier for sine "
        "succeskriterier og får en resultatscore fra 2017. Den har endnu ikke en forandringsteori.")
    table = evidence_chapter.foermaaling_table(result)
    assert cells(table, "Aktivitet") == ["Aktivitet A4"]
    assert cells(table, "Forandringsteori") == ["Nej"]
    assert cells(table, "Indsatsområde") == ["III (tertiær)"]


def test_godt_paa_vej_sentence_and_table(result):
    assert evidence_chapter.describe_godt_paa_vej(result) == (
        "En aktivitet er godt på vej med effektarbejdet og forventes at indgå i effekt- og evidensmodellen "
        "i 2017. Listen forelægges Økonomiudvalget sammen med denne afrapportering.")
    table = evidence_chapter.godt_paa_vej_table(result)
    assert cells(table, "Aktivitet") == ["Aktivitet A5"]
    assert cells(table, "Forventet i modellen") == ["2017"]


def test_forsinket_sentence_and_table(result):
    assert evidence_chapter.describe_forsinket(result) == (
        "En aktivitet var forventet i modellen senest i 2016, men indgår ikke, og 1 aktivitet uden for "
        "modellen mangler et forventet år for, hvornår den kan indgå.")
    table = evidence_chapter.forsinket_table(result)
    assert dict(zip(cells(table, "Aktivitet"), cells(table, "Bemærkning"))) == {
        "Aktivitet A6": "Forsinket", "Aktivitet A7": "Mangler forventet år i modellen"}
    assert dict(zip(cells(table, "Aktivitet"), cells(table, "Forventet i modellen"))) == {
        "Aktivitet A6": "2015", "Aktivitet A7": "–"}


def test_flags_sentence_and_table(result):
    # A4 (foermaaling) and A8 lack a theory of change; A8's K1 lacks a baseline
    assert evidence_chapter.describe_flags(result) == (
        "To aktiviteter i modellen har ingen forandringsteori i 2016, og et succeskriterium hos 1 aktivitet "
        "i modellen mangler en basisværdi og indgår derfor ikke i resultatscoren.")
    table = evidence_chapter.flags_table(result)
    assert cells(table, "Aktivitet") == ["Aktivitet A4", "Tom & <Jerry>", "Tom & <Jerry>"]
    assert cells(table, "Status i modellen") == ["◆ Førmåling", "● Afrapporterer resultater",
                                                 "● Afrapporterer resultater"]
    # the criterion is named by its description, never by its internal id
    assert cells(table, "Bemærkning")[2] == ("Succeskriteriet »K1 i 2016« mangler en basisværdi og indgår ikke i "
                                             "resultatscoren.")
    assert "'K1'" not in " ".join(cells(table, "Bemærkning"))


def test_empty_lists_are_said_in_a_sentence_without_a_table(typed_frame, programme):
    res = empty_result(typed_frame, programme, [activity("X", first=2014), activity("Z", expected=2019)],
                       criterion("X", "K1", 0, 10, {2016: 5}))
    assert evidence_chapter.describe_foermaaling(res) == "Ingen aktiviteter er i førmåling i 2016."
    assert evidence_chapter.describe_godt_paa_vej(res) == (
        "Ingen aktiviteter er godt på vej med effektarbejdet, så ingen forventes at indgå i modellen i 2017.")
    assert evidence_chapter.describe_forsinket(res) == (
        "Ingen aktiviteter er forsinkede i 2016, og alle aktiviteter uden for modellen har et forventet år "
        "for, hvornår de kan indgå.")
    assert evidence_chapter.describe_flags(res) == (
        "Alle aktiviteter i modellen har i 2016 en forandringsteori, og alle deres succeskriterier har en "
        "basisværdi.")
    for sentence, table in [
        (evidence_chapter.describe_godt_paa_vej(res), evidence_chapter.godt_paa_vej_table(res)),
        (evidence_chapter.describe_forsinket(res), evidence_chapter.forsinket_table(res)),
    ]:
        parts = evidence_chapter.list_parts(sentence, table)
        assert len(parts) == 1 and isinstance(parts[0], Paragraph) and parts[0].text == sentence


def test_a_list_with_rows_shows_sentence_and_table(result):
    parts = evidence_chapter.list_parts("x", evidence_chapter.godt_paa_vej_table(result))
    assert [type(p) for p in parts] == [Paragraph, Table]


# --- breakdowns ------------------------------------------------------------------

def test_breakdown_tables_use_danish_names(result, programme):
    table = evidence_chapter.indsatsomraade_table(result)
    assert cells(table, "Indsatsområde") == [
        "I (primær)", "II (sekundær)", "III (tertiær)", "IV (lokalområder)", "V (koordination)"]
    assert cells(table, "Aktiviteter") == ["1", "2", "1", "3", "1"]
    assert cells(table, "Gns. samlet score") == ["90,0", "25,0", "–", "–", "–"]  # II: (40 + 10) / 2
    assert cells(table, "Grøn") == ["1", "0", "0", "0", "0"]
    table = evidence_chapter.forvaltning_table(result, programme.forvaltninger)
    names = cells(table, "Forvaltning")
    assert names[0] == "Børne- og Ungdomsforvaltningen (BUF)"
    assert names[-1] == "XYZ"  # not one of the programme's: shown as delivered


def test_forvaltning_name():
    assert evidence_chapter.forvaltning_name("SOF", {"SOF": "Socialforvaltningen"}) == "Socialforvaltningen (SOF)"
    assert evidence_chapter.forvaltning_name("ABC", {"SOF": "Socialforvaltningen"}) == "ABC"


def test_describe_indsatsomraader_by_hand(result):
    assert evidence_chapter.describe_indsatsomraader(result) == (
        "Blandt indsatsområderne har indsatsområde I (primær) den højeste gennemsnitlige samlede score "
        "(90,0), og indsatsområde II (sekundær) den laveste (25,0).")


def test_describe_resultater_uses_attainment(result):
    # uddannelse: A1 80; misbrug: A2 13, A3 20 -> 16,5; koordination: A8 has no baseline -> no mean
    assert evidence_chapter.describe_resultater(result) == (
        "Blandt resultaterne i forandringsteorien har uddannelse den højeste gennemsnitlige målopfyldelse "
        f"(80,0{NBSP}%), og misbrug den laveste (16,5{NBSP}%).")


def test_describe_extremes_ties_single_and_none():
    frame = pd.DataFrame({"k": ["a", "b", "c", "d"], "v": [60.0, 50.0, np.nan, 60.0]})
    say = lambda f: evidence_chapter.describe_extremes(f, "k", "v", str.upper, "grupperne", "værdi")  # noqa: E731
    assert say(frame) == "Blandt grupperne har A og D den højeste værdi (60,0), og B den laveste (50,0)."
    assert say(frame.iloc[[0, 3]]) == "Blandt grupperne er den værdi den samme for alle (60,0)."
    assert say(frame.iloc[[1]]) == "Kun B har en værdi (50,0)."
    assert say(frame.iloc[[2]]) == "Blandt grupperne har ingen en værdi i året."
    close = pd.DataFrame({"k": ["a", "b"], "v": [50.04, 50.01]})
    assert say(close) == "Blandt grupperne har A den højeste værdi (50,04), og B den laveste (50,01)."


# --- development potential --------------------------------------------------------

def test_potential_parts_group_the_activities(result):
    # A1: 80 vs 100 -> resultater; A2: 13 vs 67 -> resultater; A3: 20 vs 0 -> evidens
    parts = evidence_chapter.potential_parts(result)
    assert [type(p) for p in parts] == [Paragraph, Paragraph, Table, Paragraph, Table]
    assert parts[0].text.startswith("Af de 3 aktiviteter med en samlet score har 1 deres største "
                                    "udviklingspotentiale i evidensen og 2 i resultaterne.")
    assert parts[1].text == ("Udviklingspotentialet ligger i resultaterne for 2 aktiviteter: deres resultatscore "
                             "er lavere end evidensscoren, så de især kan udvikles ved at nå længere med deres "
                             "succeskriterier.")
    assert cells(parts[2], "Aktivitet") == ["Aktivitet A1", "Aktivitet A2"]
    assert cells(parts[2], "Resultatscore") == ["80,0", "13,0"]
    assert parts[3].text == ("Udviklingspotentialet ligger i evidensen for 1 aktivitet: dens evidensscore er "
                             "lavere end resultatscoren, så den især kan udvikles ved at bygge på metoder med "
                             "bedre dokumenteret effekt.")
    assert cells(parts[4], "Aktivitet") == ["Aktivitet A3"]


def test_potential_group_begge(result):
    rows = pd.DataFrame({"resultatscore": [100.0, 67.0], "evidensscore": [100.0, 67.0]})
    say = evidence_chapter.describe_potential_group
    assert say(rows.iloc[[0]], "begge", result.params) == (
        "En aktivitet har den højest mulige score for både resultater og evidens og har ikke et særligt "
        "udviklingspotentiale.")
    assert say(rows.iloc[[1]], "begge", result.params) == (
        "For 1 aktivitet er resultatscoren og evidensscoren lige store, så udviklingspotentialet ligger i "
        "begge dele.")
    assert say(rows, "begge", result.params) == (
        "For 2 aktiviteter er resultatscoren og evidensscoren lige store, så udviklingspotentialet ligger i "
        "begge dele; 1 af dem har den højest mulige score for både resultater og evidens og har ikke et "
        "særligt udviklingspotentiale.")
    with pytest.raises(ValueError):
        say(rows, "noget", result.params)


def test_describe_potentials_with_begge(typed_frame, programme):
    res = empty_result(typed_frame, programme, [activity("X", first=2014, evidens="lovende")],
                       criterion("X", "K1", 0, 100, {2016: 67}))
    assert evidence_chapter.describe_potentials(res) == (
        "Den ene aktivitet med en samlet score har lige store resultat- og evidensscorer, så potentialet "
        "ligger i begge.")


# --- overview ----------------------------------------------------------------------

def test_activity_overview_shows_the_relevant_year(result, dataset):
    overview = evidence_chapter.activity_overview(result, dataset.aktiviteter).set_index("aktivitet_id")
    assert overview.loc["A1", "foerste_aar_i_model"] == 2014 and pd.isna(overview.loc["A1", "forventet_aar_i_model"])
    assert overview.loc["A5", "forventet_aar_i_model"] == 2017 and pd.isna(overview.loc["A5", "foerste_aar_i_model"])
    tables = evidence_chapter.overview_parts(result, dataset.aktiviteter)
    # A1 (I); A2, A3 (II); A4 (III); A6, A7, A8 (IV); A5 (V)
    assert [t.caption for t in tables] == [f"Indsatsområde {name}: aktiviteterne i 2016" for name in (
        "I (primær)", "II (sekundær)", "III (tertiær)", "IV (lokalområder)", "V (koordination)")]
    assert [cells(t, "Aktivitet") for t in tables] == [
        ["Aktivitet A1"], ["Aktivitet A2", "Aktivitet A3"], ["Aktivitet A4"],
        ["Aktivitet A6", "Aktivitet A7", "Tom & <Jerry>"], ["Aktivitet A5"]]
    frame = pd.concat([t.to_frame() for t in tables]).set_index("Aktivitet")
    assert frame.loc["Aktivitet A4", "Status i modellen"] == "◆ Førmåling"
    assert frame.loc["Aktivitet A6", "Forventet i modellen"] == "2015"
    assert frame.loc["Aktivitet A6", "I modellen fra"] == "–"
    assert frame.loc["Tom & <Jerry>", "Forandringsteori"] == "Nej"
    html = tables[3]._repr_html_()
    assert "Tom &amp; &lt;Jerry&gt;" in html and "<Jerry>" not in html


def test_overview_leaves_out_an_empty_indsatsomraade(typed_frame, programme):
    rows = [activity("X", omraade="II"), activity("Z", omraade="V")]
    res = empty_result(typed_frame, programme, rows)
    tables = evidence_chapter.overview_parts(res, typed_frame("aktiviteter", rows))
    assert [t.caption.split(":")[0] for t in tables] == ["Indsatsområde II (sekundær)", "Indsatsområde V (koordination)"]


# --- a large register: tables cut to the publication's limit ------------------------

CSV_SENTENCE = "står i aktivitetsscorer.csv i publikationens mappe, som har én række pr. aktivitet."


def test_cut_note_says_how_many_are_shown_and_where_the_rest_are():
    note = evidence_chapter.cut_note
    assert note(50, 4200, in_scores_file=True) == (
        "Tabellen viser de første 50 af 4.200 aktiviteter. Alle 4.200 " + CSV_SENTENCE)
    assert note(50, 1300, in_scores_file=False, noun=("bemærkning", "bemærkninger")) == (
        "Tabellen viser de første 50 af 1.300 bemærkninger. Listen er afkortet: de øvrige 1.250 er ikke "
        "med i publikationen.")
    assert note(1, 2, in_scores_file=False) == (
        "Tabellen viser den første af 2 aktiviteter. Listen er afkortet: den sidste er ikke med i publikationen.")
    assert note(1, 2, in_scores_file=True) == "Tabellen viser den første af 2 aktiviteter. Begge " + CSV_SENTENCE
    assert note(3, 4, in_scores_file=False) == (
        "Tabellen viser de første 3 af 4 aktiviteter. Listen er afkortet: den sidste er ikke med i publikationen.")


def test_cut_note_is_empty_when_nothing_is_cut():
    assert evidence_chapter.cut_note(3, 3, in_scores_file=True) == ""
    assert evidence_chapter.cut_note(0, 0, in_scores_file=False) == ""


def test_cut_table_at_the_boundary():
    rows = pd.DataFrame({"navn": ["c", "a", "b", "d"]})
    whole = evidence_chapter.cut_table(rows.head(3), ["navn"], "Tre", max_rows=3, in_scores_file=True)
    assert cells(whole, "navn") == ["c", "a", "b"] and whole.note == "" and whole.caption == "Tre"
    cut = evidence_chapter.cut_table(rows, ["navn"], "Fire", max_rows=3, in_scores_file=True)
    assert cells(cut, "navn") == ["c", "a", "b"]  # the first rows in the table's own order
    assert cut.note == "Tabellen viser de første 3 af 4 aktiviteter. Alle 4 " + CSV_SENTENCE
    assert "Tabellen viser de første 3 af 4 aktiviteter" in cut._repr_html_()
    assert "Tabellen viser de første 3 af 4 aktiviteter" in cut._repr_markdown_()
    uncut = evidence_chapter.cut_table(rows, ["navn"], "Fire", max_rows=None, in_scores_file=True)
    assert len(uncut.rows) == 4 and uncut.note == ""


def test_ranked_table_cut_keeps_the_best(result):
    # A1 90, A2 40, A3 10: three scored activities
    assert len(evidence_chapter.ranked_table(result, max_rows=3).rows) == 3
    assert evidence_chapter.ranked_table(result, max_rows=3).note == ""
    table = evidence_chapter.ranked_table(result, max_rows=2)
    assert cells(table, "Aktivitet") == ["Aktivitet A1", "Aktivitet A2"]
    assert table.note == "Tabellen viser de første 2 af 3 aktiviteter. Alle 3 " + CSV_SENTENCE


def test_lists_the_scores_file_does_not_hold_say_how_many_are_left_out(result):
    # forsinket: A6 (forsinket), A7 (no expected year) - the expected year is not in aktivitetsscorer.csv
    assert evidence_chapter.forsinket_table(result, max_rows=2).note == ""
    table = evidence_chapter.forsinket_table(result, max_rows=1)
    assert len(table.rows) == 1
    assert table.note == ("Tabellen viser den første af 2 aktiviteter. Listen er afkortet: den sidste er ikke "
                          "med i publikationen.")
    # flags: one row per remark (A4 and A8 lack a theory of change, A8's K1 a baseline)
    flags = evidence_chapter.in_model_flags(result.flags)
    assert len(flags) == 3
    assert evidence_chapter.flags_table(result, max_rows=3).note == ""
    table = evidence_chapter.flags_table(result, max_rows=2)
    assert cells(table, "Aktivitet") == flags["navn"].tolist()[:2]
    assert table.note == ("Tabellen viser de første 2 af 3 bemærkninger. Listen er afkortet: den sidste er ikke "
                          "med i publikationen.")


def test_one_row_lists_at_the_boundary(typed_frame, programme):
    # two activities in førmåling and two godt på vej; limit 2 keeps them whole, limit 1 cuts
    res = empty_result(typed_frame, programme, [
        activity("F1", first=2016, theory=False), activity("F2", first=2016),
        activity("G1", expected=2017), activity("G2", expected=2017, forvaltning="BUF")])
    assert evidence_chapter.foermaaling_table(res, max_rows=2).note == ""
    assert evidence_chapter.godt_paa_vej_table(res, max_rows=2).note == ""
    foer = evidence_chapter.foermaaling_table(res, max_rows=1)  # the theory of change is not in the file
    assert cells(foer, "Aktivitet") == ["Aktivitet F1"]
    assert foer.note.endswith("Listen er afkortet: den sidste er ikke med i publikationen.")
    godt = evidence_chapter.godt_paa_vej_table(res, max_rows=1)  # godt_paa_vej in the file means year + 1
    assert cells(godt, "Aktivitet") == ["Aktivitet G2"]  # the list's order: forvaltning, then id
    assert godt.note == "Tabellen viser den første af 2 aktiviteter. Begge " + CSV_SENTENCE


def test_potential_tables_are_cut_each(result):
    # resultater: A1, A2; evidens: A3
    parts = evidence_chapter.potential_parts(result, max_rows=1)
    tables = [p for p in parts if isinstance(p, Table)]
    assert [len(t.rows) for t in tables] == [1, 1]
    assert tables[0].note == "Tabellen viser den første af 2 aktiviteter. Begge " + CSV_SENTENCE
    assert tables[1].note == ""
    assert [t.note for t in evidence_chapter.potential_parts(result, max_rows=2) if isinstance(t, Table)] == ["", ""]


def test_overview_tables_are_cut_each(result, dataset):
    # IV holds A6, A7, A8; the model years and the theory of change are not in aktivitetsscorer.csv
    tables = evidence_chapter.overview_parts(result, dataset.aktiviteter, max_rows=2)
    by_caption = {t.caption.split(":")[0]: t for t in tables}
    iv = by_caption["Indsatsområde IV (lokalområder)"]
    assert cells(iv, "Aktivitet") == ["Aktivitet A6", "Aktivitet A7"]
    assert iv.note == ("Tabellen viser de første 2 af 3 aktiviteter. Listen er afkortet: den sidste er ikke med "
                       "i publikationen.")
    assert all(t.note == "" for name, t in by_caption.items() if name != "Indsatsområde IV (lokalområder)")
    assert all(t.note == "" for t in evidence_chapter.overview_parts(result, dataset.aktiviteter, max_rows=3))


def test_summary_names_the_unscored_only_up_to_the_limit(typed_frame, programme, result):
    assert evidence_chapter.describe_summary(result, max_names=1) == evidence_chapter.describe_summary(result)
    res = empty_result(typed_frame, programme, [activity("X", first=2014), activity("Z", first=2014)],
                       [*criterion("X", "K1", None, 10, {2016: 5}), *criterion("Z", "K1", None, 10, {2016: 5})])
    text = evidence_chapter.describe_summary(res, max_names=1)
    assert text.endswith(
        "Ingen af de 2, der afrapporterer resultater, har en samlet score, fordi ingen af deres succeskriterier "
        "har både en basisværdi og en målt værdi for 2016. De står i aktivitetsscorer.csv i publikationens mappe som "
        "aktiviteter i modellen uden samlet score.")
    assert "Aktivitet X" not in text
    assert "(Aktivitet X og Aktivitet Z)" in evidence_chapter.describe_summary(res, max_names=2)


def test_scatter_caption_says_whether_points_are_labelled(result):
    labelled = ("Resultatscore og evidensscore for aktiviteterne i modellen i 2016. Baggrunden viser kategorierne "
                "efter samlet score; punkterne er mærket med aktivitetens nummer i tabellen over den samlede score.")
    assert evidence_chapter.scatter_caption(result) == labelled
    assert evidence_chapter.scatter_caption(result, max_labels=3) == labelled  # three points: A1, A2, A3
    assert evidence_chapter.scatter_caption(result, max_labels=2) == (
        "Resultatscore og evidensscore for aktiviteterne i modellen i 2016. Baggrunden viser kategorierne "
        "efter samlet score. Med 3 aktiviteter i figuren er punkterne ikke mærket (de mærkes, når der højst er 2); "
        "hver aktivitets scorer står i aktivitetsscorer.csv i publikationens mappe.")


# --- issue 12: ranks follow the shown score; harmful methods named; potentials in words ----------

def test_ranks_follow_the_score_as_shown():
    # 50,0 and 50,015 both read "50,0": one rank. 50,04 reads "50,0" too; 50,06 reads "50,1": a rank of its own.
    scores = scores_frame([
        ("A", "a", "i_model", 50.0), ("B", "b", "i_model", 50.015), ("C", "c", "i_model", 50.04),
        ("D", "d", "i_model", 50.06),
    ])
    ranked = evidence_chapter.ranked_scores(scores)
    assert ranked["aktivitet_id"].tolist() == ["D", "A", "B", "C"]
    assert ranked["rang"].tolist() == [1, 2, 2, 2]


def test_a_score_next_to_a_category_limit_gets_the_decimals_that_keep_its_side():
    categories = (("groen", 70.0), ("gul", 40.0), ("roed", None))
    # 69,96 is gul: "70,0" would look grøn, so two decimals; 70,04 is grøn and "70,0" says so
    assert evidence_chapter.fmt_score(69.96, categories) == "69,96"
    assert evidence_chapter.fmt_score(70.04, categories) == "70,0"
    assert evidence_chapter.fmt_score(39.96, categories) == "39,96"
    assert evidence_chapter.fmt_score(55.55, categories) == "55,6"
    # 69,996: two decimals still read 70,00, three read 69,996
    assert evidence_chapter.fmt_score(69.996, categories) == "69,996"
    # ranked on the shown score: 69,96 (gul) ranks after 70,0 (grøn), not with it
    scores = scores_frame([("A", "a", "i_model", 69.96), ("B", "b", "i_model", 70.04)])
    assert evidence_chapter.ranked_scores(scores, categories)["rang"].tolist() == [1, 2]


def test_harmful_method_is_named_and_red(result, programme):
    # A3 is skadelig (fixture): roed, and named with its forvaltning and status
    assert result.scores.set_index("aktivitet_id").loc["A3", "kategori"] == "roed"
    assert evidence_chapter.describe_skadelig(result, programme.forvaltninger) == (
        "Aktiviteten »Aktivitet A3« (Socialforvaltningen (SOF), afrapporterer resultater) bygger på en metode, "
        "som forskningen viser er skadelig. En sådan aktivitet er altid i kategori rød, uanset dens samlede score.")


def test_no_harmful_method_is_said(typed_frame, programme):
    res = empty_result(typed_frame, programme, [activity("X", first=2014)], criterion("X", "K1", 0, 10, {2016: 5}))
    assert evidence_chapter.describe_skadelig(res) == (
        "Ingen af aktiviteterne bygger på en metode, som forskningen viser er skadelig.")


def test_potentials_summary_in_words(result):
    # A1 resultater (80 < 100, grøn), A2 resultater (13 < 67, gul), A3 evidens (20 > 0, rød: the lowest kategori)
    assert evidence_chapter.potential_counts(result) == {"resultater": 2, "evidens": 1, "begge": 0}
    assert evidence_chapter.describe_potentials(result) == (
        "Af de 3 aktiviteter med en samlet score har 1 deres største udviklingspotentiale i evidensen og 2 i "
        "resultaterne. Potentiale i evidensen betyder, at aktiviteten når sine egne succeskriterier bedre, end "
        "forskningen dokumenterer virkningen af dens metode: den kan især styrkes ved at bygge på metoder med "
        "bedre dokumenteret effekt. Potentiale i resultaterne betyder, at metoden er bedre dokumenteret, end "
        "aktiviteten når sine succeskriterier: den kan især styrkes ved at nå længere med succeskriterierne. "
        "Den ene aktivitet i kategori rød har potentialet i evidensen.")
