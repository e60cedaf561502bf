"""Benchmark of the yearly run against the plain papermill + nbconvert pipeline (``make bench``).

Measured in one run, side by side, ``--repeat`` times each (medians reported):

(a) ``sikkerby run --year Y --force`` into a fresh output folder on the bundled sample ("cold");
(b) what a user would otherwise script to get the same chapters: the ``papermill`` CLI once per
    *chapter* one after another (the chapters are the package's own ``discover_chapters``: a
    notebook run per goal area is one chapter per goal area of the programme), each with the
    parameters ``sikkerby run`` gives it (``aar``, ``data_dir`` ``''``, ``params_dir`` and the
    chapter's own, e.g. ``maalomraade``; passed as ``-y`` YAML so that their types are kept,
    ``--cwd`` the notebooks folder), writing the executed notebook under the chapter's name
    (``01_tryghed.ipynb``), then ``jupyter nbconvert --to html --no-input`` for each of them;
(c) the same ``sikkerby run`` again with nothing changed (no ``--force``): it must do nothing;
(d) a cold run on a data set ``--scale`` times the sample's size (``sikkerby sample-data --scale``,
    generated once, outside the timing), with its peak memory;
(e) each chapter's execution time top to bottom on the sample after its kernel has started
    (nbclient: the chapter's parameters injected as papermill does, the kernel is started and ready
    first, then only the cells are timed; one chapter at a time, nothing else running);
(f) one chapter's notebook edited (a code cell appended to ``--edit-notebook``, by default the
    first notebook after the front page that is not one per goal area), then the same
    ``sikkerby run`` again without ``--force`` into (a)'s folder: only that chapter is executed
    again (the benchmark checks the manifest's ``reused`` flags), the PDF is made anew;
(f2) the same edit while ``sikkerby preview`` runs on (a)'s folder: from writing the notebook until
    the preview says the publication is ready again (its kernels are kept between builds; the
    preview notices a change within 0.1 s and waits 0.1 s for the file to be still);
(g) many years: ``sikkerby run --year 2014-2017 --force`` (``--years``, the CLI's syntax) into a
    fresh output folder, measured like (a); the target is on g/a;
(h) the floor, what no run can go below: (h1) starting a ``python3`` kernel until it answers
    (jupyter_client ``KernelManager.start_kernel`` and the client's ``wait_for_ready``); (h2) the
    same, then the notebooks' import statements run in it (``execute.warm_up_code``), timed until
    they have finished; (h3) a bare ``python -c pass`` and ``python -c "import sikkerby.cli"``
    (the CLI's own start), each a process timed like the scenarios;
(t) with ``--with-tests``, once each, after everything else: the fast test loop (``make
    test-fast``) and the whole suite (``pytest -n auto``, then ``pytest --nbval-lax notebooks/``),
    their wall time and whether they passed; ``--with-tests fast`` runs only the fast loop.

Order within a repetition: a, c, f, b, g, d (, d2); then the floor, (e) and the tests. The runs of
(a), (c) and (f) use a copy of the notebooks folder in the work folder, so that (f) can edit it;
the edit is undone after each repetition.

Every command is a subprocess started from this process; its wall time runs from the start of
the process until it has been reaped. Memory is measured two ways:

* ``tree_peak_rss``: the peak, over time, of the summed resident set size of the process and all
  its descendants (the run, its kernels, pandoc ...), sampled with psutil every 50 ms. Pages
  shared between processes (libraries) are counted once per process, so this over- rather than
  under-states; a spike shorter than the sampling interval can be missed.
* ``largest_process_rss``: ``ru_maxrss`` from ``os.wait4`` for the command: the largest peak RSS
  of any single process in its tree (exact, from the kernel; it covers the descendants that
  their parents waited for, which jupyter_client does for the kernels it shuts down).

Results go to ``.bench/`` (git-ignored): ``results-<time>.json``, ``latest.json`` and
``latest.md``, each with a description of the machine and the versions of the tools.

    python -m benchmarks.run_benchmark [--repeat 3] [--skip-scale] [--skip-years] [--years 2014-2017]
                                       [--skip-floor] [--with-tests [fast]] [--notebooks DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sikkerby.config.paths import PROJECT_DIR, SAMPLE_DATA_DIR, params_dir
from sikkerby.config.paths import notebooks_dir as default_notebooks_dir
from sikkerby.config.programme import load_programme
from sikkerby.publish.cache import library_versions, sha256_file
from sikkerby.publish.manifest import git_commit
from sikkerby.publish.render.chapters import Chapter, discover_chapters

BIN = Path(sys.executable).parent
GIB = 1 << 30
SAMPLE_INTERVAL = 0.05  # seconds between two memory samples of a process tree
KERNEL_TIMEOUT = 120  # seconds a floor kernel (h1, h2) may take to answer, and to run the imports
TARGETS = {  # from the performance issue, for a 2-core machine
    "a/b": 0.25,  # cold run / plain papermill + nbconvert, on an idle machine (issue 15; issue 7 had 0.4)
    "c_seconds": 1.0,  # unchanged re-run
    "d/a": 2.0,  # 100x data / sample
    "d_tree_peak_gib": 1.5,  # peak memory of the 100x run
    "notebook_seconds": 5.0,  # each chapter, after kernel start, on the sample
    "f/a": 0.4,  # one chapter's notebook edited, re-run / cold run
    "g/a": 2.0,  # several years (--years) in one cold run / one year
}
DEFAULT_YEARS = "2014-2017"  # (g): the programme's whole period
ACTIVITY_INPUTS = ("aktiviteter.csv", "succeskriterier.csv")  # what (d2) keeps at the sample's size
EXTRA_PACKAGES = ("sikkerby", "jupyter_client", "nbformat", "psutil", "pyyaml")
SCALED = {  # the runs on scaled-up data: their work folder and label
    "d_scaled": "(d) cold run, {scale}x data:      ",
    "d2_scaled_rows": "(d2) same, sample's activities: ",
}
FLOOR = {  # (h): what is measured, and its label
    "h1_kernel_ready": "(h1) a python3 kernel, started until it answers",
    "h2_kernel_imports": "(h2) the same, then the notebooks' imports run in it",
    "h3_python": "(h3) python -c pass",
    "h3_import_cli": "(h3) python -c \"import sikkerby.cli\"",
}
TEST_RUNS = {  # (t): --with-tests; "fast" is `make test-fast`, "suite" then "nbval" is `make test`
    "fast": ("the fast loop (make test-fast)",
             ["-m", "pytest", "-n", "auto", "-m", "not slow", "tests/unit", "tests/contract", "-q"]),
    "suite": ("the whole suite: tests/", ["-m", "pytest", "-n", "auto", "-q"]),
    "nbval": ("the whole suite: notebooks under nbval", ["-m", "pytest", "--nbval-lax", "notebooks/", "-q"]),
}
_PYTEST_SUMMARY = re.compile(r"\b\d+ (passed|failed|errors?|skipped|deselected|xfailed|xpassed)\b.* in [\d.]+s")


@dataclass
class Measurement:
    seconds: float
    tree_peak_rss: int | None  # bytes; None without psutil
    largest_process_rss: int  # bytes
    cpu_seconds: float  # user + system time of the command and its waited-for descendants
    exit_status: int = 0


class CommandFailed(RuntimeError):
    pass


# --- running and measuring one command -----------------------------------------------------------

def tree_rss(root) -> int:
    """Resident set size in bytes of ``root`` (a psutil.Process) and its descendants that still live;
    psutil.NoSuchProcess when ``root`` itself is gone."""
    import psutil

    total = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass
    return total


class _TreeSampler(threading.Thread):
    """The peak summed RSS of a process and its descendants, sampled until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak: int | None = None
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        self.peak = 0
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop_event.is_set():
            try:
                total = tree_rss(root)
            except psutil.NoSuchProcess:
                return
            self.peak = max(self.peak, total)
            self._stop_event.wait(SAMPLE_INTERVAL)

    def stop(self) -> int | None:
        self._stop_event.set()
        self.join()
        return self.peak


