"""Bilag 1 (the seed's annex "Uddybende oversigt over indsatsernes målindfrielse") and the method note (Bilag 2).
Small registers worked out by hand; the sample data only for consistency with the model."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from sikkerby.model import evidence
from sikkerby.report import annex, method_note
from sikkerby.report.display import Heading, Paragraph, Table
from sikkerby.report.formatting import NBSP
from sikkerby.report.front_page import data_sources

NB = NBSP
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


@pytest.fixture
def result(typed_frame, programme):
    activities = [
        activity("A", first=2014, omraade="I", forvaltning="BUF"),
        activity("B", first=2015, omraade="I", evidens="lovende"),
        activity("C", first=2016, omraade="III"),                  # førmåling
        activity("D", expected=2019, omraade="II"),                # outside the model: not in the annex
    ]
    criteria = [
        # A: K1 (120 − 100)/(150 − 100) = 40 %; K2 ned (8 − 10)/(5 − 10) = 40 %; K3 above target → 100 %
        *criterion("A", "K1", 100, 150, {2016: 120}, "Antal unge i fritidstilbud"),
        *criterion("A", "K2", 10, 5, {2016: 8}, "Andel sigtet igen (%)"),
        *criterion("A", "K3", 20.5, 30.25, {2016: 31}, "Andel i uddannelse (%)"),
        # B: K1 at the baseline → 0 %; K2 without a value in 2016
        *criterion("B", "K1", 40, 60, {2016: 40}),
        *criterion("B", "K2", 40, 60, {2015: 45}),
        *criterion("C", "K1", 5, 15, {2016: 6}),
        *criterion("D", "K1", 5, 15, {2016: 6}),
    ]
    data = SimpleNamespace(aktiviteter=typed_frame("aktiviteter", activities),
                           succeskriterier=typed_frame("succeskriterier", criteria))
    return evidence.evaluate(data, programme, Y)


def test_annex_parts_per_indsatsomraade_with_the_programme_headings(result):
    parts = annex.annex_parts(result)
    headings = [p.text for p in parts if isinstance(p, Heading)]
    assert headings == ["I. Indsatser, der forebygger, at børn og unge bliver kriminelle",
                        "III. Indsatser, der forhindrer tilbagefald til kriminalitet og/eller forværring af "
                        "kriminalitet"]
    assert [type(p) for p in parts] == [Heading, Paragraph, Table] * 2


def test_annex_table_shows_every_criterion_and_the_resultatscore(result):
    table = annex.annex_parts(result)[2]
    shown = table.to_frame()
    assert shown["Aktivitet (forvaltning)"].tolist() == ["Aktivitet A (BUF)", "", "", "Aktivitet B (SOF)", ""]
    assert shown["Succeskriterium"].tolist()[:3] == ["Antal unge i fritidstilbud", "Andel sigtet igen (%)",
                                                     "Andel i uddannelse (%)"]
    # values as reported: as few decimals as they need
    assert shown["Basis\u00adværdi"].tolist() == ["100", "10", "20,5", "40", "40"]
    assert shown["Mål"].tolist() == ["150", "5", "30,25", "60", "60"]
    assert shown[f"Værdi {Y}"].tolist() == ["120", "8", "31", "40", "–"]
    assert shown["Mål\u00adopfyldelse"].tolist() == [f"40,0{NB}%", f"40,0{NB}%", f"100,0{NB}%", f"0,0{NB}%", "ingen værdi"]
    # A: (40 + 40 + 100) / 3 = 60,0; B: only K1 counts → 0,0
    assert shown["Resultat\u00adscore"].tolist() == ["60,0", "", "", "0,0", ""]
    scores = result.scores.set_index("aktivitet_id")["resultatscore"]
    assert scores["A"] == pytest.approx(60.0) and scores["B"] == pytest.approx(0.0)


def test_annex_says_what_the_criteria_add_up_to(result):
    parts = annex.annex_parts(result)
    # I: A (3 criteria) and B (2); counted 4: A K3 full, B K1 at the baseline, A K1 and K2 partly
    assert parts[1].text == ("To aktiviteter i modellen har i alt 5 succeskriterier i 2016. Af de 4 succeskriterier, "
                             "der indgår i resultatscoren, er ét nået fuldt ud, ét står stadig på basisværdien eller "
                             "derunder, og to er delvist nået.")
    # III: C is in førmåling: its criterion is listed, not scored
    assert parts[4].text == ("En aktivitet i modellen har i alt 1 succeskriterium i 2016. Ingen af dem indgår i en "
                             "resultatscore for 2016.")
    assert parts[5].to_frame()["Mål\u00adopfyldelse"].tolist() == ["førmåling"]
    assert parts[5].to_frame()["Resultat\u00adscore"].tolist() == ["førmåling"]


def test_annex_intro_counts_the_criteria(result):
    text = annex.annex_intro(result)
    assert text.endswith("I alt 6 succeskriterier hos 3 aktiviteter er med.")
    assert "0 % ved basisværdien eller derunder, 100 % ved målet eller derover" in text


def test_annex_tables_are_cut_for_a_large_register(result):
    table = annex.annex_parts(result, max_rows=2)[2]
    assert len(table.rows) == 2
    assert table.note.startswith("Tabellen viser de første 2 af 5 succeskriterier.")


def test_annex_of_the_sample_agrees_with_the_scores(sample_dataset, programme):
    result = evidence.evaluate(sample_dataset, programme, 2017)
    frame = annex.annex_frame(result)
    firsts = frame[frame["foerste"] & (frame["model_status"] == "i_model")]
    scores = result.scores.set_index("aktivitet_id")["resultatscore"]
    for aid, shown in zip(firsts["aktivitet_id"], firsts["resultatscore"]):
        assert (math.isnan(shown) and math.isnan(scores[aid])) or shown == pytest.approx(scores[aid])
    in_model = result.scores[result.scores["model_status"].isin(evidence.IN_MODEL)]["aktivitet_id"]
    assert set(frame["aktivitet_id"]) <= set(in_model)


# --------------------------------------------------------------------------- the method note

def test_definitions_include_closures_used_as_a_pedagogical_tool(programme):
    section = method_note.definitions(programme)
    text = " ".join(section.bullets)
    assert text.count("pædagogisk redskab") == 2  # lukkedage and lukkede institutioner
    assert "»Antal personer med relation til bandemiljøet" in text and "Indre Nørrebro ved årets seneste" in text
    assert section.bullets[1].endswith("hvis indsatsbehov er intensiveret eller markant.")
    assert [b.split(",", 1)[0] for b in section.bullets] == [f"Indikator {c}" for c in ("1", "2", "3a", "3b", "3c",
                                                                                         "4", "5")]


def test_administration_rules_say_whose_rule_it_is_and_the_exact_targets(programme, sample_dataset):
    from sikkerby.model.goals import maalstatus

    table = maalstatus(sample_dataset, programme, 2017)
    section = method_note.administration_rules(programme, table, evidence.ModelParams.from_programme(programme))
    text = " ".join(section.paragraphs + section.bullets)
    assert "forvaltningens operationalisering" in text and "ikke programmets egne tal" in text
    # the exact rule behind "højst 189": 283 − 33 % = 189,61
    assert (f"Målet for »{programme.indikator('lukkedage').title}« er 283 − 33{NB}% = 189,61. Da der tælles i hele "
            "tal, er målet nået ved højst 189") in text
    assert f"9 − 33{NB}% = 6,03" in text and "højst 6," in text
    # the example of a rounded path comes from the programme: P(2014) = 17,5 − 1,125 = 16,375
    assert f"i 2014 16,375{NB}%, som vises som 16,4{NB}%" in text
    assert "altid i kategori rød" in text and "Foreløbigt mål for" in text
    assert "den er taget fra data for 2014" in text
    assert "kun nået (eller på sporet), når alle dets indikatorer er det" in text


def test_exact_target_rule_is_only_for_rounded_targets(programme):
    utryghed = programme.indikator("utryghed_aften")
    assert method_note.exact_target_rule(utryghed, 13.0, 17.5) is None
    assert method_note.exact_target_rule(programme.indikator("lukkedage"), None, 283) is None


def test_uncertainty_is_computed_for_the_year(programme, sample_dataset):
    from sikkerby.model.calculations.handleplan import handleplan_deadlines
    from sikkerby.model.goals import maalstatus

    table = maalstatus(sample_dataset, programme, 2017)
    section = method_note.uncertainty(programme, sample_dataset, table, 2017)
    text = " ".join(section.paragraphs)
    assert "statistisk sikker" in text and "klar" not in text
    n = int((handleplan_deadlines(sample_dataset.lukninger, 3)["aar"] == 2017).sum())
    assert f"bygger på {n} ikke-planlagte lukninger, der begyndte i 2017; én lukning flytter derfor andelen " \
           f"{100 / n:.1f}".replace(".", ",") in text
    # the small counts of the year are named with their value
    assert "(3 i 2017)" in text and "(6 i 2017)" in text


def test_disclosure_follows_the_programme(programme):
    import dataclasses

    text = method_note.disclosure(dataclasses.replace(programme, disclosure_min_count=10)).paragraphs[0]
    assert "vises antal fra 1 til 9 som »<10«" in text


def test_sources_have_suppliers_and_years(programme, sample_dataset):
    section = method_note.sources(data_sources(sample_dataset, 2017), 2017)
    shown = section.table.to_frame().set_index("Inddata")
    assert shown.loc["Bandeloggen (antal personer pr. opgørelse)", "Leverandør"] == "Københavns Politi"
    assert shown.loc["Bandeloggen (antal personer pr. opgørelse)", "Fra år"] == "2014"
    assert (shown["Til år"].replace("–", None).dropna() == "2017").all()


def test_metadata_and_next_publication(programme):
    items = method_note.metadata(programme, {"title": "Sikker By – status 2016", "forelaeggelse": "juni 2017"}, 2016)
    assert items[0] == "Publikation: Sikker By – status 2016"
    assert "Forelægges: Økonomiudvalget, juni 2017" in items
    assert f"Ansvarlig: {programme.secretariat}" in items
    # the next year's file says when it goes to the committee
    assert items[-1] == "Næste publikation: Næste status gælder 2017 og forelægges Økonomiudvalget i juni 2018."
    assert method_note.next_publication(programme, 2017).startswith("ingen i denne programperiode; 2017 er periodens "
                                                                    "sidste år")


def test_the_note_has_no_developer_words(programme, sample_dataset):
    from sikkerby.model.goals import maalstatus

    sections = method_note.method_sections(programme, sample_dataset, maalstatus(sample_dataset, programme, 2017),
                                           evidence.ModelParams.from_programme(programme),
                                           data_sources(sample_dataset, 2017), {"title": "T"}, 2017)
    assert [s.title for s in sections] == ["Definitioner", "Forvaltningens fortolkning af programmets mål",
                                           "Usikkerhed", "Diskretionering", "Datakilder", "Revision",
                                           "Om publikationen"]
    text = " ".join(" ".join(s.paragraphs + s.bullets) for s in sections).lower()
    for word in ("python", "sha-256", "manifest", "notebook", "program.yaml", "csv"):
        assert word not in text, word
