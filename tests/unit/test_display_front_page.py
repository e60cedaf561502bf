"""Display objects the front page uses: status tables per goal area, the model overview, bullets, sources."""

from __future__ import annotations

import json

import pypandoc
import pytest
from front_page_factories import scores_frame, status_table

from sikkerby.model.evidence import model_overview
from sikkerby.model.goals import maalstatus
from sikkerby.report.display import (
    BulletList,
    data_sources_table,
    maalstatus_by_goal_area,
    maalstatus_table,
    model_overview_table,
)
from sikkerby.report.formatting import NBSP
from sikkerby.report.front_page import data_sources


@pytest.fixture(scope="module")
def status_2017(sample_dataset, programme):
    return maalstatus(sample_dataset, programme, 2017)


def test_maalstatus_table_can_leave_out_the_year(status_2017, programme):
    assert "År" in maalstatus_table(status_2017, programme).to_frame().columns
    shown = maalstatus_table(status_2017, programme, show_year=False).to_frame()
    assert list(shown.columns) == ["Målepunkt", "Værdi", "Basisværdi (år)", "Mål", "Målsti i året", "Status"]


def test_maalstatus_by_goal_area_groups_in_programme_order(status_2017, programme):
    tables = maalstatus_by_goal_area(status_2017, programme)
    assert [t.caption for t in tables] == ["Øget tryghed – status for 2017", "Mindre kriminalitet – status for 2017"]
    for table, area in zip(tables, ("tryghed", "kriminalitet")):
        frame = table.to_frame()
        assert frame["Målepunkt"].tolist() == [i.title for i in programme.indikatorer_for(area)]
        assert "År" not in frame.columns
    # the survey's confidence interval note belongs to the table that has it
    assert tables[0].note and not tables[1].note
    # kind sti only in tryghed: only that table has a path column
    assert "Målsti i året" in tables[0].to_frame().columns
    assert "Målsti i året" not in tables[1].to_frame().columns


def test_maalstatus_by_goal_area_status_words(programme):
    table = status_table(programme, 2016, [
        {"id": "bandelog_indre_noerrebro", "vaerdi": 150, "basisaar": 2014, "basisvaerdi": 125,
         "status": "ikke_paa_sporet"},
        {"id": "utryghed_aften", "vaerdi": None, "basisaar": 2013, "basisvaerdi": 17.5, "status": "ikke_vurderbar"},
    ])
    tables = maalstatus_by_goal_area(table, programme)
    assert [t.caption for t in tables] == ["Øget tryghed – status for 2016", "Mindre kriminalitet – status for 2016"]
    assert tables[0].to_frame()["Status"].tolist() == ["? Kan ikke vurderes"]
    assert tables[1].to_frame()["Status"].tolist() == ["⚠ Ikke på sporet"]
    assert 'class="sb-status sb-status-ikke_paa_sporet"' in tables[1]._repr_html_()


def test_maalstatus_by_goal_area_skips_empty_areas(programme):
    table = status_table(programme, 2015, [
        {"id": "lukkedage", "vaerdi": 250, "basisaar": 2013, "basisvaerdi": 283, "status": "paa_sporet"}])
    tables = maalstatus_by_goal_area(table, programme)
    assert [t.caption for t in tables] == ["Øget tryghed – status for 2015"]


def test_model_overview_table():
    scores = scores_frame([("A1", "i_model", 80.0), ("A2", "i_model", None), ("A3", "godt_paa_vej", None),
                           ("A4", "godt_paa_vej", None), ("A5", "ikke_i_model", None)])
    table = model_overview_table(model_overview(scores), caption="Modellen 2016")
    frame = table.to_frame()
    assert list(frame.columns) == ["Status i modellen", "Aktiviteter", "Heraf grøn", "Heraf gul", "Heraf rød",
                                   "Heraf uden samlet score"]
    assert frame.iloc[0].tolist() == ["● Afrapporterer resultater", "2", "1", "0", "0", "1"]
    assert frame.iloc[2].tolist() == ["→ Godt på vej", "2", "–", "–", "–", "–"]
    assert frame["Status i modellen"].tolist() == [
        "● Afrapporterer resultater", "◆ Førmåling", "→ Godt på vej", "⚠ Forsinket", "○ Ikke i modellen"]
    assert table.note.startswith("I alt 5 aktiviteter.")
    assert "»Afrapporterer resultater«" in table.note


def test_bullet_list_escapes_both_routes():
    items = ["Tom & <b>Jerry</b>", "*ikke fed* | 1. ikke nummereret", "- ikke en ny liste"]
    bullets = BulletList(items)
    html = bullets._repr_html_()
    assert html.startswith('<ul class="sb-list"><li>') and "<b>" not in html and "&lt;b&gt;" in html
    ast = json.loads(pypandoc.convert_text(bullets._repr_markdown_(), "json", format="markdown"))
    assert [block["t"] for block in ast["blocks"]] == ["BulletList"]
    plain = pypandoc.convert_text(bullets._repr_markdown_(), "plain", format="markdown", extra_args=["--wrap=none"])
    assert [line.lstrip("- ").strip() for line in plain.strip().splitlines() if line.strip()] == [
        "Tom & <b>Jerry</b>", "*ikke fed* | 1. ikke nummereret", "- ikke en ny liste".lstrip("- ")]
    assert repr(bullets).splitlines()[0] == "- Tom & <b>Jerry</b>"
    assert BulletList([])._repr_html_() == ""


def test_bullet_list_keeps_non_breaking_spaces():
    bullets = BulletList([f"17,5{NBSP}% i 2013"])
    assert f"17,5{NBSP}%" in bullets._repr_html_()
    assert f"17\\,5{NBSP}\\%" in bullets._repr_markdown_()
    assert repr(bullets) == f"- 17,5{NBSP}% i 2013"


def test_data_sources_table(sample_dataset):
    frame = data_sources_table(data_sources(sample_dataset)).to_frame()
    assert list(frame.columns) == ["Inddata", "Fil", "Rækker", "Fra år", "Til år"]
    survey = frame.iloc[0]
    assert survey["Fil"] == "tryghedsundersoegelse.csv"
    rows = len(sample_dataset.tryghedsundersoegelse)
    assert survey["Rækker"] == f"{rows:,}".replace(",", ".") and "." in survey["Rækker"]  # Danish thousands
    assert frame.set_index("Fil").loc["aktiviteter.csv", "Fra år"] == "–"
    assert NBSP not in "".join(frame["Til år"])
