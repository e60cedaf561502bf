"""Content of the goal-area chapters, 01_tryghed and 02_kriminalitet, executed on the sample.

Both are notebooks/01_maalomraade.ipynb, run once per goal area with ``maalomraade``.
For 2014 and 2017: the sample-data banner, the goal area's text, one section per
målepunkt of the area (heading = ``Målepunkt <nr>: <title>``) with, per indikator, a
status line and a status sentence that agree with ``goals.maalstatus`` for that year,
one series chart with alt text and the breakdown tables; then the summary. No error
outputs and no Python words (``nan``, ``None`` …) or English-formatted numbers in the
text a reader sees. The chapters are executed once per session by the
``executed_notebook`` fixture.
"""

from __future__ import annotations

import functools
import re

import pytest

from sikkerby.model import goals
from sikkerby.model.calculations.survey import UAFKLARET, ci_side
from sikkerby.publish.render.chapters import discover_chapters, front_matter
from sikkerby.report.formatting import describe_status_counts, label
from sikkerby.report.goal_area import maalepunkt_heading

CHAPTERS = {"01_tryghed": ("tryghed", "Øget tryghed"), "02_kriminalitet": ("kriminalitet", "Mindre kriminalitet")}
YEARS = (2014, 2017)
CASES = [(stem, year) for stem in CHAPTERS for year in YEARS]
TEXT_TYPES = ("text/plain", "text/markdown", "text/html")
PYTHON_WORDS = re.compile(r"\b(nan|NaN|None|NaT|NA|null|True|False|inf)\b|<NA>")
ENGLISH_DECIMAL = re.compile(r"\d\.\d{1,2}\s?%")  # 17.5 % instead of 17,5 %


def _text(output, mime):
    value = output.get("data", {}).get(mime, "")
    return "".join(value) if isinstance(value, list) else value


