"""The run's signal handlers note the signal before they raise, an interrupt raised inside a
finalizer is not printed during a run, and a signal during a publication's swap takes effect after
it (sikkerby.publish.interruption)."""

from __future__ import annotations

import signal
import sys

import pytest

from sikkerby.publish import interruption


@pytest.fixture(autouse=True)
def _clear_note():
    interruption.INTERRUPTED.clear()
    yield
    interruption.INTERRUPTED.clear()


@pytest.mark.parametrize(("handler", "signum", "raised"), [
    (interruption.on_sigint, signal.SIGINT, KeyboardInterrupt),
    (interruption.on_sigterm, signal.SIGTERM, interruption.Terminated),
])
def test_each_handler_notes_its_signal_and_raises(handler, signum, raised):
    with pytest.raises(raised):
        handler(signum, None)
    assert interruption.INTERRUPTED.is_set() and interruption.INTERRUPTED.signum == signum


class _RaisesWhenCollected:
    def __init__(self, exc: BaseException):
        self.exc = exc

    def __del__(self):
        raise self.exc


def test_an_interrupt_in_a_finalizer_is_not_reported_anything_else_is(monkeypatch):
    reported = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: reported.append(type(unraisable.exc_value)))
    with interruption.interrupts_in_finalizers_noted():
        obj = _RaisesWhenCollected(KeyboardInterrupt())
        del obj
        obj = _RaisesWhenCollected(interruption.Terminated())
        del obj
        obj = _RaisesWhenCollected(ValueError("a real fault"))
        del obj
    assert reported == [ValueError]
    obj = _RaisesWhenCollected(KeyboardInterrupt())
    del obj
    assert reported == [ValueError, KeyboardInterrupt]  # the previous hook is back


@pytest.mark.parametrize(("signum", "raised"), [(signal.SIGINT, KeyboardInterrupt),
                                                (signal.SIGTERM, interruption.Terminated)])
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
        with interruption.handling(signal.SIGINT, interruption.on_sigint), \
                interruption.handling(signal.SIGTERM, interruption.on_sigterm):
            with pytest.raises(raised):
                with interruption.SignalsHeld():
                    os.kill(os.getpid(), signum)
                    for step in range(5):  # the handler runs at the next bytecodes: it must not raise here
                        time.sleep(0.01)
                        steps.append(step)
    finally:
        stop.set()
        helper.join()
    assert steps == [0, 1, 2, 3, 4]
    assert interruption.INTERRUPTED.signum == signum and not interruption.INTERRUPTED.pending


def test_outside_a_swap_the_handlers_raise_at_once_and_a_failed_swap_is_not_masked():
    with pytest.raises(KeyboardInterrupt):
        interruption.on_sigint(signal.SIGINT, None)
    interruption.INTERRUPTED.clear()
    with pytest.raises(OSError, match="disk"):  # the swap's own error is what the run reports
        with interruption.SignalsHeld():
            interruption.on_sigint(signal.SIGINT, None)
            raise OSError("disk full")
    assert interruption.INTERRUPTED.is_set()  # still noted: the run stops by the note
    assert interruption.INTERRUPTED.held == 0