def run_command(cmd: list[str], *, cwd: Path, env: dict, log: Path, check: bool = True) -> Measurement:
    """Run ``cmd`` to completion; its wall time and memory. Raises :class:`CommandFailed` on a non-zero exit
    (with ``check=False`` the exit status is returned in the measurement instead)."""
    with open(log, "ab") as out:
        out.write(("$ " + shlex.join(cmd) + "\n").encode())
        out.flush()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        tree_peak = sampler.stop()
    if check and proc.returncode != 0:
        raise CommandFailed(f"{shlex.join(cmd)} ended with exit status {proc.returncode}; see {log}")
    # ru_maxrss is in KiB on Linux
    return Measurement(seconds, tree_peak, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime, proc.returncode)


def run_commands(cmds: list[list[str]], *, cwd: Path, env: dict, log: Path) -> Measurement:
    """Several commands one after another: total time, the highest memory peaks."""
    parts = [run_command(cmd, cwd=cwd, env=env, log=log) for cmd in cmds]
    peaks = [p.tree_peak_rss for p in parts if p.tree_peak_rss is not None]
    return Measurement(sum(p.seconds for p in parts), max(peaks) if peaks else None,
                       max(p.largest_process_rss for p in parts), sum(p.cpu_seconds for p in parts))


# --- the scenarios -------------------------------------------------------------------------------

@dataclass
class Setup:
    year: int
    notebooks: list[Path]  # the notebook files
    chapters: tuple[Chapter, ...]  # what sikkerby makes of them (discover_chapters)
    notebooks_dir: Path
    params_dir: Path  # the programme folder sikkerby run uses
    work: Path
    env: dict
    jobs: int | None
    log: Path

    def sikkerby_run(self, out: Path, *, data: Path | None = None, force: bool = True,
                     years: str | None = None) -> list[str]:
        cmd = [str(BIN / "sikkerby"), "run", "--year", years or str(self.year), "--out", str(out), "--quiet"]
        if data is not None:
            cmd += ["--data", str(data)]
        if self.jobs:
            cmd += ["--jobs", str(self.jobs)]
        if force:
            cmd.append("--force")
        return cmd

    def chapter_parameters(self, chapter: Chapter) -> dict:
        """What ``sikkerby run`` gives ``chapter``'s notebook on the sample: the year's parameters
        (``aar``, ``data_dir``, ``params_dir``) and the chapter's own (a goal area's ``maalomraade``)."""
        return {"aar": self.year, "data_dir": "", "params_dir": str(self.params_dir)} | dict(chapter.parameters)

    def fresh(self, name: str) -> Path:
        folder = self.work / name
        shutil.rmtree(folder, ignore_errors=True)
        return folder

    def run(self, cmds: list[list[str]]) -> Measurement:
        return run_commands(cmds, cwd=PROJECT_DIR, env=self.env, log=self.log)


def cold_run(setup: Setup, out: Path, data: Path | None = None) -> Measurement:
    return setup.run([setup.sikkerby_run(out, data=data)])


def published_chapters(out: Path, year: int, *, executed_only: bool = False) -> list[str]:
    """The chapters (executed notebooks' names) in the manifest of ``out``'s ``year``; ``executed_only``:
    those the run executed rather than reused."""
    manifest = json.loads((out / str(year) / "manifest.json").read_text(encoding="utf-8"))
    return [n["file"] for n in manifest["notebooks"] if not (executed_only and n.get("reused"))]


