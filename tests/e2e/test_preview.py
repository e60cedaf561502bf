"""``sikkerby preview``: it builds, waits, and after a change builds again in the kernels it kept.

The preview runs in a thread of the test process (:func:`sikkerby.publish.preview.preview` with a
number of ``builds``), on copies of the sample data, the frozen programme and the project's
notebooks; the test changes a file once the first build is ready and reads what the second did.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import psutil
import pytest
from run_helpers import kernels_of_this_process

from sikkerby.publish.preview import preview

pytestmark = pytest.mark.slow

YEAR = 2017


class Screen:
    """What the preview prints, with a wait for the n-th line that starts a certain way."""

    def __init__(self):
        self.text = ""
        self._changed = threading.Condition()

    def write(self, text: str) -> None:
        with self._changed:
            self.text += text
            self._changed.notify_all()

    def flush(self) -> None:
        pass

    def count(self, start: str) -> int:
        return sum(line.startswith(start) for line in self.text.splitlines())

    def wait_for(self, start: str, n: int, timeout: float = 180) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self.count(start) >= n, timeout), self.text


def _start(workspace: Path, screen: Screen, builds: int) -> tuple[threading.Thread, list[int]]:
    status: list[int] = []

    def target() -> None:
        status.append(preview([YEAR], data_dir=str(workspace / "data"), out_dir=str(workspace / "out"), jobs=2,
                              quiet=True, notebooks_dir=str(workspace / "notebooks"),
                              params_dir=str(workspace / "params"), renderer="offline", stream=screen,
                              builds=builds, poll=0.05))

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, status


def _manifest(workspace: Path) -> dict:
    return json.loads((workspace / "out" / str(YEAR) / "manifest.json").read_text(encoding="utf-8"))


def test_an_edited_notebook_is_built_again_in_the_kept_kernels_and_nothing_is_left(workspace):
    screen = Screen()
    thread, status = _start(workspace, screen, builds=2)
    screen.wait_for("Klar: ", 1)
    kernels = {p.pid for p in kernels_of_this_process()}
    assert kernels  # kept, waiting for the next build
    first = _manifest(workspace)
    assert not any(n["reused"] for n in first["notebooks"])

    notebook = workspace / "notebooks" / "02_effekt_og_evidens.ipynb"
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "preview-edit", "metadata": {},
                        "outputs": [], "source": ["print('redigeret i forhåndsvisningen')"]})
    notebook.write_text(json.dumps(nb), encoding="utf-8")
    thread.join(300)
    assert status == [0], screen.text

    assert "Ændret: 02_effekt_og_evidens.ipynb; bygger igen …" in screen.text
    second = _manifest(workspace)
    executed = [n["file"] for n in second["notebooks"] if not n["reused"]]
    assert executed == ["03_effekt_og_evidens.ipynb"]
    published = (workspace / "out" / str(YEAR) / "notebooks" / "03_effekt_og_evidens.ipynb").read_text(encoding="utf-8")
    assert "redigeret i forhåndsvisningen" in published
    log = (workspace / "out" / str(YEAR) / "run.log").read_text(encoding="utf-8")
    assert "Notebookkernerne fra forrige kørsel bruges igen." in log
    assert "kører i samme kerne som" in log  # a kernel of the first build, reset, not a new one
    assert kernels_of_this_process() == []  # the preview ended: its kernels are gone
    assert not any(p.pid in kernels and p.is_running() for p in psutil.Process().children(recursive=True))


def test_bad_input_is_shown_and_the_next_save_builds_again(workspace):
    closures = workspace / "data" / "lukninger.csv"
    good = closures.read_bytes()
    frame = pd.read_csv(closures, dtype=str, keep_default_na=False)
    frame.loc[0, "handleplan_dato"] = "i morgen"
    frame.to_csv(closures, index=False)

    screen = Screen()
    thread, status = _start(workspace, screen, builds=2)
    screen.wait_for("Publikationen er ikke opdateret", 1)
    assert "handleplan_dato" in screen.text and "lukninger.csv" in screen.text
    assert not (workspace / "out" / str(YEAR)).exists()

    closures.write_bytes(good)
    thread.join(300)
    assert status == [0], screen.text
    assert screen.count("Klar: ") == 1
    assert (workspace / "out" / str(YEAR) / "index.html").is_file()
    assert kernels_of_this_process() == []


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 0), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"])
def test_a_signal_between_builds_ends_the_preview_also_when_sigint_was_ignored_at_its_start(
        workspace, project_dir, signum, status):
    """A true process, started as a script's background job is (POSIX: SIGINT ignored): Ctrl-C between
    builds still ends it (it used to be ignored there once a build had given back the inherited
    handler), and so does SIGTERM; its kernels end with it."""
    cmd = [sys.executable, "-m", "sikkerby", "preview", "--year", str(YEAR), "--data", str(workspace / "data"),
           "--out", str(workspace / "out"), "--notebooks", str(workspace / "notebooks"),
           "--params", str(workspace / "params"), "--jobs", "1", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=project_dir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        printed = []
        for line in proc.stderr:  # the first build, then the wait for changes
            printed.append(line)
            if line.startswith("Venter på ændringer"):
                break
        kernels = [p for p in psutil.Process(proc.pid).children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
        assert kernels, "".join(printed)
        proc.send_signal(signum)
        rest = proc.communicate(timeout=60)[1]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = "".join(printed) + rest
    assert proc.returncode == status, text
    assert "Forhåndsvisningen er stoppet." in text and "Traceback" not in text
    psutil.wait_procs(kernels, timeout=10)
    assert not [p for p in kernels if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
