"""The whole publication as one PDF: pandoc (ipynb -> Typst) and the typst compiler.

Each chapter goes through pandoc on its own (:func:`chapter_typst`: ``--file-scope``, the
project's Lua filter) into a Typst fragment, kept in a content-addressed cache
(``<out>/.sikkerby-cache/typst/``, keyed by the prepared notebook, the filter, pandoc and the
metadata), so a re-run converts only the chapters that changed, and a run converts each
chapter as soon as its notebook is done. The fragments are put into the project's Typst
template exactly where one pandoc call over every chapter would put them (the same Typst
source, byte for byte; ``tests/test_incremental.py`` checks it), and the result is compiled
in this process by the ``typst`` wheel: no Python start-ups, no LaTeX.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from sikkerby.config.paths import PACKAGE_DIR
from sikkerby.publish.render.chapters import Chapter
from sikkerby.publish.render.html import RenderError
from sikkerby.publish.render.notebook import (
    keep_one_representation,
    prepare_for_publication,
)

TYPST_DIR = PACKAGE_DIR / "templates" / "typst"
TEMPLATE = TYPST_DIR / "sikkerby.typst"
FILTER = TYPST_DIR / "notebook.lua"
MEDIA_DIR = "media"  # pandoc extracts the charts here; the filter writes the same paths


def chapter_notebook(chapter: Chapter, nb: dict) -> dict:
    """The notebook pandoc reads: the reader's view, one representation per output, the title as ``#``.

    A raw Typst cell after the title starts the chapter's numbering (``Tabel 2.1`` …), with the
    same chapter number as the HTML pages (the front page is chapter 1).
    """
    prepared = keep_one_representation(prepare_for_publication(nb))
    heading = {"cell_type": "markdown", "metadata": {}, "source": f"# {chapter.title}"}
    numbering = {"cell_type": "raw", "metadata": {"format": "typst"},
                 "source": f"#sb-chapter-start({chapter.position + 1})"}
    prepared["cells"] = [heading, numbering, *prepared["cells"]]
    for cell in prepared["cells"]:  # pandoc's reader wants nbformat 4 cells with ids
        cell.setdefault("metadata", {})
    return prepared


def pandoc_to_typst(notebooks: list[Path], metadata: dict, work_dir: Path) -> Path:
    """Run pandoc once over every chapter notebook; returns the ``.typ`` file (media beside it).

    The notebooks must lie in ``work_dir``: pandoc reads them by file name from
    there, because ``--file-scope`` builds each chapter's link anchors from the
    path it is given, and a temporary folder's random name would make every
    PDF different. (``pypandoc.convert_file`` always passes absolute paths, so
    the pandoc binary it ships is called directly.) The publication's PDF is made chapter by chapter
    (:func:`typst_source`); this single call is the reference it must equal.
    """
    meta_file = work_dir / "metadata.json"
    meta_file.write_text(json.dumps({**metadata, "sb-media-dir": MEDIA_DIR}, ensure_ascii=False), encoding="utf-8")
    out = work_dir / "publication.typ"
    args = [
        "--from=ipynb",
        "--to=typst",
        f"--output={out.name}",
        "--standalone",
        "--file-scope",
        "--ipynb-output=all",
        f"--template={TEMPLATE}",
        f"--lua-filter={FILTER}",
        f"--extract-media={MEDIA_DIR}",
        f"--metadata-file={meta_file.name}",
        *[p.relative_to(work_dir).as_posix() for p in notebooks],
    ]
    _run_pandoc(args, work_dir, "notebooks")
    return out


_SENTINEL = "SIKKERBYKAPITELSLUT"  # a paragraph after a chapter: what precedes it is the chapter's fragment
_BODY = "SIKKERBYKAPITLER"  # the template's body, replaced by the fragments
_EMPTY_NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
FRAGMENTS_KEPT = 64  # chapter fragments kept in the cache (newest used first)


def _run_pandoc(args: list[str], cwd: Path, what: str) -> None:
    import subprocess

    import pypandoc

    try:
        done = subprocess.run([pypandoc.get_pandoc_path(), *args], cwd=cwd, capture_output=True,
                              text=True, encoding="utf-8", errors="replace")
    except OSError as exc:
        raise RenderError(f"pandoc kunne ikke startes: {exc}") from None
    if done.returncode != 0:
        raise RenderError(f"pandoc kunne ikke omsætte {what} til Typst: {done.stderr.strip()}")


def _pandoc_identity() -> str:
    import pypandoc

    path = pypandoc.get_pandoc_path()
    try:
        return f"{path}:{os.stat(path).st_size}:{os.stat(path).st_mtime_ns}"
    except OSError:
        return path


def fragment_key(chapter: Chapter, nb: dict, metadata: dict) -> str:
    """SHA-256 over what a chapter's Typst fragment is made from: the notebook pandoc reads, the
    Lua filter, the pandoc binary and the metadata."""
    digest = hashlib.sha256()
    digest.update(json.dumps(chapter_notebook(chapter, nb), ensure_ascii=False, sort_keys=True).encode())
    digest.update(FILTER.read_bytes())
    digest.update(_pandoc_identity().encode())
    digest.update(json.dumps(metadata, ensure_ascii=False, sort_keys=True, default=str).encode())
    digest.update(f"{chapter.position}:{chapter.stem}:{MEDIA_DIR}".encode())
    return digest.hexdigest()


def chapter_typst(chapter: Chapter, nb: dict, metadata: dict, cache_dir: Path | None,
                  media_to: Path | None = None) -> str:
    """The chapter's Typst fragment as one pandoc call over every chapter would write it (the
    blank lines after it included); its charts are copied to ``media_to`` when given.

    pandoc reads the chapter and an empty notebook (``--file-scope`` then prefixes its anchors
    with the file name, as with several files) and a sentinel paragraph after the chapter: the
    text before the sentinel is the fragment, with the separator pandoc puts after it.
    """
    key = fragment_key(chapter, nb, metadata)
    entry = cache_dir / key if cache_dir is not None else None
    if entry is not None and (entry / "fragment.typ").is_file():
        text = (entry / "fragment.typ").read_text(encoding="utf-8")
        os.utime(entry)  # recently used
    else:
        with tempfile.TemporaryDirectory(prefix="sikkerby-typst-") as tmp:
            work = Path(tmp)
            name = f"{chapter.position:02d}-{chapter.stem}.ipynb"
            prepared = chapter_notebook(chapter, nb)
            prepared["cells"].append({"cell_type": "markdown", "metadata": {}, "source": _SENTINEL})
            (work / name).write_text(json.dumps(prepared, ensure_ascii=False), encoding="utf-8")
            (work / "~tom.ipynb").write_text(json.dumps(_EMPTY_NOTEBOOK), encoding="utf-8")
            (work / "metadata.json").write_text(json.dumps({**metadata, "sb-media-dir": MEDIA_DIR},
                                                           ensure_ascii=False), encoding="utf-8")
            _run_pandoc(["--from=ipynb", "--to=typst", "--output=chapter.typ", "--file-scope", "--ipynb-output=all",
                         f"--lua-filter={FILTER}", f"--extract-media={MEDIA_DIR}", "--metadata-file=metadata.json",
                         name, "~tom.ipynb"], work, chapter.name)
            out = (work / "chapter.typ").read_text(encoding="utf-8")
            at = out.rfind(_SENTINEL)
            if at < 0:
                raise RenderError(f"pandoc gav ingen afslutning på kapitlet {chapter.name}")
            text = out[:at]
            if entry is not None:
                staging = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=cache_dir))
                (staging / "fragment.typ").write_text(text, encoding="utf-8")
                if (work / MEDIA_DIR).is_dir():
                    shutil.copytree(work / MEDIA_DIR, staging / MEDIA_DIR)
                try:
                    os.rename(staging, entry)
                except OSError:  # made meanwhile by another run
                    shutil.rmtree(staging, ignore_errors=True)
            elif media_to is not None and (work / MEDIA_DIR).is_dir():
                shutil.copytree(work / MEDIA_DIR, media_to / MEDIA_DIR, dirs_exist_ok=True)
    if entry is not None and media_to is not None and (entry / MEDIA_DIR).is_dir():
        shutil.copytree(entry / MEDIA_DIR, media_to / MEDIA_DIR, dirs_exist_ok=True)
    return text


def prune_fragments(cache_dir: Path, keep: int = FRAGMENTS_KEPT) -> None:
    """Keep the ``keep`` most recently used fragments."""
    try:
        entries = sorted((p for p in cache_dir.iterdir() if p.is_dir() and not p.name.startswith(".")),
                         key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for stale in entries[keep:]:
        shutil.rmtree(stale, ignore_errors=True)


def typst_source(chapters: list[tuple[Chapter, dict]], metadata: dict, work_dir: Path,
                 cache_dir: Path | None = None) -> Path:
    """The publication's Typst source in ``work_dir`` (charts in ``media/`` beside it), from each
    chapter's fragment (:func:`chapter_typst`) in the template."""
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
    body = "".join(chapter_typst(c, nb, metadata, cache_dir, media_to=work_dir) for c, nb in chapters)
    (work_dir / "metadata.json").write_text(json.dumps({**metadata, "sb-media-dir": MEDIA_DIR}, ensure_ascii=False),
                                            encoding="utf-8")
    # read as the chapters are (ipynb): the reader decides how the metadata's text comes out
    shell_nb = {**_EMPTY_NOTEBOOK, "cells": [{"cell_type": "markdown", "metadata": {}, "source": _BODY}]}
    (work_dir / "~skal.ipynb").write_text(json.dumps(shell_nb), encoding="utf-8")
    _run_pandoc(["--from=ipynb", "--to=typst", "--output=shell.typ", "--standalone", f"--template={TEMPLATE}",
                 f"--lua-filter={FILTER}",
                 "--metadata-file=metadata.json", "~skal.ipynb"], work_dir, "skabelonen")
    shell = (work_dir / "shell.typ").read_text(encoding="utf-8")
    if shell.count(_BODY) != 1:
        raise RenderError("PDF-skabelonen har ikke præcis ét sted til kapitlerne")
    out = work_dir / "publication.typ"
    out.write_text(shell.replace(_BODY, body.rstrip("\n")), encoding="utf-8")
    if cache_dir is not None:
        prune_fragments(cache_dir)
    return out