def papermill_command(setup: Setup, chapter: Chapter, dest: Path) -> list[str]:
    """The papermill CLI for one chapter; the parameters as YAML (JSON is YAML), so that a goal area's key
    stays text whatever it looks like and the year an integer."""
    parameters = json.dumps(setup.chapter_parameters(chapter), ensure_ascii=False)
    return [str(BIN / "papermill"), str(chapter.source), str(dest), "-y", parameters,
            "--cwd", str(setup.notebooks_dir)]


def plain_pipeline(setup: Setup, out: Path) -> tuple[Measurement, list[str]]:
    """(b): papermill once per chapter, then nbconvert for each executed chapter. Returns the measurement
    and the chapters it made (those with an executed notebook and a page)."""
    out.mkdir(parents=True)
    executed = [out / chapter.name for chapter in setup.chapters]
    cmds = [papermill_command(setup, chapter, dest) for chapter, dest in zip(setup.chapters, executed)]
    cmds += [[str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(dest)] for dest in executed]
    result = setup.run(cmds)
    missing = [p.with_suffix(".html").name for p in executed if not p.with_suffix(".html").is_file()]
    if missing:
        raise CommandFailed(f"the plain pipeline made no {', '.join(missing)}")
    return result, [p.name for p in executed]


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*")}


def unchanged_rerun(setup: Setup, out: Path) -> tuple[Measurement, bool]:
    """(c): the same run again without --force; True when nothing in the publication was touched."""
    year_dir = out / str(setup.year)
    before = _mtimes(year_dir)
    result = setup.run([setup.sikkerby_run(out, force=False)])
    return result, _mtimes(year_dir) == before


def notebook_to_edit(notebooks: list[Path], wanted: str | None) -> Path:
    """(f)'s notebook: ``wanted`` by name, else the first after the front page that is not one per goal area."""
    if wanted:
        for nb in notebooks:
            if nb.name == wanted:
                return nb
        raise CommandFailed(f"--edit-notebook {wanted}: no such notebook")
    for nb in notebooks[1:]:
        meta = json.loads(nb.read_text(encoding="utf-8")).get("metadata", {}).get("sikkerby") or {}
        if not meta.get("per_goal_area"):
            return nb
    return notebooks[-1]


def write_edit(notebook: Path, original: bytes, cell_id: str, text: str) -> None:
    """(f)'s and (f2)'s edit: ``original`` with a code cell ``print(text)`` appended, written to ``notebook``."""
    nb = json.loads(original)
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": cell_id,
                        "metadata": {}, "outputs": [], "source": [f"print({text!r})"]})
    notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def edited_rerun(setup: Setup, out: Path, notebook: Path, stamp: str) -> tuple[Measurement, list[str]]:
    """(f): append a code cell to ``notebook`` (in the benchmark's copy of the notebooks), run again
    without --force into ``out``, undo the edit. Returns the measurement and the chapters the run
    executed (from the manifest's ``reused`` flags)."""
    original = notebook.read_bytes()
    write_edit(notebook, original, f"bench-edit-{stamp}", f"benchmark edit {stamp}")
    try:
        result = setup.run([setup.sikkerby_run(out, force=False)])
    finally:
        notebook.write_bytes(original)
    return result, published_chapters(out, setup.year, executed_only=True)


def _tree_cpu_seconds(proc) -> float:
    """CPU seconds of ``proc`` (a psutil.Process), its living descendants and the children it waited for."""
    import psutil

    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system + (t.children_user + t.children_system if p is proc else 0.0)
    return total


def edited_in_preview(setup: Setup, out: Path, notebook: Path, stamp: str,
                      timeout: float = 300) -> tuple[Measurement, list[str]]:
    """(f2): ``sikkerby preview`` on (a)'s folder; once its first build is ready (nothing changed: a
    quick one), ``notebook`` is edited as in (f) and the time runs until the preview says the
    publication is ready again. Then the preview is stopped (Ctrl-C) and the edit undone. CPU
    seconds are those of the preview's process tree over the same stretch; its memory figures are the
    tree's resident set size when the publication is ready again."""
    import psutil

    cmd = [str(BIN / "sikkerby"), "preview", "--year", str(setup.year), "--out", str(out), "--quiet"]
    if setup.jobs:
        cmd += ["--jobs", str(setup.jobs)]
    original = notebook.read_bytes()
    lines: queue.SimpleQueue = queue.SimpleQueue()
    with open(setup.log, "a", encoding="utf-8") as log:
        log.write(f"\n$ {shlex.join(cmd)}\n")
        proc = subprocess.Popen(cmd, cwd=PROJECT_DIR, env=setup.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, encoding="utf-8")

        def read() -> None:
            for line in proc.stderr:
                log.write(line)
                lines.put(line)
            lines.put(None)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()

        def ready() -> float:
            end = time.monotonic() + timeout
            while True:
                line = lines.get(timeout=max(0.01, end - time.monotonic()))
                if line is None:
                    raise CommandFailed(f"sikkerby preview ended early; see {setup.log}")
                if line.startswith("Klar: "):
                    return time.perf_counter()
                if line.startswith("Publikationen er ikke opdateret"):
                    raise CommandFailed(f"sikkerby preview could not build; see {setup.log}")

        try:
            ready()
            tree = psutil.Process(proc.pid)
            cpu0 = _tree_cpu_seconds(tree)
            t0 = time.perf_counter()
            write_edit(notebook, original, f"bench-preview-{stamp}", f"benchmark preview {stamp}")
            seconds = ready() - t0
            cpu = _tree_cpu_seconds(tree) - cpu0
            rss = tree_rss(tree)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:  # where it is stuck goes to the log (sikkerby.cli.stacks_on_request)
                proc.send_signal(signal.SIGUSR1)
                time.sleep(2)
                proc.kill()
                proc.wait()
            reader.join(5)
            notebook.write_bytes(original)
    if proc.returncode != 0:
        raise CommandFailed(f"sikkerby preview ended with exit status {proc.returncode}; see {setup.log}")
    return Measurement(seconds, rss, rss, cpu, 0), published_chapters(out, setup.year, executed_only=True)


