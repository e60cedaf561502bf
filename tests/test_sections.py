"""The goal-area chapters' building blocks: display objects for sections, and sikkerby.sections."""

from __future__ import annotations

import pandas as pd
import pypandoc
import pytest

from sikkerby.display import ColumnSpec, Heading, Paragraph, StatusLine, Table

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
    assert s._repr_markdown_() == "**Status 2017:** [⚠]{.sb-mark .sb-status-ikke_paa_sporet} Ikke på sporet\n"
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
