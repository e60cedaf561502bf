"""The run's signal handlers note the signal before they raise, and an interrupt raised inside a
finalizer is not printed during a run (sikkerby.publish.run)."""

from __future__ import annotations

import signal
import sys

import pytest

from sikkerby.publish import run as run_module


@pytest.fixture(autouse=True)
def _clear_note():
    run_module._INTERRUPTED.clear()
    yield
    run_module._INTERRUPTED.clear()


@pytest.mark.parametrize(("handler", "signum", "raised"), [
    (run_module._on_sigint, signal.SIGINT, KeyboardInterrupt),
    (run_module.on_sigterm, signal.SIGTERM, run_module.Terminated),
])
def test_each_handler_notes_its_signal_and_raises(handler, signum, raised):
    with pytest.raises(raised):
        handler(signum, None)
    assert run_module._INTERRUPTED.is_set() and run_module._INTERRUPTED.signum == signum


class _RaisesWhenCollected:
    def __init__(self, exc: BaseException):
        self.exc = exc

    def __del__(self):
        raise self.exc


def test_an_interrupt_in_a_finalizer_is_not_reported_anything_else_is(monkeypatch):
    reported = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: reported.append(type(unraisable.exc_value)))
    with run_module.interrupts_in_finalizers_noted():
        obj = _RaisesWhenCollected(KeyboardInterrupt())
        del obj
        obj = _RaisesWhenCollected(run_module.Terminated())
        del obj
        obj = _RaisesWhenCollected(ValueError("a real fault"))
        del obj
    assert reported == [ValueError]
    obj = _RaisesWhenCollected(KeyboardInterrupt())
    del obj
    assert reported == [ValueError, KeyboardInterrupt]  # the previous hook is back


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="no SIGUSR1 on this system")
def test_sigusr1_writes_every_threads_stack_to_stderr_and_the_process_goes_on():
    """``sikkerby.cli.stacks_on_request``: what a developer (and the benchmark) asks a process that
    does not end for; the process is not stopped by it."""
    import subprocess
    import time

    code = ("import sys, threading, time\n"
            "from sikkerby.cli import stacks_on_request\n"
            "stacks_on_request()\n"
            "threading.Thread(target=time.sleep, args=(30,), name='helper', daemon=True).start()\n"
            "print('ready', flush=True)\n"
            "sys.stdin.readline()\n"
            "print('still here', flush=True)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        proc.send_signal(signal.SIGUSR1)
        time.sleep(0.5)
        out, err = proc.communicate("\n", timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and out.strip() == "still here"
    assert "Current thread" in err and err.count("Thread 0x") >= 1  # the main thread and the helper


@pytest.mark.parametrize(("signum", "raised"), [(signal.SIGINT, KeyboardInterrupt),
                                                (signal.SIGTERM, run_module.Terminated)])
def test_a_signal_during_a_swap_takes_effect_after_it_even_with_other_threads_running(signum, raised):
    """The publication's swap is held: a signal sent to the process meanwhile (the run has other threads,
    which the kernel may deliver it to) is noted and raised when the swap is done, not inside it."""
    import os
    import threading
    import time

    stop = threading.Event()
    helper = threading.Thread(target=stop.wait, args=(10,), daemon=True)
    helper.start()
    steps = []
    try:
        with run_module.handling(signal.SIGINT, run_module._on_sigint), \
                run_module.handling(signal.SIGTERM, run_module.on_sigterm):
            with pytest.raises(raised):
                with run_module._SignalsHeld():
                    os.kill(os.getpid(), signum)
                    for step in range(5):  # the handler runs at the next bytecodes: it must not raise here
                        time.sleep(0.01)
                        steps.append(step)
    finally:
        stop.set()
        helper.join()
    assert steps == [0, 1, 2, 3, 4]
    assert run_module._INTERRUPTED.signum == signum and not run_module._INTERRUPTED.pending


def test_outside_a_swap_the_handlers_raise_at_once_and_a_failed_swap_is_not_masked():
    with pytest.raises(KeyboardInterrupt):
        run_module._on_sigint(signal.SIGINT, None)
    run_module._INTERRUPTED.clear()
    with pytest.raises(OSError, match="disk"):  # the swap's own error is what the run reports
        with run_module._SignalsHeld():
            run_module._on_sigint(signal.SIGINT, None)
            raise OSError("disk full")
    assert run_module._INTERRUPTED.is_set()  # still noted: the run stops by the note
    assert run_module._INTERRUPTED.held == 0
