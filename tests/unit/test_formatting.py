"""Danish formatting, the status vocabularies and the generated status sentences.

Expected strings are written out by hand from DATA.md §2.1 and the programme's
figures; ``NB`` is the non-breaking space the module puts between number and unit.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from sikkerby.report.formatting import (
    MISSING,
    NBSP,
    OKABE_ITO,
    VOCABULARIES,
    describe_status,
    describe_status_counts,
    exact_decimals,
    fmt_count,
    fmt_date,
    fmt_list,
    fmt_number,
    fmt_pct,
    fmt_pp,
    fmt_target,
    fmt_threshold,
    fmt_value,
    fmt_year,
    label,
    status_word,
    word,
)

NB = NBSP


# ----------------------------------------------------------------------- numbers

@pytest.mark.parametrize("value, decimals, expected", [
    (1234, 0, "1.234"),
    (17.5, 1, "17,5"),
    (1234567.891, 2, "1.234.567,89"),
    (-1234.5, 1, "-1.234,5"),
    (-17.5, 0, "-18"),
    (0, 2, "0,00"),
    (np.int64(1234), 0, "1.234"),
    (np.float64(13.04), 1, "13,0"),
])
def test_fmt_number_danish_separators(value, decimals, expected):
    assert fmt_number(value, decimals) == expected


@pytest.mark.parametrize("value, decimals, expected", [
    # half up, away from zero -- babel's default (banker's rounding) would give 0,0 / 0,2 / 17,4 / 2
    (0.05, 1, "0,1"),
    (0.15, 1, "0,2"),
    (0.25, 1, "0,3"),
    (17.45, 1, "17,5"),
    (2.5, 0, "3"),
    (0.5, 0, "1"),
    (2.675, 2, "2,68"),  # the float 2.675 is 2.67499999...; babel rounds the written value
    (-0.05, 1, "-0,1"),
    (-2.5, 0, "-3"),
    (17.44999, 1, "17,4"),
])
def test_fmt_number_rounds_half_up(value, decimals, expected):
    assert fmt_number(value, decimals) == expected


def test_no_negative_zero():
    assert fmt_number(-0.04, 1) == "0,0"
    assert fmt_number(-0.4) == "0"
    assert fmt_pct(-0.01, 1) == f"0,0{NB}%"


def test_signed():
    assert fmt_number(1.2, 1, signed=True) == "+1,2"
    assert fmt_number(-1.2, 1, signed=True) == "-1,2"
    assert fmt_number(0.01, 1, signed=True) == "0,0"
    assert fmt_pp(-1.04, 1, signed=True) == f"-1,0{NB}procentpoint"


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_missing_is_a_dash(missing):
    assert MISSING == "–"
    for fmt in (fmt_number, fmt_pct, fmt_pp, fmt_year, fmt_date):
        assert fmt(missing) == "–"
    assert fmt_value(missing, "procent", 1) == "–"
    assert fmt_threshold(missing, "antal", 0) == "–"


def test_infinity_is_refused():
    with pytest.raises(ValueError):
        fmt_number(math.inf)


def test_percent_and_points_use_a_non_breaking_space():
    assert fmt_pct(17.5) == "17,5\u00a0%"
    assert fmt_pct(13) == f"13,0{NB}%"
    assert fmt_pct(1.1, 2) == f"1,10{NB}%"
    assert fmt_pp(1.2) == f"1,2{NB}procentpoint"
    assert fmt_pp(1) == f"1,0{NB}procentpoint"


def test_fmt_value_follows_unit_and_decimals():
    assert fmt_value(13.4, "procent", 1) == f"13,4{NB}%"
    assert fmt_value(1.0987, "procent", 2) == f"1,10{NB}%"
    assert fmt_value(1283, "antal", 0) == "1.283"
    with pytest.raises(ValueError):
        fmt_value(1, "kroner", 0)


def test_thresholds_are_written_at_the_indikators_precision():
    # issue 12: the lukkedage target 283 - 33 % = 189,61: a count of 190 misses it and 189 meets it,
    # so it is shown as 189 (rounded down), never 190; the exact value is fmt_exact's (the method note)
    from sikkerby.report.formatting import fmt_exact

    assert fmt_threshold(189.61, "antal", 0) == "189"
    assert fmt_threshold(6.03, "antal", 0) == "6"
    assert fmt_threshold(13.0, "procent", 1) == f"13,0{NB}%"
    assert fmt_threshold(259.6525, "antal", 0) == "259"
    assert fmt_exact(189.61, "antal", 0) == "189,61"
    assert fmt_exact(259.6525, "antal", 0) == "259,65"  # at most two extra decimals
    assert exact_decimals(15.25, 3) == 2
    assert exact_decimals(0.1 + 0.2, 3) == 1


def test_dates_and_years():
    assert fmt_date(dt.date(2016, 3, 18)) == "18. marts 2016"
    assert fmt_date(pd.Timestamp("2016-03-23")) == "23. marts 2016"
    assert fmt_date(dt.datetime(2017, 1, 1, 12, 30)) == "1. januar 2017"
    assert fmt_date("2015-12-31") == "31. december 2015"
    assert fmt_year(2017) == "2017"
    assert fmt_year(np.int64(2013)) == "2013"


def test_counts_and_lists():
    assert fmt_count(1, "aktivitet", "aktiviteter") == "1 aktivitet"
    assert fmt_count(0, "aktivitet", "aktiviteter") == "0 aktiviteter"
    assert fmt_count(2, "målepunkt", "målepunkter") == "2 målepunkter"
    assert fmt_count(1234, "lukkedag", "lukkedage") == "1.234 lukkedage"
    assert fmt_list(["a", "b", "c"]) == "a, b og c"
    assert fmt_list(["a"]) == "a"
    assert fmt_list([]) == ""


# ------------------------------------------------------------------- vocabularies

# Every value DATA.md names (§2.1/§4 status, §3 model_status, kategori, udviklingspotentiale).
DATA_MD_VALUES = {
    "status": {"naaet": "Nået", "ikke_naaet": "Ikke nået", "paa_sporet": "På sporet",
               "ikke_paa_sporet": "Ikke på sporet", "basisaar": "Basisår", "ikke_vurderbar": "Kan ikke vurderes"},
    "model_status": {"i_model": "Afrapporterer resultater", "foermaaling": "Førmåling", "godt_paa_vej": "Godt på vej",
                     "forsinket": "Forsinket", "ikke_i_model": "Ikke i modellen"},
    "kategori": {"groen": "Grøn", "gul": "Gul", "roed": "Rød"},
    "udviklingspotentiale": {"resultater": "Resultater", "evidens": "Evidens", "begge": "Begge"},
}


@pytest.mark.parametrize("vocabulary", sorted(DATA_MD_VALUES))
def test_every_data_md_value_has_its_danish_word(vocabulary):
    assert set(VOCABULARIES[vocabulary]) == set(DATA_MD_VALUES[vocabulary])
    for value, expected in DATA_MD_VALUES[vocabulary].items():
        assert word(vocabulary, value) == expected


def test_vocabularies_cover_the_contract():
    from sikkerby.inputs import contract

    assert set(VOCABULARIES["evidensniveau"]) == set(contract.EVIDENSNIVEAUER)
    assert set(VOCABULARIES["indsatsomraade"]) == set(contract.INDSATSOMRAADER)
    assert set(VOCABULARIES["resultat"]) == set(contract.RESULTATER)


@pytest.mark.parametrize("vocabulary", ["status", "model_status", "kategori"])
def test_status_is_never_colour_alone(vocabulary):
    labels = VOCABULARIES[vocabulary].values()
    symbols = [lab.symbol for lab in labels]
    assert all(symbols) and len(set(symbols)) == len(symbols)
    colours = [lab.colour for lab in labels]
    assert len(set(colours)) == len(colours)
    allowed = set(OKABE_ITO.values()) | {"#999999"}
    assert set(colours) <= allowed


def test_symbol_text_and_ink():
    assert label("status", "naaet").text == "✓ Nået"
    assert label("status", "ikke_naaet").text == "✗ Ikke nået"
    assert label("kategori", "gul").ink == "#000000"  # black on yellow
    assert label("status", "basisaar").ink == "#FFFFFF"  # white on Okabe-Ito blue (5.2:1 against 4.0:1)
    assert label("udviklingspotentiale", "begge").text == "Begge"  # no symbol, word only


def test_unknown_values_are_errors_and_missing_is_a_dash():
    assert status_word("paa_sporet") == "På sporet"
    assert status_word(None) == "–"
    with pytest.raises(ValueError, match="naet"):
        status_word("naet")
    with pytest.raises(KeyError):
        word("farver", "groen")


# ---------------------------------------------------------------------- sentences

def row(indikator_id, aar, vaerdi, status, *, basisaar=None, basisvaerdi=None, maalaar=None, maalvaerdi=None,
        sti_vaerdi=None, ci_nedre=None, ci_oevre=None):
    """A maalstatus row (DATA.md §4) as a pandas Series, missing values as NaN."""
    nan = float("nan")
    return pd.Series({
        "indikator_id": indikator_id, "maalomraade": "tryghed", "aar": aar,
        "vaerdi": nan if vaerdi is None else vaerdi,
        "ci_nedre": nan if ci_nedre is None else ci_nedre, "ci_oevre": nan if ci_oevre is None else ci_oevre,
        "basisaar": basisaar if basisaar is not None else pd.NA,
        "basisvaerdi": nan if basisvaerdi is None else basisvaerdi,
        "maalaar": maalaar if maalaar is not None else pd.NA,
        "maalvaerdi": nan if maalvaerdi is None else maalvaerdi,
        "sti_vaerdi": nan if sti_vaerdi is None else sti_vaerdi, "status": status,
    })


def utryghed(aar, vaerdi, status, **kw):
    kw.setdefault("basisaar", 2013)
    kw.setdefault("basisvaerdi", 17.5)
    return row("utryghed_aften", aar, vaerdi, status, maalaar=2017, maalvaerdi=13.0, **kw)


def test_sti_target_year_not_reached(programme):
    m = programme.indikator("utryghed_aften")
    assert describe_status(m, utryghed(2017, 13.4, "ikke_naaet", sti_vaerdi=13.0)) == (
        f"I 2017 var andelen 13,4{NB}%. Målet var højst 13,0{NB}% i 2017, så målet er ikke nået.")


def test_sti_target_year_reached_with_confidence_interval(programme):
    m = programme.indikator("utryghed_aften")
    text = describe_status(m, utryghed(2017, 12.8, "naaet", sti_vaerdi=13.0, ci_nedre=12.4, ci_oevre=13.25))
    assert text == (f"I 2017 var andelen 12,8{NB}% (95{NB}%-konfidensinterval: 12,4–13,3{NB}%). "
                    f"Målet var højst 13,0{NB}% i 2017, så målet er nået.")
    # 12,96 < 13: at one decimal both would read 13,0 %, so the sentence shows two
    text = describe_status(m, utryghed(2017, 12.96, "naaet", sti_vaerdi=13.0))
    assert text == f"I 2017 var andelen 12,96{NB}%. Målet var højst 13,00{NB}% i 2017, så målet er nået."


def test_rounding_never_hides_why_a_target_is_missed(programme):
    # 13,04 > 13,0: at one decimal both would read 13,0 %, so the sentence shows two
    m = programme.indikator("utryghed_aften")
    assert describe_status(m, utryghed(2017, 13.04, "ikke_naaet", sti_vaerdi=13.0)) == (
        f"I 2017 var andelen 13,04{NB}%. Målet var højst 13,00{NB}% i 2017, så målet er ikke nået.")


def test_sti_on_track(programme):
    # P(2015) = 17,5 + (13 - 17,5)·2/4 = 15,25; 15,0 ≤ 15,25 and a fall of ≥ 1 point from 2014
    m = programme.indikator("utryghed_aften")
    text = describe_status(m, utryghed(2015, 15.0, "paa_sporet", sti_vaerdi=15.25), previous_value=16.1)
    # the path 15,25 at the indikator's one decimal, half up: 15,3 % (15,0 and 15,3 already differ)
    assert text == (
        f"I 2015 var andelen 15,0{NB}%. Målet er højst 13,0{NB}% i 2017, og målstien for 2015 er højst "
        f"15,3{NB}%. Andelen ligger under stien, og kravet om et fald på mindst "
        f"1,0{NB}procentpoint fra året før er opfyldt (andelen var 16,1{NB}% i 2014), "
        f"så målepunktet er på sporet.")


def test_sti_above_path(programme):
    m = programme.indikator("utryghed_aften")
    text = describe_status(m, utryghed(2015, 15.5, "ikke_paa_sporet", sti_vaerdi=15.25))
    assert text.endswith("Andelen ligger over stien, så målepunktet er ikke på sporet.")
    assert f"15,5{NB}%" in text and f"15,3{NB}%" in text and "15,25" not in text


def test_sti_under_path_but_yearly_requirement_failed(programme):
    # 15,2 ≤ 15,25, but 15,8 - 15,2 = 0,6 < 1,0 point
    m = programme.indikator("utryghed_aften")
    text = describe_status(m, utryghed(2015, 15.2, "ikke_paa_sporet", sti_vaerdi=15.25), previous_value=15.8)
    assert text.endswith(
        f"Andelen ligger under stien, men kravet om et fald på mindst 1,0{NB}procentpoint fra året før "
        f"er ikke opfyldt (andelen var 15,8{NB}% i 2014), så målepunktet er ikke på sporet.")


def test_sti_counts_with_strict_requirement(programme):
    # lukkedage: P(2014) = 283 + (189,61 - 283)/4 = 259,6525; a count ≤ 259,6525 is a count ≤ 259,
    # and ≤ 189,61 is ≤ 189: both limits shown as whole counts
    m = programme.indikator("lukkedage")
    r = row("lukkedage", 2014, 250, "paa_sporet", basisaar=2013, basisvaerdi=283, maalaar=2017,
            maalvaerdi=189.61, sti_vaerdi=259.6525)
    assert describe_status(m, r) == (
        "I 2014 var antallet 250. Målet er højst 189 i 2017, og målstien for 2014 er højst 259. "
        "Antallet ligger under stien, og kravet om et fald fra året før er opfyldt, så målepunktet er på sporet.")
    r = row("lukkedage", 2017, 190, "ikke_naaet", basisaar=2013, basisvaerdi=283, maalaar=2017,
            maalvaerdi=189.61, sti_vaerdi=189.61)
    assert describe_status(m, r) == "I 2017 var antallet 190. Målet var højst 189 i 2017, så målet er ikke nået."


def test_retning(programme):
    m = programme.indikator("omraader_indsatsbehov")
    kw = {"basisaar": 2013, "basisvaerdi": 5, "maalaar": 2017}
    assert describe_status(m, row(m.id, 2015, 4, "paa_sporet", **kw)) == (
        "I 2015 var antallet 4. Målet er, at antallet i 2017 er lavere end i 2013 (5). "
        "Antallet ligger under niveauet i 2013, så målepunktet er på sporet.")
    assert describe_status(m, row(m.id, 2016, 5, "ikke_paa_sporet", **kw)).endswith(
        "Antallet ligger på niveauet i 2013, så målepunktet er ikke på sporet.")
    assert describe_status(m, row(m.id, 2017, 5, "ikke_naaet", **kw)) == (
        "I 2017 var antallet 5. Målet var, at antallet i 2017 skulle være lavere end i 2013 (5), "
        "så målet er ikke nået.")
    assert describe_status(m, row(m.id, 2017, 3, "naaet", **kw)).endswith("så målet er nået.")


def test_retning_percent_with_two_decimals(programme):
    # 1,0987 < 1,1: at two decimals the value would read 1,10 %, so three are shown;
    # the baseline is written as the programme published it: 1,1 %, not 1,100 %
    m = programme.indikator("ungdomskriminalitet")
    r = row(m.id, 2015, 1.0987, "paa_sporet", basisaar=2013, basisvaerdi=1.1, maalaar=2017)
    assert describe_status(m, r).startswith(f"I 2015 var andelen 1,099{NB}%. Målet er, at andelen i 2017 "
                                            f"er lavere end i 2013 (1,1{NB}%).")


def test_a_published_baseline_is_written_as_published(programme):
    from sikkerby.report.formatting import describe_target, fmt_baseline, fmt_target

    m = programme.indikator("ungdomskriminalitet")  # 2 decimals, baseline published as 1.1
    assert fmt_baseline(m, 1.1) == f"1,1{NB}%"
    assert fmt_baseline(programme.indikator("lukkedage"), 283.0) == "283"
    assert fmt_baseline(programme.indikator("utryghed_aften"), 17.5) == f"17,5{NB}%"
    bandelog = programme.indikator("bandelog_indre_noerrebro")  # no published baseline: from the data
    assert fmt_baseline(bandelog, 130.0) == "130" and fmt_baseline(bandelog, None) == "–"
    r = row(m.id, 2016, 0.9, "paa_sporet", basisaar=2013, basisvaerdi=1.1, maalaar=2017)
    assert describe_target(m, r).startswith(f"Basisværdien er 1,1{NB}% i 2013.")
    assert fmt_target(m, r) == f"i 2017 lavere end i 2013 (1,1{NB}%)"
    assert f"(1,1{NB}%)" in describe_status(m, r) and "1,10" not in describe_status(m, r)


def test_sti_above_path_and_yearly_requirement_failed_says_both(programme):
    # lukkedage 2016: P(2016) = 283 + (189,61 - 283)·3/4 = 212,9575 (højst 212); 243 > 212 and 243 rose from 238
    m = programme.indikator("lukkedage")
    r = row("lukkedage", 2016, 243, "ikke_paa_sporet", basisaar=2013, basisvaerdi=283, maalaar=2017,
            maalvaerdi=189.61, sti_vaerdi=212.9575)
    assert describe_status(m, r, previous_value=238) == (
        "I 2016 var antallet 243. Målet er højst 189 i 2017, og målstien for 2016 er højst 212. "
        "Antallet ligger over stien, og kravet om et fald fra året før er heller ikke opfyldt "
        "(antallet var 238 i 2015), så målepunktet er ikke på sporet.")
    # only the path missed: 243 fell from 250, so only the path is named
    assert describe_status(m, r, previous_value=250).endswith(
        "Antallet ligger over stien, så målepunktet er ikke på sporet.")


def test_krav(programme):
    m = programme.indikator("handleplan_3_dage")
    assert describe_status(m, row(m.id, 2016, 87.5, "ikke_naaet", maalvaerdi=100)) == (
        f"I 2016 var andelen 87,5{NB}%. Målet er mindst 100,0{NB}% hvert år, så målet er ikke nået.")
    assert describe_status(m, row(m.id, 2016, 100.0, "naaet", maalvaerdi=100)).endswith("så målet er nået.")


def test_basisaar(programme):
    m = programme.indikator("utryghed_aften")
    assert describe_status(m, utryghed(2013, 17.5, "basisaar", sti_vaerdi=17.5)) == (
        f"I 2013 var andelen 17,5{NB}%. 2013 er basisår, så værdien er basisværdien for målet.")
    # data that round to the published 17,5: no second figure, no extra decimals
    assert describe_status(m, utryghed(2013, 17.500031, "basisaar", sti_vaerdi=17.5)) == (
        f"I 2013 var andelen 17,5{NB}%. 2013 er basisår, så værdien er basisværdien for målet.")
    # the data differ from the published baseline: the sentence names the published one
    text = describe_status(m, utryghed(2013, 17.62, "basisaar", sti_vaerdi=17.5))
    assert text.endswith(f"I 2013 var andelen 17,6{NB}%. 2013 er basisår, så værdien er basisværdien for "
                         f"målet. Målet regnes fra den offentliggjorte basisværdi, 17,5{NB}%.")


def test_ikke_vurderbar(programme):
    m = programme.indikator("utryghed_aften")
    assert describe_status(m, utryghed(2016, None, "ikke_vurderbar")) == (
        "For 2016 er der ingen opgjort værdi, så status kan ikke vurderes.")
    b = programme.indikator("bandelog_indre_noerrebro")
    r = row(b.id, 2016, 48, "ikke_vurderbar", basisaar=2014, maalaar=2017)
    assert describe_status(b, r) == (
        "I 2016 var antallet 48. Status kan ikke vurderes, fordi der ikke er en basisværdi for 2014.")
    i = programme.indikator("omraader_indsatsbehov")
    r = row(i.id, 2010, 12, "ikke_vurderbar", basisaar=2013, basisvaerdi=5, maalaar=2017)
    assert describe_status(i, r).endswith("fordi målet først gælder fra basisåret 2013.")


@pytest.mark.parametrize("indikator_id, r", [
    ("utryghed_aften", dict(aar=2017, vaerdi=13.4, status="naaet")),  # 13,4 > 13,0
    ("utryghed_aften", dict(aar=2015, vaerdi=15.5, status="paa_sporet")),  # above the path
    ("utryghed_aften", dict(aar=2016, vaerdi=None, status="naaet")),  # no value
    ("omraader_indsatsbehov", dict(aar=2017, vaerdi=5, status="naaet")),  # 5 is not < 5
    ("handleplan_3_dage", dict(aar=2016, vaerdi=99.9, status="naaet")),
    ("lukkedage", dict(aar=2014, vaerdi=250, status="paa_sporets")),  # not a status
])
def test_a_status_contradicting_the_numbers_is_an_error(programme, indikator_id, r):
    m = programme.indikator(indikator_id)
    kw = {"basisaar": m.baseline_year, "basisvaerdi": m.baseline_value, "maalaar": m.target_year,
          "maalvaerdi": m.target_value, "sti_vaerdi": 15.25 if m.kind == "sti" else None}
    with pytest.raises(ValueError):
        describe_status(m, row(m.id, r["aar"], r["vaerdi"], r["status"], **kw))


def test_a_plain_dict_row_works(programme):
    m = programme.indikator("handleplan_3_dage")
    r = {"aar": 2015, "vaerdi": 100.0, "status": "naaet", "maalvaerdi": 100.0, "basisaar": None, "maalaar": None}
    assert describe_status(m, r).startswith(f"I 2015 var andelen 100,0{NB}%.")


def test_fmt_target(programme):
    assert fmt_target(programme.indikator("utryghed_aften"), utryghed(2016, 15, "paa_sporet")) == \
        f"højst 13,0{NB}% i 2017"
    assert fmt_target(programme.indikator("omraader_indsatsbehov"),
                      row("omraader_indsatsbehov", 2016, 4, "paa_sporet", basisaar=2013, basisvaerdi=5,
                          maalaar=2017)) == "i 2017 lavere end i 2013 (5)"
    assert fmt_target(programme.indikator("handleplan_3_dage"),
                      row("handleplan_3_dage", 2016, 90, "ikke_naaet", maalvaerdi=100)) == f"mindst 100,0{NB}% hvert år"
    assert fmt_target(programme.indikator("bandelog_indre_noerrebro"),
                      row("bandelog_indre_noerrebro", 2016, 40, "ikke_vurderbar", basisaar=2014, maalaar=2017)) == "–"


def test_status_counts_sentence():
    assert describe_status_counts(["naaet", "paa_sporet", "paa_sporet", "ikke_vurderbar"]) == (
        "Af 4 indikatorer er 1 nået og 2 på sporet, mens 1 ikke kan vurderes.")
    assert describe_status_counts(["naaet"]) == "Indikatoren er nået."
    assert describe_status_counts(["naaet", "naaet"]) == "Begge indikatorer er nået."
    assert describe_status_counts(["ikke_naaet", "ikke_paa_sporet", "basisaar"]) == (
        "Af 3 indikatorer er 1 ikke på sporet, 1 ikke nået og 1 i basisåret.")
    assert describe_status_counts(["ikke_vurderbar", "ikke_vurderbar"]) == "Ingen af de 2 indikatorer kan vurderes."
    assert describe_status_counts(["ikke_vurderbar"]) == "Indikatoren kan ikke vurderes."
    assert describe_status_counts([]) == "Der er ingen indikatorer at vurdere."
    with pytest.raises(ValueError):
        describe_status_counts(["done"])


@pytest.fixture(scope="module")
def sample_maalstatus(programme, sample_dataset):
    """The maalstatus table of every year of the bundled sample data (goals.maalstatus)."""
    from sikkerby.model import goals

    return pd.concat([goals.maalstatus(sample_dataset, programme, year) for year in range(2013, 2018)],
                     ignore_index=True)


def test_every_sample_row_is_described(programme, sample_maalstatus):
    """The sentences agree with the status rules on real rows (a contradiction would raise)."""
    endings = {"naaet": "så målet er nået.", "ikke_naaet": "så målet er ikke nået.",
               "paa_sporet": "så målepunktet er på sporet.", "ikke_paa_sporet": "så målepunktet er ikke på sporet.",
               "basisaar": "er basisår, så værdien er basisværdien for målet.",
               "ikke_vurderbar": "kan ikke vurderes."}
    seen = set()  # (kind, status) pairs the sample exercises
    for _, r in sample_maalstatus.iterrows():
        m = programme.indikator(r["indikator_id"])
        text = describe_status(m, r)
        assert text.startswith((f"I {r['aar']} var {'andelen' if m.unit == 'procent' else 'antallet'} ",
                                f"For {r['aar']} er der ingen opgjort værdi")), text
        assert endings[r["status"]] in text, text
        seen.add((m.kind, r["status"]))
    assert len({status for _, status in seen}) >= 4 and {kind for kind, _ in seen} == {"sti", "retning", "krav"}


def test_fmt_number_gives_the_same_text_from_its_cache():
    """fmt_number keeps babel's text by type, repr and decimals: -0.0 and 0.0, 1 and 1.0,
    a float and a Decimal never share an entry, and a full cache starts again."""
    import decimal

    from sikkerby.report import formatting

    values = [0.0, -0.0, -0.04, 1, 1.0, 2.5, -2.5, decimal.Decimal("2.50"), decimal.Decimal("2.5"),
              np.float64(1234.5), np.int64(1234), 1e9, 0.05, 17.45]
    fresh = {}
    for value in values:
        for decimals in (0, 1, 2):
            formatting._babel_number.cache_clear()
            fresh[repr(value), decimals] = formatting.fmt_number(value, decimals)
    for _ in range(2):
        for value in values:
            for decimals in (0, 1, 2):
                assert formatting.fmt_number(value, decimals) == fresh[repr(value), decimals], (value, decimals)
    assert fresh["-0.0", 1] == fresh["0.0", 1] == "0,0"
    assert formatting.fmt_number(-0.04, 1) == "0,0" and formatting.fmt_number(-0.05, 1) == "-0,1"
    for value in range(10):
        assert formatting.fmt_number(value + 0.5) == formatting.fmt_number(value + 0.5, 0)
    kept = formatting._babel_number.cache_info()
    assert kept.maxsize is not None and kept.currsize <= kept.maxsize  # a bounded cache
