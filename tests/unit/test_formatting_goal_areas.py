"""Sentences and vocabularies of the goal-area chapters (sikkerby.report.formatting).

Expected strings are written by hand from the 2014-2017 programme (tests/programmes) and DATA.md §2.1;
``NB`` is the non-breaking space between a number and its unit.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from sikkerby.report.formatting import (
    MISSING,
    NBSP,
    describe_ci_comparison,
    describe_latest_count,
    describe_target,
    fmt_ci,
    label,
)

NB = NBSP
nan = math.nan


def row(aar, vaerdi, status, *, basisaar, basisvaerdi, maalaar, maalvaerdi, sti_vaerdi=nan,
        ci_nedre=nan, ci_oevre=nan):
    return {"aar": aar, "vaerdi": vaerdi, "ci_nedre": ci_nedre, "ci_oevre": ci_oevre, "basisaar": basisaar,
            "basisvaerdi": basisvaerdi, "maalaar": maalaar, "maalvaerdi": maalvaerdi, "sti_vaerdi": sti_vaerdi,
            "status": status}


def utryghed(aar, vaerdi, status, **kw):
    return row(aar, vaerdi, status, basisaar=2013, basisvaerdi=17.5, maalaar=2017, maalvaerdi=13.0, **kw)


# ------------------------------------------------------------------ fmt_ci

def test_fmt_ci():
    assert fmt_ci(11.969, 14.631, "procent", 1) == f"12,0–14,6{NB}%"
    assert fmt_ci(3, 1234.5, "antal", 0) == "3–1.235"
    assert fmt_ci(nan, 14.6, "procent", 1) == MISSING
    with pytest.raises(ValueError):
        fmt_ci(1, 2, "kroner", 0)


# ---------------------------------------------------------- describe_target

def test_target_sti_with_yearly_fall_of_one_point(programme):
    m = programme.indikator("utryghed_aften")
    assert describe_target(m, utryghed(2015, 15.6, "ikke_paa_sporet", sti_vaerdi=15.25)) == (
        f"Basisværdien er 17,5{NB}% i 2013. Målet er højst 13,0{NB}% med frist i 2017. Indtil da skal "
        f"andelen falde med mindst 1,0{NB}procentpoint om året og ligge på eller under en lige linje "
        f"(målstien) fra basisværdien til målet.")


def test_target_sti_reduction_at_the_indikators_precision(programme):
    # 283 · (1 - 0,33) = 189,61: a count meets it exactly when it is at most 189 (issue 12: shown as 189,
    # never 190; the exact figure is in the method note)
    m = programme.indikator("lukkedage")
    text = describe_target(m, row(2016, 243, "ikke_paa_sporet", basisaar=2013, basisvaerdi=283, maalaar=2017,
                                  maalvaerdi=189.61, sti_vaerdi=212.9575))
    assert text == (
        f"Basisværdien er 283 i 2013. Målet er en reduktion på 33{NB}% i forhold til 2013, det vil sige højst 189 "
        f"i 2017. Indtil da skal antallet falde hvert år og ligge på eller under en lige linje (målstien) "
        f"fra basisværdien til målet.")


def test_target_retning_published_and_from_data(programme):
    m = programme.indikator("omraader_indsatsbehov")
    assert describe_target(m, row(2015, 5, "ikke_paa_sporet", basisaar=2013, basisvaerdi=5, maalaar=2017,
                                  maalvaerdi=nan)) == (
        "Basisværdien er 5 i 2013. Målet er, at antallet er lavere end i 2013, med frist i 2017. "
        "Indtil da er målepunktet på sporet, når antallet ligger under niveauet i 2013.")
    gang = programme.indikator("bandelog_indre_noerrebro")  # baseline empty in the programme file
    text = describe_target(gang, row(2016, 131, "paa_sporet", basisaar=2014, basisvaerdi=142, maalaar=2017,
                                     maalvaerdi=nan))
    assert text.startswith("Basisværdien er 142 i 2014. Programmet fastsætter ikke selv værdien; "
                           "den er taget fra data for 2014. Målet er, at antallet er lavere end i 2014")
    text = describe_target(gang, row(2016, 131, "ikke_vurderbar", basisaar=2014, basisvaerdi=nan, maalaar=2017,
                                     maalvaerdi=nan))
    assert text.startswith("Programmet angiver ingen basisværdi, og data har ingen værdi for basisåret 2014.")


def test_target_krav(programme):
    m = programme.indikator("handleplan_3_dage")
    text = describe_target(m, row(2017, 92.6, "ikke_naaet", basisaar=None, basisvaerdi=nan, maalaar=None,
                                  maalvaerdi=100.0))
    assert text == f"Målepunktet er et krav uden basisår og slutår: andelen skal være mindst 100,0{NB}% hvert år."


# ------------------------------------------------- describe_ci_comparison

def test_ci_contains_the_target_is_not_clear(programme):
    # 2017: 13,3 % (11,97-14,63); the target 13,0 % lies inside the interval
    m = programme.indikator("utryghed_aften")
    text = describe_ci_comparison(m, utryghed(2017, 13.3, "ikke_naaet", sti_vaerdi=13.0,
                                              ci_nedre=11.969, ci_oevre=14.631))
    assert text == (f"95{NB}%-konfidensintervallet (12,0–14,6{NB}%) omfatter målet for 2017 (13,0{NB}%), "
                    f"så sammenligningen er ikke statistisk sikker: med undersøgelsens usikkerhed kan andelen "
                    f"ligge på begge sider af 13,0{NB}%.")


def test_ci_compares_with_the_path_before_the_target_year(programme):
    # P(2015) = 17,5 + (13 - 17,5)·2/4 = 15,25 (shown 15,3 %); interval 13,1-14,9 lies wholly under it
    m = programme.indikator("utryghed_aften")
    text = describe_ci_comparison(m, utryghed(2015, 14.0, "paa_sporet", sti_vaerdi=15.25,
                                              ci_nedre=13.1, ci_oevre=14.9))
    assert text == (f"Hele 95{NB}%-konfidensintervallet (13,1–14,9{NB}%) ligger under målstien for 2015 "
                    f"(15,3{NB}%), så det er statistisk sikkert, at andelen ligger under.")
    text = describe_ci_comparison(m, utryghed(2015, 16.5, "ikke_paa_sporet", sti_vaerdi=15.25,
                                              ci_nedre=15.3, ci_oevre=17.7))
    assert "ligger over målstien for 2015" in text and "statistisk sikkert, at andelen ligger over" in text


def test_ci_decimals_show_why_it_is_clear(programme):
    # upper 13,04 > 13,0 would read "13,0" at one decimal: the interval is written with two
    m = programme.indikator("utryghed_aften")
    text = describe_ci_comparison(m, utryghed(2017, 13.5, "ikke_naaet", sti_vaerdi=13.0,
                                              ci_nedre=13.04, ci_oevre=13.96))
    assert f"(13,04–13,96{NB}%) ligger over målet for 2017 (13,00{NB}%)" in text


def test_ci_touching_the_reference_is_not_clear(programme):
    m = programme.indikator("utryghed_aften")
    text = describe_ci_comparison(m, utryghed(2017, 12.0, "naaet", sti_vaerdi=13.0, ci_nedre=11.0, ci_oevre=13.0))
    assert "ikke statistisk sikker" in text


def test_no_ci_sentence_without_interval_or_in_the_baseline_year(programme):
    m = programme.indikator("utryghed_aften")
    assert describe_ci_comparison(m, utryghed(2017, 13.3, "ikke_naaet", sti_vaerdi=13.0)) is None
    assert describe_ci_comparison(m, utryghed(2013, 17.5, "basisaar", sti_vaerdi=17.5,
                                              ci_nedre=16.2, ci_oevre=18.8)) is None


# ----------------------------------------------------- describe_latest_count

def test_latest_count():
    latest = {"dato": dt.date(2017, 12, 31), "antal_personer": 117}
    assert describe_latest_count(2017, latest, "Indre Nørrebro") == (
        "Årets tal er den seneste opgørelse i 2017, den 31. december 2017: 117 personer i Indre Nørrebro.")
    assert describe_latest_count(2015, {"dag": "2015-09-30", "n": 1}, date="dag", count="n") == (
        "Årets tal er den seneste opgørelse i 2015, den 30. september 2015: 1 person.")
    assert describe_latest_count(2016, None, "Indre Nørrebro") == "Der er ingen opgørelse i Indre Nørrebro fra 2016."


# ----------------------------------------------------------- vocabularies

@pytest.mark.parametrize("vocabulary, value, text", [
    ("koen", "k", "Kvinder"),
    ("koen", "m", "Mænd"),
    ("koen", "uoplyst", "Køn ikke oplyst"),
    ("indsatsbehov", "ordinær", "Ordinær"),
    ("indsatsbehov", "markant", "Markant"),
    ("omraade_aendring", "kommet_til", "▲ Kommet til"),
    ("omraade_aendring", "gaaet_ud", "▼ Gået ud"),
    ("handleplan_problem", "mangler", "✗ Handleplan mangler"),
    ("handleplan_problem", "for_sen", "⚠ Handleplan for sen"),
])
def test_breakdown_vocabularies(vocabulary, value, text):
    assert label(vocabulary, value).text == text
