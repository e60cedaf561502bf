"""The front page's generated text: introduction, the målepunkter's status sentence, evidence counts,
data sources, chapter guide.

Every expected sentence below is written out by hand from the small tables in the test (the
arithmetic is in the comments). The messages per målepunkt are in ``test_key_messages.py``.
"""

from __future__ import annotations

import pandas as pd
import pytest
from front_page_factories import result, scores_frame, status_table

from sikkerby.inputs.dataset import Dataset
from sikkerby.model.evidence import MODEL_STATUSES, model_overview
from sikkerby.report.front_page import (
    baseline_note,
    chapter_guide,
    data_sources,
    data_sources_caption,
    evidence_messages,
    introduction,
    key_messages,
    maalepunkt_messages,
    potential_message,
    programme_year_text,
    status_overview_message,
)

ALL_2017 = [
    {"id": "utryghed_aften", "vaerdi": 13.3, "sti_vaerdi": 13.0, "status": "ikke_naaet"},
    {"id": "omraader_indsatsbehov", "vaerdi": 3, "status": "naaet"},
    {"id": "lukkedage", "vaerdi": 185, "maalvaerdi": 189.61, "sti_vaerdi": 189.61, "status": "naaet"},
    {"id": "lukkede_institutioner", "vaerdi": 6, "maalvaerdi": 6.03, "sti_vaerdi": 6.03, "status": "naaet"},
    {"id": "handleplan_3_dage", "vaerdi": 92.6, "status": "ikke_naaet"},
    {"id": "ungdomskriminalitet", "vaerdi": 0.94, "status": "naaet"},
    {"id": "bandelog_indre_noerrebro", "vaerdi": 117, "basisvaerdi": 142, "status": "naaet"},
]


@pytest.fixture
def table_2017(programme):
    return status_table(programme, 2017, ALL_2017)


@pytest.fixture
def scores_mixed():
    # i_model: A1 grøn (80), A2 and A3 gul (50, 40), A4 without a score; then one of each other status,
    # two godt på vej. Potentials: A1 evidens, A2 resultater, A3 evidens.
    return scores_frame([
        ("A1", "i_model", 80.0, "evidens"), ("A2", "i_model", 50.0, "resultater"), ("A3", "i_model", 40.0, "evidens"),
        ("A4", "i_model", None), ("A5", "foermaaling", None), ("A6", "godt_paa_vej", None),
        ("A7", "godt_paa_vej", None), ("A8", "forsinket", None), ("A9", "ikke_i_model", None),
    ])


# ------------------------------------------------------------------ introduction

@pytest.mark.parametrize(("year", "expected"), [
    (2014, "programmets første år"),
    (2015, "programmets andet år"),
    (2016, "programmets tredje år"),
    (2017, "programmets fjerde og sidste år"),
    (2013, "året før programperioden 2014-2017"),
    (2011, "før programperioden 2014-2017"),
    (2018, "efter programperioden 2014-2017"),
])
def test_programme_year_text(programme, year, expected):
    assert programme_year_text(programme, year) == expected


def test_introduction_speaks_of_five_maalepunkter_in_words(programme):
    params = {"aar": 2017, "title": "Sikker By – status 2017", "forelaeggelse": "juni 2018"}
    assert introduction(programme, params, 2017) == (
        "Sikker By – status 2017 er den årlige status på Sikker By-programmet 2014-2017 i Københavns Kommune. "
        "Den gælder 2017, programmets fjerde og sidste år, og viser, hvordan det går med programmets "
        "fem målepunkter (vurderet på syv indikatorer) for øget tryghed og mindre kriminalitet, og hvordan "
        "aktiviteterne klarer sig i effekt- og evidensmodellen. Publikationen forelægges Økonomiudvalget i juni 2018."
    )


def test_introduction_without_title_or_date(programme):
    text = introduction(programme, {}, 2015)
    assert text.startswith("Publikationen er den årlige status på Sikker By-programmet 2014-2017")
    assert "programmets andet år" in text
    assert text.endswith("Publikationen forelægges Økonomiudvalget.")


# ------------------------------------------------------------------ the målepunkter's status

