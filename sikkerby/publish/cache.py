"""Knowing, cheaply, that a year's publication is already up to date.

The key is a SHA-256 over everything that can change the publication: the
notebooks, the package (its version and the hash of every source file and
template), the ``params/`` files, every input file, the year, the input folder
and the renderer, and the versions of the libraries that compute and render.
It is stored in the year's ``manifest.json`` and checked before anything heavy
(pandas, papermill, nbconvert) is imported, so an unchanged re-run takes well
under a second.

An unchanged re-run does not validate again: validation is a pure function of
the input files, ``params/`` and the package's code, all of which are in the
key; a key is only ever written for a publication whose inputs passed
validation, so validating again would give the same answer.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sikkerby.config.paths import PACKAGE_DIR
from sikkerby.inputs.fingerprint import (
    input_files,
    library_versions,
    sha256_file,
    tree_hashes,
)

CACHE_FORMAT = 1


def fingerprint(*, data_dir: Path, notebooks: list[Path], params_dir: Path, renderer: str) -> dict:
    """Everything but the year that a publication depends on (computed once per run)."""
    from sikkerby import __version__

    return {
        "format": CACHE_FORMAT,
        "sikkerby": __version__,
        "package": tree_hashes(PACKAGE_DIR),
        "libraries": library_versions(),
        "notebooks": {p.name: sha256_file(p) for p in notebooks},
        "params": tree_hashes(params_dir, (".yaml", ".yml")),
        "data_dir": str(data_dir),
        "inputs": {name: sha256_file(path) for name, path in input_files(data_dir).items()},
        "renderer": renderer,
    }


def year_key(fp: dict, year: int) -> str:
    """The cache key of one year's publication."""
    blob = json.dumps({"year": year, **fp}, sort_keys=True, ensure_ascii=True).encode()
    return hashlib.sha256(blob).hexdigest()


def stored_key(year_dir: Path) -> str | None:
    """The key recorded in ``<year_dir>/manifest.json``, if any."""
    try:
        manifest = json.loads((year_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    key = manifest.get("cache_key") if isinstance(manifest, dict) else None
    return key if isinstance(key, str) else None


def is_current(year_dir: Path, key: str, expected_files: list[str]) -> bool:
    """True when the publication in ``year_dir`` was built with ``key`` and is complete."""
    if stored_key(year_dir) != key:
        return False
    return all((year_dir / name).is_file() for name in expected_files)
