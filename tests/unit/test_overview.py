"""The front page's one-page overview (issue 12): small multiples with alt text, the overview table (value, change
with an arrow, target at the indikator's precision, status), the end-of-programme table and the changes table.
Expected cells are worked out by hand in the comments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from front_page_factories import series_table, status_table

from sikkerby.report import overview, plotting
from sikkerby.report.formatting import NBSP

NB = NBSP

ROWS_2017 = [
    {"id": "utryghed_aften", "vaerdi": 13.3, "sti_vaerdi": 13.0, "status": "ikke_naaet"},
    {"id": "omraader_indsatsbehov", "vaerdi": 3, "status": "naaet"},
    {"id": "lukkedage", "vaerdi": 185, "maalvaerdi": 189.61, "sti_vaerdi": 189.61, "status": "naaet"},
    {"id": "lukkede_institutioner", "vaerdi": 6, "maalvaerdi": 6.03, "sti_vaerdi": 6.03, "status": "naaet"},
    {"id": "handleplan_3_dage", "vaerdi": 92.6, "status": "ikke_naaet"},
    {"id": "ungdomskriminalitet", "vaerdi": 0.94, "status": "naaet"},
    {"id": "bandelog_indre_noerrebro", "vaerdi": 117, "basisvaerdi": 142, "status": "naaet"},
]
SERIES = series_table([
    ("utryghed_aften", 2013, 17.5), ("utryghed_aften", 2016, 14.05), ("utryghed_aften", 2017, 13.3),
    ("omraader_indsatsbehov", 2013, 5), ("omraader_indsatsbehov", 2016, 3), ("omraader_indsatsbehov", 2017, 3),
    ("lukkedage", 2013, 283), ("lukkedage", 2016, 243), ("lukkedage", 2017, 185),
    ("lukkede_institutioner", 2013, 9), ("lukkede_institutioner", 2016, 7), ("lukkede_institutioner", 2017, 6),
    ("handleplan_3_dage", 2016, 96.2), ("handleplan_3_dage", 2017, 92.6),
    ("ungdomskriminalitet", 2013, 1.1), ("ungdomskriminalitet", 2016, 0.99), ("ungdomskriminalitet", 2017, 0.94),
    ("bandelog_indre_noerrebro", 2014, 142), ("bandelog_indre_noerrebro", 2016, 131),
    ("bandelog_indre_noerrebro", 2017, 117),
])


@pytest.fixture
def table_2017(programme):
    return status_table(programme, 2017, ROWS_2017)


def test_change_since_last_year_has_an_arrow_and_says_better_or_worse(programme):
    utryghed, plan = programme.indikator("utryghed_aften"), programme.indikator("handleplan_3_dage")
    # 13,3 − 14,05 = −0,75 → ↓ 0,8 (half up), lower is better
    assert overview.describe_change(utryghed, 13.3, 14.05) == "↓ 0,8 (bedre)"
    assert overview.describe_change(utryghed, 13.3, 14.05, unit=True) == f"↓ 0,8{NB}procentpoint (bedre)"
    # a requirement: higher is better, 92,6 − 96,2 = −3,6
    assert overview.describe_change(plan, 92.6, 96.2) == "↓ 3,6 (dårligere)"
    assert overview.describe_change(plan, 100.0, 96.2) == "↑ 3,8 (bedre)"
    assert overview.describe_change(utryghed, 13.3, 13.3) == "→ uændret"
    assert overview.describe_change(utryghed, 13.3, None) == "–"
    # a real change that would read 0,0 gets a decimal more: 13,34 − 13,3 = 0,04
    assert overview.describe_change(utryghed, 13.34, 13.3) == "↑ 0,04 (dårligere)"


def test_overview_rows_per_maalepunkt_and_indikator(programme, table_2017):
    frame = overview.overview_frame(table_2017, SERIES, programme)
    assert frame["nr"].tolist() == ["1", "2", "3", "3a", "3b", "3c", "4", "5"]
    rows = frame.set_index("nr")
    # a målepunkt with one indikator is named by the målepunkt; the gang log by its area too
    assert rows.loc["1", "navn"] == "Færre utrygge københavnere om aftenen og natten"
    assert rows.loc["5", "navn"] == "Færre rocker- og bandemedlemmer i København (målt på Indre Nørrebro)"
    # målepunkt 3 has a row of its own with its status: one of three indikatorer missed
    assert rows.loc["3", "status"] == "ikke_naaet" and rows.loc["3", "maal"] == "alle tre indikatorer skal nås"
    assert rows.loc["3a", "navn"] == programme.indikator("lukkedage").title
    # targets at the indikator's precision: 189,61 → 189, 6,03 → 6; the provisional one says so
    assert rows.loc["3a", "maal"] == "højst 189 i 2017" and rows.loc["3b", "maal"] == "højst 6 i 2017"
    assert rows.loc["2", "maal"] == "under 5 (2013) i 2017, foreløbigt"
    assert rows.loc["3c", "maal"] == f"mindst 100,0{NB}% hvert år"
    assert rows.loc["4", "maal"] == f"under 1,1{NB}% (2013) i 2017"
    # 185 − 243 = −58; 3 − 3 = 0
    assert rows.loc["3a", "aendring"] == "↓ 58 (bedre)" and rows.loc["2", "aendring"] == "→ uændret"
    assert rows.loc["1", "vaerdi"] == f"13,3{NB}%"


def test_overview_table_shows_status_as_symbol_and_word(programme, table_2017):
    table = overview.overview_table(table_2017, SERIES, programme)
    shown = table.to_frame()
    assert shown["Status 2017"].tolist() == ["✗ Ikke nået", "✓ Nået", "✗ Ikke nået", "✓ Nået", "✓ Nået",
                                             "✗ Ikke nået", "✓ Nået", "✓ Nået"]
    assert "Ændring fra 2016" in shown.columns
    assert "foreløbigt" in table.note and "bilag 2" in table.note
    assert "sb-status-ikke_naaet" in table._repr_html_()


def test_small_multiples_have_a_panel_per_indikator_and_describe_the_data(programme, table_2017):
    chart = plotting.overview_small_multiples(SERIES, table_2017, programme, 2017)
    panels = [ax for ax in chart.figure.axes if ax.get_lines()]
    assert len(panels) == len(programme.indikatorer)
    first = {line.get_gid(): line for line in panels[0].get_lines() if line.get_gid()}
    assert list(first["maalt"].get_xdata()) == [2013, 2016, 2017]
    assert list(first["maalsti"].get_xdata()) == [2013, 2017] and list(first["maalsti"].get_ydata()) == [17.5, 13.0]
    alt = chart.alt_text
    assert alt.startswith("Små linjediagrammer, ét for hver af programmets 7 indikatorer")
    # every panel in the alt text, with first and last value, the target at precision and the status
    assert (f"1. Færre utrygge københavnere om aftenen og natten: andelen faldt fra 17,5{NB}% i 2013 til "
            f"13,3{NB}% i 2017; målet er højst 13,0{NB}% i 2017; status ikke nået.") in alt
    assert "3a. Antal ikke-planlagte lukkedage som følge af uro i et område: antallet faldt fra 283 i 2013 til " \
           "185 i 2017; målet er højst 189 i 2017; status nået." in alt
    assert "(målt på Indre Nørrebro)" in alt and "status nået (foreløbigt mål)" in alt
    assert "189,61" not in alt
    texts = " ".join(t.get_text() for ax in panels for t in ax.texts)
    assert "✗ Ikke nået" in texts and "foreløbigt mål" in texts


def test_panel_codes_letter_only_the_maalepunkter_with_several_indikatorer(programme):
    assert plotting.panel_codes(programme.indikatorer) == ["1", "2", "3a", "3b", "3c", "4", "5"]
    assert plotting.short_title("Antal ikke-planlagte lukkedage (institution og kalenderdag) som følge af uro") == (
        "Antal ikke-planlagte lukkedage som følge af uro")
    assert plotting.short_title("ord " * 30, limit=20) == "ord ord ord ord ord…"


@pytest.fixture
def history(programme):
    years = {2014: ["paa_sporet", "basisaar"], 2015: ["ikke_paa_sporet", "ikke_paa_sporet"],
             2016: ["paa_sporet", "paa_sporet"], 2017: ["ikke_naaet", "naaet"]}
    return pd.concat([status_table(programme, y, [
        {"id": "utryghed_aften", "vaerdi": 1.0, "status": a},
        {"id": "bandelog_indre_noerrebro", "vaerdi": 1.0, "basisvaerdi": 142, "status": b},
    ]) for y, (a, b) in years.items()], ignore_index=True)


def test_end_of_programme_table_every_indikator_every_year(programme, history):
    table = overview.history_table(history, programme)
    shown = table.to_frame()
    assert list(shown.columns) == ["Nr.", "Indikator", "2014", "2015", "2016", "2017", "Målepunktet 2017"]
    assert shown["Nr."].tolist() == ["1", "5"]
    assert shown.iloc[0, 2:].tolist() == ["→ På sporet", "⚠ Ikke på sporet", "→ På sporet", "✗ Ikke nået",
                                          "✗ Ikke nået"]
    assert shown.iloc[1, 2:].tolist() == ["● Basisår", "⚠ Ikke på sporet", "→ På sporet", "✓ Nået", "✓ Nået"]
    assert table.caption == "Programmets afslutning: status for hver indikator i programmets år 2014-2017"


def test_changes_since_last_year(programme, history):
    before = history[history["aar"] == 2016]
    now = history[history["aar"] == 2017]
    frame = overview.changes_frame(before, now, programme)
    # utryghed: på sporet → ikke nået (worse); bandelog: på sporet → nået (same rank)
    assert frame["aendring"].tolist() == ["forværret", "uændret"]
    assert overview.describe_changes(before, now, programme) == (
        f"Fra 2016 til 2017 er én indikator skiftet til ikke nået eller ikke på sporet: 1 "
        f"»{programme.indikator('utryghed_aften').title}«.")
    first = history[history["aar"] == 2014]
    second = history[history["aar"] == 2015]
    # 2014 → 2015: utryghed worse; bandelog from its baseline year cannot be compared
    assert overview.changes_frame(first, second, programme)["aendring"].tolist() == ["forværret",
                                                                                    "ikke sammenlignelig"]
    assert overview.changes_table(first, second, programme).caption == (
        "Hvad er ændret siden sidste år: status 2014 og 2015")


def test_year_section_is_the_final_table_in_the_last_year_only(programme, sample_dataset):
    from sikkerby.model.goals import maalstatus, measure_series

    series = measure_series(sample_dataset, programme)
    final = overview.year_section(sample_dataset, programme, series, maalstatus(sample_dataset, programme, 2017,
                                                                                  series=series))
    assert repr(final[0]) == "Programmets afslutning"
    assert final[-1].caption.startswith("Programmets afslutning: status for hver indikator i programmets år 2014-2017")
    middle = overview.year_section(sample_dataset, programme, series, maalstatus(sample_dataset, programme, 2015,
                                                                                   series=series))
    assert repr(middle[0]) == "Hvad er ændret siden sidste år"
    assert middle[-1].caption == "Hvad er ændret siden sidste år: status 2014 og 2015"


def test_page_break_is_typst_in_the_pdf_and_invisible_on_the_web():
    brk = overview.PageBreak()
    assert "#pagebreak(weak: true)" in brk._repr_markdown_() and "{=typst}" in brk._repr_markdown_()
    assert 'aria-hidden="true"' in brk._repr_html_() and "pagebreak" not in brk._repr_html_()


def test_overview_of_the_sample_matches_the_model(programme, sample_dataset):
    """Every status in the overview table is the model's status of that indikator (no copy, no recomputation)."""
    from sikkerby.model.goals import maalstatus, measure_series

    series = measure_series(sample_dataset, programme)
    for year in (2015, 2017):
        table = maalstatus(sample_dataset, programme, year, series=series)
        frame = overview.overview_frame(table, series, programme)
        indikator_rows = frame[frame["indikator_id"] != ""]
        assert dict(zip(indikator_rows["indikator_id"], indikator_rows["status"])) == dict(
            zip(table["indikator_id"], table["status"]))
        assert not np.any(frame["maal"].str.contains("189,61|6,03"))