def test_status_overview_names_the_missed_first(programme, table_2017):
    # målepunkt 1 ikke nået; 3 ikke nået (one of three indikatorer misses); 2, 4, 5 nået
    assert status_overview_message(table_2017, programme, 2017) == (
        "I 2017, programmets fjerde og sidste år, er to af programmets fem målepunkter ikke nået (målepunkt 1 og 3), "
        "og tre er nået (målepunkt 2, 4 og 5). Målepunkt 3 vurderes på flere indikatorer og er kun nået eller på "
        "sporet, når de alle er det.")


def test_status_overview_with_three_groups_and_a_baseline_year(programme):
    table = status_table(programme, 2014, [
        {"id": "utryghed_aften", "vaerdi": 16.3, "status": "paa_sporet"},
        {"id": "omraader_indsatsbehov", "vaerdi": 4, "status": "paa_sporet"},
        {"id": "lukkedage", "vaerdi": 251, "status": "paa_sporet"},
        {"id": "lukkede_institutioner", "vaerdi": 8, "status": "paa_sporet"},
        {"id": "handleplan_3_dage", "vaerdi": 93.1, "status": "ikke_naaet"},
        {"id": "ungdomskriminalitet", "vaerdi": 1.04, "status": "paa_sporet"},
        {"id": "bandelog_indre_noerrebro", "vaerdi": 142, "basisvaerdi": 142, "status": "basisaar"},
    ])
    assert status_overview_message(table, programme, 2014).startswith(
        "I 2014, programmets første år, er ét af programmets fem målepunkter ikke nået (målepunkt 3); ét er i "
        "basisåret (målepunkt 5) og tre er på sporet (målepunkt 1, 2 og 4).")


def test_status_overview_when_all_share_a_status(programme):
    rows = [{"id": m.id, "vaerdi": 1.0, "status": "ikke_paa_sporet"} for m in programme.indikatorer]
    text = status_overview_message(status_table(programme, 2015, rows), programme, 2015)
    # "ingen … er på sporet", never "alle … er ikke på sporet"
    assert text.startswith("I 2015, programmets andet år, er ingen af programmets fem målepunkter på sporet.")
    rows = [{"id": m.id, "vaerdi": 1.0, "status": "naaet"} for m in programme.indikatorer]
    text = status_overview_message(status_table(programme, 2017, rows), programme, 2017)
    assert text.startswith("I 2017, programmets fjerde og sidste år, er alle programmets fem målepunkter nået.")


# ------------------------------------------------------------------ evidence model

def test_model_overview_counts(scores_mixed):
    overview = model_overview(scores_mixed)
    assert list(overview["model_status"]) == list(MODEL_STATUSES)
    rows = overview.set_index("model_status")
    assert rows["antal_aktiviteter"].to_dict() == {
        "i_model": 4, "foermaaling": 1, "godt_paa_vej": 2, "forsinket": 1, "ikke_i_model": 1}
    assert rows.loc["i_model", ["antal_groen", "antal_gul", "antal_roed", "antal_uden_score"]].tolist() == [1, 2, 0, 1]


def test_evidence_messages_say_in_the_model_for_both_statuses(scores_mixed):
    # in the model: 4 reporting results + 1 in førmåling = 5; 3 of the 4 have a score
    assert evidence_messages(scores_mixed, 2016) == [
        "Af de 5 aktiviteter i effekt- og evidensmodellen afrapporterer 4 resultater; 3 af dem har en samlet score "
        "for 2016: 1 i kategori grøn, 2 i gul og 0 i rød, og én mangler en resultatscore og dermed en samlet score.",
        "To aktiviteter er godt på vej ind i modellen og forventes at indgå fra 2017, én har førmåling i 2016 "
        "(første år i modellen, kun evidensscore) og én er forsinket i forhold til det forventede år.",
    ]


