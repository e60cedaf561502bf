"""A corpus of bad data folders: every rule of DATA.md §1 and §5, for all seven inputs.

Each :class:`BadInput` writes a complete data folder that breaks exactly one
rule (built from :mod:`factories`: the small valid folder, changed in one place)
and says which message the run must print for it: the file, the spreadsheet
row, the column and a piece of the rule's Danish text. CPR-like numbers the case
hides in the data are listed in ``secrets``: they must never be printed.

    for case in CORPUS:
        case.build(tmp_path / case.id)       # the seven input files
        case.location                        # "- lukninger.csv, række 3, kolonne 'slutdato': "

The expected rows are computed by hand from the factories' rows
(:func:`factories.spreadsheet_row`: the header is row 1, ``rows[0]`` is row 2).

:data:`ACCEPTED` holds folders that break no rule of the contract but a plausibility
rule beyond it, or that older versions refused or misread: each must pass (exit 0)
with the warnings listed, and nothing else (DATA.md §1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from factories import (
    csv_text,
    spreadsheet_row,
    valid_tables,
    with_changes,
    with_column,
    with_rows,
    without_column,
    write_folder,
    write_table,
)

Tables = dict[str, list[dict]]
D = dt.date


@dataclass(frozen=True)
class BadInput:
    id: str
    build: Callable[[Path], None]  # writes the whole data folder into the given (new) folder
    file: str  # the file the message names
    row: int | None  # the spreadsheet row it names (None: the whole file)
    column: str | None  # the column it names (None: no particular column)
    rule: str  # a piece of the rule's text
    secrets: tuple[str, ...] = ()  # personal data in the folder, never to be printed

    @property
    def location(self) -> str:
        """How the problem's line in the message starts."""
        where = [self.file]
        if self.row is not None:
            where.append(f"række {self.row}")
        if self.column is not None:
            where.append(f"kolonne '{self.column}'")
        return f"- {', '.join(where)}: "

    def expected_line(self, output: str) -> str | None:
        """The line of ``output`` reporting this case's problem, if there is one."""
        for line in output.splitlines():
            if line.startswith(self.location) and self.rule in line:
                return line
        return None


# --------------------------------------------------------------------------- builders

def folder(tables: Tables, excel: tuple[str, ...] = (), **options) -> Callable[[Path], None]:
    """Write ``tables`` as CSV files; the inputs named in ``excel`` as .xlsx workbooks instead."""
    def build(path: Path) -> None:
        write_folder(path, {n: rows for n, rows in tables.items() if n not in excel}, **options)
        for name in excel:
            write_table(path / f"{name}.xlsx", tables[name])
    return build


def changed(name: str, index: int, excel: bool = False, **changes) -> Callable[[Path], None]:
    return folder(with_changes(valid_tables(), name, index, **changes), excel=(name,) if excel else ())


def replaced(name: str, content: bytes, suffix: str = ".csv") -> Callable[[Path], None]:
    """The valid folder with ``<name>`` replaced by a file holding exactly ``content``."""
    def build(path: Path) -> None:
        write_folder(path)
        (path / f"{name}.csv").unlink()
        (path / f"{name}{suffix}").write_bytes(content)
    return build


def removed(name: str) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        write_folder(path)
        (path / f"{name}.csv").unlink()
    return build


def header_below(name: str, title_rows: list[list]) -> Callable[[Path], None]:
    """``<name>.xlsx`` with ``title_rows`` (a title, a blank line ...) above the header row."""
    def build(path: Path) -> None:
        from openpyxl import Workbook

        tables = valid_tables()
        write_folder(path, {n: rows for n, rows in tables.items() if n != name})
        rows = tables[name]
        columns = list(rows[0])
        workbook = Workbook()
        sheet = workbook.active
        for title in title_rows:
            sheet.append(title)
        sheet.append(columns)
        for row in rows:
            sheet.append([row[c] for c in columns])
        workbook.save(path / f"{name}.xlsx")
    return build


def excel_header_only(name: str) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        tables = valid_tables()
        write_folder(path, {n: rows for n, rows in tables.items() if n != name})
        write_table(path / f"{name}.xlsx", [], columns=list(tables[name][0]))
    return build


def excel_named_csv(name: str) -> Callable[[Path], None]:
    """``<name>.csv`` that is really an Excel workbook."""
    def build(path: Path) -> None:
        folder(valid_tables(), excel=(name,))(path)
        (path / f"{name}.xlsx").rename(path / f"{name}.csv")
    return build


def csv_and_excel(name: str) -> Callable[[Path], None]:
    """Both ``<name>.csv`` and ``<name>.xlsx``: which one counts?"""
    def build(path: Path) -> None:
        write_folder(path)
        write_table(path / f"{name}.xlsx", valid_tables()[name])
    return build


