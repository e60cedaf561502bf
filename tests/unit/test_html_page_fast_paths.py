"""The HTML page's shortcuts give exactly what the slow paths gave.

* :func:`sikkerby.publish.render.html.external_references` parses a page only when it could find
  something: compared with always parsing, on listed cases, random markup and random characters.
* The renderer's exporter (nbconvert's HTMLExporter with preprocessors these pages do not need
  switched off, the notebook validated once) makes what nbconvert's stock exporter makes, on a
  chapter with the publication's own outputs.
"""

from __future__ import annotations

import random
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from page_helpers import stock_exporter, without_tabindex, without_the_parse

from sikkerby.publish.render.chapters import discover_chapters
from sikkerby.publish.render.html import (
    HtmlRenderer,
    PageContext,
    _ExternalReferences,
    external_references,
    number_and_link,
)
from sikkerby.publish.render.notebook import prepare_for_publication
from sikkerby.report.display import Caption, Table


def full_check(html: str) -> list[str]:
    parser = _ExternalReferences()
    parser.feed(html)
    parser.close()
    return parser.found


_TAGS = ["div", "p", "span", "a", "img", "br", "pre", "textarea", "style", "script", "table", "tr", "td", "th",
         "meta", "link", "input", "hr", "b", "li", "title", "main", "source", "iframe", "svg", "DIV", "Img"]
_ATTRS = ["class", "id", "alt", "src", "href", "rel", "headers", "tabindex", "charset", "style", "data-x",
          "title", "srcset", "CLASS", "Src"]
_VALUES = ["", "x", "jp-Notebook", "jp-Cell-inputWrapper", " jp-OutputArea-output  x ", "jp-Notebook jp-Cell",
           "a&amp;b", "a & b < c > d", "say \"hi\"", "it's", "both ' and \"", "http://cdn.example/x.js",
           "//fonts.example/css", " HTTPS://x", "data:image/png;base64,aHR0cDovL3g=", "&#104;ttp://x",
           "&sol;&sol;x", "\u00a0//x", "x.png 1x, http://e/y.png 2x", "color: red; background: url(//x)",
           "background: URL(http://x)", "&#x27;//x", "=//x", "\u00a0"]
_TEXTS = ["hello", " ", "  ", "\n", "\n  \n", "\t", "a & b", "&amp;", "&nbsp;", "&#229;", "&#x27;", "&foo;",
          "&amp", "<", "x > y", "@import url(http://x);", "url(//y)", "Ø", "\u00a0", "&#104;ttp", "//"]


def _attribute(rng: random.Random) -> str:
    name = rng.choice(_ATTRS)
    if rng.random() < 0.1:
        return f" {name}"
    value = rng.choice(_VALUES)
    quote = rng.choice(['"', "'", ""]) if not any(c in value for c in " \"'") else rng.choice(['"', "'"])
    if quote and quote in value:
        quote = "'" if quote == '"' else '"'
        if quote in value:
            value = value.replace(quote, "&quot;" if quote == '"' else "&#x27;")
    return f" {name}={quote}{value}{quote}"


def random_markup(rng: random.Random) -> str:
    parts = ["<!DOCTYPE html>\n"] if rng.random() < 0.2 else []
    for _ in range(rng.randint(1, 40)):
        kind = rng.random()
        if kind < 0.4:
            attributes = "".join(_attribute(rng) for _ in range(rng.randint(0, 4)))
            parts.append(f"<{rng.choice(_TAGS)}{attributes}{rng.choice(['', '', '/', ' /'])}>")
        elif kind < 0.6:
            parts.append(f"</{rng.choice(_TAGS)}>")
        elif kind < 0.95:
            parts.append(rng.choice(_TEXTS))
        else:
            parts.append(rng.choice(["<!-- c -->", "<!---->", "<!--  -->"]))
    return "".join(parts)


_PIECES = ["<", ">", "</", "/>", "<!", "<!--", "-->", "<?", "=", '"', "'", " ", "\n", "&", "&#", ";", "x", "div",
           "p", "img", "br", "style", "pre", "class", "jp-Notebook", "jp-OutputArea-output", "src", "srcset",
           "http://", "//", "url(", "@import", "amp", "#104", "a", "template", "meta", "charset", "[CDATA[",
           "\u00a0", "textarea", "title", "DIV", "alt", "-", "!", "/"]


def test_external_references_on_random_characters():
    """Broken markup too: unclosed quotes and tags, bogus comments, stray brackets."""
    rng = random.Random(2014)
    for _ in range(1000):
        html = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 60)))
        assert external_references(html) == full_check(html), html