def test_evidence_messages_all_scored_and_nothing_on_the_way():
    scores = scores_frame([("B1", "i_model", 30.0), ("B2", "i_model", 75.0), ("B3", "forsinket", None),
                           ("B4", "forsinket", None)])
    assert evidence_messages(scores, 2015) == [
        "Af de 2 aktiviteter i effekt- og evidensmodellen afrapporterer alle resultater og har begge en samlet "
        "score for 2015: 1 i kategori grøn, 0 i gul og 1 i rød.",
        "Ingen aktiviteter er godt på vej ind i modellen og to er forsinkede i forhold til det forventede år.",
    ]
    none = scores_frame([("D1", "ikke_i_model", None)])
    assert evidence_messages(none, 2014)[0] == "Ingen aktiviteter i effekt- og evidensmodellen har en samlet score for 2014."


def test_potential_message(scores_mixed):
    # A1 and A3 evidens, A2 resultater: of the 3 with a score
    assert potential_message(result(scores_mixed, 2016)) == (
        "Udviklingspotentialet ligger oftest i evidensen: af de 3 aktiviteter med en samlet score har 2 i evidensen "
        "og 1 i resultaterne (se afsnittet om udviklingspotentiale).")
    assert potential_message(result(scores_frame([("X", "ikke_i_model", None)]), 2016)) is None


# ------------------------------------------------------------------ key messages

def test_key_messages_lead_with_the_missed(programme, table_2017, scores_mixed):
    messages = key_messages(table_2017, programme, result(scores_mixed, 2017),
                            baseline_warnings=["Mindre ungdomskriminalitet: basisværdien ..."])
    assert messages[0] == status_overview_message(table_2017, programme, 2017)
    assert messages[1:6] == maalepunkt_messages(table_2017, programme)
    assert [m.split(":", 1)[0] for m in messages[1:6]] == [
        "Ikke nået", "Ikke nået", "Nået (målet er foreløbigt)", "Nået", "Nået"]
    assert messages[6:8] == evidence_messages(result(scores_mixed, 2017).scores, 2017)
    assert messages[8] == potential_message(result(scores_mixed, 2017))
    assert messages[9] == ("For én indikator giver data en anden basisværdi end den offentliggjorte; "
                           "den offentliggjorte basisværdi bruges (se afsnittet Om tallene).")
    text = " ".join(messages)
    assert "mindste forbedring" not in text.lower() and "svageste udvikling" not in text.lower()


def test_key_messages_name_a_harmful_method(programme, table_2017, scores_mixed):
    harmful = pd.DataFrame({"aktivitet_id": ["A3"], "navn": ["Aktivitet A3"], "forvaltning": ["SOF"],
                            "indsatsomraade": ["I"], "model_status": ["i_model"]})
    messages = key_messages(table_2017, programme, result(scores_mixed, 2017, skadelig=harmful))
    assert any(m.startswith("Aktiviteten »Aktivitet A3« (Socialforvaltningen (SOF), afrapporterer resultater) "
                            "bygger på en metode, som forskningen viser er skadelig.") for m in messages)


def test_key_messages_refuse_mixed_years(programme, table_2017, scores_mixed):
    with pytest.raises(ValueError, match="evidence model is for 2016"):
        key_messages(table_2017, programme, result(scores_mixed, 2016))
    other = status_table(programme, 2016, ALL_2017[:1])
    with pytest.raises(ValueError, match="one reporting year"):
        key_messages(pd.concat([table_2017, other]), programme, result(scores_mixed, 2017))


# ------------------------------------------------------------------ data sources

