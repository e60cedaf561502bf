"""The Excel template the administrations (forvaltninger) fill in.

``sikkerby template --out MAPPE`` writes two workbooks, ``aktiviteter.xlsx`` and
``succeskriterier.xlsx``. Each is a valid input file as it stands: the first
sheet is named like the input and has exactly the contract's columns in row 1
(``sikkerby.inputs.contract``), so a filled-in workbook is put straight into the data
folder and checked with ``sikkerby validate --data MAPPE``. Behind the data
sheet: ``vejledning`` (Danish instructions built from the contract and
``params/program.yaml``) and ``lister`` (the values the drop-downs offer; hidden and
protected, so that nobody changes a drop-down's values by accident — the instructions sheet
lists them).

The output is deterministic: the same programme and year give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path

from babel.numbers import format_decimal
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from sikkerby.config.programme import Programme, load_programme
from sikkerby.errors import SikkerByError
from sikkerby.inputs.contract import AKTIVITETER, SUCCESKRITERIER, Column, InputFile
from sikkerby.model.evidence import KATEGORI_LABELS, ModelParams

TEMPLATE_INPUTS: tuple[InputFile, ...] = (AKTIVITETER, SUCCESKRITERIER)
INSTRUCTIONS_SHEET = "vejledning"
LISTS_SHEET = "lister"
BOOLEAN_VALUES = ("ja", "nej")
LAST_ROW = 5000  # validations cover rows 2..LAST_ROW of the data sheet
YEAR_RANGE = (2000, 2100)
_FIXED_TIME = dt.datetime(2000, 1, 1)  # file timestamps, so that the output is reproducible

# What each column means, in Danish, for the instructions sheet and the input prompts
# (a prompt shows at most 255 characters; the first sentence is used).
COLUMN_HELP: dict[tuple[str, str], str] = {
    ("aktiviteter", "aktivitet_id"): "Aktivitetens id, fx BUF-01. Skal være entydigt og bruges igen i "
                                     "succeskriterier.xlsx.",
    ("aktiviteter", "navn"): "Aktivitetens navn (fri tekst).",
    ("aktiviteter", "forvaltning"): "Den forvaltning, der har ansvaret for aktiviteten (forkortelse, fx BUF).",
    ("aktiviteter", "indsatsomraade"): "Sikker By-indsatsområdet, aktiviteten hører til (I-V).",
    ("aktiviteter", "foerste_aar_i_model"): "Det første år, aktiviteten indgår i effekt- og evidensmodellen "
                                            "(året med forandringsteori og førmåling). Tom, hvis aktiviteten "
                                            "endnu ikke indgår.",
    ("aktiviteter", "forventet_aar_i_model"): "Det år, aktiviteten forventes at indgå i modellen. Udfyldes for "
                                              "aktiviteter, der endnu ikke indgår; en tom celle meldes som "
                                              "manglende forventet år.",
    ("aktiviteter", "forandringsteori"): "ja, hvis aktiviteten har en forandringsteori, ellers nej.",
    ("aktiviteter", "evidensniveau"): "Den forskningsmæssige evidens for den type indsats, aktiviteten er.",
    ("succeskriterier", "aktivitet_id"): "Aktivitetens id, præcis som i aktiviteter.xlsx.",
    ("succeskriterier", "kriterie_id"): "Succeskriteriets id inden for aktiviteten, fx K1.",
    ("succeskriterier", "aar"): "Året, rækkens værdi er målt. Én række pr. succeskriterium og år.",
    ("succeskriterier", "beskrivelse"): "Hvad succeskriteriet måler (fri tekst).",
    ("succeskriterier", "resultat"): "Det resultat i forandringsteorien, succeskriteriet hører til.",
    ("succeskriterier", "retning"): "op, hvis en højere værdi er bedre (maal over baseline); ned, hvis en "
                                    "lavere værdi er bedre (maal under baseline).",
    ("succeskriterier", "baseline"): "Værdien ved førmålingen; den samme i alle rækker for kriteriet. Uden "
                                     "baseline kan kriteriet ikke scores, og det fremhæves i publikationen.",
    ("succeskriterier", "maal"): "Målet for kriteriet; det samme i alle rækker for kriteriet og forskelligt "
                                 "fra baseline.",
    ("succeskriterier", "vaerdi"): "Den værdi, der er målt i året. Tom, hvis der ikke er målt.",
}

VALUE_HELP: dict[str, dict[str, str]] = {
    "indsatsomraade": {"I": "primær forebyggelse", "II": "sekundær forebyggelse",
                       "III": "tertiær forebyggelse", "IV": "lokalområder", "V": "koordination"},
    "evidensniveau": {"effektiv": "forskningen viser, at indsatsen virker",
                      "lovende": "der er lovende tegn på, at indsatsen virker",
                      "utilstraekkelig": "der er ikke viden nok til at sige, om indsatsen virker",
                      "ingen_effekt": "forskningen viser, at indsatsen ikke virker",
                      "skadelig": "forskningen viser, at indsatsen gør skade"},
    "resultat": {"fritidstilbud": "fritidstilbud", "uddannelse": "uddannelse",
                 "beskaeftigelse": "beskæftigelse", "misbrug": "misbrug",
                 "tilbagefald": "tilbagefald til kriminalitet",
                 "trygge_lokalomraader": "trygge lokalområder", "koordination": "koordination"},
    "retning": {"op": "en højere værdi er bedre", "ned": "en lavere værdi er bedre"},
}

# Rules the validator checks beyond each column's type and values.
FILE_RULES: dict[str, tuple[str, ...]] = {
    "aktiviteter": (
        "aktivitet_id må kun stå én gang.",
        "Er foerste_aar_i_model tom, bør forventet_aar_i_model være udfyldt.",
    ),
    "succeskriterier": (
        "Kombinationen af aktivitet_id, kriterie_id og aar må kun stå én gang.",
        "aktivitet_id skal findes i aktiviteter.xlsx.",
        "baseline og maal skal være de samme i alle rækker for ét succeskriterium, og maal må ikke være lig "
        "baseline.",
        "retning skal passe med maal og baseline: op når maal er større end baseline, ned når den er mindre.",
    ),
}

_TYPE_TEXT = {"int": "heltal", "float": "tal", "text": "tekst", "bool": "ja/nej", "date": "dato"}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", start_color="FFD9E1F2", end_color="FFD9E1F2")
_TITLE_FONT = Font(bold=True, size=14)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _number(value: float) -> str:
    return format_decimal(value, locale="da_DK")


def column_values(column: Column, programme: Programme) -> tuple[str, ...] | None:
    """The values a column's drop-down offers (``None``: no drop-down)."""
    if column.vocabulary is not None:
        return column.vocabulary
    if column.type == "bool":
        return BOOLEAN_VALUES
    if column.name == "forvaltning":
        return tuple(programme.forvaltninger)
    return None


