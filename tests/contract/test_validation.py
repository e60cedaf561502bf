"""Contract tests for DATA.md §1: every rule, a broken file, and the exact problem expected."""

from __future__ import annotations

import pandas as pd
import pytest
from factories import (
    D,
    spreadsheet_row,
    valid_tables,
    with_changes,
    with_column,
    with_parameters,
    with_rows,
    without_column,
    write_folder,
)

from sikkerby.config.programme import Bydel
from sikkerby.errors import InputError, Problem
from sikkerby.inputs.contract import INPUT_FILES
from sikkerby.inputs.dataset import load_dataset
from sikkerby.inputs.validation import check_folder, validate_folder


def problems_of(directory, tables, programme, **options) -> list[Problem]:
    write_folder(directory, tables, **options)
    dataset, problems = validate_folder(directory, programme)
    assert dataset is None
    return problems


def load(directory, tables, programme, **options):
    write_folder(directory, tables, **options)
    dataset, problems = validate_folder(directory, programme)
    assert problems == []
    return dataset


UNFOLLOWED = "som ingen indikator følger"


def warnings_of(directory, tables, programme, areas: bool = False, **options) -> list[Problem]:
    """The warnings of a folder that must load: each also on ``dataset.warnings`` as its text. The
    factories' gang log counts Tingbjerg too, which no indikator follows: that warning is in almost every
    folder, so warnings about areas no indikator follows are left out unless ``areas``."""
    write_folder(directory, tables, **options)
    dataset, problems, warnings = check_folder(directory, programme)
    assert problems == [] and dataset is not None
    assert all(w.warning for w in warnings)
    assert dataset.warnings == tuple(str(w) for w in warnings)
    return [w for w in warnings if areas or UNFOLLOWED not in w.rule]


def test_each_gang_log_area_no_indikator_follows_is_one_warning(tmp_path, programme):
    # the factories: Indre Nørrebro (followed, 3 counts) and Tingbjerg (1 count); a misspelt Indre Nørrebo
    tables = with_rows(valid_tables(), "bandelog", {"dato": D(2015, 6, 30), "omraade": "Indre Nørrebo",
                                                    "antal_personer": 31},
                       {"dato": D(2015, 9, 30), "omraade": "Indre Nørrebo", "antal_personer": 29})
    warnings = warnings_of(tmp_path, tables, programme, areas=True)
    assert [(w.file, w.row, w.column, w.rule) for w in warnings] == [  # in the order file, row, column, rule
        ("bandelog.csv", None, "omraade", "1 opgørelse for området 'Tingbjerg', som ingen indikator følger "
                                          "(er navnet stavet som i programfilen?)"),
        ("bandelog.csv", None, "omraade", "2 opgørelser for området 'Indre Nørrebo', som ingen indikator følger "
                                          "(er navnet stavet som i programfilen?)")]
    # followed in any case and spacing: no warning, spelt as the programme spells it
    followed_only = valid_tables()
    followed_only["bandelog"] = [dict(followed_only["bandelog"][0], omraade=" indre NØRREBRO"),
                                 *followed_only["bandelog"][1:2], *followed_only["bandelog"][3:]]
    assert warnings_of(tmp_path / "b", followed_only, programme, areas=True) == []