def text_of(name: str, tables: Tables | None = None, **options) -> str:
    return csv_text((tables or valid_tables())[name], **options)


def with_line(name: str, line_number: int, line: str, sep: str = ",") -> bytes:
    """The CSV text of ``name`` with its line ``line_number`` (1 = header) replaced by ``line``."""
    lines = text_of(name, sep=sep).split("\r\n")
    lines[line_number - 1] = line
    return "\r\n".join(lines).encode("utf-8")


def _gang_log_without_programme_area() -> Tables:
    """bandelog with every 'Indre Nørrebro' row (the programme's area) moved to another area."""
    t = valid_tables()
    for row in t["bandelog"]:
        if row["omraade"] == "Indre Nørrebro":
            row["omraade"] = "Ydre Nørrebro"
    return t


def _survey_duplicate() -> Tables:
    t = valid_tables()
    return with_rows(t, "tryghedsundersoegelse", dict(t["tryghedsundersoegelse"][2], bydel="Valby"))


# --------------------------------------------------------------------------- the corpus

S, I, L, G, B, A, K = ("tryghedsundersoegelse", "tryghedsindeks", "lukninger", "sigtelser", "bandelog",
                       "aktiviteter", "succeskriterier")
r = spreadsheet_row

CPR_RULE = "cellen ser ud til at indeholde et CPR-nummer"
PERSONAL_COLUMN_RULE = "kolonnenavnet tyder på personoplysninger"
MISSING_COLUMN = "kolonnen mangler i overskriftsrækken"

