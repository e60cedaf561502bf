"""``sikkerby clean``: remove what runs leave in an output folder besides the publications.

- ``<out>/.sikkerby-cache/``: the validated input data (survey rows included) that a run
  stores for its notebooks (:mod:`sikkerby.inputs.dataset_cache`);
- ``<out>/.<år>.failed-*/``: builds of failed runs, kept for diagnosis;
- ``<out>/.<år>.build-*/``: builds left by killed runs.

The publications ``<out>/<år>/`` are not touched. A year being built by a running
``sikkerby run`` is never cleaned under it: its lock is taken first, and a held lock stops
the clean-up with a message.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from sikkerby.errors import SikkerByError, error_text
from sikkerby.inputs.dataset_cache import RUN_CACHE_DIRNAME
from sikkerby.publish.folders import YearLock

_LEFTOVER = re.compile(r"^\.(\d{4})\.(failed|build)-")
_LOCK = re.compile(r"^\.(\d{4})\.lock$")


def _rel(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def clean_out_folder(out: str | os.PathLike) -> list[str]:
    """Remove the dataset cache and the failed and left-over builds of ``out``; returns Danish lines."""
    out_dir = Path(out)
    if not out_dir.is_dir():
        raise SikkerByError(f"Outputmappen {out_dir} findes ikke; der er intet at rydde op.")
    years = {int(m.group(1)) for p in out_dir.iterdir() if (m := _LOCK.match(p.name) or _LEFTOVER.match(p.name))}
    locks = []
    try:
        for year in sorted(years):
            lock = YearLock(out_dir, year)
            try:
                lock.acquire()
            except SikkerByError:
                raise SikkerByError(f"En kørsel bygger {year} i {_rel(out_dir)} lige nu; kør 'sikkerby clean', "
                                    "når den er færdig.") from None
            locks.append(lock)
        return _remove(out_dir)
    finally:
        for lock in locks:  # the lock files stay: removing one another run may hold would break its lock
            lock.release()


def _remove(out_dir: Path) -> list[str]:
    lines = []
    targets = []
    cache = out_dir / RUN_CACHE_DIRNAME
    if cache.exists():
        targets.append((cache, "de validerede inddata (mellemlageret)"))
    for path in sorted(out_dir.iterdir()):
        match = _LEFTOVER.match(path.name)
        if match and path.is_dir():
            kind = "fejlet byggeri" if match.group(2) == "failed" else "efterladt byggemappe"
            targets.append((path, f"{kind} for {match.group(1)}"))
    for path, what in targets:
        try:
            shutil.rmtree(path)
        except OSError as exc:
            raise SikkerByError(f"{_rel(path)} kunne ikke slettes: {error_text(exc)}") from None
        lines.append(f"Slettet: {_rel(path)} – {what}")
    if not lines:
        lines.append(f"Intet at rydde op i {_rel(out_dir)}.")
    else:
        lines.append(f"Publikationerne i {_rel(out_dir)} er ikke rørt.")
    return lines