# (input, row index, changes, file, column, rule substring, value shown)
RULES = [
    # tryghedsundersoegelse
    ("tryghedsundersoegelse", 1, {"aar": "2013.5"}, "aar", "skal være et helt tal", "2013.5"),
    ("tryghedsundersoegelse", 1, {"aar": None}, "aar", "må ikke være tom", None),
    ("tryghedsundersoegelse", 2, {"respondent_id": None}, "respondent_id", "må ikke være tom", None),
    ("tryghedsundersoegelse", 2, {"bydel": "Frederiksberg"}, "bydel", "skal være en af programmets bydele", "Frederiksberg"),
    ("tryghedsundersoegelse", 3, {"vaegt": 0.0}, "vaegt", "skal være større end 0", "0.0"),
    ("tryghedsundersoegelse", 3, {"vaegt": -1.5}, "vaegt", "skal være større end 0", "-1.5"),
    ("tryghedsundersoegelse", 3, {"vaegt": "en"}, "vaegt", "skal være et tal", "en"),
    ("tryghedsundersoegelse", 3, {"vaegt": None}, "vaegt", "må ikke være tom", None),
    ("tryghedsundersoegelse", 0, {"tryghed_aften": 7}, "tryghed_aften", "skal være mellem 1 og 5", "7"),
    ("tryghedsundersoegelse", 0, {"tryghed_aften": 0}, "tryghed_aften", "skal være mellem 1 og 5", "0"),
    ("tryghedsundersoegelse", 0, {"tryghed_aften": "3,5"}, "tryghed_aften", "skal være et helt tal", "3,5"),
    ("tryghedsundersoegelse", 0, {"koen": "x"}, "koen", "skal være en af: k, m", "x"),
    # digits outside ASCII (Arabic-Indic) are no number for the parsers: a problem, not a traceback or 'too big'
    ("tryghedsundersoegelse", 1, {"aar": "٢٠١٣"}, "aar", "skal være et helt tal", "٢٠١٣"),
    ("tryghedsundersoegelse", 3, {"vaegt": "١"}, "vaegt", "skal være et tal", "١"),
    # tryghedsindeks
    ("tryghedsindeks", 1, {"indsatsbehov": "høj"}, "indsatsbehov",
     "skal være en af: minimal, reduceret, ordinær, intensiveret, markant", "høj"),
    ("tryghedsindeks", 1, {"indsatsbehov": None}, "indsatsbehov", "må ikke være tom", None),
    ("tryghedsindeks", 1, {"bydel": "Amager"}, "bydel", "skal være en af programmets bydele", "Amager"),
    ("tryghedsindeks", 1, {"omraade": None}, "omraade", "må ikke være tom", None),
    ("tryghedsindeks", 1, {"indeksvaerdi": "høj"}, "indeksvaerdi", "skal være et tal", "høj"),
    # lukninger
    ("lukninger", 0, {"startdato": "2017-02-30"}, "startdato", "skal være en gyldig dato", "2017-02-30"),
    ("lukninger", 0, {"startdato": "31-04-2013"}, "startdato", "skal være en gyldig dato", "31-04-2013"),
    ("lukninger", 0, {"startdato": "2013/03/04"}, "startdato", "skal være en gyldig dato", "2013/03/04"),
    ("lukninger", 0, {"startdato": None}, "startdato", "må ikke være tom", None),
    ("lukninger", 0, {"slutdato": D(2013, 3, 3)}, "slutdato", "slutdato skal være samme dag som startdato eller senere",
     "2013-03-03 er før startdato 2013-03-04"),
    ("lukninger", 0, {"planlagt": "måske"}, "planlagt", "skal være ja/nej, true/false eller 1/0", "måske"),
    ("lukninger", 0, {"planlagt": None}, "planlagt", "må ikke være tom", None),
    ("lukninger", 0, {"handleplan_dato": "snart"}, "handleplan_dato", "skal være en gyldig dato", "snart"),
    ("lukninger", 2, {"institution": None}, "institution", "må ikke være tom", None),
    ("lukninger", 2, {"forvaltning": None}, "forvaltning", "må ikke være tom", None),
    # sigtelser
    ("sigtelser", 0, {"alder": 14}, "alder", "skal være mellem 15 og 25", "14"),
    ("sigtelser", 0, {"alder": 26}, "alder", "skal være mellem 15 og 25", "26"),
    ("sigtelser", 0, {"befolkning": -1}, "befolkning", "skal være mindst 0", "-1"),
    ("sigtelser", 0, {"sigtede": -1}, "sigtede", "skal være mindst 0", "-1"),
    ("sigtelser", 0, {"sigtede": 1001}, "sigtede", "sigtede må ikke være større end befolkning",
     "1001 sigtede, befolkning 1000"),
    ("sigtelser", 0, {"koen": "kvinde"}, "koen", "skal være en af: k, m", "kvinde"),
    # bandelog
    ("bandelog", 0, {"antal_personer": -1}, "antal_personer", "skal være mindst 0", "-1"),
    ("bandelog", 0, {"antal_personer": 2.5}, "antal_personer", "skal være et helt tal", "2.5"),
    ("bandelog", 0, {"dato": "2014-13-01"}, "dato", "skal være en gyldig dato", "2014-13-01"),
    ("bandelog", 0, {"dato": "٢٠١٤-٠٣-٣١"}, "dato", "skal være en gyldig dato", "٢٠١٤-٠٣-٣١"),
    ("bandelog", 0, {"omraade": None}, "omraade", "må ikke være tom", None),
    # aktiviteter
    ("aktiviteter", 0, {"indsatsomraade": "VI"}, "indsatsomraade", "skal være en af: I, II, III, IV, V", "VI"),
    ("aktiviteter", 0, {"evidensniveau": "god"}, "evidensniveau",
     "skal være en af: effektiv, lovende, utilstraekkelig, ingen_effekt, skadelig", "god"),
    ("aktiviteter", 0, {"forandringsteori": "nok"}, "forandringsteori", "skal være ja/nej, true/false eller 1/0", "nok"),
    ("aktiviteter", 0, {"foerste_aar_i_model": "2014,5"}, "foerste_aar_i_model", "skal være et helt tal", "2014,5"),
    ("aktiviteter", 1, {"forventet_aar_i_model": "snart"}, "forventet_aar_i_model", "skal være et helt tal", "snart"),
    ("aktiviteter", 1, {"navn": None}, "navn", "må ikke være tom", None),
    # succeskriterier
    ("succeskriterier", 0, {"resultat": "glæde"}, "resultat", "skal være en af: fritidstilbud, uddannelse", "glæde"),
    ("succeskriterier", 0, {"retning": "opad"}, "retning", "skal være en af: op, ned", "opad"),
    ("succeskriterier", 2, {"maal": None}, "maal", "må ikke være tom", None),
    ("succeskriterier", 2, {"maal": 100.0}, "maal", "maal må ikke være lig baseline", "100"),
    ("succeskriterier", 2, {"retning": "op"}, "retning", "retning skal passe med baseline og maal",
     "op (baseline 100, maal 80)"),
    ("succeskriterier", 2, {"vaerdi": "mange"}, "vaerdi", "skal være et tal", "mange"),
    ("succeskriterier", 2, {"aktivitet_id": "A9"}, "aktivitet_id", "aktivitet_id findes ikke i aktiviteter.csv", "A9"),
    ("succeskriterier", 1, {"baseline": 21.0}, "baseline",
     "baseline skal være den samme i alle rækker for samme kriterium", "21, men 20 i række 2"),
    ("succeskriterier", 1, {"baseline": None}, "baseline",
     "baseline skal være den samme i alle rækker for samme kriterium", "tom, men 20 i række 2"),
]