def years_run(setup: Setup, out: Path, years: str) -> tuple[Measurement, list[str]]:
    """(g): one cold run of ``years`` into ``out``. Returns the measurement and the years it published."""
    result = setup.run([setup.sikkerby_run(out, years=years)])
    return result, sorted(p.name for p in out.iterdir() if (p / "manifest.json").is_file())


def cell_seconds(executed_notebook: Path) -> float:
    """Sum of papermill's per-cell durations in an executed notebook (execution after kernel start)."""
    nb = json.loads(executed_notebook.read_text(encoding="utf-8"))
    return sum((cell.get("metadata", {}).get("papermill", {}).get("duration") or 0.0) for cell in nb["cells"])


def chapter_execution_seconds(chapter: Chapter, parameters: dict, cwd: Path) -> float:
    """(e): one chapter, its parameters injected as papermill does, cells timed after the kernel is ready."""
    from nbclient import NotebookClient
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(load_notebook_node(str(chapter.source)), parameters,
                               kernel_name="python3", language="python")
    client = NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(cwd)}})
    # starts the kernel and waits until it answers; its own log lines are not ours to print
    with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        t0 = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        return time.perf_counter() - t0


def kernel_ready_seconds(cwd: Path, code: str = "") -> float:
    """(h1), and (h2) with ``code``: start a python3 kernel in ``cwd``, wait until it answers, run ``code``
    in it (silently); the seconds from the start until then. The shutdown afterwards is not timed."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    t0 = time.perf_counter()
    km.start_kernel(cwd=str(cwd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kc = km.client()
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=KERNEL_TIMEOUT)
        if code:
            reply = kc.execute_interactive(code, silent=True, store_history=False, timeout=KERNEL_TIMEOUT,
                                           output_hook=lambda msg: None)
            if reply["content"].get("status") != "ok":
                raise CommandFailed(f"the notebooks' imports failed in a fresh kernel: {reply['content'].get('ename')}")
        return time.perf_counter() - t0
    except (RuntimeError, TimeoutError) as exc:  # no answer in time, or the kernel died
        raise CommandFailed(f"a python3 kernel did not answer: {exc}") from None
    finally:
        kc.stop_channels()
        km.shutdown_kernel()


def floor_once(setup: Setup, imports: str) -> dict[str, float]:
    """One measurement of each part of (h), in seconds."""
    return {
        "h1_kernel_ready": kernel_ready_seconds(setup.notebooks_dir),
        "h2_kernel_imports": kernel_ready_seconds(setup.notebooks_dir, imports),
        "h3_python": setup.run([[sys.executable, "-c", "pass"]]).seconds,
        "h3_import_cli": setup.run([[sys.executable, "-c", "import sikkerby.cli"]]).seconds,
    }


def notebook_imports(notebooks: list[Path]) -> str:
    """The import statements a warm kernel runs for these notebooks (what (h2) times)."""
    from sikkerby.publish.execute import notebook_code_cells, warm_up_code

    return warm_up_code(notebook_code_cells(notebooks))


def seconds_entry(seconds: list[float]) -> dict:
    """Repeated timings of one thing: each of them, and their median."""
    return {"seconds": [round(s, 3) for s in seconds], "median_seconds": round(statistics.median(seconds), 3)}


# --- the test suite (opt-in) ---------------------------------------------------------------------

def pytest_summary(output: str) -> str | None:
    """pytest's closing line in ``output`` (``412 passed, 3 deselected in 61.20s``), else None."""
    for line in reversed(output.splitlines()):
        if _PYTEST_SUMMARY.search(line):
            return line.strip(" =")
    return None


def timed_test_run(name: str, *, env: dict, log: Path) -> dict:
    """One of :data:`TEST_RUNS`, in the project folder: its wall time and whether it passed."""
    cmd = [sys.executable, *TEST_RUNS[name][1]]
    start = log.stat().st_size if log.exists() else 0
    m = run_command(cmd, cwd=PROJECT_DIR, env=env, log=log, check=False)
    with open(log, "rb") as fh:
        fh.seek(start)
        output = fh.read().decode("utf-8", errors="replace")
    return {"command": shlex.join(cmd), "seconds": round(m.seconds, 1), "passed": m.exit_status == 0,
            "exit_status": m.exit_status, "summary": pytest_summary(output)}


def suite_run_names(which: str | None) -> list[str]:
    """What ``--with-tests`` runs: nothing, the fast loop (``fast``), or it and the whole suite (``all``)."""
    return {None: [], "fast": ["fast"], "all": ["fast", "suite", "nbval"]}[which]


# --- machine and results -------------------------------------------------------------------------

def _first_line_of(path: str, key: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def machine_description(notebooks: list[Path]) -> dict:
    from sikkerby.publish.manifest import tool_versions

    mem = _first_line_of("/proc/meminfo", "MemTotal")
    mem_bytes = int(mem.split()[0]) * 1024 if mem else None
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "nproc": usable,
        "cpu_count": os.cpu_count(),
        "cpu_model": _first_line_of("/proc/cpuinfo", "model name") or platform.processor() or None,
        "memory_total_gib": round(mem_bytes / GIB, 1) if mem_bytes else None,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "versions": {**tool_versions("nbconvert+pandoc+typst"), **library_versions(), **library_versions(EXTRA_PACKAGES)},
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "git": git_commit(),
        "notebooks": {nb.name: sha256_file(nb) for nb in notebooks},
    }


