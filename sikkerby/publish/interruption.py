"""How a run (and a preview) stops on Ctrl-C and SIGTERM: the handlers, the note they leave, the
exit statuses, and the swap of a publication, during which a signal waits (see
:mod:`sikkerby.publish.run` and ``docs/reliability.md``)."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator

EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C."""


@contextlib.contextmanager
def handling(signum: int, handler) -> Iterator[None]:
    """``handler`` for ``signum`` while the block runs, the one before afterwards; outside the main
    thread (a run started from another thread, as in the tests) nothing changes: only the main
    thread may set handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signum, handler)
    try:
        yield
    finally:
        signal.signal(signum, previous)


class Interruption:
    """The signal that interrupted the run, noted by its handler before the handler raises.

    The exception may land where it cannot stop the run: in a library call that swallows it (while
    a page is rendered, say), or in a finalizer (``__del__``), where Python only prints it. The run
    checks the note after validation (:meth:`stop_if_noted`) and while it waits for its notebooks
    (:meth:`NotebookRunner.results`' ``stop``), and the exit status follows the signal noted
    (:func:`exit_status`). While ``held`` (a publication is swapped in, :class:`SignalsHeld`) the
    handlers only note the signal.
    """

    def __init__(self):
        self.signum: int | None = None
        self.held = 0
        self.pending = False  # noted while held, not raised yet

    def clear(self) -> None:
        self.signum = None
        self.pending = False

    def is_set(self) -> bool:
        return self.signum is not None

    def note(self, signum: int) -> None:
        """Note ``signum``; raise it now unless held (then :meth:`raise_noted` raises it)."""
        self.signum = signum
        self.pending = True
        if not self.held:
            self.raise_noted()

    def stop_if_noted(self) -> None:
        """Raise the noted signal (held or not): for the run's checkpoints, where an interrupt a library
        swallowed must still stop it."""
        if self.is_set():
            self.pending = True
            self.raise_noted()

    def raise_noted(self) -> None:
        """Raise the signal noted and not raised yet: Terminated for SIGTERM, else KeyboardInterrupt."""
        if self.pending:
            self.pending = False
            raise Terminated() if self.signum == signal.SIGTERM else KeyboardInterrupt()


INTERRUPTED = Interruption()


def exit_status(exc: BaseException | None = None) -> int:
    """The exit status of an interrupted command: 143 for SIGTERM (``exc`` is :class:`Terminated`, or
    SIGTERM is the signal noted), 130 for Ctrl-C."""
    terminated = isinstance(exc, Terminated) or INTERRUPTED.signum == signal.SIGTERM
    return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED


def on_sigterm(signum, frame):
    """SIGTERM's handler while a run (or a preview) goes on: stop as Ctrl-C does, with exit status 143."""
    INTERRUPTED.note(signum)


def on_sigint(signum, frame):
    INTERRUPTED.note(signum)


@contextlib.contextmanager
def interrupts_in_finalizers_noted() -> Iterator[None]:
    """While the block runs, an interrupt raised inside a finalizer is not printed (Python's
    "Exception ignored in …" and a traceback): the signal's handler noted it (:data:`INTERRUPTED`),
    and the run stops by the note. Anything else a finalizer raises is reported as before."""
    previous = sys.unraisablehook

    def hook(unraisable) -> None:
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous


class SignalsHeld:
    """Hold back Ctrl-C/SIGTERM while a folder is swapped; they take effect right after.

    The run's handlers (:func:`on_sigint`, :func:`on_sigterm`) only note a signal that arrives
    meanwhile. Blocking the signal instead (``pthread_sigmask``) would not hold it back: that blocks
    it for the calling thread only, and a run always has other threads (its workers, the PDF's), one
    of which then receives it, and Python runs the handler in the main thread at once.
    """

    def __enter__(self):
        INTERRUPTED.held += 1
        return self

    def __exit__(self, exc_type, exc, tb):
        INTERRUPTED.held -= 1
        if exc_type is None and not INTERRUPTED.held:
            INTERRUPTED.raise_noted()
        return False
