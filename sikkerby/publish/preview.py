"""``sikkerby preview``: build the publication, then build it again after every change, kernels kept.

An analyst who edits a chapter's notebook, an input file or the programme wants to see the
result, not wait for a cold run each time. The preview builds the years asked for exactly as
``sikkerby run`` does (:func:`sikkerby.publish.run.run_years`: validation, reused chapters,
the same publication in ``<out>/<year>/``), then watches what the run reads and builds again
when something changed. Its kernels, with the notebooks' imports done, are kept from one
build to the next (a persistent :class:`sikkerby.publish.execute.NotebookRunner`), so an
edited chapter costs its own cells, its page and the PDF, not a kernel start.

What is watched: the input files of the data folder (the contract's file names), the
programme folder's YAML files and the notebooks folder's ``.ipynb`` files, by their size
and modification time, every :data:`POLL_SECONDS` (polling works on network drives too,
where change notifications often do not). A change is built once the files have been
still for :data:`SETTLE_SECONDS` (an editor may save in several steps). A change of the
package's own code ends the preview: its modules are imported in this process and the
kernels, so only a new start uses the new code.

Bad input does not end the preview: the message is shown, and the next save builds again.
Ctrl-C between builds ends it (exit status 0; SIGTERM: 143), also when the preview was started
with SIGINT ignored (as a script's background job is); during a build the build is stopped as in
``sikkerby run`` (exit status 130 or 143). Everything temporary, the kernels included, is gone
when it ends.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from sikkerby.config.paths import PACKAGE_DIR, resolve_data_dir
from sikkerby.config.paths import notebooks_dir as default_notebooks, params_dir as default_params
from sikkerby.errors import SikkerByError, mask_cpr_text
from sikkerby.publish.progress import seconds_da
from sikkerby.publish.folders import RunFolder, input_candidates
from sikkerby.publish.interruption import (
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    Terminated,
    exit_status,
    handling,
    on_sigint,
    on_sigterm,
)
from sikkerby.publish.run import run_years, workers

POLL_SECONDS = 0.1
SETTLE_SECONDS = 0.1
PROGRAMME_SUFFIXES = (".yaml", ".yml")

Snapshot = dict[str, tuple[int, int]]


def _stat_files(paths: Iterable[Path]) -> Snapshot:
    """``{path: (size, modification time in ns)}`` of the regular files among ``paths``."""
    snapshot = {}
    for path in paths:
        try:
            st = path.stat()
        except OSError:  # removed meanwhile: absent from the snapshot, which is a change
            continue
        if stat.S_ISREG(st.st_mode):
            snapshot[str(path)] = (st.st_size, st.st_mtime_ns)
    return snapshot


def _listing(folder: Path, keep: Callable[[Path], bool]) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if not p.name.startswith((".", "~")) and keep(p)]
    except OSError:  # a folder that went away: nothing to watch there (the build says what is wrong)
        return []


class Watched:
    """The files a build reads: the inputs, the programme, the notebooks; and the package's code."""

    def __init__(self, data_dir: str | os.PathLike | None, notebooks_dir, params_dir):
        self.data = resolve_data_dir(data_dir)
        self.notebooks = default_notebooks(notebooks_dir)
        self.params = default_params(params_dir)

    def files(self) -> Snapshot:
        """The inputs, the programme's YAML files and the notebooks, as they are now."""
        try:
            inputs = input_candidates(self.data)
        except OSError:
            inputs = []
        return _stat_files([*inputs,
                            *_listing(self.params, lambda p: p.suffix.lower() in PROGRAMME_SUFFIXES),
                            *_listing(self.notebooks, lambda p: p.suffix == ".ipynb")])

    def code(self) -> Snapshot:
        """The package's Python modules and templates."""
        return _stat_files(p for p in PACKAGE_DIR.rglob("*")
                           if "__pycache__" not in p.parts and p.suffix != ".pyc")


