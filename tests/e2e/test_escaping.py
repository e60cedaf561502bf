"""Data text is text everywhere: every published text field reaches the HTML pages and the PDF literally.

A copy of the sample data has every free-text field (activity names, forvaltninger,
institutions, causes, area names, criterion descriptions) replaced by strings that are
markup in Typst or Markdown — at the start, in the middle and at the end of the value —
and a whole ``sikkerby run`` is made from it. Each value carries a unique token (``Q017``);
every token the HTML shows must come with its whole value, literally, in the HTML text and
in the text pypdf extracts from the PDF.

The fast tests feed the same strings through the PDF route's own pieces (display → pandoc
with the project's filter → typst) without a run.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from run_helpers import run_sikkerby

# Markup of Typst (headings, lists, terms, enums, code, math, labels, references, shorthands,
# comments, smart quotes, escapes) and of Markdown (emphasis, code, links, HTML, tables, lists,
# block quotes, attributes), and a spreadsheet formula.
MARKUP = [
    "= Natteravne", "- X", "+ Gadeplan 11", "/ Mentor: ung", "1. Gadeplan", "#set page(width: 1cm)",
    "*fed* _kursiv_", "`kode`", "$x^2$", "<script>alert(1)</script>", "<b>&amp;</b>", "@ref <lbl>",
    "[link](x)", "\\ skraa \\", "~ tilde ~", "a -- b --- c", "vent...", "'enkelt' \"dobbelt\"",
    "// kommentar", "/* blok */", "| pipe |", "{.klasse}", "^sup^", "http://x.dk", ": term", "> citat",
    "=SUM(A1)", "@ & < > ;", "10 % & 5 $", "- [ ] opgave", "** ##", "%{x}",
]
TOKEN = re.compile(r"Q\d{3}")
# input file -> its free-text columns that the publication may show
TEXT_FIELDS = {
    "aktiviteter": ["navn", "forvaltning"],
    "lukninger": ["institution", "forvaltning", "aarsag"],
    "tryghedsindeks": ["omraade"],
    "succeskriterier": ["beskrivelse"],
}


def hostile(number: int) -> str:
    """The ``number``-th hostile value: markup at the start, in the middle or at the end, with a token."""
    markup, token = MARKUP[number % len(MARKUP)], f"Q{number:03d}"
    return (f"{markup} {token}", f"{token} {markup} ok", f"{token} {markup}")[number // len(MARKUP) % 3]


def hostile_data(source: Path, target: Path) -> dict[str, dict[str, str]]:
    """Copy the data folder ``source`` to ``target`` with every text field made hostile.

    Equal values stay equal (a name that recurs, e.g. an institution in several closures, gets
    one hostile value). Returns ``{file: {original: hostile}}``.
    """
    shutil.copytree(source, target)
    counter = iter(range(1000))
    mapping: dict[str, dict[str, str]] = {}
    for name, columns in TEXT_FIELDS.items():
        path = target / f"{name}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in columns:
            values = {v: hostile(next(counter)) for v in dict.fromkeys(frame[column]) if v}
            frame[column] = frame[column].map(lambda v, values=values: values.get(v, v))
            mapping[f"{name}.{column}"] = values
        frame.to_csv(path, index=False)
    return mapping


class _Text(HTMLParser):
    """The text a reader sees (entities decoded; style contents left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def normalise(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def html_text(folder: Path) -> str:
    parser = _Text()
    for page in sorted(folder.glob("*.html")):
        parser.feed(page.read_text(encoding="utf-8"))
        parser.parts.append(" ")
    return normalise("".join(parser.parts))


def pdf_texts(pdf: Path) -> tuple[str, str]:
    """The PDF's text, and the same with lines joined again where a narrow column wrapped them: after a
    hyphen inside a word, or after a slash (a line-break opportunity, as in ``</`` + ``script>``)."""
    from pypdf import PdfReader

    raw = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    joined = re.sub(r"(?<=[a-zæøå])-\n(?=[a-zæøå])", "", raw)
    return normalise(raw), normalise(re.sub(r"(?<=/)\n(?=\S)", "", joined))


def values_with_tokens(mapping: dict[str, dict[str, str]]) -> dict[str, str]:
    return {TOKEN.search(v).group(): v for values in mapping.values() for v in values.values()}


# ------------------------------------------------------------------------------- fast

def _typst_of(markdown: str) -> str:
    """Markdown (a display object's) through pandoc with the PDF's filter, as the publication's Typst body."""
    import pypandoc

    from sikkerby.publish.render.pdf import FILTER

    return pypandoc.convert_text(markdown, "typst", format="markdown", extra_args=[f"--lua-filter={FILTER}"])


def _compile_text(body: str, tmp_path: Path) -> str:
    import typst
    from pypdf import PdfReader

    source = tmp_path / "t.typ"
    source.write_text('#set document(title: [t])\n#set text(lang: "da")\n#set page(width: 30cm)\n' + body,
                      encoding="utf-8")
    typst.compile(str(source), output=str(tmp_path / "t.pdf"), root=str(tmp_path), ignore_system_fonts=True,
                  pdf_standards="ua-1")
    return normalise(" ".join(p.extract_text() for p in PdfReader(tmp_path / "t.pdf").pages))


def test_markup_in_table_cells_paragraphs_and_captions_is_text_in_the_pdf(tmp_path):
    from sikkerby.report.display import ColumnSpec, Paragraph, Table

    values = [hostile(n) for n in range(3 * len(MARKUP))]
    table = Table(pd.DataFrame({"navn": values, "status": ["ikke_naaet"] * len(values)}),
                  [ColumnSpec("navn", "Navn"), ColumnSpec("status", "Status", kind="status")], caption=values[0])
    body = _typst_of(table._repr_markdown_()) + "\n\n" + "\n\n".join(
        _typst_of(Paragraph(v)._repr_markdown_()) for v in values)
    text = _compile_text(body, tmp_path)  # "= Natteravne" in a cell would stop typst here
    for value in values:
        assert text.count(normalise(value)) >= 2, value  # once in the table, once as a paragraph
    assert "Ikke nået" in text


def test_hostile_data_keeps_equal_values_equal(sample_data_dir, tmp_path):
    mapping = hostile_data(sample_data_dir, tmp_path / "data")
    institutions = pd.read_csv(tmp_path / "data" / "lukninger.csv", dtype=str)["institution"]
    originals = pd.read_csv(sample_data_dir / "lukninger.csv", dtype=str)["institution"]
    assert institutions.nunique() == originals.nunique()
    assert all(TOKEN.search(v) for values in mapping.values() for v in values.values())
    starts = {v.split()[0] for values in mapping.values() for v in values.values()}
    assert {"=", "-", "+", "/", "1."} <= starts  # Typst markup at the start of a value is covered


# ------------------------------------------------------------------------------- whole run

@pytest.mark.slow
def test_hostile_text_fields_reach_html_and_pdf_literally(sample_data_dir, tmp_path):
    mapping = hostile_data(sample_data_dir, tmp_path / "data")
    done = run_sikkerby("run", "--year", "2017", "--data", tmp_path / "data", "--out", tmp_path / "out", "--quiet")
    assert done.returncode == 0, done.stderr[-4000:]
    pub = tmp_path / "out" / "2017"
    html = html_text(pub)
    pdf, pdf_joined = pdf_texts(pub / "sikkerby-status-2017.pdf")
    by_token = values_with_tokens(mapping)

    shown = set(TOKEN.findall(html))
    assert shown, "no hostile value in the HTML"
    problems = []
    for token in sorted(shown):
        value = normalise(by_token[token])
        if value not in html:
            problems.append(f"HTML: {value!r}")
        if value not in pdf and value not in pdf_joined:
            around = pdf[max(0, pdf.find(token) - 40):pdf.find(token) + 60] if token in pdf else "(token missing)"
            problems.append(f"PDF: {value!r} ~ {around!r}")
    assert not problems, "\n".join(problems)
    assert set(TOKEN.findall(pdf)) == shown  # the PDF shows what the HTML shows, nothing else

    # every activity is published (the list of all activities), and so are some of the other fields
    for value in mapping["aktiviteter.navn"].values():
        assert TOKEN.search(value).group() in shown, value
    for field in ("aktiviteter.forvaltning", "lukninger.institution", "tryghedsindeks.omraade"):
        assert shown & {TOKEN.search(v).group() for v in mapping[field].values()}, field
