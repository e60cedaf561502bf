"""Validating an input folder once and reading the validated dataset back in every notebook.

Validation (:func:`sikkerby.validation.validate_folder`) is a pure function of the
input files, the programme and the package's code. A validated
:class:`~sikkerby.dataset.Dataset` is therefore stored under a key made of exactly
those: the SHA-256 of every input file and the folder's path, the programme
(every field and the raw ``params/program.yaml`` content), the hash of every file
of the package, and the versions of Python, pandas and numpy (the stored format).
Any changed byte gives another key, so a stored dataset is never served for other
inputs; only datasets that passed validation are stored.

Where: ``$SIKKERBY_CACHE_DIR/datasets`` or ``$XDG_CACHE_HOME/sikkerby/datasets``
(default ``~/.cache/sikkerby/datasets``), a folder only the user can read; the
newest :data:`KEEP` datasets are kept. Entries are Python pickles written
atomically; one that cannot be read is ignored (and the data are validated again).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

from sikkerby.cache import input_files, sha256_file, tree_hashes
from sikkerby.paths import PACKAGE_DIR

FORMAT = 1
KEEP = 4  # datasets kept (newest used first); a 100x survey takes about 100 MB
SUFFIX = ".dataset.pickle"


def cache_dir() -> Path:
    """``$SIKKERBY_CACHE_DIR/datasets``, else ``$XDG_CACHE_HOME`` or ``~/.cache``, then ``sikkerby/datasets``."""
    root = os.environ.get("SIKKERBY_CACHE_DIR")
    if root:
        return Path(root) / "datasets"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg or Path.home() / ".cache") / "sikkerby" / "datasets"


def _versions() -> dict[str, str]:
    import numpy
    import pandas

    return {"python": sys.version, "pandas": pandas.__version__, "numpy": numpy.__version__}


def dataset_key(data_dir: Path, programme) -> str | None:
    """The key of the validated dataset of ``data_dir`` under ``programme``; ``None`` for a missing folder."""
    folder = Path(data_dir).resolve()
    if not folder.is_dir():
        return None
    blob = {
        "format": FORMAT,
        "folder": str(folder),
        "inputs": {name: sha256_file(path) for name, path in input_files(folder).items()},
        "programme": repr(programme),
        "programme_raw": json.dumps(getattr(programme, "raw", None), sort_keys=True, default=str),
        "package": tree_hashes(PACKAGE_DIR),
        "versions": _versions(),
    }
    return hashlib.sha256(json.dumps(blob, sort_keys=True, ensure_ascii=True).encode()).hexdigest()


def load(key: str):
    """The dataset stored under ``key``, or ``None`` (not stored, unreadable, or of another format)."""
    path = cache_dir() / f"{key}{SUFFIX}"
    try:
        with open(path, "rb") as fh:
            stored = pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged or foreign entry is only a cache miss
        return None
    if not (isinstance(stored, dict) and stored.get("format") == FORMAT and stored.get("key") == key):
        return None
    try:
        os.utime(path)  # recently used: kept longest
    except OSError:
        pass
    return stored.get("dataset")


def store(key: str, dataset) -> bool:
    """Store ``dataset`` under ``key`` (atomically); False when the cache folder cannot be written."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=SUFFIX)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump({"format": FORMAT, "key": key, "dataset": dataset}, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / f"{key}{SUFFIX}")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError):
        return False
    prune(folder)
    return True


def prune(folder: Path, keep: int = KEEP) -> None:
    """Remove all but the ``keep`` most recently used datasets."""
    entries = []
    for path in folder.glob(f"*{SUFFIX}"):
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            continue
        if path.name.startswith(".tmp-"):  # being written, or left by a killed process
            if time.time() - mtime > 3600:
                path.unlink(missing_ok=True)
            continue
        entries.append((mtime, path))
    for _, path in sorted(entries, reverse=True)[keep:]:
        path.unlink(missing_ok=True)
