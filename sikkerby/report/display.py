"""What notebooks display: tables, sentences, figures with captions, the sample-data callout.

Every object renders on both publication routes:

- HTML (nbconvert prefers ``text/html``): ``_repr_html_``, all data text through
  :func:`html.escape`; classes ``sb-table``, ``sb-num``, ``sb-status``,
  ``sb-<vocabulary>-<value>``, ``sb-mark``, ``sb-callout``, ``sb-figcaption``
  (styled by the HTML template's ``sikkerby.css``);
- PDF (pandoc reads the executed notebook and writes Typst; raw HTML is lost
  there): ``_repr_markdown_``, pandoc Markdown — pipe tables with a ``: caption``
  line, every ASCII punctuation character in data text backslash-escaped
  (:func:`escape_markdown`), so ``<script>`` is text, not raw HTML, and ``*``,
  ``|``, ``$``, ``[`` … are not markup. Status marks are bracketed spans
  ``[✓]{.sb-mark .sb-status-naaet}`` (a filter may colour them; otherwise the
  symbol shows as is). A figure caption and a table's note are pandoc divs
  (``::: sb-figcaption``, ``::: sb-table-note``) that the PDF's filter keeps with their
  chart or table;
- downloads: a :class:`Table` (and a :class:`Caption` given a chart's data) also carries
  ``text/csv`` (:func:`download_csv`: Danish headers, the numbers as shown, formula cells
  neutralised), which the HTML pages offer as ``Hent data (CSV)``.

Status is always a symbol *and* a word; the colour only adds to it.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import re
import string
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sikkerby.config.paths import is_sample_data
from sikkerby.config.programme import Programme
from sikkerby.report.formatting import (
    MISSING,
    NBSP,
    Label,
    fmt_baseline,
    fmt_count,
    fmt_date,
    fmt_list,
    fmt_number,
    fmt_pct,
    fmt_pp,
    fmt_target,
    fmt_threshold,
    fmt_value,
    fmt_year,
    is_missing,
    label,
    word,
)
from sikkerby.report.plotting import Chart, figure_png

_MARKDOWN_SPECIAL = frozenset(string.punctuation)  # every ASCII punctuation character is escapable
_LINE_BREAKS = re.compile(r"[ \t]*[\r\n\v\f\u2028\u2029]+[ \t]*")

def escape_html(text: Any) -> str:
    """Data text for HTML: ``& < > " '`` become entities."""
    return html.escape(str(text), quote=True)


