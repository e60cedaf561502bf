"""Validating an input folder once and reading the validated dataset back in every notebook.

Validation (:func:`sikkerby.inputs.validation.validate_folder`) is a pure function of the
input files, the programme and the package's code. A validated
:class:`~sikkerby.inputs.dataset.Dataset` is therefore stored under a key made of exactly
those: the SHA-256 of every input file and the folder's path, the programme
(every field and the raw ``params/program.yaml`` content), the hash of every file
of the package, and the versions of Python, pandas and numpy (the stored format).
Any changed byte gives another key, so a stored dataset is never served for other
inputs; only datasets that passed validation are stored.

Where: ``$SIKKERBY_CACHE_DIR/datasets`` or ``$XDG_CACHE_HOME/sikkerby/datasets``
(default ``~/.cache/sikkerby/datasets``), a folder only the user can read; the
newest :data:`KEEP` datasets are kept. Entries are Python pickles written
atomically; one that cannot be read is ignored (and the data are validated again).

Every notebook of a run reads the entry back, so reading is made quick: a text
column of many rows (the survey's ``respondent_id``: 2.2 million distinct strings
at 100 times the sample) is stored as one joined string, which unpickles many
times faster than millions of separate string objects (:class:`PackedText`).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
import time
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd

from sikkerby.config.paths import PACKAGE_DIR
from sikkerby.inputs.fingerprint import (
    input_files,
    library_versions,
    sha256_file,
    tree_hashes,
)

FORMAT = 2
PACK_FROM_ROWS = 10_000  # text columns with at least this many rows are stored packed
KEEP = 4  # datasets kept (newest used first); a 100x survey takes about 100 MB
SUFFIX = ".dataset.pickle"


def cache_dir() -> Path:
    """``$SIKKERBY_CACHE_DIR/datasets``, else ``$XDG_CACHE_HOME`` or ``~/.cache``, then ``sikkerby/datasets``."""
    root = os.environ.get("SIKKERBY_CACHE_DIR")
    if root:
        return Path(root) / "datasets"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg or Path.home() / ".cache") / "sikkerby" / "datasets"


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
        "versions": library_versions(("pandas", "numpy")),  # the stored format
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
    try:
        return unpack_dataset(stored.get("dataset"))
    except Exception:  # noqa: BLE001 - a damaged entry is only a cache miss
        return None


def store(key: str, dataset) -> bool:
    """Store ``dataset`` under ``key`` (atomically); False when the cache folder cannot be written."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=SUFFIX)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump({"format": FORMAT, "key": key, "dataset": pack_dataset(dataset)}, fh,
                            protocol=pickle.HIGHEST_PROTOCOL)
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


# ------------------------------------------------------------ packed text columns

SEPARATOR = "\x00"  # validation refuses NUL in CSV files; a column holding one is stored unpacked
SAMPLE_ROWS = 10_000  # the first rows tell whether a column repeats its values


@dataclass(frozen=True)
class PackedText:
    """A ``str`` column stored compactly: as codes into its distinct values when it has few
    (``bydel``, ``koen``), else as one string of the values joined by NUL (``respondent_id``)."""

    position: int  # the column's place in its frame
    name: str
    missing: np.ndarray  # bool per row
    joined: str | None = None
    codes: np.ndarray | None = None
    distinct: np.ndarray | None = None

    @classmethod
    def pack(cls, frame: pd.DataFrame, position: int) -> PackedText | None:
        column = frame.iloc[:, position]
        missing = column.isna().to_numpy()
        values = column.to_numpy(dtype=object, na_value="")
        name = str(frame.columns[position])
        head = values[:SAMPLE_ROWS]
        if len(set(head)) <= len(head) // 2:  # repeats a lot: its distinct values and a code per row
            codes, distinct = pd.factorize(values)
            return cls(position, name, missing, codes=codes.astype(np.int32), distinct=np.asarray(distinct, dtype=object))
        try:
            joined = SEPARATOR.join(values)
        except TypeError:  # a value that is not a str
            return None
        if joined.count(SEPARATOR) != len(values) - 1:  # a value holds the separator itself
            return None
        return cls(position, name, missing, joined=joined)

    def unpack(self, index: pd.Index) -> pd.Series:
        values = self.distinct.take(self.codes) if self.joined is None else self.joined.split(SEPARATOR)
        values = pd.Series(values, index=index, dtype="str", name=self.name)
        return values.mask(self.missing) if self.missing.any() else values


@dataclass(frozen=True)
class _PackedDataset:
    fields: dict  # the Dataset's fields, with each table's packed columns taken out
    packed: dict[str, list[PackedText]]  # table name -> its packed columns


def pack_dataset(dataset):
    """What :func:`store` writes for ``dataset``: a :class:`~sikkerby.inputs.dataset.Dataset` with its long
    text columns packed (anything else as it is)."""
    from sikkerby.inputs.tables import Dataset

    if not isinstance(dataset, Dataset):
        return dataset
    values = {f.name: getattr(dataset, f.name) for f in fields(dataset)}
    packed: dict[str, list[PackedText]] = {}
    for name in Dataset.table_names():
        frame = values[name]
        if len(frame) < PACK_FROM_ROWS or frame.columns.has_duplicates:
            continue
        columns = [PackedText.pack(frame, i) for i, dtype in enumerate(frame.dtypes) if dtype == "str"]
        columns = [c for c in columns if c is not None]
        if columns:
            packed[name] = columns
            values[name] = frame.drop(columns=[c.name for c in columns])
    return _PackedDataset(values, packed) if packed else dataset


def unpack_dataset(stored):
    """The inverse of :func:`pack_dataset`."""
    if not isinstance(stored, _PackedDataset):
        return stored
    from sikkerby.inputs.tables import Dataset

    values = dict(stored.fields)
    for name, columns in stored.packed.items():
        frame = values[name].copy()
        for column in sorted(columns, key=lambda c: c.position):
            frame.insert(column.position, column.name, column.unpack(frame.index))
        values[name] = frame
    return Dataset(**values)
