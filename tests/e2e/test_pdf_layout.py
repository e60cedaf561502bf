"""The PDF a committee signs: numbered tables and figures that match the HTML pages, captions
kept with their tables, alt texts in a tagged PDF/UA-1 file, page numbers that add up, no
half-empty page before a figure, no status word or date broken over two lines."""

from __future__ import annotations

import base64
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from sikkerby.publish.render.chapters import discover_chapters

FIXTURE_NOTEBOOKS = Path(__file__).parents[1] / "notebooks_fixture"
NUMBERED = re.compile(r"^(Tabel|Figur)\s(\d+\.\d+):\s*(.*)$")
FOOTER = re.compile(r"^\s*(\d+) / (\d+)\s*$")
# the footer at the end of a page's text (pypdf may join it to the page's last line of text)
FOOTER_END = re.compile(r"(?<![\d/])(\d+) / (\d+)\s*$")
MONTHS = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
META = {"title": "Sikker By – status 2017", "subtitle": "Årlig status", "programme": "Sikker By programmet 2014-2017",
        "municipality": "Københavns Kommune", "committee": "Økonomiudvalget", "forelaeggelse": "juni 2018",
        "secretariat": "Center for Sikker By", "aar": "2017", "date": "1. juni 2018", "lang": "da",
        "toc-title": "Indhold", "sample-data": True}


# --- reading a PDF --------------------------------------------------------------------------------------

def page_lines(pdf: Path) -> list[list[str]]:
    from pypdf import PdfReader

    return [[line.strip() for line in page.extract_text().splitlines() if line.strip()]
            for page in PdfReader(pdf).pages]


def struct_elements(pdf: Path) -> list[dict]:
    """Every element of the PDF's structure tree (tags), depth first."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject

    found = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid)
        elif isinstance(node, DictionaryObject):
            if "/S" in node:
                found.append(node)
            if "/K" in node:
                walk(node["/K"])

    root = PdfReader(pdf).trailer["/Root"]
    assert "/StructTreeRoot" in root, "the PDF is not tagged"
    walk(root["/StructTreeRoot"]["/K"])
    return found


def xmp(pdf: Path) -> str:
    from pypdf import PdfReader

    return PdfReader(pdf).xmp_metadata.stream.get_data().decode("utf-8")


# --- reading the HTML pages ------------------------------------------------------------------------------

class Page(HTMLParser):
    """Numbered tables (number, caption, headers) and figures (number, alt) of one HTML page, in order."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.items: list[dict] = []
        self.alts: list[str] = []
        self._where: list[str] = []
        self._buffer: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.alts.append(attrs.get("alt") or "")
        if tag == "caption" or (tag == "p" and "sb-figcaption" in (attrs.get("class") or "")) or tag == "th":
            self._where.append(tag)
            self._buffer = []

    def handle_endtag(self, tag):
        if self._where and tag == self._where[-1]:
            self._where.pop()
            text = " ".join("".join(self._buffer).replace("\u00a0", " ").split())
            if tag == "th" and self.items and self.items[-1]["kind"] == "Tabel":
                self.items[-1]["headers"].append(text)
            elif tag in ("caption", "p"):
                match = NUMBERED.match(text)
                if match:
                    self.items.append({"kind": match.group(1), "number": match.group(2), "caption": match.group(3),
                                       "headers": [], "alt": self.alts[-1] if tag == "p" and self.alts else None})

    def handle_data(self, data):
        if self._where:
            self._buffer.append(data)


def html_items(pub: Path) -> list[dict]:
    items = []
    pages = [pub / "index.html", *sorted(p for p in pub.glob("*.html") if p.name != "index.html")]
    for page in pages:  # the chapters' pages in publication order
        items += Page(page.read_text(encoding="utf-8")).items
    return items


def pdf_items(lines: list[list[str]]) -> list[dict]:
    """``Tabel 2.3: …`` / ``Figur 1.1: …`` caption starts in the PDF: kind, number, page, line index."""
    found = []
    for page, page_text in enumerate(lines):
        for index, line in enumerate(page_text):
            match = NUMBERED.match(line.replace("\u00a0", " "))
            if match:
                found.append({"kind": match.group(1), "number": match.group(2), "page": page, "line": index})
    return found


# --- fast: one small PDF from the fixture notebooks --------------------------------------------------------

