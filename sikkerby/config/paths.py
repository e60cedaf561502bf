"""Where the project's files live: params, notebooks, bundled sample data."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent
SAMPLE_DATA_DIR = PACKAGE_DIR / "sample_data"


def params_dir() -> Path:
    """The params folder: ``$SIKKERBY_PARAMS`` or ``<project>/params``."""
    return Path(os.environ.get("SIKKERBY_PARAMS", PROJECT_DIR / "params"))


def notebooks_dir() -> Path:
    """The notebooks folder: ``$SIKKERBY_NOTEBOOKS`` or ``<project>/notebooks``."""
    return Path(os.environ.get("SIKKERBY_NOTEBOOKS", PROJECT_DIR / "notebooks"))


def resolve_data_dir(data_dir: str | os.PathLike | None) -> Path:
    """An input folder; empty or ``None`` means the bundled sample data."""
    if data_dir is None or str(data_dir).strip() == "":
        return SAMPLE_DATA_DIR
    return Path(data_dir)


def is_sample_data(data_dir: str | os.PathLike | None) -> bool:
    """True when ``data_dir`` is (or resolves to) the bundled synthetic sample."""
    return resolve_data_dir(data_dir).resolve() == SAMPLE_DATA_DIR.resolve()
