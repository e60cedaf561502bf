"""The Quarto route, exercised with a fake ``quarto`` (tests/fake_quarto.py): the choice of renderer,
the project written for Quarto (documented keys only, no nulls, CSS and filter wired in, captions), and
a whole ``sikkerby run --renderer quarto``. A real Quarto render is not tested here (no Quarto CLI)."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from fake_quarto import QUARTO_SCHEMA, calls, install, path_with
from run_helpers import run_sikkerby
from sikkerby.cli import main
from sikkerby.config.paths import notebooks_dir
from sikkerby.errors import SikkerByError
from sikkerby.publish.render import quarto
from sikkerby.config.programme import load_programme
from sikkerby.publish.render.chapters import discover_chapters

INFO = {"title": "Sikker By – status 2017", "subtitle": "", "secretariat": "Center for Sikker By",
        "forelaeggelse": None}


def _types_ok(value, names):
    kinds = {"str": str, "bool": bool, "int": int, "list": list, "dict": dict}
    return any(isinstance(value, kinds[n]) and not (n == "int" and isinstance(value, bool)) for n in names)


def _schema_problems(config: dict) -> list[str]:
    problems = []

    def walk(section, data, where):
        for key, value in data.items():
            if value is None:
                problems.append(f"{where}{key}: null")
            elif key not in QUARTO_SCHEMA[section]:
                problems.append(f"{where}{key}: not a documented key")
            elif not _types_ok(value, QUARTO_SCHEMA[section][key]):
                problems.append(f"{where}{key}: wrong type {type(value).__name__}")

    walk("top", config, "")
    for section in ("project", "book", "execute"):
        walk(section, config.get(section, {}), f"{section}.")
    for fmt, options in config["format"].items():
        walk(fmt, options, f"format.{fmt}.")
    return problems


@pytest.fixture(scope="module")
def chapters():
    return discover_chapters(notebooks_dir(), load_programme().goal_areas)


def test_config_uses_only_documented_keys_and_no_nulls(chapters):
    config = quarto.quarto_config(chapters, 2017, INFO)
    assert _schema_problems(config) == []
    dumped = yaml.safe_dump(config, allow_unicode=True)
    assert "null" not in dumped and "subtitle" not in dumped and "date" not in config["book"]
    assert config["project"] == {"type": "book", "output-dir": "_book"}
    assert config["execute"]["enabled"] is False and config["execute"]["echo"] is False
    assert config["lang"] == "da"
    assert config["quarto-required"] == ">= 1.9.0"
    assert config["format"]["html"]["css"] == ["sikkerby.css"]
    assert config["filters"] == ["quarto_filter.lua"]
    assert config["book"]["chapters"] == ["index.ipynb", *(f"notebooks/{c.name}" for c in chapters[1:])]


def test_the_schema_check_itself_catches_nulls_and_unknown_keys(chapters):
    config = quarto.quarto_config(chapters, 2017, INFO)
    config["format"]["typst"]["section-numbering"] = None
    config["format"]["typst"]["toc-title"] = "Indhold"  # documented for html and pdf, not for typst
    assert _schema_problems(config) == ["format.typst.section-numbering: null",
                                        "format.typst.toc-title: not a documented key"]


def _code(source: str, outputs=()) -> dict:
    return {"cell_type": "code", "source": source, "metadata": {}, "outputs": list(outputs), "execution_count": 1}


def _plain(text: str) -> dict:
    return {"output_type": "display_data", "metadata": {}, "data": {"text/plain": text, "text/markdown": text}}


def test_labelled_figures_get_the_caption_shown_below_them():
    image = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBOR"}}
    nb = {"cells": [
        _code("#| label: fig-scorer\ndisplay.show_chart(x)", [image, _plain("Figur: Scorer for 2017 – a \"b\"")]),
        _code("#| label: fig-andet\n#| fig-cap: Har allerede en\nplot()", [image]),
        _code("#| label: tbl-x\nshow()", [_plain("Figur: ikke en figurcelle")]),
        _code("#| label: fig-uden\nplot()", [image]),
    ]}
    assert quarto.caption_figures(nb, "Effekt og evidens") == 2
    first, second, third, fourth = nb["cells"]
    assert first["source"].startswith('#| fig-cap: "Scorer for 2017 – a \\"b\\""\n#| label: fig-scorer\n')
    assert yaml.safe_load(first["source"].splitlines()[0][3:])["fig-cap"] == 'Scorer for 2017 – a "b"'
    assert first["outputs"] == [image]  # the caption is not shown twice
    assert second["source"].count("fig-cap") == 1
    assert "fig-cap" not in third["source"] and len(third["outputs"]) == 1
    assert fourth["source"].startswith('#| fig-cap: "Effekt og evidens"\n')


@pytest.mark.parametrize(("version", "choice", "expected"), [
    ("1.9.12", "auto", "quarto"),
    ("v1.10.3", "auto", "quarto"),
    ("1.8.25", "auto", "offline"),
    ("1.9.12", "offline", "offline"),
    ("1.9.0", "quarto", "quarto"),
])
def test_renderer_choice_by_quarto_version(tmp_path, monkeypatch, version, choice, expected):
    bin_dir, log = install(tmp_path, version)
    monkeypatch.setenv("PATH", path_with(bin_dir))
    chosen, why = quarto.choose_renderer(choice)
    assert chosen == expected
    if expected == "quarto":
        assert f"Quarto {version.lstrip('v')}" in why
    elif choice == "auto":
        assert why.startswith(f"Quarto {version} på PATH er ældre end 1.9")
    assert [c["argv"] for c in calls(log)] == ([] if choice == "offline" else [["--version"]])


def test_auto_without_quarto_says_offline(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert quarto.choose_renderer("auto") == (
        "offline", "Quarto findes ikke på PATH; publikationen laves offline (nbconvert, pandoc og typst).")


def test_renderer_quarto_with_an_old_quarto_is_refused(tmp_path, monkeypatch):
    bin_dir, _ = install(tmp_path, "1.8.25")
    monkeypatch.setenv("PATH", path_with(bin_dir))
    with pytest.raises(SikkerByError, match="kræver Quarto 1.9 eller nyere"):
        quarto.choose_renderer("quarto")


def test_renderer_quarto_without_quarto_is_a_danish_error_and_exit_1(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    out = tmp_path / "out"
    assert main(["run", "--year", "2017", "--renderer", "quarto", "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "quarto findes ikke på PATH" in err and "--renderer offline" in err
    assert "Traceback" not in err
    assert not (out / "2017").exists()


def test_project_written_and_rendered_by_the_fake_quarto(tmp_path, monkeypatch, chapters):
    build = tmp_path / "build"
    (build / "notebooks").mkdir(parents=True)
    for chapter in chapters:
        shutil.copyfile(chapter.source, build / "notebooks" / chapter.name)
    before = {p.name: p.read_bytes() for p in (build / "notebooks").iterdir()}
    project_file = quarto.write_quarto_project(build, chapters, 2017, INFO)
    project = project_file.parent
    assert project == build / "_quarto"
    assert (project / "sikkerby.css").read_bytes() == quarto.CSS.read_bytes()
    assert (project / "quarto_filter.lua").read_bytes() == quarto.FILTER.read_bytes()
    assert json.loads((project / "index.ipynb").read_text(encoding="utf-8"))["cells"]

    bin_dir, log = install(tmp_path)
    monkeypatch.setenv("PATH", path_with(bin_dir))
    moved = quarto.render_with_quarto(build, 2017)
    (render_call,) = [c for c in calls(log) if c["argv"][0] == "render"]
    assert render_call["argv"] == ["render", str(project)]
    assert (build / "index.html").read_text(encoding="utf-8").startswith("<html lang=da>")
    assert (build / "sikkerby-status-2017.pdf").read_bytes().startswith(b"%PDF")
    assert {p.name for p in moved} >= {"index.html", "sikkerby-status-2017.pdf"}
    assert all((build / "notebooks" / f"{c.stem}.html").is_file() for c in chapters[1:])
    assert not project.exists()
    assert {p.name: p.read_bytes() for p in (build / "notebooks").glob("*.ipynb")} == before


def test_a_failing_quarto_render_is_reported(tmp_path, monkeypatch, chapters):
    build = tmp_path / "build"
    (build / "notebooks").mkdir(parents=True)
    for chapter in chapters:
        shutil.copyfile(chapter.source, build / "notebooks" / chapter.name)
    quarto.write_quarto_project(build, chapters, 2017, INFO)
    config = build / "_quarto" / "_quarto.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("lang: da", "lang: null"), encoding="utf-8")
    bin_dir, _ = install(tmp_path)
    monkeypatch.setenv("PATH", path_with(bin_dir))
    with pytest.raises(quarto.RenderError, match="(?s)quarto render fejlede:.*lang: null"):
        quarto.render_with_quarto(build, 2017)


@pytest.mark.slow
def test_run_with_renderer_quarto_uses_the_fake_quarto(tmp_path):
    bin_dir, log = install(tmp_path)
    out = tmp_path / "out"
    done = run_sikkerby("run", "--year", "2017", "--renderer", "quarto", "--out", out, "--quiet",
                        env={"PATH": path_with(bin_dir)})
    assert done.returncode == 0, done.stderr
    year = out / "2017"
    assert (year / "index.html").read_text(encoding="utf-8").startswith("<html lang=da>")
    assert (year / "sikkerby-status-2017.pdf").read_bytes().startswith(b"%PDF")
    manifest = json.loads((year / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["renderer"] == "quarto"
    assert manifest["versions"]["quarto"] == "1.9.12"
    assert manifest["parameters"]["params_dir"]
    renders = [c for c in calls(log) if c["argv"][0] == "render"]
    assert len(renders) == 1 and renders[0]["argv"][1].endswith("_quarto")
    assert not any(p.name == "_quarto" for p in year.iterdir())
    assert {p.name for p in (year / "notebooks").glob("*.ipynb")} == {
        c.name for c in discover_chapters(notebooks_dir(), load_programme().goal_areas)}