@pytest.mark.parametrize("name, index, changes, column, rule, value", RULES,
                         ids=[f"{r[0]}-{r[4]}-{list(r[2].values())[0]}" for r in RULES])
def test_each_rule_gives_exactly_one_problem_naming_file_row_column(tmp_path, programme, name, index, changes,
                                                                      column, rule, value):
    problems = problems_of(tmp_path, with_changes(valid_tables(), name, index, **changes), programme)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.file, problem.row, problem.column) == (f"{name}.csv", spreadsheet_row(index), column)
    assert rule in problem.rule
    assert problem.value == value


def test_maal_changing_within_a_criterion_is_refused_at_the_changed_row(tmp_path, programme):
    # Row index 1 repeats criterion (A1, K1) of row index 0 (spreadsheet row 2) with another maal;
    # retning 'op' still agrees (35 > 20), so only the constancy rule is broken.
    tables = with_changes(valid_tables(), "succeskriterier", 1, maal=35.0)
    [problem] = problems_of(tmp_path, tables, programme)
    assert (problem.file, problem.row, problem.column) == ("succeskriterier.csv", 3, "maal")
    assert "maal skal være den samme i alle rækker for samme kriterium" in problem.rule
    assert problem.value == "35, men 30 i række 2"


@pytest.mark.parametrize("name, index, changes, keys", [
    ("tryghedsundersoegelse", 1, {"respondent_id": "R1"}, "aar, respondent_id"),
    ("tryghedsindeks", 1, {"omraade": "Indre Nørrebro"}, "aar, omraade"),
    ("lukninger", 1, {"lukning_id": "L1"}, "lukning_id"),
    ("aktiviteter", 1, {"aktivitet_id": "A1"}, "aktivitet_id"),
    ("succeskriterier", 1, {"aar": 2014}, "aktivitet_id, kriterie_id, aar"),
])
def test_unique_groups(tmp_path, programme, name, index, changes, keys):
    tables = with_changes(valid_tables(), name, index, **changes)
    [problem] = problems_of(tmp_path, tables, programme)
    assert (problem.file, problem.row, problem.column) == (f"{name}.csv", spreadsheet_row(index), keys)
    assert "skal være entydig" in problem.rule
    assert problem.value.endswith(f"(som række {spreadsheet_row(index - 1)})")


def test_empty_keys_are_reported_as_empty_not_as_repeated(tmp_path, programme):
    tables = with_changes(valid_tables(), "lukninger", 0, lukning_id=None)
    tables = with_changes(tables, "lukninger", 1, lukning_id=None)
    tables = with_changes(tables, "succeskriterier", 0, aktivitet_id=None)
    problems = problems_of(tmp_path, tables, programme)
    assert sorted((p.file, p.row, p.column, p.rule) for p in problems) == [
        ("lukninger.csv", 2, "lukning_id", "må ikke være tom"),
        ("lukninger.csv", 3, "lukning_id", "må ikke være tom"),
        ("succeskriterier.csv", 2, "aktivitet_id", "må ikke være tom"),
    ]


def test_same_respondent_id_in_another_year_is_allowed(tmp_path, programme):
    # valid_tables() has R1..R5 in both 2013 and 2014
    dataset = load(tmp_path, valid_tables(), programme)
    assert (dataset.tryghedsundersoegelse["respondent_id"] == "R1").sum() == 2


