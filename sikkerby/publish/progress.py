"""What the run tells the person running it (stderr) and what it writes down (run.log).

Both are plain, dependency-free and thread-safe: notebooks finish in worker threads.
"""

from __future__ import annotations

import sys
import threading
import time
from datetime import datetime


def seconds_da(seconds: float) -> str:
    """``3.25`` -> ``'3,3 s'`` (Danish decimal comma)."""
    return f"{seconds:.1f}".replace(".", ",") + " s"


class Progress:
    """Which notebooks are executing and how many are done.

    On a terminal one status line is rewritten in place; otherwise (a log, CI)
    every event is a plain line. ``quiet`` silences everything except nothing:
    errors are reported by the caller, not here.
    """

    def __init__(self, quiet: bool = False, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.total = 0
        self.done = 0
        self.running: list[str] = []
        self._lock = threading.Lock()
        self._status_shown = False

    def set_total(self, total: int) -> None:
        with self._lock:
            self.total = total
            self.done = 0

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def _clear_status(self) -> None:
        if self._status_shown:
            self._write("\r\x1b[K")
            self._status_shown = False

    def _show_status(self) -> None:
        if not self.tty or not self.running:
            return
        names = ", ".join(self.running)
        line = f"[{self.done}/{self.total}] kører: {names}"
        width = 100
        if len(line) > width:
            line = line[: width - 1] + "…"
        self._write("\r\x1b[K" + line)
        self._status_shown = True

    def message(self, text: str) -> None:
        """A line of its own (a phase of the run, a result)."""
        if self.quiet:
            return
        with self._lock:
            self._clear_status()
            self._write(text + "\n")
            self._show_status()

    def started(self, label: str) -> None:
        if self.quiet:
            return
        with self._lock:
            self.running.append(label)
            if self.tty:
                self._show_status()
            else:
                self._write(f"[{self.done}/{self.total}] starter {label}\n")

    def finished(self, label: str, ok: bool, seconds: float) -> None:
        with self._lock:
            self.done += 1
            if label in self.running:
                self.running.remove(label)
            if self.quiet:
                return
            self._clear_status()
            verdict = "færdig" if ok else "FEJLEDE"
            self._write(f"[{self.done}/{self.total}] {label}: {verdict} ({seconds_da(seconds)})\n")
            self._show_status()

    def close(self) -> None:
        with self._lock:
            if not self.quiet:
                self._clear_status()


class RunLog:
    """Timestamped lines of one run; each year's folder gets the lines about it."""

    def __init__(self):
        self._lines: list[tuple[int | None, str]] = []
        self._lock = threading.Lock()
        self._t0 = time.perf_counter()

    def __call__(self, text: str, year: int | None = None) -> None:
        stamp = datetime.now().astimezone().isoformat(timespec="milliseconds")
        elapsed = time.perf_counter() - self._t0
        with self._lock:
            for line in str(text).splitlines() or [""]:
                self._lines.append((year, f"{stamp} +{elapsed:7.2f}s {line}"))

    def text_for(self, year: int | None) -> str:
        """Every line about ``year`` and every line about the whole run."""
        with self._lock:
            return "".join(line + "\n" for y, line in self._lines if y is None or y == year)