def escape_markdown(text: Any) -> str:
    """Data text for (pandoc or CommonMark) Markdown: one line, no markup, no raw HTML.

    Line breaks become spaces (a table cell or a paragraph stays one line) and
    every ASCII punctuation character gets a backslash, which both pandoc
    (``all_symbols_escapable``) and CommonMark read as the literal character;
    ``&`` becomes ``&amp;`` instead (mistune, nbconvert's CommonMark renderer,
    reads ``\\&lt;`` as an entity).
    """
    text = _LINE_BREAKS.sub(" ", str(text)).strip(" \t")
    return "".join("&amp;" if ch == "&" else "\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)


def _css_token(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", str(value))


_MONTHS = ("januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december")
_DATE = re.compile(rf"\b(\d{{1,2}}\.) ({_MONTHS})\b(?: (\d{{4}})\b)?")


def keep_dates_together(text: str) -> str:
    """``18. marts 2016`` with non-breaking spaces, so a date is never split over two lines."""
    return _DATE.sub(lambda m: NBSP.join(part for part in m.groups() if part), str(text))


def _nobreak(text: str) -> str:
    """Every space of ``text`` non-breaking (a status word: ``Ikke nået`` stays one unit)."""
    return str(text).replace(" ", NBSP)


# ------------------------------------------------------------------ downloadable data

CSV_DELIMITER = ";"  # Danish Excel's list separator; decimals are written with a comma
_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+(?:[.,]\d+)*|[.,]\d+)")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """A CSV cell that a spreadsheet would run as a formula gets a leading ``'``.

    Text starting with ``= + - @`` (or a tab or carriage return) that is not a plain number:
    ``=SUM(A1)`` becomes ``'=SUM(A1)``, ``-1,5`` stays (OWASP's CSV injection advice).
    """
    text = str(text)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_value(value: Any) -> str:
    """One CSV cell: empty for a missing value, numbers with a decimal comma, text neutralised."""
    if isinstance(value, (bool, np.bool_)):
        return "ja" if value else "nej"
    if is_missing(value):
        return ""
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    return neutralise_formula(str(value).replace(NBSP, " "))  # a spreadsheet wants plain spaces


def download_csv(frame: pd.DataFrame) -> str:
    """``frame`` as the CSV a reader downloads: Danish headers as given, ``;``-separated, CRLF lines.

    Numbers keep the precision they are given in (round them as shown first) and are written
    with a decimal comma; every text cell is neutralised against formula injection
    (:func:`neutralise_formula`). The byte-order mark that makes Excel read UTF-8 is added by
    the page that offers the file.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([neutralise_formula(str(name).replace(NBSP, " ")) for name in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([csv_value(v) for v in row])
    return buffer.getvalue()


def file_slug(text: str, fallback: str = "data", limit: int = 60) -> str:
    """A file name part from a caption: ``Øget tryghed – status for 2017`` -> ``oeget-tryghed-status-for-2017``."""
    text = str(text).lower()
    for danish, ascii_ in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        text = text.replace(danish, ascii_)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:limit].rstrip("-") or fallback


def csv_bundle(frame: pd.DataFrame | None, name: str) -> tuple[dict, dict]:
    """The ``text/csv`` part of a display object's MIME bundle (the HTML pages offer it for download)."""
    if frame is None:
        return {}, {}
    return {"text/csv": download_csv(frame)}, {"text/csv": {"filename": f"{file_slug(name)}.csv"}}


# ------------------------------------------------------------------------ columns

class Cell(NamedTuple):
    """One table cell: plain text, and for status cells the label (symbol, colour) and a CSS class.

    ``nobreak``: the cell's text is one unit on the page (a date); a status cell always is.
    """

    text: str
    mark: Label | None = None
    css: str = ""
    nobreak: bool = False

    @property
    def shown(self) -> str:
        """The cell as plain text: ``✓ Nået`` for a status cell."""
        return self.mark.text if self.mark else self.text


KINDS = ("text", "number", "percent", "pp", "year", "date", "label", "status")
_NUMERIC_KINDS = ("number", "percent", "pp", "year")


@dataclass(frozen=True)
class ColumnSpec:
    """How one DataFrame column is shown.

    ``kind``: ``text`` (escaped as is), ``number``/``percent``/``pp`` (Danish,
    ``decimals``), ``year``, ``date``, ``label`` (the vocabulary's word) or
    ``status`` (symbol + word + colour; ``vocabulary`` defaults to ``status``).
    Text in a ``number``/``percent``/``pp`` column (a disclosure marker from
    :func:`sikkerby.model.disclosure.suppress_small_counts`, e.g. ``<5``) is shown as is.
    ``formatter(value, row) -> str`` overrides the kind's formatting (its result
    is plain text and is escaped like data). ``align`` defaults to right for numbers.
    """

    name: str
    header: str | None = None
    kind: str = "text"
    decimals: int = 0
    vocabulary: str | None = None
    formatter: Callable[[Any, Mapping[str, Any]], str] | None = None
    align: str | None = None  # "left" | "right"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; expected one of {', '.join(KINDS)}")
        if self.kind == "label" and self.vocabulary is None:
            raise ValueError(f"column {self.name!r}: kind 'label' needs a vocabulary")

    @property
    def title(self) -> str:
        return self.name if self.header is None else self.header

    @property
    def right(self) -> bool:
        return (self.align or ("right" if self.kind in _NUMERIC_KINDS else "left")) == "right"

    def cell(self, value: Any, row: Mapping[str, Any]) -> Cell:
        """The cell showing ``value`` (``row`` is the whole row, for ``formatter``)."""
        if self.formatter is not None:
            return Cell(str(self.formatter(value, row)))
        if is_missing(value):
            return Cell(MISSING)
        if self.kind in ("number", "percent", "pp") and isinstance(value, str):
            return Cell(value)  # a disclosure marker ("<5", "–") in a count or share column: shown as is
        if self.kind == "status":
            vocabulary = self.vocabulary or "status"
            lab = label(vocabulary, value)
            return Cell(lab.word, lab, f"sb-{_css_token(vocabulary)}-{_css_token(value)}")
        if self.kind == "date":
            return Cell(fmt_date(value), nobreak=True)
        formats = {
            "text": lambda v: str(v),
            "number": lambda v: fmt_number(v, self.decimals),
            "percent": lambda v: fmt_pct(v, self.decimals),
            "pp": lambda v: fmt_pp(v, self.decimals),
            "year": fmt_year,
            "date": fmt_date,
            "label": lambda v: label(self.vocabulary, v).word,
        }
        return Cell(formats[self.kind](value))

    @property
    def download_header(self) -> str:
        """The column's header in the downloadable CSV: the table's, with the unit of a share."""
        suffix = {"percent": " (%)", "pp": " (procentpoint)"}.get(self.kind, "") if self.formatter is None else ""
        return self.title + suffix

    def download_value(self, value: Any, row: Mapping[str, Any]) -> Any:
        """The value in the downloadable CSV: the number as shown (rounded, no unit, no grouping),
        a date as ``YYYY-MM-DD``, a status or label as its word, other cells as the text shown."""
        if self.formatter is not None:
            return str(self.formatter(value, row))
        if is_missing(value):
            return None
        if self.kind in ("number", "percent", "pp"):
            if isinstance(value, str):
                return value  # a disclosure marker
            # the number the table shows (rounded as fmt_number rounds), without grouping or unit
            number = float(fmt_number(value, self.decimals).replace(".", "").replace(",", ".").replace("\u2212", "-"))
            return int(number) if self.decimals == 0 else number
        if self.kind == "year":
            return int(value)
        if self.kind == "date":
            return pd.Timestamp(value).date().isoformat()
        if self.kind in ("status", "label"):
            return label(self.vocabulary or "status", value).word
        return str(value)


# ------------------------------------------------------------------ display objects

def _mark_html(lab: Label) -> str:
    """A status symbol on its colour (decorative: the word next to it says the same)."""
    if not lab.symbol:
        return ""
    return (f'<span class="sb-mark" aria-hidden="true" style="background-color:{lab.colour};'
            f'color:{lab.ink}">{escape_html(lab.symbol)}</span> ')


def _mark_markdown(lab: Label, css: str) -> str:
    """A status symbol as a pandoc span with its colours (empty without a symbol).

    ``[✓]{.sb-mark .sb-status-naaet fill="#009E73" ink="#000000"}``: the PDF's pandoc
    filter draws the symbol on ``fill``; other readers show the plain symbol.
    """
    if not lab.symbol:
        return ""
    # a non-breaking space keeps the symbol on the line of its word
    return f'[{escape_markdown(lab.symbol)}]{{.sb-mark .{css} fill="{lab.colour}" ink="{lab.ink}"}}\u00a0'


def _status_markdown(lab: Label, css: str) -> str:
    """Symbol and word: ``[✗]{.sb-mark …} Ikke nået``. The PDF's filter
    boxes a mark together with the words after it, so ``Ikke nået`` never wraps; without a
    symbol the word alone is a ``sb-nobreak`` span, boxed the same way."""
    word = escape_markdown(lab.word)
    if not lab.symbol:
        return f"[{word}]{{.sb-nobreak}}" if word else " "
    return f"{_mark_markdown(lab, css)}{word}"


TEXT_COLUMN_WIDTH = 34  # characters: a longer text column wraps in the PDF


def numbers_of(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with columns of numbers and suppression markers (``<5``, ``–``) turned into numbers,
    the suppressed cells missing; other columns as they are."""
    out = df.reset_index(drop=True).copy()
    for name in out.columns:
        column = out[name]
        if column.dtype != object:
            continue
        numeric = pd.to_numeric(column, errors="coerce")
        lost = column[numeric.isna() & column.notna()]
        if numeric.notna().any() and all(isinstance(v, str) and (v.startswith("<") or v == "–") for v in lost):
            out[name] = numeric
    return out


class Table:
    """A DataFrame as a captioned table, formatted per column (see :class:`ColumnSpec`).

    ``columns``: specs or plain column names (shown as text, header = name);
    default: every column as text. ``note`` is a line under the table. ``empty``
    is the one row shown when ``df`` has no rows (e.g. ``Ingen lukninger i 2017``).

    Besides HTML and Markdown, the table's MIME bundle holds its data as ``text/csv``
    (:meth:`download_frame`), which the HTML pages offer for download. ``data`` is the DataFrame
    the table was made from, numbers as numbers (``table.data["vaerdi"].mean()``).
    """

    def __init__(self, df: pd.DataFrame, columns: Sequence[ColumnSpec | str] | None = None,
                 caption: str = "", note: str = "", empty: str = "Ingen data"):
        specs = [c if isinstance(c, ColumnSpec) else ColumnSpec(str(c))
                 for c in (list(df.columns) if columns is None else columns)]
        missing = [s.name for s in specs if s.name not in df.columns]
        if missing:
            raise KeyError(f"columns not in the table: {', '.join(missing)}")
        self.columns = specs
        self.caption = caption
        self.note = note
        self.empty = empty
        # the numbers behind the table, with their own dtypes, for an analyst to explore (a cell that
        # disclosure control suppressed is missing there)
        self.data = numbers_of(df)
        rows = [row for _, row in df.iterrows()]  # once: each row is a new Series
        self.rows = [[spec.cell(row[spec.name], row) for spec in specs] for row in rows]
        self._download = [[spec.download_value(row[spec.name], row) for spec in specs] for row in rows]

    def to_frame(self) -> pd.DataFrame:
        """The table as shown, as plain strings (status cells as ``✓ Nået``)."""
        return pd.DataFrame([[cell.shown for cell in row] for row in self.rows],
                            columns=[spec.title for spec in self.columns], dtype=object)

    def download_frame(self) -> pd.DataFrame:
        """The table's data for download: the table's headers (a share's with its unit, ``Andel (%)``),
        numbers as shown but as numbers, dates as ``YYYY-MM-DD``, statuses as words."""
        return pd.DataFrame(self._download, columns=[spec.download_header for spec in self.columns], dtype=object)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return csv_bundle(self.download_frame(), self.caption or "tabel")

    def _repr_html_(self) -> str:
        def cls(spec: ColumnSpec, extra: str = "") -> str:
            names = " ".join(n for n in (("sb-num" if spec.right else ""), extra) if n)
            return f' class="{names}"' if names else ""

        head = "".join(f'<th scope="col"{cls(s)}>{escape_html(s.title)}</th>' for s in self.columns)
        body = []
        for row in self.rows:
            cells = []
            for spec, cell in zip(self.columns, row):
                text = escape_html(keep_dates_together(cell.text))
                if cell.mark is None:
                    cells.append(f"<td{cls(spec, 'sb-nobreak' if cell.nobreak else '')}>{text}</td>")
                    continue
                cells.append(f"<td{cls(spec, 'sb-status ' + cell.css)}>{_mark_html(cell.mark)}{text}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        if not body:
            body.append(f'<tr><td colspan="{len(self.columns)}">{escape_html(self.empty)}</td></tr>')
        caption = f"<caption>{escape_html(self.caption)}</caption>" if self.caption else ""
        note = f'<p class="sb-table-note">{escape_html(keep_dates_together(self.note))}</p>' if self.note else ""
        # a wide table scrolls inside its own box (reachable by keyboard), never the page
        region = escape_html(self.caption or "Tabel")
        return (f'<div class="sb-table-block"><div class="sb-table-scroll" role="region" tabindex="0" '
                f'aria-label="{region}"><table class="sb-table">{caption}<thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(body)}</tbody></table></div>{note}</div>')

    def _repr_markdown_(self) -> str:
        def markdown(cell: Cell) -> str:
            if cell.mark is None:
                text = escape_markdown(keep_dates_together(cell.text))
                if cell.nobreak and text:
                    return f"[{escape_markdown(_nobreak(cell.text))}]{{.sb-nobreak}}"
                return text or " "
            return _status_markdown(cell.mark, cell.css)

        header = [escape_markdown(s.title) or " " for s in self.columns]
        body = [[markdown(cell) for cell in row] for row in self.rows]
        # pandoc sizes wrapped columns by the dashes under the header (the PDF's relative widths): a
        # column gets its longest cell, a long text column at most TEXT_COLUMN_WIDTH (it wraps), and
        # never less than its header's longest word, so headers neither wrap mid-word nor run together
        shown = [[s.title for s in self.columns], *([cell.shown for cell in row] for row in self.rows)]
        longest_word = [max((len(w) for w in str(s.title).split()), default=0) for s in self.columns]
        widths = [max(min(max(len(str(c)) for c in column), TEXT_COLUMN_WIDTH), 6, word + 2) + 2  # +2: padding
                  for column, word in zip(zip(*shown), longest_word)]
        lines = ["| " + " | ".join(header) + " |",
                 "|" + "|".join(("-" * w + ":") if s.right else (":" + "-" * w)
                                for s, w in zip(self.columns, widths)) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        if not self.rows:
            lines.append(f"| {escape_markdown(self.empty)} |" + " |" * (len(self.columns) - 1))
        text = "\n".join(lines) + "\n"
        if self.caption:
            text += f"\n: {escape_markdown(self.caption)}\n"
        if self.note:  # the PDF keeps a note with its table
            text += f"\n::: sb-table-note\n{escape_markdown(keep_dates_together(self.note))}\n:::\n"
        return text

    def __repr__(self) -> str:
        frame = self.to_frame()
        table = frame.to_string(index=False) if len(frame) else self.empty
        return "\n".join(part for part in (self.caption, table, self.note) if part)


def cut_note(shown: int, total: int, noun: tuple[str, str], held_in: str | None = None) -> str:
    """The sentence under a table that shows its first ``shown`` of ``total`` rows; ``""`` when nothing is cut.

    ``noun``: what a row is, singular and plural. ``held_in``: where every row's content
    can be read in full (the sentence sends the reader there); without it the sentence
    says how many rows are left out.

    ``Tabellen viser de første 50 af 900 institutioner. Listen er afkortet: de øvrige 850
    er ikke med i publikationen.``
    """
    shown, total = int(shown), int(total)
    if shown >= total:
        return ""
    first = "den første" if shown == 1 else f"de første {fmt_number(shown)}"
    text = f"Tabellen viser {first} af {fmt_count(total, *noun)}."
    if held_in:
        every = "Begge" if total == 2 else f"Alle {fmt_number(total)}"
        return f"{text} {every} står i {held_in}."
    left = total - shown
    rest = "den sidste" if left == 1 else f"de øvrige {fmt_number(left)}"
    return f"{text} Listen er afkortet: {rest} er ikke med i publikationen."


def cut_table(rows: pd.DataFrame, columns: Sequence[ColumnSpec | str] | None, caption: str, max_rows: int | None, *,
              noun: tuple[str, str], held_in: str | None = None, note: str = "", empty: str = "Ingen data") -> Table:
    """A :class:`Table` of the first ``max_rows`` of ``rows`` in their order (all of them when
    ``max_rows`` is None or not exceeded); :func:`cut_note` comes first in its note when rows are left out."""
    total = len(rows)
    shown = rows if max_rows is None or total <= max_rows else rows.iloc[:max_rows]
    note = " ".join(part for part in (cut_note(len(shown), total, noun, held_in), note) if part)
    return Table(shown, columns, caption=caption, note=note, empty=empty)


class Paragraph:
    """A paragraph of plain text (a generated sentence): all of it escaped, no markup.

    ``lead``, when given, is shown in bold before the text: ``**Hvad måles:** …``.
    """

    def __init__(self, text: str, lead: str = ""):
        self.text = str(text)
        self.lead = str(lead)

    def _repr_html_(self) -> str:
        lead = f"<strong>{escape_html(self.lead)}:</strong> " if self.lead else ""
        return f'<p class="sb-text">{lead}{escape_html(keep_dates_together(self.text))}</p>'

    def _repr_markdown_(self) -> str:
        lead = f"**{escape_markdown(self.lead)}:** " if self.lead else ""
        return lead + escape_markdown(keep_dates_together(self.text)) + "\n"

    def __repr__(self) -> str:
        return f"{self.lead}: {self.text}" if self.lead else self.text


class Heading:
    """A heading whose text comes from data (e.g. a målepunkt's title): ``## …`` / ``<h2>``.

    The text is escaped on both routes; the HTML heading gets an ``id`` made from it.
    """

    def __init__(self, text: str, level: int = 2):
        if not 1 <= int(level) <= 6:
            raise ValueError("a heading level is 1 to 6")
        self.text = " ".join(str(text).split())
        self.level = int(level)

    @property
    def anchor(self) -> str:
        """``færre-utrygge-københavnere``: lower case, runs of non-word characters as ``-``."""
        return re.sub(r"\W+", "-", self.text.lower()).strip("-") or "afsnit"

    def _repr_html_(self) -> str:
        return f'<h{self.level} id="{escape_html(self.anchor)}">{escape_html(self.text)}</h{self.level}>'

    def _repr_markdown_(self) -> str:
        return f"{'#' * self.level} {escape_markdown(self.text)}\n"

    def __repr__(self) -> str:
        return self.text


class StatusLine:
    """A vocabulary value after a bold lead, as symbol, word and colour: **Status 2017:** ✓ Nået.

    The colour (HTML) only adds to the symbol and the word, so the status is
    readable in greyscale and without colour vision.
    """

    def __init__(self, lead: str, value: str, vocabulary: str = "status"):
        self.lead = str(lead)
        self.label = label(vocabulary, value)
        self.css = f"sb-{_css_token(vocabulary)}-{_css_token(value)}"

    def _repr_html_(self) -> str:
        return (f'<p class="sb-text sb-status-line"><strong>{escape_html(self.lead)}:</strong> '
                f'<span class="sb-status {self.css}">{_mark_html(self.label)}'
                f"{escape_html(self.label.word)}</span></p>")

    def _repr_markdown_(self) -> str:
        return f"**{escape_markdown(self.lead)}:** {_status_markdown(self.label, self.css)}\n"

    def __repr__(self) -> str:
        return f"{self.lead}: {self.label.text}"


class Caption:
    """A figure caption, shown right below the figure: ``Figur: …``.

    The HTML pages number it (``Figur 2.1:``) and, when ``data`` is given (the chart's
    numbers, Danish headers), offer that as CSV; the PDF makes the chart and its caption one
    numbered figure (Markdown: a ``sb-figcaption`` div that the PDF's filter pairs with the image).
    """

    def __init__(self, text: str, prefix: str = "Figur", data: pd.DataFrame | None = None):
        self.text, self.prefix, self.data = str(text), prefix, data

    def _repr_mimebundle_(self, include=None, exclude=None):
        return csv_bundle(self.data, self.text or "figur")

    def _repr_html_(self) -> str:
        return (f'<p class="sb-figcaption"><strong>{escape_html(self.prefix)}:</strong> '
                f"{escape_html(keep_dates_together(self.text))}</p>")

    def _repr_markdown_(self) -> str:
        return f"::: sb-figcaption\n{escape_markdown(keep_dates_together(self.text))}\n:::\n"

    def __repr__(self) -> str:
        return f"{self.prefix}: {self.text}"


class Callout:
    """A highlighted note: a bold title and a text (HTML box; Markdown block quote)."""

    def __init__(self, title: str, text: str, kind: str = "warning"):
        self.title, self.text, self.kind = str(title), str(text), kind

    def _repr_html_(self) -> str:
        return (f'<div class="sb-callout sb-callout-{_css_token(self.kind)}" role="note">'
                f"<p><strong>{escape_html(self.title)}:</strong> {escape_html(keep_dates_together(self.text))}</p></div>")

    def _repr_markdown_(self) -> str:
        return f"> **{escape_markdown(self.title)}:** {escape_markdown(keep_dates_together(self.text))}\n"

    def __repr__(self) -> str:
        return f"{self.title}: {self.text}"


SYNTHETIC_DATA_TEXT = (
    "tallene er syntetiske og beskriver ikke virkelige forhold i København. De viser, hvordan "
    "publikationen ser ud, og kan ikke bruges som status for Sikker By-programmet."
)


def synthetic_data_banner() -> Callout:
    """The callout every page built from the bundled sample data shows."""
    return Callout("Eksempeldata", SYNTHETIC_DATA_TEXT)


class BulletList:
    """Generated sentences as a bulleted list (``<ul>`` / pandoc ``-`` items), every item escaped."""

    def __init__(self, items: Sequence[str]):
        self.items = [str(item).strip() for item in items]  # Markdown: escape_markdown joins lines

    def _repr_html_(self) -> str:
        if not self.items:
            return ""
        return ('<ul class="sb-list">' + "".join(f"<li>{escape_html(keep_dates_together(i))}</li>" for i in self.items)
                + "</ul>")

    def _repr_markdown_(self) -> str:
        return "".join(f"- {escape_markdown(keep_dates_together(i))}\n" for i in self.items)

    def __repr__(self) -> str:
        return "\n".join(f"- {i}" for i in self.items)


# --------------------------------------------------------------- ready-made tables

def maalstatus_table(maalstatus: pd.DataFrame, programme: Programme, caption: str = "",
                     show_year: bool = True) -> Table:
    """The ``maalstatus`` table (DATA.md §4) for readers: values in each målepunkt's unit and decimals.

    Columns: målepunkt, year (unless ``show_year`` is False, e.g. when the caption
    names it), value (with the confidence interval when the row has one), baseline,
    target, path value when any row has one, and status.
    """
    def m(row: Mapping[str, Any]):
        return programme.indikator(row["indikator_id"])

    def value(v: Any, row: Mapping[str, Any]) -> str:
        text = fmt_value(v, m(row).unit, m(row).decimals)
        if not is_missing(row.get("ci_nedre")) and not is_missing(row.get("ci_oevre")):
            text += (f" ({fmt_number(row['ci_nedre'], m(row).decimals)}–"
                     f"{fmt_value(row['ci_oevre'], m(row).unit, m(row).decimals)})")
        return text

    def baseline(v: Any, row: Mapping[str, Any]) -> str:
        if is_missing(v):
            return MISSING
        return f"{fmt_baseline(m(row), v)} ({fmt_year(row['basisaar'])})"

    columns = [
        ColumnSpec("indikator_id", "Målepunkt", formatter=lambda v, row: m(row).title),
        *([ColumnSpec("aar", "År", kind="year")] if show_year else []),
        ColumnSpec("vaerdi", "Værdi", formatter=value, align="right"),
        ColumnSpec("basisvaerdi", "Basisværdi (år)", formatter=baseline, align="right"),
        ColumnSpec("maalvaerdi", "Mål", formatter=lambda v, row: fmt_target(m(row), row)),
    ]
    if "sti_vaerdi" in maalstatus.columns and maalstatus["sti_vaerdi"].notna().any():
        columns.append(ColumnSpec("sti_vaerdi", "Målsti i året", align="right",
                                  formatter=lambda v, row: fmt_threshold(v, m(row).unit, m(row).decimals)))
    columns.append(ColumnSpec("status", "Status", kind="status"))
    note = ""
    if maalstatus[["ci_nedre", "ci_oevre"]].notna().all(axis=1).any():
        note = f"Parentesen efter værdien er et 95{NBSP}%-konfidensinterval."
    return Table(maalstatus, columns, caption=caption, note=note)


def aktivitetsscorer_table(scores: pd.DataFrame, caption: str = "") -> Table:
    """The ``aktivitetsscorer`` table (DATA.md §4) for readers; scores with one decimal."""
    columns = [
        ColumnSpec("aktivitet_id", "Id"),
        ColumnSpec("navn", "Aktivitet"),
        ColumnSpec("forvaltning", "Forvaltning"),
        ColumnSpec("indsatsomraade", "Indsatsområde", kind="label", vocabulary="indsatsomraade"),
        ColumnSpec("model_status", "Status i modellen", kind="status", vocabulary="model_status"),
        ColumnSpec("resultatscore", "Resultatscore", kind="number", decimals=1),
        ColumnSpec("evidensscore", "Evidensscore", kind="number", decimals=1),
        ColumnSpec("samlet_score", "Samlet score", kind="number", decimals=1),
        ColumnSpec("kategori", "Kategori", kind="status", vocabulary="kategori"),
        ColumnSpec("udviklingspotentiale", "Udviklingspotentiale", kind="label", vocabulary="udviklingspotentiale"),
    ]
    return Table(scores, [c for c in columns if c.name in scores.columns], caption=caption)


def maalstatus_by_goal_area(maalstatus: pd.DataFrame, programme: Programme) -> list[Table]:
    """:func:`maalstatus_table` once per goal area, in the programme's order, without the year
    column and captioned ``<goal area title> – status for <year>`` (no colon: the PDF writes
    ``Tabel 1:`` before a caption).

    Goal areas without rows are skipped; rows of a goal area the programme does not
    name come last, captioned with the area's id.
    """
    areas = list(programme.goal_areas)
    areas += [a for a in dict.fromkeys(maalstatus["maalomraade"]) if a not in areas]
    years = sorted({int(y) for y in maalstatus["aar"]})
    when = f" – status for {fmt_list(str(y) for y in years)}" if years else ""
    tables = []
    for area in areas:
        rows = maalstatus[maalstatus["maalomraade"] == area]
        if rows.empty:
            continue
        title = programme.goal_areas.get(area, {}).get("title", area)
        tables.append(maalstatus_table(rows, programme, caption=f"{title}{when}", show_year=False))
    return tables


def model_overview_table(overview: pd.DataFrame, caption: str = "") -> Table:
    """:func:`sikkerby.model.evidence.model_overview` for readers: activities per model status, and the
    ``I modellen`` row split by kategori (``–`` where a kategori cannot apply)."""
    columns = [
        ColumnSpec("model_status", "Status i modellen", kind="status", vocabulary="model_status"),
        ColumnSpec("antal_aktiviteter", "Aktiviteter", kind="number"),
    ]
    for name in overview.columns:
        if name.startswith("antal_") and name not in ("antal_aktiviteter", "antal_uden_score"):
            kategori = name.removeprefix("antal_")
            columns.append(ColumnSpec(name, f"Heraf {word('kategori', kategori).lower()}", kind="number"))
    if "antal_uden_score" in overview.columns:
        columns.append(ColumnSpec("antal_uden_score", "Heraf uden samlet score", kind="number"))
    total = int(overview["antal_aktiviteter"].sum())
    note = (f"I alt {fmt_count(total, 'aktivitet', 'aktiviteter')}. Kun aktiviteter med status "
            f"»{word('model_status', 'i_model')}« får en samlet score og dermed en kategori; "
            f"{MISSING} betyder, at det ikke er relevant.")
    return Table(overview, columns, caption=caption, note=note)


def data_sources_table(sources: pd.DataFrame, caption: str = "") -> Table:
    """:func:`sikkerby.report.front_page.data_sources` for readers: input, file, rows, years covered."""
    columns = [
        ColumnSpec("titel", "Inddata"),
        ColumnSpec("fil", "Fil"),
        ColumnSpec("raekker", "Rækker", kind="number"),
        ColumnSpec("foerste_aar", "Fra år", kind="year", align="right"),
        ColumnSpec("sidste_aar", "Til år", kind="year", align="right"),
    ]
    return Table(sources, columns, caption=caption)


# ------------------------------------------------------------------------ showing

def _display(*objects: Any, **kwargs: Any) -> None:
    from IPython.display import display

    display(*objects, **kwargs)


def chart_bundle(fig: Figure, alt: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """(data, metadata) of a PNG ``display_data`` output; the alt text rides in the metadata."""
    encoded = base64.b64encode(figure_png(fig)).decode("ascii")
    return {"image/png": encoded, "text/plain": alt}, {"image/png": {"alt": alt}}


def show_chart(fig: Figure | Chart, caption: str, alt: str | None = None) -> None:
    """Display a figure as PNG (alt text in the output metadata), then ``Figur: caption`` below it.

    ``fig`` may be a :class:`~sikkerby.report.plotting.Chart`, whose ``alt_text`` is used
    unless ``alt`` is given, and whose ``data`` the caption offers for download. A pyplot-managed figure is closed afterwards, so
    the inline backend does not show it a second time.
    """
    chart_data = None
    if isinstance(fig, Chart):
        alt = fig.alt_text if alt is None else alt
        chart_data = fig.data
        fig = fig.figure
    if not alt:
        raise ValueError("a chart needs an alt text")
    data, metadata = chart_bundle(fig, alt)
    _display(data, raw=True, metadata=metadata)
    _display(Caption(caption, data=chart_data))
    if getattr(fig.canvas, "manager", None) is not None:
        import matplotlib.pyplot as plt

        plt.close(fig)


def show(*objects: Any) -> None:
    """Display ready-made display objects (:class:`Table`, :class:`Heading`, :class:`Callout` …) as they are."""
    _display(*objects)


def show_markdown(text: str, lead: str = "") -> None:
    """Display a generated sentence (plain text; everything escaped) as a paragraph, optionally with a bold lead."""
    _display(Paragraph(text, lead=lead))


def show_table(df: pd.DataFrame, columns: Sequence[ColumnSpec | str] | None = None,
               caption: str = "", note: str = "", empty: str = "Ingen data") -> None:
    """Display ``Table(df, columns, caption, note, empty)``."""
    _display(Table(df, columns, caption=caption, note=note, empty=empty))


def show_synthetic_data_banner(data_dir: Any) -> bool:
    """Display :func:`synthetic_data_banner` when ``data_dir`` is the bundled sample; True if shown."""
    if not is_sample_data(data_dir):
        return False
    _display(synthetic_data_banner())
    return True


def show_bullets(items: Sequence[str]) -> None:
    """Display generated sentences as a bulleted list (see :class:`BulletList`); nothing when there are none."""
    items = list(items)
    if items:
        _display(BulletList(items))


def show_maalstatus_by_goal_area(maalstatus: pd.DataFrame, programme: Programme) -> None:
    """Display :func:`maalstatus_by_goal_area`: one status table per goal area."""
    for table in maalstatus_by_goal_area(maalstatus, programme):
        _display(table)
