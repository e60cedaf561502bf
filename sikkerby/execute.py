"""Executing the chapter notebooks with papermill, several at once.

Each notebook runs in a worker thread that drives its own kernel process, so
``--jobs`` notebooks compute at the same time while this process stays free to
compute the CSVs and render finished chapters. Papermill's ``cwd`` argument is
not used: it changes the working directory of the whole process, which is not
safe across threads; the kernel is started in the given folder instead.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from papermill.exceptions import PapermillExecutionError

from sikkerby.errors import error_text
from sikkerby.render.chapters import Chapter, cell_source
from sikkerby.render.notebook import first_source_line

KERNEL_NAME = "python3"
START_TIMEOUT = 120  # seconds; kernels started together on a busy machine can be slow
START_ATTEMPTS = 3  # parallel kernel starts can race for ports: retry a start that fails


@dataclass(frozen=True)
class NotebookJob:
    year: int
    chapter: Chapter
    output_path: Path  # the executed notebook, inside the year's build folder
    parameters: dict  # literal values: {"aar": int, "data_dir": str}
    cwd: Path  # the kernel's working directory

    @property
    def label(self) -> str:
        return f"{self.year}/{self.chapter.name}"


@dataclass(frozen=True)
class NotebookFailure:
    """Where and why a notebook stopped, for a Danish message."""

    notebook: str
    cell_index: int | None  # index in the source notebook (0 = first cell)
    first_line: str
    ename: str
    evalue: str

    def message(self) -> str:
        where = f"notebooken {self.notebook}"
        if self.cell_index is not None:
            where += f", celle {self.cell_index} (tællet fra 0)"
            if self.first_line:
                where += f", der begynder med «{self.first_line}»"
        return f"Fejl i {where}: {self.ename}: {self.evalue}".rstrip(": ")


@dataclass
class NotebookResult:
    job: NotebookJob
    seconds: float
    failure: NotebookFailure | None = None
    attempts: int = 1
    log: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failure is None


class _Kernels:
    """The kernel processes running now, so an interrupted run can stop them at once."""

    def __init__(self):
        self._lock = threading.Lock()
        self._managers: set = set()
        self.aborted = threading.Event()

    def add(self, km) -> None:
        with self._lock:
            self._managers.add(km)
        if self.aborted.is_set():
            self.kill(km)

    def discard(self, km) -> None:
        with self._lock:
            self._managers.discard(km)

    @staticmethod
    def kill(km) -> None:
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            try:
                os.kill(process.pid, signal.SIGKILL)
            except OSError:
                pass

    def kill_all(self) -> None:
        self.aborted.set()
        with self._lock:
            managers = list(self._managers)
        for km in managers:
            self.kill(km)


_KERNELS = _Kernels()
_THREAD = threading.local()  # per worker: the file that receives its kernel's own stdout/stderr
_NOISE = ("Kernel is running over TCP without encryption",)


class TrackedKernelManager(AsyncKernelManager):
    """nbclient's default kernel manager, registered while its kernel runs."""

    async def start_kernel(self, **kw):  # noqa: D102 - see AsyncKernelManager
        sink = getattr(_THREAD, "kernel_output", None)
        if sink is not None:  # keep the kernel's own messages out of the user's terminal
            kw.setdefault("stdout", sink)
            kw.setdefault("stderr", sink)
        await super().start_kernel(**kw)
        _KERNELS.add(self)

    async def shutdown_kernel(self, now: bool = False, restart: bool = False):  # noqa: D102
        try:
            await super().shutdown_kernel(now=now, restart=restart)
        finally:
            _KERNELS.discard(self)


