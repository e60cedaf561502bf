"""The data behind every table and chart, downloadable from the HTML page that shows it (DATA.md §4):
CSV with Danish headers and the numbers as shown, offline (``data:`` URIs), safe to open in a
spreadsheet (no formula runs); the two output CSVs linked from the navigation."""

from __future__ import annotations

import base64
import csv
import io
import re
from html.parser import HTMLParser

import nbformat
import numpy as np
import pandas as pd
import pytest

from sikkerby.publish.render.html import csv_data_uri, download_link, number_and_link
from sikkerby.report.display import (
    Caption,
    ColumnSpec,
    Table,
    download_csv,
    file_slug,
    neutralise_formula,
)

NB = "\u00a0"


def read_csv_text(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def decode_data_uri(uri: str) -> str:
    head, _, payload = uri.partition(",")
    assert head == "data:text/csv;charset=utf-8;base64", head
    raw = base64.b64decode(payload)
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark: Excel reads æ, ø and å right
    return raw[3:].decode("utf-8")


# --- fast ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"), ("+45 1234", "'+45 1234"), ("- X", "'- X"), ("@cmd", "'@cmd"),
    ("\tfane", "'\tfane"), ("-1,5", "-1,5"), ("+3", "+3"), ("-0.25", "-0.25"), ("Natteravne = godt", "Natteravne = godt"),
    ("", ""), ("–", "–"),
])
def test_formula_cells_are_neutralised_numbers_are_not(text, expected):
    assert neutralise_formula(text) == expected


def test_download_csv_is_danish_semicolon_csv():
    frame = pd.DataFrame({"Navn": ["=HYPERLINK(\"x\")", "Ærø; \"Øst\"", None], "Andel (%)": [17.5, -0.25, np.nan],
                          "Antal": [1234, 0, 7], "Dato": ["2016-03-18", "", None]}, dtype=object)
    text = download_csv(frame)
    assert text.endswith("\r\n")
    rows = read_csv_text(text)
    assert rows == [["Navn", "Andel (%)", "Antal", "Dato"],
                    ["'=HYPERLINK(\"x\")", "17,5", "1234", "2016-03-18"],
                    ["Ærø; \"Øst\"", "-0,25", "0", ""],
                    ["", "", "7", ""]]


def test_table_download_frame_has_the_numbers_as_shown_with_danish_headers():
    df = pd.DataFrame({"navn": ["A & B", "=1+1"], "antal": [1234, 5], "andel": [17.456, np.nan], "pp": [-1.25, 0.5],
                       "aar": [2017, 2016], "dato": [pd.Timestamp("2016-03-18"), pd.NaT],
                       "status": ["ikke_naaet", "naaet"], "kategori": ["gul", None], "marker": ["<5", 12]})
    table = Table(df, [ColumnSpec("navn", "Aktivitet"), ColumnSpec("antal", "Antal", kind="number"),
                       ColumnSpec("andel", "Andel", kind="percent", decimals=1),
                       ColumnSpec("pp", "Ændring", kind="pp", decimals=1), ColumnSpec("aar", "År", kind="year"),
                       ColumnSpec("dato", "Dato", kind="date"), ColumnSpec("status", "Status", kind="status"),
                       ColumnSpec("kategori", "Kategori", kind="status", vocabulary="kategori"),
                       ColumnSpec("marker", "Lukkedage", kind="number")],
                  caption="Øget tryghed – status for 2017")
    data, metadata = table._repr_mimebundle_()
    assert metadata == {"text/csv": {"filename": "oeget-tryghed-status-for-2017.csv"}}
    assert read_csv_text(data["text/csv"]) == [
        ["Aktivitet", "Antal", "Andel (%)", "Ændring (procentpoint)", "År", "Dato", "Status", "Kategori", "Lukkedage"],
        ["A & B", "1234", "17,5", "-1,3", "2017", "2016-03-18", "Ikke nået", "Gul", "<5"],
        ["'=1+1", "5", "", "0,5", "2016", "", "Nået", "", "12"],
    ]
    shown = table.to_frame().values.tolist()
    assert shown[0][:4] == ["A & B", "1.234", f"17,5{NB}%", f"-1,3{NB}procentpoint"]  # the same numbers


