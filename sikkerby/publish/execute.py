"""Executing the chapter notebooks with papermill, several at once.

Each notebook runs in a worker thread that drives its own kernel process, so
``--jobs`` notebooks compute at the same time while this process stays free to
compute the CSVs and render finished chapters. Papermill's ``cwd`` argument is
not used: it changes the working directory of the whole process, which is not
safe across threads; the kernel is started in the given folder instead.

Kept kernels: each worker starts one kernel, imports the notebooks' modules in it
silently (no output, no execution count) and runs one notebook after another in
it, reset between them (:mod:`sikkerby.publish.kernel_reset`), so a run pays for a
kernel start and the imports once per worker, not once per chapter and year.
:meth:`NotebookRunner.start` starts the workers' kernels before the notebooks are
known to be runnable (while the run validates); nothing of a notebook runs before
:meth:`NotebookRunner.submit`, and if the run stops instead the kernels are shut down.
"""

from __future__ import annotations

import ast
import json
import os
import queue
import secrets
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager

from sikkerby.errors import error_text
from sikkerby.publish.progress import seconds_da
from sikkerby.publish.render.chapters import Chapter, cell_source, mark_executed
from sikkerby.publish.render.notebook import first_source_line

KERNEL_NAME = "python3"
START_TIMEOUT = 120  # seconds; kernels started together on a busy machine can be slow
START_ATTEMPTS = 3  # parallel kernel starts can race for ports: retry a start that fails
WARM_UP_TIMEOUT = 120  # seconds for a kept kernel's imports; beyond it the notebook starts a kernel of its own
ABORT_GRACE = 5.0  # seconds the end of an interrupted run waits for its workers once more
STOP_GRACE = 0.5  # seconds a run stopped before its notebooks waits for workers whose kernels were killed
# IPython's input history is a SQLite database in the user's home, written after every cell and at
# every reset: a fifth of a kept kernel's own time in a run, for a history nobody reads.
KERNEL_ARGUMENTS = ("--HistoryManager.enabled=False",)


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
# Kernel messages that say nothing about the notebook: the transport notice at start, and the
# interrupt a kernel reports while it is being shut down after its notebook is done.
_NOISE = ("Kernel is running over TCP without encryption", "KeyboardInterrupt caught in kernel")


class KeptKernelClient(AsyncKernelClient):
    """The one client of a kept kernel, connected for the kernel's whole life.

    jupyter_client's ``wait_for_ready`` asks for the kernel's info, checks that the kernel's
    broadcasts (IOPub) arrive, and then waits until the kernel has been silent for 0.2 s; a new
    client per chapter paid that every time. This one checks once, in the same way but without
    the silent wait (nbclient and :func:`_run_silently` pick their own messages by request);
    later chapters find it connected and ready.
    """

    _checked = False

    def start_channels(self, *args, **kw) -> None:  # noqa: D102 - see KernelClient; papermill asks per notebook
        if not self.channels_running:
            super().start_channels(*args, **kw)

    async def wait_for_ready(self, timeout: float | None = None) -> None:  # noqa: D102 - see KernelClient
        deadline = time.monotonic() + (START_TIMEOUT if timeout is None else timeout)
        while not self._checked:
            self.kernel_info()
            try:
                reply = await self.get_shell_msg(timeout=1)
                if reply["msg_type"] == "kernel_info_reply":
                    await self.get_iopub_msg(timeout=0.2)  # the broadcasts arrive: connected
                    self._checked = True
                    continue
            except queue.Empty:
                pass
            if not await self.parent.is_alive():
                raise RuntimeError("the kernel died before it answered")
            if time.monotonic() > deadline:
                raise RuntimeError("the kernel did not answer in time")


