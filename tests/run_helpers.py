"""Helpers for tests that start the real ``sikkerby`` command and check what it left behind."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from sikkerby.config.paths import PROJECT_DIR

FIXTURE_NOTEBOOKS = Path(__file__).parent / "notebooks_fixture"

# Notebook code that holds a cell while a test works on the running publication: it writes its kernel's
# pid to $SIKKERBY_TEST_STARTED, then waits (at most 300 s) until $SIKKERBY_TEST_RELEASE exists.
WAIT_FOR_RELEASE = """\
import os, time
from pathlib import Path
_started = os.environ.get("SIKKERBY_TEST_STARTED")
if _started:  # tests only: say the notebook runs, then wait for the test's go
    Path(_started + ".tmp").write_text(str(os.getpid()))
    os.replace(_started + ".tmp", _started)
    _release = Path(os.environ["SIKKERBY_TEST_RELEASE"])
    _deadline = time.monotonic() + 300
    while not _release.exists() and time.monotonic() < _deadline:
        time.sleep(0.05)
"""


def wait_for_notebook(marker: Path, proc: subprocess.Popen, limit: float = 180.0) -> int:
    """Wait until a notebook running :data:`WAIT_FOR_RELEASE` has written ``marker``; its kernel's pid."""
    import pytest

    deadline = time.monotonic() + limit
    while not marker.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the run ended before the notebook started (exit {proc.returncode}):\n{out}{err}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the notebook never started")
        time.sleep(0.05)
    return int(marker.read_text())


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` (hidden ones too): relative path -> SHA-256, or 'dir'."""
    result = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        result[key] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def sikkerby_command(*args: str) -> list[str]:
    """The command line a user types, run with this test session's Python."""
    return [sys.executable, "-m", "sikkerby", *map(str, args)]


def run_sikkerby(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run ``sikkerby <args>`` to the end; ``env`` is added to this process's environment."""
    return subprocess.run(sikkerby_command(*args), capture_output=True, text=True, encoding="utf-8",
                          errors="replace", cwd=PROJECT_DIR, env={**os.environ, **(env or {})},
                          timeout=kwargs.pop("timeout", 600), **kwargs)


def write_last_good_publication(out: Path, year: int = 2017) -> Path:
    """A stand-in for the last good publication in ``out/<year>/``: pages, CSVs, PDF, manifest, notebooks."""
    pub = out / str(year)
    (pub / "notebooks" / "figurer").mkdir(parents=True)
    (pub / "index.html").write_text(f'<!DOCTYPE html><html lang="da"><body><h1>Sikker By – status {year}</h1>'
                                    "<p>Sidste gode udgave.</p></body></html>\n", encoding="utf-8")
    (pub / "01_tryghed.html").write_text("<html><body>Øget tryghed</body></html>\n", encoding="utf-8")
    (pub / "maalstatus.csv").write_text(f"maalepunkt_nr,indikator_id,aar,vaerdi,status\n1,utryghed_aften,{year},14.2,ikke_naaet\n",
                                        encoding="utf-8")
    (pub / "aktivitetsscorer.csv").write_text("aktivitet_id,navn,samlet_score\nA1,Natteravne,71.5\n",
                                              encoding="utf-8")
    (pub / f"sikkerby-status-{year}.pdf").write_bytes(b"%PDF-1.7\n% sidste gode udgave\n%%EOF\n")
    (pub / "manifest.json").write_text(f'{{"aar": {year}, "cache_key": "gammel"}}\n', encoding="utf-8")
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Forside")]),
                   pub / "notebooks" / "00_sammenfatning.ipynb")
    (pub / "notebooks" / "figurer" / "figur-1.png").write_bytes(b"\x89PNG\r\n\x1a\nikke et rigtigt billede")
    return out


def notebooks_with_cell(folder: Path, code: str, notebook: str = "01_tryghed.ipynb", index: int = 3,
                        source: Path = FIXTURE_NOTEBOOKS) -> Path:
    """A copy of the fixture notebooks with one more code cell (at ``index``) in ``notebook``."""
    shutil.copytree(source, folder)
    path = folder / notebook
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(index, nbformat.v4.new_code_cell(code))
    nbformat.write(nb, path)
    return folder


def kernels_of_this_process() -> list:
    """The living ipykernel processes among this process's descendants (psutil.Process objects); one
    that has exited (a zombie not yet reaped, or gone) is none."""
    import psutil

    def running_kernel(process) -> bool:
        try:
            return process.status() != psutil.STATUS_ZOMBIE and any("ipykernel" in part for part in process.cmdline())
        except (psutil.ZombieProcess, psutil.NoSuchProcess):
            return False

    return [p for p in psutil.Process().children(recursive=True) if running_kernel(p)]
