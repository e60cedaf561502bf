"""The Quarto route: the year's publication as a Quarto book (HTML and a Typst PDF).

``sikkerby run --renderer quarto`` (or ``auto`` with a new enough ``quarto`` on PATH) writes
a Quarto project into the year's build folder, ``_quarto/``, and runs ``quarto render`` on it:

- the chapters are copies of the executed notebooks (the front page as ``index.ipynb``);
  Quarto does not execute them again (``execute: enabled: false``), code is hidden
  (``echo: false``), the language is Danish (``lang: da``);
- the project's stylesheet (``sikkerby.css``) and a Lua filter (``quarto_filter.lua``:
  HTML headings to real headings, coloured status marks in Typst) are wired in;
- a figure cell labelled ``fig-…`` without ``fig-cap`` gets the caption the notebook shows
  below the chart (``Figur: …``), so that Quarto can number and caption it;
- only keys of Quarto's documented schema are written, none of them null.

A Typst *book* needs Quarto 1.9 or newer (:data:`MIN_VERSION`), which ``quarto-required`` also
states. The rendered pages and PDF are moved into the build folder, the project removed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from sikkerby.config.paths import PACKAGE_DIR
from sikkerby.errors import SikkerByError
from sikkerby.publish.render.chapters import Chapter
from sikkerby.publish.render.html import RenderError

PROJECT_DIR_NAME = "_quarto"
QUARTO_DIR = "_book"
MIN_VERSION = (1, 9)
CSS = PACKAGE_DIR / "templates" / "nbconvert" / "sikkerby" / "sikkerby.css"
FILTER = Path(__file__).with_name("quarto_filter.lua")
OFFLINE, QUARTO = "offline", "quarto"
CHOICES = ("auto", OFFLINE, QUARTO)
_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")
_OPTION = re.compile(r"^#\|\s*([\w-]+)\s*:\s*(.*?)\s*$")
CAPTION_PREFIX = "Figur: "


def quarto_executable() -> str | None:
    return shutil.which("quarto")


def quarto_version() -> str | None:
    exe = quarto_executable()
    if exe is None:
        return None
    try:
        return subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def parse_version(text: str | None) -> tuple[int, int, int] | None:
    """``1.9.12`` (or ``v1.9``) -> ``(1, 9, 12)``; ``None`` when there is no version in ``text``."""
    match = _VERSION.search(text or "")
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)


def _min_text() -> str:
    return ".".join(map(str, MIN_VERSION))


def choose_renderer(choice: str = "auto") -> tuple[str, str]:
    """``(renderer, Danish line saying which and why)`` for ``--renderer choice``.

    ``quarto`` without a usable Quarto is an error (:class:`SikkerByError`); ``auto`` falls back to offline.
    """
    if choice not in CHOICES:
        raise SikkerByError(f"Ukendt renderer '{choice}'; vælg {', '.join(CHOICES)}.")
    if choice == OFFLINE:
        return OFFLINE, "Publikationen laves offline (nbconvert, pandoc og typst)."
    exe = quarto_executable()
    raw = quarto_version() if exe else None
    version = parse_version(raw)
    usable = version is not None and version[:2] >= MIN_VERSION
    shown = ".".join(map(str, version)) if version else (raw or "ukendt version")
    if choice == QUARTO:
        if exe is None:
            raise SikkerByError(
                "--renderer quarto: programmet quarto findes ikke på PATH. Installer Quarto "
                f"{_min_text()} eller nyere, eller brug --renderer offline (eller auto).")
        if not usable:
            raise SikkerByError(
                f"--renderer quarto: {exe} er Quarto {shown}; en Typst-bog kræver Quarto {_min_text()} "
                "eller nyere. Opdater Quarto, eller brug --renderer offline.")
        return QUARTO, f"Publikationen laves med Quarto {shown} ({exe})."
    if usable:
        return QUARTO, f"Publikationen laves med Quarto {shown} ({exe}), fundet på PATH."
    if exe is not None:
        return OFFLINE, (f"Quarto {shown} på PATH er ældre end {_min_text()}; publikationen laves offline "
                         "(nbconvert, pandoc og typst).")
    return OFFLINE, "Quarto findes ikke på PATH; publikationen laves offline (nbconvert, pandoc og typst)."


def quarto_config(chapters: tuple[Chapter, ...], year: int, info: dict) -> dict:
    """The ``_quarto.yml`` of a year's book. ``info``: title, subtitle, secretariat, forelaeggelse.

    Empty values are left out (Quarto's schema refuses nulls).
    """
    book = {
        "title": info["title"],
        "subtitle": info.get("subtitle"),
        "author": info.get("secretariat"),
        "date": info.get("forelaeggelse"),
        "output-file": f"sikkerby-status-{year}",
        "chapters": ["index.ipynb", *(f"notebooks/{c.name}" for c in chapters[1:])],
    }
    return {
        "quarto-required": f">= {_min_text()}.0",
        "project": {"type": "book", "output-dir": QUARTO_DIR},
        "book": {key: str(value) if key in ("date", "subtitle", "author") else value
                 for key, value in book.items() if value not in (None, "")},
        "lang": "da",
        "execute": {"enabled": False, "echo": False},
        "filters": [FILTER.name],
        "format": {
            "html": {"toc": True, "number-sections": False, "css": [CSS.name], "anchor-sections": False,
                     "html-math-method": "plain"},
            "typst": {"toc": True, "number-sections": False, "papersize": "a4"},
        },
    }


def _cell_options(source: str) -> dict[str, str]:
    options = {}
    for line in source.splitlines():
        match = _OPTION.match(line)
        if not match:
            if line.strip():
                break  # options are the first lines of a cell
            continue
        options[match.group(1)] = match.group(2)
    return options


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _caption_output(cell: dict) -> int | None:
    """Index of the ``Figur: …`` output a chart cell shows below its figure, if any."""
    for index, output in enumerate(cell.get("outputs", [])):
        plain = output.get("data", {}).get("text/plain")
        plain = "".join(plain) if isinstance(plain, list) else plain
        if isinstance(plain, str) and plain.startswith(CAPTION_PREFIX):
            return index
    return None


def caption_figures(nb: dict, fallback: str) -> int:
    """Give every ``fig-`` labelled code cell without ``fig-cap`` one (in place); returns how many.

    The caption is the ``Figur: …`` output below the chart (which is then dropped, so it is not
    shown twice); without one, ``fallback``.
    """
    done = 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = _source(cell)
        options = _cell_options(source)
        if not options.get("label", "").startswith("fig-") or "fig-cap" in options:
            continue
        index = _caption_output(cell)
        caption = fallback
        if index is not None:
            plain = cell["outputs"][index]["data"]["text/plain"]
            caption = ("".join(plain) if isinstance(plain, list) else plain)[len(CAPTION_PREFIX):].strip()
            del cell["outputs"][index]
        line = f"#| fig-cap: {json.dumps(caption, ensure_ascii=False)}\n"
        cell["source"] = line + source
        done += 1
    return done


def write_quarto_project(build_dir: Path, chapters: tuple[Chapter, ...], year: int, info: dict) -> Path:
    """Write the Quarto project ``<build>/_quarto/`` from the executed notebooks in ``<build>/notebooks/``."""
    project = build_dir / PROJECT_DIR_NAME
    if project.exists():
        shutil.rmtree(project)
    (project / "notebooks").mkdir(parents=True)
    for chapter in chapters:
        nb = json.loads((build_dir / "notebooks" / chapter.name).read_text(encoding="utf-8"))
        caption_figures(nb, chapter.title)
        target = project / ("index.ipynb" if chapter.position == 0 else f"notebooks/{chapter.name}")
        target.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.copyfile(CSS, project / CSS.name)
    shutil.copyfile(FILTER, project / FILTER.name)
    path = project / "_quarto.yml"
    config = quarto_config(chapters, year, info)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def render_with_quarto(build_dir: Path, year: int) -> list[Path]:
    """``quarto render`` the book in ``<build>/_quarto``, then move its pages and PDF into ``build_dir``."""
    exe = quarto_executable()
    if exe is None:
        raise RenderError("quarto findes ikke på PATH")
    project = build_dir / PROJECT_DIR_NAME
    try:
        done = subprocess.run([exe, "render", str(project)], capture_output=True, text=True, cwd=str(project))
    except OSError as exc:
        raise RenderError(f"quarto kunne ikke startes: {exc}") from None
    if done.returncode != 0:
        raise RenderError(f"quarto render fejlede:\n{(done.stderr or done.stdout)[-4000:]}")
    book = project / QUARTO_DIR
    if not (book / "index.html").is_file() or not (book / f"sikkerby-status-{year}.pdf").is_file():
        raise RenderError(f"quarto render lavede ikke index.html og sikkerby-status-{year}.pdf i {book}")
    moved = []
    for item in sorted(p for p in book.rglob("*") if p.is_file()):
        relative = item.relative_to(book)
        if relative.suffix == ".ipynb":  # notebooks/ holds the executed notebooks, not Quarto's copies
            continue
        target = build_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(item, target)
        moved.append(target)
    shutil.rmtree(project, ignore_errors=True)
    return moved
