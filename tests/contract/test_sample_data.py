"""The bundled synthetic sample data: reproducible, well-formed, calibrated.

The calibration figures are computed here independently of the package's measure
functions, with short pandas expressions that follow DATA.md §2 literally.
"""

from __future__ import annotations

import re

import holidays
import numpy as np
import pandas as pd
import pytest

from sikkerby.inputs.contract import INPUTS_BY_NAME
from sikkerby.inputs.personal_data import is_personal_data_column
from sikkerby.sample import SEED, generate_sample_data, scenario, write_sample_data

NAMES = tuple(INPUTS_BY_NAME)


def read(folder, name: str) -> pd.DataFrame:
    """A sample CSV as plain pandas reads it (empty cells are NaN, nothing else is)."""
    return pd.read_csv(folder / f"{name}.csv", keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def sample(sample_data_dir) -> dict[str, pd.DataFrame]:
    return {name: read(sample_data_dir, name) for name in NAMES}


# --- the files -------------------------------------------------------------------------

def test_regenerating_with_the_project_seed_reproduces_the_bundled_files(tmp_path, sample_data_dir):
    paths = write_sample_data(tmp_path)
    assert sorted(p.name for p in paths) == sorted(f"{n}.csv" for n in NAMES)
    assert sorted(p.name for p in sample_data_dir.glob("*.csv")) == sorted(p.name for p in paths)
    for path in paths:
        assert path.read_bytes() == (sample_data_dir / path.name).read_bytes(), path.name


def test_the_cli_writes_the_same_files(tmp_path, sample_data_dir):
    from sikkerby.cli import main

    assert main(["sample-data", "--out", str(tmp_path / "x")]) == 0
    for name in NAMES:
        assert (tmp_path / "x" / f"{name}.csv").read_bytes() == (sample_data_dir / f"{name}.csv").read_bytes()


def test_a_different_seed_gives_different_data():
    ours, theirs = generate_sample_data(), generate_sample_data(seed=SEED + 1)
    for name in ("tryghedsundersoegelse", "lukninger", "sigtelser", "aktiviteter", "succeskriterier"):
        assert not ours[name].equals(theirs[name]), name


def test_scale_multiplies_respondents_closures_and_activities():
    one, two = generate_sample_data(scale=1), generate_sample_data(scale=2)
    for name in ("tryghedsundersoegelse", "aktiviteter", "succeskriterier"):
        assert 1.7 <= len(two[name]) / len(one[name]) <= 2.3, name
    unplanned = {k: (~d["lukninger"]["planlagt"]).sum() for k, d in (("one", one), ("two", two))}
    assert 1.7 <= unplanned["two"] / unplanned["one"] <= 2.3
    for name in ("tryghedsindeks", "sigtelser", "bandelog"):
        assert len(two[name]) == len(one[name]), name


@pytest.mark.parametrize("bad", [0, -1, 1.5])
def test_scale_must_be_a_positive_integer(bad):
    with pytest.raises(ValueError):
        generate_sample_data(scale=bad)


def test_files_are_plain_utf8_comma_separated_with_contract_columns(sample_data_dir):
    for name in NAMES:
        raw = (sample_data_dir / f"{name}.csv").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw, name
        header = raw.decode("utf-8").split("\n", 1)[0]
        assert header.split(",") == list(INPUTS_BY_NAME[name].column_names), name


def test_dates_are_iso_and_booleans_ja_nej(sample):
    iso = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    for name, spec in INPUTS_BY_NAME.items():
        for col in spec.columns:
            cells = sample[name][col.name].dropna().astype(str)
            if col.type == "date":
                assert cells.str.match(iso).all(), (name, col.name)
            if col.type == "bool":
                assert set(cells) == {"ja", "nej"}, (name, col.name)


def test_no_column_or_cell_looks_like_a_cpr_number(sample):
    # Stricter than DATA.md §5: no ten digits in a row and no 6+4 digits at all, date or not.
    cpr_like = r"\d{6}-?\d{4}"
    for name, table in sample.items():
        assert not any(is_personal_data_column(c) for c in table.columns), name
        text = table.astype(str)
        assert not text.apply(lambda s: s.str.contains(cpr_like)).any().any(), name


def test_the_validator_accepts_the_bundled_sample_and_a_scaled_one(tmp_path, programme):
    from sikkerby.inputs.dataset import load_dataset

    load_dataset(None, programme)  # raises InputError on any problem
    write_sample_data(tmp_path, scale=2, seed=7)
    load_dataset(tmp_path, programme)


# --- the scenario matches the programme -------------------------------------------------

def test_scenario_2013_figures_are_the_programmes_published_baselines(programme):
    baseline = {i.id: i.baseline_value for i in programme.indikatorer}
    assert scenario.UTRYGHED_AFTEN[2013] == baseline["utryghed_aften"]
    assert scenario.OMRAADER_INDSATSBEHOV[2013] == baseline["omraader_indsatsbehov"]
    assert scenario.LUKKEDAGE[2013] == baseline["lukkedage"]
    assert scenario.LUKKEDE_INSTITUTIONER[2013] == baseline["lukkede_institutioner"]
    assert scenario.UNGDOMSKRIMINALITET[2013] == baseline["ungdomskriminalitet"]
    assert tuple(scenario.BYDELE) == programme.bydel_names
    assert (scenario.BANDELOG_OMRAADE,) == programme.gang_log_areas
    assert scenario.BANDELOG_OMRAADE == programme.indikator("bandelog_indre_noerrebro").parameters["omraade"]
    assert set(scenario.FORVALTNINGER) == set(programme.forvaltninger)


# --- independent calculations (DATA.md §2) ----------------------------------------------

def utryghed(survey: pd.DataFrame) -> pd.Series:
    valid = survey[survey["tryghed_aften"].between(1, 5)]
    w_utryg = valid["vaegt"].where(valid["tryghed_aften"] >= 4, 0.0)
    return 100 * w_utryg.groupby(valid["aar"]).sum() / valid.groupby("aar")["vaegt"].sum()


def indsatsbehov(index: pd.DataFrame) -> pd.Series:
    return index[index["indsatsbehov"].isin(["intensiveret", "markant"])].groupby("aar").size()


def closed_days(closures: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct (institution, calendar day) covered by an unplanned closure."""
    unplanned = closures[closures["planlagt"] == "nej"]
    days = [pd.date_range(s, e) for s, e in zip(unplanned["startdato"], unplanned["slutdato"])]
    pairs = unplanned.assign(dag=days).explode("dag")[["institution", "dag"]].drop_duplicates()
    return pairs.assign(aar=pd.to_datetime(pairs["dag"]).dt.year)


def ungdomskriminalitet(charges: pd.DataFrame) -> pd.Series:
    totals = charges.groupby("aar")[["sigtede", "befolkning"]].sum()
    return 100 * totals["sigtede"] / totals["befolkning"]


def handleplan_in_time(closures: pd.DataFrame) -> pd.Series:
    """% of unplanned closures starting in each year with a plan by the 3rd working day after the start."""
    unplanned = closures[closures["planlagt"] == "nej"]
    start = pd.to_datetime(unplanned["startdato"]).to_numpy("datetime64[D]")
    plan = pd.to_datetime(unplanned["handleplan_dato"])
    hol = np.array(sorted(holidays.country_holidays("DK", years=range(2012, 2019))), dtype="datetime64[D]")
    plan_day = plan.fillna(pd.Timestamp("2099-01-01")).to_numpy("datetime64[D]")
    # working days in (start, plan]; the start day itself is day 0
    after = np.busday_count(start + 1, np.maximum(plan_day, start) + 1, holidays=hol)
    ok = pd.Series(plan.notna().to_numpy() & (after <= 3), index=unplanned.index)
    return 100 * ok.groupby(pd.to_datetime(unplanned["startdato"]).dt.year).mean()


def test_working_day_count_matches_the_examples_of_data_md():
    hol = np.array(sorted(holidays.country_holidays("DK", years=[2016])), dtype="datetime64[D]")
    for start, last_ok in (("2016-03-18", "2016-03-23"), ("2016-03-23", "2016-03-31")):
        s, d = np.datetime64(start), np.datetime64(last_ok)
        assert np.busday_count(s + 1, d + 1, holidays=hol) == 3  # the last day in time
        assert np.busday_count(s + 1, d, holidays=hol) == 2


def test_2013_reproduces_the_published_baselines(sample):
    assert abs(utryghed(sample["tryghedsundersoegelse"])[2013] - 17.5) < 0.02
    counts = indsatsbehov(sample["tryghedsindeks"])
    assert counts[2013] == 5 and counts[2010] == 12
    days = closed_days(sample["lukninger"])
    assert (days["aar"] == 2013).sum() == 283
    assert days.loc[days["aar"] == 2013, "institution"].nunique() == 9
    assert abs(ungdomskriminalitet(sample["sigtelser"])[2013] - 1.1) < 0.005


def test_calibration_holds_for_another_seed():
    other = {k: v.copy() for k, v in generate_sample_data(seed=99).items()}
    other["lukninger"]["planlagt"] = np.where(other["lukninger"]["planlagt"], "ja", "nej")
    assert abs(utryghed(other["tryghedsundersoegelse"].astype({"tryghed_aften": "float"}))[2013] - 17.5) < 0.02
    assert indsatsbehov(other["tryghedsindeks"])[2013] == 5
    days = closed_days(other["lukninger"])
    assert (days["aar"] == 2013).sum() == 283
    assert abs(ungdomskriminalitet(other["sigtelser"])[2013] - 1.1) < 0.005


def test_2014_2017_give_a_mix_of_statuses(sample):
    u = utryghed(sample["tryghedsundersoegelse"])
    path = {y: 17.5 + (13.0 - 17.5) * (y - 2013) / 4 for y in range(2014, 2018)}
    assert u[2014] <= path[2014] and u[2013] - u[2014] >= 1.0  # on track
    assert u[2015] > path[2015]  # off track
    assert 13.0 < u[2017] < 13.5  # just misses the target
    days = closed_days(sample["lukninger"])
    per_year = days.groupby("aar").size()
    institutions = days.groupby("aar")["institution"].nunique()
    assert per_year[2016] >= per_year[2015]  # closures did not fall one year
    assert per_year[2017] <= 283 * 0.67 and institutions[2017] <= 9 * 0.67  # targets reached
    assert set(per_year.index) == {2013, 2014, 2015, 2016, 2017}
    assert ungdomskriminalitet(sample["sigtelser"])[2017] < 1.1
    assert ungdomskriminalitet(sample["sigtelser"])[2015] > 1.1
    gang = sample["bandelog"][sample["bandelog"]["omraade"] == "Indre Nørrebro"].sort_values("dato")
    last = gang.groupby(gang["dato"].str[:4])["antal_personer"].last()
    assert last["2017"] < last["2014"] < last["2015"]
    plans = handleplan_in_time(sample["lukninger"])
    assert plans[2015] == 100 and plans[2017] < 100
    assert (plans < 100).sum() >= 3


# --- the things the publication must be able to show ------------------------------------

def test_closures_include_overlaps_new_year_planned_and_late_plans(sample):
    c = sample["lukninger"]
    assert len(c.groupby(c["startdato"].str[:4])) == 5
    assert all(10 <= n <= 99 for n in c.groupby(c["startdato"].str[:4]).size())  # tens a year
    assert (c["startdato"].str[:4] != c["slutdato"].str[:4]).any()  # over New Year
    assert (c["planlagt"] == "ja").any() and set(c["forvaltning"]) == set(scenario.FORVALTNINGER)
    unplanned = c[c["planlagt"] == "nej"]
    assert unplanned["handleplan_dato"].isna().any()
    # overlapping closures of one institution: fewer distinct days than summed lengths
    lengths = (pd.to_datetime(unplanned["slutdato"]) - pd.to_datetime(unplanned["startdato"])).dt.days + 1
    assert lengths.sum() > len(closed_days(c))
    assert (pd.to_datetime(c["slutdato"]) >= pd.to_datetime(c["startdato"])).all()


def test_survey_has_ten_bydele_invalid_answers_and_plausible_size(sample):
    s = sample["tryghedsundersoegelse"]
    assert s.groupby("aar").size().between(2500, 4000).all()
    assert set(range(2013, 2018)) <= set(s["aar"])
    assert s["bydel"].nunique() == 10 and (s["vaegt"] > 0).all()
    assert (s["tryghed_aften"] == 9).any() and s["tryghed_aften"].isna().any()
    assert not s.duplicated(["aar", "respondent_id"]).any()


def test_index_has_about_35_areas_a_year_with_areas_entering_and_leaving(sample):
    t = sample["tryghedsindeks"]
    sizes = t.groupby("aar").size()
    assert list(sizes.index) == list(range(2010, 2018)) and sizes.between(28, 42).all()
    areas = t.groupby("aar")["omraade"].apply(set)
    assert any(areas[y] != areas[y + 1] for y in range(2010, 2017))


def test_charges_cover_ages_15_to_25_by_sex_with_copenhagen_populations(sample):
    g = sample["sigtelser"]
    assert g.groupby("aar").size().eq(22).all() and set(g["koen"]) == {"k", "m"}
    assert g["befolkning"].between(3500, 6500).all() and (g["sigtede"] <= g["befolkning"]).all()


def test_activities_and_criteria_exercise_the_model(sample):
    a, k = sample["aktiviteter"], sample["succeskriterier"]
    assert 35 <= len(a) <= 50 and set(a["forvaltning"]) == set(scenario.FORVALTNINGER)
    assert set(a["indsatsomraade"]) == {"I", "II", "III", "IV", "V"}
    assert a["navn"].str.contains("&").any() and a["navn"].str.contains('"').any()
    assert a["navn"].str.contains("<").any()
    assert (a["forandringsteori"] == "nej").any()
    assert ((a["forandringsteori"] == "nej") & (a["foerste_aar_i_model"] <= 2016)).any()
    assert a["foerste_aar_i_model"].isna().any() and a["forventet_aar_i_model"].isna().any()
    # every reporting year shows the model statuses of DATA.md §3
    for year in range(2014, 2018):
        f, e = a["foerste_aar_i_model"], a["forventet_aar_i_model"]
        assert (f == year).any() and (f < year).any(), year
        assert ((f.isna() | (f > year)) & (e == year + 1)).any(), year  # godt på vej
    assert ((a["foerste_aar_i_model"].isna()) & (a["forventet_aar_i_model"] <= 2017)).any()  # overdue

    per_activity = k.groupby("aktivitet_id")["kriterie_id"].nunique()
    assert set(per_activity.index) == set(a["aktivitet_id"]) and per_activity.between(1, 3).all()
    crit = k.groupby(["aktivitet_id", "kriterie_id"])
    assert (crit["baseline"].nunique(dropna=False) == 1).all() and (crit["maal"].nunique() == 1).all()
    with_baseline = k.dropna(subset=["baseline"])
    sign = np.sign(with_baseline["maal"] - with_baseline["baseline"])
    assert (sign == with_baseline["retning"].map({"op": 1, "ned": -1})).all()
    assert k["baseline"].isna().any() and k["vaerdi"].isna().any()
    attainment = (k["vaerdi"] - k["baseline"]) / (k["maal"] - k["baseline"])
    assert (attainment > 1).any() and (attainment < 0).any()
    assert set(k["aar"]) == set(scenario.AKTIVITETSAAR)
