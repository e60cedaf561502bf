"""The cache key: what changes it, what does not, and how a publication is judged up to date."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from factories import copy_programme

from sikkerby.publish import cache

FIXTURE_NOTEBOOKS = Path(__file__).parents[1] / "notebooks_fixture"


@pytest.fixture
def world(tmp_path, sample_data_dir):
    """A copy of the sample data, the fixture notebooks and the frozen 2014-2017 programme, each changeable."""
    data = tmp_path / "data"
    shutil.copytree(sample_data_dir, data)
    (data / "notes.txt").write_text("not an input file", encoding="utf-8")
    notebooks = tmp_path / "notebooks"
    shutil.copytree(FIXTURE_NOTEBOOKS, notebooks)
    params = copy_programme(tmp_path / "params")
    return data, notebooks, params


def _fp(data, notebooks, params, renderer="nbconvert+pandoc+typst"):
    return cache.fingerprint(data_dir=data, notebooks=sorted(notebooks.glob("*.ipynb")), params_dir=params,
                             renderer=renderer)


def test_key_is_stable_and_per_year(world):
    fp = _fp(*world)
    assert cache.year_key(fp, 2017) == cache.year_key(_fp(*world), 2017)
    assert cache.year_key(fp, 2016) != cache.year_key(fp, 2017)


def test_input_files_are_the_contract_inputs_only(world):
    data, _, _ = world
    names = set(cache.input_files(data))
    assert "notes.txt" not in names
    assert {Path(n).stem for n in names} == {
        "tryghedsundersoegelse", "tryghedsindeks", "lukninger", "sigtelser", "bandelog", "aktiviteter",
        "succeskriterier"}


def test_inputs_hashed_with_sha256(world):
    import hashlib

    data, _, _ = world
    fp = _fp(*world)
    path = data / "bandelog.csv"
    assert fp["inputs"]["bandelog.csv"] == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("change", ["input", "notebook", "params", "renderer"])
def test_any_change_changes_the_key(world, change):
    data, notebooks, params = world
    before = cache.year_key(_fp(data, notebooks, params), 2017)
    renderer = "nbconvert+pandoc+typst"
    if change == "input":
        with open(data / "bandelog.csv", "a", encoding="utf-8") as fh:
            fh.write("\n")
    elif change == "notebook":
        path = notebooks / "01_tryghed.ipynb"
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb["cells"][2]["source"] = "## Ændret overskrift"
        path.write_text(json.dumps(nb), encoding="utf-8")
    elif change == "params":
        with open(params / "2017.yaml", "a", encoding="utf-8") as fh:
            fh.write("# a comment changes the file\n")
    else:
        renderer = "quarto"
    assert cache.year_key(_fp(data, notebooks, params, renderer), 2017) != before


def test_package_source_is_part_of_the_key(world):
    fp = _fp(*world)
    assert "publish/run.py" in fp["package"] and "publish/render/pdf.py" in fp["package"]
    assert "templates/nbconvert/sikkerby/index.html.j2" in fp["package"]
    assert not any("__pycache__" in name for name in fp["package"])
    assert {"pandas", "papermill", "nbconvert", "typst", "python"} <= set(fp["libraries"])


def test_is_current_needs_the_key_and_every_file(tmp_path):
    year_dir = tmp_path / "2017"
    year_dir.mkdir()
    assert not cache.is_current(year_dir, "abc", ["manifest.json"])  # no manifest
    (year_dir / "manifest.json").write_text(json.dumps({"cache_key": "abc"}), encoding="utf-8")
    (year_dir / "index.html").write_text("<html></html>", encoding="utf-8")
    assert cache.is_current(year_dir, "abc", ["manifest.json", "index.html"])
    assert not cache.is_current(year_dir, "other", ["manifest.json", "index.html"])
    (year_dir / "index.html").unlink()
    assert not cache.is_current(year_dir, "abc", ["manifest.json", "index.html"])
    (year_dir / "manifest.json").write_text("{broken", encoding="utf-8")
    assert cache.stored_key(year_dir) is None
