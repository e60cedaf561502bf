"""The administrations' Excel template (``sikkerby template``)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from sikkerby.cli import main
from sikkerby.errors import SikkerByError
from sikkerby.inputs.contract import AKTIVITETER, SUCCESKRITERIER
from sikkerby.publish import template


@pytest.fixture(scope="module")
def written(tmp_path_factory, programme):
    folder = tmp_path_factory.mktemp("skabelon")
    paths = template.write_template(folder, year=2016, programme=programme)
    return folder, paths


def _validations(ws) -> dict[str, object]:
    """Column letter -> the data validation covering that column's rows 2..."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            assert cell_range.min_row == 2 and cell_range.max_row >= 1000
            found[cell_range.coord.split(":")[0].rstrip("0123456789")] = dv
    return found


def _list_values(wb, formula: str) -> list[str]:
    sheet, cells = formula.split("!")
    assert sheet.strip("'") == template.LISTS_SHEET
    return [row[0].value for row in wb[template.LISTS_SHEET][cells.replace("$", "")]]


def test_writes_one_workbook_per_input(written):
    folder, paths = written
    assert paths == [folder / "aktiviteter.xlsx", folder / "succeskriterier.xlsx"]
    assert all(p.is_file() for p in paths)


@pytest.mark.parametrize("input_file", [AKTIVITETER, SUCCESKRITERIER], ids=lambda f: f.name)
def test_first_sheet_has_exactly_the_contract_headers(written, input_file):
    folder, _ = written
    wb = load_workbook(folder / f"{input_file.name}.xlsx")
    assert wb.sheetnames == [input_file.name, "vejledning", "lister"]
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == list(input_file.column_names)
    assert ws.max_row == 1  # no example rows that could be delivered by mistake
    assert ws.freeze_panes == "A2"
    widths = [ws.column_dimensions[chr(ord("A") + i)].width for i in range(len(input_file.columns))]
    assert all(w >= len(name) for w, name in zip(widths, input_file.column_names))


def test_aktiviteter_drop_downs(written, programme):
    folder, _ = written
    wb = load_workbook(folder / "aktiviteter.xlsx")
    dv = _validations(wb["aktiviteter"])
    assert set(dv) == set("ABCDEFGH")  # every column has at least an input prompt
    assert dv["D"].type == "list" and _list_values(wb, dv["D"].formula1) == ["I", "II", "III", "IV", "V"]
    assert _list_values(wb, dv["H"].formula1) == [
        "effektiv", "lovende", "utilstraekkelig", "ingen_effekt", "skadelig"]
    assert _list_values(wb, dv["G"].formula1) == ["ja", "nej"]
    assert _list_values(wb, dv["C"].formula1) == list(programme.forvaltninger)
    assert dv["C"].errorStyle == "warning"        # forvaltning is free text in the contract
    assert dv["D"].errorStyle == "stop"
    assert (dv["E"].type, dv["E"].formula1, dv["E"].formula2) == ("whole", "2000", "2100")
    assert dv["A"].type is None and "Skal udfyldes" in dv["A"].prompt
    assert "Kan være tom" in dv["F"].prompt
    assert all(len(v.prompt) <= 255 for v in dv.values())


def test_succeskriterier_drop_downs(written):
    folder, _ = written
    wb = load_workbook(folder / "succeskriterier.xlsx")
    dv = _validations(wb["succeskriterier"])
    assert _list_values(wb, dv["E"].formula1) == [
        "fritidstilbud", "uddannelse", "beskaeftigelse", "misbrug", "tilbagefald",
        "trygge_lokalomraader", "koordination"]
    assert _list_values(wb, dv["F"].formula1) == ["op", "ned"]
    assert (dv["C"].type, dv["C"].formula2) == ("whole", "2016")  # aar: up to the template's year
    assert {dv[c].type for c in "GHI"} == {"decimal"}