def summarise(runs: dict[str, list[Measurement]]) -> dict:
    out = {}
    for name, measurements in runs.items():
        if not measurements:
            continue
        peaks = [m.tree_peak_rss for m in measurements if m.tree_peak_rss is not None]
        out[name] = {
            **seconds_entry([m.seconds for m in measurements]),
            "median_cpu_seconds": round(statistics.median([m.cpu_seconds for m in measurements]), 3),
            "median_tree_peak_gib": round(statistics.median(peaks) / GIB, 3) if peaks else None,
            "max_tree_peak_gib": round(max(peaks) / GIB, 3) if peaks else None,
            "max_largest_process_gib": round(max(m.largest_process_rss for m in measurements) / GIB, 3),
        }
    return out


def verdicts(summary: dict, notebook_medians: dict[str, float]) -> dict:
    """The ratios and each target's outcome (True = met)."""
    a = summary["a_cold"]["median_seconds"]
    result: dict = {"ratios": {}, "targets": {}}

    def ratio(name: str, scenario: str, digits: int = 3) -> float:
        result["ratios"][name] = round(summary[scenario]["median_seconds"] / a, digits)
        return result["ratios"][name]

    if "b_plain" in summary:
        result["ratios"]["a/b"] = round(a / summary["b_plain"]["median_seconds"], 3)
        result["targets"][f"a/b <= {TARGETS['a/b']}"] = result["ratios"]["a/b"] <= TARGETS["a/b"]
    if "c_unchanged" in summary:
        ratio("c/a", "c_unchanged", 4)
        result["targets"]["c <= 1 s"] = summary["c_unchanged"]["median_seconds"] <= TARGETS["c_seconds"]
    if "f_one_edited" in summary:
        result["targets"]["f/a <= 0.4"] = ratio("f/a", "f_one_edited") <= TARGETS["f/a"]
    if "f2_preview" in summary:  # the same edit while sikkerby preview runs (kernels kept)
        result["targets"]["f2/a <= 0.4 (preview)"] = ratio("f2/a", "f2_preview") <= TARGETS["f/a"]
    if "g_years" in summary:
        result["targets"]["g/a <= 2"] = ratio("g/a", "g_years") <= TARGETS["g/a"]
    if "d_scaled" in summary:
        result["targets"]["d/a <= 2"] = ratio("d/a", "d_scaled") <= TARGETS["d/a"]
        peak = summary["d_scaled"]["max_tree_peak_gib"]
        if peak is not None:
            result["targets"]["d peak memory <= 1.5 GiB"] = peak <= TARGETS["d_tree_peak_gib"]
    if "d2_scaled_rows" in summary:  # for information: not one of the targets
        ratio("d2/a", "d2_scaled_rows")
    if notebook_medians:  # (e), per chapter; the key's name is kept from when (e) timed notebook files
        result["targets"]["each notebook < 5 s"] = max(notebook_medians.values()) < TARGETS["notebook_seconds"]
    return result


def _runs(values: list[float]) -> str:
    return ", ".join(f"{x:.2f}" for x in values)


def _scenario_lines(report: dict) -> list[str]:
    labels = {"a_cold": "(a) sikkerby run, cold",
              "b_plain": "(b) papermill + nbconvert, per chapter",
              "c_unchanged": "(c) sikkerby run, unchanged",
              "f_one_edited": f"(f) {report.get('edited_notebook')} edited, re-run",
              "f2_preview": f"(f2) {report.get('edited_notebook')} edited, sikkerby preview running",
              "g_years": f"(g) sikkerby run --year {report.get('years')}, cold",
              "d_scaled": f"(d) cold, {report['scale']}x data",
              "d2_scaled_rows": f"(d2) cold, {report['scale']}x data, sample's activities"}
    lines = ["| scenario | median s | runs s | median CPU s | peak tree RSS GiB (max) | largest process GiB |",
             "|---|---:|---|---:|---:|---:|"]
    for name, s in report["summary"].items():
        lines.append(f"| {labels.get(name, name)} | {s['median_seconds']:.2f} | {_runs(s['seconds'])} | "
                     f"{s['median_cpu_seconds']:.2f} | {s['max_tree_peak_gib']} | {s['max_largest_process_gib']} |")
    return lines


def _chapter_lines(report: dict) -> list[str]:
    lines = ["| chapter (e), after kernel start | median s | runs s | cells in (a) s | cells in (d) s |",
             "|---|---:|---|---:|---:|"]
    for name, n in report["notebooks"].items():
        lines.append(f"| {name} | {n['median_seconds']:.2f} | {_runs(n['seconds'])} | "
                     f"{n.get('cells_in_a_seconds', '')} | {n.get('cells_in_d_seconds', '')} |")
    return lines


def _floor_lines(report: dict) -> list[str]:
    lines = ["| floor (h) | median s | runs s |", "|---|---:|---|"]
    for name, f in report["floor"].items():
        lines.append(f"| {FLOOR.get(name, name)} | {f['median_seconds']:.2f} | {_runs(f['seconds'])} |")
    lines += ["", f"(h2) ran {len(report['floor_imports'])} import statements: "
              + "; ".join(f"`{s}`" for s in report["floor_imports"])]
    return lines


