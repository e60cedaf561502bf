"""Content of the chapter 03_effekt_og_evidens (notebooks/02_effekt_og_evidens.ipynb), executed on the sample data.

The expected values come from the package (sikkerby.model.evidence on the same data),
never from the notebook: the notebook must show what the model computes.
"""

from __future__ import annotations

import csv
import functools
import html
import re
import shutil
from html.parser import HTMLParser

import pytest

from sikkerby.model import evidence
from sikkerby.report import evidence_chapter
from sikkerby.report.display import escape_markdown
from sikkerby.report.formatting import fmt_number

STEM = "03_effekt_og_evidens"
YEARS = (2015, 2016, 2017)
ALLOWED_TAGS = {"table", "caption", "thead", "tbody", "tr", "th", "td", "span", "p", "strong", "div"}
RANKED_CAPTION = "Aktiviteternes samlede score i {year}, højeste først"
GODT_CAPTION = "Aktiviteter godt på vej mod modellen i {year}"


class HtmlOutput(HTMLParser):
    """Tags, visible text and tables (caption, headers, rows of (text, class)) of one text/html output."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.text: list[str] = []
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._cell_class = ""
        self._in_caption = False
        self._in_head = False
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"caption": "", "headers": [], "rows": []})
        elif tag == "caption":
            self._in_caption = True
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell, self._cell_class = [], attrs.get("class") or ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell).strip()
            if self._in_head:
                self.tables[-1]["headers"].append(text)
            else:
                self.tables[-1]["rows"][-1].append((text, self._cell_class))
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._in_caption:
            self.tables[-1]["caption"] += data


def outputs(nb, mime):
    """Every output's ``mime`` representation, in order."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            value = output.get("data", {}).get(mime)
            if value is not None:
                found.append("".join(value) if isinstance(value, list) else value)
    return found


def html_outputs(nb) -> list[HtmlOutput]:
    return [HtmlOutput(source) for source in outputs(nb, "text/html")]


def table(nb, caption: str) -> dict:
    tables = [t for parsed in html_outputs(nb) for t in parsed.tables if t["caption"] == caption]
    assert len(tables) == 1, f"expected one table captioned {caption!r}, found {len(tables)}"
    return tables[0]


def column(tab: dict, header: str) -> list[tuple[str, str]]:
    index = tab["headers"].index(header)
    return [row[index] for row in tab["rows"]]


def paragraphs(nb) -> list[str]:
    """The generated sentences (``<p class="sb-text">``), as text."""
    return ["".join(p.text).strip() for p in html_outputs(nb) if p.tags == {"p"}]


@pytest.fixture(scope="module")
def scores_for(programme, sample_dataset):
    return functools.cache(lambda year: evidence.aktivitetsscorer(sample_dataset, programme, year))


# --------------------------------------------------------------------- every year

@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
def test_banner_and_no_errors_or_warnings(executed_notebook, year):
    nb = executed_notebook(STEM, year)
    shown = "\n".join(outputs(nb, "text/html"))
    assert 'class="sb-callout' in shown and "Eksempeldata" in shown
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error"
            assert output.get("name") != "stderr", output.get("text")


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
def test_ranked_table_follows_the_model(executed_notebook, scores_for, year):
    nb = executed_notebook(STEM, year)
    scores = scores_for(year)
    # ranked on the score as shown (one decimal; issue 12), equal shown scores in id order
    scored = scores[scores["samlet_score"].notna()]
    expected = (scored.assign(_shown=[float(fmt_number(v, 1).replace(".", "").replace(",", "."))
                                      for v in scored["samlet_score"]])
                .sort_values(["_shown", "aktivitet_id"], ascending=[False, True], kind="stable"))
    tab = table(nb, RANKED_CAPTION.format(year=year))
    assert [text for text, _ in column(tab, "Aktivitet")] == expected["navn"].tolist()
    assert [text for text, _ in column(tab, "Samlet score")] == [fmt_number(v, 1) for v in expected["samlet_score"]]
    for (text, css), kategori in zip(column(tab, "Kategori"), expected["kategori"]):
        word = evidence.KATEGORI_LABELS[kategori]
        assert text.endswith(word), (text, kategori)
        assert f"sb-kategori-{kategori}" in css
    numbers = [text for name in ("Resultatscore", "Evidensscore", "Samlet score") for text, _ in column(tab, name)]
    assert numbers and all(re.fullmatch(r"\d{1,3},\d", n) for n in numbers), numbers


