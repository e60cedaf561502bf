"""The whole publication as one PDF: pandoc (ipynb -> Typst) and the typst compiler.

All chapters go through ONE pandoc call (``--file-scope`` reads each notebook on
its own) with the project's Typst template and Lua filter, and the result is
compiled in this process by the ``typst`` wheel: no Python start-ups, no LaTeX.
"""

from __future__ import annotations

import json
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
    the pandoc binary it ships is called directly.)
    """
    import subprocess

    import pypandoc

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
    try:
        done = subprocess.run([pypandoc.get_pandoc_path(), *args], cwd=work_dir, capture_output=True,
                              text=True, encoding="utf-8", errors="replace")
    except OSError as exc:
        raise RenderError(f"pandoc kunne ikke startes: {exc}") from None
    if done.returncode != 0:
        raise RenderError(f"pandoc kunne ikke omsætte notebooks til Typst: {done.stderr.strip()}")
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
               keep_typst: Path | None = None) -> None:
    """Write the publication ``pdf`` from the executed notebooks of ``chapters`` (in order).

    ``metadata`` fills the template: title, subtitle, programme, municipality,
    committee, forelaeggelse, secretariat, aar, date, lang, toc-title, sample-data.
    ``keep_typst``: also copy the generated Typst source there, its charts to ``media/`` beside it (for debugging).
    """
    with tempfile.TemporaryDirectory(prefix="sikkerby-pdf-") as tmp:
        work = Path(tmp)
        paths = []
        for i, (chapter, nb) in enumerate(chapters):
            path = work / f"{i:02d}-{chapter.stem}.ipynb"
            path.write_text(json.dumps(chapter_notebook(chapter, nb), ensure_ascii=False), encoding="utf-8")
            paths.append(path)
        source = pandoc_to_typst(paths, metadata, work)
        if keep_typst is not None:
            keep_typst.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
            if (work / MEDIA_DIR).is_dir():  # the charts the source refers to, so it compiles on its own
                shutil.copytree(work / MEDIA_DIR, keep_typst.parent / MEDIA_DIR, dirs_exist_ok=True)
        compile_typst(source, pdf, work)
