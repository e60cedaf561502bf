"""HTML pages through nbconvert, with the project's own template (``templates/nbconvert/sikkerby``).

One :class:`HtmlRenderer` (one exporter, templates compiled once) renders every
page of a run in this process. Inputs are hidden, images are data URIs, the
stylesheet is embedded: the pages open offline.
"""

from __future__ import annotations

import base64
import functools
import html as html_lib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from sikkerby.config.paths import PACKAGE_DIR
from sikkerby.errors import SikkerByError
from sikkerby.publish.render.chapters import Chapter
from sikkerby.publish.render.notebook import prepare_for_publication

TEMPLATE_BASEDIR = PACKAGE_DIR / "templates" / "nbconvert"
TEMPLATE_NAME = "sikkerby"
# Elements that make a browser fetch something when the page opens.
_LOADING = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
            "video": "src", "audio": "src", "embed": "src", "object": "data", "input": "src"}


class RenderError(SikkerByError):
    """A page or the PDF could not be made."""


# The run's CSV outputs (DATA.md §4), offered for download from the navigation: file, what it holds.
DATA_FILES = (("maalstatus.csv", "Status for målepunkterne"), ("aktivitetsscorer.csv", "Aktiviteternes scorer"))


@dataclass(frozen=True)
class PageContext:
    """What every page shows around its chapter."""

    publication_title: str
    subtitle: str
    footer: str
    version: str
    pdf_name: str | None
    data_files: tuple[tuple[str, str], ...] = DATA_FILES


# --- numbers and downloads ---------------------------------------------------------------------------

_TABLE_CAPTION = re.compile(r'(<table class="sb-table"[^>]*>)<caption>')
_REGION_LABEL = re.compile(r'(<div class="sb-table-scroll"[^>]*\baria-label=")')
_FIGCAPTION = re.compile(r'(<p class="sb-figcaption"><strong>)([^<:]*):(</strong>)')


def csv_data_uri(text: str) -> str:
    """A ``data:`` URI of CSV text, UTF-8 with a byte-order mark (so Excel reads æ, ø and å): works offline."""
    encoded = base64.b64encode(("\ufeff" + text).encode("utf-8")).decode("ascii")
    return f"data:text/csv;charset=utf-8;base64,{encoded}"


def download_link(csv_text: str, filename: str, what: str) -> str:
    """``Hent data (CSV)`` for one table or chart; ``what`` (``Tabel 2.3``) completes the link's name."""
    hidden = f'<span class="sb-visually-hidden"> – {html_lib.escape(what)}</span>' if what else ""
    return (f'<p class="sb-download"><a download="{html_lib.escape(filename)}" '
            f'href="{csv_data_uri(csv_text)}">Hent data (CSV){hidden}</a></p>')


_HEADER_CELL = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
_BODY = re.compile(r"<tbody>(.*?)</tbody>", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)


def label_cells(page: str) -> str:
    """Give each body cell of a ``sb-table`` its column's header as ``data-label`` (escaped as in
    the header): on a narrow screen the stylesheet stacks a row's cells, each beside its header."""
    def one_table(table: str) -> str:
        headers = [h.strip() for h in _HEADER_CELL.findall(table.split("<tbody>", 1)[0])]

        def row(match: re.Match) -> str:
            cells = match.group(1).split("<td")
            if len(cells) - 1 != len(headers):  # e.g. the one "Ingen data" cell spanning the row
                return match.group(0)
            return "<tr>" + cells[0] + "".join(f'<td data-label="{header}"{rest}'
                                               for header, rest in zip(headers, cells[1:])) + "</tr>"

        return _BODY.sub(lambda m: "<tbody>" + _ROW.sub(row, m.group(1)) + "</tbody>", table)

    parts = re.split(r'(<table class="sb-table".*?</table>)', page, flags=re.S)
    return "".join(one_table(part) if part.startswith('<table class="sb-table"') else part for part in parts)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def number_and_link(nb: dict, chapter_number: int) -> dict:
    """Number the chapter's tables and figures as the PDF does (``Tabel 2.3``, ``Figur 2.1``: chapter,
    then the count within it) and add a CSV download under each output that carries ``text/csv``.

    Works on the reader's view of a notebook (:func:`prepare_for_publication`); changes ``nb``.
    Counted: tables of :class:`sikkerby.report.display.Table` with a caption, and figure captions
    (:class:`sikkerby.report.display.Caption`) — the PDF's filter numbers the same two.
    """
    tables = figures = 0
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            if "text/html" not in data:
                continue
            page = _text(data["text/html"])
            what = ""
            if '<table class="sb-table"' in page:
                page = label_cells(page)
            if _TABLE_CAPTION.search(page):
                tables += 1
                what = f"Tabel {chapter_number}.{tables}"
                page = _TABLE_CAPTION.sub(lambda m: f'{m.group(1)}<caption><span class="sb-number">{what}:</span> ',
                                          page, count=1)
                page = _REGION_LABEL.sub(lambda m: f"{m.group(1)}{what}: ", page, count=1)
            elif _FIGCAPTION.search(page):
                figures += 1
                number = f"{chapter_number}.{figures}"
                page = _FIGCAPTION.sub(lambda m: f"{m.group(1)}{m.group(2)} {number}:{m.group(3)}", page, count=1)
                what = f"{_FIGCAPTION.search(page).group(2).split()[0]} {number}"
            if "text/csv" in data:
                filename = (output.get("metadata", {}).get("text/csv", {}) or {}).get("filename") or "data.csv"
                if what:
                    filename = f"{what.lower().replace(' ', '-').replace('.', '-')}-{filename}"
                page += download_link(_text(data["text/csv"]), filename, what)
            data["text/html"] = page
    return nb