def _prompt(input_file: InputFile, column: Column) -> str:
    help_text = COLUMN_HELP[(input_file.name, column.name)]
    first = help_text.split(". ")[0].rstrip(".") + "."
    need = "Kan være tom." if column.nullable else "Skal udfyldes."
    return f"{first} {need}"[:255]


def _validation(input_file: InputFile, column: Column, year: int | None,
                list_range: str | None) -> DataValidation:
    """The data validation (drop-down or number check, always with an input prompt) of one column."""
    kwargs = dict(allow_blank=True, showInputMessage=True, showErrorMessage=True,
                  promptTitle=column.name[:32], prompt=_prompt(input_file, column), errorTitle="Ugyldig værdi")
    if list_range is not None:
        # forvaltning is free text in the contract: other values are allowed after a warning
        style = "warning" if column.vocabulary is None and column.type != "bool" else "stop"
        return DataValidation(type="list", formula1=list_range, errorStyle=style,
                              error="Vælg en værdi fra listen (arket 'vejledning' forklarer værdierne).",
                              **kwargs)
    if column.type == "int":
        low, high = YEAR_RANGE
        if column.name == "aar" and year is not None:
            high = year
        return DataValidation(type="whole", operator="between", formula1=str(low), formula2=str(high),
                              errorStyle="stop", error=f"Skriv et årstal fra {low} til {high}.", **kwargs)
    if column.type == "float":
        return DataValidation(type="decimal", operator="between", formula1="-1000000000000",
                              formula2="1000000000000", errorStyle="stop", error="Skriv et tal.", **kwargs)
    return DataValidation(**kwargs)  # no check, only the prompt


def _width(column: Column, values: Sequence[str] | None) -> float:
    if column.name in ("navn", "beskrivelse"):
        return 45
    longest = max([len(column.name), *(len(v) for v in values or ())])
    return max(12, longest + 4)