CORPUS: tuple[BadInput, ...] = (
    # --- tryghedsundersoegelse (1.1)
    BadInput("survey-missing-vaegt", folder(without_column(valid_tables(), S, "vaegt")),
             f"{S}.csv", 1, "vaegt", MISSING_COLUMN),
    BadInput("survey-aar-not-int", changed(S, 0, aar="2013a"), f"{S}.csv", r(0), "aar", "skal være et helt tal"),
    BadInput("survey-vaegt-zero", changed(S, 3, vaegt=0), f"{S}.csv", r(3), "vaegt", "skal være større end 0"),
    BadInput("survey-vaegt-decimal-comma-in-comma-file", changed(S, 1, vaegt="0,5"), f"{S}.csv", r(1), "vaegt",
             "skal være et tal"),
    BadInput("survey-tryghed-6", changed(S, 2, tryghed_aften=6), f"{S}.csv", r(2), "tryghed_aften",
             "skal være mellem 1 og 5"),
    BadInput("survey-unknown-bydel", changed(S, 6, bydel="Christiania"), f"{S}.csv", r(6), "bydel",
             "skal være en af programmets bydele"),
    BadInput("survey-koen-unknown", changed(S, 0, koen="x"), f"{S}.csv", r(0), "koen", "skal være en af: k, m"),
    BadInput("survey-duplicate-respondent", folder(_survey_duplicate()), f"{S}.csv", r(10),
             "aar, respondent_id", "skal være entydig"),
    BadInput("survey-column-personnummer", folder(with_column(valid_tables(), S, "personnummer", [None] * 10)),
             f"{S}.csv", 1, "personnummer", PERSONAL_COLUMN_RULE),
    BadInput("survey-respondent-id-cpr", changed(S, 4, respondent_id="0707451234"), f"{S}.csv", r(4),
             "respondent_id", CPR_RULE, ("0707451234",)),
    BadInput("survey-empty-file", replaced(S, b""), f"{S}.csv", None, None, "filen er tom"),
    BadInput("survey-vaegt-overflows", changed(S, 2, vaegt="1e400"), f"{S}.csv", r(2), "vaegt",
             "tallet er for stort"),
    BadInput("survey-ragged-row", replaced(S, with_line(S, 4, "2013,R3,Nørrebro,1.25,5,k,22,ekstra")),
             f"{S}.csv", 4, None, "rækken har et andet antal felter end overskriftsrækken"),

    # --- tryghedsindeks (1.2)
    BadInput("index-missing-indsatsbehov", folder(without_column(valid_tables(), I, "indsatsbehov")),
             f"{I}.csv", 1, "indsatsbehov", MISSING_COLUMN),
    BadInput("index-unknown-indsatsbehov", changed(I, 1, indsatsbehov="høj"), f"{I}.csv", r(1), "indsatsbehov",
             "skal være en af: minimal, reduceret, ordinær, intensiveret, markant"),
    BadInput("index-duplicate-omraade", folder(with_rows(valid_tables(), I, valid_tables()[I][0])),
             f"{I}.csv", r(6), "aar, omraade", "skal være entydig"),
    BadInput("index-indeksvaerdi-text", changed(I, 0, indeksvaerdi="lav"), f"{I}.csv", r(0), "indeksvaerdi",
             "skal være et tal"),
    BadInput("index-unknown-bydel", changed(I, 2, bydel="Frederiksberg"), f"{I}.csv", r(2), "bydel",
             "skal være en af programmets bydele"),
    BadInput("index-omraade-cpr-dashed", changed(I, 3, omraade="Blok 4, beboer 120375-2211"), f"{I}.csv", r(3),
             "omraade", CPR_RULE, ("120375-2211", "1203752211")),
    BadInput("index-omraade-cpr-10-digits", changed(I, 5, omraade="Sydhavnen 2010881357"), f"{I}.csv", r(5),
             "omraade", CPR_RULE, ("2010881357", "201088-1357")),
    BadInput("index-column-cpr-nr", folder(with_column(valid_tables(), I, "CPR-nr", [None] * 6)),
             f"{I}.csv", 1, "CPR-nr", PERSONAL_COLUMN_RULE),
    BadInput("index-header-only", replaced(I, b"aar,omraade,bydel,indsatsbehov,indeksvaerdi\r\n"),
             f"{I}.csv", None, None, "filen har ingen datarækker"),
    BadInput("index-mixed-encodings", replaced(I, text_of(I).encode("utf-8").replace(
        "Tingbjerg,Brønshøj".encode(), "Tingbjerg,Brønshøj".encode("cp1252"), 1)),
        f"{I}.csv", 3, None, "blandede tegnsæt"),

    # --- lukninger (1.3)
    BadInput("closures-startdato-30-february", changed(L, 0, startdato="2017-02-30"), f"{L}.csv", r(0),
             "startdato", "skal være en gyldig dato"),
    BadInput("closures-slutdato-30-february-danish", changed(L, 3, slutdato="30.02.2016"), f"{L}.csv", r(3),
             "slutdato", "skal være en gyldig dato"),
    BadInput("closures-handleplan-not-a-date", changed(L, 0, handleplan_dato="i morgen"), f"{L}.csv", r(0),
             "handleplan_dato", "skal være en gyldig dato"),
    BadInput("closures-end-before-start", changed(L, 1, slutdato=D(2013, 12, 1)), f"{L}.csv", r(1), "slutdato",
             "slutdato skal være samme dag som startdato eller senere"),
    BadInput("closures-slutdato-year-9999", changed(L, 1, slutdato="9999-12-31"), f"{L}.csv", r(1), "slutdato",
             "dato uden for det tilladte interval (år 1900-2100)"),
    BadInput("closures-planlagt-maybe", changed(L, 2, planlagt="måske"), f"{L}.csv", r(2), "planlagt",
             "skal være ja/nej, true/false eller 1/0"),
    BadInput("closures-duplicate-id", changed(L, 3, lukning_id="L1"), f"{L}.csv", r(3), "lukning_id",
             "skal være entydig"),
    BadInput("closures-unknown-bydel", changed(L, 2, bydel="Østerbro Nord"), f"{L}.csv", r(2), "bydel",
             "skal være en af programmets bydele"),
    BadInput("closures-empty-institution", changed(L, 1, institution=None), f"{L}.csv", r(1), "institution",
             "må ikke være tom"),
    BadInput("closures-missing-startdato", folder(without_column(valid_tables(), L, "startdato")),
             f"{L}.csv", 1, "startdato", MISSING_COLUMN),
    BadInput("closures-column-navn-person", folder(with_column(valid_tables(), L, "navn_person", [None] * 4)),
             f"{L}.csv", 1, "navn_person", PERSONAL_COLUMN_RULE),
    BadInput("closures-aarsag-cpr-dashed", changed(L, 1, aarsag="Forælder (150682-4417) truede personalet"),
             f"{L}.csv", r(1), "aarsag", CPR_RULE, ("150682-4417", "1506824417")),
    BadInput("closures-aarsag-cpr-10-digits", changed(L, 3, aarsag="Elev 2412681113 truede en pædagog"),
             f"{L}.csv", r(3), "aarsag", CPR_RULE, ("2412681113", "241268-1113")),
    BadInput("closures-missing-file", removed(L), f"{L}.csv", None, None, "filen mangler"),
    BadInput("closures-ragged-semicolon-row", replaced(L, with_line(L, 3, "L2;Nørrebro Bibliotek;KFF", sep=";")),
             f"{L}.csv", 3, None, "rækken har et andet antal felter end overskriftsrækken"),
    BadInput("closures-undecodable", replaced(L, text_of(L).encode("cp1252").replace(b"uro", b"\x81\x8d\x90", 1)),
             f"{L}.csv", 2, None, "kan hverken læses som UTF-8 eller Windows-1252"),
    BadInput("closures-aarsag-cpr-excel", changed(L, 2, excel=True, aarsag="Ring til 311299-0000"),
             f"{L}.xlsx", r(2), "aarsag", CPR_RULE, ("311299-0000", "3112990000")),

    # --- sigtelser (1.4)
    BadInput("charges-alder-14", changed(G, 0, alder=14), f"{G}.csv", r(0), "alder", "skal være mellem 15 og 25"),
    BadInput("charges-alder-26", changed(G, 3, alder=26), f"{G}.csv", r(3), "alder", "skal være mellem 15 og 25"),
    BadInput("charges-alder-decimal", changed(G, 5, alder="20.5"), f"{G}.csv", r(5), "alder",
             "skal være et helt tal"),
    BadInput("charges-befolkning-negative", changed(G, 2, befolkning=-1), f"{G}.csv", r(2), "befolkning",
             "skal være mindst 0"),
    BadInput("charges-befolkning-beyond-int64", changed(G, 1, befolkning="99999999999999999999999"), f"{G}.csv",
             r(1), "befolkning", "tallet er for stort (højst 18 cifre)"),
    BadInput("charges-sigtede-above-befolkning", changed(G, 4, sigtede=1011), f"{G}.csv", r(4), "sigtede",
             "sigtede må ikke være større end befolkning"),
    BadInput("charges-koen-word", changed(G, 0, koen="kvinde"), f"{G}.csv", r(0), "koen", "skal være en af: k, m"),
    BadInput("charges-column-cpr", folder(with_column(valid_tables(), G, "cpr", [None] * 6)), f"{G}.csv", 1, "cpr",
             PERSONAL_COLUMN_RULE),
    BadInput("charges-missing-file", removed(G), f"{G}.csv", None, None, "filen mangler"),
    BadInput("charges-excel-header-in-row-3", header_below(G, [["Sigtelser 2013-2014"], []]), f"{G}.xlsx", 3, None,
             "overskriftsrækken med kolonnenavnene skal stå i række 1"),
    BadInput("charges-excel-cpr-number-cell-lost-zero",
             folder(with_column(valid_tables(), G, "note", [None, None, None, 101901234, None, None]), excel=(G,)),
             f"{G}.xlsx", r(3), "note", CPR_RULE, ("101901234", "0101901234", "010190-1234")),

    # --- bandelog (1.5)
    BadInput("gang-log-negative", changed(B, 1, antal_personer=-2), f"{B}.csv", r(1), "antal_personer",
             "skal være mindst 0"),
    BadInput("gang-log-month-13", changed(B, 0, dato="2014-13-01"), f"{B}.csv", r(0), "dato",
             "skal være en gyldig dato"),
    BadInput("gang-log-count-text", changed(B, 3, antal_personer="ca. 30"), f"{B}.csv", r(3), "antal_personer",
             "skal være et helt tal"),
    BadInput("gang-log-missing-antal", folder(without_column(valid_tables(), B, "antal_personer")),
             f"{B}.csv", 1, "antal_personer", MISSING_COLUMN),
    BadInput("gang-log-omraade-cpr", changed(B, 2, omraade="Tingbjerg 030303-3333"), f"{B}.csv", r(2), "omraade",
             CPR_RULE, ("030303-3333", "0303033333")),
    BadInput("gang-log-blank-lines-only", replaced(B, b"\r\n\r\n  \r\n"), f"{B}.csv", None, None, "filen er tom"),
    BadInput("gang-log-excel-empty-sheet", folder({**valid_tables(), B: []}, excel=(B,)), f"{B}.xlsx", None, None,
             "det første ark er tomt"),
    BadInput("gang-log-excel-header-only", excel_header_only(B), f"{B}.xlsx", None, None,
             "filen har ingen datarækker"),
    BadInput("gang-log-excel-named-csv", excel_named_csv(B), f"{B}.csv", None, None,
             "filen er en Excel-fil, men hedder .csv"),

    # --- aktiviteter (1.6)
    BadInput("activities-unknown-indsatsomraade", changed(A, 0, indsatsomraade="VI"), f"{A}.csv", r(0),
             "indsatsomraade", "skal være en af: I, II, III, IV, V"),
    BadInput("activities-unknown-evidensniveau", changed(A, 1, evidensniveau="god"), f"{A}.csv", r(1),
             "evidensniveau", "skal være en af: effektiv, lovende"),
    BadInput("activities-duplicate-id", changed(A, 2, aktivitet_id="A1"), f"{A}.csv", r(2), "aktivitet_id",
             "skal være entydig"),
    BadInput("activities-forandringsteori-maybe", changed(A, 0, forandringsteori="måske"), f"{A}.csv", r(0),
             "forandringsteori", "skal være ja/nej"),
    BadInput("activities-year-decimal", changed(A, 2, foerste_aar_i_model="2015,5"), f"{A}.csv", r(2),
             "foerste_aar_i_model", "skal være et helt tal"),
    BadInput("activities-empty-navn", changed(A, 1, navn=None), f"{A}.csv", r(1), "navn", "må ikke være tom"),
    BadInput("activities-missing-navn", folder(without_column(valid_tables(), A, "navn")), f"{A}.csv", 1, "navn",
             MISSING_COLUMN),
    BadInput("activities-navn-cpr-dashed", changed(A, 1, navn="Kontaktperson 241268-1113"), f"{A}.csv", r(1),
             "navn", CPR_RULE, ("241268-1113", "2412681113")),
    BadInput("activities-navn-cpr-10-digits", changed(A, 2, navn="Mentor for 0211794455"), f"{A}.csv", r(2), "navn",
             CPR_RULE, ("0211794455", "021179-4455")),
    BadInput("activities-navn-cpr-excel-number-cell", changed(A, 0, excel=True, navn=101901234), f"{A}.xlsx", r(0),
             "navn", CPR_RULE, ("101901234", "0101901234", "010190-1234")),
    BadInput("activities-excel-header-in-row-2", header_below(A, [["Aktiviteter – udfyldt af BUF"]]), f"{A}.xlsx", 2,
             None, "overskriftsrækken med kolonnenavnene skal stå i række 1"),
    BadInput("activities-broken-excel", replaced(A, b"PK\x03\x04 not really a workbook", suffix=".xlsx"),
             f"{A}.xlsx", None, None, "filen kan ikke åbnes som Excel-fil"),
    BadInput("activities-csv-and-xlsx", csv_and_excel(A), f"{A}.csv", None, None,
             "der er flere filer for samme inddata"),

    # --- succeskriterier (1.7)
    BadInput("criteria-baseline-differs", changed(K, 1, baseline=25.0), f"{K}.csv", r(1), "baseline",
             "baseline skal være den samme i alle rækker for samme kriterium"),
    BadInput("criteria-maal-differs", changed(K, 1, maal=35.0), f"{K}.csv", r(1), "maal",
             "maal skal være den samme i alle rækker for samme kriterium"),
    BadInput("criteria-maal-equals-baseline", changed(K, 2, maal=100.0), f"{K}.csv", r(2), "maal",
             "maal må ikke være lig baseline"),
    BadInput("criteria-retning-disagrees", changed(K, 2, retning="op"), f"{K}.csv", r(2), "retning",
             "retning skal passe med baseline og maal"),
    BadInput("criteria-retning-unknown", changed(K, 0, retning="opad"), f"{K}.csv", r(0), "retning",
             "skal være en af: op, ned"),
    BadInput("criteria-resultat-unknown", changed(K, 3, resultat="tryghed"), f"{K}.csv", r(3), "resultat",
             "skal være en af: fritidstilbud"),
    BadInput("criteria-unknown-activity", changed(K, 3, aktivitet_id="A9"), f"{K}.csv", r(3), "aktivitet_id",
             "aktivitet_id findes ikke i aktiviteter.csv"),
    BadInput("criteria-duplicate", changed(K, 1, aar=2014), f"{K}.csv", r(1), "aktivitet_id, kriterie_id, aar",
             "skal være entydig"),
    BadInput("criteria-maal-empty", changed(K, 3, maal=None), f"{K}.csv", r(3), "maal", "må ikke være tom"),
    BadInput("criteria-vaerdi-text", changed(K, 0, vaerdi="n/a"), f"{K}.csv", r(0), "vaerdi", "skal være et tal"),
    BadInput("criteria-missing-retning", folder(without_column(valid_tables(), K, "retning")), f"{K}.csv", 1,
             "retning", MISSING_COLUMN),
    BadInput("criteria-beskrivelse-cpr-dashed", changed(K, 2, beskrivelse="Opfølgning på 280256-1919"), f"{K}.csv",
             r(2), "beskrivelse", CPR_RULE, ("280256-1919", "2802561919")),
    BadInput("criteria-beskrivelse-cpr-10-digits", changed(K, 0, beskrivelse="Sag 1708995678 lukket"), f"{K}.csv",
             r(0), "beskrivelse", CPR_RULE, ("1708995678", "170899-5678")),
    BadInput("criteria-header-only-semicolon", replaced(K, text_of(K, sep=";").split("\r\n")[0].encode() + b"\r\n"),
             f"{K}.csv", None, None, "filen har ingen datarækker"),
    BadInput("criteria-nul-bytes", replaced(K, b"aktivitet_id\x00,kriterie_id\r\n"), f"{K}.csv", None, None,
             "NUL-tegn"),
    BadInput("criteria-column-twice", folder(with_column(valid_tables(), K, "Maal", [30.0, 30.0, 80.0, 12.0])),
             f"{K}.csv", 1, "maal", "kolonnen står mere end én gang i overskriftsrækken"),
)


