"""Installing as a user would: a wheel built from this checkout, installed (not editable) into a fresh
virtual environment, runs ``validate``, ``template``, ``init`` and the whole 2017 publication from an
empty folder — with the notebooks, the programme folder and the templates it ships.

Offline and quick: the wheel is built with ``--no-build-isolation`` and installed with ``--no-deps``;
the fresh environment sees this test environment's dependencies through a ``.pth`` file (and
Jupyter's data files, which a normal install would put into the environment, through JUPYTER_PATH).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from sikkerby.config.paths import PROJECT_DIR

IGNORE = shutil.ignore_patterns(".venv", ".git", "outputs", "build", "dist", "*.egg-info", "__pycache__",
                                ".pytest_cache", ".bench", ".ipynb_checkpoints")


def _run(cmd, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=kwargs.pop("timeout", 600), **kwargs)


def test_make_test_runs_the_notebooks_under_nbval():
    recipe = (PROJECT_DIR / "Makefile").read_text(encoding="utf-8").split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "-m pytest --nbval-lax notebooks/" in recipe


@pytest.mark.slow
def test_nbval_fails_a_notebook_whose_cell_raises(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("raise ValueError('x')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "broken.ipynb")
    done = _run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval-lax", "-q",
                 tmp_path / "broken.ipynb"], cwd=tmp_path, timeout=300)
    assert done.returncode == 1 and "1 failed, 1 passed" in done.stdout, done.stdout[-2000:]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    shutil.copytree(PROJECT_DIR, src, ignore=IGNORE)
    done = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                 "-q", "-w", root / "dist", src], timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    (path,) = (root / "dist").glob("sikkerby-*.whl")
    return path


@pytest.mark.slow
def test_the_wheel_ships_notebooks_params_templates_and_sample_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for notebook in (PROJECT_DIR / "notebooks").glob("*.ipynb"):
        assert f"sikkerby/_defaults/notebooks/{notebook.name}" in names
    for params in (PROJECT_DIR / "params").glob("*.yaml"):
        assert f"sikkerby/_defaults/params/{params.name}" in names
    assert "sikkerby/sample_data/tryghedsundersoegelse.csv" in names
    assert "sikkerby/templates/nbconvert/sikkerby/index.html.j2" in names
    assert "sikkerby/publish/render/quarto_filter.lua" in names
    assert not any(n.startswith(("tests/", "notebooks/", "params/")) for n in names)


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """A fresh venv with the wheel installed (not editable); returns (venv bin folder, environment)."""
    root = tmp_path_factory.mktemp("venv")
    venv = root / "venv"
    done = _run([sys.executable, "-m", "venv", "--without-pip", venv])
    assert done.returncode == 0, done.stderr
    python = venv / "bin" / "python"
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    dev = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_sikkerby_test_dependencies.pth").write_text("\n".join(sorted(dev)) + "\n", encoding="utf-8")
    done = _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel])
    assert done.returncode == 0, done.stderr[-3000:]
    home = root / "home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SIKKERBY_", "PYTHON", "JUPYTER", "XDG_")) and key != "VIRTUAL_ENV"}
    env.update(HOME=str(home), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
               JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"))
    return venv / "bin", env, site, home


@pytest.mark.slow
def test_installed_package_is_not_the_checkout(installed):
    bin_dir, env, site, _ = installed
    done = _run([bin_dir / "python", "-c", "import sikkerby, sikkerby.config.paths as p; "
                 "print(sikkerby.__file__); print(p.default_params_dir()); print(p.is_source_checkout())"],
                env=env, cwd=site.parent)
    package, params, checkout = done.stdout.split()
    assert Path(package).is_relative_to(site) and Path(params) == site / "sikkerby" / "_defaults" / "params"
    assert checkout == "False"


@pytest.mark.slow
def test_installed_command_works_from_an_empty_folder(installed, tmp_path):
    bin_dir, env, site, home = installed
    work = tmp_path / "tom"
    work.mkdir()
    sikkerby = bin_dir / "sikkerby"

    done = _run([sikkerby, "validate"], env=env, cwd=work)
    assert (done.returncode, done.stdout.strip()) == (0, "OK"), done.stderr
    done = _run([sikkerby, "template", "--out", "skabelon", "--year", "2017"], env=env, cwd=work)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (work / "skabelon").iterdir()) == ["aktiviteter.xlsx", "succeskriterier.xlsx"]
    done = _run([sikkerby, "init", "projekt"], env=env, cwd=work)
    assert done.returncode == 0 and (work / "projekt" / "params" / "program.yaml").is_file(), done.stderr
    done = _run([sikkerby, "validate", "--params", "projekt/params"], env=env, cwd=work)
    assert done.returncode == 0, done.stderr

    done = _run([sikkerby, "run", "--year", "2017", "--quiet"], env=env, cwd=work, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    year = work / "outputs" / "2017"
    for name in ("index.html", "sikkerby-status-2017.pdf", "maalstatus.csv", "aktivitetsscorer.csv",
                 "manifest.json"):
        assert (year / name).is_file(), name
    assert (year / "sikkerby-status-2017.pdf").read_bytes().startswith(b"%PDF")
    manifest = json.loads((year / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["params_dir"] == str(site / "sikkerby" / "_defaults" / "params")
    assert sorted({n["source"] for n in manifest["notebooks"]}) == sorted(
        p.name for p in (site / "sikkerby" / "_defaults" / "notebooks").glob("*.ipynb"))
    assert sorted(n["file"] for n in manifest["notebooks"]) == sorted(p.name for p in (year / "notebooks").iterdir())
    assert manifest["renderer"] == "nbconvert+pandoc+typst"

    # the validated survey rows stay in the output folder, and only there
    assert list((work / "outputs" / ".sikkerby-cache" / "datasets").glob("*/tryghedsundersoegelse.parquet"))
    assert not (home / ".cache" / "sikkerby").exists()
    assert not [p for p in home.rglob("*") if p.suffix in (".parquet", ".pickle", ".pkl")]
    done = _run([sikkerby, "clean"], env=env, cwd=work)
    assert done.returncode == 0 and not (work / "outputs" / ".sikkerby-cache").exists(), done.stderr
    assert (year / "index.html").is_file()
