"""Reading input files as people deliver them (DATA.md §1): separators, encodings, dates, Excel."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from factories import (
    D,
    csv_text,
    valid_tables,
    with_changes,
    write_folder,
    write_table,
    write_xlsx,
)
from openpyxl import Workbook

from sikkerby.inputs.readers import (
    decode_bytes,
    detect_separator,
    find_input,
    read_table,
)
from sikkerby.inputs.validation import validate_folder


def loaded(folder, programme):
    dataset, problems = validate_folder(folder, programme)
    assert problems == []
    return dataset


def only_problems(folder, programme):
    dataset, problems = validate_folder(folder, programme)
    assert dataset is None
    return problems


# ------------------------------------------------------------ separators

def test_semicolon_file_with_decimal_commas(tmp_path, programme):
    write_folder(tmp_path, sep=";")
    text = (tmp_path / "tryghedsundersoegelse.csv").read_text(encoding="utf-8")
    assert "aar;respondent_id;bydel;vaegt" in text and ";1,25;" in text  # really a Danish export
    dataset = loaded(tmp_path, programme)
    assert dataset.tryghedsundersoegelse["vaegt"].tolist()[:4] == [1.0, 0.5, 1.25, 2.0]
    assert dataset.tryghedsindeks["indeksvaerdi"].tolist()[0] == -42.5


def test_semicolon_file_also_accepts_a_decimal_point(tmp_path, programme):
    write_folder(tmp_path, with_changes(valid_tables(), "tryghedsundersoegelse", 0, vaegt="17.5"), sep=";")
    assert loaded(tmp_path, programme).tryghedsundersoegelse["vaegt"][0] == 17.5


def test_decimal_comma_in_a_comma_separated_file_is_refused(tmp_path, programme):
    # "17,5" must be quoted in a comma file, and is then ambiguous (thousands?): refused
    write_folder(tmp_path, with_changes(valid_tables(), "tryghedsundersoegelse", 0, vaegt="17,5"))
    [problem] = only_problems(tmp_path, programme)
    assert (problem.row, problem.column, problem.value) == (2, "vaegt", "17,5")


def test_tab_separated_utf16_file(tmp_path, programme):
    # Excel's "Unicode-tekst" export
    write_folder(tmp_path, sep="\t", encoding="utf-16")
    assert loaded(tmp_path, programme).tryghedsundersoegelse["bydel"][1] == "Østerbro"


@pytest.mark.parametrize("line, sep", [("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ("aar", ","),
                                       ("navn;beløb, kr;aar", ";"), ("a;b,c", ",")])
def test_detect_separator(line, sep):
    assert detect_separator(line) == sep


# ------------------------------------------------------------- encodings

def test_windows_1252_keeps_danish_letters(tmp_path, programme):
    write_folder(tmp_path, sep=";", encoding="cp1252")
    raw = (tmp_path / "lukninger.csv").read_bytes()
    assert "Blågården".encode("cp1252") in raw and b"\xc3" not in raw  # not UTF-8
    dataset = loaded(tmp_path, programme)
    assert dataset.lukninger["institution"][0] == "Fritidsklubben Blågården"
    assert dataset.tryghedsundersoegelse["bydel"].tolist()[:3] == ["Indre By", "Østerbro", "Nørrebro"]
    assert "ØÆÅ".encode("cp1252").decode("cp1252") == "ØÆÅ"


def test_utf8_with_bom(tmp_path, programme):
    write_folder(tmp_path, encoding="utf-8-sig")
    assert (tmp_path / "bandelog.csv").read_bytes().startswith(b"\xef\xbb\xbfdato,")
    dataset = loaded(tmp_path, programme)
    assert list(dataset.bandelog.columns) == ["dato", "omraade", "antal_personer"]
    assert dataset.bandelog["omraade"][0] == "Indre Nørrebro"


def test_decode_bytes():
    assert decode_bytes("æøå".encode("utf-8")) == ("æøå", "utf-8")
    assert decode_bytes(b"\xef\xbb\xbf\xc3\xa6") == ("æ", "utf-8")
    assert decode_bytes("ÆØÅ".encode("cp1252")) == ("ÆØÅ", "cp1252")


def test_file_in_neither_encoding_names_the_first_bad_line(tmp_path, programme):
    write_folder(tmp_path)
    # 0x81 is undefined in Windows-1252 and invalid in UTF-8
    (tmp_path / "bandelog.csv").write_bytes(b"dato,omraade,antal_personer\n2014-03-31,Indre N\xf8rrebro,40\n"
                                            b"2014-12-31,Tingbjerg\x81,12\n")
    [problem] = only_problems(tmp_path, programme)
    assert (problem.file, problem.row, problem.column) == ("bandelog.csv", 3, None)
    assert "hverken læses som UTF-8 eller Windows-1252" in problem.rule


def test_utf8_file_with_a_stray_latin1_byte_is_not_read_as_garbled_windows_1252(tmp_path, programme):
    write_folder(tmp_path)
    (tmp_path / "bandelog.csv").write_bytes("dato,omraade,antal_personer\n2014-03-31,Indre Nørrebro,40\n".encode()
                                            + b"2014-12-31,Br\xf8nsh\xf8j,12\n")
    [problem] = only_problems(tmp_path, programme)
    assert (problem.file, problem.row) == ("bandelog.csv", 3)
    assert "blandede tegnsæt" in problem.rule


def test_decomposed_letters_are_normalised(tmp_path, programme):
    # 'å' typed as 'a' + combining ring (macOS) equals 'å'
    tables = with_changes(valid_tables(), "lukninger", 0, institution="Fritidsklubben Bla\u030agården")
    write_folder(tmp_path, tables)
    assert "Bla\u030ag".encode() in (tmp_path / "lukninger.csv").read_bytes()
    assert loaded(tmp_path, programme).lukninger["institution"][0] == "Fritidsklubben Blågården"


# ----------------------------------------------------------------- dates

@pytest.mark.parametrize("date_format", ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"])
def test_date_spellings(tmp_path, programme, date_format):
    write_folder(tmp_path, date_format=date_format)
    dataset = loaded(tmp_path, programme)
    assert dataset.lukninger["startdato"].tolist() == [pd.Timestamp(2013, 3, 4), pd.Timestamp(2013, 12, 30),
                                                       pd.Timestamp(2014, 7, 1), pd.Timestamp(2016, 3, 18)]
    assert dataset.bandelog["dato"][0] == pd.Timestamp(2014, 3, 31)


def test_mixed_date_spellings_in_one_column_and_unpadded_days(tmp_path, programme):
    tables = valid_tables()
    for i, text in enumerate(["4.3.2013", "30-12-2013", "2014-07-01", "18.03.2016"]):
        tables["lukninger"][i]["startdato"] = text
    write_folder(tmp_path, tables)
    assert loaded(tmp_path, programme).lukninger["startdato"].dt.strftime("%Y-%m-%d").tolist() == [
        "2013-03-04", "2013-12-30", "2014-07-01", "2016-03-18"]


def test_impossible_danish_date(tmp_path, programme):
    write_folder(tmp_path, with_changes(valid_tables(), "bandelog", 3, dato="29.02.2015"))
    [problem] = only_problems(tmp_path, programme)
    assert (problem.file, problem.row, problem.column, problem.value) == ("bandelog.csv", 5, "dato", "29.02.2015")


# -------------------------------------------------------------- booleans

@pytest.mark.parametrize("true, false", [("ja", "nej"), ("JA", "Nej"), ("true", "false"), ("TRUE", "False"),
                                         ("1", "0"), ("Ja", "FALSE")])
def test_boolean_spellings(tmp_path, programme, true, false):
    write_folder(tmp_path, bools=(true, false))
    text = (tmp_path / "lukninger.csv").read_text(encoding="utf-8")
    assert f",{true}," in text and f",{false}," in text
    dataset = loaded(tmp_path, programme)
    assert dataset.lukninger["planlagt"].tolist() == [False, False, True, False]
    assert dataset.aktiviteter["forandringsteori"].tolist() == [True, False, True]


# ----------------------------------------------------------------- Excel

def test_excel_folder_with_date_and_number_cells(tmp_path, programme):
    write_folder(tmp_path, fmt="xlsx")
    from openpyxl import load_workbook

    cell = load_workbook(tmp_path / "lukninger.xlsx").active["E2"]
    assert cell.is_date and isinstance(cell.value, dt.datetime)  # a real Excel date cell
    dataset = loaded(tmp_path, programme)
    assert dataset.lukninger["startdato"][0] == pd.Timestamp(2013, 3, 4)
    assert dataset.lukninger["planlagt"].tolist() == [False, False, True, False]
    assert dataset.tryghedsundersoegelse["vaegt"].tolist()[:3] == [1.0, 0.5, 1.25]
    assert dataset.aktiviteter["navn"][0] == 'SSP-samarbejdet "Tryg & sikker" <ung>'


def test_excel_integers_stored_as_floats_and_text_cells(tmp_path, programme):
    tables = valid_tables()
    for row in tables["sigtelser"]:
        row["aar"] = float(row["aar"])       # 2013.0: how many tools write whole numbers
    tables["sigtelser"][0]["befolkning"] = "1000"  # a number typed as text
    tables["tryghedsundersoegelse"][0]["vaegt"] = "1,5"  # decimal comma typed as text
    tables["lukninger"][0]["startdato"] = "04-03-2013"  # a date typed as text
    write_folder(tmp_path, tables, fmt="xlsx")
    dataset = loaded(tmp_path, programme)
    assert dataset.sigtelser["aar"].tolist() == [2013, 2013, 2013, 2013, 2014, 2014]
    assert dataset.sigtelser["befolkning"][0] == 1000
    assert dataset.tryghedsundersoegelse["vaegt"][0] == 1.5
    assert dataset.lukninger["startdato"][0] == pd.Timestamp(2013, 3, 4)


def test_excel_non_integral_number_in_an_int_column(tmp_path, programme):
    write_folder(tmp_path, with_changes(valid_tables(), "sigtelser", 2, befolkning=4000.5), fmt="xlsx")
    [problem] = only_problems(tmp_path, programme)
    assert (problem.file, problem.row, problem.column) == ("sigtelser.xlsx", 4, "befolkning")
    assert problem.rule == "skal være et helt tal"


def test_excel_reads_the_first_sheet(tmp_path):
    workbook = Workbook()
    workbook.active.append(["dato", "omraade", "antal_personer"])
    workbook.active.append([dt.date(2014, 3, 31), "Indre Nørrebro", 40])
    other = workbook.create_sheet("Vejledning")
    other.append(["bare tekst"])
    workbook.active = 1  # the guide sheet is the one shown when opened
    workbook.save(tmp_path / "bandelog.xlsx")
    table, problems = read_table(tmp_path / "bandelog.xlsx")
    assert problems == []
    assert table.header == ("dato", "omraade", "antal_personer")
    assert table.cells.loc[2].tolist() == ["2014-03-31", "Indre Nørrebro", "40"]


def test_excel_header_lower_down_is_refused_with_a_clear_message(tmp_path, programme):
    write_folder(tmp_path)
    (tmp_path / "bandelog.csv").unlink()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Bandeloggen 2014-2015"])
    sheet.append([])
    sheet.append(["dato", "omraade", "antal_personer"])
    sheet.append([dt.date(2014, 3, 31), "Indre Nørrebro", 40])
    workbook.save(tmp_path / "bandelog.xlsx")
    [problem] = only_problems(tmp_path, programme)
    assert (problem.file, problem.row) == ("bandelog.xlsx", 3)
    assert "skal stå i række 1" in problem.rule


def test_csv_title_line_above_the_header_is_refused_with_a_clear_message(tmp_path, programme):
    write_folder(tmp_path)
    path = tmp_path / "sigtelser.csv"
    path.write_text("Sigtelser 2013-2014\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    [problem] = only_problems(tmp_path, programme)
    assert (problem.file, problem.row) == ("sigtelser.csv", 2)
    assert "overskriftsrækken med kolonnenavnene skal stå i række 1, men står i række 2" in problem.rule


def test_broken_excel_file(tmp_path, programme):
    write_folder(tmp_path)
    (tmp_path / "bandelog.csv").unlink()
    (tmp_path / "bandelog.xlsx").write_bytes(b"this is not a workbook")
    [problem] = only_problems(tmp_path, programme)
    assert problem.file == "bandelog.xlsx" and "Excel-fil" in problem.rule


def test_excel_file_named_csv(tmp_path, programme):
    write_folder(tmp_path)
    write_xlsx(tmp_path / "bandelog.csv", valid_tables()["bandelog"])
    [problem] = only_problems(tmp_path, programme)
    assert problem.file == "bandelog.csv" and "omdøb den til .xlsx" in problem.rule


# ------------------------------------------------- files, rows and shape

def test_missing_file(tmp_path, programme):
    write_folder(tmp_path)
    (tmp_path / "sigtelser.csv").unlink()
    [problem] = only_problems(tmp_path, programme)
    assert (problem.file, problem.row, problem.column) == ("sigtelser.csv", None, None)
    assert "sigtelser.csv eller sigtelser.xlsx" in problem.rule


def test_old_excel_format_is_named_in_the_missing_file_message(tmp_path, programme):
    write_folder(tmp_path)
    (tmp_path / "sigtelser.csv").rename(tmp_path / "sigtelser.xls")
    [problem] = only_problems(tmp_path, programme)
    assert "fandt sigtelser.xls" in problem.rule


def test_both_csv_and_xlsx_is_ambiguous(tmp_path, programme):
    write_folder(tmp_path)
    write_xlsx(tmp_path / "sigtelser.xlsx", valid_tables()["sigtelser"])
    [problem] = only_problems(tmp_path, programme)
    assert problem.file == "sigtelser.csv"
    assert "sigtelser.csv og sigtelser.xlsx" in problem.rule and "behold kun én" in problem.rule


def test_file_found_by_base_name_case_insensitively(tmp_path):
    (tmp_path / "Bandelog.CSV").write_text("dato\n", encoding="utf-8")
    path, problems = find_input(tmp_path, "bandelog")
    assert path == tmp_path / "Bandelog.CSV" and problems == []


@pytest.mark.parametrize("content", [b"", b"\n\n", b"   \r\n"])
def test_empty_file(tmp_path, programme, content):
    write_folder(tmp_path)
    (tmp_path / "aktiviteter.csv").write_bytes(content)
    problems = only_problems(tmp_path, programme)
    empty = [p for p in problems if p.file == "aktiviteter.csv"]
    assert len(empty) == 1 and "tom" in empty[0].rule
    # succeskriterier cannot be checked against a missing register: no invented problems
    assert {p.file for p in problems} == {"aktiviteter.csv"}


def test_header_only_file(tmp_path, programme):
    write_folder(tmp_path)
    (tmp_path / "bandelog.csv").write_text("dato,omraade,antal_personer\n", encoding="utf-8")
    [problem] = only_problems(tmp_path, programme)
    assert (problem.file, problem.row) == ("bandelog.csv", None)
    assert "ingen datarækker" in problem.rule


def test_empty_excel_sheet(tmp_path, programme):
    write_folder(tmp_path)
    (tmp_path / "bandelog.csv").unlink()
    Workbook().save(tmp_path / "bandelog.xlsx")
    [problem] = only_problems(tmp_path, programme)
    assert problem.file == "bandelog.xlsx" and "tomt" in problem.rule


def test_ragged_rows_are_named(tmp_path, programme):
    write_folder(tmp_path)
    (tmp_path / "bandelog.csv").write_text(
        "dato,omraade,antal_personer\n"
        "2014-03-31,Indre Nørrebro,40\n"
        "2014-12-31,Indre Nørrebro\n"          # row 3: too few
        "2014-12-31,Tingbjerg,12,ekstra\n"     # row 4: too many
        "2015-12-31,Indre Nørrebro,30\n", encoding="utf-8")
    problems = only_problems(tmp_path, programme)
    assert [(p.file, p.row, p.value) for p in problems] == [("bandelog.csv", 3, "2 felter"),
                                                            ("bandelog.csv", 4, "4 felter")]
    assert all("andet antal felter end overskriftsrækken (3" in p.rule for p in problems)


def test_blank_lines_are_skipped_but_rows_keep_their_spreadsheet_numbers(tmp_path, programme):
    write_folder(tmp_path)
    (tmp_path / "bandelog.csv").write_text(
        "dato;omraade;antal_personer\n"
        "2014-03-31;Indre Nørrebro;40\n"
        "\n"
        ";;\n"
        "2014-12-31;Indre Nørrebro;-5\n"      # row 5
        "\n", encoding="utf-8")
    [problem] = only_problems(tmp_path, programme)
    assert (problem.row, problem.column) == (5, "antal_personer")


def test_quoted_fields_with_separators_quotes_and_line_breaks(tmp_path, programme):
    tables = with_changes(valid_tables(), "aktiviteter", 1, navn='Natteravne; "gadeplan",\nNørrebro')
    tables = with_changes(tables, "aktiviteter", 2, evidensniveau="ukendt")
    write_folder(tmp_path, tables, sep=";")
    [problem] = only_problems(tmp_path, programme)
    # the record with a line break is one spreadsheet row: the next record is row 4
    assert (problem.row, problem.column) == (4, "evidensniveau")
    write_folder(tmp_path, with_changes(valid_tables(), "aktiviteter", 1, navn='Natteravne; "gadeplan",\nNørrebro'),
                 sep=";")
    assert loaded(tmp_path, programme).aktiviteter["navn"][1] == 'Natteravne; "gadeplan",\nNørrebro'


def test_spaces_around_values_are_ignored(tmp_path, programme):
    tables = with_changes(valid_tables(), "tryghedsindeks", 0, bydel=" Nørrebro ", aar=" 2013", indsatsbehov="markant ")
    write_folder(tmp_path, tables)
    dataset = loaded(tmp_path, programme)
    assert dataset.tryghedsindeks.loc[0, ["aar", "bydel", "indsatsbehov"]].tolist() == [2013, "Nørrebro", "markant"]


def test_read_table_keeps_spreadsheet_row_numbers(tmp_path):
    path = write_table(tmp_path / "x.csv", [{"a": 1, "b": "x"}, {"a": None, "b": None}, {"a": 3, "b": "æ"}], sep=";")
    table, problems = read_table(path)
    assert problems == []
    assert table.separator == ";" and table.decimal_comma and table.encoding == "utf-8"
    assert table.cells.index.tolist() == [2, 4]  # the empty row 3 is skipped
    assert table.cells.loc[4].tolist() == ["3", "æ"]


def test_csv_text_helper_writes_what_it_is_asked_to():
    text = csv_text([{"a": 1.5, "d": D(2016, 3, 18), "b": True, "n": None}], sep=";", date_format="%d.%m.%Y")
    assert text == "a;d;b;n\r\n1,5;18.03.2016;ja;\r\n"