def test_sigtelser_repeated_groups_are_a_warning_and_are_added_up(tmp_path, programme):
    # not in DATA.md: rows of one age and sex may be parts (districts) that add up
    tables = valid_tables()
    for row in tables["sigtelser"]:
        row["koen"] = None
    # rows 0/1 (2013, 15) and 2/3 (2013, 25) now repeat each other
    warnings = [w for w in warnings_of(tmp_path, tables, programme) if w.column == "aar, alder, koen"]
    assert sorted(w.row for w in warnings) == [3, 5]
    assert "lægges sammen" in warnings[0].rule


def test_two_different_gang_log_counts_for_one_area_and_day_are_a_warning_and_the_lower_is_used(tmp_path,
                                                                                                 programme):
    from sikkerby.model.calculations.gang_log import bandelog_latest_per_year

    # row index 2 (Tingbjerg, 12) moved to Indre Nørrebro on 2014-12-31, where row index 1 counts 35
    # (not a key in DATA.md: docs/data-contract.md §7.2 makes it a warning naming both rows)
    tables = with_changes(valid_tables(), "bandelog", 2, omraade="Indre Nørrebro")
    [warning] = warnings_of(tmp_path, tables, programme)
    assert (warning.file, warning.row, warning.column) == ("bandelog.csv", 4, "dato, omraade")
    assert "forskelligt antal_personer; den nederste i filen bruges" in warning.rule
    assert warning.value == "2014-12-31 / Indre Nørrebro: 12, men 35 i række 3"
    dataset = load(tmp_path / "again", tables, programme)
    assert bandelog_latest_per_year(dataset.bandelog, "Indre Nørrebro").to_dict() == {2014: 12, 2015: 30}


def test_the_same_gang_log_count_twice_is_a_warning(tmp_path, programme):
    tables = with_rows(valid_tables(), "bandelog", valid_tables()["bandelog"][1])
    [warning] = warnings_of(tmp_path, tables, programme)
    assert (warning.file, warning.row, warning.column) == ("bandelog.csv", 6, "dato, omraade")
    assert "står to gange" in warning.rule


def test_an_unusual_age_in_the_survey_is_a_warning(tmp_path, programme):
    # alder is optional and unused by any calculation; DATA.md sets no range for it
    tables = with_changes(valid_tables(), "tryghedsundersoegelse", 0, alder=121)
    [warning] = warnings_of(tmp_path, tables, programme)
    assert (warning.file, warning.row, warning.column) == ("tryghedsundersoegelse.csv", 2, "alder")
    assert warning.rule == "usædvanlig værdi: forventet mellem 0 og 120"
    assert warning.value == "121"


def test_a_population_jump_from_one_year_to_the_next_is_a_warning(tmp_path, programme):
    # 2013, age 15, k: 1000; 2014, age 15, k: 1010 -> 3010 (more than half again, and 100 or more)
    tables = with_changes(valid_tables(), "sigtelser", 4, befolkning=3010)
    [warning] = warnings_of(tmp_path, tables, programme)
    assert (warning.file, warning.row, warning.column) == ("sigtelser.csv", 6, "befolkning")
    assert warning.value == "1.000 i 2013, 3.010 i 2014"
    # 1000 -> 1400 is not unusual
    assert warnings_of(tmp_path / "b", with_changes(valid_tables(), "sigtelser", 4, befolkning=1400), programme) == []


def test_a_survey_year_with_a_third_of_the_answers_is_a_warning(tmp_path, programme):
    tables = valid_tables()
    tables["tryghedsundersoegelse"] = tables["tryghedsundersoegelse"][:5] + tables["tryghedsundersoegelse"][5:6]
    [warning] = warnings_of(tmp_path, tables, programme)
    assert (warning.file, warning.row, warning.column) == ("tryghedsundersoegelse.csv", None, "aar")
    assert "2014 (1)" in warning.rule and "2013 (5)" in warning.rule


@pytest.mark.parametrize("weight, shown", [("1e-320", "1e-320"), ("1e300", "1e+300")])
def test_extreme_survey_weights_are_a_warning(tmp_path, programme, weight, shown):
    tables = with_changes(valid_tables(), "tryghedsundersoegelse", 1, vaegt=weight)
    [warning] = warnings_of(tmp_path, tables, programme)
    assert (warning.file, warning.row, warning.column) == ("tryghedsundersoegelse.csv", 3, "vaegt")
    assert "konfidensintervallet ikke kan beregnes" in warning.rule
    assert warning.value == shown


def test_survey_weights_far_apart_within_a_year_are_a_warning(tmp_path, programme):
    # 2013's weights 1.0, 0.5, 1.25, 2.0, 0.8 with one of them 0.0001: 2.0 / 0.0001 = 20,000 > 1,000
    tables = with_changes(valid_tables(), "tryghedsundersoegelse", 1, vaegt=0.0001)
    [warning] = warnings_of(tmp_path, tables, programme)
    assert (warning.file, warning.row, warning.column) == ("tryghedsundersoegelse.csv", None, "vaegt")
    assert warning.rule.startswith("vægtene i 2013 spænder fra 0,0001 til 2 (over 1.000 gange)")


