"""The front page and the annex chapter as executed (notebooks/00_sammenfatning.ipynb, notebooks/03_bilag.ipynb):
what a committee reads. Expected numbers come from the model on the same data, never from the notebook."""

from __future__ import annotations

import re

import pytest

from sikkerby.model.goals import maalstatus, measure_series
from sikkerby.report import overview

pytestmark = pytest.mark.slow

DEVELOPER_WORDS = ("python", "sha-256", "manifest.json", "notebook", "sikkerby run", "program.yaml", "dataframe")


def outputs(nb):
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]


def shown_text(nb) -> str:
    """Everything a reader sees: markdown cells and every output's Markdown or plain text and alt texts."""
    parts = [cell.source for cell in nb.cells if cell.cell_type == "markdown"]
    for output in outputs(nb):
        data = output.get("data", {})
        text = data.get("text/markdown") or data.get("text/plain") or ""
        parts.append("".join(text) if isinstance(text, list) else text)
        alt = output.get("metadata", {}).get("image/png", {}).get("alt")
        if alt:
            parts.append(alt)
    return "\n".join(parts)


@pytest.mark.parametrize("year", [2017, 2015])
def test_front_page_leads_with_the_missed_and_shows_the_overview(executed_notebook, programme, sample_dataset, year):
    nb = executed_notebook("00_sammenfatning", year)
    assert not [o for o in outputs(nb) if o.get("output_type") == "error"]
    text = shown_text(nb)
    plain = re.sub(r"\\(.)", r"\1", text)  # Markdown escapes off
    for word in DEVELOPER_WORDS:
        assert word not in plain.lower(), word
    assert "mindste forbedring" not in plain.lower()
    assert "Sikker By programmet" not in plain.replace("status for Sikker By programmet", "")  # the banner is not ours
    # the key messages: the first per-målepunkt message is a missed one when any is missed
    series = measure_series(sample_dataset, programme)
    table = maalstatus(sample_dataset, programme, year, series=series)
    statuses = overview.maalepunkt_statuses(table, programme)
    missed = statuses[statuses["status"].isin(overview.MISSED)]
    bullets = [line[2:] for line in plain.splitlines() if line.startswith("- ")]
    first_mp = next(b for b in bullets if " målepunkt " in b.split(":", 1)[0] or ": målepunkt " in b)
    if len(missed):
        assert first_mp.startswith(("Ikke nået", "Ikke på sporet"))
    for nr in statuses["maalepunkt_nr"]:
        assert any(f": målepunkt {nr} »" in b for b in bullets), nr
    # the overview: a chart whose alt text names every panel, then the table, on a page of its own
    pngs = [o for o in outputs(nb) if "image/png" in o.get("data", {})]
    alt = pngs[0]["metadata"]["image/png"]["alt"]
    assert alt.startswith("Små linjediagrammer") and alt.count("status ") == len(programme.indikatorer)
    assert any("#pagebreak" in "".join(o.get("data", {}).get("text/markdown", "")) for o in outputs(nb))
    section = "Programmets afslutning" if year >= programme.period_end else "Hvad er ændret siden sidste år"
    assert f"# {section}" in plain
    assert "Ansvarlig: " + programme.secretariat in plain


def test_annex_chapter_lists_the_criteria_and_the_method(executed_notebook, programme, sample_dataset):
    from sikkerby.model.evidence import evaluate

    nb = executed_notebook("04_bilag", 2017)
    assert not [o for o in outputs(nb) if o.get("output_type") == "error"]
    plain = re.sub(r"\\(.)", r"\1", shown_text(nb))
    for word in DEVELOPER_WORDS:
        assert word not in plain.lower(), word
    annex = evaluate(sample_dataset, programme, 2017).annex
    for description in set(annex["beskrivelse"]):
        assert description in plain
    assert "Bilag 1: Uddybende oversigt over indsatsernes målindfrielse" in plain
    assert "Bilag 2: Metode og kvalitet" in plain
    assert "pædagogisk redskab" in plain and "forvaltningens operationalisering" in plain
    assert "189,61" in plain  # the exact target is stated in the method note, once the tables show 189
