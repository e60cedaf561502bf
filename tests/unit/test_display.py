"""Display objects: escaped HTML and Markdown, Danish column formats, charts as PNG with alt text.

The Markdown side is checked with the tools that will read it: pandoc (the PDF
route reads Markdown outputs with pandoc and writes Typst) and nbconvert's
CommonMark renderer.
"""

from __future__ import annotations

import base64
import string
from html.parser import HTMLParser

import nbformat
import numpy as np
import pandas as pd
import pypandoc
import pytest
from factories import PROGRAMME_2014_2017
from matplotlib.figure import Figure

from sikkerby.report.display import (
    Callout,
    Caption,
    ColumnSpec,
    Paragraph,
    Table,
    aktivitetsscorer_table,
    chart_bundle,
    escape_html,
    escape_markdown,
    maalstatus_table,
    show_chart,
    show_synthetic_data_banner,
    synthetic_data_banner,
)
from sikkerby.report.formatting import NBSP

NB = NBSP
EVIL = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "Tom & Jerry \"quoted\" 'single'",
    "a | b *c* _d_ `e` [f](javascript:alert(1)) $x$ \\h",
    "&amp; &lt; &#60;",
    "linje1\nlinje2\r\n  linje3",
    "<!-- skjult -->",
    "@ref ^sup^ ~sub~ :smile: {.klasse}",
    "1. ikke en liste",
    "- heller ikke",
    "> ikke et citat",
    "<http://example.com>",
    "#import \"x.typ\": *",
    "Ærø & Østerbro <Nørrebro>",
]
EXPECTED_TEXT = [" ".join(s.split()) for s in EVIL]  # line breaks become spaces
ALLOWED_TAGS = {"table", "caption", "thead", "tbody", "tr", "th", "td", "span", "p", "strong", "div",
                "colgroup", "col", "blockquote"}


class Parsed(HTMLParser):
    """Tags seen, and the text inside each cell-like element (entities decoded)."""

    BLOCKS = ("td", "th", "caption", "p")

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.texts: list[tuple[str, str]] = []
        self._open: list[tuple[str, list[str]]] = []
        self.comments: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag in self.BLOCKS:
            self._open.append((tag, []))

    def handle_endtag(self, tag):
        if tag in self.BLOCKS and self._open:
            name, parts = self._open.pop()
            self.texts.append((name, " ".join("".join(parts).split())))

    def handle_data(self, data):
        if self._open:
            self._open[-1][1].append(data)

    def handle_comment(self, data):
        self.comments.append(data)


def evil_table() -> Table:
    df = pd.DataFrame({"navn": EVIL, "status": ["naaet"] * len(EVIL)})
    columns = [ColumnSpec("navn", "Navn <b>&</b> \"x\""), ColumnSpec("status", "Status", kind="status")]
    return Table(df, columns, caption="Aktiviteter <script>x</script> & \"co\"", note="Note *<i>*")


def cell_texts(parsed: Parsed, tag: str = "td") -> list[str]:
    return [text for name, text in parsed.texts if name == tag]


# ----------------------------------------------------------------------- escaping

def test_escape_markdown_escapes_every_ascii_punctuation_and_joins_lines():
    assert escape_markdown(string.punctuation) == "".join("&amp;" if c == "&" else "\\" + c
                                                          for c in string.punctuation)
    assert escape_markdown("a\nb\r\n  c") == "a b c"
    assert escape_markdown(f"17,5{NB}% Ærø") == f"17\\,5{NB}\\% Ærø"