def _png() -> str:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from sikkerby.report.plotting import figure_png

    fig = Figure(figsize=(3, 2))
    fig.subplots().plot([1, 2, 3], [3, 1, 2])
    return base64.b64encode(figure_png(fig)).decode()


def _chapter_notebook(title: str) -> nbformat.NotebookNode:
    import pandas as pd

    from sikkerby.report.display import Caption, ColumnSpec, Table

    v4 = nbformat.v4
    table = Table(pd.DataFrame({"navn": [f"Række {i}" for i in range(40)], "status": ["ikke_naaet"] * 40,
                                "dato": [pd.Timestamp("2017-09-14")] * 40}),
                  [ColumnSpec("navn", "Aktivitet"), ColumnSpec("status", "Status", kind="status"),
                   ColumnSpec("dato", "Dato", kind="date")], caption="En lang tabel", note="Note under tabellen.")
    caption = Caption("Utrygge om aftenen")
    outputs = [
        v4.new_output("display_data", data={"image/png": _png(), "text/plain": "alt"},
                      metadata={"image/png": {"alt": "Linjediagram: andelen faldt."}}),
        v4.new_output("display_data", data={"text/markdown": caption._repr_markdown_(), "text/plain": repr(caption)}),
        v4.new_output("display_data", data={"text/markdown": table._repr_markdown_(), "text/plain": repr(table)}),
    ]
    return v4.new_notebook(cells=[v4.new_raw_cell(f"---\ntitle: {title}\n---"),
                                  v4.new_markdown_cell("Tekst " * 300),
                                  v4.new_code_cell("vis()", outputs=outputs)])


@pytest.fixture(scope="module")
def small_pdf(tmp_path_factory) -> Path:
    from sikkerby.publish.render.pdf import render_pdf

    chapters = discover_chapters(FIXTURE_NOTEBOOKS)
    pdf = tmp_path_factory.mktemp("pdf") / "x.pdf"
    render_pdf([(c, _chapter_notebook(c.title)) for c in chapters[:2]], pdf, META)
    return pdf


def test_small_pdf_is_pdf_ua_with_alt_texts_numbers_and_page_totals(small_pdf):
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp(small_pdf)
    figures = [e for e in struct_elements(small_pdf) if e["/S"] == "/Figure"]
    assert [str(e.get("/Alt")) for e in figures] == ["Linjediagram: andelen faldt."] * 2
    lines = page_lines(small_pdf)
    items = pdf_items(lines)
    for kind in ("Figur", "Tabel"):  # a chart floats to the top or bottom of a page: count each kind apart
        assert [i["number"] for i in items if i["kind"] == kind] == ["1.1", "2.1"]
    for n, page in enumerate(lines[1:], start=2):
        assert FOOTER.match(page[-1]) and FOOTER.match(page[-1]).groups() == (str(n), str(len(lines))), page[-1]
    text = "\n".join("\n".join(page) for page in lines).replace("\u00a0", " ")
    assert text.count("Ikke nået") == 80 and not re.search(r"Ikke\s*\n\s*nået", text)


def test_a_table_caption_stays_with_its_table(small_pdf):
    lines = page_lines(small_pdf)
    for item in pdf_items(lines):
        if item["kind"] == "Tabel":
            after = lines[item["page"]][item["line"] + 1:-1]  # the footer is the last line
            assert after and after[0].startswith("Aktivitet"), (item, after[:2])


def test_a_table_header_repeats_on_every_page_it_runs_over(small_pdf):
    lines = page_lines(small_pdf)
    continued = [page for page in lines if page[0].startswith("Aktivitet Status Dato")]
    assert continued  # the 40 rows run over a page: the header starts the next page again


# --- slow: the sample publication --------------------------------------------------------------------------

def _pdf(pub: Path) -> Path:
    return pub / "sikkerby-status-2017.pdf"


@pytest.mark.slow
def test_footer_numbers_match_the_page_count(sample_publication):
    lines = page_lines(_pdf(sample_publication))
    assert len(lines) > 10
    assert not any(FOOTER.match(line) for line in lines[0])  # the title page shows no number
    for n, page in enumerate(lines[1:], start=2):
        match = FOOTER_END.search(page[-1])
        assert match and match.groups() == (str(n), str(len(lines))), (n, page[-1])