def test_a_chart_caption_carries_the_charts_numbers(programme):
    from sikkerby.report.plotting import series_chart

    chart = series_chart(pd.DataFrame({"aar": [2013, 2014, 2015], "vaerdi": [17.61, 16.4, 15.249],
                                       "ci_nedre": [16.5, 15.3, 14.1], "ci_oevre": [18.7, 17.5, 16.4]}),
                         programme.indikator("utryghed_aften"), 2015)
    data, metadata = Caption("Utryghed", data=chart.data)._repr_mimebundle_()
    rows = read_csv_text(data["text/csv"])
    assert rows[0] == ["År", "Målt værdi (%)", "95 %-konfidensinterval, nedre (%)",
                       "95 %-konfidensinterval, øvre (%)", "Målsti"]
    assert rows[1:4] == [["2013", "17,6", "16,5", "18,7", "17,5"], ["2014", "16,4", "15,3", "17,5", "16,375"],
                         ["2015", "15,2", "14,1", "16,4", "15,25"]]
    assert metadata["text/csv"]["filename"] == "utryghed.csv"
    assert Caption("Uden data")._repr_mimebundle_() == ({}, {})


def test_file_slug():
    assert file_slug("Øget tryghed – status for 2017") == "oeget-tryghed-status-for-2017"
    assert file_slug("Ærø & Å") == "aeroe-aa"
    assert file_slug("<>") == "data"


def _output(obj) -> dict:
    from IPython.core.formatters import DisplayFormatter

    data, metadata = DisplayFormatter().format(obj)
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata)


def test_number_and_link_numbers_like_the_pdf_and_adds_a_download():
    v4 = nbformat.v4
    df = pd.DataFrame({"navn": ["<Natteravne>"], "antal": [3]})
    outputs = [_output(Table(df, caption="Første")), _output(Caption("Kurven", data=df.rename(columns=str.title))),
               _output(Table(df)), _output(Table(df, caption="Anden")), _output(Caption("Uden tal"))]
    nb = v4.new_notebook(cells=[v4.new_code_cell("x", outputs=outputs)])
    number_and_link(nb, 3)
    pages = [o["data"]["text/html"] for o in nb.cells[0].outputs]
    assert '<caption><span class="sb-number">Tabel 3.1:</span> Første</caption>' in pages[0]
    assert 'aria-label="Tabel 3.1: Første"' in pages[0]
    assert "<strong>Figur 3.1:</strong> Kurven" in pages[1]
    assert "sb-number" not in pages[2]  # an uncaptioned table is not numbered (nor in the PDF)
    assert "Tabel 3.2:" in pages[3] and "<strong>Figur 3.2:</strong>" in pages[4]
    assert 'data-label="navn"' in pages[0]  # each cell knows its header, for narrow screens
    links = [re.search(r'<a download="([^"]+)" href="([^"]+)">Hent data \(CSV\)', p) for p in pages]
    assert [m.group(1) if m else None for m in links] == [
        "tabel-3-1-foerste.csv", "figur-3-1-kurven.csv", "tabel.csv", "tabel-3-2-anden.csv", None]
    assert read_csv_text(decode_data_uri(links[0].group(2))) == [["navn", "antal"], ["<Natteravne>", "3"]]
    assert read_csv_text(decode_data_uri(links[1].group(2)))[0] == ["Navn", "Antal"]


def test_download_link_is_escaped_and_offline():
    link = download_link("a;b\r\n", 'x" onclick="y.csv', "Tabel 1.1")
    assert 'download="x&quot; onclick=&quot;y.csv"' in link and "onclick=\"y" not in link
    assert csv_data_uri("a").startswith("data:text/csv;charset=utf-8;base64,")
    assert '<span class="sb-visually-hidden"> – Tabel 1.1</span>' in link