def _test_lines(report: dict) -> list[str]:
    lines = ["| test run (once) | s | result | command |", "|---|---:|---|---|"]
    for name, t in report["tests"].items():
        result = ("passed" if t["passed"] else f"FAILED (exit status {t['exit_status']})") \
            + (f": {t['summary']}" if t["summary"] else "")
        lines.append(f"| {TEST_RUNS[name][0]} | {t['seconds']:.1f} | {result} | `{t['command']}` |")
    if "whole_suite_seconds" in report:
        lines += ["", f"Whole suite (make test): {report['whole_suite_seconds']:.1f} s, "
                  f"{'passed' if report['whole_suite_passed'] else 'FAILED'}"]
    return lines


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [f"# Benchmark {report['finished']}", "",
             f"Machine: {m['nproc']} CPUs usable ({m['cpu_model']}), {m['memory_total_gib']} GiB RAM, {m['os']}, "
             f"Python {m['python']}; load average at start {report['load_average_at_start']}, at end "
             f"{m['load_average_1_5_15']}; repetitions: {report['repeat']}; year {report['year']}; "
             f"notebooks: {', '.join(m['notebooks'])}; chapters: {', '.join(c['name'] for c in report['chapters'])}",
             "", *_scenario_lines(report)]
    if report["notebooks"]:
        lines += ["", *_chapter_lines(report)]
    if report["floor"]:
        lines += ["", *_floor_lines(report)]
    if report["tests"]:
        lines += ["", *_test_lines(report)]
    lines += ["", "Ratios: " + ", ".join(f"{k} = {v}" for k, v in report["verdicts"]["ratios"].items()),
              "", "Targets: " + ", ".join(f"{k}: {'met' if ok else 'MISSED'}"
                                         for k, ok in report["verdicts"]["targets"].items())]
    if report["b_chapters"]:
        lines.append(f"\nChapters (b) made: {', '.join(report['b_chapters'])} "
                     f"({'the same as' if report['b_same_chapters_as_a'] else 'NOT the same as'} (a)'s: "
                     f"{', '.join(report['a_chapters'])})")
    if report["g_years_made"]:
        lines.append(f"\nYears (g) published: {', '.join(report['g_years_made'])}")
    if "c_did_nothing" in report:
        lines.append(f"\nUnchanged re-run left every file of the publication untouched: {report['c_did_nothing']}")
    if report.get("f_executed"):
        lines.append(f"\nChapters the edited re-run (f) executed: {'; '.join(report['f_executed'])}")
    if report.get("f2_executed"):
        lines.append(f"\nChapters the preview's build after the edit (f2) executed: {'; '.join(report['f2_executed'])}")
    return "\n".join(lines) + "\n"


# --- main ----------------------------------------------------------------------------------------

def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run_benchmark", description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=3, help="repetitions of each measurement (default 3)")
    p.add_argument("--warmup", type=int, default=1,
                   help="untimed runs of (a) and (b) first, to fill the OS and font caches (default 1)")
    p.add_argument("--skip-scale", action="store_true", help="leave out (d), the run on scaled-up data")
    p.add_argument("--skip-notebooks", action="store_true", help="leave out (e), the per-chapter timing")
    p.add_argument("--skip-edit", action="store_true", help="leave out (f), the re-run after one notebook is edited")
    p.add_argument("--skip-years", action="store_true", help="leave out (g), the cold run of several years")
    p.add_argument("--skip-floor", action="store_true",
                   help="leave out (h), the floor: kernel start, the notebooks' imports, Python's and the CLI's start")
    p.add_argument("--years", default=DEFAULT_YEARS,
                   help=f"the years of (g), as sikkerby run --year takes them (default {DEFAULT_YEARS})")
    p.add_argument("--with-tests", nargs="?", const="all", choices=("fast", "all"), default=None,
                   help="also time the test suite once, after everything else: the fast loop and the whole suite "
                        "(--with-tests), or only the fast loop (--with-tests fast)")
    p.add_argument("--edit-notebook", default=None,
                   help="the notebook (file name) that (f) edits (default: the first after the front page "
                        "that is not one per goal area)")
    p.add_argument("--with-sample-activities", action="store_true",
                   help="also (d2): the scaled data with the sample's own aktiviteter and succeskriterier, so that "
                        "only the row-level inputs grow and the publication keeps its size")
    p.add_argument("--scale", type=int, default=100, help="size of the data set of (d), times the sample (100)")
    p.add_argument("--notebooks", type=Path, default=None, help="chapter notebooks folder (default: notebooks/)")
    p.add_argument("--year", type=int, default=2017)
    p.add_argument("--jobs", type=int, default=None, help="passed to sikkerby run (default: its own)")
    p.add_argument("--results-dir", type=Path, default=PROJECT_DIR / ".bench", help="where results are written")
    p.add_argument("--keep", action="store_true", help="keep the work folder (outputs, logs, scaled data)")
    args = p.parse_args(argv)
    if args.repeat < 1 or args.warmup < 0 or args.scale < 1:
        p.error("--repeat and --scale must be at least 1, --warmup at least 0")
    return args


@dataclass
class Findings:
    """What the benchmark measured and found, as it goes."""

    runs: dict[str, list[Measurement]] = field(default_factory=lambda: {
        name: [] for name in ("a_cold", "b_plain", "c_unchanged", "f_one_edited", "f2_preview", "g_years",
                              *SCALED)})
    c_did_nothing: bool = True
    f_executed: list[str] = field(default_factory=list)  # per repetition, the chapters (f) executed
    f2_executed: list[str] = field(default_factory=list)  # the same for (f2)
    a_chapters: list[str] = field(default_factory=list)
    b_chapters: list[str] = field(default_factory=list)
    g_years_made: list[str] = field(default_factory=list)
    notebooks: dict[str, dict] = field(default_factory=dict)
    floor: dict[str, dict] = field(default_factory=dict)
    floor_imports: list[str] = field(default_factory=list)
    tests: dict[str, dict] = field(default_factory=dict)


