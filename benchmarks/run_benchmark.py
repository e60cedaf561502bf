"""Benchmark of the yearly run against the plain papermill + nbconvert pipeline (``make bench``).

Measured in one run, side by side, ``--repeat`` times each (medians reported):

(a) ``sikkerby run --year Y --force`` into a fresh output folder on the bundled sample ("cold");
(b) what a user would otherwise script: the ``papermill`` CLI over every chapter notebook one
    after another (``-p aar Y -p data_dir ''``, ``--cwd`` the notebooks folder), then
    ``jupyter nbconvert --to html --no-input`` for each executed notebook;
(c) the same ``sikkerby run`` again with nothing changed (no ``--force``): it must do nothing;
(d) a cold run on a data set ``--scale`` times the sample's size (``sikkerby sample-data --scale``,
    generated once, outside the timing), with its peak memory;
(e) each notebook's execution time top to bottom on the sample after its kernel has started
    (nbclient: the kernel is started and ready first, then only the cells are timed; one notebook
    at a time, nothing else running);
(f) one chapter's notebook edited (a code cell appended to ``--edit-notebook``, by default the
    first notebook after the front page that is not one per goal area), then the same
    ``sikkerby run`` again without ``--force`` into (a)'s folder: only that chapter is executed
    again (the benchmark checks the manifest's ``reused`` flags), the PDF is made anew.

The runs of (a), (c) and (f) use a copy of the notebooks folder in the work folder, so that (f)
can edit it; the edit is undone after each repetition.

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

    python -m benchmarks.run_benchmark [--repeat 3] [--skip-scale] [--notebooks DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sikkerby.config.paths import PROJECT_DIR, SAMPLE_DATA_DIR
from sikkerby.config.paths import notebooks_dir as default_notebooks_dir
from sikkerby.publish.cache import library_versions, sha256_file
from sikkerby.publish.manifest import git_commit

BIN = Path(sys.executable).parent
GIB = 1 << 30
SAMPLE_INTERVAL = 0.05  # seconds between two memory samples of a process tree
TARGETS = {  # from the performance issue, for a 2-core machine
    "a/b": 0.4,  # cold run / plain papermill + nbconvert
    "c_seconds": 1.0,  # unchanged re-run
    "d/a": 2.0,  # 100x data / sample
    "d_tree_peak_gib": 1.5,  # peak memory of the 100x run
    "notebook_seconds": 5.0,  # each notebook, after kernel start, on the sample
    "f/a": 0.4,  # one chapter's notebook edited, re-run / cold run
}
ACTIVITY_INPUTS = ("aktiviteter.csv", "succeskriterier.csv")  # what (d2) keeps at the sample's size
EXTRA_PACKAGES = ("sikkerby", "jupyter_client", "nbformat", "psutil", "pyyaml")


@dataclass
class Measurement:
    seconds: float
    tree_peak_rss: int | None  # bytes; None without psutil
    largest_process_rss: int  # bytes
    cpu_seconds: float  # user + system time of the command and its waited-for descendants


class CommandFailed(RuntimeError):
    pass


# --- running and measuring one command -----------------------------------------------------------

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
                procs = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    pass
            self.peak = max(self.peak, total)
            self._stop_event.wait(SAMPLE_INTERVAL)

    def stop(self) -> int | None:
        self._stop_event.set()
        self.join()
        return self.peak


def run_command(cmd: list[str], *, cwd: Path, env: dict, log: Path) -> Measurement:
    """Run ``cmd`` to completion; its wall time and memory. Raises :class:`CommandFailed` on a non-zero exit."""
    with open(log, "ab") as out:
        out.write(("$ " + " ".join(cmd) + "\n").encode())
        out.flush()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        tree_peak = sampler.stop()
    if proc.returncode != 0:
        raise CommandFailed(f"{' '.join(cmd)} ended with exit status {proc.returncode}; see {log}")
    # ru_maxrss is in KiB on Linux
    return Measurement(seconds, tree_peak, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime)


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
    notebooks: list[Path]
    notebooks_dir: Path
    work: Path
    env: dict
    jobs: int | None
    log: Path

    def sikkerby_run(self, out: Path, *, data: Path | None = None, force: bool = True) -> list[str]:
        cmd = [str(BIN / "sikkerby"), "run", "--year", str(self.year), "--out", str(out), "--quiet"]
        if data is not None:
            cmd += ["--data", str(data)]
        if self.jobs:
            cmd += ["--jobs", str(self.jobs)]
        if force:
            cmd.append("--force")
        return cmd

    def fresh(self, name: str) -> Path:
        folder = self.work / name
        shutil.rmtree(folder, ignore_errors=True)
        return folder

    def run(self, cmds: list[list[str]]) -> Measurement:
        return run_commands(cmds, cwd=PROJECT_DIR, env=self.env, log=self.log)


def cold_run(setup: Setup, out: Path, data: Path | None = None) -> Measurement:
    return setup.run([setup.sikkerby_run(out, data=data)])


def plain_pipeline(setup: Setup, out: Path) -> Measurement:
    """(b): papermill over each notebook, then nbconvert for each executed notebook."""
    out.mkdir(parents=True)
    executed = [out / nb.name for nb in setup.notebooks]
    cmds = [[str(BIN / "papermill"), str(nb), str(dest), "-p", "aar", str(setup.year), "-p", "data_dir", "",
             "--cwd", str(setup.notebooks_dir)] for nb, dest in zip(setup.notebooks, executed)]
    cmds += [[str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(dest)] for dest in executed]
    result = setup.run(cmds)
    missing = [p.with_suffix(".html").name for p in executed if not p.with_suffix(".html").is_file()]
    if missing:
        raise CommandFailed(f"the plain pipeline made no {', '.join(missing)}")
    return result


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


def edited_rerun(setup: Setup, out: Path, notebook: Path, stamp: str) -> tuple[Measurement, list[str]]:
    """(f): append a code cell to ``notebook`` (in the benchmark's copy of the notebooks), run again
    without --force into ``out``, undo the edit. Returns the measurement and the chapters the run
    executed (from the manifest's ``reused`` flags)."""
    original = notebook.read_bytes()
    nb = json.loads(original)
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": f"bench-edit-{stamp}",
                        "metadata": {}, "outputs": [], "source": [f"print('benchmark edit {stamp}')"]})
    notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    try:
        result = setup.run([setup.sikkerby_run(out, force=False)])
    finally:
        notebook.write_bytes(original)
    manifest = json.loads((out / str(setup.year) / "manifest.json").read_text(encoding="utf-8"))
    executed = [n["file"] for n in manifest["notebooks"] if not n.get("reused")]
    return result, executed


