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
import os
import sys
from importlib import metadata
from pathlib import Path

from sikkerby.paths import PACKAGE_DIR

CACHE_FORMAT = 1
# Libraries whose version is part of the key (what computes, executes and renders).
KEY_LIBRARIES = ("pandas", "numpy", "matplotlib", "seaborn", "pandera", "holidays", "babel",
                 "papermill", "nbclient", "nbconvert", "ipykernel", "pypandoc-binary", "typst")
_SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache"}


def sha256_file(path: str | os.PathLike, _chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_chunk):
            digest.update(block)
    return digest.hexdigest()


def tree_hashes(root: Path, suffixes: tuple[str, ...] | None = None) -> dict[str, str]:
    """``relative path -> SHA-256`` for every file under ``root`` (caches and bytecode skipped)."""
    result: dict[str, str] = {}
    if not root.is_dir():
        return result
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith((".pyc", ".pyo", "~")) or (suffixes and not name.endswith(suffixes)):
                continue  # bytecode, editor back-ups and temporary files are not the source
            path = Path(dirpath) / name
            try:
                result[path.relative_to(root).as_posix()] = sha256_file(path)
            except FileNotFoundError:  # removed while we were listing (an editor's temporary file)
                continue
    return result


def input_files(data_dir: Path) -> dict[str, Path]:
    """Every file in ``data_dir`` that is one of the contract's inputs (``<name>.csv|.xlsx``), by file name."""
    from sikkerby.contract import INPUT_FILES  # plain dataclasses, no pandas

    names = {f.name for f in INPUT_FILES}
    found: dict[str, Path] = {}
    if data_dir.is_dir():
        for path in sorted(data_dir.iterdir()):
            if path.is_file() and path.suffix.lower() in (".csv", ".xlsx") and path.stem in names:
                found[path.name] = path
    return found


def library_versions(names=KEY_LIBRARIES) -> dict[str, str]:
    versions = {"python": sys.version.split()[0]}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "ikke installeret"
    return versions


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