class _ExternalReferences(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        names = [_LOADING[tag]] if tag in _LOADING else []
        if tag == "img" or tag == "source":
            names.append("srcset")
        for name in names:
            value = (attrs.get(name) or "").strip().lower()
            if value.startswith(("http://", "https://", "//")) or ("srcset" == name and "http" in value):
                self.found.append(f"<{tag} {name}=\"{attrs.get(name)}\">")
        style = (attrs.get("style") or "").lower()
        if "url(http" in style or "url(//" in style:
            self.found.append(f"<{tag} style=...url(...)>")

    def handle_data(self, data):
        lowered = data.lower()
        if self.lasttag == "style" and ("@import" in lowered and "http" in lowered or "url(http" in lowered):
            self.found.append("<style> @import/url() fra en anden vært")


# _ExternalReferences can only find something where the page, lowercased, contains one of these: a
# loading attribute's value starts after "=", blanks and a quote; srcset and @import are spelled out;
# url( is followed by http or //. The parser decodes character references in attribute values and in
# text (not in <style>), so the page is searched as written and decoded. A page with none of them is
# not parsed (parsing costs per tag: most of the check's time).
_MAY_LOAD = re.compile(r"""srcset|@import|url\((?:http|//)|=\s*['"]?\s*(?:https?:)?//""")


def external_references(html: str) -> list[str]:
    """Scripts, stylesheets, fonts and images the page would load from another host (as found by parsing
    the page with :class:`_ExternalReferences`, which is skipped where it cannot find anything)."""
    texts = (html, html_lib.unescape(html)) if "&" in html else (html,)
    if not any(_MAY_LOAD.search(text.lower()) for text in texts):
        return []
    parser = _ExternalReferences()
    parser.feed(html)
    parser.close()
    return parser.found


def _exporter_config():
    """Preprocessors that do nothing for these pages, switched off (each also cost a validation)."""
    from traitlets.config import Config

    return Config({name: {"enabled": False} for name in (
        "TagRemovePreprocessor",  # no tags given to it: prepare_for_publication removes cells
        "RegexRemovePreprocessor",  # no patterns given to it
        "HighlightMagicsPreprocessor",  # marks %%magic cells for highlighting code, which is never shown
        "CSSHTMLHeaderPreprocessor",  # Pygments CSS for the lab template's index.html.j2, which is not used
    )})


@functools.cache
def _page_exporter_class():
    """nbconvert's HTMLExporter without its last step, which parses the whole page again
    (BeautifulSoup, in Python: a fifth of this process's time for a page) to add what these pages
    have already or do not want: an alt text for images without one (the template gives every chart
    one), and ``tabindex`` on every output and text cell (a stop for the keyboard at each paragraph,
    table and chart; a table that scrolls sideways is focusable by the template's own ``tabindex``)."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node up to its parse (nbconvert 7)
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return PageExporter


class HtmlRenderer:
    """Renders chapters to pages with navigation; reuse one instance for every page of a run."""

    def __init__(self, chapters: tuple[Chapter, ...], context: PageContext):
        import nbformat

        self._nbformat = nbformat
        self.chapters = chapters
        self.context = context
        self.exporter = _page_exporter_class()(
            template_name=TEMPLATE_NAME,
            extra_template_basedirs=[str(TEMPLATE_BASEDIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            language_code="da",
            config=_exporter_config(),
            optimistic_validation=True,  # the notebook is validated once, not after every preprocessor
        )

    def _link(self, chapter: Chapter | None) -> dict | None:
        return None if chapter is None else {"title": chapter.title, "href": chapter.html_name}

    def page(self, chapter: Chapter, nb: dict) -> str:
        """The HTML page of ``chapter`` from its executed notebook ``nb``."""
        i = self.chapters.index(chapter)
        ctx = self.context
        resources = {
            "metadata": {"name": chapter.title},
            "sikkerby": {
                "publication_title": ctx.publication_title,
                "subtitle": ctx.subtitle,
                "footer": ctx.footer,
                "version": ctx.version,
                "pdf_name": ctx.pdf_name,
                "data_files": [{"href": name, "title": title} for name, title in ctx.data_files],
                "chapter_title": chapter.title,
                "chapters": [{"title": c.title, "href": c.html_name, "current": c == chapter} for c in self.chapters],
                "prev": self._link(self.chapters[i - 1] if i > 0 else None),
                "next": self._link(self.chapters[i + 1] if i + 1 < len(self.chapters) else None),
            },
        }
        node = self._nbformat.from_dict(number_and_link(prepare_for_publication(nb), chapter.position + 1))
        html, _ = self.exporter.from_notebook_node(node, resources=resources)
        external = external_references(html)
        if external:
            raise RenderError(f"Siden for {chapter.name} ville hente indhold fra en anden vært: "
                              + ", ".join(external[:5]))
        return html

    def write(self, chapter: Chapter, nb: dict, out_dir: Path) -> Path:
        path = out_dir / chapter.html_name
        path.write_text(self.page(chapter, nb), encoding="utf-8")
        return path