class TrackedKernelManager(AsyncKernelManager):
    """nbclient's default kernel manager, registered while its kernel runs."""

    def client(self, **kw):  # noqa: D102 - see KernelManager; remembered so their channels can be closed
        kept = self.__dict__.get("_sikkerby_kept")
        if kept is not None:  # papermill (nbclient) asks for a client per notebook: the kept one
            return kept
        kc = super().client(**kw)
        self.__dict__.setdefault("_sikkerby_clients", []).append(kc)
        return kc

    def keep_client(self) -> KeptKernelClient:
        """Make the one client (:class:`KeptKernelClient`, channels started) that :meth:`client`
        returns from now on."""
        self.client_factory = KeptKernelClient
        kc = super().client()
        kc.start_channels()
        self.__dict__["_sikkerby_kept"] = kc
        return kc

    def stop_clients(self, kept: bool = False) -> None:
        """Close the channels of every client made for this kernel (nbclient leaves open the
        channels of a kernel it did not start); the kept client's too when ``kept``."""
        clients = self.__dict__.pop("_sikkerby_clients", [])
        if kept:
            clients.append(self.__dict__.pop("_sikkerby_kept", None))
        for kc in filter(None, clients):
            try:
                if kc.channels_running:
                    kc.stop_channels()
            except Exception:  # noqa: BLE001 - closing only
                pass

    async def start_kernel(self, **kw):  # noqa: D102 - see AsyncKernelManager
        sink = getattr(_THREAD, "kernel_output", None)
        if sink is not None:  # keep the kernel's own messages out of the user's terminal
            kw.setdefault("stdout", sink)
            kw.setdefault("stderr", sink)
        kw["extra_arguments"] = [*kw.get("extra_arguments", ()), *KERNEL_ARGUMENTS]
        await super().start_kernel(**kw)
        _KERNELS.add(self)

    async def shutdown_kernel(self, now: bool = False, restart: bool = False):  # noqa: D102
        try:
            await super().shutdown_kernel(now=now, restart=restart)
        finally:
            _KERNELS.discard(self)


# ------------------------------------------------------------------ kept kernels

def warm_up_code(sources: Iterable[str]) -> str:
    """The import statements at the top level of the notebooks' code cells, once each, in order.

    ``sources`` are the code cells' texts. Imports are what a kernel can do before
    its notebook's parameters are known (they take about a second: pandas,
    matplotlib, the package); a cell that is not plain Python (a magic) is skipped.
    """
    seen: dict[str, None] = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)) and not (
                    isinstance(node, ast.ImportFrom) and node.module == "__future__"):
                seen.setdefault(ast.unparse(node))
    return "\n".join(seen)


def notebook_code_cells(paths: Iterable[Path]) -> list[str]:
    """The code cells' sources of the notebooks at ``paths`` (unreadable notebooks are skipped)."""
    sources = []
    for path in paths:
        try:
            nb = nbformat.read(path, as_version=4)
        except (OSError, ValueError):
            continue
        sources += [cell_source(c) for c in nb.cells if c.get("cell_type") == "code"]
    return sources


# Run silently in a kept kernel: note its state after the warm-up's imports, and go back to it after
# each chapter (sikkerby.publish.kernel_reset), so the next chapter starts as in a new kernel.
REMEMBER_CODE = "import sikkerby.publish.kernel_reset\nsikkerby.publish.kernel_reset.remember()"
RESET_CODE = "import sikkerby.publish.kernel_reset\nsikkerby.publish.kernel_reset.reset()"
RESET_TIMEOUT = 60  # seconds; a kernel that does not reset in time is replaced


@dataclass
class KeptKernel:
    """A kernel started ahead of its notebooks, with the notebooks' modules imported; it runs one
    chapter after another, :meth:`reset` between them."""

    km: TrackedKernelManager
    cwd: Path
    sink: object  # the file receiving the kernel's own stdout/stderr
    seconds: float  # time to start and warm it
    chapters: list[str] = field(default_factory=list)  # the chapters it has run, in order (year/name)
    _read: int = 0  # how much of ``sink`` :meth:`messages` has returned

    def messages(self) -> list[str]:
        """The kernel's own output lines since the last call."""
        self.sink.seek(self._read)
        text = self.sink.read().decode("utf-8", "replace")
        self._read = self.sink.tell()
        return text.splitlines()

    def reset(self) -> bool:
        """Back to the state after the warm-up (:func:`sikkerby.publish.kernel_reset.reset`); False
        when that failed (the kernel is then of no further use)."""
        from jupyter_core.utils import run_sync

        try:
            run_sync(_run_silently)(self.km.client(), self.km, RESET_CODE, RESET_TIMEOUT)
        except Exception:  # noqa: BLE001 - the caller replaces the kernel
            return False
        return True

    def close(self, now: bool = False) -> None:
        """Shut the kernel down and close the file of its messages."""
        shutdown_kernel(self.km, now=now)
        self.sink.close()


