"""Knowing, cheaply, that a year's publication is already up to date.

The key is a SHA-256 over everything that can change the publication: the
notebooks, the package (its version and the hash of every source file and
template), the ``params/`` files, every input file, the year, the input folder
and the renderer, and the versions of the libraries that compute and render.
It is stored in the year's ``manifest.json`` and checked before anything heavy
(pandas, papermill, nbconvert) is imported, so an unchanged re-run takes well
under a second.

Per chapter (issue 15): a year whose key changed is rebuilt chapter by chapter.
:func:`chapter_key` is a SHA-256 over what one executed chapter depends on: its
stem, its source notebook, its parameters, the year, the input files it reads,
the ``params/`` files, the package, the libraries, the renderer and the list of
chapters (every page's navigation names them all). The key is stored per chapter
in ``manifest.json`` (:func:`stored_chapter_keys`); a chapter whose key matches
the published one is copied from the published year instead of executed.

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


def package_tree() -> dict[str, str]:
    """``relative path -> SHA-256`` of every file of the package (code, templates, bundled sample)."""
    return tree_hashes(PACKAGE_DIR)


def fingerprint(*, data_dir: Path, notebooks: list[Path], params_dir: Path, renderer: str) -> dict:
    """Everything but the year that a publication depends on (computed once per run)."""
    from sikkerby import __version__

    return {
        "format": CACHE_FORMAT,
        "sikkerby": __version__,
        "package": package_tree(),
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


def chapter_key(fp: dict, year: int, *, stem: str, source: str, parameters: dict,
                reads: tuple[str, ...] | None, chapters: list[tuple[str, str]]) -> str:
    """The key of one executed chapter of ``year``.

    ``source`` is the file name of the chapter's notebook (its SHA-256 is in ``fp``),
    ``parameters`` what the run gives it beyond the data folder's snapshot path, ``reads``
    the base names of the input files it reads (``None``: every input), ``chapters`` every
    chapter's ``(stem, title)`` in order.
    """
    inputs = fp["inputs"]
    if reads is not None:
        wanted = set(reads)
        inputs = {name: sha for name, sha in inputs.items() if Path(name).stem.lower() in wanted}
    blob = json.dumps({
        "format": CACHE_FORMAT, "year": year, "stem": stem, "notebook": fp["notebooks"].get(source),
        "parameters": parameters, "reads": None if reads is None else sorted(reads), "inputs": inputs,
        "data_dir": fp["data_dir"], "params": fp["params"], "sikkerby": fp["sikkerby"],
        "package": fp["package"], "libraries": fp["libraries"], "renderer": fp["renderer"],
        "chapters": [list(c) for c in chapters],
    }, sort_keys=True, ensure_ascii=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


def stored_chapter_keys(year_dir: Path) -> dict[str, str]:
    """``executed notebook file name -> chapter key`` recorded in ``<year_dir>/manifest.json``."""
    try:
        manifest = json.loads((year_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    entries = manifest.get("notebooks") if isinstance(manifest, dict) else None
    keys = {}
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and isinstance(entry.get("file"), str) and isinstance(entry.get("key"), str):
            keys[entry["file"]] = entry["key"]
    return keys
