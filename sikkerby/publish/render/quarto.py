"""The Quarto route: when a ``quarto`` executable is on PATH, the year's publication is a Quarto book.

The executed notebooks are the chapters; Quarto does not execute them again
(``execute: enabled: false``), code is hidden (``echo: false``), the language is
Danish, and the book is rendered to HTML and to PDF through Typst.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

from sikkerby.publish.render.chapters import Chapter
from sikkerby.publish.render.html import RenderError

QUARTO_DIR = "_book"


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


def quarto_config(chapters: tuple[Chapter, ...], year: int, info: dict) -> dict:
    """The ``_quarto.yml`` of a year's book. ``info``: title, subtitle, secretariat, forelaeggelse.

    Chapter paths point at the executed notebooks in ``notebooks/``; the front
    page is copied to ``index.ipynb`` because a Quarto book starts at its index.
    """
    return {
        "project": {"type": "book", "output-dir": QUARTO_DIR},
        "book": {
            "title": info["title"],
            "subtitle": info.get("subtitle") or None,
            "author": info.get("secretariat") or None,
            "date": info.get("forelaeggelse") or None,
            "output-file": f"sikkerby-status-{year}",
            "chapters": ["index.ipynb", *(f"notebooks/{c.name}" for c in chapters[1:])],
            "search": False,
        },
        "lang": "da",
        "execute": {"enabled": False, "echo": False},
        "format": {
            "html": {"toc": True, "html-math-method": "plain", "anchor-sections": False},
            "typst": {"toc": True, "papersize": "a4", "section-numbering": None},
        },
    }


def write_quarto_project(project_dir: Path, chapters: tuple[Chapter, ...], year: int, info: dict) -> Path:
    """Write ``_quarto.yml`` (and the ``index.ipynb`` front page) into the year's build folder."""
    config = quarto_config(chapters, year, info)
    config["book"] = {k: v for k, v in config["book"].items() if v is not None}
    path = project_dir / "_quarto.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    front = project_dir / "notebooks" / chapters[0].name
    if front.exists():
        shutil.copyfile(front, project_dir / "index.ipynb")
    return path


def render_with_quarto(project_dir: Path, year: int) -> list[Path]:
    """``quarto render`` the book, then move its pages and PDF into ``project_dir``."""
    exe = quarto_executable()
    if exe is None:
        raise RenderError("quarto findes ikke på PATH")
    done = subprocess.run([exe, "render", str(project_dir)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RenderError(f"quarto render fejlede:\n{done.stderr[-4000:]}")
    book = project_dir / QUARTO_DIR
    moved = []
    for item in book.iterdir():
        target = project_dir / item.name
        if item.is_dir():  # merge: notebooks/ already holds the executed notebooks
            shutil.copytree(item, target, dirs_exist_ok=True)
        else:
            shutil.move(str(item), str(target))
        moved.append(target)
    shutil.rmtree(book, ignore_errors=True)
    (project_dir / "index.ipynb").unlink(missing_ok=True)
    return moved
