"""The front page's generated text: introduction, key messages, developments, evidence counts, data sources.

Every expected sentence below is written out by hand from the small tables in
the test (the arithmetic is in the comments).
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest
from summary_factories import scores_frame, status_table

from sikkerby.inputs.dataset import Dataset
from sikkerby.model.evidence import KATEGORIER, MODEL_STATUSES, model_overview
from sikkerby.report.formatting import NBSP, describe_target
from sikkerby.report.front_page import (
    baseline_note,
    chapter_guide,
    data_sources,
    data_sources_caption,
    describe_development,
    development_messages,
    developments,
    evidence_messages,
    introduction,
    key_messages,
    missed_messages,
    programme_year_text,
)

NB = NBSP
# indikator titles of the 2014-2017 programme (tests/programmes/sikker-by-2014-2017)
UTRYGHED = ("Andel af borgerne, der føler sig utrygge eller meget utrygge, når de færdes i deres nabolag om aftenen "
            "og natten")
OMRAADER = "Antal lokalområder med intensiveret eller markant indsatsbehov i Tryghedsindekset"
LUKKEDAGE = "Antal ikke-planlagte lukkedage (institution og kalenderdag) som følge af uro i et område"
INSTITUTIONER = "Antal institutioner og serviceydelser med mindst én ikke-planlagt lukkedag"
HANDLEPLAN = ("Andel af ikke-planlagte lukninger med en handleplan for genåbning eller alternativt tilbud senest "
              "3. arbejdsdag efter lukningen")
UNGDOM = "Andel af de 15-25-årige, der er sigtet for personfarlig eller anden alvorlig kriminalitet"


@pytest.fixture
def table_2016(programme):
    """Reporting year 2016: nået, på sporet, ikke på sporet and ikke vurderbar."""
    return status_table(programme, 2016, [
        {"id": "utryghed_aften", "vaerdi": 14.0, "basisaar": 2013, "basisvaerdi": 17.5, "status": "paa_sporet"},
        {"id": "omraader_indsatsbehov", "vaerdi": 5, "basisaar": 2013, "basisvaerdi": 5, "status": "ikke_paa_sporet"},
        {"id": "lukkedage", "vaerdi": 300, "basisaar": 2013, "basisvaerdi": 283, "status": "ikke_paa_sporet"},
        {"id": "lukkede_institutioner", "vaerdi": 8, "basisaar": 2013, "basisvaerdi": 9, "status": "ikke_paa_sporet"},
        {"id": "handleplan_3_dage", "vaerdi": 100.0, "status": "naaet"},
        {"id": "ungdomskriminalitet", "vaerdi": None, "basisaar": 2013, "basisvaerdi": 1.1, "status": "ikke_vurderbar"},
        {"id": "bandelog_indre_noerrebro", "vaerdi": 100, "basisaar": 2014, "basisvaerdi": 125, "status": "paa_sporet"},
    ])


@pytest.fixture
def table_2017(programme):
    """Reporting year 2017 (the target year): nået and ikke nået."""
    return status_table(programme, 2017, [
        {"id": "utryghed_aften", "vaerdi": 13.3, "basisaar": 2013, "basisvaerdi": 17.5, "status": "ikke_naaet"},
        {"id": "lukkedage", "vaerdi": 185, "basisaar": 2013, "basisvaerdi": 283, "status": "naaet"},
        {"id": "handleplan_3_dage", "vaerdi": 92.6, "status": "ikke_naaet"},
    ])


@pytest.fixture
def table_2014(programme):
    """Reporting year 2014: the gang log's baseline year (basisår) and one on track."""
    return status_table(programme, 2014, [
        {"id": "ungdomskriminalitet", "vaerdi": 1.04, "basisaar": 2013, "basisvaerdi": 1.1, "status": "paa_sporet"},
        {"id": "bandelog_indre_noerrebro", "vaerdi": 142, "basisaar": 2014, "basisvaerdi": 142, "status": "basisaar"},
    ])


