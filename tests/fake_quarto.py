"""A stand-in ``quarto`` executable for tests (the real Quarto CLI cannot be installed here).

:func:`install` writes a small Python script named ``quarto`` into a folder to put first on
PATH. It answers ``quarto --version`` with the version it was given, and for
``quarto render DIR`` it records its arguments, checks the project it is given — the
``_quarto.yml`` keys against :data:`QUARTO_SCHEMA` (Quarto's documented options), no nulls, the
chapter files, the CSS and filter files, execution off, Danish, every ``fig-`` label captioned
— and, when all is well, writes the outputs a Quarto book would (``_book/index.html``, a page
per chapter, ``_book/<output-file>.pdf``). Problems go to stderr with exit status 1, as Quarto's
own validation does.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

# The keys the project's _quarto.yml may use, with the Quarto schema file that documents each
# (quarto-cli src/resources/schema/*.yml and the project/book reference at quarto.org):
# key -> (allowed type(s), formats where it is valid or None for all).
QUARTO_SCHEMA = {
    "top": {
        "quarto-required": ["str"],      # document-options / project: a semver range
        "project": ["dict"], "book": ["dict"], "format": ["dict"],
        "lang": ["str"],                 # document-language.yml, all formats
        "execute": ["dict"],             # document-execute.yml + cell-codeoutput.yml
        "filters": ["list"],             # document-render.yml, all formats
    },
    "project": {"type": ["str"], "output-dir": ["str"], "execute-dir": ["str"], "render": ["list"],
                "resources": ["list", "str"], "lib-dir": ["str"]},
    "book": {"title": ["str"], "subtitle": ["str"], "author": ["str", "list"], "date": ["str"],
             "output-file": ["str"], "chapters": ["list"], "appendices": ["list"], "downloads": ["list"],
             "search": ["bool"], "description": ["str"]},
    "execute": {"enabled": ["bool"], "echo": ["bool", "str"], "warning": ["bool"], "error": ["bool"],
                "output": ["bool", "str"], "include": ["bool"], "freeze": ["bool", "str"]},
    # format options: key -> types; valid for both html and typst unless listed per format
    "html": {"toc": ["bool"], "toc-depth": ["int"], "toc-title": ["str"], "toc-location": ["str"],
             "number-sections": ["bool"], "number-depth": ["int"], "css": ["list", "str"],
             "anchor-sections": ["bool"], "html-math-method": ["str"], "lang": ["str"], "theme": ["str", "list"]},
    "typst": {"toc": ["bool"], "toc-depth": ["int"], "number-sections": ["bool"], "section-numbering": ["str"],
              "page-numbering": ["str"], "papersize": ["str"], "margin": ["dict"], "columns": ["int"],
              "fontsize": ["str"], "mainfont": ["str"], "lang": ["str"], "keep-typ": ["bool"]},
}

SCRIPT = r'''#!{python}
import json, os, re, sys
from pathlib import Path
import yaml

SCHEMA = json.loads({schema!r})
VERSION = {version!r}
LOG = {log!r}
TYPES = {{"str": str, "bool": bool, "int": int, "list": list, "dict": dict}}


def check(section, data, where, problems):
    allowed = SCHEMA[section]
    for key, value in data.items():
        if value is None:
            problems.append(f"{{where}}.{{key}}: null is not allowed")
        elif key not in allowed:
            problems.append(f"{{where}}.{{key}}: unknown key")
        elif not any(isinstance(value, TYPES[t]) and not (t == "int" and isinstance(value, bool))
                     for t in allowed[key]):
            problems.append(f"{{where}}.{{key}}: {{type(value).__name__}} is not one of {{allowed[key]}}")


def nulls(value, where, problems):
    if value is None:
        problems.append(f"{{where}}: null")
    elif isinstance(value, dict):
        for k, v in value.items():
            nulls(v, f"{{where}}.{{k}}", problems)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            nulls(v, f"{{where}}[{{i}}]", problems)


def main(argv):
    with open(LOG, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({{"argv": argv, "cwd": os.getcwd()}}) + "\n")
    if argv[:1] == ["--version"]:
        print(VERSION)
        return 0
    if argv[:1] != ["render"] or len(argv) != 2:
        print(f"fake quarto: unexpected arguments {{argv}}", file=sys.stderr)
        return 2
    project = Path(argv[1])
    config = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8"))
    problems = []
    nulls(config, "_quarto.yml", problems)
    check("top", config, "", problems)
    for section in ("project", "book", "execute"):
        check(section, config.get(section) or {{}}, section, problems)
    for fmt, options in (config.get("format") or {{}}).items():
        if fmt not in ("html", "typst"):
            problems.append(f"format.{{fmt}}: not a format of this book")
            continue
        check(fmt, options or {{}}, f"format.{{fmt}}", problems)
    if config.get("project", {{}}).get("type") != "book":
        problems.append("project.type is not book")
    if config.get("execute", {{}}).get("enabled") is not False:
        problems.append("execute.enabled is not false: Quarto would run the executed notebooks again")
    if config.get("lang") != "da":
        problems.append("lang is not da")
    chapters = config.get("book", {{}}).get("chapters", [])
    if not chapters or chapters[0] != "index.ipynb":
        problems.append("the book does not start at index.ipynb")
    for name in chapters:
        path = project / name
        if not path.is_file():
            problems.append(f"chapter {{name}} does not exist")
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            options = dict(re.findall(r"^#\|\s*([\w-]+)\s*:\s*(.*)$", src, re.M))
            if options.get("label", "").startswith("fig-") and not options.get("fig-cap", "").strip():
                problems.append(f"{{name}}: {{options['label']}} has no fig-cap")
    for css in config.get("format", {{}}).get("html", {{}}).get("css", []):
        if not (project / css).is_file():
            problems.append(f"css {{css}} does not exist")
    filters = config.get("filters", [])
    if not filters:
        problems.append("no filters")
    for lua in filters:
        if not (project / lua).is_file():
            problems.append(f"filter {{lua}} does not exist")
    if problems:
        print("ERROR: " + "\n".join(problems), file=sys.stderr)
        return 1
    out = project / config["project"].get("output-dir", "_book")
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text("<html lang=da><body>forside</body></html>", encoding="utf-8")
    for name in chapters[1:]:
        (out / name).with_suffix(".html").write_text("<html lang=da>kapitel</html>", encoding="utf-8")
    (out / (config["book"]["output-file"] + ".pdf")).write_bytes(b"%PDF-1.7\n% fake quarto\n%%EOF\n")
    return 0


sys.exit(main(sys.argv[1:]))
'''


def install(folder: Path, version: str = "1.9.12") -> tuple[Path, Path]:
    """Write the fake ``quarto`` into ``folder/bin``; returns (the bin folder, the log of its calls)."""
    bin_dir = folder / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    log = folder / "quarto-calls.jsonl"
    script = bin_dir / "quarto"
    script.write_text(SCRIPT.format(python=sys.executable, schema=json.dumps(QUARTO_SCHEMA),
                                    version=version, log=str(log)), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return bin_dir, log


def calls(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]


def path_with(bin_dir: Path) -> str:
    return f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