@pytest.mark.slow
def test_every_category_is_shown_with_its_danish_word(executed_notebook, scores_for):
    nb = executed_notebook(STEM, 2017)
    words = {text.split(" ", 1)[-1] for text, _ in column(table(nb, RANKED_CAPTION.format(year=2017)), "Kategori")}
    in_data = set(scores_for(2017)["kategori"].dropna())
    assert in_data == set(evidence.KATEGORIER)  # the sample data has all three in 2017
    assert words == {evidence.KATEGORI_LABELS[k] for k in in_data}


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
def test_godt_paa_vej_list_matches_the_model(executed_notebook, sample_dataset, year):
    nb = executed_notebook(STEM, year)
    expected = evidence.list_godt_paa_vej(sample_dataset.aktiviteter, year)
    assert len(expected) > 0  # the sample data has a list every year
    tab = table(nb, GODT_CAPTION.format(year=year + 1))
    assert [text for text, _ in column(tab, "Aktivitet")] == expected["navn"].tolist()
    assert {text for text, _ in column(tab, "Forventet i modellen")} == {str(year + 1)}


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
def test_summary_sentence_is_generated_from_the_numbers(executed_notebook, scores_for, year):
    nb = executed_notebook(STEM, year)
    scores = scores_for(year)
    status = scores["model_status"].value_counts()
    n_in = int(status.get("i_model", 0) + status.get("foermaaling", 0))
    summary = [p for p in paragraphs(nb) if p.startswith(f"I {year} indgår")]
    assert len(summary) == 1
    text = summary[0]

    def n(counts, key):  # a count in a sentence; 0 is written "ingen"
        value = int(counts.get(key, 0))
        return str(value) if value else "ingen"

    assert f"{n_in} af programmets {len(scores)} aktiviteter" in text
    assert f"{n(status, 'i_model')} afrapporterer resultater, og {n(status, 'foermaaling')} er i førmåling" in text
    # counts that open a sentence or follow "og" are words (issue 12), with agreement: "to er forsinkede"
    from sikkerby.report.formatting import count_words, number_word

    late = int(status.get("forsinket", 0))
    assert (f"og {number_word(late) if late else 'ingen'} er {'forsinket' if late == 1 else 'forsinkede'}") in text
    godt = int(status.get("godt_paa_vej", 0))
    assert f"{count_words(godt, 'aktivitet', 'aktiviteter', capital=True)} er godt på vej" in text
    counts = scores["kategori"].value_counts()
    assert f"{n(counts, 'groen')} i grøn kategori, {n(counts, 'gul')} i gul og {n(counts, 'roed')} i rød" in text


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
def test_free_text_is_escaped(executed_notebook, sample_dataset, year):
    nb = executed_notebook(STEM, year)
    html_text = "\n".join(outputs(nb, "text/html"))
    markdown_text = "\n".join(outputs(nb, "text/markdown"))
    special = [n for n in sample_dataset.aktiviteter["navn"] if any(c in n for c in "<&\"")]
    assert any("<" in n for n in special) and any("&" in n for n in special)
    for name in special:
        assert html.escape(name, quote=True) in html_text, name  # every activity is in the overview
        assert name not in html_text, name
        assert escape_markdown(name) in markdown_text, name
    for parsed in html_outputs(nb):
        assert parsed.tags <= ALLOWED_TAGS, parsed.tags - ALLOWED_TAGS


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
def test_scatter_has_alt_text_and_caption(executed_notebook, year):
    nb = executed_notebook(STEM, year)
    images = [(cell, i) for cell in nb.cells for i, o in enumerate(cell.get("outputs", []))
              if "image/png" in o.get("data", {})]
    assert len(images) == 1
    cell, index = images[0]
    alt = cell.outputs[index]["metadata"]["image/png"]["alt"]
    assert alt.startswith("Punktdiagram") and "resultatscore" in alt and "evidensscore" in alt
    caption = cell.outputs[index + 1]["data"]["text/html"]
    assert "sb-figcaption" in caption and str(year) in caption


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
def test_no_missing_value_markers_in_displayed_text(executed_notebook, year):
    nb = executed_notebook(STEM, year)
    visible = [" ".join(p.text) for p in html_outputs(nb)]
    visible += outputs(nb, "text/markdown") + outputs(nb, "text/plain")
    for text in visible:
        assert not re.search(r"\b(nan|NaN|None|NaT|<NA>|True|False)\b", text), text[:300]


