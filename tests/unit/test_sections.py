"""The goal-area chapters' building blocks: display objects for sections, and sikkerby.report.goal_area."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pypandoc
import pytest

from sikkerby.report import display, goal_area
from sikkerby.report.chapter import ChapterContext
from sikkerby.report.display import (
    Callout,
    Caption,
    ColumnSpec,
    Heading,
    Paragraph,
    StatusLine,
    Table,
)
from sikkerby.report.formatting import NBSP

NB = NBSP

# --------------------------------------------------------- display objects

EVIL = "Tryg <script>alert(1)</script> & *fed* [link](x)"


def test_heading_escapes_on_both_routes():
    h = Heading(EVIL, level=2)
    assert h._repr_html_() == (
        '<h2 id="tryg-script-alert-1-script-fed-link-x">Tryg &lt;script&gt;alert(1)&lt;/script&gt; &amp; '
        "*fed* [link](x)</h2>")
    markdown = h._repr_markdown_()
    assert markdown.startswith("## ")
    html = pypandoc.convert_text(markdown, "html", format="markdown")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<em>" not in html and "<a " not in html
    assert html.startswith("<h2") and "</h2>" in html
    assert Heading("Færre  utrygge\nkøbenhavnere", 3)._repr_markdown_() == "### Færre utrygge københavnere\n"
    assert Heading("Færre utrygge københavnere").anchor == "færre-utrygge-københavnere"
    with pytest.raises(ValueError):
        Heading("x", 7)


def test_paragraph_with_lead():
    p = Paragraph("andel <5 & mere", lead="Hvad måles")
    assert p._repr_html_() == '<p class="sb-text"><strong>Hvad måles:</strong> andel &lt;5 &amp; mere</p>'
    assert p._repr_markdown_() == "**Hvad måles:** andel \\<5 &amp; mere\n"
    assert repr(p) == "Hvad måles: andel <5 & mere"
    assert Paragraph("uden")._repr_html_() == '<p class="sb-text">uden</p>'  # unchanged without a lead


def test_status_line_is_symbol_word_and_colour():
    s = StatusLine("Status 2017", "ikke_paa_sporet")
    html = s._repr_html_()
    assert "<strong>Status 2017:</strong>" in html
    assert "sb-status-ikke_paa_sporet" in html and "background-color:#E69F00" in html
    assert ">⚠</span> Ikke på sporet</span></p>" in html
    assert s._repr_markdown_() == ('**Status 2017:** [⚠]{.sb-mark .sb-status-ikke_paa_sporet fill="#E69F00" ink="#000000"}'
            "\u00a0Ikke på sporet\n")
    assert repr(s) == "Status 2017: ⚠ Ikke på sporet"
    typst = pypandoc.convert_text(s._repr_markdown_(), "typst", format="markdown")
    assert "⚠" in typst and "Ikke på sporet" in typst
    with pytest.raises(ValueError):
        StatusLine("Status", "ukendt")


def test_disclosure_markers_in_number_columns_and_empty_text():
    df = pd.DataFrame({"navn": ["A", "B"], "antal": pd.Series([12, "<5"], dtype=object),
                       "andel": pd.Series([1.25, "–"], dtype=object)})
    t = Table(df, [ColumnSpec("navn"), ColumnSpec("antal", kind="number"),
                   ColumnSpec("andel", kind="percent", decimals=1)])
    assert t.to_frame().values.tolist() == [["A", "12", "1,3\u00a0%"], ["B", "<5", "–"]]
    assert '<td class="sb-num">&lt;5</td>' in t._repr_html_()
    empty = Table(df.iloc[:0], ["navn"], empty="Ingen lukninger i 2017")
    assert "Ingen lukninger i 2017" in empty._repr_html_() and "Ingen lukninger i 2017" in empty._repr_markdown_()
    assert "Ingen data" in Table(df.iloc[:0], ["navn"])._repr_html_()  # the default is unchanged


# ------------------------------------------------------------ sikkerby.report.goal_area



def hand_context(programme, year: int, dataset=None) -> ChapterContext:
    """A chapter whose series is written by hand (utryghed_aften only; every other indikator has no data).

    utryghed_aften: 2013 17,6 (published baseline 17,5: a warning), 2014 16,4 (15,0-17,8), 2015 15,2 (14,0-16,4).
    P(2014) = 17,5 - 1,125 = 16,375 < 16,4 → ikke på sporet; P(2015) = 15,25 ≥ 15,2 and 16,4 - 15,2 = 1,2 ≥ 1,0
    → på sporet; the interval 14,0-16,4 contains 15,25 → not statistically clear.
    ``dataset``: the inputs the breakdowns read (default none; see :func:`empty_dataset`).
    """
    series = pd.DataFrame({
        "indikator_id": ["utryghed_aften"] * 3, "aar": [2013, 2014, 2015], "vaerdi": [17.6, 16.4, 15.2],
        "ci_nedre": [16.2, 15.0, 14.0], "ci_oevre": [19.0, 17.8, 16.4],
    }).astype({"indikator_id": "str", "aar": "int64"})
    ch = ChapterContext(year=year, data_dir="hand", programme=programme, dataset=dataset)
    ch.__dict__["series"] = series  # the cached property, computed by hand
    return ch


@pytest.fixture
def empty_dataset(typed_frame):
    """Every input with its columns and no rows (the breakdowns of a chapter without data)."""
    from pathlib import Path

    from sikkerby.inputs.dataset import Dataset
    from sikkerby.inputs.contract import INPUT_FILES

    return Dataset(**{f.name: typed_frame(f.name, []) for f in INPUT_FILES}, source_dir=Path("."), source_files={})


@pytest.fixture
def shown(monkeypatch):
    """Everything sikkerby.report.display shows, as (object, kwargs) pairs."""
    calls = []
    monkeypatch.setattr(display, "_display", lambda *objects, **kw: calls.extend((o, kw) for o in objects))
    return calls


def test_objects_of_a_survey_indikator(programme):
    ch = hand_context(programme, 2015)
    objects = goal_area.indikator_objects(ch, programme.indikator("utryghed_aften"))
    assert [type(o).__name__ for o in objects] == [
        "Paragraph", "Paragraph", "Callout", "StatusLine", "Paragraph", "Paragraph"]
    measure, target, warning, status, sentence, ci = objects
    assert measure.lead == "Hvad måles" and measure.text.startswith("Andel af borgerne, der føler sig utrygge")
    assert measure.text.endswith("om aftenen og natten.")
    assert target.lead == "Basisværdi, mål og frist"
    assert target.text.startswith(f"Basisværdien er 17,5{NB}% i 2013. Målet er højst 13,0{NB}% med frist i 2017.")
    assert "offentliggjort som 17,5, men data giver 17,60" in warning.text
    assert repr(status) == "Status 2015: → På sporet"
    assert sentence.text.startswith(f"I 2015 var andelen 15,2{NB}% (95{NB}%-konfidensinterval: 14,0–16,4{NB}%).")
    assert f"(andelen var 16,4{NB}% i 2014)" in sentence.text  # V(2014), for the yearly requirement
    assert sentence.text.endswith("så målepunktet er på sporet.")
    assert ci.lead == "Statistisk usikkerhed" and f"omfatter målstien for 2015 (15,3{NB}%)" in ci.text
    # under a målepunkt with several indikatorer, the indikator's title is a heading instead
    headed = goal_area.indikator_objects(ch, programme.indikator("utryghed_aften"), heading_level=3)
    assert isinstance(headed[0], Heading) and headed[0].level == 3
    assert headed[0].text == programme.indikator("utryghed_aften").title
    assert [type(o).__name__ for o in headed[1:]] == [type(o).__name__ for o in objects[1:]]


def test_provisional_target_is_said_in_a_callout_and_in_the_status_line(programme):
    indikator = programme.indikator("omraader_indsatsbehov")
    objects = goal_area.indikator_objects(hand_context(programme, 2015), indikator)
    callout = next(o for o in objects if isinstance(o, Callout))
    assert callout.title == goal_area.PROVISIONAL_LEAD and callout.text == indikator.provisional
    assert "Tryghedsindekset 2015" in callout.text
    status = next(o for o in objects if isinstance(o, StatusLine))
    assert repr(status) == "Status 2015 (foreløbigt mål): ? Kan ikke vurderes"


def test_first_year_after_the_baseline_compares_with_the_published_baseline(programme):
    ch = hand_context(programme, 2014)
    assert goal_area.previous_value(ch, programme.indikator("utryghed_aften")) == 17.5  # not the data's 17,6
    objects = goal_area.indikator_objects(ch, programme.indikator("utryghed_aften"))
    status = next(o for o in objects if isinstance(o, display.StatusLine))
    assert repr(status) == "Status 2014: ⚠ Ikke på sporet"  # 16,4 > P(2014) = 16,375


def test_show_maalepunkt_displays_the_indikator_the_chart_then_the_breakdowns(programme, shown, empty_dataset):
    ch = hand_context(programme, 2015, empty_dataset)
    maalepunkt = programme.maalepunkt(1)
    goal_area.show_maalepunkt(ch, maalepunkt)
    objects = [o for o, _ in shown]
    heading, why = objects[:2]
    assert isinstance(heading, Heading) and heading.level == 2
    assert heading.text == "Målepunkt 1: Færre utrygge københavnere om aftenen og natten"
    assert why.lead == "Hvorfor" and why.text.startswith("Kommunens Tryghedsindeks måler")
    indikator = programme.indikator("utryghed_aften")
    assert [type(o).__name__ for o in objects[2:8]] == [
        type(o).__name__ for o in goal_area.indikator_objects(ch, indikator)]
    image, image_kw = shown[8]
    assert sorted(image) == ["image/png", "text/plain"] and image_kw["raw"] is True
    alt = image_kw["metadata"]["image/png"]["alt"]
    assert alt.startswith(f"Linjediagram: andelen faldt fra 17,6{NB}% i 2013 til 15,2{NB}% i 2015")
    assert isinstance(objects[9], Caption)
    assert objects[9].text == (f"{indikator.title}: andelen 2013–2015 med målstien "
                               f"fra 2013 og målet for 2017 samt 95{NB}%-konfidensintervaller.")
    # the survey calculation's breakdown: the share per bydel (no answers in 2015 here)
    breakdown_heading, intro, table = objects[10:]
    assert breakdown_heading.text == "Fordelt på bydele" and breakdown_heading.level == 3
    assert isinstance(intro, Paragraph) and isinstance(table, Table)
    assert table.rows == [] and table.empty == "Ingen gyldige svar i 2015"
    assert len(shown) == 13


def test_maalepunkt_with_several_indikatorer_and_without_data(programme, shown, empty_dataset):
    ch = hand_context(programme, 2015, empty_dataset)
    maalepunkt = programme.maalepunkt(3)
    goal_area.show_maalepunkt(ch, maalepunkt)
    objects = [o for o, _ in shown]
    assert repr(objects[0]) == "Målepunkt 3: Færre institutioner og serviceydelser, der lukker som følge af uro"
    assert objects[2].lead == "Indikatorer"
    assert objects[2].text == "Målepunktet vurderes på tre indikatorer, som hver har sit mål."
    headings = [o for o in objects if isinstance(o, Heading) and o.level == 3]
    assert [h.text for h in headings if h.text in {i.title for i in maalepunkt.indikatorer}] == [
        i.title for i in maalepunkt.indikatorer]
    assert not any(isinstance(o, Callout) for o in objects)
    texts = [repr(o) for o in objects]
    assert texts.count("Status 2015: ? Kan ikke vurderes") == 3
    assert texts.count("For 2015 er der ingen opgjort værdi, så status kan ikke vurderes.") == 3
    alts = [kw["metadata"]["image/png"]["alt"] for o, kw in shown if kw.get("raw")]
    assert len(alts) == 3 and all(a.startswith("Linjediagram uden målte værdier til og med 2015") for a in alts)
    captions = [o.text for o in objects if isinstance(o, Caption)]
    assert captions[0].startswith(f"{programme.indikator('lukkedage').title}: antallet til og med 2015 med målstien")
    tables = [o for o in objects if isinstance(o, Table)]
    assert [t.empty for t in tables] == ["Ingen ikke-planlagte lukninger i 2015"] * 2 + [
        "Alle lukninger begyndt i 2015 fik en handleplan senest 3. arbejdsdag"]


def test_goal_area_opening_and_summary(programme, shown):
    ch = hand_context(programme, 2015)
    assert goal_area.goal_area_statuses(ch, "tryghed") == ["paa_sporet"] + ["ikke_vurderbar"] * 4
    goal_area.show_goal_area(ch, "kriminalitet")
    goal_area.show_goal_area_summary(ch, "tryghed")
    texts = [repr(o) for o, _ in shown]
    assert texts[0].startswith("Sikker By-programmet har et særligt fokus på at mindske ungdomskriminaliteten")
    summary = texts.index("Opsummering")
    assert texts[summary + 1] == "Af 5 indikatorer er 1 på sporet, mens 4 ikke kan vurderes."
    table = shown[summary + 2][0]
    assert table.caption == "Øget tryghed: status for 2015"
    assert table.to_frame()["Målepunkt"].tolist() == [i.title for i in programme.indikatorer_for("tryghed")]


def test_breakdowns_follow_the_calculation(programme, sample_dataset):
    from sikkerby.model import calculations

    ch = _context(programme, sample_dataset, 2017)
    for indikator in programme.indikatorer:
        tables = goal_area.breakdown_tables(ch, indikator)
        assert list(tables) == list(calculations.calculation_for(indikator).breakdowns)
        assert tables and all(isinstance(t, Table) for t in tables.values())
    assert set(goal_area.BREAKDOWNS) == {b for c in calculations.REGISTRY.values() for b in c.breakdowns}


# ------------------------------------------------------ breakdown table layouts

def test_disclosure_note(programme):
    assert goal_area.disclosure_note(programme) == "Antal fra 1 til 4 vises som »<5« af hensyn til diskretion."
    assert goal_area.disclosure_note(programme, shares=True).endswith(
        "; andele beregnet af dem vises som »–«.")


def test_institution_and_forvaltning_layouts(programme):
    by_institution = pd.DataFrame({"institution": ["Klub <A>", "Klub B"], "forvaltning": ["BUF", "XYZ"],
                                   "bydel": ["Valby", "Valby"], "lukkedage": pd.Series([12, "<5"], dtype=object)})
    frame = Table(by_institution, goal_area.institution_columns(programme)).to_frame()
    assert frame.values.tolist() == [["Klub <A>", "Børne- og Ungdomsforvaltningen (BUF)", "Valby", "12"],
                                     ["Klub B", "XYZ", "Valby", "<5"]]
    by_forvaltning = pd.DataFrame({"forvaltning": ["SOF"], "lukkedage": [1234], "lukkede_institutioner": ["<5"]})
    assert Table(by_forvaltning, goal_area.forvaltning_columns(programme)).to_frame().values.tolist() == [
        ["Socialforvaltningen (SOF)", "1.234", "<5"]]


def test_bydel_and_youth_crime_layouts(programme):
    bydele = pd.DataFrame({"bydel": ["Valby", "Vanløse"], "vaerdi": pd.Series([10.84, "–"], dtype=object),
                           "ci_nedre": pd.Series([6.88, "–"], dtype=object),
                           "ci_oevre": pd.Series([14.71, "–"], dtype=object),
                           "n": pd.Series([1264, "<5"], dtype=object)})
    frame = Table(bydele, goal_area.bydel_columns(programme.indikator("utryghed_aften"))).to_frame()
    assert frame.values.tolist() == [["Valby", f"10,8{NB}%", f"6,9–14,7{NB}%", "1.264"],
                                     ["Vanløse", "–", "–", "<5"]]
    youth = pd.DataFrame({"aldersgruppe": ["15-17", "15-17"], "koen": ["k", "uoplyst"],
                          "befolkning": [12714, 40], "sigtede": pd.Series([51, "<5"], dtype=object),
                          "andel": pd.Series([0.401133, "–"], dtype=object)})
    frame = Table(youth, goal_area.youth_crime_columns(programme.indikator("ungdomskriminalitet"))).to_frame()
    assert frame.values.tolist() == [["15-17 år", "Kvinder", "12.714", "51", f"0,40{NB}%"],
                                     ["15-17 år", "Køn ikke oplyst", "40", "<5", "–"]]


def test_late_plans_changes_and_gang_log_layouts(programme):
    late = pd.DataFrame({
        "institution": ["Klub A", "Klub B"], "forvaltning": ["SOF", "BUF"],
        "startdato": pd.to_datetime(["2016-03-18", "2016-03-23"]),
        "frist": pd.to_datetime(["2016-03-23", "2016-03-31"]),
        "handleplan_dato": pd.to_datetime(["2016-03-29", None]),
        "arbejdsdage": pd.array([6, None], dtype="Int64"), "problem": ["for_sen", "mangler"]})
    frame = Table(late, goal_area.late_plan_columns()).to_frame()
    assert frame.values.tolist() == [
        ["Klub A", "SOF", "18. marts 2016", "23. marts 2016", "29. marts 2016",
         "⚠ Handleplan for sen"],
        ["Klub B", "BUF", "23. marts 2016", "31. marts 2016", "–",
         "✗ Handleplan mangler"]]
    changes = pd.DataFrame({"omraade": ["Urbanplanen"], "bydel": ["Amager Øst"], "aendring": ["kommet_til"],
                            "indsatsbehov_foer": ["ordinær"], "indsatsbehov": ["intensiveret"],
                            "fra_aar": [2016], "aar": [2017]})
    frame = Table(changes, goal_area.omraade_changes_columns(changes, 2017)).to_frame()
    assert list(frame.columns) == ["Lokalområde", "Bydel", "Ændring", "Indsatsbehov 2016", "Indsatsbehov 2017"]
    assert frame.values.tolist() == [["Urbanplanen", "Amager Øst", "▲ Kommet til", "Ordinær", "Intensiveret"]]
    gone = changes.assign(aendring="gaaet_ud", indsatsbehov=math.nan)
    assert Table(gone, goal_area.omraade_changes_columns(gone, 2017)).to_frame().values.tolist()[0][2:] == [
        "▼ Gået ud", "Ordinær", "–"]
    assert [c.title for c in goal_area.omraade_changes_columns(changes.iloc[:0], 2017)][3] == "Indsatsbehov året før"
    log = pd.DataFrame({"kvartal": ["2017K4"], "dato": pd.to_datetime(["2017-12-31"]), "antal_personer": [117]})
    assert Table(log, goal_area.bandelog_columns()).to_frame().values.tolist() == [
        ["2017K4", "31. december 2017", "117"]]


# ------------------------------------------------------------ breakdown tables

def _context(programme, dataset, year: int, min_count: int | None = None) -> ChapterContext:
    import dataclasses

    if min_count is not None:
        programme = dataclasses.replace(programme, disclosure_min_count=min_count)
    return ChapterContext(year=year, data_dir="", programme=programme, dataset=dataset)


def test_bydel_table_hides_small_bydele_and_says_when_the_year_has_no_answers(programme, typed_frame):
    import types

    # Valby: 5 answers (1 of 5 unsafe = 20 %), Vanløse: 3 answers (below min_count 5) → "<5" and "–"
    answers = [("Valby", a) for a in (4, 1, 2, 2, 1)] + [("Vanløse", a) for a in (5, 5, 1)]
    survey = typed_frame("tryghedsundersoegelse", [
        dict(aar=2016, respondent_id=f"r{i}", bydel=b, vaegt=1.0, tryghed_aften=a)
        for i, (b, a) in enumerate(answers)])
    indikator = programme.indikator("utryghed_aften")
    ch = _context(programme, types.SimpleNamespace(tryghedsundersoegelse=survey), 2016)
    table = goal_area.bydel_table(ch, indikator)
    assert table.caption == f"Andelen pr. bydel, 2016: {indikator.title}"
    assert table.note == goal_area.disclosure_note(programme, shares=True)
    rows = table.to_frame().set_index("Bydel")
    assert list(rows.index) == list(programme.bydele_in(2016)) == list(programme.bydel_names)
    assert rows.loc["Valby"].tolist()[::2] == [f"20,0{NB}%", "5"]
    assert rows.loc["Vanløse"].tolist() == ["–", "–", "<5"]
    assert rows.loc["Amager Øst"].tolist()[2] == "0"  # no answers: 0 is not a small count
    empty = goal_area.bydel_table(_context(programme, types.SimpleNamespace(tryghedsundersoegelse=survey), 2017),
                                  indikator)
    assert empty.rows == [] and empty.empty == "Ingen gyldige svar i 2017"
    assert "Ingen gyldige svar i 2017" in empty._repr_html_()


def test_closure_tables_suppress_every_count_below_min_count(programme, sample_dataset):
    from sikkerby.model.calculations import closures

    ch = _context(programme, sample_dataset, 2017, min_count=60)
    institutions = goal_area.institution_table(ch, programme.indikator("lukkedage"))
    assert institutions.caption == "Ikke-planlagte lukkedage pr. institution, 2017"
    days = closures.lukkedage_by_institution(sample_dataset.lukninger, 2017)["lukkedage"].tolist()
    assert [row[3] for row in institutions.to_frame().values.tolist()] == [
        "<60" if 1 <= d < 60 else str(d) for d in days]
    assert institutions.note == "Antal fra 1 til 59 vises som »<60« af hensyn til diskretion."
    forvaltninger = goal_area.forvaltning_table(ch, programme.indikator("lukkede_institutioner"))
    assert forvaltninger.caption == "Ikke-planlagte lukninger pr. forvaltning, 2017"
    counts = closures.lukkedage_by_forvaltning(sample_dataset.lukninger, 2017)
    shown = forvaltninger.to_frame()
    assert shown["Lukkede institutioner"].tolist() == [
        "<60" if 1 <= n < 60 else str(n) for n in counts["lukkede_institutioner"]]
    assert "<60" in shown["Lukkede institutioner"].tolist()  # the case is exercised
    empty = goal_area.institution_table(_context(programme, sample_dataset, 2030), programme.indikator("lukkedage"))
    assert empty.rows == [] and empty.empty == "Ingen ikke-planlagte lukninger i 2030"


def test_youth_crime_table_hides_the_share_of_a_suppressed_count(programme, sample_dataset):
    from sikkerby.model.calculations import youth_crime

    ch = _context(programme, sample_dataset, 2017, min_count=60)
    table = goal_area.youth_crime_table(ch, programme.indikator("ungdomskriminalitet"))
    assert table.caption == "Sigtede unge fordelt på alder og køn, 2017"
    raw = youth_crime.ungdomskriminalitet_breakdown(sample_dataset.sigtelser, 2017)
    shown = table.to_frame()
    small = [(1 <= s < 60) or (1 <= b < 60) for s, b in zip(raw["sigtede"], raw["befolkning"])]
    assert any(small) and not all(small)
    assert [a == "–" for a in shown["Andel sigtede"]] == small
    assert shown["Sigtede"].tolist() == ["<60" if 1 <= s < 60 else f"{s:,}".replace(",", ".")
                                         for s in raw["sigtede"]]


def test_gang_log_text_and_table(programme, sample_dataset):
    from sikkerby.model.calculations import gang_log

    ch = _context(programme, sample_dataset, 2016, min_count=1000)
    indikator = programme.indikator("bandelog_indre_noerrebro")
    table = goal_area.bandelog_table(ch, indikator)
    omraade = indikator.parameters["omraade"]
    assert omraade == "Indre Nørrebro"
    assert table.caption == f"Bandelogens opgørelser for {omraade} til og med 2016"
    log = gang_log.bandelog_series(sample_dataset.bandelog, omraade, through_year=2016)
    assert len(log) and table.to_frame()["Antal personer"].tolist() == ["<1000"] * len(log)
    latest = gang_log.bandelog_latest(sample_dataset.bandelog, omraade, 2016)
    assert goal_area.bandelog_latest_text(ch, indikator).startswith("Årets tal er den seneste opgørelse i 2016")
    assert f"{int(latest['antal_personer'])} personer i {omraade}." in goal_area.bandelog_latest_text(ch, indikator)
    # another area is another indikator's parameter: its table and sentence follow it
    other = dataclasses.replace(indikator, id="bandelog_tingbjerg", parameters={"omraade": "Tingbjerg/Husum"})
    assert goal_area.bandelog_table(ch, other).caption == "Bandelogens opgørelser for Tingbjerg/Husum til og med 2016"
    assert len(goal_area.bandelog_table(ch, other).rows) == len(
        gang_log.bandelog_series(sample_dataset.bandelog, "Tingbjerg/Husum", through_year=2016))
    assert goal_area.bandelog_latest_text(ch, other).endswith("personer i Tingbjerg/Husum.")


def test_area_changes_and_late_plans_use_the_indikator_parameters(programme, sample_dataset):
    from sikkerby.model.calculations import areas, handleplan

    ch = _context(programme, sample_dataset, 2017)
    areas_indikator = programme.indikator("omraader_indsatsbehov")
    changes = goal_area.area_changes_table(ch, areas_indikator)
    expected = areas.omraader_changes(sample_dataset.tryghedsindeks, areas_indikator.parameters["needs"], 2017)
    assert changes.caption == "Lokalområder, der er kommet til eller gået ud af opgørelsen, 2017"
    assert changes.to_frame()["Lokalområde"].tolist() == expected["omraade"].tolist()
    handleplan_indikator = programme.indikator("handleplan_3_dage")
    late = goal_area.late_plans_table(ch, handleplan_indikator)
    working_days = handleplan_indikator.parameters["working_days"]
    assert working_days == 3
    assert late.to_frame()["Institution/serviceydelse"].tolist() == handleplan.sene_handleplaner(
        sample_dataset.lukninger, 2017, working_days)["institution"].tolist()
    assert late.caption == ("Ikke-planlagte lukninger begyndt i 2017, hvor handleplanen kom senere end "
                            "3. arbejdsdag eller mangler")
    # another deadline is another parameter: the list and its caption follow it
    five = dataclasses.replace(handleplan_indikator, id="handleplan_5_dage", parameters={"working_days": 5})
    late5 = goal_area.late_plans_table(ch, five)
    assert late5.to_frame()["Institution/serviceydelse"].tolist() == handleplan.sene_handleplaner(
        sample_dataset.lukninger, 2017, 5)["institution"].tolist()
    assert "senere end 5. arbejdsdag" in late5.caption


def test_retning_chart_caption_names_the_baseline_level_only_when_there_is_one(programme):
    m = programme.indikator("bandelog_indre_noerrebro")  # baseline taken from the data (2014)
    series = pd.DataFrame({"aar": [2015, 2016], "vaerdi": [120.0, 110.0], "ci_nedre": [math.nan] * 2,
                           "ci_oevre": [math.nan] * 2})
    assert goal_area.chart_caption(m, series, 2016, baseline_value=None) == f"{m.title}: antallet 2015–2016."
    assert goal_area.chart_caption(m, series, 2016, baseline_value=130.0) == (
        f"{m.title}: antallet 2015–2016 med niveauet i basisåret 2014, som antallet skal under.")


def test_baseline_warning_is_the_chapter_s_own_sentence(programme):
    ch = hand_context(programme, 2015)
    m = programme.indikator("utryghed_aften")
    assert goal_area.baseline_warning(ch, m) == ch.baseline_warnings[0]  # computed once, for the whole chapter
    ch.__dict__["baseline_warnings"] = [f"{m.title}: fra kørslens advarsler."]
    assert goal_area.baseline_warning(ch, m) == f"{m.title}: fra kørslens advarsler."
    assert goal_area.baseline_warning(ch, programme.indikator("lukkedage")) is None


# ------------------------------------------------------------ long lists are cut

def _with_max_rows(programme, max_rows: int):
    import dataclasses

    publication = dataclasses.replace(programme.publication, max_table_rows=max_rows,
                                      max_scatter_labels=min(max_rows, programme.publication.max_scatter_labels))
    return dataclasses.replace(programme, publication=publication)


def test_institution_table_is_cut_at_max_table_rows_with_a_sentence(programme, sample_dataset):
    from sikkerby.model.calculations import closures

    days = closures.lukkedage_by_institution(sample_dataset.lukninger, 2017)
    n = len(days)
    assert n >= 3
    lukkedage = programme.indikator("lukkedage")
    at_limit = goal_area.institution_table(_context(_with_max_rows(programme, n), sample_dataset, 2017), lukkedage)
    assert len(at_limit.rows) == n and at_limit.note == goal_area.disclosure_note(programme)
    cut = goal_area.institution_table(_context(_with_max_rows(programme, n - 1), sample_dataset, 2017), lukkedage)
    assert len(cut.rows) == n - 1
    assert cut.to_frame()["Institution/serviceydelse"].tolist() == days["institution"].tolist()[:n - 1]
    assert cut.note == (f"Tabellen viser de første {n - 1} af {n} institutioner. Listen er afkortet: den sidste "
                        f"er ikke med i publikationen. {goal_area.disclosure_note(programme)}")
    assert "Listen er afkortet" in cut._repr_html_() and "Listen er afkortet" in cut._repr_markdown_()


def test_late_plans_table_is_cut_in_date_order(programme, sample_dataset):
    from sikkerby.model.calculations import handleplan

    indikator = programme.indikator("handleplan_3_dage")
    working_days = indikator.parameters["working_days"]
    late = handleplan.sene_handleplaner(sample_dataset.lukninger, 2017, working_days)
    n = len(late)
    assert n == 2  # the sample's 2017
    cut = goal_area.late_plans_table(_context(_with_max_rows(programme, 1), sample_dataset, 2017), indikator)
    assert cut.to_frame()["Institution/serviceydelse"].tolist() == late["institution"].tolist()[:1]
    assert cut.note == ("Tabellen viser den første af 2 lukninger. Listen er afkortet: den sidste "
                        "er ikke med i publikationen.")
    whole = goal_area.late_plans_table(_context(_with_max_rows(programme, n), sample_dataset, 2017), indikator)
    assert len(whole.rows) == n and whole.note == ""


def test_cut_note_wording():
    assert display.cut_note(5, 5, ("lukning", "lukninger")) == ""
    assert display.cut_note(1, 1234, ("lukning", "lukninger")) == (
        "Tabellen viser den første af 1.234 lukninger. Listen er afkortet: de øvrige 1.233 er ikke med i "
        "publikationen.")
    assert display.cut_note(50, 1200, ("aktivitet", "aktiviteter"), "filen x.csv") == (
        "Tabellen viser de første 50 af 1.200 aktiviteter. Alle 1.200 står i filen x.csv.")
    assert display.cut_note(1, 2, ("aktivitet", "aktiviteter"), "filen x.csv").endswith("Begge står i filen x.csv.")


def test_an_analyst_gets_the_numbers_behind_the_tables(programme):
    """Every breakdown table keeps the DataFrame it was made from (real dtypes), and breakdown_frames
    hands them out by indikator and breakdown name."""
    import pandas as pd

    from sikkerby.report.chapter import open_chapter

    chapter_context = open_chapter(2017, "", programme=programme)

    frames = goal_area.breakdown_frames(chapter_context, "tryghed")
    assert set(frames) == {i.id for i in chapter_context.programme.indikatorer_for("tryghed")}
    bydel = frames["utryghed_aften"]["bydel"]
    assert pd.api.types.is_float_dtype(bydel["vaerdi"]) and pd.api.types.is_integer_dtype(bydel["n"])
    table = goal_area.bydel_table(chapter_context, chapter_context.programme.indikator("utryghed_aften"))
    assert table.data.equals(bydel)