async def _run_silently(kc: KeptKernelClient, km: TrackedKernelManager, code: str, timeout: float) -> None:
    """Run ``code`` in the kernel without output or execution count; raises when it fails, when the
    kernel dies or the run is stopped (checked every quarter second), or after ``timeout`` seconds."""
    await kc.wait_for_ready(timeout=START_TIMEOUT)
    msg_id = kc.execute(code, silent=True, store_history=False)
    deadline = time.monotonic() + timeout
    while True:
        try:
            reply = await kc.get_shell_msg(timeout=0.25)
        except queue.Empty:
            if _KERNELS.aborted.is_set() or time.monotonic() > deadline or not await km.is_alive():
                raise RuntimeError("the kernel did not answer") from None
            continue
        if reply.get("parent_header", {}).get("msg_id") == msg_id:
            break
    if reply["content"].get("status") != "ok":
        raise RuntimeError(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")


def start_kept_kernel(cwd: Path, code: str, kernel_name: str = KERNEL_NAME,
                      folder: Path | None = None) -> KeptKernel | None:
    """Start a kernel in ``cwd``, run ``code`` (imports) silently and note its state for
    :meth:`KeptKernel.reset`; ``None`` when that fails (the notebook then starts its own kernel).

    ``folder``: where the kernel's connection file and temporary files go (its ``TMPDIR``), for a
    kernel that outlives the run that started it; by default this process's temporary folder (the
    run's)."""
    from jupyter_core.utils import run_sync

    t0 = time.perf_counter()
    sink = tempfile.TemporaryFile(mode="w+b")
    own = {} if folder is None else {"connection_file": str(folder / f"kernel-{secrets.token_hex(8)}.json")}
    km = TrackedKernelManager(kernel_name=kernel_name, **own)
    env = os.environ if folder is None else os.environ | {"TMPDIR": str(folder)}
    try:
        run_sync(km.start_kernel)(cwd=str(cwd), stdout=sink, stderr=sink, env=env)
        kc = km.keep_client()
        run_sync(_run_silently)(kc, km, "\n".join(filter(None, (code, REMEMBER_CODE))), WARM_UP_TIMEOUT)
    except Exception:  # noqa: BLE001 - only a lost head start
        shutdown_kernel(km, now=True)
        sink.close()
        return None
    return KeptKernel(km, cwd, sink, time.perf_counter() - t0)


def shutdown_kernel(km, now: bool = False) -> None:
    """Shut a kernel down and release what its manager holds; never raises."""
    from jupyter_core.utils import run_sync

    try:
        if run_sync(km.is_alive)():
            run_sync(km.shutdown_kernel)(now=now)
    except Exception:  # noqa: BLE001 - gone already, or dying: make sure it is
        _Kernels.kill(km)
    finally:
        _KERNELS.discard(km)
        km.stop_clients(kept=True)
        try:
            run_sync(km.cleanup_resources)()
        except Exception:  # noqa: BLE001
            pass


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
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        index = _source_cell_index(job.output_path, job.chapter.source, exc.cell_index)
        source = exc.source if isinstance(exc.source, str) else cell_source({"source": exc.source})
        return NotebookFailure(job.chapter.name, index, first_source_line(source), exc.ename, str(exc.evalue))
    return NotebookFailure(job.chapter.name, None, "", type(exc).__name__, error_text(exc))


def execute_one(job: NotebookJob, on_start: Callable[[NotebookJob], None] | None = None,
                kernel: KeptKernel | None = None) -> NotebookResult:
    """Execute one notebook with papermill, in ``kernel`` when given (left running: the caller resets
    or closes it), else in a kernel of its own; never raises for a failing notebook."""
    job.output_path.parent.mkdir(parents=True, exist_ok=True)
    if on_start is not None:
        on_start(job)
    t0 = time.perf_counter()
    result = NotebookResult(job, 0.0)
    if kernel is not None:
        result.log.append(_kernel_line(job, kernel))
    with tempfile.TemporaryFile(mode="w+b") as sink:
        _THREAD.kernel_output = sink
        try:
            _execute_attempts(job, result, kernel.km if kernel is not None else None)
        finally:
            _THREAD.kernel_output = None
            if kernel is not None:
                kernel.km.stop_clients()  # papermill leaves the channels of a kernel it did not start open
                kernel.chapters.append(job.label)
            sink.seek(0)
            lines = sink.read().decode("utf-8", "replace").splitlines()
            lines += kernel.messages() if kernel is not None else []
            result.log += [f"{job.label} (kerne): {line}" for line in lines
                           if line.strip() and not any(n in line for n in _NOISE)]
    result.seconds = time.perf_counter() - t0
    return result


def _kernel_line(job: NotebookJob, kernel: KeptKernel) -> str:
    """The run log's line on the kernel a notebook runs in."""
    if kernel.chapters:
        return (f"{job.label}: kører i samme kerne som {kernel.chapters[-1]}, som dens kapitel nr. "
                f"{len(kernel.chapters) + 1} (nulstillet imellem: navne, figurer, indstillinger)")
    return f"{job.label}: kører i en kerne, der blev startet i forvejen (start og import: {seconds_da(kernel.seconds)})"


def prepare_execution() -> None:
    """Import what executing a notebook imports (papermill, nbclient), once, in the calling thread:
    the workers then find it imported instead of importing it side by side."""
    import nbclient  # noqa: F401
    import papermill  # noqa: F401
    import papermill.translators  # noqa: F401


def _execute_attempts(job: NotebookJob, result: NotebookResult, km=None) -> None:
    """Papermill, in ``km``'s running kernel when given (first attempt only), else in a new kernel."""
    import papermill  # here, not at the top: the kernels start before this process imports it
    from papermill.exceptions import PapermillExecutionError

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
                # written when done (or failed), not at every cell's start and end as well: those writes
                # of the whole notebook cost about a quarter of a second per chapter in this process
                request_save_on_cell_execute=False,
                # the kernel's working directory (nbclient passes it to start_kernel)
                resources={"metadata": {"path": str(job.cwd)}},
                kernel_manager_class=TrackedKernelManager,
                on_notebook_start=lambda notebook=None, **_: kernel_ready.set(),
                **({"km": km} if km is not None and attempt == 1 else {}),
            )
            _mark_executed(job)
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


