"""Input folders for tests: a small valid one covering the contract, and broken variants.

    tables = valid_tables()                       # {input name: [row dict, ...]}, a fresh copy
    write_folder(tmp_path, tables)                # seven CSV files, comma-separated, UTF-8
    write_folder(tmp_path, tables, sep=";")       # Danish Excel export: ';' and decimal commas
    write_folder(tmp_path, tables, fmt="xlsx")    # Excel workbooks with real date cells

    bad = with_changes(valid_tables(), "lukninger", 1, slutdato=date(2013, 1, 1))
    write_folder(tmp_path, bad)                   # lukninger.csv row 3 (= spreadsheet_row(1)) is wrong

Programmes for tests (never the live ``params/``):

    PROGRAMME_2014_2017                           # the frozen programme folder (program.yaml + <år>.yaml)
    copy_programme(tmp_path / "params")           # a writable copy of it
    with_indikator(programme, "lukkedage", kind="retning")            # a Programme with one indikator changed
    with_parameters(programme, "bandelog_indre_noerrebro", omraade="Tingbjerg")

Row dicts hold Python values: ``int``, ``float``, ``str``, ``datetime.date``,
``bool`` and ``None`` (an empty cell). A ``str`` is written exactly as given, so
a test can put any raw text (``"17,5"``, ``"30-02-2017"``, ``"Ja"``) into a cell.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path

from sikkerby.inputs.contract import INPUT_FILES

PROGRAMME_2014_2017 = Path(__file__).parent / "programmes" / "sikker-by-2014-2017"

D = dt.date

_VALID: dict[str, list[dict]] = {
    "tryghedsundersoegelse": [
        {"aar": 2013, "respondent_id": "R1", "bydel": "Indre By", "vaegt": 1.0, "tryghed_aften": 1, "koen": "k", "alder": 34},
        {"aar": 2013, "respondent_id": "R2", "bydel": "Østerbro", "vaegt": 0.5, "tryghed_aften": 4, "koen": "m", "alder": 51},
        {"aar": 2013, "respondent_id": "R3", "bydel": "Nørrebro", "vaegt": 1.25, "tryghed_aften": 5, "koen": "k", "alder": 22},
        {"aar": 2013, "respondent_id": "R4", "bydel": "Vesterbro/Kongens Enghave", "vaegt": 2.0, "tryghed_aften": 9, "koen": "m", "alder": 67},
        {"aar": 2013, "respondent_id": "R5", "bydel": "Valby", "vaegt": 0.8, "tryghed_aften": None, "koen": None, "alder": None},
        {"aar": 2014, "respondent_id": "R1", "bydel": "Vanløse", "vaegt": 1.1, "tryghed_aften": 2, "koen": "k", "alder": 40},
        {"aar": 2014, "respondent_id": "R2", "bydel": "Brønshøj-Husum", "vaegt": 0.75, "tryghed_aften": 3, "koen": "m", "alder": 45},
        {"aar": 2014, "respondent_id": "R3", "bydel": "Bispebjerg", "vaegt": 1.5, "tryghed_aften": 4, "koen": "k", "alder": 19},
        {"aar": 2014, "respondent_id": "R4", "bydel": "Amager Øst", "vaegt": 0.9, "tryghed_aften": 2, "koen": "m", "alder": 80},
        {"aar": 2014, "respondent_id": "R5", "bydel": "Amager Vest", "vaegt": 1.2, "tryghed_aften": 1, "koen": "k", "alder": 29},
    ],
    "tryghedsindeks": [
        {"aar": 2013, "omraade": "Indre Nørrebro", "bydel": "Nørrebro", "indsatsbehov": "markant", "indeksvaerdi": -42.5},
        {"aar": 2013, "omraade": "Tingbjerg", "bydel": "Brønshøj-Husum", "indsatsbehov": "intensiveret", "indeksvaerdi": -30.0},
        {"aar": 2013, "omraade": "Christianshavn", "bydel": "Indre By", "indsatsbehov": "ordinær", "indeksvaerdi": None},
        {"aar": 2014, "omraade": "Indre Nørrebro", "bydel": "Nørrebro", "indsatsbehov": "intensiveret", "indeksvaerdi": -35.25},
        {"aar": 2014, "omraade": "Tingbjerg", "bydel": "Brønshøj-Husum", "indsatsbehov": "reduceret", "indeksvaerdi": -10.0},
        {"aar": 2014, "omraade": "Sydhavnen", "bydel": "Vesterbro/Kongens Enghave", "indsatsbehov": "minimal", "indeksvaerdi": 5.5},
    ],
    "lukninger": [
        {"lukning_id": "L1", "institution": "Fritidsklubben Blågården", "forvaltning": "BUF", "bydel": "Nørrebro",
         "startdato": D(2013, 3, 4), "slutdato": D(2013, 3, 6), "planlagt": False, "aarsag": "uro i området",
         "handleplan_dato": D(2013, 3, 5)},
        {"lukning_id": "L2", "institution": "Nørrebro Bibliotek", "forvaltning": "KFF", "bydel": "Nørrebro",
         "startdato": D(2013, 12, 30), "slutdato": D(2014, 1, 2), "planlagt": False, "aarsag": None,
         "handleplan_dato": None},
        {"lukning_id": "L3", "institution": "Østerbro Svømmehal", "forvaltning": "KFF", "bydel": "Østerbro",
         "startdato": D(2014, 7, 1), "slutdato": D(2014, 7, 31), "planlagt": True, "aarsag": "renovering",
         "handleplan_dato": None},
        {"lukning_id": "L4", "institution": "Ungdomsklubben Valby", "forvaltning": "SOF", "bydel": "Valby",
         "startdato": D(2016, 3, 18), "slutdato": D(2016, 3, 18), "planlagt": False, "aarsag": "trusler",
         "handleplan_dato": D(2016, 3, 23)},
    ],
    "sigtelser": [
        {"aar": 2013, "alder": 15, "koen": "k", "befolkning": 1000, "sigtede": 5},
        {"aar": 2013, "alder": 15, "koen": "m", "befolkning": 1100, "sigtede": 20},
        {"aar": 2013, "alder": 25, "koen": "k", "befolkning": 4000, "sigtede": 0},
        {"aar": 2013, "alder": 25, "koen": "m", "befolkning": 4100, "sigtede": 60},
        {"aar": 2014, "alder": 15, "koen": "k", "befolkning": 1010, "sigtede": 4},
        {"aar": 2014, "alder": 20, "koen": "m", "befolkning": 3000, "sigtede": 33},
    ],
    "bandelog": [
        {"dato": D(2014, 3, 31), "omraade": "Indre Nørrebro", "antal_personer": 40},
        {"dato": D(2014, 12, 31), "omraade": "Indre Nørrebro", "antal_personer": 35},
        {"dato": D(2014, 12, 31), "omraade": "Tingbjerg", "antal_personer": 12},
        {"dato": D(2015, 12, 31), "omraade": "Indre Nørrebro", "antal_personer": 30},
    ],
    "aktiviteter": [
        {"aktivitet_id": "A1", "navn": 'SSP-samarbejdet "Tryg & sikker" <ung>', "forvaltning": "BUF",
         "indsatsomraade": "I", "foerste_aar_i_model": 2014, "forventet_aar_i_model": None,
         "forandringsteori": True, "evidensniveau": "effektiv"},
        {"aktivitet_id": "A2", "navn": "Natteravne på Nørrebro", "forvaltning": "KFF",
         "indsatsomraade": "III", "foerste_aar_i_model": None, "forventet_aar_i_model": 2016,
         "forandringsteori": False, "evidensniveau": "lovende"},
        {"aktivitet_id": "A3", "navn": "Exit-programmet, rocker- og bandemiljøet", "forvaltning": "SOF",
         "indsatsomraade": "II", "foerste_aar_i_model": 2015, "forventet_aar_i_model": None,
         "forandringsteori": True, "evidensniveau": "utilstraekkelig"},
    ],
    "succeskriterier": [
        {"aktivitet_id": "A1", "kriterie_id": "K1", "aar": 2014, "beskrivelse": "Andel unge i fritidsjob",
         "resultat": "beskaeftigelse", "retning": "op", "baseline": 20.0, "maal": 30.0, "vaerdi": 22.5},
        {"aktivitet_id": "A1", "kriterie_id": "K1", "aar": 2015, "beskrivelse": "Andel unge i fritidsjob",
         "resultat": "beskaeftigelse", "retning": "op", "baseline": 20.0, "maal": 30.0, "vaerdi": 25.0},
        {"aktivitet_id": "A1", "kriterie_id": "K2", "aar": 2014, "beskrivelse": "Anmeldelser af vold i området",
         "resultat": "trygge_lokalomraader", "retning": "ned", "baseline": 100.0, "maal": 80.0, "vaerdi": None},
        {"aktivitet_id": "A3", "kriterie_id": "K1", "aar": 2015, "beskrivelse": "Personer ude af miljøet",
         "resultat": "tilbagefald", "retning": "op", "baseline": None, "maal": 12.0, "vaerdi": 7.0},
    ],
}


def valid_tables() -> dict[str, list[dict]]:
    """A fresh copy of the minimal valid inputs: all seven, a few rows each."""
    return copy.deepcopy(_VALID)


def spreadsheet_row(index: int) -> int:
    """The row a spreadsheet shows for ``rows[index]`` (the header is row 1)."""
    return index + 2


def with_changes(tables: dict[str, list[dict]], name: str, index: int, **changes) -> dict[str, list[dict]]:
    """A copy of ``tables`` where ``tables[name][index]`` has ``changes`` applied."""
    result = copy.deepcopy(tables)
    result[name][index].update(changes)
    return result


def with_rows(tables: dict[str, list[dict]], name: str, *rows: dict) -> dict[str, list[dict]]:
    """A copy of ``tables`` with ``rows`` appended to ``tables[name]``."""
    result = copy.deepcopy(tables)
    result[name].extend(copy.deepcopy(list(rows)))
    return result


def without_column(tables: dict[str, list[dict]], name: str, column: str) -> dict[str, list[dict]]:
    """A copy of ``tables`` where ``tables[name]`` lacks ``column``."""
    result = copy.deepcopy(tables)
    for row in result[name]:
        row.pop(column, None)
    return result


def with_column(tables: dict[str, list[dict]], name: str, column: str, values: Iterable) -> dict[str, list[dict]]:
    """A copy of ``tables`` where ``tables[name]`` has an extra ``column`` holding ``values``."""
    result = copy.deepcopy(tables)
    for row, value in zip(result[name], values, strict=True):
        row[column] = value
    return result


def columns_of(rows: list[dict]) -> list[str]:
    """Column names in first-seen order."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    return list(names)