# PDF/UA-1 (ISO 14289-1): a tagged PDF in which every figure has an alt text, as the
# accessibility rules for Danish public bodies (WCAG 2.1 AA, documents included) ask.
PDF_STANDARD = "ua-1"


def compile_typst(source: Path, pdf: Path, root: Path) -> None:
    """Compile ``source`` to ``pdf`` as PDF/UA-1; typst refuses, e.g., a figure without alt text."""
    import typst

    try:
        typst.compile(str(source), output=str(pdf), root=str(root), ignore_system_fonts=True,
                      pdf_standards=PDF_STANDARD)
    except typst.TypstError as exc:
        raise RenderError(f"typst kunne ikke lave PDF'en: {exc.message}\n{exc.diagnostic}") from None


def render_pdf(chapters: list[tuple[Chapter, dict]], pdf: Path, metadata: dict,
               keep_typst: Path | None = None, cache_dir: Path | None = None) -> None:
    """Write the publication ``pdf`` from the executed notebooks of ``chapters`` (in order).

    ``metadata`` fills the template: title, subtitle, programme, municipality,
    committee, forelaeggelse, secretariat, aar, date, lang, toc-title, sample-data.
    ``keep_typst``: also copy the generated Typst source there, its charts to ``media/`` beside it (for debugging).
    ``cache_dir``: where chapters' Typst fragments are kept between runs (:func:`chapter_typst`).
    """
    with tempfile.TemporaryDirectory(prefix="sikkerby-pdf-") as tmp:
        work = Path(tmp)
        source = typst_source(chapters, metadata, work, cache_dir)
        if keep_typst is not None:
            keep_typst.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
            if (work / MEDIA_DIR).is_dir():  # the charts the source refers to, so it compiles on its own
                shutil.copytree(work / MEDIA_DIR, keep_typst.parent / MEDIA_DIR, dirs_exist_ok=True)
        compile_typst(source, pdf, work)
