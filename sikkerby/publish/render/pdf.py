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


def chapter_notebook(chapter: Chapter, nb: dict) -> dict:
    """The notebook pandoc reads: the reader's view, one representation per output, the title as ``#``."""
    prepared = keep_one_representation(prepare_for_publication(nb))
    heading = {"cell_type": "markdown", "metadata": {}, "source": f"# {chapter.title}"}
    prepared["cells"] = [heading, *prepared["cells"]]
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
    meta_file.write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
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
        "--extract-media=media",
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


def compile_typst(source: Path, pdf: Path, root: Path) -> None:
    import typst

    try:
        typst.compile(str(source), output=str(pdf), root=str(root), ignore_system_fonts=True)
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
            if (work / "media").is_dir():  # the charts the source refers to, so it compiles on its own
                shutil.copytree(work / "media", keep_typst.parent / "media", dirs_exist_ok=True)
        compile_typst(source, pdf, work)
