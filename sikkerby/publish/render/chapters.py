"""The publication's chapters: the notebooks folder, in file-name order, titles from front matter.

Only the standard library and PyYAML are used here: the run reads the chapter list
before it decides whether anything heavy has to be imported at all.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from sikkerby.errors import SikkerByError

_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(.*?\n)---[ \t]*(\n|\Z)", re.S)


@dataclass(frozen=True)
class Chapter:
    """One chapter of the publication: a notebook, executed with ``parameters``. The first is the front page.

    A notebook whose metadata says ``"sikkerby": {"per_goal_area": "<parameter>"}`` is one chapter
    per goal area of the programme, in the programme's order, each executed with that parameter set
    to the goal area's key and titled with the goal area's title.
    """

    source: Path  # the notebook in the notebooks folder
    title: str
    position: int  # 0 for the front page
    stem: str = ""  # the executed notebook's and page's name: ``01_tryghed``
    parameters: tuple[tuple[str, str], ...] = ()  # papermill parameters beyond the year's
    goal_area: str | None = None  # the goal area's key, for a chapter of a per-goal-area notebook
    # the input files (base names) the notebook declares it reads (metadata ``"sikkerby": {"reads": [...]}``);
    # ``None``: undeclared, every input counts as read
    reads: tuple[str, ...] | None = None

    @property
    def name(self) -> str:
        """The executed notebook's file name, e.g. ``01_tryghed.ipynb``."""
        return f"{self.stem}.ipynb"

    @property
    def html_name(self) -> str:
        """The chapter's page: ``index.html`` for the front page, else ``<stem>.html``."""
        return "index.html" if self.position == 0 else f"{self.stem}.html"


def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def front_matter(cell: dict) -> dict | None:
    """The Quarto front matter (``---`` YAML ``---``) of a raw or markdown cell, else ``None``."""
    if cell.get("cell_type") not in ("raw", "markdown"):
        return None
    match = _FRONT_MATTER.match(cell_source(cell))
    if not match:
        return None
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def front_matter_index(nb: dict) -> int | None:
    """Index of the first raw/markdown cell holding front matter (the notebook's title block)."""
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code":
            continue
        if front_matter(cell) is not None:
            return index
    return None


def notebook_title(nb: dict, fallback: str) -> str:
    """The ``title`` of the notebook's front matter; else its first ``#`` heading; else ``fallback``."""
    index = front_matter_index(nb)
    if index is not None:
        title = front_matter(nb["cells"][index]).get("title")
        if title:
            return str(title).strip()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            for line in cell_source(cell).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def notebook_paths(notebooks_dir: str | os.PathLike) -> list[Path]:
    """The chapter notebooks, sorted by file name (hidden files and checkpoints left out)."""
    folder = Path(notebooks_dir)
    if not folder.is_dir():
        raise SikkerByError(f"Notebook-mappen findes ikke: {folder}")
    return sorted(p for p in folder.glob("*.ipynb") if p.is_file() and not p.name.startswith((".", "_")))


def mark_executed(nb: dict, chapter: Chapter) -> bool:
    """Make an executed notebook of a per-goal-area chapter stand on its own: its front matter's title is the
    chapter's (``Øget tryghed``), and its metadata names its goal area instead of asking to be run per goal
    area (so the executed folder is a list of chapters, one notebook each). True when ``nb`` was changed."""
    if not chapter.parameters:
        return False
    meta = nb.setdefault("metadata", {})
    meta["sikkerby"] = {"goal_area": dict(chapter.parameters)}
    index = front_matter_index(nb)
    if index is not None:
        cell = nb["cells"][index]
        text = cell_source(cell)
        cell["source"] = re.sub(r"(?m)^title:.*$", "title: " + json.dumps(chapter.title, ensure_ascii=False),
                                text, count=1)
    return True


def _bare_stem(path: Path) -> str:
    """``02_effekt_og_evidens`` -> ``effekt_og_evidens`` (the order prefix off)."""
    head, _, rest = path.stem.partition("_")
    return rest if head.isdigit() and rest else path.stem


def discover_chapters(notebooks_dir: str | os.PathLike,
                      goal_areas: dict[str, dict[str, str]] | None = None) -> tuple[Chapter, ...]:
    """The publication's chapters from ``notebooks_dir`` (the first file is the front page).

    ``goal_areas`` (the programme's ``goal_areas``: key -> ``{title, text}``) expands a
    per-goal-area notebook into one chapter per goal area. Chapters are numbered in order:
    ``00_sammenfatning``, ``01_tryghed``, ``02_kriminalitet``, ``03_effekt_og_evidens`` …
    """
    paths = notebook_paths(notebooks_dir)
    if not paths:
        raise SikkerByError(f"Der er ingen notebooks i {notebooks_dir}")
    chapters: list[Chapter] = []
    for path in paths:
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SikkerByError(f"Notebooken {path.name} kan ikke læses: {exc}") from None
        meta = (nb.get("metadata") or {}).get("sikkerby") or {}
        per_goal_area = meta.get("per_goal_area")
        reads = meta.get("reads")
        reads = tuple(str(r).lower() for r in reads) if isinstance(reads, list) else None
        if per_goal_area:
            if not goal_areas:
                raise SikkerByError(f"Notebooken {path.name} laves pr. målområde, men programmet har ingen målområder")
            for key, area in goal_areas.items():
                position = len(chapters)
                chapters.append(Chapter(source=path.resolve(), title=str(area.get("title") or key), position=position,
                                        stem=f"{position:02d}_{key}", parameters=((str(per_goal_area), key),),
                                        goal_area=key))
            continue
        position = len(chapters)
        fallback = _bare_stem(path).replace("_", " ").capitalize()
        chapters.append(Chapter(source=path.resolve(), title=notebook_title(nb, fallback), position=position,
                                stem=path.stem if position == 0 else f"{position:02d}_{_bare_stem(path)}",
                                reads=reads))
    return tuple(chapters)