def test_missing_required_column(tmp_path, programme):
    [problem] = problems_of(tmp_path, without_column(valid_tables(), "lukninger", "handleplan_dato"), programme)
    assert (problem.file, problem.row, problem.column) == ("lukninger.csv", 1, "handleplan_dato")
    assert "mangler" in problem.rule


def test_optional_columns_may_be_missing_and_are_added_empty(tmp_path, programme):
    tables = without_column(valid_tables(), "sigtelser", "koen")
    tables = without_column(tables, "tryghedsundersoegelse", "alder")
    tables = without_column(tables, "tryghedsindeks", "indeksvaerdi")
    tables = without_column(tables, "lukninger", "aarsag")
    dataset = load(tmp_path, tables, programme)
    assert list(dataset.sigtelser.columns) == ["aar", "alder", "koen", "befolkning", "sigtede"]
    assert dataset.sigtelser["koen"].isna().all() and dataset.sigtelser["koen"].dtype == "str"
    assert dataset.tryghedsundersoegelse["alder"].isna().all()
    assert dataset.tryghedsundersoegelse["alder"].dtype == "Int64"
    assert dataset.tryghedsindeks["indeksvaerdi"].dtype == "float64"
    assert dataset.lukninger["aarsag"].isna().all()


def test_extra_columns_are_ignored_and_columns_follow_the_contract_order(tmp_path, programme):
    tables = with_column(valid_tables(), "bandelog", "kommentar", ["a", "b", "c", "d"])
    for i, row in enumerate(tables["bandelog"]):  # deliver the columns in another order
        tables["bandelog"][i] = {k: row[k] for k in ("kommentar", "antal_personer", "omraade", "dato")}
    dataset = load(tmp_path, tables, programme)
    assert list(dataset.bandelog.columns) == ["dato", "omraade", "antal_personer"]
    assert dataset.bandelog["antal_personer"].tolist() == [40, 35, 12, 30]


def test_header_names_ignore_case_and_surrounding_spaces(tmp_path, programme):
    tables = valid_tables()
    tables["bandelog"] = [{" Dato": r["dato"], "OMRAADE ": r["omraade"], "Antal_Personer": r["antal_personer"]}
                          for r in tables["bandelog"]]
    dataset = load(tmp_path, tables, programme)
    assert list(dataset.bandelog.columns) == ["dato", "omraade", "antal_personer"]


def test_a_column_twice_in_the_header_is_refused(tmp_path, programme):
    write_folder(tmp_path)
    (tmp_path / "bandelog.csv").write_text("dato,omraade,antal_personer,omraade\n2014-03-31,Indre Nørrebro,40,x\n",
                                           encoding="utf-8")
    _, problems = validate_folder(tmp_path, programme)
    [problem] = problems
    assert (problem.file, problem.row, problem.column) == ("bandelog.csv", 1, "omraade")
    assert "mere end én gang" in problem.rule


def test_dtypes_columns_and_index_after_loading(tmp_path, programme):
    dataset = load(tmp_path, valid_tables(), programme)
    expected = {"int": "int64", "float": "float64", "text": "str", "date": "datetime64[ns]", "bool": "bool"}
    for spec in INPUT_FILES:
        frame = dataset.table(spec.name)
        assert list(frame.columns) == list(spec.column_names), spec.name
        assert isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0, spec.name
        for column in spec.columns:
            want = "Int64" if column.type == "int" and column.nullable else expected[column.type]
            assert str(frame[column.name].dtype) == want, (spec.name, column.name)
    assert dataset.source_files["lukninger"] == tmp_path / "lukninger.csv"
    assert dataset.source_dir == tmp_path


def test_loaded_values(tmp_path, programme):
    dataset = load(tmp_path, valid_tables(), programme)
    survey = dataset.tryghedsundersoegelse
    # 9 and empty are "ved ikke/uoplyst" -> <NA>
    assert survey["tryghed_aften"].tolist()[:6] == [1, 4, 5, pd.NA, pd.NA, 2]
    assert survey["vaegt"].tolist()[:3] == [1.0, 0.5, 1.25]
    closures = dataset.lukninger
    assert closures["startdato"].tolist()[1] == pd.Timestamp(2013, 12, 30)
    assert closures["planlagt"].tolist() == [False, False, True, False]
    assert closures["handleplan_dato"].isna().tolist() == [False, True, True, False]
    activities = dataset.aktiviteter
    assert activities["navn"][0] == 'SSP-samarbejdet "Tryg & sikker" <ung>'
    assert activities["foerste_aar_i_model"].tolist() == [2014, pd.NA, 2015]
    assert dataset.succeskriterier["baseline"].isna().tolist() == [False, False, False, True]


