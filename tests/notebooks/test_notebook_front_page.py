"""The front page (notebooks/00_sammenfatning.ipynb) as executed: banner, key messages, status overview.

The notebook is executed once per year and data folder in the session
(``executed_notebook`` fixture). Expected statuses come from
:func:`sikkerby.model.goals.maalstatus` on the same data, not from the notebook.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from sikkerby.config.programme import load_year_params
from sikkerby.model.evidence import evaluate
from sikkerby.model.goals import maalstatus, measure_series
from sikkerby.report.display import SYNTHETIC_DATA_TEXT
from sikkerby.report.formatting import baseline_warnings, label
from sikkerby.report import overview
from sikkerby.report.front_page import (
    introduction,
    key_messages,
    maalepunkt_messages,
    previous_values,
    status_overview_message,
)

STEM = "00_sammenfatning"
YEARS = (2017, 2015)
TEXT_TYPES = ("text/plain", "text/markdown", "text/html")


def outputs(nb) -> list[dict]:
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]


def texts(output: dict) -> list[str]:
    data = output.get("data", {})
    found = [data[t] for t in TEXT_TYPES if t in data]
    if output.get("output_type") == "stream":
        found.append(output.get("text", ""))
    return ["".join(t) if isinstance(t, list) else t for t in found]


class Tables(HTMLParser):
    """Each ``sb-table``: its caption and rows, a row being (text, class) per cell."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._cell: list | None = None
        self._in_caption = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "sb-table" in (attrs.get("class") or ""):
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag == "td":
            self._cell = ["", attrs.get("class") or ""]

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag == "td" and self._cell is not None:
            self.tables[-1]["rows"][-1].append((self._cell[0].strip(), self._cell[1]))
            self._cell = None

    def handle_data(self, data):
        if self._in_caption:
            self.tables[-1]["caption"] += data
        elif self._cell is not None:
            self._cell[0] += data


def html_tables(nb) -> list[dict]:
    found = []
    for output in outputs(nb):
        html = output.get("data", {}).get("text/html")
        if html:
            found += Tables("".join(html) if isinstance(html, list) else html).tables
    return found


