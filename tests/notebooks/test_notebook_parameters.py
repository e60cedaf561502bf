"""Every notebook's parameters cell is typed and described for papermill (``papermill --help-notebook``):
``aar: int``, ``data_dir: str`` and ``params_dir: str``, each with a Danish comment.

Checked for whatever notebooks the notebooks folder holds, not a fixed list."""

from __future__ import annotations

import pytest

from sikkerby.config.paths import notebooks_dir
from sikkerby.publish.render.chapters import notebook_paths

NOTEBOOKS = notebook_paths(notebooks_dir())
EXPECTED_TYPES = {"aar": "int", "data_dir": "str", "params_dir": "str"}


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_are_typed_and_described(path):
    import papermill

    parameters = papermill.inspect_notebook(str(path))
    found = {name: parameters[name]["inferred_type_name"] for name in EXPECTED_TYPES if name in parameters}
    assert found == EXPECTED_TYPES
    for name in EXPECTED_TYPES:
        assert parameters[name]["help"].strip(), f"{name} has no comment for papermill --help-notebook"
    assert int(parameters["aar"]["default"]) > 2000


@pytest.mark.parametrize("path", NOTEBOOKS[:1], ids=lambda p: p.name)
def test_help_notebook_shows_the_types(path):
    """The command line a user types: no 'Unknown type'."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "papermill", "--help-notebook", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert "aar: int (default 2017)" in done.stdout
    assert "Unknown type" not in done.stdout