def test_vocabulary_aliases_and_case_are_canonicalised(tmp_path, programme):
    tables = with_changes(valid_tables(), "tryghedsindeks", 2, indsatsbehov="ordinaer")
    tables = with_changes(tables, "tryghedsindeks", 0, indsatsbehov="Markant", bydel="nørrebro")
    tables = with_changes(tables, "tryghedsundersoegelse", 0, koen="K")
    dataset = load(tmp_path, tables, programme)
    assert dataset.tryghedsindeks["indsatsbehov"].tolist()[:3] == ["markant", "intensiveret", "ordinær"]
    assert dataset.tryghedsindeks["bydel"][0] == "Nørrebro"
    assert dataset.tryghedsundersoegelse["koen"][0] == "k"


def test_bydele_come_from_the_programme(tmp_path, programme):
    from dataclasses import replace

    smaller = replace(programme, bydele=(Bydel("Nørrebro"),))
    write_folder(tmp_path)
    _, problems = validate_folder(tmp_path, smaller)
    # every survey row but the Nørrebro one (index 2), every index row but the Nørrebro ones, closures not on Nørrebro
    survey = sorted(p.row for p in problems if p.file == "tryghedsundersoegelse.csv")
    assert survey == [2, 3, 5, 6, 7, 8, 9, 10, 11]
    assert sorted(p.row for p in problems if p.file == "lukninger.csv") == [4, 5]


def test_a_bydel_is_valid_only_in_its_years(tmp_path, programme):
    from dataclasses import replace

    # Valby until 2015, Nørrebro from 2014. Refused: the survey's 2013 Nørrebro answer (spreadsheet row 4),
    # the index's 2013 Nørrebro area (row 2), the two 2013 Nørrebro closures (rows 2, 3, by start date) and
    # the 2016 Valby closure (row 5). The 2013 Valby answer and the 2014 Nørrebro area are valid.
    split = replace(programme, bydele=tuple(
        Bydel(b.navn, til=2015) if b.navn == "Valby" else Bydel(b.navn, fra=2014) if b.navn == "Nørrebro" else b
        for b in programme.bydele))
    write_folder(tmp_path)
    _, problems = validate_folder(tmp_path, split)
    found = sorted((p.file, p.row) for p in problems)
    assert found == [("lukninger.csv", 2), ("lukninger.csv", 3), ("lukninger.csv", 5),
                     ("tryghedsindeks.csv", 2), ("tryghedsundersoegelse.csv", 4)]
    assert all(p.column == "bydel" for p in problems)
    valby = next(p for p in problems if p.file == "lukninger.csv" and p.row == 5)
    assert "Valby" in valby.rule and "2015" in valby.rule
    # without years every name is valid in every year
    assert validate_folder(tmp_path, programme)[1] == []


def test_every_problem_of_every_file_is_reported_at_once(tmp_path, programme):
    tables = with_changes(valid_tables(), "sigtelser", 0, alder=14)
    tables = with_changes(tables, "bandelog", 1, antal_personer=-3)
    tables = with_changes(tables, "lukninger", 3, planlagt="x", slutdato=D(2016, 3, 1))
    del tables["aktiviteter"]
    problems = problems_of(tmp_path, tables, programme)
    found = {(p.file, p.row, p.column) for p in problems}
    assert found == {("sigtelser.csv", 2, "alder"), ("bandelog.csv", 3, "antal_personer"),
                     ("lukninger.csv", 5, "planlagt"), ("lukninger.csv", 5, "slutdato"),
                     ("aktiviteter.csv", None, None)}
    missing = next(p for p in problems if p.file == "aktiviteter.csv")
    assert "aktiviteter.csv eller aktiviteter.xlsx" in missing.rule


def test_many_identical_problems_are_capped_but_counted(tmp_path, programme):
    rows = [{"aar": 2015, "respondent_id": f"X{i}", "bydel": "Valby", "vaegt": -1.0, "tryghed_aften": 2,
             "koen": "k", "alder": 30} for i in range(25)]
    problems = problems_of(tmp_path, with_rows(valid_tables(), "tryghedsundersoegelse", *rows), programme)
    listed = [p for p in problems if p.row is not None]
    assert [p.row for p in listed] == list(range(12, 22))  # the first ten bad rows (valid rows are 2-11)
    [summary] = [p for p in problems if p.row is None]
    assert summary.column == "vaegt"
    assert summary.rule.startswith("25 rækker bryder reglen «skal være større end 0»")


def test_load_dataset_raises_input_error_with_every_problem(tmp_path, programme):
    write_folder(tmp_path, with_changes(valid_tables(), "bandelog", 0, antal_personer=-1, dato="i går"))
    with pytest.raises(InputError) as caught:
        load_dataset(tmp_path, programme)
    text = str(caught.value)
    assert "bandelog.csv, række 2, kolonne 'antal_personer': skal være mindst 0 (værdi: -1)" in text
    assert "bandelog.csv, række 2, kolonne 'dato': skal være en gyldig dato" in text


