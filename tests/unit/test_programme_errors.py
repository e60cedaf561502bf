"""A broken params folder is reported as a message naming the file, not a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from factories import copy_programme

from sikkerby.config.programme import ProgrammeError, load_programme
from sikkerby.errors import SikkerByError


def _params_copy(tmp_path):
    return copy_programme(tmp_path / "params")


def _line_of(path, line: str) -> int:
    """The 1-based number of the first line of ``path`` that is ``line`` (stripped)."""
    return [x.strip() for x in path.read_text(encoding="utf-8").splitlines()].index(line) + 1


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
    line = _line_of(params / "program.yaml", "kind: kurve")
    assert issubclass(ProgrammeError, SikkerByError)
    expected = f"program.yaml, linje {line}, maalepunkter[0].indikatorer[0].kind: skal være en af sti, retning"
    env = {"SIKKERBY_PARAMS": str(params), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "sikkerby", "validate"], capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert expected in proc.stderr
    # the same with the folder given on the command line
    proc = subprocess.run([sys.executable, "-m", "sikkerby", "validate", "--params", str(params)],
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and expected in proc.stderr


def test_allowed_values_are_listed_in_danish(tmp_path):
    params = _params_copy(tmp_path)
    text = (params / "program.yaml").read_text(encoding="utf-8")
    (params / "program.yaml").write_text(text.replace("kind: sti\n", "kind: kurve\n", 1), encoding="utf-8")
    with pytest.raises(ProgrammeError) as info:
        load_programme(params)
    assert "kind: skal være en af sti, retning eller krav" in str(info.value)


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
    line = _line_of(params / "program.yaml", "decimals: en")
    with pytest.raises(ProgrammeError) as info:
        load_programme(params / "program.yaml")
    assert f"program.yaml, linje {line}, maalepunkter[0].indikatorer[0].decimals: skal være et helt tal" in str(
        info.value)


def test_missing_programme_file_is_a_programme_error(tmp_path):
    with pytest.raises(ProgrammeError, match="program.yaml: filen findes ikke"):
        load_programme(tmp_path / "program.yaml")
    with pytest.raises(ProgrammeError, match="program.yaml: filen findes ikke"):
        load_programme(tmp_path)  # the folder: its program.yaml
