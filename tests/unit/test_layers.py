"""The package's layers hold: config -> inputs -> model -> report -> publish -> cli (pyproject's import-linter contract)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def _lint_imports() -> str:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(exe).exists():
        pytest.fail("lint-imports (import-linter) is not installed: pip install -e '.[dev]'")
    return exe


def test_the_layer_contracts_are_kept():
    result = subprocess.run([_lint_imports(), "--no-cache"], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_wrong_way_import_breaks_the_contract(tmp_path):
    """The contract can fail: a copy of the package where the model imports the report layer is refused."""
    copy = tmp_path / "project"
    shutil.copytree(PROJECT / "sikkerby", copy / "sikkerby", ignore=shutil.ignore_patterns("__pycache__", "sample_data"))
    shutil.copy(PROJECT / "pyproject.toml", copy / "pyproject.toml")
    goals = copy / "sikkerby" / "model" / "goals.py"
    goals.write_text(goals.read_text(encoding="utf-8") + "\nfrom sikkerby.report import formatting  # noqa\n", encoding="utf-8")
    result = subprocess.run([_lint_imports(), "--no-cache"], cwd=copy, capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0
    assert "sikkerby.model.goals -> sikkerby.report.formatting" in result.stdout