def test_instructions_are_danish_and_complete(written):
    folder, _ = written
    for input_file in (AKTIVITETER, SUCCESKRITERIER):
        wb = load_workbook(folder / f"{input_file.name}.xlsx")
        text = "\n".join(str(v) for row in wb["vejledning"].iter_rows(values_only=True) for v in row if v)
        assert "sikkerby validate --data" in text
        assert f"{input_file.name}.xlsx" in text
        assert "2016" in text
        assert "50 % resultatscore + 50 % evidensscore" in text
        assert "grøn fra 70, gul fra 40, ellers rød" in text
        first_cells = [row[0] for row in wb["vejledning"].iter_rows(values_only=True)]
        for name in input_file.column_names:
            assert name in first_cells
    wb = load_workbook(folder / "aktiviteter.xlsx")
    text = "\n".join(str(v) for row in wb["vejledning"].iter_rows(values_only=True) for v in row if v)
    assert "Socialforvaltningen" in text and "(67 point)" in text


def test_output_is_deterministic(tmp_path, programme):
    a = template.write_template(tmp_path / "a", programme=programme)
    b = template.write_template(tmp_path / "b", programme=programme)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    c = template.write_template(tmp_path / "c", year=2017, programme=programme)
    assert a[1].read_bytes() != c[1].read_bytes()


def test_never_overwrites_and_wants_a_folder(tmp_path, programme):
    (tmp_path / "aktiviteter.csv").write_text("udfyldt", encoding="utf-8")
    with pytest.raises(SikkerByError, match="findes allerede"):
        template.write_template(tmp_path, programme=programme)
    assert (tmp_path / "aktiviteter.csv").read_text(encoding="utf-8") == "udfyldt"
    assert not (tmp_path / "succeskriterier.xlsx").exists()
    with pytest.raises(SikkerByError, match="skal være en mappe"):
        template.write_template(tmp_path / "skabelon.xlsx", programme=programme)


def test_cli_writes_the_template(tmp_path, capsys):
    assert main(["template", "--year", "2017", "--out", str(tmp_path / "ud")]) == 0
    assert (tmp_path / "ud" / "aktiviteter.xlsx").is_file()
    assert main(["template", "--out", str(tmp_path / "ud")]) == 1      # refuses to overwrite
    assert "findes allerede" in capsys.readouterr().err


# --- round trip: fill in the template, deliver it with the other inputs, validate, score ---------

FILLED_AKTIVITETER = [
    ["BUF-01", "Klubtilbud & lektiecafé <Nørrebro>", "BUF", "I", 2014, None, "ja", "effektiv"],
    ["SOF-02", "Exit-forløb", "SOF", "III", 2016, None, "nej", "lovende"],
    ["KFF-03", "Natteravne", "KFF", "IV", None, 2017, "nej", "utilstraekkelig"],
]
FILLED_SUCCESKRITERIER = [
    ["BUF-01", "K1", 2015, "Unge i fritidsjob (%)", "beskaeftigelse", "op", 20, 30, 22.5],
    ["BUF-01", "K1", 2016, "Unge i fritidsjob (%)", "beskaeftigelse", "op", 20, 30, 27.5],   # 75
    ["BUF-01", "K2", 2016, "Anmeldt vold i området", "trygge_lokalomraader", "ned", 100, 80, 95],  # 25
    ["SOF-02", "K1", 2016, "Personer ude af miljøet", "tilbagefald", "op", None, 10, None],
]


def _deliver(template_dir, data_dir, aktiviteter_rows, succeskriterier_rows):
    """Fill the template's workbooks as an administration would and put them into ``data_dir``."""
    from factories import valid_tables, write_folder

    others = {name: rows for name, rows in valid_tables().items()
              if name not in ("aktiviteter", "succeskriterier")}
    write_folder(data_dir, others)
    for name, rows in (("aktiviteter", aktiviteter_rows), ("succeskriterier", succeskriterier_rows)):
        wb = load_workbook(template_dir / f"{name}.xlsx")
        for row in rows:
            wb[name].append(row)
        wb.save(data_dir / f"{name}.xlsx")
    return data_dir