@pytest.fixture
def scores_mixed():
    # i_model: A1 grøn (80), A2 and A3 gul (50, 40), A4 without a score; then one of each other status,
    # two godt på vej.
    return scores_frame([
        ("A1", "i_model", 80.0), ("A2", "i_model", 50.0), ("A3", "i_model", 40.0), ("A4", "i_model", None),
        ("A5", "foermaaling", None), ("A6", "godt_paa_vej", None), ("A7", "godt_paa_vej", None),
        ("A8", "forsinket", None), ("A9", "ikke_i_model", None),
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


def test_introduction_names_publication_programme_year_and_committee(programme):
    params = {"aar": 2017, "title": "Sikker By – status 2017", "forelaeggelse": "juni 2018"}
    assert introduction(programme, params, 2017) == (
        "Sikker By – status 2017 er den årlige status på Sikker By-programmet 2014-2017 i Københavns Kommune. "
        "Den gælder 2017, programmets fjerde og sidste år, og viser, hvordan det går med programmets "
        "5 målepunkter (vurderet på 7 indikatorer) for øget tryghed og mindre kriminalitet, og hvordan "
        "aktiviteterne klarer sig i effekt- og evidensmodellen. Publikationen forelægges Økonomiudvalget i juni 2018."
    )


def test_introduction_says_indikatorer_only_when_they_differ_from_the_maalepunkter(programme):
    import dataclasses

    # one indikator per målepunkt: the number of målepunkter says it all
    one_each = dataclasses.replace(programme, maalepunkter=tuple(
        dataclasses.replace(m, indikatorer=m.indikatorer[:1]) for m in programme.maalepunkter))
    text = introduction(one_each, {}, 2015)
    assert "programmets 5 målepunkter for øget tryghed og mindre kriminalitet" in text
    assert "indikator" not in text


def test_introduction_without_title_or_date(programme):
    text = introduction(programme, {}, 2015)
    assert text.startswith("Publikationen er den årlige status på Sikker By-programmet 2014-2017")
    assert "programmets andet år" in text
    assert text.endswith("Publikationen forelægges Økonomiudvalget.")


# ------------------------------------------------------------------ developments

def test_developments_rank_relative_improvement(programme, table_2016):
    found = developments(table_2016, programme)
    # utryghed (17.5-14)/17.5 = 0.2; bandelog (125-100)/125 = 0.2 (a tie: programme order);
    # lukkede_institutioner 1/9; omraader 0; lukkedage -17/283.
    # Left out: handleplan (no baseline), ungdomskriminalitet (no value).
    assert [d.indikator_id for d in found] == [
        "utryghed_aften", "bandelog_indre_noerrebro", "lukkede_institutioner", "omraader_indsatsbehov", "lukkedage",
    ]
    assert [round(d.improvement, 6) for d in found] == [0.2, 0.2, round(1 / 9, 6), 0.0, round(-17 / 283, 6)]


def test_developments_leave_out_the_baseline_year_and_zero_baselines(programme, table_2014):
    assert [d.indikator_id for d in developments(table_2014, programme)] == ["ungdomskriminalitet"]
    zero = status_table(programme, 2016, [
        {"id": "lukkedage", "vaerdi": 3, "basisaar": 2013, "basisvaerdi": 0, "status": "ikke_paa_sporet"},
    ])
    assert developments(zero, programme) == []


def test_best_and_weakest_development_sentences(programme, table_2016):
    assert development_messages(table_2016, programme) == [
        # 17,5 - 14,0 = 3,5 points; 3,5/17,5 = 20 %
        f"Den bedste udvikling siden basisåret (relativ ændring) har »{UTRYGHED}«: andelen er faldet med "
        f"3,5{NB}procentpoint (20{NB}% af basisværdien) fra 17,5{NB}% i 2013 til 14,0{NB}% i 2016, "
        f"og målepunktet er på sporet.",
        # 300 - 283 = 17; 17/283 = 6,007 % -> 6 %
        f"Den svageste udvikling siden basisåret har »{LUKKEDAGE}«: antallet er steget med 17 "
        f"(6{NB}% af basisværdien) fra 283 i 2013 til 300 i 2016, og målepunktet er ikke på sporet.",
    ]


def test_development_sentences_in_the_target_year(programme, table_2017):
    assert development_messages(table_2017, programme) == [
        # 283 - 185 = 98; 98/283 = 34,63 % -> 35 %
        f"Den bedste udvikling siden basisåret (relativ ændring) har »{LUKKEDAGE}«: antallet er faldet med 98 "
        f"(35{NB}% af basisværdien) fra 283 i 2013 til 185 i 2017, og målet er nået.",
        # 17,5 - 13,3 = 4,2 points; 4,2/17,5 = 24 %: an improvement too, so not "the weakest development"
        f"Den mindste forbedring siden basisåret har »{UTRYGHED}«: andelen er faldet med 4,2{NB}procentpoint "
        f"(24{NB}% af basisværdien) fra 17,5{NB}% i 2013 til 13,3{NB}% i 2017, og målet er ikke nået.",
    ]


def test_when_every_development_is_a_worsening_the_best_is_the_smallest_worsening(programme):
    table = status_table(programme, 2016, [
        # 300 - 283 = 17 → 6 % worse; 19,25 - 17,5 = 1,75 → 10 % worse
        {"id": "lukkedage", "vaerdi": 300, "basisaar": 2013, "basisvaerdi": 283, "status": "ikke_paa_sporet"},
        {"id": "utryghed_aften", "vaerdi": 19.25, "basisaar": 2013, "basisvaerdi": 17.5, "status": "ikke_paa_sporet"},
    ])
    first, last = development_messages(table, programme)
    assert first.startswith(f"Den mindste forværring siden basisåret (relativ ændring) har »{LUKKEDAGE}«")
    assert last.startswith(f"Den svageste udvikling siden basisåret har »{UTRYGHED}«: andelen er steget")


def test_only_one_comparable_development(programme, table_2014):
    # 1,10 - 1,04 = 0,06 points (two decimals, as the indikator); 0,06/1,1 = 5,45 % -> 5 %;
    # the baseline is written as published (1,1 %), the value with the indikator's decimals
    assert development_messages(table_2014, programme) == [
        f"Udviklingen siden basisåret kan kun opgøres for ét målepunkt, »{UNGDOM}«: andelen er faldet med "
        f"0,06{NB}procentpoint (5{NB}% af basisværdien) fra 1,1{NB}% i 2013 til 1,04{NB}% i 2014, "
        f"og målepunktet er på sporet."
    ]


def test_no_comparable_development_gives_no_sentence(programme):
    table = status_table(programme, 2016, [{"id": "handleplan_3_dage", "vaerdi": 90.0, "status": "ikke_naaet"}])
    assert development_messages(table, programme) == []


def test_development_unchanged(programme, table_2016):
    d = next(d for d in developments(table_2016, programme) if d.indikator_id == "omraader_indsatsbehov")
    assert describe_development(programme.indikator("omraader_indsatsbehov"), d) == (
        f"»{OMRAADER}«: antallet er uændret 5 i både 2013 og 2016"
    )


def test_development_never_shows_two_equal_numbers_for_different_values(programme):
    table = status_table(programme, 2014, [
        {"id": "utryghed_aften", "vaerdi": 17.46, "basisaar": 2013, "basisvaerdi": 17.5, "status": "ikke_paa_sporet"},
    ])
    d = developments(table, programme)[0]
    # with one decimal the value would read 17,5 %: two decimals (the published baseline stays 17,5 %);
    # 0,04/17,5 = 0,23 % -> 0,2 % (not 0 %)
    assert describe_development(programme.indikator("utryghed_aften"), d) == (
        f"»{UTRYGHED}«: andelen er faldet med 0,04{NB}procentpoint (0,2{NB}% af basisværdien) "
        f"fra 17,5{NB}% i 2013 til 17,46{NB}% i 2014"
    )


# ------------------------------------------------------------------ evidence model

def test_model_overview_counts(scores_mixed):
    overview = model_overview(scores_mixed)
    assert list(overview["model_status"]) == list(MODEL_STATUSES)
    assert list(overview.columns) == ["model_status", "antal_aktiviteter", "antal_groen", "antal_gul",
                                      "antal_roed", "antal_uden_score"]
    rows = overview.set_index("model_status")
    assert rows["antal_aktiviteter"].to_dict() == {
        "i_model": 4, "foermaaling": 1, "godt_paa_vej": 2, "forsinket": 1, "ikke_i_model": 1}
    assert rows.loc["i_model", ["antal_groen", "antal_gul", "antal_roed", "antal_uden_score"]].tolist() == [1, 2, 0, 1]
    for status in ("foermaaling", "godt_paa_vej", "forsinket", "ikke_i_model"):
        assert rows.loc[status, ["antal_groen", "antal_gul", "antal_roed", "antal_uden_score"]].isna().all()
    assert str(overview["antal_groen"].dtype) == "Int64"


def test_model_overview_of_an_empty_register():
    overview = model_overview(scores_frame([]))
    assert overview["antal_aktiviteter"].tolist() == [0, 0, 0, 0, 0]
    assert overview.loc[0, ["antal_groen", "antal_gul", "antal_roed", "antal_uden_score"]].tolist() == [0, 0, 0, 0]


def test_evidence_messages_mixed(scores_mixed):
    assert evidence_messages(scores_mixed, 2016) == [
        "Af de 4 aktiviteter med status »I modellen« i effekt- og evidensmodellen har 3 en samlet score for 2016: "
        "1 i kategori grøn, 2 i kategori gul og 0 i kategori rød; 1 mangler en resultatscore og dermed en samlet score.",
        "2 aktiviteter er godt på vej ind i modellen og forventes at indgå fra 2017, 1 har førmåling i 2016 "
        "(første år i modellen, kun evidensscore) og 1 er forsinket i forhold til det forventede år.",
    ]


def test_evidence_messages_all_scored_and_nothing_on_the_way():
    scores = scores_frame([("B1", "i_model", 30.0), ("B2", "i_model", 75.0), ("B3", "forsinket", None),
                           ("B4", "forsinket", None)])
    assert evidence_messages(scores, 2015) == [
        "Alle 2 aktiviteter med status »I modellen« i effekt- og evidensmodellen har en samlet score for 2015: "
        "1 i kategori grøn, 0 i kategori gul og 1 i kategori rød.",
        "Ingen aktiviteter er godt på vej ind i modellen og 2 er forsinkede i forhold til det forventede år.",
    ]


def test_evidence_messages_one_activity_and_none():
    one = scores_frame([("C1", "i_model", 45.0), ("C2", "godt_paa_vej", None)])
    assert evidence_messages(one, 2015) == [
        "Den eneste aktivitet med status »I modellen« i effekt- og evidensmodellen har en samlet score for 2015: "
        "0 i kategori grøn, 1 i kategori gul og 0 i kategori rød.",
        "1 aktivitet er godt på vej ind i modellen og forventes at indgå fra 2016.",
    ]
    none = scores_frame([("D1", "ikke_i_model", None)])
    assert evidence_messages(none, 2014)[0] == (
        "Ingen aktiviteter i effekt- og evidensmodellen har en samlet score for 2014.")


# ------------------------------------------------------------------ key messages

def _result(scores, year):
    return SimpleNamespace(year=year, scores=scores, params=SimpleNamespace(kategorier=KATEGORIER))


def test_key_messages_in_order(programme, table_2016, scores_mixed):
    messages = key_messages(table_2016, programme, _result(scores_mixed, 2016),
                            baseline_warnings=["Mindre ungdomskriminalitet: basisværdien ..."])
    assert len(messages) == 9
    assert messages[0] == "Af 7 indikatorer er 1 nået, 2 på sporet og 3 ikke på sporet, mens 1 ikke kan vurderes."
    # what was missed comes next, one sentence per indikator in programme order
    assert messages[1:4] == missed_messages(table_2016, programme)
    assert messages[4:6] == development_messages(table_2016, programme)
    assert messages[6:8] == evidence_messages(scores_mixed, 2016)
    assert messages[8] == ("For 1 målepunkt giver data en anden basisværdi end den offentliggjorte; "
                           "den offentliggjorte basisværdi bruges (se afsnittet Om tallene).")


def test_missed_messages_name_the_indikator_its_maalepunkt_and_its_goal(programme, table_2016, table_2017):
    rows = table_2016.set_index("indikator_id")
    missed = missed_messages(table_2016, programme)
    assert missed == [
        f"Ikke på sporet: målepunkt 2, »{OMRAADER}« (målet er foreløbigt). "
        + describe_target(programme.indikator("omraader_indsatsbehov"), rows.loc["omraader_indsatsbehov"]),
        f"Ikke på sporet: målepunkt 3, »{LUKKEDAGE}«. "
        + describe_target(programme.indikator("lukkedage"), rows.loc["lukkedage"]),
        f"Ikke på sporet: målepunkt 3, »{INSTITUTIONER}«. "
        + describe_target(programme.indikator("lukkede_institutioner"), rows.loc["lukkede_institutioner"]),
    ]
    assert missed[1].endswith(f"Målet er højst 189,61 (33{NB}% lavere end i 2013) med frist i 2017. Indtil da skal "
                              "antallet falde hvert år og ligge på eller under en lige linje (målstien) fra "
                              "udgangspunktet til målet.")
    assert [m.split(":")[0] for m in missed_messages(table_2017, programme)] == ["Ikke nået", "Ikke nået"]
    assert f"målepunkt 3, »{HANDLEPLAN}«." in missed_messages(table_2017, programme)[1]
    nothing_missed = status_table(programme, 2016, [{"id": "handleplan_3_dage", "vaerdi": 100.0, "status": "naaet"}])
    assert missed_messages(nothing_missed, programme) == []


def test_key_messages_count_every_status(programme, table_2017, table_2014, scores_mixed):
    assert key_messages(table_2017, programme, _result(scores_mixed, 2017))[0] == (
        "Af 3 indikatorer er 1 nået og 2 ikke nået.")
    messages = key_messages(table_2014, programme, _result(scores_mixed, 2014))
    assert messages[0] == "Af 2 indikatorer er 1 på sporet og 1 i basisåret."
    assert len(messages) == 4  # counts, nothing missed, one development, two on the model; no baseline warning


def test_key_messages_refuse_mixed_years(programme, table_2016, table_2017, scores_mixed):
    with pytest.raises(ValueError, match="evidence model is for 2017"):
        key_messages(table_2016, programme, _result(scores_mixed, 2017))
    with pytest.raises(ValueError, match="one reporting year"):
        key_messages(pd.concat([table_2016, table_2017]), programme, _result(scores_mixed, 2016))


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
    assert opening == ("Denne sammenfatning giver overblikket. Bagefter følger tre kapitler, "
                       "som kan læses hver for sig:")
    crime = [f"»{m.title}«" for m in programme.maalepunkter_for("kriminalitet")]
    assert bullets[1] == f"Mindre kriminalitet gennemgår programmets 2 målepunkter {crime[0]} og {crime[1]}."
    safety = [f"»{m.title}«" for m in programme.maalepunkter_for("tryghed")]
    assert bullets[0] == (f"Øget tryghed gennemgår programmets 3 målepunkter {safety[0]}, {safety[1]} og "
                          f"{safety[2]}.")
    assert bullets[-1].startswith("Effekt og evidens viser effekt- og evidensmodellen")
    # one goal area with one målepunkt: two chapters, the målepunkt named alone
    single = dataclasses.replace(programme, goal_areas={"kriminalitet": programme.goal_areas["kriminalitet"]},
                                 maalepunkter=tuple(programme.maalepunkter_for("kriminalitet"))[:1])
    opening, bullets = chapter_guide(single)
    assert opening.endswith("Bagefter følger to kapitler, som kan læses hver for sig:")
    assert bullets[0] == f"Mindre kriminalitet gennemgår målepunktet {crime[0]}."


def test_baseline_note():
    assert baseline_note([]) == ("Data for basisåret stemmer overens med de offentliggjorte basisværdier for alle "
                                 "målepunkter, der har en offentliggjort basisværdi.")
    assert baseline_note(["a", "b"]) == ("For 2 målepunkter giver data for basisåret en anden værdi end den "
                                         "offentliggjorte basisværdi:")
    assert baseline_note(iter(["a"])).startswith("For 1 målepunkt giver")