@pytest.mark.slow
def test_breakdowns_use_the_danish_names(executed_notebook, programme):
    nb = executed_notebook(STEM, 2017)
    tab = table(nb, "Aktiviteterne pr. indsatsområde, 2017")
    assert [t for t, _ in column(tab, "Indsatsområde")] == [
        "I (primær)", "II (sekundær)", "III (tertiær)", "IV (lokalområder)", "V (koordination)"]
    tab = table(nb, "Aktiviteterne pr. forvaltning, 2017")
    names = [t for t, _ in column(tab, "Forvaltning")]
    assert names[:len(programme.forvaltninger)] == [f"{name} ({code})" for code, name in programme.forvaltninger.items()]
    tab = table(nb, "Succeskriterier og aktiviteter pr. resultat i forandringsteorien, 2017")
    assert "Trygge lokalområder" in [t for t, _ in column(tab, "Resultat i forandringsteorien")]


# ------------------------------------------------------- delivered data, empty lists

@pytest.fixture(scope="module")
def no_lists_data(tmp_path_factory, sample_data_dir):
    """The sample data, delivered from another folder, where in 2017 nothing is in førmåling, godt
    på vej or forsinket: first years of 2017 become 2016; activities outside the model expect 2019."""
    folder = tmp_path_factory.mktemp("no-lists") / "data"
    shutil.copytree(sample_data_dir, folder)
    path = folder / "aktiviteter.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["foerste_aar_i_model"] == "2017":
            row["foerste_aar_i_model"] = "2016"
        if not row["foerste_aar_i_model"] or int(row["foerste_aar_i_model"]) > 2017:
            row["forventet_aar_i_model"] = "2019"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return str(folder)


@pytest.mark.slow
def test_empty_lists_are_said_in_words_and_delivered_data_has_no_banner(executed_notebook, no_lists_data, programme):
    from sikkerby.inputs.dataset import load_dataset

    result = evidence.evaluate(load_dataset(no_lists_data, programme), programme, 2017)
    assert result.godt_paa_vej.empty and result.forsinket.empty and result.foermaaling.empty
    nb = executed_notebook(STEM, 2017, no_lists_data)
    shown = "\n".join(outputs(nb, "text/html"))
    assert "sb-callout" not in shown and "Eksempeldata" not in shown
    sentences = paragraphs(nb)
    for sentence in (evidence_chapter.describe_foermaaling(result), evidence_chapter.describe_godt_paa_vej(result),
                     evidence_chapter.describe_forsinket(result)):
        assert sentence.startswith("Ingen aktiviteter")
        assert sentence in sentences
    captions = {t["caption"] for parsed in html_outputs(nb) for t in parsed.tables}
    assert GODT_CAPTION.format(year=2018) not in captions
    assert "Aktiviteter i førmåling i 2017" not in captions
    assert not any(c.startswith("Forsinkede aktiviteter") for c in captions)
    assert RANKED_CAPTION.format(year=2017) in captions