@pytest.mark.slow
def test_tables_and_figures_are_numbered_alike_in_html_and_pdf(sample_publication):
    html = html_items(sample_publication)
    pdf = pdf_items(page_lines(_pdf(sample_publication)))
    for kind in ("Figur", "Tabel"):  # charts float, so figures and tables interleave differently
        assert [i["number"] for i in pdf if i["kind"] == kind] == [i["number"] for i in html if i["kind"] == kind]
    assert sum(i["kind"] == "Figur" for i in html) >= 5 and sum(i["kind"] == "Tabel" for i in html) >= 20


@pytest.mark.slow
def test_pdf_ua_with_the_html_alt_texts_and_table_headers(sample_publication):
    pdf = _pdf(sample_publication)
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp(pdf)
    elements = struct_elements(pdf)
    pdf_alts = [str(e.get("/Alt", "")) for e in elements if e["/S"] == "/Figure"]
    html_alts = [i["alt"] for i in html_items(sample_publication) if i["kind"] == "Figur"]
    assert pdf_alts == html_alts and all(alt.strip() for alt in pdf_alts)
    kinds = [str(e["/S"]) for e in elements]
    assert kinds.count("/Table") == kinds.count("/THead") >= 20 and kinds.count("/TH") >= kinds.count("/Table")


@pytest.mark.slow
def test_captions_are_never_left_at_the_foot_of_a_page(sample_publication):
    lines = page_lines(_pdf(sample_publication))
    headers = {i["number"]: i["headers"] for i in html_items(sample_publication) if i["kind"] == "Tabel"}
    for item in pdf_items(lines):
        if item["kind"] != "Tabel":
            continue
        rest = " ".join(lines[item["page"]][item["line"] + 1:-1])  # the footer is the last line
        rest = re.sub(r"(?<=[a-zæøå])- (?=[a-zæøå])", "", rest)  # a header word hyphenated in a narrow column
        first = headers[item["number"]][0].split()[0]
        assert first in rest, f"Tabel {item['number']}: its table starts on the next page"


@pytest.mark.slow
def test_no_status_word_or_date_broken_over_two_lines(sample_publication):
    text = "\n".join("\n".join(page) for page in page_lines(_pdf(sample_publication))).replace("\u00a0", " ")
    assert "Ikke nået" in text
    for broken in (r"Ikke\s*\n\s*nået", r"Ikke\s*\n\s*på sporet", r"Ikke på\s*\n\s*sporet", r"Kan ikke\s*\n\s*vurderes",
                   rf"\d\.\s*\n\s*({MONTHS})\b", rf"\b({MONTHS})\s*\n\s*\d{{4}}\b"):
        assert not re.search(broken, text), (broken, re.search(broken, text))


@pytest.mark.slow
def test_no_page_is_more_than_half_empty_unless_a_chapter_ends(sample_publication, tmp_path):
    """The publication's Typst (made again from its executed notebooks) rendered to PNG pages by typst."""
    import nbformat
    import typst
    from PIL import Image

    from sikkerby.publish.render.pdf import render_pdf

    chapters = discover_chapters(sample_publication / "notebooks")
    source = tmp_path / "p.typ"
    render_pdf([(c, nbformat.read(c.source, as_version=4)) for c in chapters], tmp_path / "p.pdf", META,
               keep_typst=source)
    lines = page_lines(tmp_path / "p.pdf")
    assert len(lines) == len(page_lines(_pdf(sample_publication)))
    pages = typst.compile(str(source), format="png", ppi=20, root=str(tmp_path), ignore_system_fonts=True)
    titles = {c.title for c in chapters}
    for n, png in enumerate(pages[:-1], start=1):
        if n <= 2 or lines[n][0] in titles:  # title page, contents, a chapter's last page
            continue
        image = Image.open(io.BytesIO(png)).convert("L")
        width, height = image.size
        top, bottom = round(height * 2.5 / 29.7), round(height * (29.7 - 2.8) / 29.7)  # the text area
        pixels = image.load()
        inked = [y for y in range(top, bottom) if any(pixels[x, y] < 200 for x in range(width))]
        empty = (bottom - max(inked, default=top)) / (bottom - top)
        assert empty <= 0.5, f"page {n} is {empty:.0%} empty"