def test_escape_html():
    assert escape_html("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;"


def test_table_html_escapes_all_data_text():
    html = evil_table()._repr_html_()
    parsed = Parsed(html)
    assert parsed.tags <= ALLOWED_TAGS and "script" not in parsed.tags and "img" not in parsed.tags
    assert not parsed.comments
    assert "<script" not in html and "<img" not in html and '"quoted"' not in html and "'single'" not in html
    texts = cell_texts(parsed)
    assert texts[0::2] == EXPECTED_TEXT
    assert cell_texts(parsed, "th") == ["Navn <b>&</b> \"x\"", "Status"]
    assert cell_texts(parsed, "caption") == ["Aktiviteter <script>x</script> & \"co\""]
    assert cell_texts(parsed, "p") == ["Note *<i>*"]


def test_table_markdown_is_text_for_pandoc():
    markdown = evil_table()._repr_markdown_()
    html = pypandoc.convert_text(markdown, "html", format="markdown")
    parsed = Parsed(html)
    assert parsed.tags <= ALLOWED_TAGS, parsed.tags - ALLOWED_TAGS
    assert not parsed.comments
    texts = cell_texts(parsed)
    assert texts[0::2] == EXPECTED_TEXT
    assert set(texts[1::2]) == {"✓ Nået"}
    assert cell_texts(parsed, "th") == ["Navn <b>&</b> \"x\"", "Status"]
    assert cell_texts(parsed, "caption") == ["Aktiviteter <script>x</script> & \"co\""]
    assert cell_texts(parsed, "p") == ["Note *<i>*"]


def test_table_markdown_to_typst_keeps_data_as_text():
    typst = pypandoc.convert_text(evil_table()._repr_markdown_(), "typst", format="markdown")
    assert "#figure(" in typst and "kind: table" in typst
    assert "\\#import" in typst  # data text is escaped for Typst too, never code
    assert "✓~Nået" in typst  # symbol and word joined by a non-breaking space


def test_paragraph_caption_and_callout_are_escaped_on_both_routes():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    for text, expected in zip(EVIL, EXPECTED_TEXT):
        for obj, prefix in ((Paragraph(text), ""), (Caption(text), "Figur: "), (Callout("Titel", text), "Titel: ")):
            routes = [obj._repr_html_(), pypandoc.convert_text(obj._repr_markdown_(), "html", format="markdown")]
            if not isinstance(obj, Caption):  # a caption's Markdown is a pandoc div, for the PDF only
                routes.append(markdown2html_mistune(obj._repr_markdown_()))
            for route, html in enumerate(routes):
                parsed = Parsed(html)
                assert parsed.tags <= ALLOWED_TAGS, (text, html)
                assert not parsed.comments
                # the PDF writes "Figur N:" before a caption itself
                shown = prefix if route == 0 or not isinstance(obj, Caption) else ""
                assert cell_texts(parsed, "p") == [shown + expected], html


# ----------------------------------------------------------------------- formats

def test_column_kinds_format_in_danish():
    df = pd.DataFrame({
        "navn": ["A", None], "antal": [1234, np.nan], "andel": [17.5, 0.05], "pp": [1.2, -0.04],
        "aar": [2017, 2016], "dato": [pd.Timestamp("2016-03-18"), pd.NaT], "niveau": ["lovende", "skadelig"],
        "status": ["paa_sporet", None], "kategori": ["gul", "roed"],
    })
    table = Table(df, [
        ColumnSpec("navn", "Navn"), ColumnSpec("antal", "Antal", kind="number"),
        ColumnSpec("andel", "Andel", kind="percent", decimals=1), ColumnSpec("pp", "Ændring", kind="pp", decimals=1),
        ColumnSpec("aar", "År", kind="year"), ColumnSpec("dato", "Dato", kind="date"),
        ColumnSpec("niveau", "Evidens", kind="label", vocabulary="evidensniveau"),
        ColumnSpec("status", "Status", kind="status"),
        ColumnSpec("kategori", "Kategori", kind="status", vocabulary="kategori"),
        ColumnSpec("antal", "Tekst", formatter=lambda v, row: f"{row['navn']}: {v}"),
    ])
    assert table.to_frame().values.tolist() == [
        ["A", "1.234", f"17,5{NB}%", f"1,2{NB}procentpoint", "2017", "18. marts 2016", "Lovende",
         "→ På sporet", "■ Gul", "A: 1234.0"],
        ["–", "–", f"0,1{NB}%", f"0,0{NB}procentpoint", "2016", "–", "Skadelig", "–", "▼ Rød", "nan: nan"],
    ]
    html = table._repr_html_()
    assert '<td class="sb-num">1.234</td>' in html
    assert 'class="sb-status sb-kategori-roed"' in html and 'class="sb-status sb-status-paa_sporet"' in html
    markdown = table._repr_markdown_()
    assert '[■]{.sb-mark .sb-kategori-gul fill="#F0E442" ink="#000000"}\u00a0Gul' in markdown
    header_rule = markdown.splitlines()[1]
    assert header_rule.split("|")[2].endswith(":")  # numbers right-aligned
    assert header_rule.split("|")[1].startswith(":")  # text left-aligned


def test_table_errors():
    df = pd.DataFrame({"status": ["naet"]})
    with pytest.raises(ValueError, match="naet"):
        Table(df, [ColumnSpec("status", kind="status")])
    with pytest.raises(KeyError, match="mangler"):
        Table(df, ["mangler"])
    with pytest.raises(ValueError):
        ColumnSpec("x", kind="procent")
    with pytest.raises(ValueError):
        ColumnSpec("x", kind="label")


def test_empty_table():
    table = Table(pd.DataFrame({"a": pd.Series([], dtype="str")}), caption="Tom")
    assert "Ingen data" in table._repr_html_()
    assert "| Ingen data |" in table._repr_markdown_()
    assert cell_texts(Parsed(pypandoc.convert_text(table._repr_markdown_(), "html", format="markdown"))) == [
        "Ingen data"]


def maalstatus_rows():
    nan = np.nan
    return pd.DataFrame([
        dict(maalepunkt_nr=1, indikator_id="utryghed_aften", maalomraade="tryghed", aar=2017, vaerdi=13.4, ci_nedre=12.8,
             ci_oevre=14.0, basisaar=2013, basisvaerdi=17.5, maalaar=2017, maalvaerdi=13.0, sti_vaerdi=13.0,
             status="ikke_naaet", maal_foreloebigt="nej"),
        dict(maalepunkt_nr=3, indikator_id="lukkedage", maalomraade="tryghed", aar=2017, vaerdi=180.0, ci_nedre=nan, ci_oevre=nan,
             basisaar=2013, basisvaerdi=283.0, maalaar=2017, maalvaerdi=189.61, sti_vaerdi=189.61, status="naaet",
             maal_foreloebigt="nej"),
        dict(maalepunkt_nr=3, indikator_id="handleplan_3_dage", maalomraade="tryghed", aar=2017, vaerdi=nan, ci_nedre=nan,
             ci_oevre=nan, basisaar=pd.NA, basisvaerdi=nan, maalaar=pd.NA, maalvaerdi=100.0, sti_vaerdi=nan,
             status="ikke_vurderbar", maal_foreloebigt="nej"),
    ])


def test_maalstatus_table(programme):
    table = maalstatus_table(maalstatus_rows(), programme, caption="Status 2017")
    assert table.to_frame().values.tolist() == [
        [programme.indikator("utryghed_aften").title, "2017", f"13,4{NB}% (12,8–14,0{NB}%)",
         f"17,5{NB}% (2013)", f"højst 13,0{NB}% i 2017", f"13,0{NB}%", "✗ Ikke nået"],
        [programme.indikator("lukkedage").title, "2017", "180", "283 (2013)",
         "højst 189 i 2017", "189", "✓ Nået"],
        [programme.indikator("handleplan_3_dage").title, "2017", "–", "–", f"mindst 100,0{NB}% hvert år", "–",
         "? Kan ikke vurderes"],
    ]
    assert "konfidensinterval" in table.note


def test_aktivitetsscorer_table():
    scores = pd.DataFrame({
        "aktivitet_id": ["A1", "A2"], "navn": ["Gadeplan <natteravne>", "Mentor & job"],
        "forvaltning": ["SOF", "BIF"], "indsatsomraade": ["II", "IV"], "model_status": ["i_model", "foermaaling"],
        "resultatscore": [66.666, np.nan], "evidensscore": [67.0, 33.0], "samlet_score": [66.833, np.nan],
        "kategori": ["gul", None], "udviklingspotentiale": ["resultater", None],
    })
    assert aktivitetsscorer_table(scores).to_frame().values.tolist() == [
        ["A1", "Gadeplan <natteravne>", "SOF", "II (sekundær)", "● Afrapporterer resultater", "66,7", "67,0", "66,8", "■ Gul",
         "Resultater"],
        ["A2", "Mentor & job", "BIF", "IV (lokalområder)", "◆ Førmåling", "–", "33,0", "–", "–", "–"],
    ]


# ------------------------------------------------------------- banner and charts

def test_synthetic_data_banner(tmp_path, capsys):
    banner = synthetic_data_banner()
    assert "<strong>Eksempeldata:</strong> tallene er syntetiske" in banner._repr_html_()
    assert banner._repr_markdown_().startswith("> **Eksempeldata:** tallene er syntetiske")
    assert show_synthetic_data_banner(tmp_path) is False
    assert capsys.readouterr().out == ""
    assert show_synthetic_data_banner("") is True  # empty = the bundled sample
    assert "Eksempeldata" in capsys.readouterr().out


def small_figure() -> Figure:
    fig = Figure(figsize=(2, 1))
    fig.subplots().plot([1, 2], [1, 2])
    return fig


def test_chart_bundle_carries_alt_text():
    data, metadata = chart_bundle(small_figure(), "Linjediagram: <x> & y")
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")
    assert data["text/plain"] == "Linjediagram: <x> & y"
    assert metadata == {"image/png": {"alt": "Linjediagram: <x> & y"}}


def test_show_chart_needs_alt_text():
    with pytest.raises(ValueError, match="alt"):
        show_chart(small_figure(), "Figurtekst")


@pytest.mark.slow
def test_show_functions_in_a_kernel():
    """Run in a real kernel: outputs as nbconvert and pandoc will see them."""
    from nbclient import NotebookClient

    code = "\n".join([
        "import matplotlib.pyplot as plt, pandas as pd",
        "from sikkerby.report.display import ColumnSpec, show_chart, show_markdown, show_table",
        "from sikkerby.report.plotting import series_chart",
        "from sikkerby.config.programme import load_programme",
        "fig, ax = plt.subplots()",  # a pyplot figure: must not be shown a second time by the inline backend
        "ax.plot([1, 2], [3, 4])",
        "show_chart(fig, 'Kurve <b>', alt='Alt & tekst')",
        f"m = load_programme({str(PROGRAMME_2014_2017)!r}).indikator('utryghed_aften')",
        "show_chart(series_chart(pd.DataFrame({'aar': [2013, 2014], 'vaerdi': [17.5, 16.4]}), m, 2014), 'Utryghed')",
        "show_markdown('I 2014 var andelen <16,4 %>.')",
        "show_table(pd.DataFrame({'status': ['naaet']}), [ColumnSpec('status', kind='status')], caption='T')",
    ])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    kinds = [sorted(o.get("data", {})) for o in outputs]
    assert [o.output_type for o in outputs] == ["display_data"] * 6, kinds
    assert kinds[0] == ["image/png", "text/plain"] and kinds[2] == ["image/png", "text/plain"]
    assert outputs[0].metadata == {"image/png": {"alt": "Alt & tekst"}}
    assert outputs[1].data["text/markdown"] == "::: sb-figcaption\nKurve \\<b\\>\n:::\n"
    assert outputs[2].metadata["image/png"]["alt"].startswith(f"Linjediagram: andelen faldt fra 17,5{NB}% i 2013")
    assert outputs[3].data["text/markdown"] == "::: sb-figcaption\nUtryghed\n:::\n"
    assert outputs[3].data["text/csv"].startswith("År;Målt værdi (%);")  # the chart's numbers, for download
    assert "text/csv" not in outputs[1].data  # a bare figure has no data to offer
    assert sorted(outputs[4].data) == ["text/html", "text/markdown", "text/plain"]
    assert outputs[4].data["text/html"] == '<p class="sb-text">I 2014 var andelen &lt;16,4 %&gt;.</p>'
    assert "sb-status-naaet" in outputs[5].data["text/html"]
    assert '[✓]{.sb-mark .sb-status-naaet fill="#009E73" ink="#000000"}\u00a0Nået' in outputs[5].data["text/markdown"]


def test_show_chart_closes_pyplot_figures():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([1, 2])
    assert plt.fignum_exists(fig.number)
    show_chart(fig, "Figurtekst", alt="Alt")
    assert not plt.fignum_exists(fig.number)


def test_status_table_writes_published_baselines_as_published(sample_dataset, programme):
    """The programme published 1,1 % for youth crime (2 decimals elsewhere): the table keeps 1,1."""
    from sikkerby.model import goals

    table = maalstatus_table(goals.maalstatus(sample_dataset, programme, 2017), programme).to_frame()
    baselines = dict(zip(goals.maalstatus(sample_dataset, programme, 2017)["indikator_id"], table["Basisværdi (år)"]))
    assert baselines["ungdomskriminalitet"] == f"1,1{NB}% (2013)"
    assert baselines["utryghed_aften"] == f"17,5{NB}% (2013)"
