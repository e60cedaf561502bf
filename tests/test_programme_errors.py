"""A broken params folder is reported as a message naming the file, not a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from sikkerby.config.paths import PROJECT_DIR
from sikkerby.config.programme import ProgrammeError, load_programme
from sikkerby.errors import SikkerByError


def _params_copy(tmp_path):
    params = tmp_path / "params"
    shutil.copytree(PROJECT_DIR / "params", params)
    return params


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    params = _params_copy(tmp_path)
    text = (params / "program.yaml").read_text(encoding="utf-8")
    (params / "program.yaml").write_text(text.replace("bydele:\n", "bydele: [\n", 1), encoding="utf-8")
    with pytest.raises(ProgrammeError, match=r"program\.yaml, linje \d+: kan ikke læses som YAML"):
        load_programme(params / "program.yaml")


def test_programme_error_is_reported_by_the_cli_without_traceback(tmp_path):
    params = _params_copy(tmp_path)
    text = (params / "program.yaml").read_text(encoding="utf-8")
    (params / "program.yaml").write_text(text.replace("kind: sti\n", "kind: kurve\n", 1), encoding="utf-8")
    assert issubclass(ProgrammeError, SikkerByError)
    env = {"SIKKERBY_PARAMS": str(params), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "sikkerby", "validate"], capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "kind 'kurve' is not one of sti, retning, krav" in proc.stderr


@pytest.mark.parametrize("text", ["", "programme: [1, 2]\n", "- just\n- a list\n"])
def test_malformed_programme_is_a_programme_error(tmp_path, text):
    path = tmp_path / "program.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProgrammeError, match="program.yaml"):
        load_programme(path)


def test_wrong_kind_of_value_is_a_programme_error(tmp_path):
    params = _params_copy(tmp_path)
    text = (params / "program.yaml").read_text(encoding="utf-8")
    (params / "program.yaml").write_text(text.replace("decimals: 1\n", "decimals: en\n", 1), encoding="utf-8")
    with pytest.raises(ProgrammeError, match="forkert form"):
        load_programme(params / "program.yaml")


def test_missing_programme_file_is_a_programme_error(tmp_path):
    with pytest.raises(ProgrammeError, match="kan ikke læses"):
        load_programme(tmp_path / "program.yaml")