def test_data_sources(typed_frame, tmp_path):
    tables = {
        "tryghedsundersoegelse": typed_frame("tryghedsundersoegelse", [
            {"aar": 2013, "respondent_id": "1", "bydel": "Valby", "vaegt": 1.0, "tryghed_aften": 2},
            {"aar": 2014, "respondent_id": "1", "bydel": "Valby", "vaegt": 1.0, "tryghed_aften": 4},
            {"aar": 2014, "respondent_id": "2", "bydel": "Valby", "vaegt": 1.0, "tryghed_aften": None},
        ]),
        "lukninger": typed_frame("lukninger", [
            {"lukning_id": "L1", "institution": "Klub", "forvaltning": "BUF", "bydel": "Valby",
             "startdato": "2016-01-02", "slutdato": "2016-01-03", "planlagt": False},
            {"lukning_id": "L2", "institution": "Klub", "forvaltning": "BUF", "bydel": "Valby",
             "startdato": "2015-12-30", "slutdato": "2016-01-04", "planlagt": False},
        ]),
        "aktiviteter": typed_frame("aktiviteter", [
            {"aktivitet_id": "A1", "navn": "X", "forvaltning": "BUF", "indsatsomraade": "I",
             "foerste_aar_i_model": 2014, "forandringsteori": True, "evidensniveau": "lovende"},
        ]),
    }
    for name in Dataset.table_names():
        tables.setdefault(name, typed_frame(name, []))
    files = {name: tmp_path / f"{name}.csv" for name in Dataset.table_names()}
    files["lukninger"] = tmp_path / "lukninger.xlsx"
    dataset = Dataset(**tables, source_dir=tmp_path, source_files=files)

    sources = data_sources(dataset).set_index("input")
    assert list(sources.index) == list(Dataset.table_names())
    assert sources.loc["tryghedsundersoegelse", ["fil", "raekker", "foerste_aar", "sidste_aar"]].tolist() == [
        "tryghedsundersoegelse.csv", 3, 2013, 2014]
    assert sources.loc["lukninger", ["fil", "raekker", "foerste_aar", "sidste_aar"]].tolist() == [
        "lukninger.xlsx", 2, 2015, 2016]  # by start date
    assert sources.loc["lukninger", "titel"] == "Lukninger af kommunale institutioner og serviceydelser"
    assert sources.loc["aktiviteter", "raekker"] == 1
    assert pd.isna(sources.loc["aktiviteter", "foerste_aar"])  # the register has no year
    assert sources.loc["bandelog", "raekker"] == 0 and pd.isna(sources.loc["bandelog", "sidste_aar"])
    assert str(tmp_path) not in " ".join(sources["fil"])  # the file's name only, no folder
    # the 2015 publication uses data up to and including 2015: the 2016 closure start is not counted
    capped = data_sources(dataset, 2015).set_index("input")
    assert capped.loc["lukninger", ["raekker", "foerste_aar", "sidste_aar"]].tolist() == [2, 2015, 2015]
    assert capped.loc["tryghedsundersoegelse", ["foerste_aar", "sidste_aar"]].tolist() == [2013, 2014]
    assert data_sources(dataset, 2013).set_index("input").loc["tryghedsundersoegelse", "sidste_aar"] == 2013
    assert pd.isna(data_sources(dataset, 2014).set_index("input").loc["lukninger", "sidste_aar"])
    assert data_sources_caption(2016) == "Inddata bag publikationen (data til og med 2016)"


def test_chapter_guide_comes_from_the_programme(programme):
    import dataclasses

    opening, bullets = chapter_guide(programme)
    assert opening == ("Denne sammenfatning giver overblikket. Bagefter følger fire kapitler, "
                       "som kan læses hver for sig:")
    crime = [f"»{m.title}«" for m in programme.maalepunkter_for("kriminalitet")]
    assert bullets[1] == f"Mindre kriminalitet gennemgår programmets to målepunkter {crime[0]} og {crime[1]}."
    assert bullets[0].startswith("Øget tryghed gennemgår programmets tre målepunkter »")
    assert bullets[2].startswith("Effekt og evidens viser effekt- og evidensmodellen")
    assert bullets[3].startswith("Bilagene viser hver aktivitets succeskriterier")
    # one goal area with one målepunkt: three chapters, the målepunkt named alone
    single = dataclasses.replace(programme, goal_areas={"kriminalitet": programme.goal_areas["kriminalitet"]},
                                 maalepunkter=tuple(programme.maalepunkter_for("kriminalitet"))[:1])
    opening, bullets = chapter_guide(single)
    assert opening.endswith("Bagefter følger tre kapitler, som kan læses hver for sig:")
    assert bullets[0] == f"Mindre kriminalitet gennemgår målepunktet {crime[0]}."


def test_baseline_note():
    assert baseline_note([]) == ("Data for basisåret stemmer overens med de offentliggjorte basisværdier for alle "
                                 "indikatorer, der har en offentliggjort basisværdi.")
    assert baseline_note(["a", "b"]) == ("For to indikatorer giver data for basisåret en anden værdi end den "
                                         "offentliggjorte basisværdi:")
    assert baseline_note(iter(["a"])).startswith("For én indikator giver")