def scaled_data(setup: Setup, args: argparse.Namespace, say) -> dict[str, Path]:
    """The data folders of (d) and (d2), generated outside the timing; none with --skip-scale."""
    if args.skip_scale:
        return {}
    scaled = setup.work / f"data-x{args.scale}"
    say(f"Generating the {args.scale}x data set (not timed) ...")
    run_command([str(BIN / "sikkerby"), "sample-data", "--out", str(scaled), "--scale", str(args.scale)],
                cwd=PROJECT_DIR, env=setup.env, log=setup.log)
    folders = {"d_scaled": scaled}
    if args.with_sample_activities:
        folders["d2_scaled_rows"] = scaled_rows = setup.work / f"data-x{args.scale}-sample-activities"
        shutil.copytree(scaled, scaled_rows)
        for name in ACTIVITY_INPUTS:
            shutil.copyfile(SAMPLE_DATA_DIR / name, scaled_rows / name)
    return folders


def one_repetition(setup: Setup, args: argparse.Namespace, index: int, edit: Path | None,
                   scaled: dict[str, Path], found: Findings, say) -> None:
    """The scenarios of repetition ``index`` (from 1), in the order a, c, f, b, g, d (, d2)."""
    runs = found.runs
    rep = f"{index}/{args.repeat}"
    out = setup.fresh("a")
    runs["a_cold"].append(m := cold_run(setup, out))
    found.a_chapters = published_chapters(out, setup.year)
    say(f"[{rep}] (a) cold sikkerby run:           {m.seconds:7.2f} s")
    m, untouched = unchanged_rerun(setup, out)
    runs["c_unchanged"].append(m)
    found.c_did_nothing &= untouched
    say(f"[{rep}] (c) unchanged re-run:            {m.seconds:7.2f} s"
        + ("" if untouched else "  (it rewrote the publication!)"))
    if edit is not None:
        m, executed = edited_rerun(setup, out, edit, str(index))
        runs["f_one_edited"].append(m)
        found.f_executed.append(", ".join(executed))
        say(f"[{rep}] (f) {edit.name} edited, re-run: {m.seconds:7.2f} s; executed: {', '.join(executed)}")
        m, executed = edited_in_preview(setup, out, edit, str(index))
        runs["f2_preview"].append(m)
        found.f2_executed.append(", ".join(executed))
        say(f"[{rep}] (f2) the same edit, sikkerby preview running: {m.seconds:7.2f} s; "
            f"executed: {', '.join(executed)}")
    m, found.b_chapters = plain_pipeline(setup, setup.fresh("b"))
    runs["b_plain"].append(m)
    say(f"[{rep}] (b) papermill + nbconvert:       {m.seconds:7.2f} s; {len(found.b_chapters)} chapters")
    if not args.skip_years:
        m, found.g_years_made = years_run(setup, setup.fresh("g"), args.years)
        runs["g_years"].append(m)
        say(f"[{rep}] (g) cold run of {args.years}:      {m.seconds:7.2f} s; published {', '.join(found.g_years_made)}")
    for name, data in scaled.items():
        runs[name].append(m := cold_run(setup, setup.fresh(name), data=data))
        peak = f"{m.tree_peak_rss / GIB:.2f} GiB" if m.tree_peak_rss is not None else "n/a"
        say(f"[{rep}] {SCALED[name].format(scale=args.scale)}{m.seconds:7.2f} s, peak tree RSS {peak}")


def measure_floor(setup: Setup, repeat: int, found: Findings, say) -> None:
    """(h), ``repeat`` times each part."""
    imports = notebook_imports(setup.notebooks)
    found.floor_imports = imports.splitlines()
    samples = [floor_once(setup, imports) for _ in range(repeat)]
    found.floor = {name: seconds_entry([s[name] for s in samples]) for name in FLOOR}
    for name, entry in found.floor.items():
        say(f"{FLOOR[name]}: {entry['median_seconds']:.2f} s (median)")


def measure_chapters(setup: Setup, repeat: int, found: Findings, say) -> None:
    """(e), ``repeat`` times each chapter; with the cells' time in (a) and (d) where those ran."""
    for chapter in setup.chapters:
        parameters = setup.chapter_parameters(chapter)
        entry = seconds_entry([chapter_execution_seconds(chapter, parameters, setup.notebooks_dir)
                               for _ in range(repeat)])
        for key, folder in (("cells_in_a_seconds", "a"), ("cells_in_d_seconds", "d_scaled")):
            executed = setup.work / folder / str(setup.year) / "notebooks" / chapter.name
            if executed.is_file():
                entry[key] = round(cell_seconds(executed), 2)
        found.notebooks[chapter.name] = entry
        say(f"(e) {chapter.name}: {entry['median_seconds']:.2f} s after kernel start (median)")


def measure_tests(names: list[str], env: dict, log: Path, found: Findings, say) -> None:
    """(t): each test run once, after everything else."""
    for name in names:
        say(f"(t) {TEST_RUNS[name][0]} ...")
        found.tests[name] = entry = timed_test_run(name, env=env, log=log)
        say(f"(t) {TEST_RUNS[name][0]}: {entry['seconds']:.1f} s, "
            f"{'passed' if entry['passed'] else 'FAILED'}" + (f" ({entry['summary']})" if entry["summary"] else ""))