def test_missing_folder(tmp_path, programme):
    dataset, [problem] = validate_folder(tmp_path / "findes-ikke", programme)
    assert dataset is None
    assert "findes ikke" in problem.rule


def test_factories_valid_folder_is_valid_in_every_format(tmp_path, programme):
    for i, options in enumerate([{}, {"sep": ";"}, {"fmt": "xlsx"}, {"encoding": "cp1252", "sep": ";"}]):
        folder = write_folder(tmp_path / str(i), **options)
        dataset, problems = validate_folder(folder, programme)
        assert problems == [], options
        assert len(dataset.tryghedsundersoegelse) == len(valid_tables()["tryghedsundersoegelse"])


# Values the type cannot hold: well-formed, but beyond its limits (not a traceback, not a silent inf)
LIMITS = [
    ("lukninger", 0, {"slutdato": "9999-12-31"}, "slutdato",
     "dato uden for det tilladte interval (år 1900-2100)", "9999-12-31"),
    ("lukninger", 0, {"startdato": "0001-01-01"}, "startdato",
     "dato uden for det tilladte interval (år 1900-2100)", "0001-01-01"),
    ("lukninger", 3, {"handleplan_dato": "31.12.1899"}, "handleplan_dato",
     "dato uden for det tilladte interval (år 1900-2100)", "31.12.1899"),
    ("bandelog", 1, {"dato": "01-01-2101"}, "dato", "dato uden for det tilladte interval (år 1900-2100)",
     "01-01-2101"),
    ("sigtelser", 0, {"befolkning": "99999999999999999999999"}, "befolkning", "tallet er for stort (højst 18 cifre)",
     "99999999999999999999999"),
    ("sigtelser", 0, {"sigtede": "-1234567890123456789.0"}, "sigtede", "tallet er for stort (højst 18 cifre)",
     "-1234567890123456789.0"),
    ("tryghedsundersoegelse", 3, {"vaegt": "1e400"}, "vaegt", "tallet er for stort", "1e400"),
    ("succeskriterier", 2, {"vaerdi": "-1e400"}, "vaerdi", "tallet er for stort", "-1e400"),
    ("tryghedsundersoegelse", 3, {"vaegt": "nan"}, "vaegt",
     "skal være et tal (fx 17.5, eller 17,5 i en semikolonsepareret fil)", "nan"),
    ("tryghedsundersoegelse", 3, {"vaegt": "inf"}, "vaegt",
     "skal være et tal (fx 17.5, eller 17,5 i en semikolonsepareret fil)", "inf"),
    ("lukninger", 0, {"startdato": "9999-02-30"}, "startdato",  # no such day: misspelt, whatever the year
     "skal være en gyldig dato (ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ)", "9999-02-30"),
]


@pytest.mark.parametrize("name, index, changes, column, rule, value", LIMITS,
                         ids=[f"{r[0]}-{list(r[2].values())[0]}" for r in LIMITS])
def test_values_beyond_the_types_limits_are_problems(tmp_path, programme, name, index, changes, column, rule,
                                                     value):
    problems = problems_of(tmp_path, with_changes(valid_tables(), name, index, **changes), programme)
    assert problems == [Problem(f"{name}.csv", spreadsheet_row(index), column, rule, value)]


def test_values_at_the_limits_load_exactly(tmp_path, programme):
    tables = with_changes(valid_tables(), "lukninger", 2, startdato="1900-01-01", slutdato="31.12.2100")
    tables = with_changes(tables, "sigtelser", 0, befolkning="999999999999999999", sigtede="-0")
    tables = with_changes(tables, "tryghedsundersoegelse", 0, vaegt="1e300")
    dataset = load(tmp_path, tables, programme)
    assert dataset.lukninger["startdato"][2] == pd.Timestamp(1900, 1, 1)
    assert dataset.lukninger["slutdato"][2] == pd.Timestamp(2100, 12, 31)
    assert dataset.sigtelser["befolkning"][0] == 999_999_999_999_999_999  # 18 digits, no float rounding
    assert dataset.sigtelser["sigtede"][0] == 0
    assert dataset.tryghedsundersoegelse["vaegt"][0] == 1e300