def cell_text(value, decimal: str = ".", date_format: str = "%Y-%m-%d", bools: tuple[str, str] = ("ja", "nej")) -> str:
    """How a CSV file spells ``value``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return bools[0] if value else bools[1]
    if isinstance(value, dt.date):
        return value.strftime(date_format)
    if isinstance(value, float):
        return repr(value).replace(".", decimal)
    return str(value)


def csv_text(rows: list[dict], sep: str = ",", decimal: str | None = None, date_format: str = "%Y-%m-%d",
             bools: tuple[str, str] = ("ja", "nej"), columns: list[str] | None = None) -> str:
    """The CSV text of ``rows``; semicolon files get decimal commas unless ``decimal`` says otherwise."""
    decimal = decimal or ("," if sep == ";" else ".")
    columns = columns or columns_of(rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell_text(row.get(c), decimal, date_format, bools) for c in columns])
    return out.getvalue()


def write_table(path: str | Path, rows: list[dict], sep: str = ",", encoding: str = "utf-8",
                decimal: str | None = None, date_format: str = "%Y-%m-%d",
                bools: tuple[str, str] = ("ja", "nej"), columns: list[str] | None = None) -> Path:
    """Write one input file; ``.xlsx`` paths become a workbook with native cells."""
    path = Path(path)
    if path.suffix == ".xlsx":
        return write_xlsx(path, rows, columns)
    path.write_bytes(csv_text(rows, sep, decimal, date_format, bools, columns).encode(encoding))
    return path


def write_xlsx(path: str | Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    """An Excel workbook: header in row 1, numbers as numbers, dates as date cells."""
    from openpyxl import Workbook

    columns = columns or columns_of(rows)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c) for c in columns])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD-MM-YYYY"
    workbook.save(path)
    return Path(path)


def write_folder(directory: str | Path, tables: dict[str, list[dict]] | None = None, fmt: str = "csv",
                 sep: str = ",", encoding: str = "utf-8", **options) -> Path:
    """Write every table in ``tables`` (default: the valid ones) as ``<name>.<fmt>`` into ``directory``.

    ``options`` go to :func:`write_table` (``decimal``, ``date_format``, ``bools``).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tables = valid_tables() if tables is None else tables
    for name, rows in tables.items():
        write_table(directory / f"{name}.{fmt}", rows, sep=sep, encoding=encoding, **options)
    return directory


INPUT_NAMES = tuple(f.name for f in INPUT_FILES)


# ------------------------------------------------------------------ programmes

def copy_programme(dest: str | Path, source: str | Path = PROGRAMME_2014_2017) -> Path:
    """A writable copy of a programme folder (default: the frozen 2014-2017 programme) at ``dest``."""
    import shutil

    dest = Path(dest)
    shutil.copytree(source, dest)
    return dest


def with_indikator(programme, indikator_id: str, **changes):
    """A copy of ``programme`` where the indikator ``indikator_id`` has ``changes`` applied (dataclass fields)."""
    import dataclasses

    programme.indikator(indikator_id)  # KeyError for an unknown id
    maalepunkter = tuple(
        dataclasses.replace(m, indikatorer=tuple(dataclasses.replace(i, **changes) if i.id == indikator_id else i
                                                 for i in m.indikatorer))
        for m in programme.maalepunkter)
    return dataclasses.replace(programme, maalepunkter=maalepunkter)


def with_parameters(programme, indikator_id: str, **parameters):
    """A copy of ``programme`` where the indikator's calculation ``parameters`` are updated."""
    indikator = programme.indikator(indikator_id)
    return with_indikator(programme, indikator_id, parameters={**indikator.parameters, **parameters})
