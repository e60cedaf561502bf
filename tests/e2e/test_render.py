"""The renderers: chapter discovery, the reader's view of a notebook, HTML pages, the PDF, Quarto's project file."""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from sikkerby.publish.render.chapters import discover_chapters, notebook_title
from sikkerby.publish.render.notebook import (
    first_source_line,
    keep_one_representation,
    prepare_for_publication,
)

FIXTURE_NOTEBOOKS = Path(__file__).parents[1] / "notebooks_fixture"


def _png(width: int = 8, height: int = 4) -> str:
    """A small valid PNG (base64), made without plotting libraries."""
    import struct
    import zlib

    raw = b"".join(b"\x00" + bytes((200, 30, 30)) * width for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return base64.b64encode(png).decode()


PNG = _png()


def _notebook(title: str = "Øget tryghed") -> nbformat.NotebookNode:
    v4 = nbformat.v4
    nb = v4.new_notebook()
    params = v4.new_code_cell('aar = 2017\ndata_dir = ""', metadata={"tags": ["parameters"]})
    table = v4.new_code_cell("vis_tabel()", outputs=[v4.new_output(
        "display_data", data={"text/html": "<table><tr><th>Bydel</th></tr><tr><td>Nørrebro &amp; Co</td></tr></table>",
                              "text/markdown": "| Bydel | Andel |\n|---|---|\n| Nørrebro & Co | 17,5 % |",
                              "text/plain": "Tabel"})])
    chart = v4.new_code_cell("vis_figur()", outputs=[
        v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}),
        v4.new_output("display_data", data={"text/markdown": "*Figur 1. Utrygge om aftenen*", "text/plain": "c"}),
        v4.new_output("stream", name="stderr", text="FutureWarning: noget internt\n"),
    ])
    hidden = v4.new_code_cell("#| include: false\nprint('hjælper')",
                              outputs=[v4.new_output("stream", name="stdout", text="hjælper\n")])
    nb.cells = [v4.new_raw_cell(f"---\ntitle: {title}\n---"), params,
                v4.new_markdown_cell("## Utryghed\n\nBrødtekst om målepunktet."), table, chart, hidden]
    return nb


# --- chapters ----------------------------------------------------------------------------------------

def test_chapters_in_file_name_order_with_front_matter_titles():
    chapters = discover_chapters(FIXTURE_NOTEBOOKS)
    assert [c.name for c in chapters] == ["00_forside.ipynb", "01_tryghed.ipynb", "02_kriminalitet.ipynb"]
    assert [c.title for c in chapters] == ["Sammenfatning", "Øget tryghed", "Mindre kriminalitet"]
    assert [c.html_name for c in chapters] == ["index.html", "01_tryghed.html", "02_kriminalitet.html"]


def test_title_falls_back_to_heading_then_file_name():
    v4 = nbformat.v4
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("# Mindre kriminalitet\n\ntekst")])
    assert notebook_title(nb, "x") == "Mindre kriminalitet"
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("---\ntitle: Fra front matter\nlang: da\n---")])
    assert notebook_title(nb, "x") == "Fra front matter"
    assert notebook_title(v4.new_notebook(), "Reserve") == "Reserve"


def test_first_source_line_skips_quarto_options():
    assert first_source_line("#| label: fig-x\n\nx = 1 / 0\ny = 2") == "x = 1 / 0"


# --- the reader's view --------------------------------------------------------------------------------

def test_prepare_hides_title_block_helpers_and_warnings():
    prepared = prepare_for_publication(_notebook())
    sources = [c.source for c in prepared.cells]
    assert not any(s.startswith("---") for s in sources)  # title block: shown by the template
    assert not any("include: false" in s for s in sources)
    assert not any("aar = 2017" in s for s in sources)  # parameters: no output, nothing to show
    chart = next(c for c in prepared.cells if c.source == "vis_figur()")
    assert [o.output_type for o in chart.outputs] == ["display_data", "display_data"]  # stderr dropped
    # alt text from the caption that follows the image
    assert chart.outputs[0].metadata["image/png"]["alt"] == "Figur 1. Utrygge om aftenen"


