"""The PDF filter's shortcuts (sikkerby/templates/typst/notebook.lua) write exactly what its plain
path writes: a table cell's text read directly equals the text pandoc's walk collects (the column
widths depend on it), and a list of blocks left untouched equals the list rebuilt."""

from __future__ import annotations

import pandas as pd
import pypandoc
import pytest

from sikkerby.publish.render.pdf import FILTER
from sikkerby.report.display import ColumnSpec, Table

# the shortcut in the filter's source -> the plain path it stands for
PLAIN_PATHS = {
    "cells walked": ("if not (content and inline_text(parts, content)) then", "if true then"),
    "lists rebuilt": ("if not changes(list) then return nil end", ""),
}


def _grid_table(rows: list[tuple[str, str]], width: int = 48) -> str:
    """A grid table (its cells hold blocks: lists, paragraphs, quotes, code) of lines ``rows``."""
    rule = "+" + "-" * width + "+" + "-" * width + "+"
    lines = [rule]
    for number, (left, right) in enumerate(rows):
        if left == "-":
            lines.append(rule)
            continue
        lines.append(f"| {left:<{width - 2}} | {right:<{width - 2}} |")
        if number == 0:
            lines.append(rule.replace("-", "="))
    return "\n".join([*lines, rule])


GRID = _grid_table([
    ("Gitter med lange overskrifter der fylder", "Blokke med en endnu længere overskrift"),
    ("- punkt et med en del tekst", "Første afsnit med en del tekst i"),
    ("- punkt to med endnu mere tekst", ""),
    ("", "Andet afsnit med mere tekst"),
    ("-", "-"),
    ("> citat med mange ord i en blok", "```"),
    ("", "kode med mange tegn i en kodeblok"),
    ("", "```"),
])

LONG = "en lang tekst der gør tabellen bredere end siden, så kolonnernes bredder skal fordeles efter indholdet"

# tables wider than a line (so the filter writes column widths), with cells of every kind of inline
# and of blocks; status marks, dates, dashes and empty cells (a cell that is one unit)
MARKDOWN = f"""
| Slags | Indhold: {LONG} | Status og andet |
|---|---|---|
| Link | Se [siden om noget langt](http://x.dk) og <http://y.dk/en/meget/lang/adresse> | [✓]{{.sb-mark fill="#009E73" ink="#000000"}} Nået |
| Citat | "dobbelt citat med mange ord i sig" og 'enkelt citat med ord' | [14. sep. 2017]{{.sb-nobreak}} |
| Kode | `x = 1 + 2 + 3 + 4 + 5` og $a^2 + b^2 = c^2$ | ~~slettet~~ ^op^ ~ned~ [små]{{.smallcaps}} [u]{{.underline}} |
| Note | Tekst med fodnote[^n] | ![billede med en lang alt tekst](b.png) |
| Tom |  | – |
| Span | [indre [dybere]{{.x}} tekst]{{.y}} **fed *kursiv*** | [a]{{.sb-nobreak}} efter |
| Cite | @cite og [@ref, s. 3] og flere ord her | Superlangtordudenmellemrumsomikkekanbrydes |

: Tabel med alle slags celler

[^n]: Fodnotens tekst med flere ord.

| Kun links | Kun citater | Kun noter | Kun kode |
|---|---|---|---|
| [et link med tekst](http://x.dk) | "et citat med tekst" | Tekst[^n] | `kode med mellemrum og mere` |
| [Supercalifragilisticexpialidocious-link](http://x.dk) | "Antidisestablishmentarianism" | Pneumonoultramicroscopicsilicovolcanoconiosis[^n] | `Hippopotomonstrosesquippedaliophobia` |

{GRID}

![](diagram.png){{alt="Et diagram"}}

::: sb-figcaption
Billedtekst med [✗]{{.sb-mark fill="#D55E00" ink="#000000"}} mærke
:::

| Billede i en celle |
|---|
| ![alt](c.png) |
"""


def _display_table() -> str:
    values = ["= Natteravne", "- X", "+ Gadeplan 11", "/ Mentor: ung", "1. Gadeplan", "*fed* _kursiv_", "`kode`",
              "a -- b --- c", "'enkelt' \"dobbelt\"", "[link](x)", f"Q1 {LONG}"]
    frame = pd.DataFrame({"navn": values, "status": ["ikke_naaet", "naaet"] * 5 + ["naaet"],
                          "dato": [pd.Timestamp("2017-09-14")] * len(values)})
    return Table(frame, [ColumnSpec("navn", "Aktivitet"), ColumnSpec("status", "Status", kind="status"),
                         ColumnSpec("dato", "Dato", kind="date")], caption="En tabel", note="Note under tabellen.",
                 )._repr_markdown_()


def _typst(markdown: str, lua_filter) -> str:
    return pypandoc.convert_text(markdown, "typst", format="markdown", extra_args=[f"--lua-filter={lua_filter}"])


@pytest.fixture(scope="module")
def markdown() -> str:
    return MARKDOWN + "\n\n" + _display_table()


@pytest.fixture(scope="module")
def filtered(markdown) -> str:
    return _typst(markdown, FILTER)


def test_the_fixture_has_computed_column_widths_and_every_cell_kind(filtered):
    assert filtered.count("columns: (") >= 4  # widths from the cells' text, not just a column count
    for written in ("#link(", "#footnote[", "#emph[", "#strike[", "#cite(", "#box(fill:", "#box[14",
                    "image(", "#quote(", "```", "#figure(image("):
        assert written in filtered, written


@pytest.mark.parametrize("plain_path", sorted(PLAIN_PATHS))
def test_the_filters_shortcut_writes_what_its_plain_path_writes(plain_path, markdown, filtered, tmp_path):
    shortcut, plain = PLAIN_PATHS[plain_path]
    source = FILTER.read_text(encoding="utf-8")
    assert source.count(shortcut) == 1, "the filter changed: update PLAIN_PATHS"
    plain_filter = tmp_path / "notebook.lua"
    plain_filter.write_text(source.replace(shortcut, plain), encoding="utf-8")
    assert _typst(markdown, plain_filter) == filtered