def build_report(args: argparse.Namespace, setup: Setup, found: Findings, *, machine: dict, load_before: list,
                 edit: Path | None, seconds: float) -> dict:
    summary = summarise(found.runs)
    report = {
        "finished": datetime.now().astimezone().isoformat(timespec="seconds"),
        "benchmark_seconds": round(seconds, 1),
        "year": args.year, "repeat": args.repeat, "warmup": args.warmup, "scale": None if args.skip_scale else args.scale,
        "years": None if args.skip_years else args.years,
        "machine": {**machine, "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()]},
        "load_average_at_start": load_before,  # other work on the machine makes every figure slower
        "summary": summary,
        "chapters": [{"name": c.name, "source": c.source.name, "parameters": setup.chapter_parameters(c)}
                     for c in setup.chapters],
        "notebooks": found.notebooks,  # (e), per chapter
        "c_did_nothing": found.c_did_nothing,
        "edited_notebook": None if edit is None else edit.name,
        "f_executed": found.f_executed,
        "f2_executed": found.f2_executed,
        "a_chapters": found.a_chapters,  # from (a)'s manifest
        "b_chapters": found.b_chapters,  # the executed notebooks, each with its page, that (b) made
        "b_same_chapters_as_a": found.b_chapters == found.a_chapters,
        "g_years_made": found.g_years_made,
        "floor": found.floor,
        "floor_imports": found.floor_imports,
        "tests": found.tests,
        "memory_note": ("tree peak = peak of the summed RSS of the command's process tree, sampled every "
                        f"{SAMPLE_INTERVAL * 1000:.0f} ms with psutil; largest process = ru_maxrss from os.wait4"),
    }
    if "suite" in found.tests and "nbval" in found.tests:
        whole = (found.tests["suite"], found.tests["nbval"])
        report["whole_suite_seconds"] = round(sum(t["seconds"] for t in whole), 1)
        report["whole_suite_passed"] = all(t["passed"] for t in whole)
    report["verdicts"] = verdicts(summary, {k: v["median_seconds"] for k, v in found.notebooks.items()})
    return report


def write_results(results_dir: Path, report: dict) -> None:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    text = json.dumps(report, indent=2, ensure_ascii=False)
    (results_dir / f"results-{stamp}.json").write_text(text, encoding="utf-8")
    (results_dir / "latest.json").write_text(text, encoding="utf-8")
    (results_dir / "latest.md").write_text(markdown(report), encoding="utf-8")


def print_outcome(report: dict, results_dir: Path, say) -> None:
    say("")
    for name, value in report["verdicts"]["ratios"].items():
        say(f"{name} = {value}")
    for name, ok in report["verdicts"]["targets"].items():
        say(f"{name}: {'met' if ok else 'MISSED'}")
    if not report["c_did_nothing"]:
        say("The unchanged re-run rewrote the publication.")
    if report["b_chapters"] and not report["b_same_chapters_as_a"]:
        say(f"(b) made other chapters than (a): {', '.join(report['b_chapters'])} / {', '.join(report['a_chapters'])}")
    if report["tests"] and not all(t["passed"] for t in report["tests"].values()):
        say(f"A test run failed: its output is in {results_dir / 'commands.log'} (in the work folder with --keep).")
    say(f"Results: {results_dir / 'latest.md'} (and latest.json); {report['benchmark_seconds']:.0f} s in all.")


def main(argv=None) -> int:
    args = parse_args(argv)
    nb_dir = (args.notebooks or default_notebooks_dir()).resolve()
    notebooks = sorted(nb_dir.glob("*.ipynb"))
    if not notebooks:
        print(f"No notebooks in {nb_dir}", file=sys.stderr)
        return 1
    programme_dir = params_dir().resolve()  # where sikkerby run (no --params) takes the programme from
    chapters = discover_chapters(nb_dir, load_programme(programme_dir).goal_areas)
    test_env = dict(os.environ)  # the test suite runs in the environment the benchmark was started in
    args.results_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="work-", dir=args.results_dir))
    # validated datasets (sikkerby.inputs.dataset_cache) of the benchmark stay in its work folder, not in ~/.cache
    os.environ["SIKKERBY_CACHE_DIR"] = str(work / "cache")
    run_nb_dir = work / "notebooks"  # (a), (c) and (f) run this copy; (f) edits it
    shutil.copytree(nb_dir, run_nb_dir)
    env = {**os.environ, "SIKKERBY_NOTEBOOKS": str(run_nb_dir), "PYTHONUNBUFFERED": "1"}
    setup = Setup(args.year, notebooks, chapters, nb_dir, programme_dir, work, env, args.jobs, work / "commands.log")
    edit = None if args.skip_edit else run_nb_dir / notebook_to_edit(notebooks, args.edit_notebook).name
    say = lambda text: print(text, flush=True)  # noqa: E731
    load_before = [round(x, 2) for x in os.getloadavg()]
    machine = machine_description(notebooks)  # the commit and versions measured, taken before the runs
    say(f"Benchmark: {len(notebooks)} notebooks ({len(chapters)} chapters) from {nb_dir}, year {args.year}, "
        f"{args.repeat} repetitions; work folder {work}")
    t_start = time.perf_counter()
    found = Findings()
    try:
        scaled = scaled_data(setup, args, say)
        for i in range(args.warmup):
            say(f"Warm-up {i + 1}/{args.warmup} (not timed) ...")
            cold_run(setup, setup.fresh("warmup-a"))
            plain_pipeline(setup, setup.fresh("warmup-b"))
        for i in range(args.repeat):
            one_repetition(setup, args, i + 1, edit, scaled, found, say)
        if not args.skip_floor:
            measure_floor(setup, args.repeat, found, say)
        if not args.skip_notebooks:
            measure_chapters(setup, args.repeat, found, say)
        measure_tests(suite_run_names(args.with_tests), test_env, setup.log, found, say)
    except CommandFailed as exc:
        print(f"Benchmark stopped: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            if setup.log.exists():
                shutil.copyfile(setup.log, args.results_dir / "commands.log")
            shutil.rmtree(work, ignore_errors=True)

    report = build_report(args, setup, found, machine=machine, load_before=load_before, edit=edit,
                          seconds=time.perf_counter() - t_start)
    write_results(args.results_dir, report)
    print_outcome(report, args.results_dir, say)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
