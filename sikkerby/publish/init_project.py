"""``sikkerby init MAPPE``: an editable project folder — the programme folder and the notebooks.

A municipality that wants to change the programme (målepunkter, targets, bydele) or the
chapters gets its own copy of what ships with the package, and points the run at it::

    sikkerby init mit-projekt
    cd mit-projekt
    sikkerby run --year 2017 --params params --notebooks notebooks
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sikkerby.config.paths import default_notebooks_dir, default_params_dir
from sikkerby.errors import SikkerByError, error_text

README_NAME = "LÆS-MIG.md"
README_TEXT = """\
# Sikker By – projektmappe

Mappen er lavet med `sikkerby init` og kan redigeres frit:

- `params/program.yaml` – programmet: målepunkter, indikatorer, basisår, mål, bydele,
  point og vægte i effekt- og evidensmodellen. `params/<år>.yaml` – årets titel og
  forelæggelse. Et nyt år eller et ændret program er en ændring her, ikke i koden.
- `notebooks/` – publikationens kapitler. Den første (`00_...`) er forsiden.

Kør publikationen med mappens egne filer:

    sikkerby validate --data DATAMAPPE --params params
    sikkerby run --year 2017 --data DATAMAPPE --params params --notebooks notebooks

(`--data` udeladt: de medfølgende eksempeldata.) I stedet for tilvalgene kan
miljøvariablerne `SIKKERBY_PARAMS` og `SIKKERBY_NOTEBOOKS` pege på mapperne.
Publikationen lægges i `outputs/<år>/`; `sikkerby clean` sletter bagefter de validerede
data, kørslen har gemt i `outputs/.sikkerby-cache/`.
"""


def _copy(source: Path, target: Path, pattern: str) -> int:
    files = sorted(p for p in source.glob(pattern) if p.is_file() and not p.name.startswith("."))
    if not files:
        raise SikkerByError(f"Der er ingen {pattern}-filer i {source}; sikkerby er ikke installeret fuldstændigt.")
    target.mkdir(parents=True)
    for path in files:
        shutil.copyfile(path, target / path.name)
    return len(files)


def init_project(folder: str | os.PathLike) -> list[str]:
    """Write ``params/``, ``notebooks/`` and a Danish read-me into ``folder``; returns what to tell the user.

    Nothing is overwritten: a folder that already has ``params/`` or ``notebooks/`` is refused.
    """
    root = Path(folder)
    if root.exists() and not root.is_dir():
        raise SikkerByError(f"{root} findes og er ikke en mappe.")
    taken = [root / name for name in ("params", "notebooks", README_NAME) if (root / name).exists()]
    if taken:
        raise SikkerByError(f"{taken[0]} findes allerede og overskrives ikke; vælg en anden eller en tom mappe.")
    try:
        root.mkdir(parents=True, exist_ok=True)
        n_params = _copy(default_params_dir(), root / "params", "*.yaml")
        n_notebooks = _copy(default_notebooks_dir(), root / "notebooks", "*.ipynb")
        (root / README_NAME).write_text(README_TEXT, encoding="utf-8")
    except OSError as exc:
        raise SikkerByError(f"Projektmappen {root} kunne ikke skrives: {error_text(exc)}") from None
    return [
        f"Projektmappe lavet: {root}",
        f"  params/     {n_params} filer (programmet og årenes parametre)",
        f"  notebooks/  {n_notebooks} notebooks (publikationens kapitler)",
        f"Kør: cd {root} && sikkerby run --year 2017 --params params --notebooks notebooks",
    ]
