"""Fingerprints of files and libraries: SHA-256 of a file or a tree, the contract's input files in a
folder, the versions of the libraries that compute and render. Shared by the dataset cache and the run's
cache key; standard library only, so an unchanged re-run stays fast."""

from __future__ import annotations

import hashlib
import os
import sys
from importlib import metadata
from pathlib import Path

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
    """Every file in ``data_dir`` that is one of the contract's inputs (``<name>.csv|.xlsx``, the name in any
    case, as validation finds it), by file name."""
    from sikkerby.inputs.contract import INPUT_FILES  # plain dataclasses, no pandas

    names = {f.name for f in INPUT_FILES}
    found: dict[str, Path] = {}
    if data_dir.is_dir():
        for path in sorted(data_dir.iterdir()):
            if path.suffix.lower() in (".csv", ".xlsx") and path.stem.lower() in names and path.is_file():
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
