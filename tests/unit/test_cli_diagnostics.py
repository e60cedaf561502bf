"""What the console script offers a developer looking at a process that does not end (sikkerby.cli)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from sikkerby import cli


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="no SIGUSR1 on this system")
def test_sigusr1_writes_every_threads_stack_to_stderr_and_the_process_goes_on():
    """``sikkerby.cli.stacks_on_request``: what a developer (and the benchmark) asks a process that
    does not end for; the process is not stopped by it."""
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


def test_an_interrupt_reaching_main_exits_with_its_signals_status(monkeypatch, capsys):
    """An interrupt that reaches main (before a run handles it itself, say while it starts) ends the
    command with the signal's status: 143 for SIGTERM (sikkerby.publish.interruption.Terminated), 130
    for Ctrl-C; "Afbrudt." and no traceback."""
    from sikkerby.publish.interruption import INTERRUPTED, Terminated

    INTERRUPTED.clear()  # no signal noted by an earlier test in this process
    for raised, status in ((Terminated(), 143), (KeyboardInterrupt(), 130)):
        def interrupted(args, raised=raised):
            raise raised

        monkeypatch.setattr(cli, "_run", interrupted)
        assert cli.main(["run", "--year", "2017"]) == status
        err = capsys.readouterr().err
        assert "Afbrudt." in err and "Traceback" not in err