def _source_cell_index(executed_path: Path, source_path: Path, executed_index: int) -> int:
    """Map a cell index of the executed notebook (with papermill's injected cell) to the source notebook."""
    try:
        executed = nbformat.read(executed_path, as_version=4)
        source = nbformat.read(source_path, as_version=4)
    except (OSError, ValueError):
        return executed_index
    cells = [c for c in executed.cells if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    if not 0 <= executed_index < len(cells):
        return executed_index
    cell_id = cells[executed_index].get("id")
    for index, cell in enumerate(source.cells):
        if cell_id is not None and cell.get("id") == cell_id:
            return index
    injected_before = sum(1 for c in cells[:executed_index]
                          if "injected-parameters" in c.get("metadata", {}).get("tags", []))
    return executed_index - injected_before


def _failure_from(job: NotebookJob, exc: BaseException) -> NotebookFailure:
    if isinstance(exc, PapermillExecutionError):
        index = _source_cell_index(job.output_path, job.chapter.source, exc.cell_index)
        source = exc.source if isinstance(exc.source, str) else cell_source({"source": exc.source})
        return NotebookFailure(job.chapter.name, index, first_source_line(source), exc.ename, str(exc.evalue))
    return NotebookFailure(job.chapter.name, None, "", type(exc).__name__, error_text(exc))


def execute_one(job: NotebookJob, on_start: Callable[[NotebookJob], None] | None = None) -> NotebookResult:
    """Execute one notebook with papermill; never raises for a failing notebook."""
    job.output_path.parent.mkdir(parents=True, exist_ok=True)
    if on_start is not None:
        on_start(job)
    t0 = time.perf_counter()
    result = NotebookResult(job, 0.0)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        _THREAD.kernel_output = sink
        try:
            _execute_attempts(job, result)
        finally:
            _THREAD.kernel_output = None
            sink.seek(0)
            text = sink.read().decode("utf-8", "replace")
            result.log += [f"{job.label} (kerne): {line}" for line in text.splitlines()
                           if line.strip() and not any(n in line for n in _NOISE)]
    result.seconds = time.perf_counter() - t0
    return result


def _execute_attempts(job: NotebookJob, result: NotebookResult) -> None:
    for attempt in range(1, START_ATTEMPTS + 1):
        result.attempts = attempt
        kernel_ready = threading.Event()
        try:
            papermill.execute_notebook(
                str(job.chapter.source),
                str(job.output_path),
                parameters=job.parameters,
                kernel_name=KERNEL_NAME,
                start_timeout=START_TIMEOUT,
                progress_bar=False,
                log_output=False,
                # the kernel's working directory (nbclient passes it to start_kernel)
                resources={"metadata": {"path": str(job.cwd)}},
                kernel_manager_class=TrackedKernelManager,
                on_notebook_start=lambda notebook=None, **_: kernel_ready.set(),
            )
        except PapermillExecutionError as exc:
            result.failure = _failure_from(job, exc)
        except Exception as exc:  # noqa: BLE001 - a kernel that would not start, died, or an I/O error
            if _KERNELS.aborted.is_set():
                result.failure = NotebookFailure(job.chapter.name, None, "", "Afbrudt", "kørslen blev afbrudt")
            elif not kernel_ready.is_set() and attempt < START_ATTEMPTS:
                result.log.append(f"{job.label}: kernen startede ikke ({type(exc).__name__}: {exc}); prøver igen")
                time.sleep(0.5 * attempt)
                continue
            else:
                result.failure = _failure_from(job, exc)
        break


class NotebookRunner:
    """Runs :class:`NotebookJob` s on ``jobs`` threads and yields results as they finish."""

    def __init__(self, jobs: int, on_start: Callable[[NotebookJob], None] | None = None):
        self.jobs = max(1, jobs)
        self.on_start = on_start
        self._pool: ThreadPoolExecutor | None = None
        self._pending: set[Future] = set()

    def submit(self, work: list[NotebookJob]) -> None:
        _KERNELS.aborted.clear()
        self._pool = ThreadPoolExecutor(max_workers=min(self.jobs, max(1, len(work))),
                                        thread_name_prefix="sikkerby-notebook")
        self._pending = {self._pool.submit(execute_one, job, self.on_start) for job in work}

    def results(self, poll: float = 0.2) -> Iterator[NotebookResult]:
        """Finished notebooks, in the order they finish (waits in short steps so Ctrl-C gets through)."""
        while self._pending:
            done, self._pending = wait(self._pending, timeout=poll, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()

    def finished_now(self) -> list[NotebookResult]:
        """Results of notebooks that have finished but were not yielded yet (after :meth:`abort`)."""
        done = [f for f in self._pending if f.done() and not f.cancelled()]
        self._pending -= set(done)
        return [f.result() for f in done]

    def abort(self, grace: float = 15.0) -> None:
        """Stop: cancel notebooks not started, kill running kernels, let their threads write and end."""
        _KERNELS.kill_all()
        if self._pool is not None:
            for future in self._pending:
                future.cancel()
            wait(self._pending, timeout=grace)
            self._pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