def changed_names(before: Snapshot, after: Snapshot) -> list[str]:
    """The base names of the files added, removed or changed between two snapshots."""
    return sorted({Path(p).name for p in set(before) ^ set(after)}
                  | {Path(p).name for p in set(before) & set(after) if before[p] != after[p]})


def preview(years: list[int], *, data_dir="", out_dir="outputs", jobs: int | None = None, quiet: bool = False,
            notebooks_dir=None, params_dir=None, renderer: str = "auto", stream=None,
            builds: int | None = None, poll: float = POLL_SECONDS) -> int:
    """Build ``years``, then again after every change, until Ctrl-C (or ``builds`` builds); the exit status.

    The arguments are those of :func:`sikkerby.publish.run.run_years` (no ``force``: the
    preview rebuilds only what changed).
    """
    from sikkerby.publish.execute import NotebookRunner  # papermill and nbclient: not before a preview starts

    stream = stream if stream is not None else sys.stderr

    def say(text: str) -> None:
        print(mask_cpr_text(text), file=stream, flush=True)

    watched = Watched(data_dir, notebooks_dir, params_dir)
    folder = RunFolder()  # the kernels' connection files and temporary files, for as long as they live
    runner = NotebookRunner(workers(jobs), persistent=True, kernel_folder=folder.tmp)
    code = watched.code()
    where = ", ".join(str(Path(out_dir) / str(y) / "index.html") for y in years)
    done = 0
    building = False
    # the run's handlers for as long as it lives, so that Ctrl-C and SIGTERM end it between builds too,
    # also when it was started with SIGINT ignored (a job started in the background by a script, as
    # POSIX shells do): a build (run_years) gives back the handlers it found, which must not be "ignore"
    with handling(signal.SIGTERM, on_sigterm), handling(signal.SIGINT, on_sigint):
        try:
            while True:
                files = watched.files()
                t0 = time.perf_counter()
                building = True
                try:
                    status = run_years(years, data_dir=data_dir, out_dir=out_dir, jobs=jobs, quiet=quiet,
                                       notebooks_dir=notebooks_dir, stream=stream, params_dir=params_dir,
                                       renderer=renderer, runner=runner)
                except SikkerByError as exc:  # bad input or programme: shown, and the next save builds again
                    say(str(exc))
                    status = 1
                building = False
                if status in (EXIT_INTERRUPTED, EXIT_TERMINATED):
                    say("Forhåndsvisningen er stoppet.")
                    return status
                done += 1
                if status == 0:
                    say(f"Klar: {where} (bygget på {seconds_da(time.perf_counter() - t0)}).")
                else:
                    say(f"Publikationen er ikke opdateret ({seconds_da(time.perf_counter() - t0)}); "
                        "ret fejlen og gem.")
                if builds is not None and done >= builds:
                    return status
                say("Venter på ændringer i notebooks, inddata og programfilen (Ctrl-C stopper forhåndsvisningen) …")
                changes = _wait_for_change(watched, files, code, poll)
                if changes is None:
                    say("Programmets egen kode er ændret; start 'sikkerby preview' igen for at bruge den.")
                    return 0
                say(f"Ændret: {', '.join(changes)}; bygger igen …")
        except KeyboardInterrupt as exc:
            say("Forhåndsvisningen er stoppet.")
            return exit_status(exc) if building or isinstance(exc, Terminated) else 0
        finally:
            runner.close()
            folder.close()


def _wait_for_change(watched: Watched, files: Snapshot, code: Snapshot, poll: float) -> list[str] | None:
    """Wait until the watched files differ from ``files`` and have been still for a moment: the names
    of what changed; ``None`` as soon as the package's code differs from ``code``."""
    while True:
        time.sleep(poll)
        if watched.code() != code:
            return None
        now = watched.files()
        if now == files:
            continue
        while True:  # settle: an editor may write a file in several steps
            time.sleep(SETTLE_SECONDS)
            later = watched.files()
            if later == now:
                return changed_names(files, now)
            now = later
