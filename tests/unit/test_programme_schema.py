"""The programme file is read strictly (DATA.md §6): file, line and key in every message, before anything runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sikkerby.cli import main
from sikkerby.config.programme import CALCULATIONS, ProgrammeError, load_programme, load_year_params
from sikkerby.model.calculations import REGISTRY

FROZEN = Path(__file__).parents[1] / "programmes" / "sikker-by-2014-2017"


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "params"
    shutil.copytree(FROZEN, folder)
    text = (folder / "program.yaml").read_text(encoding="utf-8")
    assert old in text, old
    (folder / "program.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _line_of(folder: Path, needle: str) -> int:
    lines = (folder / "program.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def test_the_frozen_programme_has_five_maalepunkter_and_seven_indikatorer():
    programme = load_programme(FROZEN)
    assert [m.nr for m in programme.maalepunkter] == [1, 2, 3, 4, 5]
    assert len(programme.indikatorer) == 7
    assert [i.id for i in programme.maalepunkt(3).indikatorer] == ["lukkedage", "lukkede_institutioner",
                                                                   "handleplan_3_dage"]
    # the seed's -33 %, applied to the published baselines: 283 -> 189.61 and 9 -> 6.03 (no float noise)
    assert programme.indikator("lukkedage").target_value == 189.61
    assert programme.indikator("lukkede_institutioner").target_value == 6.03
    # the lokalområder target is provisional, the others are not
    assert [i.id for i in programme.indikatorer if i.is_provisional] == ["omraader_indsatsbehov"]
    assert programme.gang_log_areas == ("Indre Nørrebro",)


def test_every_calculation_the_file_may_name_has_a_registered_function():
    assert set(REGISTRY) == set(CALCULATIONS)


def test_an_unknown_key_names_file_line_and_key(tmp_path):
    folder = _edited(tmp_path, "yearly_requirement: {min_fall: 1.0", "yearly_requirment: {min_fall: 1.0")
    with pytest.raises(ProgrammeError) as err:
        load_programme(folder)
    line = _line_of(folder, "yearly_requirment")
    assert f"program.yaml, linje {line}, maalepunkter[0].indikatorer[0].yearly_requirment: ukendt nøgle" in str(err.value)


def test_an_unknown_calculation_is_refused(tmp_path):
    folder = _edited(tmp_path, "calculation: lukkede_institutioner", "calculation: lukkede_inst")
    with pytest.raises(ProgrammeError, match="ukendt beregning 'lukkede_inst'"):
        load_programme(folder)


def test_a_missing_key_and_a_wrong_type_are_refused_together(tmp_path):
    folder = _edited(tmp_path, "  committee: Økonomiudvalget\n", "")
    text = (folder / "program.yaml").read_text(encoding="utf-8").replace("decimals: 2", "decimals: to", 1)
    (folder / "program.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ProgrammeError) as err:
        load_programme(folder)
    message = str(err.value)
    assert "programme.committee: mangler" in message
    assert f"linje {_line_of(folder, 'decimals: to')}, maalepunkter[3].indikatorer[0].decimals: skal være et helt tal" in message


def test_a_parameter_of_another_calculation_is_refused(tmp_path):
    folder = _edited(tmp_path, "answers: [4, 5]", "answers: [4, 5]\n        working_days: 3")
    with pytest.raises(ProgrammeError, match="parameteren 'working_days' hører ikke til beregningen andel_utrygge"):
        load_programme(folder)


def test_a_missing_parameter_is_refused(tmp_path):
    folder = _edited(tmp_path, "        omraade: Indre Nørrebro\n", "")
    with pytest.raises(ProgrammeError, match="bandelog_seneste skal have parameteren 'omraade'"):
        load_programme(folder)


def test_a_goal_area_must_exist(tmp_path):
    folder = _edited(tmp_path, "goal_area: kriminalitet", "goal_area: kriminalitetet")
    with pytest.raises(ProgrammeError, match="goal_area 'kriminalitetet' findes ikke"):
        load_programme(folder)


def test_a_target_value_must_agree_with_its_reduction(tmp_path):
    folder = _edited(tmp_path, "target: {year: 2017, reduction_pct: 33}", "target: {year: 2017, value: 180, reduction_pct: 33}")
    with pytest.raises(ProgrammeError, match="ikke basisværdien minus 33"):
        load_programme(folder)


def test_bydele_with_years(tmp_path):
    folder = _edited(tmp_path, "  - Vesterbro/Kongens Enghave\n",
                     "  - {navn: Vesterbro/Kongens Enghave, til: 2017}\n  - {navn: Vesterbro, fra: 2018}\n")
    programme = load_programme(folder)
    assert "Vesterbro" not in programme.bydele_in(2017) and "Vesterbro/Kongens Enghave" in programme.bydele_in(2017)
    assert "Vesterbro" in programme.bydele_in(2018) and "Vesterbro/Kongens Enghave" not in programme.bydele_in(2018)


def test_a_year_file_is_strict_too(tmp_path):
    folder = tmp_path / "params"
    shutil.copytree(FROZEN, folder)
    (folder / "2017.yaml").write_text("aar: 2017\ntitle: Status\nforelagt: juni\n", encoding="utf-8")
    with pytest.raises(ProgrammeError, match="2017.yaml, linje 3, forelagt: ukendt nøgle"):
        load_year_params(2017, folder)


def test_validate_and_run_refuse_a_broken_programme_before_anything_runs(tmp_path, capsys):
    folder = _edited(tmp_path, "yearly_requirement: {min_fall: 1.0", "yearly_requirment: {min_fall: 1.0")
    assert main(["validate", "--params", str(folder)]) == 1
    assert "yearly_requirment: ukendt nøgle" in capsys.readouterr().err
    out = tmp_path / "out"
    assert main(["run", "--year", "2017", "--params", str(folder), "--out", str(out), "--quiet"]) == 1
    assert "yearly_requirment: ukendt nøgle" in capsys.readouterr().err
    assert not (out / "2017").exists()
