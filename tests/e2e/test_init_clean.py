"""``sikkerby init`` (an editable project folder) and ``sikkerby clean`` (the cache and failed builds)."""

from __future__ import annotations

import fcntl

import pytest

from sikkerby.cli import main
from sikkerby.config.paths import default_notebooks_dir, default_params_dir


def test_init_writes_an_editable_copy(tmp_path, capsys):
    project = tmp_path / "kommune"
    assert main(["init", str(project)]) == 0
    out = capsys.readouterr().out
    assert "Projektmappe lavet" in out and "--params params --notebooks notebooks" in out
    for folder, source, pattern in (("params", default_params_dir(), "*.yaml"),
                                    ("notebooks", default_notebooks_dir(), "*.ipynb")):
        shipped = {p.name: p.read_bytes() for p in source.glob(pattern)}
        assert shipped and {p.name: p.read_bytes() for p in (project / folder).iterdir()} == shipped
    assert "sikkerby run --year 2017" in (project / "LÆS-MIG.md").read_text(encoding="utf-8")


def test_init_never_overwrites(tmp_path, capsys):
    (tmp_path / "params").mkdir()
    assert main(["init", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "findes allerede og overskrives ikke" in err and "Traceback" not in err
    assert list((tmp_path / "params").iterdir()) == []
    afile = tmp_path / "fil.txt"
    afile.write_text("x")
    assert main(["init", str(afile)]) == 1
    assert "er ikke en mappe" in capsys.readouterr().err


def test_validate_and_template_take_the_project_params(tmp_path, capsys):
    project = tmp_path / "kommune"
    assert main(["init", str(project)]) == 0
    programme = project / "params" / "program.yaml"
    text = programme.read_text(encoding="utf-8")
    assert "BUF:" in text
    programme.write_text(text.replace("BUF:", "BUFX:", 1), encoding="utf-8")  # a municipality renames a code
    capsys.readouterr()
    assert main(["template", "--out", str(tmp_path / "skabelon"), "--params", str(project / "params")]) == 0
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "skabelon" / "aktiviteter.xlsx")
    assert "BUFX" in [c.value for c in wb["lister"]["A"]] + [c.value for c in wb["lister"]["B"]]
    assert main(["validate", "--params", str(project / "params")]) == 0
    assert capsys.readouterr().out.strip().endswith("OK")
    assert main(["validate", "--params", str(tmp_path / "ingen")]) == 1
    err = capsys.readouterr().err
    assert "program.yaml" in err and "Traceback" not in err


def _leftovers(out):
    (out / "2017").mkdir(parents=True)
    (out / "2017" / "index.html").write_text("publikation")
    cache = out / ".sikkerby-cache" / "datasets" / ("a" * 64)
    cache.mkdir(parents=True)
    (cache / "tryghedsundersoegelse.parquet").write_bytes(b"PAR1")
    (out / ".2017.failed-20180101-120000").mkdir()
    (out / ".2017.failed-20180101-120000" / "run.log").write_text("log")
    (out / ".2016.build-abcd1234").mkdir()
    (out / ".2017.lock").write_text("")


def test_clean_removes_cache_and_failed_builds_only(tmp_path, capsys, monkeypatch):
    out = tmp_path / "outputs"
    _leftovers(out)
    monkeypatch.chdir(tmp_path)
    assert main(["clean", "--out", "outputs"]) == 0
    text = capsys.readouterr().out
    assert "Slettet: outputs/.sikkerby-cache – de validerede inddata (mellemlageret)" in text
    assert "fejlet byggeri for 2017" in text and "efterladt byggemappe for 2016" in text
    assert sorted(p.name for p in out.iterdir() if not p.name.endswith(".lock")) == ["2017"]
    assert (out / "2017" / "index.html").read_text() == "publikation"
    assert main(["clean", "--out", "outputs"]) == 0
    assert "Intet at rydde op i outputs" in capsys.readouterr().out


def test_clean_leaves_a_year_being_built_alone(tmp_path, capsys):
    out = tmp_path / "outputs"
    _leftovers(out)
    with open(out / ".2017.lock", "a+") as held:  # a running `sikkerby run` holds this lock
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert main(["clean", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "En kørsel bygger 2017" in err and "Traceback" not in err
    assert (out / ".sikkerby-cache").is_dir() and (out / ".2017.failed-20180101-120000").is_dir()


def test_clean_of_a_missing_folder_is_an_error(tmp_path, capsys):
    assert main(["clean", "--out", str(tmp_path / "nope")]) == 1
    assert "findes ikke" in capsys.readouterr().err


@pytest.mark.slow
def test_a_run_keeps_its_validated_data_in_the_output_folder_until_clean(tmp_path, monkeypatch, capsys):
    """After a run, the survey rows are under <out>/.sikkerby-cache (private) and nowhere in HOME;
    ``sikkerby clean`` removes them and leaves the publication."""
    import stat

    from run_helpers import run_sikkerby

    home = tmp_path / "home"
    home.mkdir()
    out = tmp_path / "out"
    env = {"HOME": str(home), "XDG_CACHE_HOME": "", "SIKKERBY_CACHE_DIR": ""}  # the test session's own cache off
    done = run_sikkerby("run", "--year", "2017", "--out", out, "--quiet", "--renderer", "offline", env=env)
    assert done.returncode == 0, done.stderr
    cache = out / ".sikkerby-cache"
    entries = list((cache / "datasets").iterdir())
    assert len(entries) == 1 and (entries[0] / "tryghedsundersoegelse.parquet").is_file()
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert not list(home.rglob("*.parquet")) and not list(home.rglob("*pickle*"))
    assert not (home / ".cache" / "sikkerby").exists()
    done = run_sikkerby("clean", "--out", out, env=env)
    assert done.returncode == 0 and not cache.exists()
    assert (out / "2017" / "index.html").is_file()
