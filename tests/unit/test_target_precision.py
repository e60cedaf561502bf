"""Targets and paths shown at the indikator's precision, and the Danish wording of the status sentences.

Issue 12: "højst 189,61 lukkedage", "højst 6,03 institutioner" and a path of "16,375 %" for a
measure shown with one decimal read oddly. A count meets "at most 189,61" exactly when it meets
"at most 189", so counts are shown rounded down (a lower limit up); other measures half up at the
indikator's decimals, with more decimals only where a sentence must tell a value and a limit apart.
Every expected text below is worked out by hand in the comments.
"""

from __future__ import annotations

import pytest

from sikkerby.report.formatting import (
    NBSP,
    count_words,
    describe_ci_comparison,
    describe_status,
    describe_status_counts,
    describe_target,
    fmt_goal_threshold,
    fmt_target,
    goal_threshold,
    number_word,
    quoted,
    threshold_is_rounded,
)

NB = NBSP


def row(indikator, year, value, *, baseline=None, target=None, path=None, status, lo=None, hi=None):
    """A maalstatus row (DATA.md §4 columns) for one indikator."""
    return {"maalepunkt_nr": indikator.maalepunkt_nr, "indikator_id": indikator.id, "aar": year,
            "vaerdi": value, "ci_nedre": lo, "ci_oevre": hi, "basisaar": indikator.baseline_year,
            "basisvaerdi": baseline, "maalaar": indikator.target_year, "maalvaerdi": target,
            "sti_vaerdi": path, "status": status, "maal_foreloebigt": "nej"}


@pytest.fixture
def lukkedage(programme):
    return programme.indikator("lukkedage")


@pytest.fixture
def utryghed(programme):
    return programme.indikator("utryghed_aften")


def test_counts_are_shown_as_whole_numbers_that_mean_the_same_rule(lukkedage, programme):
    # 283 · (1 − 0,33) = 189,61: a count ≤ 189,61 is a count ≤ 189
    assert goal_threshold(lukkedage, 189.61) == 189
    assert fmt_goal_threshold(lukkedage, 189.61) == "189"
    # 9 · 0,67 = 6,03 → 6
    assert fmt_goal_threshold(programme.indikator("lukkede_institutioner"), 6.03) == "6"
    # a whole target stays as it is, also with floating-point noise on either side
    assert goal_threshold(lukkedage, 189.0) == 189
    assert goal_threshold(lukkedage, 188.99999999999997) == 189
    # a lower limit ("mindst") rounds up: a count ≥ 6,03 is a count ≥ 7
    assert fmt_goal_threshold(lukkedage, 6.03, at_least=True) == "7"
    assert threshold_is_rounded(lukkedage, 189.61) and not threshold_is_rounded(lukkedage, 283)


def test_shares_are_rounded_half_up_at_the_indikator_decimals(utryghed):
    # P(2014) = 17,5 − 1,125 = 16,375 → 16,4 % (one decimal, half up); P(2015) = 15,25 → 15,3 %
    assert fmt_goal_threshold(utryghed, 16.375) == f"16,4{NB}%"
    assert fmt_goal_threshold(utryghed, 15.25) == f"15,3{NB}%"
    assert fmt_goal_threshold(utryghed, 16.375, 3) == f"16,375{NB}%"
    assert fmt_goal_threshold(utryghed, 13.0) == f"13,0{NB}%"
    assert threshold_is_rounded(utryghed, 16.375) and not threshold_is_rounded(utryghed, 13.0)


def test_fmt_target_at_precision(lukkedage, programme):
    assert fmt_target(lukkedage, row(lukkedage, 2017, 185, baseline=283, target=189.61, status="naaet")) == (
        "højst 189 i 2017")
    krav = programme.indikator("handleplan_3_dage")
    assert fmt_target(krav, {"maalvaerdi": 100.0, "aar": 2017}) == f"mindst 100,0{NB}% hvert år"


def test_describe_target_says_basisvaerdi_and_the_reduction(lukkedage, utryghed):
    text = describe_target(lukkedage, row(lukkedage, 2015, 238, baseline=283, target=189.61, status="naaet"))
    assert text == (f"Basisværdien er 283 i 2013. Målet er en reduktion på 33{NB}% i forhold til 2013, det vil sige "
                    "højst 189 i 2017. Indtil da skal antallet falde hvert år og ligge på eller under en lige linje "
                    "(målstien) fra basisværdien til målet.")
    text = describe_target(utryghed, row(utryghed, 2015, 15.6, baseline=17.5, target=13.0, status="naaet"))
    assert text.startswith(f"Basisværdien er 17,5{NB}% i 2013. Målet er højst 13,0{NB}% med frist i 2017.")
    assert "udgangspunkt" not in text.lower()


@pytest.mark.parametrize(("value", "status", "ending"), [
    # 190 > 189,61: missed, and 190 > 189 as shown
    (190, "ikke_naaet", "Målet var højst 189 i 2017, så målet er ikke nået."),
    # 189 ≤ 189,61: reached, and 189 ≤ 189 as shown
    (189, "naaet", "Målet var højst 189 i 2017, så målet er nået."),
])
def test_status_sentence_for_a_count_in_the_target_year(lukkedage, value, status, ending):
    text = describe_status(lukkedage, row(lukkedage, 2017, value, baseline=283, target=189.61, path=189.61,
                                          status=status))
    assert text == f"I 2017 var antallet {value}. {ending}"