# --------------------------------------------------------------------------- reliability round 2

def excel_cells(name: str, cells: dict[str, object] | None = None, tables: Tables | None = None,
                hidden_first: list[list] | None = None, long_text: int = 0) -> Callable[[Path], None]:
    """``<name>.xlsx``: the valid table with ``cells`` (coordinate -> value) set on top; ``hidden_first``:
    rows of a hidden sheet put before it; ``long_text``: the cell holding ``LONG-TEXT`` gets that many
    characters instead (written into the sheet's XML: openpyxl itself cuts text at 32,767)."""
    def build(path: Path) -> None:
        import zipfile

        from openpyxl import Workbook

        all_tables = tables or valid_tables()
        write_folder(path, {n: rows for n, rows in all_tables.items() if n != name})
        rows = all_tables[name]
        columns = list(rows[0])
        workbook = Workbook()
        sheet = workbook.active
        if hidden_first is not None:
            sheet.title = "Opslag"
            for row in hidden_first:
                sheet.append(row)
            sheet.sheet_state = "hidden"
            sheet = workbook.create_sheet("Data")
            workbook.active = 1
        sheet.append(columns)
        for row in rows:
            sheet.append([row[c] for c in columns])
        for coordinate, value in (cells or {}).items():
            sheet[coordinate] = value
        target = path / f"{name}.xlsx"
        workbook.save(target)
        if long_text:
            parts = {}
            with zipfile.ZipFile(target) as archive:
                for info in archive.infolist():
                    parts[info.filename] = archive.read(info.filename)
            hit = [n for n, data in parts.items() if b"LONG-TEXT" in data]
            assert len(hit) == 1, hit
            parts[hit[0]] = parts[hit[0]].replace(b"LONG-TEXT", b"a" * long_text)
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
                for part, data in parts.items():
                    archive.writestr(part, data)
    return build


