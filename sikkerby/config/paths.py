"""Where the project's files live: the programme folder (params), the notebooks, the bundled sample data.

Two layouts are supported:

- a **source checkout** (``git clone`` + ``pip install -e .``): the repository's own
  top-level ``params/`` and ``notebooks/`` are used;
- an **installed package** (``pip install sikkerby`` from a wheel): the copies the build
  put into the package, ``sikkerby/_defaults/params`` and ``sikkerby/_defaults/notebooks``.

``sikkerby run|validate --params DIR`` and ``sikkerby run --notebooks DIR`` choose other
folders (``sikkerby init DIR`` writes an editable copy of both); the environment variables
``SIKKERBY_PARAMS`` and ``SIKKERBY_NOTEBOOKS`` are fallbacks for when no option is given.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent  # the repository in a source checkout; site-packages when installed
SAMPLE_DATA_DIR = PACKAGE_DIR / "sample_data"
BUNDLED_DIR = PACKAGE_DIR / "_defaults"  # written by the build (setup.py), absent in a checkout

PARAMS_ENV = "SIKKERBY_PARAMS"
NOTEBOOKS_ENV = "SIKKERBY_NOTEBOOKS"


def is_source_checkout() -> bool:
    """True when the package runs from the repository (its ``pyproject.toml`` beside the package)."""
    return (PROJECT_DIR / "pyproject.toml").is_file()


def _default(folder: str) -> Path:
    """The project's ``folder`` in a checkout, else the copy shipped inside the package."""
    own = PROJECT_DIR / folder
    if is_source_checkout() and own.is_dir():
        return own
    return BUNDLED_DIR / folder


def default_params_dir() -> Path:
    """The programme folder shipped with the code (checkout: ``params/``; installed: the bundled copy)."""
    return _default("params")


def default_notebooks_dir() -> Path:
    """The notebooks shipped with the code (checkout: ``notebooks/``; installed: the bundled copy)."""
    return _default("notebooks")


def params_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The programme folder: ``explicit`` (``--params``), else ``$SIKKERBY_PARAMS``, else the default."""
    if explicit is not None and str(explicit).strip():
        return Path(explicit)
    env = os.environ.get(PARAMS_ENV, "").strip()
    return Path(env) if env else default_params_dir()


def notebooks_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The notebooks folder: ``explicit`` (``--notebooks``), else ``$SIKKERBY_NOTEBOOKS``, else the default."""
    if explicit is not None and str(explicit).strip():
        return Path(explicit)
    env = os.environ.get(NOTEBOOKS_ENV, "").strip()
    return Path(env) if env else default_notebooks_dir()


def resolve_data_dir(data_dir: str | os.PathLike | None) -> Path:
    """An input folder; empty or ``None`` means the bundled sample data."""
    if data_dir is None or str(data_dir).strip() == "":
        return SAMPLE_DATA_DIR
    return Path(data_dir)


def is_sample_data(data_dir: str | os.PathLike | None) -> bool:
    """True when ``data_dir`` is (or resolves to) the bundled synthetic sample."""
    return resolve_data_dir(data_dir).resolve() == SAMPLE_DATA_DIR.resolve()