def stream(nb):
    """The notebook as the reader meets it: ("md", source) for markdown cells, ("out", output) for outputs."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            yield "md", cell.source
        elif cell.cell_type == "code":
            for output in cell.outputs:
                yield "out", output


def is_h2(kind, item):
    if kind == "md":
        return item.lstrip().startswith("## ")
    return _text(item, "text/html").startswith("<h2")


def sections_of(nb):
    """{heading text: [outputs up to the next level-2 heading]} for headings displayed by the package."""
    found, current = {}, None
    for kind, item in stream(nb):
        if is_h2(kind, item):
            current = _text(item, "text/plain") if kind == "out" else None
            if current is not None:
                found[current] = []
            continue
        if current is not None and kind == "out":
            found[current].append(item)
    return found


@pytest.fixture(scope="module")
def maalstatus_of(sample_dataset, programme):
    return functools.cache(lambda year: goals.maalstatus(sample_dataset, programme, year))


@pytest.mark.slow
@pytest.mark.parametrize("stem, year", CASES)
def test_no_errors_and_the_banner(stem, year, executed_notebook, programme):
    nb = executed_notebook(stem, year)
    outputs = [o for kind, o in stream(nb) if kind == "out"]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    plain = [_text(o, "text/plain") for o in outputs]
    assert any(t.startswith("Eksempeldata: tallene er syntetiske") for t in plain)
    area, title = CHAPTERS[stem]
    assert nb.metadata["papermill"]["parameters"]["maalomraade"] == area
    from sikkerby.config.paths import notebooks_dir

    chapter = next(c for c in discover_chapters(notebooks_dir(), programme.goal_areas) if c.stem == stem)
    assert chapter.title == title  # the page's title is the goal area's
    assert " ".join(programme.goal_areas[area]["text"].split()) in plain


@pytest.mark.slow
@pytest.mark.parametrize("stem, year", CASES)
def test_every_maalepunkt_has_its_section_with_the_right_status(stem, year, executed_notebook, programme,
                                                                maalstatus_of):
    nb = executed_notebook(stem, year)
    found = sections_of(nb)
    area, _ = CHAPTERS[stem]
    maalepunkter = programme.maalepunkter_for(area)
    assert list(found) == [maalepunkt_heading(m) for m in maalepunkter] + ["Opsummering"]
    status = maalstatus_of(year).set_index("indikator_id")
    for m in maalepunkter:
        outputs = found[maalepunkt_heading(m)]
        plain = [_text(o, "text/plain") for o in outputs]
        assert any(t.startswith("Hvorfor: ") for t in plain), m.nr
        n = len(m.indikatorer)
        lines = [o for o in outputs if _text(o, "text/plain").startswith(f"Status {year}")]
        sentences = [t for t in plain if t.startswith((f"I {year} var", f"For {year} er der ingen"))]
        assert len(lines) == n and len(sentences) == n, (m.nr, plain)
        for indikator, line, sentence in zip(m.indikatorer, lines, sentences):
            expected = label("status", status.loc[indikator.id, "status"])
            provisional = " (foreløbigt mål)" if indikator.provisional else ""
            assert _text(line, "text/plain") == f"Status {year}{provisional}: {expected.text}", indikator.id
            assert f"background-color:{expected.colour}" in _text(line, "text/html")
            verdict = ("kan ikke vurderes" if status.loc[indikator.id, "status"] == "ikke_vurderbar"
                       else f"er {expected.word.lower()}")
            assert re.search(rf"{verdict}[.,]", sentence), (indikator.id, sentence)
            if n == 1:
                assert any(t.startswith("Hvad måles: ") and indikator.title in t for t in plain), indikator.id
            else:
                assert indikator.title in plain, indikator.id  # the indikator's own heading
            assert any(t.startswith(f"Figur: {indikator.title}") for t in plain), indikator.id
        assert sum(t.startswith("Basisværdi, mål og frist: ") for t in plain) == n, m.nr
        charts = [o for o in outputs if "image/png" in o.get("data", {})
                  and o.metadata["image/png"]["alt"].startswith("Linjediagram")]
        assert len(charts) == n, m.nr
        tables = [o for o in outputs if '<table class="sb-table">' in _text(o, "text/html")]
        assert len(tables) >= n, f"målepunkt {m.nr}: a breakdown is missing"


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
def test_survey_section_says_whether_the_comparison_is_clear(year, executed_notebook, maalstatus_of):
    row = maalstatus_of(year).set_index("indikator_id").loc["utryghed_aften"]
    reference = row["maalvaerdi"] if year >= row["maalaar"] else row["sti_vaerdi"]
    clear = ci_side(row["ci_nedre"], row["ci_oevre"], reference) != UAFKLARET
    section = sections_of(executed_notebook("01_tryghed", year))[
        "Målepunkt 1: Færre utrygge københavnere om aftenen og natten"]
    notes = [_text(o, "text/plain") for o in section if _text(o, "text/plain").startswith("Statistisk usikkerhed:")]
    assert len(notes) == 1
    assert ("statistisk sikkert" in notes[0]) == clear and ("ikke statistisk sikker" in notes[0]) == (not clear)
    bydele = next(o for o in section if "pr. bydel" in _text(o, "text/plain"))
    assert _text(bydele, "text/html").count("<tr>") == 1 + 10  # header + Copenhagen's ten bydele


@pytest.mark.slow
@pytest.mark.parametrize("stem, year", CASES)
def test_images_have_alt_text_and_text_is_danish(stem, year, executed_notebook):
    nb = executed_notebook(stem, year)
    for kind, output in stream(nb):
        if kind != "out":
            continue
        if "image/png" in output.get("data", {}):
            assert output.metadata["image/png"]["alt"].strip()
        for mime in TEXT_TYPES:
            text = _text(output, mime)
            assert not PYTHON_WORDS.search(text), (mime, PYTHON_WORDS.search(text).group(), text[:200])
            assert not ENGLISH_DECIMAL.search(text), (mime, text[:200])


@pytest.mark.slow
@pytest.mark.parametrize("stem, year", CASES)
def test_summary_counts_the_areas_statuses(stem, year, executed_notebook, programme, maalstatus_of):
    nb = executed_notebook(stem, year)
    area, title = CHAPTERS[stem]
    rows = maalstatus_of(year)
    statuses = rows.loc[rows["maalomraade"] == area, "status"].tolist()
    plain = [_text(o, "text/plain") for kind, o in stream(nb) if kind == "out"]
    summary = [t for t in plain if t == describe_status_counts(statuses)]
    assert len(summary) == 1
    if summary[0].startswith("Af "):  # mixed statuses: each counted ("Af 5 indikatorer er 3 nået og 2 ikke nået")
        for status, words in (("naaet", "nået"), ("ikke_naaet", "ikke nået"), ("paa_sporet", "på sporet"),
                              ("ikke_paa_sporet", "ikke på sporet")):
            if statuses.count(status):
                assert re.search(rf"\b{statuses.count(status)} {words}\b", summary[0]), summary[0]
    assert any(t.startswith(f"{title}: status for {year}") for t in plain)


def test_inputs_are_hidden_and_setup_cells_excluded():
    import json

    from sikkerby.config.paths import notebooks_dir
    from sikkerby.publish.render.notebook import cell_options

    sources = {c.source for c in discover_chapters(notebooks_dir(), {a: {"title": t} for a, t in CHAPTERS.values()})
               if c.stem in CHAPTERS}
    assert [s.name for s in sources] == ["01_maalomraade.ipynb"]  # one notebook for every goal area
    for source in sources:
        cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
        assert front_matter(cells[0])["execute"]["echo"] is False
        assert front_matter(cells[0])["lang"] == "da"
        setup = [c for c in cells if "open_chapter" in "".join(c["source"])]
        assert len(setup) == 1 and cell_options(setup[0]).get("include") is False