def _mark_executed(job: NotebookJob) -> None:
    """A per-goal-area chapter's executed notebook gets its chapter's title (:func:`mark_executed`)."""
    nb = json.loads(job.output_path.read_text(encoding="utf-8"))
    if mark_executed(nb, job.chapter):
        job.output_path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


_STOP = object()  # tells a worker that no more notebooks come


class NotebookRunner:
    """Runs :class:`NotebookJob` s on ``jobs`` worker threads and yields results as they finish.

    Each worker keeps one kernel (:class:`KeptKernel`: started, with the notebooks' modules
    imported from ``warm_code``) and runs one notebook after another in it, reset before each
    but the first (:mod:`sikkerby.publish.kernel_reset`). A notebook that fails, or a reset that
    fails, costs the worker its kernel: the next notebook gets a new one. When a kernel cannot be
    prepared, the notebook starts a kernel of its own (papermill's way, with retries).

    :meth:`start` starts the workers and their kernels before the notebooks are known to be
    runnable (while the caller validates); :meth:`submit` alone starts them as needed.

    ``persistent``: the workers and their kernels outlive a :meth:`submit`'s notebooks and wait for
    the next (``sikkerby preview``, which rebuilds on every change); :meth:`close` ends them.
    ``kernel_folder``: the kept kernels' connection files and temporary files (a persistent runner's
    kernels need a folder that lives as long as they do, not the first run's, which goes with it).
    """

    def __init__(self, jobs: int, on_start: Callable[[NotebookJob], None] | None = None, warm_code: str = "",
                 persistent: bool = False, kernel_folder: Path | None = None):
        self.jobs = max(1, jobs)
        self.on_start = on_start
        self.warm_code = warm_code
        self.persistent = persistent
        self.kernel_folder = kernel_folder
        self._todo: queue.SimpleQueue = queue.SimpleQueue()
        self._done: queue.SimpleQueue = queue.SimpleQueue()
        self._workers: list[threading.Thread] = []
        self._expected = 0  # results not yet yielded
        self._submitted = False
        self._closed = False

    def start(self, workers: int, cwd: Path) -> int:
        """Have ``workers`` (at most ``jobs``) workers, each new one starting its kernel in ``cwd`` at
        once; they then wait for :meth:`submit`. Returns how many were started now."""
        _KERNELS.aborted.clear()
        new = max(0, min(self.jobs, max(1, workers)) - len(self._workers))
        for _ in range(new):
            self._spawn(cwd)
        return new

    def submit(self, work: list[NotebookJob]) -> None:
        if not self._workers:
            _KERNELS.aborted.clear()
        for _ in range(min(self.jobs, max(1, len(work))) - len(self._workers)):
            self._spawn(None)
        self._expected += len(work)
        self._submitted = True
        for job in work:
            self._todo.put(job)
        if not self.persistent:
            for _ in self._workers:
                self._todo.put(_STOP)

    def _spawn(self, cwd: Path | None) -> None:
        worker = threading.Thread(target=self._work, args=(cwd,), daemon=True,
                                  name=f"sikkerby-notebook-{len(self._workers) + 1}")
        self._workers.append(worker)
        worker.start()

    def _work(self, cwd: Path | None) -> None:
        """One worker: its kernel (started at once when ``cwd`` is given), then notebook after notebook."""
        kernel = (start_kept_kernel(cwd, self.warm_code, folder=self.kernel_folder)
                  if cwd is not None and not self._closed else None)
        try:
            while True:
                job = self._todo.get()
                if job is _STOP or self._closed:
                    return
                if _KERNELS.aborted.is_set():
                    result = NotebookResult(job, 0.0, NotebookFailure(job.chapter.name, None, "", "Afbrudt",
                                                                      "kørslen blev afbrudt"))
                else:
                    try:
                        if kernel is not None and (kernel.cwd != job.cwd  # started for another folder
                                                   or kernel.chapters and not kernel.reset()):
                            kernel.close(now=True)
                            kernel = None
                        if kernel is None:
                            kernel = start_kept_kernel(job.cwd, self.warm_code, folder=self.kernel_folder)
                        result = execute_one(job, self.on_start, kernel)
                    except BaseException as exc:  # noqa: BLE001 - a fault in the runner: reported as the notebook's
                        result = NotebookResult(job, 0.0, NotebookFailure(job.chapter.name, None, "",
                                                                          type(exc).__name__, error_text(exc)))
                self._done.put(result)
                if kernel is not None and not result.ok:
                    kernel.close(now=True)  # its state after a failure is unknown: the next notebook gets a new one
                    kernel = None
        finally:
            if kernel is not None:
                kernel.close(now=True)

    def results(self, poll: float = 0.2, stop: Callable[[], bool] | None = None) -> Iterator[NotebookResult]:
        """Finished notebooks, in the order they finish (waits in short steps so Ctrl-C gets through);
        raises KeyboardInterrupt when ``stop()`` says the run was interrupted (an interrupt that a
        library swallowed)."""
        while self._expected > 0:
            if stop is not None and stop():
                raise KeyboardInterrupt()
            try:
                result = self._done.get(timeout=poll)
            except queue.Empty:
                continue
            self._expected -= 1
            yield result

    def finished_now(self) -> list[NotebookResult]:
        """Results of notebooks that have finished but were not yielded yet (after :meth:`abort`)."""
        done = []
        while True:
            try:
                done.append(self._done.get_nowait())
            except queue.Empty:
                break
        self._expected -= len(done)
        return done

    def abort(self, grace: float = 15.0) -> None:
        """Stop: drop notebooks not started, kill running kernels, let the workers write and end."""
        self._closed = True
        _KERNELS.kill_all()
        for _ in self._workers:  # a persistent runner's idle workers wait for work: they end now
            self._todo.put(_STOP)
        self._join(grace)

    def close(self, timeout: float | None = None) -> None:
        """End the workers: after their notebooks when some were submitted (each then shuts its kernel
        down), else at once (the kernels started early are killed, also one still starting)."""
        if self._closed:  # after abort(): its kernels are gone; a worker stuck anyway must not hold up the end
            timeout = ABORT_GRACE if timeout is None else min(timeout, ABORT_GRACE)
        if not self._submitted:
            self._closed = True
            _KERNELS.kill_all()
            # a worker whose kernel was killed while it started notices within a second or so; its
            # thread is a daemon and its kernel is gone, so do not wait long for it (a worker that
            # had not begun to start its kernel does not begin: the runner is closed)
            timeout = STOP_GRACE if timeout is None else min(timeout, STOP_GRACE)
        for _ in self._workers:
            self._todo.put(_STOP)
        self._join(timeout)
        if not self._submitted:
            _KERNELS.aborted.clear()  # the next runner (or notebook) in this process may start kernels again

    def _join(self, timeout: float | None) -> None:
        end = None if timeout is None else time.monotonic() + timeout
        for worker in self._workers:
            worker.join(None if end is None else max(0.0, end - time.monotonic()))
