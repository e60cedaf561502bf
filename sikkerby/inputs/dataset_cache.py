"""Validating an input folder once per run and reading the validated dataset back in every notebook.

Validation (:func:`sikkerby.inputs.validation.validate_folder`) is a pure function of the
input files, the programme and the package's code. A validated
:class:`~sikkerby.inputs.dataset.Dataset` is therefore stored under a key made of exactly
those: the SHA-256 of every input file and the folder's path, the programme
(every field and the raw ``program.yaml`` content), the hash of every file of the
package, and the versions of Python, pandas, numpy and pyarrow (the stored format).
Any changed byte gives another key, so a stored dataset is never served for other
inputs; only datasets that passed validation are stored.

The stored data are the survey's respondent rows, so where they go is fixed:

- **Only during a run.** ``sikkerby run`` sets ``$SIKKERBY_CACHE_DIR`` to its output folder's
  ``.sikkerby-cache/`` (:func:`run_cache_root`) for itself and its notebook kernels. With
  the variable unset — a notebook opened in JupyterLab, ``sikkerby validate`` — nothing is
  stored and every load validates afresh.
- **Data, not code.** An entry is a folder ``datasets/<key>/`` holding one Parquet file per
  table and ``dataset.json`` (format, key, the source folder and files); reading it back runs
  no code (unlike a pickle) and gives the same dtypes (``str``, ``int64``, ``Int64``,
  ``float64``, ``bool``, ``datetime64``).
- **Private and short-lived.** Folders are made user-only (0700) and files 0600; the newest
  :data:`KEEP` entries are kept; ``sikkerby clean`` removes the whole ``.sikkerby-cache/``.

An entry is written in a temporary folder and renamed into place whole; one that cannot
be read is ignored (and the data are validated again).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from sikkerby.config.paths import PACKAGE_DIR
from sikkerby.inputs.fingerprint import (
    input_files,
    library_versions,
    sha256_file,
    tree_hashes,
)

FORMAT = 4  # 4: the warnings kept; 3: Parquet per table (2 was a pickle)
KEEP = 4  # datasets kept (newest used first); a 100x survey takes about 30 MB
CACHE_ENV = "SIKKERBY_CACHE_DIR"
RUN_CACHE_DIRNAME = ".sikkerby-cache"
META = "dataset.json"
TABLE_SUFFIX = ".parquet"
_TMP_PREFIX = ".tmp-"


def run_cache_root(out_dir: str | os.PathLike) -> Path:
    """The cache folder of a run writing to ``out_dir``: ``<out>/.sikkerby-cache``."""
    return Path(out_dir) / RUN_CACHE_DIRNAME


def cache_dir() -> Path | None:
    """``$SIKKERBY_CACHE_DIR/datasets``, or ``None`` (no caching) when the variable is unset."""
    root = os.environ.get(CACHE_ENV, "").strip()
    return Path(root) / "datasets" if root else None


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
        "package": tree_hashes(PACKAGE_DIR),
        "versions": library_versions(("pandas", "numpy", "pyarrow")),  # the stored format
    }
    return hashlib.sha256(json.dumps(blob, sort_keys=True, ensure_ascii=True).encode()).hexdigest()


def load(key: str):
    """The dataset stored under ``key``, or ``None`` (caching off, not stored, unreadable, another format)."""
    folder = cache_dir()
    if folder is None:
        return None
    entry = folder / key
    try:
        meta = json.loads((entry / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(meta, dict) and meta.get("format") == FORMAT and meta.get("key") == key):
        return None
    try:
        dataset = _read_dataset(entry, meta)
    except Exception:  # noqa: BLE001 - a damaged entry is only a cache miss
        return None
    try:
        os.utime(entry)  # recently used: kept longest
    except OSError:
        pass
    return dataset


def _read_dataset(entry: Path, meta: dict):
    import pandas as pd

    from sikkerby.inputs.tables import Dataset

    tables = {name: pd.read_parquet(entry / f"{name}{TABLE_SUFFIX}", engine="pyarrow")
              for name in Dataset.table_names()}
    release_arrow_memory()  # the Arrow tables the frames were made from are gone: hand their memory back
    return Dataset(**tables, source_dir=Path(meta["source_dir"]),
                   source_files={name: Path(path) for name, path in meta["source_files"].items()},
                   warnings=tuple(meta.get("warnings", ())))


def release_arrow_memory() -> None:
    """Hand back what pyarrow's own memory pool keeps after the tables in it are gone (neither Python's
    garbage collection nor ``malloc_trim`` does); nothing when pyarrow was not imported."""
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is None:
        return

    try:
        pyarrow.default_memory_pool().release_unused()
    except AttributeError:  # an older pyarrow
        pass


def _private_folder(path: Path) -> None:
    """Make ``path`` (and a missing parent) a folder only the user can enter."""
    for folder in (path.parent, path):
        if not folder.is_dir():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask
    os.chmod(path, 0o700)


def _private_file(path: Path):
    """A new file only the user can read, opened for binary writing."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def store(key: str, dataset) -> bool:
    """Store ``dataset`` under ``key`` (whole or not at all); False when caching is off or it cannot be written."""
    from sikkerby.inputs.tables import Dataset

    folder = cache_dir()
    if folder is None or not isinstance(dataset, Dataset):
        return False
    tmp = None
    try:
        _private_folder(folder)
        tmp = Path(tempfile.mkdtemp(dir=folder, prefix=_TMP_PREFIX))  # 0700
        for name in Dataset.table_names():
            with _private_file(tmp / f"{name}{TABLE_SUFFIX}") as fh:
                dataset.table(name).to_parquet(fh, engine="pyarrow")
        meta = {"format": FORMAT, "key": key, "source_dir": str(dataset.source_dir),
                "source_files": {name: str(path) for name, path in dataset.source_files.items()},
                "warnings": list(dataset.warnings)}
        with _private_file(tmp / META) as fh:
            fh.write(json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))
        try:
            os.rename(tmp, folder / key)
        except OSError:
            if not (folder / key / META).is_file():  # not stored meanwhile by another process
                raise
            shutil.rmtree(tmp, ignore_errors=True)
        tmp = None
    except Exception:  # noqa: BLE001 - disk full, a column Parquet cannot hold: a cache miss next time
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        return False
    prune(folder)
    return True


def prune(folder: Path, keep: int = KEEP) -> None:
    """Remove all but the ``keep`` most recently used datasets (and temporary folders over an hour old)."""
    entries = []
    for path in folder.iterdir() if folder.is_dir() else ():
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            continue
        if path.name.startswith(_TMP_PREFIX):  # being written, or left by a killed process
            if time.time() - mtime > 3600:
                shutil.rmtree(path, ignore_errors=True)
            continue
        if path.is_dir():
            entries.append((mtime, path))
    for _, path in sorted(entries, reverse=True)[keep:]:
        shutil.rmtree(path, ignore_errors=True)
