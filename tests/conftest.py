"""Shared fixtures. Helpers: append new fixtures, do not rewrite existing ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sikkerby.paths import PROJECT_DIR, SAMPLE_DATA_DIR
from sikkerby.programme import load_programme


@pytest.fixture(scope="session")
def programme():
    """The programme as configured in params/program.yaml."""
    return load_programme()


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return PROJECT_DIR


@pytest.fixture(scope="session")
def sample_data_dir() -> Path:
    """The bundled synthetic sample data (read-only: copy before changing)."""
    return SAMPLE_DATA_DIR


@pytest.fixture
def sample_copy(tmp_path, sample_data_dir) -> Path:
    """A writable copy of the bundled sample data folder."""
    dest = tmp_path / "data"
    shutil.copytree(sample_data_dir, dest)
    return dest
