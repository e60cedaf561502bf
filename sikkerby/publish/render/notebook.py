"""Preparing an executed notebook for the reader: no code, no title block, no warnings.

Shared by the HTML and the PDF renderer. Works on plain notebook dicts (an
``nbformat.NotebookNode`` is one), so nothing heavy is imported here.
"""

from __future__ import annotations

import copy
import re

import yaml

from sikkerby.publish.render.chapters import cell_source, front_matter_index

REMOVE_CELL_TAGS = {"remove-cell", "remove_cell"}
REMOVE_OUTPUT_TAGS = {"remove-output", "remove_output"}
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
_MARKUP = re.compile(r"[*_`#>]+")


def cell_options(cell: dict) -> dict:
    """Quarto's ``#| key: value`` options at the top of a code cell."""
    lines = []
    for line in cell_source(cell).splitlines():
        if not line.startswith("#|"):
            break
        lines.append(line[2:].strip())
    if not lines:
        return {}
    try:
        options = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError:
        return {}
    return options if isinstance(options, dict) else {}


def first_source_line(source: str) -> str:
    """The first line of a cell worth quoting: not blank, not a ``#|`` option."""
    for line in source.splitlines():
        if line.strip() and not line.startswith("#|"):
            return line.strip()
    return ""


def _plain(markdown: str) -> str:
    return " ".join(_MARKUP.sub("", markdown).split())


def _output_text(output: dict, mime: str) -> str:
    value = output.get("data", {}).get(mime, "")
    return "".join(value) if isinstance(value, list) else value


def _add_image_alt(outputs: list[dict]) -> None:
    """Give every image an ``alt``: its own metadata, else the caption output that follows it."""
    for i, output in enumerate(outputs):
        data = output.get("data", {})
        for mime in IMAGE_TYPES:
            if mime not in data:
                continue
            meta = output.setdefault("metadata", {}).setdefault(mime, {})
            if meta.get("alt"):
                continue
            caption = next((_plain(_output_text(o, "text/markdown")) for o in outputs[i + 1:]
                            if "text/markdown" in o.get("data", {})), "")
            meta["alt"] = caption or "Figur"


def _rejoin(nb: dict) -> None:
    """Multi-line strings stored as lists (the on-disk form) become single strings."""
    for cell in nb.get("cells", []):
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
        for output in cell.get("outputs", []):
            if isinstance(output.get("text"), list):
                output["text"] = "".join(output["text"])
            data = output.get("data", {})
            for mime, value in data.items():
                if isinstance(value, list) and not mime.endswith("json"):
                    data[mime] = "".join(value)


def prepare_for_publication(nb: dict) -> dict:
    """A copy of ``nb`` as the reader sees it.

    Drops the front-matter cell (the title is shown by the template), cells with
    ``#| include: false`` or a ``remove-cell`` tag, outputs of cells with
    ``#| output: false`` or a ``remove-output`` tag, and stderr streams
    (warnings are for the log, not the committee), and code cells left without
    output. Every image gets an ``alt``.
    Code is hidden by the renderers themselves.
    """
    nb = copy.deepcopy(nb)
    _rejoin(nb)
    title_index = front_matter_index(nb)
    cells = []
    for index, cell in enumerate(nb.get("cells", [])):
        if index == title_index:
            continue
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell.get("cell_type") == "code":
            options = cell_options(cell)
            if options.get("include") is False or tags & REMOVE_CELL_TAGS:
                continue
            if options.get("output") is False or tags & REMOVE_OUTPUT_TAGS:
                cell["outputs"] = []
            cell["outputs"] = [o for o in cell.get("outputs", [])
                               if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            _add_image_alt(cell["outputs"])
            if not cell["outputs"]:  # code is never shown: a cell without output shows nothing
                continue
        elif tags & REMOVE_CELL_TAGS:
            continue
        cells.append(cell)
    nb["cells"] = cells
    return nb


def keep_one_representation(nb: dict) -> dict:
    """For pandoc: each output keeps the one representation a PDF should show.

    An image beats Markdown beats plain text; ``text/html`` is dropped wherever a
    Markdown twin exists, so tables become real tables (pandoc is run with
    ``--ipynb-output=all`` and would otherwise print every representation).
    Changes ``nb`` in place and returns it.
    """
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data")
            if not data:
                continue
            for mime in (*IMAGE_TYPES, "text/markdown", "text/latex", "text/plain"):
                if mime in data:
                    output["data"] = {mime: data[mime]}
                    break
            else:
                output["data"] = {}
    return nb