def csv_lines(name: str, lines: list[str], sep: str = ",") -> Callable[[Path], None]:
    return replaced(name, ("\r\n".join(lines) + "\r\n").encode("utf-8"))


def semicolon(tables: Tables) -> Callable[[Path], None]:
    """Every input as a Danish Excel export: semicolons and decimal commas."""
    return folder(tables, sep=";")


ACTIVITY_HEADER = ("aktivitet_id,navn,forvaltning,indsatsomraade,foerste_aar_i_model,forventet_aar_i_model,"
                   "forandringsteori,evidensniveau")
YEAR_RULE = "året skal ligge mellem 1990 og 2022"  # the programme period 2014-2017, widened (validation.year_span)
CPR_SPELLED = "cellen ser ud til at indeholde et CPR-nummer"

CORPUS += (
    # B: what a workbook may cost
    BadInput("gang-log-excel-cell-at-XFD1048576", excel_cells(B, {"XFD1048576": "x"}), f"{B}.xlsx", 1048576, None,
             "rækken har kun indhold uden for tabellen"),
    BadInput("activities-excel-5-mb-text-packed-1000-to-1", excel_cells(A, {"B3": "LONG-TEXT"}, long_text=5_000_000),
             f"{A}.xlsx", None, None, "Excel-filen er pakket usædvanligt tæt"),
    BadInput("activities-excel-cell-of-40000-characters", excel_cells(A, {"B3": "LONG-TEXT"}, long_text=40_000),
             f"{A}.xlsx", 3, "navn", "cellen er for lang (40.000 tegn; højst 32.767"),
    # D: numbers read wrong without a word
    BadInput("activities-excel-formula-without-result", excel_cells(A, {"E2": "=2013+1"}), f"{A}.xlsx", 2,
             "foerste_aar_i_model", "cellen indeholder en formel uden gemt resultat"),
    BadInput("activities-excel-error-value", excel_cells(A, {"C3": "#REF!"}), f"{A}.xlsx", 3, "forvaltning",
             "cellen indeholder en Excel-fejl"),
    BadInput("activities-excel-year-zero", excel_cells(A, {"E2": 0}), f"{A}.xlsx", 2, "foerste_aar_i_model",
             YEAR_RULE),
    BadInput("activities-foerste-aar-0", changed(A, 0, foerste_aar_i_model=0), f"{A}.csv", r(0),
             "foerste_aar_i_model", YEAR_RULE),
    BadInput("criteria-aar-3000", changed(K, 0, aar=3000), f"{K}.csv", r(0), "aar", YEAR_RULE),
    BadInput("index-aar-1989", changed(I, 4, aar=1989), f"{I}.csv", r(4), "aar", YEAR_RULE),
    BadInput("charges-befolkning-thousands-point-semicolon",
             semicolon(with_changes(valid_tables(), G, 0, befolkning="1.177")), f"{G}.csv", r(0), "befolkning",
             "tallet kan læses på to måder"),
    BadInput("survey-vaegt-thousands-point-semicolon",
             semicolon(with_changes(valid_tables(), S, 1, vaegt="1.250")), f"{S}.csv", r(1), "vaegt",
             "tallet kan læses på to måder"),
    BadInput("charges-befolkning-1.000-semicolon",  # was read as 1
             semicolon(with_changes(valid_tables(), G, 2, befolkning="4.000")), f"{G}.csv", r(2), "befolkning",
             "tallet kan læses på to måder"),
    # F: CPR numbers as people type them
    BadInput("activities-navn-cpr-space", changed(A, 1, navn="Kontakt 120375 2211"), f"{A}.csv", r(1), "navn",
             CPR_SPELLED, ("120375 2211", "1203752211", "120375-2211")),
    BadInput("closures-aarsag-cpr-en-dash", changed(L, 1, aarsag="Forælder 150682\u20134417 truede"), f"{L}.csv",
             r(1), "aarsag", CPR_SPELLED, ("150682\u20134417", "1506824417", "150682-4417")),
    BadInput("criteria-beskrivelse-cpr-non-breaking-hyphen", changed(K, 2, beskrivelse="Sag 280256\u20111919"),
             f"{K}.csv", r(2), "beskrivelse", CPR_SPELLED, ("280256\u20111919", "2802561919", "280256-1919")),
    BadInput("index-omraade-cpr-dotted-date", changed(I, 3, omraade="Blok 4, 12.03.75-2211"), f"{I}.csv", r(3),
             "omraade", CPR_SPELLED, ("12.03.75-2211", "1203752211", "120375-2211")),
    BadInput("gang-log-omraade-cpr-no-break-space", changed(B, 2, omraade="Tingbjerg 030303\u00a03333"), f"{B}.csv",
             r(2), "omraade", CPR_SPELLED, ("030303\u00a03333", "0303033333", "030303-3333")),
    BadInput("activities-navn-cpr-minus-sign", changed(A, 2, navn="Mentor 021179\u22124455"), f"{A}.csv", r(2),
             "navn", CPR_SPELLED, ("021179\u22124455", "0211794455", "021179-4455")),
    BadInput("closures-aarsag-cpr-spaced-dash", changed(L, 3, aarsag="Elev 241268 - 1113 truede"), f"{L}.csv",
             r(3), "aarsag", CPR_SPELLED, ("241268 - 1113", "2412681113", "241268-1113")),
    BadInput("survey-respondent-id-cpr-spaced-date", changed(S, 4, respondent_id="07 07 45 1234"), f"{S}.csv",
             r(4), "respondent_id", CPR_SPELLED, ("07 07 45 1234", "0707451234", "070745-1234")),
    BadInput("activities-navn-cpr-space-excel", changed(A, 0, excel=True, navn="Borger 010190 1234"), f"{A}.xlsx",
             r(0), "navn", CPR_SPELLED, ("010190 1234", "0101901234", "010190-1234")),
    # G: what used to end in a traceback, a wrong message or silence
    BadInput("criteria-cell-of-140000-characters", changed(K, 2, beskrivelse="x" * 140_000), f"{K}.csv", r(2),
             "beskrivelse", "cellen er for lang (140.000 tegn; højst 32.767"),
    BadInput("activities-stray-quote-swallows-a-row", csv_lines(A, [
        ACTIVITY_HEADER,
        'A1,"SSP-samarbejdet ""Tryg & sikker"" <ung>",BUF,I,2014,,ja,effektiv',
        'A2,"Natteravne på Nørrebro,KFF,III,,2016,nej,lovende',
        "A3,Exit-programmet,SOF,II,2015,,ja,utilstraekkelig",
        'A4,Mentorordning",BUF,I,2015,,ja,lovende',
    ]), f"{A}.csv", 3, "navn", "cellen begynder med et anførselstegn"),
    BadInput("gang-log-50000-columns", replaced(B, ("dato,omraade,antal_personer" + "".join(
        f",x{i}" for i in range(49_997)) + "\r\n2014-03-31,Indre Nørrebro,40\r\n").encode()), f"{B}.csv", 1, None,
        "filen har for mange kolonner (50.000; højst 1.000)"),
)