@pytest.fixture(scope="module")
def evidence_results(sample_dataset, programme):
    return {year: evaluate(sample_dataset, programme, year) for year in YEARS}


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
def test_sample_banner_at_the_very_top(executed_notebook, year):
    nb = executed_notebook(STEM, year)
    first = outputs(nb)[0]
    shown = " ".join(texts(first))
    assert "Eksempeldata" in shown and "syntetiske" in shown
    assert SYNTHETIC_DATA_TEXT.split(".")[0] in first["data"]["text/plain"]


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
def test_no_errors_and_no_missing_value_words(executed_notebook, year):
    nb = executed_notebook(STEM, year)
    for output in outputs(nb):
        assert output.get("output_type") != "error", output.get("evalue")
        assert not (output.get("output_type") == "stream" and output.get("name") == "stderr"), output.get("text")
        for text in texts(output):
            assert not re.search(r"\bnan\b|\bNaT\b|<NA>", text, re.I), text[:300]
            assert not re.search(r"\bNone\b|\bTrue\b|\bFalse\b", text), text[:300]


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
def test_introduction_names_the_year_and_its_presentation(executed_notebook, programme, year):
    nb = executed_notebook(STEM, year)
    params = load_year_params(year, programme.folder)
    expected = introduction(programme, params, year)
    shown = [o["data"]["text/plain"] for o in outputs(nb) if "text/plain" in o.get("data", {})]
    assert expected in shown
    assert params["title"] in expected and f"i {params['forelaeggelse']}" in expected
    assert programme.name in expected and programme.committee in expected and programme.municipality in expected


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
def test_key_messages_are_shown_as_a_list(executed_notebook, sample_dataset, programme, evidence_results, year):
    nb = executed_notebook(STEM, year)
    series = measure_series(sample_dataset, programme)
    table = maalstatus(sample_dataset, programme, year, series=series)
    history = overview.status_history(sample_dataset, programme, overview.programme_years(programme, year), series)
    expected = key_messages(table, programme, evidence_results[year], baseline_warnings(programme, series),
                            history=history, previous=previous_values(series, programme, table))
    per_maalepunkt = maalepunkt_messages(table, programme, history, previous_values(series, programme, table))
    # the målepunkter by status first, then one message per målepunkt, the missed ones leading
    assert expected[0] == status_overview_message(table, programme, year)
    assert expected[1:1 + len(per_maalepunkt)] == per_maalepunkt
    assert len(per_maalepunkt) == len(programme.maalepunkter)
    statuses = overview.maalepunkt_statuses(table, programme)
    n_missed = int(statuses["status"].isin(overview.MISSED).sum())
    assert all(m.startswith(("Ikke nået", "Ikke på sporet")) for m in per_maalepunkt[:n_missed])
    lists = [o["data"]["text/plain"] for o in outputs(nb)
             if o.get("data", {}).get("text/html", "").startswith('<ul class="sb-list">')]
    assert lists, "no bulleted key messages"
    assert lists[0] == "\n".join(f"- {m}" for m in expected)
    assert lists[0].startswith(f"- I {year}, programmets ")


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
def test_overview_lists_every_indikator_with_its_status(executed_notebook, sample_dataset, programme, year):
    from sikkerby.report.plotting import panel_codes

    nb = executed_notebook(STEM, year)
    tables = [t for t in html_tables(nb) if t["caption"] == f"Målepunkterne i {year}: værdi, udvikling, mål og status"]
    assert len(tables) == 1  # one overview table (the goal-area tables are in the chapters)
    shown = {}
    for row in tables[0]["rows"]:
        if row:  # the header row has no td
            shown.setdefault(row[0][0], []).append(row[-1])
    expected = maalstatus(sample_dataset, programme, year)
    assert len(expected) == 7
    codes = dict(zip((m.id for m in programme.indikatorer), panel_codes(programme.indikatorer)))
    for _, row in expected.iterrows():
        cells = shown[codes[row["indikator_id"]]]
        assert len(cells) == 1
        text, css = cells[0]
        lab = label("status", row["status"])
        assert text == f"{lab.symbol} {lab.word}"  # symbol and word, never colour alone
        assert f"sb-status-{row['status']}" in css


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
def test_model_table_and_data_sources(executed_notebook, evidence_results, year):
    nb = executed_notebook(STEM, year)
    tables = {t["caption"]: t for t in html_tables(nb)}
    model = tables[f"Aktiviteterne i effekt- og evidensmodellen, {year}"]
    counts = evidence_results[year].scores["model_status"].value_counts()
    rows = [r for r in model["rows"] if r]
    assert len(rows) == 5
    i_model = rows[0]
    assert i_model[0][0].endswith("Afrapporterer resultater") and int(i_model[1][0]) == counts.get("i_model", 0)
    sources = tables[f"Inddata bag publikationen (data til og med {year})"]
    files = [r[1][0] for r in sources["rows"] if r]
    last_years = [r[4][0] for r in sources["rows"] if r]
    assert all(y in ("–", "") or int(y) <= year for y in last_years), last_years  # no year after the publication
    assert files == [f"{name}.csv" for name in ("tryghedsundersoegelse", "tryghedsindeks", "lukninger",
                                                  "sigtelser", "bandelog", "aktiviteter", "succeskriterier")]


@pytest.mark.slow
def test_no_banner_for_delivered_data(executed_notebook, sample_copy):
    nb = executed_notebook(STEM, 2017, str(sample_copy))
    for output in outputs(nb):
        assert output.get("output_type") != "error", output.get("evalue")
        for text in texts(output):
            assert "Eksempeldata" not in text and "syntetiske" not in text
    tables = [t for t in html_tables(nb) if t["caption"] == "Målepunkterne i 2017: værdi, udvikling, mål og status"]
    assert sum(1 for t in tables for r in t["rows"] if r) == 8  # seven indikatorer and målepunkt 3's own row
    first = " ".join(texts(outputs(nb)[0]))
    assert first.startswith("Sikker By – status 2017 er den årlige status")


@pytest.mark.slow
def test_chapter_guide_is_generated_from_the_programme(executed_notebook, programme):
    from sikkerby.report.front_page import chapter_guide

    nb = executed_notebook(STEM, 2017)
    opening, chapters = chapter_guide(programme)
    plain = [o.get("data", {}).get("text/plain", "") for o in outputs(nb)]
    assert opening in plain
    assert "\n".join(f"- {c}" for c in chapters) in plain
    sources = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "tre kapitler" not in sources and "fem målepunkter" not in sources