# --- the sample publication -----------------------------------------------------------------------------

class Blocks(HTMLParser):
    """Each numbered table (headers, rows as shown) and figure caption of a page, with the download after it."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.blocks: list[dict] = []
        self.data_files: list[str] = []
        self._stack: list[str] = []
        self._text: list[str] = []
        self._row: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = attrs.get("class") or ""
        if tag == "table" and "sb-table" in classes:
            self.blocks.append({"kind": "Tabel", "headers": [], "rows": [], "caption": "", "download": None})
        elif tag == "p" and "sb-figcaption" in classes:
            self.blocks.append({"kind": "Figur", "caption": "", "download": None})
            self._stack.append("figcaption")
            self._text = []
        elif tag == "a" and "download" in attrs:
            href = attrs.get("href") or ""
            if href.startswith("data:") and self.blocks:
                self.blocks[-1]["download"] = (attrs["download"], href)
            elif not href.startswith("data:"):
                self.data_files.append(href)
        elif tag in ("th", "td", "caption"):
            self._stack.append(tag)
            self._text = []
        elif tag == "tr":
            self._row = []

    def handle_endtag(self, tag):
        if self._stack and (self._stack[-1] == tag or (tag == "p" and self._stack[-1] == "figcaption")):
            kind = self._stack.pop()
            text = " ".join("".join(self._text).replace(NB, " ").split())
            block = self.blocks[-1]
            if kind == "th":
                block["headers"].append(text)
            elif kind == "td" and self._row is not None:
                self._row.append(text)
            elif kind in ("caption", "figcaption"):
                block["caption"] = text
        elif tag == "tr" and self._row:
            self.blocks[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._stack:
            self._text.append(data)


_NUMBER = re.compile(r"-?\d[\d.]*(?:,\d+)?")


def _number(text: str) -> float | None:
    match = _NUMBER.search(text)
    return float(match.group().replace(".", "").replace(",", ".")) if match else None


@pytest.mark.slow
def test_every_table_and_chart_offers_its_data(sample_publication):
    from sikkerby.report.formatting import fmt_date

    pages = sorted(sample_publication.glob("*.html"))
    checked = 0
    for page in pages:
        parsed = Blocks(page.read_text(encoding="utf-8"))
        assert parsed.data_files == ["maalstatus.csv", "aktivitetsscorer.csv"]
        for block in parsed.blocks:
            if not block["caption"]:
                continue
            assert block["download"], (page.name, block["caption"])
            filename, uri = block["download"]
            number = re.match(r"(Tabel|Figur) (\d+)\.(\d+):", block["caption"])
            assert number and filename.startswith(f"{number.group(1).lower()}-{number.group(2)}-{number.group(3)}-")
            rows = read_csv_text(decode_data_uri(uri))
            if block["kind"] == "Figur":
                assert len(rows) > 1 and rows[0][0] in ("År", "Nr.", "Id"), rows[0]
                continue
            header, body = rows[0], rows[1:]
            assert [h.replace(NB, " ").split(" (")[0] for h in header] == [h.split(" (")[0] for h in block["headers"]]
            assert len(body) == len(block["rows"])
            for csv_row, shown_row in zip(body, block["rows"]):
                for value, shown in zip(csv_row, shown_row):
                    if value == "":
                        assert shown in ("–", ""), (page.name, header, shown)
                    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                        assert shown == fmt_date(value).replace(NB, " ")
                    elif re.fullmatch(r"-?\d+(,\d+)?", value):
                        assert _number(shown) == pytest.approx(float(value.replace(",", "."))), (value, shown)
                    else:
                        assert value.lstrip("'") in shown, (value, shown)
            checked += 1
    assert checked >= 20


@pytest.mark.slow
def test_the_output_csvs_are_beside_the_pages(sample_publication):
    for name in ("maalstatus.csv", "aktivitetsscorer.csv"):
        assert (sample_publication / name).is_file()
        assert name in Blocks((sample_publication / "index.html").read_text(encoding="utf-8")).data_files