@dataclass(frozen=True)
class AcceptedInput:
    """A folder that must pass (exit 0) with exactly these warnings: (file, row, column, a piece of the rule)."""

    id: str
    build: Callable[[Path], None]
    warnings: tuple[tuple[str, int | None, str | None, str], ...] = ()
    check: Callable | None = None  # called with the loaded Dataset: True when the values were read right

    @property
    def expected(self) -> tuple[tuple[str, int | None, str | None, str], ...]:
        """The case's warnings, and the one every folder of the factories gives: its gang log counts
        Tingbjerg too, an area no indikator follows (docs/data-contract.md §7.2)."""
        return self.warnings + ((f"{B}.csv", None, "omraade", "1 opgørelse for området 'Tingbjerg', som ingen "
                                                               "indikator følger"),)

    @staticmethod
    def line_start(file: str, row: int | None, column: str | None) -> str:
        where = [file]
        if row is not None:
            where.append(f"række {row}")
        if column is not None:
            where.append(f"kolonne '{column}'")
        return f"Advarsel: {', '.join(where)}: "


def _duplicate_gang_log_count() -> Tables:
    return with_rows(valid_tables(), B, valid_tables()[B][1])


ACCEPTED: tuple[AcceptedInput, ...] = (
    AcceptedInput("closures-handleplan-the-day-before-start", changed(L, 3, handleplan_dato=D(2016, 3, 17)),
                  ((f"{L}.csv", r(3), "handleplan_dato", "handleplan_dato ligger før startdato; regnes som rettidig"),),
                  lambda d: str(d.lukninger["handleplan_dato"][3].date()) == "2016-03-17"),
    AcceptedInput("gang-log-no-row-for-programme-area", folder(_gang_log_without_programme_area()),
                  ((f"{B}.csv", None, "omraade", "ingen opgørelser for programmets område 'Indre Nørrebro'"),
                   (f"{B}.csv", None, "omraade", "3 opgørelser for området 'Ydre Nørrebro', som ingen indikator"))),
    AcceptedInput("gang-log-two-counts-for-one-area-and-day", changed(B, 1, dato=D(2014, 3, 31)),
                  ((f"{B}.csv", r(1), "dato, omraade", "forskelligt antal_personer; den nederste i filen bruges"),)),
    AcceptedInput("gang-log-the-same-count-twice", folder(_duplicate_gang_log_count()),
                  ((f"{B}.csv", 6, "dato, omraade", "opgørelsen står to gange"),)),
    AcceptedInput("charges-repeated-group", changed(G, 1, koen="k"),
                  ((f"{G}.csv", r(1), "aar, alder, koen", "rækkerne lægges sammen"),
                   (f"{G}.csv", r(4), "befolkning", "ændrer sig usædvanligt meget"))),
    AcceptedInput("charges-population-jump", changed(G, 4, befolkning=3010),
                  ((f"{G}.csv", r(4), "befolkning", "ændrer sig usædvanligt meget"),)),
    AcceptedInput("survey-alder-130", changed(S, 1, alder=130),
                  ((f"{S}.csv", r(1), "alder", "usædvanlig værdi: forventet mellem 0 og 120"),),
                  lambda d: int(d.tryghedsundersoegelse["alder"][1]) == 130),
    AcceptedInput("survey-vaegt-1e-320", changed(S, 1, vaegt="1e-320"),
                  ((f"{S}.csv", r(1), "vaegt", "konfidensintervallet ikke kan beregnes"),)),
    AcceptedInput("survey-vaegt-1e300", changed(S, 1, vaegt="1e300"),
                  ((f"{S}.csv", r(1), "vaegt", "konfidensintervallet ikke kan beregnes"),)),
    AcceptedInput("activities-excel-hidden-first-sheet",
                  excel_cells(A, hidden_first=[["kode", "tekst"], ["I", "primær"], ["II", "sekundær"]]),
                  ((f"{A}.xlsx", None, None, "det første ark «Opslag» er skjult; det første synlige ark «Data»"),),
                  lambda d: d.aktiviteter["aktivitet_id"].tolist() == ["A1", "A2", "A3"]),
    AcceptedInput("activities-excel-value-in-column-CPR", excel_cells(A, {"CPR2": "note"}), (),
                  lambda d: len(d.aktiviteter) == 3),
    AcceptedInput("criteria-1.177-in-a-comma-file", changed(K, 0, vaerdi="22.125"), (),
                  lambda d: d.succeskriterier["vaerdi"][0] == 22.125),
    AcceptedInput("criteria-1,177-in-a-semicolon-file", semicolon(with_changes(valid_tables(), K, 0, vaerdi="22,125")),
                  (), lambda d: d.succeskriterier["vaerdi"][0] == 22.125),
    AcceptedInput("criteria-excel-number-cell-1.177", excel_cells(K, {"I2": 1.177}, tables=valid_tables()), (),
                  lambda d: d.succeskriterier["vaerdi"][0] == 1.177),
)