def test_alt_from_metadata_wins():
    nb = _notebook()
    nb.cells[4].outputs[0].metadata = {"image/png": {"alt": "Linjediagram over utryghed"}}
    prepared = prepare_for_publication(nb)
    chart = next(c for c in prepared.cells if c.source == "vis_figur()")
    assert chart.outputs[0].metadata["image/png"]["alt"] == "Linjediagram over utryghed"


def test_one_representation_for_pandoc():
    prepared = keep_one_representation(prepare_for_publication(_notebook()))
    table = next(c for c in prepared.cells if c.source == "vis_tabel()")
    assert list(table.outputs[0]["data"]) == ["text/markdown"]
    chart = next(c for c in prepared.cells if c.source == "vis_figur()")
    assert list(chart.outputs[0]["data"]) == ["image/png"]


# --- HTML ---------------------------------------------------------------------------------------------

EXTERNAL = re.compile(r"<(script|link|img|iframe|source)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", re.I)


@pytest.fixture(scope="module")
def html_renderer():
    from sikkerby.publish.render.html import HtmlRenderer, PageContext

    chapters = discover_chapters(FIXTURE_NOTEBOOKS)
    return HtmlRenderer(chapters, PageContext("Sikker By – status 2017", "Årlig status", "Eksempeldata",
                                              "0.0", "sikkerby-status-2017.pdf"))


def test_html_page(html_renderer):
    chapter = html_renderer.chapters[1]
    page = html_renderer.page(chapter, _notebook())
    assert '<html lang="da">' in page
    assert "<script" not in page.lower()
    assert not EXTERNAL.search(page)
    assert "vis_tabel()" not in page and "aar = 2017" not in page and "In&nbsp;[" not in page
    assert "hjælper" not in page and "FutureWarning" not in page
    assert "Nørrebro &amp; Co" in page  # the HTML table of the output
    assert 'alt="Figur 1. Utrygge om aftenen"' in page
    assert "<h1 class=\"sb-chapter-title\">Øget tryghed</h1>" in page
    # navigation: every chapter, the current one marked, previous and next
    for c in html_renderer.chapters:
        assert f'href="{c.html_name}"' in page
    assert re.search(r'aria-current="page"[^>]*href="01_tryghed.html"|href="01_tryghed.html"[^>]*aria-current', page)
    assert re.search(r'rel="prev"[^>]*>|href="index.html"[^>]*rel="prev"', page)
    assert 'href="02_kriminalitet.html" rel="next"' in page or 'rel="next" href="02_kriminalitet.html"' in page


def test_html_refuses_to_load_from_other_hosts(html_renderer):
    from sikkerby.publish.render.html import RenderError, external_references

    assert external_references('<a href="https://www.kk.dk">kk.dk</a>') == []  # a link is fine
    assert external_references('<img src="data:image/png;base64,xyz">') == []
    assert external_references('<script src="https://cdn.example/x.js"></script>')
    assert external_references('<link rel="stylesheet" href="//fonts.example/css">')
    nb = _notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("![logo](https://example.org/logo.png)"))
    with pytest.raises(RenderError, match="anden vært"):
        html_renderer.page(html_renderer.chapters[1], nb)


@pytest.mark.slow
def test_pages_are_what_nbconvert_itself_makes(sample_publication, monkeypatch):
    """The renderer's exporter (unused preprocessors off, the notebook validated once, no parse at
    the end) makes every page of the sample publication byte for byte as nbconvert's own
    HTMLExporter does before its closing BeautifulSoup pass, and that pass would only have added a
    tabindex to outputs and text cells."""
    from page_helpers import stock_exporter, without_tabindex, without_the_parse

    from sikkerby.publish.render.html import HtmlRenderer, PageContext

    chapters = discover_chapters(sample_publication / "notebooks")
    context = PageContext("Sikker By – status 2017", "Årlig status", "Eksempeldata", "0.0", "sikkerby-status-2017.pdf")
    ours, stock = HtmlRenderer(chapters, context), HtmlRenderer(chapters, context)
    stock.exporter = stock_exporter()
    for chapter in chapters:
        nb = nbformat.read(sample_publication / "notebooks" / chapter.name, as_version=4)
        page = ours.page(chapter, nb)
        with without_the_parse(monkeypatch):
            assert page == stock.page(chapter, nb), chapter.name
        assert without_tabindex(page) == (without_tabindex(stock.page(chapter, nb))[0], 0), chapter.name