def cell_seconds(executed_notebook: Path) -> float:
    """Sum of papermill's per-cell durations in an executed notebook (execution after kernel start)."""
    nb = json.loads(executed_notebook.read_text(encoding="utf-8"))
    return sum((cell.get("metadata", {}).get("papermill", {}).get("duration") or 0.0) for cell in nb["cells"])


def notebook_execution_seconds(notebook: Path, year: int, cwd: Path) -> float:
    """(e): one notebook, parameters injected as papermill does, cells timed after the kernel is ready."""
    from nbclient import NotebookClient
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(load_notebook_node(str(notebook)), {"aar": year, "data_dir": ""},
                               kernel_name="python3", language="python")
    client = NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(cwd)}})
    # starts the kernel and waits until it answers; its own log lines are not ours to print
    with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        t0 = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        return time.perf_counter() - t0


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


def _median(values: list[float]) -> float:
    return statistics.median(values)


def summarise(runs: dict[str, list[Measurement]]) -> dict:
    out = {}
    for name, measurements in runs.items():
        if not measurements:
            continue
        seconds = [m.seconds for m in measurements]
        peaks = [m.tree_peak_rss for m in measurements if m.tree_peak_rss is not None]
        out[name] = {
            "seconds": [round(s, 3) for s in seconds],
            "median_seconds": round(_median(seconds), 3),
            "median_cpu_seconds": round(_median([m.cpu_seconds for m in measurements]), 3),
            "median_tree_peak_gib": round(_median(peaks) / GIB, 3) if peaks else None,
            "max_tree_peak_gib": round(max(peaks) / GIB, 3) if peaks else None,
            "max_largest_process_gib": round(max(m.largest_process_rss for m in measurements) / GIB, 3),
        }
    return out