def test_status_sentence_for_a_count_on_its_path(lukkedage):
    # P(2014) = 283 + (189,61 − 283)/4 = 259,6525: shown "højst 259"; 259 ≤ 259,6525 is on the path
    text = describe_status(lukkedage, row(lukkedage, 2014, 259, baseline=283, target=189.61, path=259.6525,
                                          status="paa_sporet"), previous_value=283)
    assert text == ("I 2014 var antallet 259. Målet er højst 189 i 2017, og målstien for 2014 er højst 259. Antallet "
                    "ligger på stien, og kravet om et fald fra året før er opfyldt (antallet var 283 i 2013), så "
                    "målepunktet er på sporet.")
    # 260 > 259,6525 and 260 > 259: over the path
    text = describe_status(lukkedage, row(lukkedage, 2014, 260, baseline=283, target=189.61, path=259.6525,
                                          status="ikke_paa_sporet"), previous_value=283)
    assert "målstien for 2014 er højst 259. Antallet ligger over stien, så målepunktet er ikke på sporet." in text


def test_a_share_and_its_path_get_more_decimals_only_when_they_would_look_alike(utryghed):
    # P(2016) = 17,5 − 3·1,125 = 14,125. V = 14,14 > 14,125: not on track. With one decimal both read
    # 14,1 %, so both get two: 14,14 % and 14,13 % (14,125 half up), in the right order.
    text = describe_status(utryghed, row(utryghed, 2016, 14.14, baseline=17.5, target=13.0, path=14.125,
                                         status="ikke_paa_sporet"), previous_value=15.6)
    assert text.startswith(f"I 2016 var andelen 14,14{NB}%. Målet er højst 13,00{NB}% i 2017, og målstien for "
                           f"2016 er højst 14,13{NB}%. Andelen ligger over stien")
    # V = 16,3 under P(2014) = 16,375: one decimal tells them apart (16,3 % and 16,4 %)
    text = describe_status(utryghed, row(utryghed, 2014, 16.3, baseline=17.5, target=13.0, path=16.375,
                                         status="paa_sporet"), previous_value=17.5)
    assert f"målstien for 2014 er højst 16,4{NB}%" in text and "16,375" not in text


def test_ci_comparison_says_statistisk_sikker(utryghed):
    # 12,0–14,6 contains the target 13,0: not certain
    text = describe_ci_comparison(utryghed, row(utryghed, 2017, 13.3, baseline=17.5, target=13.0, path=13.0,
                                                status="ikke_naaet", lo=12.0, hi=14.6))
    assert text == (f"95{NB}%-konfidensintervallet (12,0–14,6{NB}%) omfatter målet for 2017 (13,0{NB}%), så "
                    "sammenligningen er ikke statistisk sikker: med undersøgelsens usikkerhed kan andelen ligge på "
                    f"begge sider af 13,0{NB}%.")
    # 14,8–16,0 lies above the 2014 path 16,375? No: below 16,375 entirely → under, at the path shown as 16,4 %
    text = describe_ci_comparison(utryghed, row(utryghed, 2014, 15.4, baseline=17.5, target=13.0, path=16.375,
                                                status="paa_sporet", lo=14.8, hi=16.0))
    assert text == (f"Hele 95{NB}%-konfidensintervallet (14,8–16,0{NB}%) ligger under målstien for 2014 (16,4{NB}%), "
                    "så det er statistisk sikkert, at andelen ligger under.")
    assert "klar" not in text


def test_status_counts_with_one_status_for_all():
    assert describe_status_counts(["naaet", "naaet"]) == "Begge indikatorer er nået."
    assert describe_status_counts(["paa_sporet"] * 5) == "Alle 5 indikatorer er på sporet."
    assert describe_status_counts(["ikke_naaet"]) == "Indikatoren er ikke nået."
    assert describe_status_counts(["naaet", "ikke_naaet"]) == "Af 2 indikatorer er 1 nået og 1 ikke nået."


def test_counts_in_words_at_the_start_of_a_sentence():
    assert count_words(3, "aktivitet", "aktiviteter", capital=True) == "Tre aktiviteter"
    assert count_words(1, "aktivitet", "aktiviteter", capital=True) == "En aktivitet"
    assert count_words(1, "målepunkt", "målepunkter", neuter=True, capital=True) == "Et målepunkt"
    assert count_words(0, "aktivitet", "aktiviteter", capital=True) == "Ingen aktiviteter"
    assert count_words(12, "aktivitet", "aktiviteter") == "tolv aktiviteter"
    assert count_words(42, "aktivitet", "aktiviteter", capital=True) == "I alt 42 aktiviteter"
    assert number_word(5) == "fem" and number_word(1, neuter=True) == "et" and number_word(1234) == "1.234"
    assert quoted("Mindre ungdomskriminalitet") == "»Mindre ungdomskriminalitet«"


def test_fmt_threshold_at_precision_and_fmt_exact_for_the_method_note():
    from sikkerby.report.formatting import fmt_exact, fmt_threshold

    # the chapters' tables and charts: a count path 236,305 is "236", a share path 15,25 % is "15,3 %"
    assert fmt_threshold(236.305, "antal", 0) == "236"
    assert fmt_threshold(189.61, "antal", 0) == "189"
    assert fmt_threshold(15.25, "procent", 1) == f"15,3{NB}%"
    assert fmt_threshold(100.0, "procent", 1) == f"100,0{NB}%"
    # the exact values behind them
    assert fmt_exact(189.61, "antal", 0) == "189,61"
    assert fmt_exact(16.375, "procent", 1) == f"16,375{NB}%"
