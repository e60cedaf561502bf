"""sikkerby.publish.kernel_reset, in this process: what a chapter changes is undone for the next one.

(The IPython part — namespace, history, execution count — needs a kernel; it is checked in
``tests/e2e/test_kernel_reuse.py``.)
"""

from __future__ import annotations

import gc
import os
import sys
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from sikkerby.publish import kernel_reset


@pytest.fixture
def remembered(tmp_path, monkeypatch):
    """This process's state noted as a kernel's after its warm-up; put back afterwards."""
    monkeypatch.chdir(tmp_path)
    before = kernel_reset.current_state()
    kernel_reset.remember()
    yield before
    kernel_reset._remembered = None
    gc.unfreeze()


def test_remember_freezes_what_the_warm_up_made(remembered):
    """The imports' objects are out of the collector's sight, so resets and cells do not walk them."""
    assert gc.get_freeze_count() > 0
    frozen = gc.get_freeze_count()
    made_by_a_chapter = [[i] for i in range(1000)]
    kernel_reset.reset()
    assert gc.get_freeze_count() == frozen  # only the warm-up's objects are frozen
    assert made_by_a_chapter


def test_reset_restores_what_a_chapter_changed(remembered, tmp_path):
    linewidth = matplotlib.rcParams["lines.linewidth"]
    max_rows = pd.get_option("display.max_rows")
    (tmp_path / "elsewhere").mkdir()

    # what a careless chapter might do
    matplotlib.rcParams["lines.linewidth"] = linewidth + 3
    pd.set_option("display.max_rows", 3)
    os.chdir(tmp_path / "elsewhere")
    sys.path.insert(0, "/somewhere/else")
    os.environ["SIKKERBY_TEST_CHAPTER_VARIABLE"] = "1"
    removed = next(iter(os.environ))
    removed_value = os.environ.pop(removed)
    warnings.simplefilter("error")
    plt.figure()

    kernel_reset.reset()

    assert matplotlib.rcParams["lines.linewidth"] == linewidth
    assert pd.get_option("display.max_rows") == max_rows
    assert os.getcwd() == str(tmp_path)
    assert "/somewhere/else" not in sys.path
    assert "SIKKERBY_TEST_CHAPTER_VARIABLE" not in os.environ
    assert os.environ[removed] == removed_value
    assert warnings.filters == remembered.filters
    assert plt.get_fignums() == []


def test_reset_without_remember_only_closes_figures(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kernel_reset._remembered = None
    plt.figure()
    kernel_reset.reset()
    assert plt.get_fignums() == []
    assert os.getcwd() == str(tmp_path)


def test_the_shell_reset_forgets_the_results_without_a_collection_of_its_own(monkeypatch):
    """IPython's own reset collects garbage while the chapter's objects are still referenced; the
    reset here leaves the one collection to release_memory, and still lets go of every result."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    shell = InteractiveShell(config=Config({"HistoryManager": {"enabled": False}}))
    try:
        shell.run_cell("big = list(range(1000))\nbig", store_history=True)
        assert shell.displayhook._ is shell.user_ns["big"]
        assert shell.user_ns["Out"]
        collections = []
        monkeypatch.setattr(gc, "collect", lambda *a: collections.append(a) or 0)
        kernel_reset.reset_shell(shell)
        monkeypatch.undo()
        assert collections == []
        assert "big" not in shell.user_ns and not shell.user_ns["Out"]
        assert shell.displayhook._ == shell.displayhook.__ == shell.displayhook.___ == ""
        assert shell.execution_count == 1
        assert shell.displayhook.do_full_cache
    finally:
        shell.cleanup()