def verdicts(summary: dict, notebook_medians: dict[str, float]) -> dict:
    """The ratios and each target's outcome (True = met)."""
    a = summary["a_cold"]["median_seconds"]
    result: dict = {"ratios": {}, "targets": {}}
    if "b_plain" in summary:
        result["ratios"]["a/b"] = round(a / summary["b_plain"]["median_seconds"], 3)
        result["targets"]["a/b <= 0.4"] = result["ratios"]["a/b"] <= TARGETS["a/b"]
    if "c_unchanged" in summary:
        c = summary["c_unchanged"]["median_seconds"]
        result["ratios"]["c/a"] = round(c / a, 4)
        result["targets"]["c <= 1 s"] = c <= TARGETS["c_seconds"]
    if "d_scaled" in summary:
        d = summary["d_scaled"]
        result["ratios"]["d/a"] = round(d["median_seconds"] / a, 3)
        result["targets"]["d/a <= 2"] = result["ratios"]["d/a"] <= TARGETS["d/a"]
        if d["max_tree_peak_gib"] is not None:
            result["targets"]["d peak memory <= 1.5 GiB"] = d["max_tree_peak_gib"] <= TARGETS["d_tree_peak_gib"]
    if "f_one_edited" in summary:
        result["ratios"]["f/a"] = round(summary["f_one_edited"]["median_seconds"] / a, 3)
        result["targets"]["f/a <= 0.4"] = result["ratios"]["f/a"] <= TARGETS["f/a"]
    if "d2_scaled_rows" in summary:  # for information: not one of the targets
        result["ratios"]["d2/a"] = round(summary["d2_scaled_rows"]["median_seconds"] / a, 3)
    if notebook_medians:
        result["targets"]["each notebook < 5 s"] = max(notebook_medians.values()) < TARGETS["notebook_seconds"]
    return result


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [f"# Benchmark {report['finished']}", "",
             f"Machine: {m['nproc']} CPUs usable ({m['cpu_model']}), {m['memory_total_gib']} GiB RAM, {m['os']}, "
             f"Python {m['python']}; load average at start {report['load_average_at_start']}, at end "
             f"{m['load_average_1_5_15']}; repetitions: {report['repeat']}; year {report['year']}; "
             f"notebooks: {', '.join(m['notebooks'])}", "",
             "| scenario | median s | runs s | median CPU s | peak tree RSS GiB (max) | largest process GiB |",
             "|---|---:|---|---:|---:|---:|"]
    labels = {"a_cold": "(a) sikkerby run, cold", "b_plain": "(b) papermill + nbconvert",
              "c_unchanged": "(c) sikkerby run, unchanged", "d_scaled": f"(d) cold, {report['scale']}x data",
              "d2_scaled_rows": f"(d2) cold, {report['scale']}x data, sample's activities",
              "f_one_edited": f"(f) {report.get('edited_notebook')} edited, re-run"}
    for name, s in report["summary"].items():
        lines.append(f"| {labels.get(name, name)} | {s['median_seconds']:.2f} | "
                     f"{', '.join(f'{x:.2f}' for x in s['seconds'])} | {s['median_cpu_seconds']:.2f} | "
                     f"{s['max_tree_peak_gib']} | "
                     f"{s['max_largest_process_gib']} |")
    if report["notebooks"]:
        lines += ["", "| notebook (e), after kernel start | median s | runs s | cells in (a) s | cells in (d) s |",
                  "|---|---:|---|---:|---:|"]
        for name, n in report["notebooks"].items():
            lines.append(f"| {name} | {n['median_seconds']:.2f} | {', '.join(f'{x:.2f}' for x in n['seconds'])} | "
                         f"{n.get('cells_in_a_seconds', '')} | {n.get('cells_in_d_seconds', '')} |")
    lines += ["", "Ratios: " + ", ".join(f"{k} = {v}" for k, v in report["verdicts"]["ratios"].items()),
              "", "Targets: " + ", ".join(f"{k}: {'met' if ok else 'MISSED'}"
                                         for k, ok in report["verdicts"]["targets"].items())]
    if "c_did_nothing" in report:
        lines.append(f"\nUnchanged re-run left every file of the publication untouched: {report['c_did_nothing']}")
    if report.get("f_executed"):
        lines.append(f"\nChapters the edited re-run (f) executed: {'; '.join(report['f_executed'])}")
    return "\n".join(lines) + "\n"