EXTERNAL = [
    '<img src="https://x/y.png">', '<img src=" HTTP://x">', "<img src='//x'>", "<img src=//x>",
    '<img src="&#104;ttp://x">', '<img src="&sol;&sol;x">', '<img src="\u00a0//x">', '<img src="&#x2F;/x">',
    '<img src="data:image/png;base64,aHR0cDovL3g=" srcset="a.png 1x, http://e/b.png 2x">',
    '<SOURCE SRCSET="HTTP://x">', '<source srcset=y>', '<img alt="x" src==//x>', '<img src = "https://x">',
    '<link rel="stylesheet" href="//fonts.example/css">', '<script src="https://cdn.example/x.js"></script>',
    '<iframe src="http://x"></iframe>', '<object data="//x"></object>', '<input type="image" src="http://x">',
    '<a href="https://www.kk.dk">kk.dk</a>', '<img src="data:image/png;base64,xyz">',
    '<div style="background: url(//x)">', '<div style="background:URL(HTTP://x)">',
    '<div style="background: url(&#104;ttp://x)">', '<div style="background: url(data:x)">',
    "<style>@import url(http://x);</style>", "<style>@IMPORT 'https://x';</style>",
    "<style>a { background: url(http://x) }</style>", "<style>a {}</style>after @import http",
    "<style>a {}</style>url(http://x)<p>url(http://x)</p>", "<style>@import &#104;ttp</style>",
    "<p>@import http</p>", "<p>url(http://x)</p>", "<!-- <img src=http://x> -->", "<img src=\"http://x",
    '<img title="x" src="data:image/png;base64,Ly8vLy8vLy8=">', "<textarea><img src=http://x></textarea>",
]


@pytest.mark.parametrize("html", EXTERNAL)
def test_external_references_as_when_always_parsed(html):
    assert external_references(html) == full_check(html)


def test_external_references_on_random_markup():
    rng = random.Random(20180601)
    found = 0
    for _ in range(1500):
        html = random_markup(rng)
        expected = full_check(html)
        assert external_references(html) == expected, html
        found += bool(expected)
    assert found > 100


# --- through the exporter -------------------------------------------------------------------------------

def _publication_notebook() -> nbformat.NotebookNode:
    """A chapter with what the publication shows: Markdown with headings, links and an image, tables and
    chart captions from sikkerby.report.display (numbered, with downloads), an image, plain text."""
    v4 = nbformat.v4
    frame = pd.DataFrame({"navn": ["Nørrebro & Co", "Amager <Øst>"], "antal": [1234, 7], "andel": [17.5, None]})

    def output(obj):
        from IPython.core.formatters import DisplayFormatter

        data, metadata = DisplayFormatter().format(obj)
        return v4.new_output("display_data", data=data, metadata=metadata)

    png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
    return v4.new_notebook(cells=[
        v4.new_raw_cell("---\ntitle: Øget tryghed\n---"),
        v4.new_markdown_cell("## Utryghed & tryghed\n\nSe [kk.dk](https://www.kk.dk) og *fremhævet* `kode`.\n\n"
                             "![logo](data:image/png;base64," + png + ")\n\n| a | b |\n|---|---|\n| 1 | 2 |"),
        v4.new_code_cell("vis()", outputs=[output(Table(frame, caption="Første tabel")), output(Table(frame))]),
        v4.new_code_cell("figur()", outputs=[
            v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
            output(Caption("Kurven", data=frame)),
            v4.new_output("stream", name="stdout", text="tekst < og & >\n"),
        ]),
        v4.new_markdown_cell("### Mere\n\n<div class=\"note\">rå <b>HTML</b></div>\n\n- et\n- to"),
    ])


def test_page_exporter_equals_nbconvert_html_exporter(monkeypatch):
    """The renderer's exporter (preprocessors off, one validation, no parse at the end) against
    nbconvert's, set up as before: the same page as nbconvert's before its closing BeautifulSoup
    pass, and that pass would only have added a ``tabindex`` to each output and text cell (every
    image has its alt)."""
    chapters = discover_chapters(Path(__file__).parents[1] / "notebooks_fixture")
    renderer = HtmlRenderer(chapters, PageContext("Sikker By – status 2017", "Årlig status", "Eksempeldata",
                                                  "0.0", "sikkerby-status-2017.pdf"))
    node = nbformat.from_dict(number_and_link(prepare_for_publication(_publication_notebook()), 2))
    resources = {"metadata": {"name": "Øget tryghed"}, "sikkerby": {
        "publication_title": "Sikker By", "subtitle": "", "footer": "f", "version": "0", "pdf_name": None,
        "data_files": [], "chapter_title": "Øget tryghed", "chapters": [], "prev": None, "next": None}}
    ours, _ = renderer.exporter.from_notebook_node(node, resources=resources)
    parsed, _ = stock_exporter().from_notebook_node(node, resources=resources)
    with without_the_parse(monkeypatch):
        unparsed, _ = stock_exporter().from_notebook_node(node, resources=resources)
    assert ours == unparsed
    assert without_tabindex(ours) == (without_tabindex(parsed)[0], 0)
    assert without_tabindex(parsed)[1] > 0
    assert "No description" not in parsed and "sb-download" in ours and "Tabel 2.1" in ours