def _lists_sheet(wb: Workbook, input_file: InputFile, programme: Programme) -> dict[str, str]:
    """Write one column per drop-down list; return column name -> absolute range formula."""
    ws = wb.create_sheet(LISTS_SHEET)
    ranges: dict[str, str] = {}
    index = 0
    for column in input_file.columns:
        values = column_values(column, programme)
        if values is None:
            continue
        index += 1
        letter = get_column_letter(index)
        ws.cell(row=1, column=index, value=column.name).font = _HEADER_FONT
        for row, value in enumerate(values, start=2):
            ws.cell(row=row, column=index, value=value)
        ws.column_dimensions[letter].width = _width(column, values)
        ranges[column.name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
    ws.sheet_state = "hidden"  # the drop-downs still read it
    ws.protection.enable()  # no password: it guards against slips, not against the administration
    return ranges


def _data_sheet(wb: Workbook, input_file: InputFile, programme: Programme, year: int | None,
                ranges: dict[str, str]) -> None:
    ws = wb.active
    ws.title = input_file.name
    for index, column in enumerate(input_file.columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index, value=column.name)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        dimension = ws.column_dimensions[letter]
        dimension.width = _width(column, column_values(column, programme))
        if column.type == "text":
            dimension.number_format = "@"  # "01" stays "01"
        validation = _validation(input_file, column, year, ranges.get(column.name))
        validation.add(f"{letter}2:{letter}{LAST_ROW}")
        ws.add_data_validation(validation)
    ws.freeze_panes = "A2"


def _instructions(input_file: InputFile, programme: Programme, year: int | None) -> list[list[str]]:
    """The instructions sheet as rows of cells (Danish)."""
    name = input_file.name
    other = next(f.name for f in TEMPLATE_INPUTS if f.name != name)
    title = f"Skabelon: {input_file.title}" + (f" – indberetning for {year}" if year else "")
    rows: list[list[str]] = [[title], []]
    rows.append(["Sådan gør du"])
    steps = [
        f"Udfyld arket '{name}' med én række pr. "
        + ("aktivitet." if name == "aktiviteter" else "succeskriterium og år."),
        "Lad overskrifterne i række 1 stå, som de er, og lad arket være det første i filen. "
        "Andre kolonner kan tilføjes til egne noter; de læses ikke.",
        f"Gem filen under navnet {name}.xlsx i datamappen sammen med {other}.xlsx og de øvrige "
        "inddatafiler (tryghedsundersoegelse, tryghedsindeks, lukninger, sigtelser, bandelog). "
        "Filen kan også gemmes som CSV (semikolon- eller kommasepareret) med samme navn.",
        "Tjek mappen med kommandoen:  sikkerby validate --data MAPPE   "
        "Den melder hver fejl med fil, række (som i Excel), kolonne og regel; ellers skriver den OK.",
        "Skriv ikke personoplysninger (fx CPR-numre eller navne på borgere) i filen; de afvises.",
    ]
    if year is not None and name == "succeskriterier":
        steps.insert(1, f"Tilføj rækker for {year} med årets målte værdi i kolonnen vaerdi. "
                        "Rækker for tidligere år bliver stående.")
    rows += [[f"{i}.", text] for i, text in enumerate(steps, start=1)]
    rows.append([])
    rows.append(["Kolonner", "Type", "Udfyldes", "Tilladte værdier", "Betydning"])
    for column in input_file.columns:
        values = column_values(column, programme)
        rows.append([column.name, _TYPE_TEXT[column.type], "kan være tom" if column.nullable else "skal udfyldes",
                     ", ".join(values) if values else "", COLUMN_HELP[(name, column.name)]])
    rows.append([])
    rows.append(["Regler"])
    rows += [["–", rule] for rule in FILE_RULES[name]]
    rows.append(["–", "Tal skrives som tal (decimaler med komma i dansk Excel). Årstal som heltal, fx 2016."])
    rows.append([])
    rows.append(["Værdierne i listerne"])
    for column in input_file.columns:
        if column.name in VALUE_HELP:
            for value, text in VALUE_HELP[column.name].items():
                extra = ""
                if column.name == "evidensniveau" and value in programme.evidence_points:
                    extra = f" ({_number(programme.evidence_points[value])} point)"
                rows.append([column.name, value, "", "", text + extra])
        elif column.name == "forvaltning":
            rows += [[column.name, code, "", "", title_] for code, title_ in programme.forvaltninger.items()]
    rows.append([])
    rows += _model_rules(programme, name)
    return rows


def _model_rules(programme: Programme, name: str) -> list[list[str]]:
    """How the numbers are used: the effect-and-evidence model (DATA.md §3), with the programme's weights."""
    params = ModelParams.from_programme(programme)
    w_res, w_evi = _number(params.weight_resultat * 100), _number(params.weight_evidens * 100)
    label = lambda kategori: KATEGORI_LABELS.get(kategori, kategori).lower()  # noqa: E731
    thresholds = [f"{label(k)} fra {_number(m)}" for k, m in params.categories if m is not None]
    last = label(params.categories[-1][0])
    rows = [["Sådan bruges tallene i effekt- og evidensmodellen"]]
    if name == "aktiviteter":
        texts = [
            "Året, hvor aktiviteten kommer ind i modellen (foerste_aar_i_model), er førmålingsåret: "
            "forandringsteori og baseline skal være klar, og aktiviteten får kun en evidensscore.",
            "De følgende år får aktiviteten en resultatscore, en evidensscore og en samlet score.",
            "Aktiviteter, der endnu ikke er i modellen: forventet år = næste år giver 'godt på vej' "
            "(listen til Økonomiudvalget); et forventet år, der er passeret, giver 'forsinket'.",
        ]
    else:
        texts = [
            "Målopfyldelse for et kriterium: (vaerdi − baseline) / (maal − baseline), højst 100 % og mindst 0 %.",
            "Resultatscoren er gennemsnittet af målopfyldelsen for aktivitetens kriterier med en værdi i året; "
            "kriterier uden baseline tæller ikke med.",
        ]
    texts.append(f"Samlet score = {w_res} % resultatscore + {w_evi} % evidensscore; "
                 f"kategori: {', '.join(thresholds)}, ellers {last}.")
    return rows + [["–", t] for t in texts]


def _instructions_sheet(wb: Workbook, input_file: InputFile, programme: Programme, year: int | None) -> None:
    ws = wb.create_sheet(INSTRUCTIONS_SHEET)
    for row_index, row in enumerate(_instructions(input_file, programme, year), start=1):
        for col_index, value in enumerate(row, start=1):
            cell = ws.cell(row=row_index, column=col_index, value=value)
            cell.alignment = _WRAP
        if len(row) == 1:
            ws.cell(row=row_index, column=1).font = _TITLE_FONT if row_index == 1 else _HEADER_FONT
        elif row and row[0] == "Kolonner":
            for col_index in range(1, len(row) + 1):
                ws.cell(row=row_index, column=col_index).font = _HEADER_FONT
    for letter, width in zip("ABCDE", (24, 16, 14, 34, 80)):
        ws.column_dimensions[letter].width = width


def build_workbook(input_file: InputFile, programme: Programme | None = None, year: int | None = None) -> Workbook:
    """The template workbook for one input: data sheet (first), ``vejledning``, ``lister``."""
    programme = programme or load_programme()
    wb = Workbook()  # its first sheet becomes the data sheet; then vejledning, lister
    _instructions_sheet(wb, input_file, programme, year)
    ranges = _lists_sheet(wb, input_file, programme)
    _data_sheet(wb, input_file, programme, year, ranges)
    wb.active = 0
    props = wb.properties
    props.title = f"Sikker By – skabelon: {input_file.name}" + (f" {year}" if year else "")
    props.creator = programme.name
    props.created = props.modified = _FIXED_TIME
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx file's bytes, with fixed timestamps so that equal workbooks give equal bytes."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()  # unlike Workbook.save, keeps properties.modified
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return fixed.getvalue()


def write_template(out: str | os.PathLike, year: int | None = None,
                   programme: Programme | None = None) -> list[Path]:
    """Write ``aktiviteter.xlsx`` and ``succeskriterier.xlsx`` into the folder ``out``.

    The folder is created when missing. Existing input files are never
    overwritten (an administration's filled-in workbook may be there).
    """
    folder = Path(out)
    if folder.suffix.lower() in (".xlsx", ".xls", ".csv"):
        raise SikkerByError(
            f"--out skal være en mappe, ikke en fil ({folder.name}): skabelonen er to filer, "
            "aktiviteter.xlsx og succeskriterier.xlsx, som efter udfyldning lægges direkte i datamappen.")
    existing = [folder / f"{f.name}{suffix}" for f in TEMPLATE_INPUTS for suffix in (".xlsx", ".csv")
                if (folder / f"{f.name}{suffix}").exists()]
    if existing:
        raise SikkerByError(f"{existing[0]} findes allerede og overskrives ikke; vælg en anden mappe.")
    programme = programme or load_programme()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for input_file in TEMPLATE_INPUTS:
        path = folder / f"{input_file.name}.xlsx"
        path.write_bytes(workbook_bytes(build_workbook(input_file, programme, year)))
        written.append(path)
    return written