# --- PDF ----------------------------------------------------------------------------------------------

def test_pdf_has_title_page_toc_chapters_and_real_tables(tmp_path):
    from pypdf import PdfReader

    from sikkerby.publish.render.pdf import render_pdf

    chapters = discover_chapters(FIXTURE_NOTEBOOKS)
    meta = {"title": "Sikker By – status 2017", "subtitle": "Årlig status", "programme": "Sikker By programmet 2014-2017",
            "municipality": "Københavns Kommune", "committee": "Økonomiudvalget", "forelaeggelse": "juni 2018",
            "secretariat": "Center for Sikker By", "aar": "2017", "date": "1. juni 2018", "lang": "da",
            "toc-title": "Indhold", "sample-data": True}
    pdf = tmp_path / "x.pdf"
    typ = tmp_path / "x.typ"
    render_pdf([(chapters[0], _notebook("Sammenfatning")), (chapters[1], _notebook())], pdf, meta, keep_typst=typ)
    reader = PdfReader(pdf)
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Sikker By – status 2017", "Økonomiudvalget", "juni 2018", "Indhold", "Sammenfatning",
                     "Øget tryghed", "Nørrebro & Co", "17,5 %", "Figur 1. Utrygge om aftenen", "Eksempeldata"):
        assert expected in text, expected
    assert "vis_tabel" not in text and "aar = 2017" not in text and "FutureWarning" not in text
    source = typ.read_text(encoding="utf-8")
    assert 'lang: "da"' in source
    assert "#table(" in source  # the Markdown table became a real table
    assert "#outline(" in source and "counter(page).final()" in source
    # every page after the title page says "n / total", and total is the PDF's page count
    for n, page in enumerate(reader.pages[1:], start=2):
        assert re.search(rf"\b{n} / {len(reader.pages)}\s*$", page.extract_text()), (n, page.extract_text()[-40:])
    assert not re.search(r"\b\d+ / \d+\s*$", reader.pages[0].extract_text())  # the title page has none


# --- Quarto -------------------------------------------------------------------------------------------

def test_quarto_project_file(tmp_path):
    from sikkerby.publish.render.quarto import write_quarto_project

    chapters = discover_chapters(FIXTURE_NOTEBOOKS)
    (tmp_path / "notebooks").mkdir()
    for c in chapters:
        shutil.copyfile(c.source, tmp_path / "notebooks" / c.name)
    path = write_quarto_project(tmp_path, chapters, 2017, {"title": "Sikker By – status 2017", "subtitle": "Årlig status",
                                                         "secretariat": "Center for Sikker By", "forelaeggelse": "juni 2018"})
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert config["project"]["type"] == "book"
    assert config["book"]["chapters"] == ["index.ipynb", "notebooks/01_tryghed.ipynb", "notebooks/02_kriminalitet.ipynb"]
    assert config["book"]["output-file"] == "sikkerby-status-2017"
    assert config["book"]["title"] == "Sikker By – status 2017"
    assert config["execute"] == {"enabled": False, "echo": False}
    assert config["lang"] == "da"
    assert set(config["format"]) == {"html", "typst"}
    # the Quarto project is its own folder of copies (tests/test_quarto.py checks the rest)
    assert path.parent == tmp_path / "_quarto"
    assert json.loads((path.parent / "index.ipynb").read_text(encoding="utf-8")) == json.loads(
        (tmp_path / "notebooks" / "00_forside.ipynb").read_text(encoding="utf-8"))


def test_pdf_filter_draws_status_symbols_on_their_colour():
    """A status mark from sikkerby.report.display reaches Typst as a coloured box; the word stays text."""
    import pypandoc

    from sikkerby.publish.render.pdf import FILTER
    from sikkerby.report.display import StatusLine

    markdown = StatusLine("Status 2017", "naaet")._repr_markdown_()
    typst = pypandoc.convert_text(markdown, "typst", format="markdown", extra_args=[f"--lua-filter={FILTER}"])
    assert '#box(fill: rgb("#009E73")' in typst
    assert "[✓]" in typst and "Nået" in typst