# --- main ----------------------------------------------------------------------------------------

def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run_benchmark", description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=3, help="repetitions of each measurement (default 3)")
    p.add_argument("--warmup", type=int, default=1,
                   help="untimed runs of (a) and (b) first, to fill the OS and font caches (default 1)")
    p.add_argument("--skip-scale", action="store_true", help="leave out (d), the run on scaled-up data")
    p.add_argument("--skip-notebooks", action="store_true", help="leave out (e), the per-notebook timing")
    p.add_argument("--skip-edit", action="store_true", help="leave out (f), the re-run after one notebook is edited")
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


def main(argv=None) -> int:
    args = parse_args(argv)
    nb_dir = (args.notebooks or default_notebooks_dir()).resolve()
    notebooks = sorted(nb_dir.glob("*.ipynb"))
    if not notebooks:
        print(f"No notebooks in {nb_dir}", file=sys.stderr)
        return 1
    args.results_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="work-", dir=args.results_dir))
    # validated datasets (sikkerby.inputs.dataset_cache) of the benchmark stay in its work folder, not in ~/.cache
    os.environ["SIKKERBY_CACHE_DIR"] = str(work / "cache")
    run_nb_dir = work / "notebooks"  # (a), (c) and (f) run this copy; (f) edits it
    shutil.copytree(nb_dir, run_nb_dir)
    env = {**os.environ, "SIKKERBY_NOTEBOOKS": str(run_nb_dir), "PYTHONUNBUFFERED": "1"}
    setup = Setup(args.year, notebooks, nb_dir, work, env, args.jobs, work / "commands.log")
    edit = None if args.skip_edit else run_nb_dir / notebook_to_edit(notebooks, args.edit_notebook).name
    say = lambda text: print(text, flush=True)  # noqa: E731
    load_before = [round(x, 2) for x in os.getloadavg()]
    machine = machine_description(notebooks)  # the commit and versions measured, taken before the runs
    say(f"Benchmark: {len(notebooks)} notebooks from {nb_dir}, year {args.year}, {args.repeat} repetitions; "
        f"work folder {work}")
    t_start = time.perf_counter()
    runs: dict[str, list[Measurement]] = {"a_cold": [], "b_plain": [], "c_unchanged": [], "f_one_edited": [],
                                          "d_scaled": [], "d2_scaled_rows": []}
    c_did_nothing = True
    f_executed: list[str] = []
    try:
        scaled = scaled_rows = None
        if not args.skip_scale:
            scaled = work / f"data-x{args.scale}"
            say(f"Generating the {args.scale}x data set (not timed) ...")
            run_command([str(BIN / "sikkerby"), "sample-data", "--out", str(scaled), "--scale", str(args.scale)],
                        cwd=PROJECT_DIR, env=env, log=setup.log)
            if args.with_sample_activities:
                scaled_rows = work / f"data-x{args.scale}-sample-activities"
                shutil.copytree(scaled, scaled_rows)
                for name in ACTIVITY_INPUTS:
                    shutil.copyfile(SAMPLE_DATA_DIR / name, scaled_rows / name)
        for i in range(args.warmup):
            say(f"Warm-up {i + 1}/{args.warmup} (not timed) ...")
            cold_run(setup, setup.fresh("warmup-a"))
            plain_pipeline(setup, setup.fresh("warmup-b"))
        for i in range(args.repeat):
            rep = f"{i + 1}/{args.repeat}"
            out = setup.fresh("a")
            runs["a_cold"].append(m := cold_run(setup, out))
            say(f"[{rep}] (a) cold sikkerby run:           {m.seconds:7.2f} s")
            m, untouched = unchanged_rerun(setup, out)
            runs["c_unchanged"].append(m)
            c_did_nothing &= untouched
            say(f"[{rep}] (c) unchanged re-run:            {m.seconds:7.2f} s"
                + ("" if untouched else "  (it rewrote the publication!)"))
            if edit is not None:
                m, executed = edited_rerun(setup, out, edit, str(i + 1))
                runs["f_one_edited"].append(m)
                f_executed.append(", ".join(executed))
                say(f"[{rep}] (f) {edit.name} edited, re-run: {m.seconds:7.2f} s; executed: {', '.join(executed)}")
            runs["b_plain"].append(m := plain_pipeline(setup, setup.fresh("b")))
            say(f"[{rep}] (b) papermill + nbconvert:       {m.seconds:7.2f} s")
            if scaled is not None:
                runs["d_scaled"].append(m := cold_run(setup, setup.fresh("d"), data=scaled))
                peak = f"{m.tree_peak_rss / GIB:.2f} GiB" if m.tree_peak_rss is not None else "n/a"
                say(f"[{rep}] (d) cold run, {args.scale}x data:       {m.seconds:7.2f} s, peak tree RSS {peak}")
            if scaled_rows is not None:
                runs["d2_scaled_rows"].append(m := cold_run(setup, setup.fresh("d2"), data=scaled_rows))
                peak = f"{m.tree_peak_rss / GIB:.2f} GiB" if m.tree_peak_rss is not None else "n/a"
                say(f"[{rep}] (d2) same, sample's activities: {m.seconds:7.2f} s, peak tree RSS {peak}")
        notebook_results: dict[str, dict] = {}
        if not args.skip_notebooks:
            for nb in notebooks:
                seconds = [notebook_execution_seconds(nb, args.year, nb_dir) for _ in range(args.repeat)]
                entry = {"seconds": [round(s, 3) for s in seconds], "median_seconds": round(_median(seconds), 3)}
                executed_a = work / "a" / str(args.year) / "notebooks" / nb.name
                executed_d = work / "d" / str(args.year) / "notebooks" / nb.name
                if executed_a.is_file():
                    entry["cells_in_a_seconds"] = round(cell_seconds(executed_a), 2)
                if executed_d.is_file():
                    entry["cells_in_d_seconds"] = round(cell_seconds(executed_d), 2)
                notebook_results[nb.name] = entry
                say(f"(e) {nb.name}: {entry['median_seconds']:.2f} s after kernel start (median)")
    except CommandFailed as exc:
        print(f"Benchmark stopped: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            log_copy = args.results_dir / "commands.log"
            if setup.log.exists():
                shutil.copyfile(setup.log, log_copy)
            shutil.rmtree(work, ignore_errors=True)

    summary = summarise(runs)
    report = {
        "finished": datetime.now().astimezone().isoformat(timespec="seconds"),
        "benchmark_seconds": round(time.perf_counter() - t_start, 1),
        "year": args.year, "repeat": args.repeat, "warmup": args.warmup, "scale": None if args.skip_scale else args.scale,
        "machine": {**machine, "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()]},
        "load_average_at_start": load_before,  # other work on the machine makes every figure slower
        "summary": summary,
        "notebooks": notebook_results,
        "c_did_nothing": c_did_nothing,
        "edited_notebook": None if edit is None else edit.name,
        "f_executed": f_executed,  # per repetition, the chapters (f) executed
        "memory_note": ("tree peak = peak of the summed RSS of the command's process tree, sampled every "
                        f"{SAMPLE_INTERVAL * 1000:.0f} ms with psutil; largest process = ru_maxrss from os.wait4"),
    }
    report["verdicts"] = verdicts(summary, {k: v["median_seconds"] for k, v in notebook_results.items()})
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    text = json.dumps(report, indent=2, ensure_ascii=False)
    (args.results_dir / f"results-{stamp}.json").write_text(text, encoding="utf-8")
    (args.results_dir / "latest.json").write_text(text, encoding="utf-8")
    (args.results_dir / "latest.md").write_text(markdown(report), encoding="utf-8")

    say("")
    for name, value in report["verdicts"]["ratios"].items():
        say(f"{name} = {value}")
    for name, ok in report["verdicts"]["targets"].items():
        say(f"{name}: {'met' if ok else 'MISSED'}")
    if not c_did_nothing:
        say("The unchanged re-run rewrote the publication.")
    say(f"Results: {args.results_dir / 'latest.md'} (and latest.json); {report['benchmark_seconds']:.0f} s in all.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
