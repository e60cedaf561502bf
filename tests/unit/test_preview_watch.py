"""sikkerby.publish.preview's watching: what it looks at, and when it says that something changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from sikkerby.publish import preview as preview_module
from sikkerby.publish.preview import Watched, changed_names


class _Files:
    """A stand-in for :class:`Watched` whose snapshots the test scripts."""

    def __init__(self, files: list[dict], code: list[dict]):
        self._files, self._code = files, code

    def files(self) -> dict:
        return self._files.pop(0) if len(self._files) > 1 else self._files[0]

    def code(self) -> dict:
        return self._code.pop(0) if len(self._code) > 1 else self._code[0]


def test_a_change_is_reported_once_the_files_are_still(monkeypatch):
    monkeypatch.setattr(preview_module, "SETTLE_SECONDS", 0)
    before = {"/d/a.ipynb": (1, 1), "/d/b.csv": (1, 1)}
    writing = {"/d/a.ipynb": (2, 2), "/d/b.csv": (1, 1)}
    written = {"/d/a.ipynb": (3, 3), "/d/b.csv": (1, 1), "/d/c.yaml": (1, 1)}
    watched = _Files([before, before, writing, written, written], [{"m.py": (1, 1)}])
    assert preview_module._wait_for_change(watched, before, {"m.py": (1, 1)}, poll=0) == ["a.ipynb", "c.yaml"]


def test_a_change_of_the_package_code_ends_the_wait(monkeypatch):
    watched = _Files([{"/d/a.ipynb": (1, 1)}], [{"m.py": (1, 1)}, {"m.py": (2, 2)}])
    assert preview_module._wait_for_change(watched, {"/d/a.ipynb": (1, 1)}, {"m.py": (1, 1)}, poll=0) is None


def test_changed_names_lists_added_removed_and_changed_files():
    before = {"/x/a": (1, 1), "/x/b": (1, 1), "/x/c": (1, 1)}
    after = {"/x/a": (1, 1), "/x/b": (1, 2), "/x/d": (1, 1)}
    assert changed_names(before, after) == ["b", "c", "d"]


def test_watched_files_are_what_the_run_reads(workspace):
    (workspace / "data" / "noter.txt").write_text("ikke inddata", encoding="utf-8")
    (workspace / "notebooks" / ".ipynb_checkpoints").mkdir()
    (workspace / "notebooks" / "~udkast.ipynb").write_text("{}", encoding="utf-8")
    watched = Watched(str(workspace / "data"), str(workspace / "notebooks"), str(workspace / "params"))
    names = {Path(p).name for p in watched.files()}
    assert {"lukninger.csv", "aktiviteter.csv", "program.yaml", "00_sammenfatning.ipynb"} <= names
    assert not names & {"noter.txt", ".ipynb_checkpoints", "~udkast.ipynb"}
    assert any(Path(p).name == "preview.py" for p in watched.code())
