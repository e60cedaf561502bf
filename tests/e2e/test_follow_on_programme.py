"""A follow-on programme by YAML alone (tests/programmes/sikker-by-2018-2021): the whole run.

Period 2018-2021, baselines from 2017 taken from the data, one indikator dropped
(lukkede_institutioner), a 5-working-day deadline beside the 3-day one, a second
gang-log area (Tingbjerg) and the bydel Vesterbro/Kongens Enghave split from 2018.
The data are the sample's, with 2018 made from 2017 (the split bydel's rows divided).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from sikkerby.cli import main
from sikkerby.config.programme import load_programme
from sikkerby.config.paths import SAMPLE_DATA_DIR
from sikkerby.inputs.dataset import load_dataset
from sikkerby.model.calculations.handleplan import handleplan_rettidig
from sikkerby.model.goals import maalstatus

FOLLOW_ON = Path(__file__).parents[1] / "programmes" / "sikker-by-2018-2021"
OLD_SPLIT = "Vesterbro/Kongens Enghave"


def _split(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of the split bydel go, alternately, to Vesterbro and Kongens Enghave."""
    frame = frame.copy()
    rows = frame.index[frame["bydel"] == OLD_SPLIT]
    frame.loc[rows, "bydel"] = ["Vesterbro" if i % 2 == 0 else "Kongens Enghave" for i in range(len(rows))]
    return frame


def make_follow_on_data(folder: Path) -> Path:
    """The sample data plus a year 2018 copied from 2017, with 2018 rows using the new bydele."""
    folder.mkdir(parents=True)
    read = {name: pd.read_csv(SAMPLE_DATA_DIR / f"{name}.csv", dtype=str, keep_default_na=False)
            for name in ("tryghedsundersoegelse", "tryghedsindeks", "lukninger", "sigtelser", "bandelog",
                         "aktiviteter", "succeskriterier")}
    for name in ("tryghedsundersoegelse", "tryghedsindeks", "sigtelser", "succeskriterier"):
        frame = read[name]
        new = frame[frame["aar"] == "2017"].assign(aar="2018")
        if name == "tryghedsundersoegelse":
            new["respondent_id"] = "2018-" + new["respondent_id"].str.split("-").str[-1]
        if "bydel" in new.columns:
            new = _split(new)
        read[name] = pd.concat([frame, new], ignore_index=True)
    closures = read["lukninger"]
    new = closures[closures["startdato"].str.startswith("2017") & closures["slutdato"].str.startswith("2017")].copy()
    for column in ("startdato", "slutdato", "handleplan_dato"):
        new[column] = new[column].str.replace(r"^2017", "2018", regex=True)
    new["lukning_id"] = new["lukning_id"].str.replace("2017", "2018")
    read["lukninger"] = pd.concat([closures, _split(new)], ignore_index=True)
    log = read["bandelog"]
    tingbjerg = pd.DataFrame({"dato": ["2017-06-30", "2017-12-31", "2018-06-30", "2018-12-31"],
                              "omraade": "Tingbjerg", "antal_personer": ["31", "29", "27", "24"]})
    noerrebro = log[(log["omraade"] == "Indre Nørrebro") & log["dato"].str.startswith("2017")].copy()
    noerrebro["dato"] = noerrebro["dato"].str.replace(r"^2017", "2018", regex=True)
    read["bandelog"] = pd.concat([log, tingbjerg, noerrebro], ignore_index=True)
    for name, frame in read.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def follow_on(tmp_path_factory):
    return make_follow_on_data(tmp_path_factory.mktemp("follow-on") / "data")


def test_the_follow_on_programme_is_valid_and_computes_by_yaml_alone(follow_on):
    programme = load_programme(FOLLOW_ON)
    dataset = load_dataset(follow_on, programme, reuse=False)
    table = maalstatus(dataset, programme, 2018).set_index("indikator_id")
    assert list(table.index) == [i.id for i in programme.indikatorer]
    assert "lukkede_institutioner" not in table.index
    # the 5-day deadline is the same calculation with another parameter: computed by hand from its function
    expected5 = handleplan_rettidig(dataset.lukninger, 5).loc[2018]
    expected3 = handleplan_rettidig(dataset.lukninger, 3).loc[2018]
    assert table.loc["handleplan_5_dage", "vaerdi"] == pytest.approx(expected5)
    assert table.loc["handleplan_3_dage", "vaerdi"] == pytest.approx(expected3)
    assert expected5 >= expected3
    # Tingbjerg: the latest count in 2018 (24); its baseline 2017 is taken from the data (29)
    assert table.loc["bandelog_tingbjerg", "vaerdi"] == 24
    assert table.loc["bandelog_tingbjerg", "basisvaerdi"] == 29
    assert table.loc["bandelog_tingbjerg", "status"] == "paa_sporet"
    # baselines from 2017 in the data: a sti target as reduction_pct applies to it
    base = table.loc["lukkedage", "basisvaerdi"]
    assert table.loc["lukkedage", "maalvaerdi"] == pytest.approx(base * 0.8)
    assert set(table["maalepunkt_nr"]) == {1, 2, 3, 4, 5}


def test_a_split_bydel_is_refused_outside_its_years(follow_on, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for path in follow_on.iterdir():
        (data / path.name).write_bytes(path.read_bytes())
    survey = pd.read_csv(data / "tryghedsundersoegelse.csv", dtype=str, keep_default_na=False)
    survey.loc[survey.index[-1], "bydel"] = OLD_SPLIT  # a 2018 row with the old name
    survey.to_csv(data / "tryghedsundersoegelse.csv", index=False)
    code = main(["validate", "--data", str(data), "--params", str(FOLLOW_ON)])
    assert code == 1


@pytest.mark.slow
def test_the_whole_publication_follows_the_new_programme(follow_on, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["run", "--year", "2018", "--data", str(follow_on), "--params", str(FOLLOW_ON),
                 "--out", str(out), "--quiet"])
    assert code == 0, capsys.readouterr().err
    year = out / "2018"
    status = pd.read_csv(year / "maalstatus.csv")
    assert list(status["indikator_id"]) == [i.id for i in load_programme(FOLLOW_ON).indikatorer]
    html = " ".join(p.read_text(encoding="utf-8") for p in sorted(year.glob("*.html")))
    text = re.sub(r"<[^>]+>", " ", html)
    pdf = " ".join(page.extract_text() for page in PdfReader(year / "sikkerby-status-2018.pdf").pages)
    for published in (text, pdf):
        flat = " ".join(published.split())
        assert "2018-2021" in flat
        assert "2014-2017" not in flat
        assert "Tingbjerg" in flat
        assert "5. arbejdsdag" in flat
        assert "Kongens Enghave" in flat
        assert "Lukkede institutioner" not in flat