def test_handleplan_before_startdato_is_a_warning_and_loads(tmp_path, programme):
    # L4 starts Friday 2016-03-18 (spreadsheet row 5); a plan the day before: made ahead of an
    # announced closure (DATA.md §1: a warning, never a refusal; it counts as on time)
    tables = with_changes(valid_tables(), "lukninger", 3, handleplan_dato=D(2016, 3, 17))
    [warning] = warnings_of(tmp_path, tables, programme)
    assert (warning.file, warning.row, warning.column) == ("lukninger.csv", 5, "handleplan_dato")
    assert warning.rule.startswith("handleplan_dato ligger før startdato; regnes som rettidig")
    assert warning.value == "2016-03-17 er før startdato 2016-03-18"
    dataset = load(tmp_path / "again", tables, programme)
    assert dataset.lukninger["handleplan_dato"][3] == pd.Timestamp(2016, 3, 17)
    assert [w for w in dataset.warnings if "handleplan" in w] == [str(warning)]
    assert str(warning).startswith("lukninger.csv, række 5, kolonne")


def test_handleplan_on_the_start_day_is_allowed(tmp_path, programme):
    tables = with_changes(valid_tables(), "lukninger", 3, handleplan_dato=D(2016, 3, 18))
    assert load(tmp_path, tables, programme).lukninger["handleplan_dato"][3] == pd.Timestamp(2016, 3, 18)


def test_bandelog_without_the_programmes_area_is_a_warning(tmp_path, programme):
    tables = valid_tables()
    for row in tables["bandelog"]:
        row["omraade"] = "Tingbjerg" if row["omraade"] == "Indre Nørrebro" else "Mjølnerparken"
    tables["bandelog"] = [dict(r, dato=D(2014 + i, 6, 30)) for i, r in enumerate(tables["bandelog"])]
    assert warnings_of(tmp_path, tables, programme)[:1] == [
        Problem("bandelog.csv", None, "omraade",
                "ingen opgørelser for programmets område 'Indre Nørrebro' (programfilen: omraade for beregningen "
                "bandelog_seneste); filen har 'Mjølnerparken', 'Tingbjerg'; målepunktet kan ikke vurderes",
                warning=True)]


def test_every_gang_log_area_of_the_programme_is_looked_for(tmp_path, programme):
    import dataclasses

    # the area is the indikator's parameter: with Tingbjerg the valid tables have counts, with Husum they do not
    # (a warning: the målepunkt cannot be assessed; DATA.md §1 makes it no reason to refuse the delivery)
    write_folder(tmp_path)

    def warned(programme):
        dataset, problems, warnings = check_folder(tmp_path, programme)
        assert problems == [] and dataset is not None
        return [w.rule.split(";")[0] for w in warnings if UNFOLLOWED not in w.rule]

    assert warned(with_parameters(programme, "bandelog_indre_noerrebro", omraade="Tingbjerg")) == []
    husum = with_parameters(programme, "bandelog_indre_noerrebro", omraade="Husum")
    assert warned(husum) == [
        "ingen opgørelser for programmets område 'Husum' (programfilen: omraade for beregningen bandelog_seneste)"]
    # a second gang-log indikator: both areas are looked for
    gang = programme.maalepunkt(5)
    second = dataclasses.replace(gang.indikatorer[0], id="bandelog_husum", parameters={"omraade": "Husum"})
    two = dataclasses.replace(programme, maalepunkter=tuple(
        dataclasses.replace(m, indikatorer=m.indikatorer + (second,)) if m.nr == 5 else m
        for m in programme.maalepunkter))
    assert two.gang_log_areas == ("Indre Nørrebro", "Husum")
    assert warned(two) == [
        "ingen opgørelser for programmets område 'Husum' (programfilen: omraade for beregningen bandelog_seneste)"]


def test_bandelog_area_is_spelt_as_the_programme_spells_it(tmp_path, programme):
    from sikkerby.model.calculations.gang_log import bandelog_latest_per_year

    tables = with_changes(valid_tables(), "bandelog", 0, omraade="indre nørrebro")
    tables = with_changes(tables, "bandelog", 3, omraade="INDRE NØRREBRO")
    dataset = load(tmp_path, tables, programme)
    assert dataset.bandelog["omraade"].tolist() == ["Indre Nørrebro", "Indre Nørrebro", "Tingbjerg", "Indre Nørrebro"]
    # 2014: the latest count (2014-12-31) is 35; 2015: 30 (the one row, spelt in capitals in the file)
    omraade = programme.indikator("bandelog_indre_noerrebro").parameters["omraade"]
    assert bandelog_latest_per_year(dataset.bandelog, omraade).to_dict() == {2014: 35, 2015: 30}


def test_bandelog_area_spellings_count_as_one_area_for_uniqueness(tmp_path, programme):
    # row 1 (2014-12-31, Indre Nørrebro) repeated as row 6 in another case, with another count
    tables = with_rows(valid_tables(), "bandelog", {"dato": D(2014, 12, 31), "omraade": "indre nørrebro",
                                                    "antal_personer": 36})
    [warning] = warnings_of(tmp_path, tables, programme)
    assert (warning.file, warning.row, warning.column) == ("bandelog.csv", 6, "dato, omraade")
    assert warning.value == "2014-12-31 / Indre Nørrebro: 36, men 35 i række 3"
