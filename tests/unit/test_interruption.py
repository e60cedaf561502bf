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