def test_filled_template_validates_and_scores(written, tmp_path, programme):
    from sikkerby.inputs.dataset import load_dataset
    from sikkerby.model.evidence import aktivitetsscorer

    template_dir, _ = written
    data = _deliver(template_dir, tmp_path / "data", FILLED_AKTIVITETER, FILLED_SUCCESKRITERIER)
    dataset = load_dataset(data, programme)
    assert dataset.source_files["aktiviteter"].name == "aktiviteter.xlsx"
    assert dataset.aktiviteter["aktivitet_id"].tolist() == ["BUF-01", "SOF-02", "KFF-03"]
    assert dataset.aktiviteter["navn"].iloc[0] == "Klubtilbud & lektiecafé <Nørrebro>"
    assert dataset.aktiviteter["forandringsteori"].tolist() == [True, False, False]
    assert len(dataset.succeskriterier) == 4

    scores = aktivitetsscorer(dataset, programme, 2016).set_index("aktivitet_id")
    assert scores["model_status"].to_dict() == {
        "BUF-01": "i_model", "KFF-03": "godt_paa_vej", "SOF-02": "foermaaling"}
    buf = scores.loc["BUF-01"]
    assert (buf["resultatscore"], buf["evidensscore"], buf["samlet_score"]) == (50.0, 100.0, 75.0)
    assert (buf["kategori"], buf["udviklingspotentiale"]) == ("groen", "resultater")
    assert scores.loc["SOF-02", "evidensscore"] == 67.0          # foermaaling: evidence only
    assert scores.loc["SOF-02", ["resultatscore", "samlet_score", "kategori"]].isna().all()


def test_filled_template_with_a_wrong_value_names_the_problem(written, tmp_path, programme):
    from sikkerby.errors import InputError, Problem
    from sikkerby.inputs.contract import EVIDENSNIVEAUER
    from sikkerby.inputs.dataset import load_dataset

    template_dir, _ = written
    rows = [list(r) for r in FILLED_AKTIVITETER]
    rows[1][7] = "meget effektiv"  # spreadsheet row 3
    data = _deliver(template_dir, tmp_path / "data", rows, FILLED_SUCCESKRITERIER)
    with pytest.raises(InputError) as caught:
        load_dataset(data, programme)
    assert caught.value.problems == [
        Problem("aktiviteter.xlsx", 3, "evidensniveau", f"skal være en af: {', '.join(EVIDENSNIVEAUER)}",
                "meget effektiv")]


def test_filled_template_passes_the_validate_command(written, tmp_path, capsys):
    template_dir, _ = written
    data = _deliver(template_dir, tmp_path / "data", FILLED_AKTIVITETER, FILLED_SUCCESKRITERIER)
    assert main(["validate", "--data", str(data)]) == 0
    assert capsys.readouterr().out.strip() == "OK"


@pytest.mark.parametrize("input_file", [AKTIVITETER, SUCCESKRITERIER], ids=lambda f: f.name)
def test_lists_sheet_is_hidden_and_protected_and_still_feeds_the_drop_downs(written, input_file):
    folder, _ = written
    wb = load_workbook(folder / f"{input_file.name}.xlsx")
    lists = wb[template.LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    assert lists.protection.sheet is True
    assert wb["vejledning"].sheet_state == "visible" and wb.worksheets[0].sheet_state == "visible"
    assert wb.active.title == input_file.name  # the data sheet opens, not a hidden one
    formulas = [dv.formula1 for dv in wb.worksheets[0].data_validations.dataValidation if dv.type == "list"]
    assert formulas and all(_list_values(wb, f) for f in formulas)
    assert all("'lister'" not in (dv.error or "") for dv in wb.worksheets[0].data_validations.dataValidation)
