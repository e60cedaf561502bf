"""The publication's folders: one run per year (a lock), the atomic swap of a finished build into
``<out>/<Y>/`` and the repair of an interrupted one, the run's own temporary folder, and the
snapshot of the inputs the run works from (see :mod:`sikkerby.publish.run`)."""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

from sikkerby.errors import InputError, Problem, SikkerByError, error_text
from sikkerby.publish.progress import RunLog

KEEP_FAILED = 3  # failed builds kept per year, newest first


class YearLock:
    """One run at a time per year and output folder (an advisory lock on ``<out>/.<Y>.lock``)."""

    def __init__(self, out_dir: Path, year: int):
        self.path = out_dir / f".{year}.lock"
        self.year = year
        self._fh = None

    def acquire(self) -> None:
        self._fh = open(self.path, "a+")  # noqa: SIM115 - held for the whole run
        try:
            import fcntl
        except ImportError:  # not on this platform: no locking
            return
        try:
            fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._fh.close()
            self._fh = None
            raise SikkerByError(f"År {self.year} bygges allerede af en anden kørsel (lås: {self.path}).") from None

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()  # closing releases the lock
            self._fh = None


def clean_stale(out_dir: Path, year: int, log: RunLog) -> None:
    """Remove build folders of killed runs, finish an interrupted swap, keep the newest failed builds.

    Called with the year's lock held, so no other run is using these folders.
    """
    final = out_dir / str(year)
    for old in sorted(out_dir.glob(f".{year}.old-*")):
        if not final.exists():
            os.rename(old, final)
            log(f"Genskabte {final} fra en afbrudt udskiftning ({old.name})", year)
        else:
            shutil.rmtree(old, ignore_errors=True)
    for build in out_dir.glob(f".{year}.build-*"):
        shutil.rmtree(build, ignore_errors=True)
        log(f"Fjernede efterladt byggemappe {build.name}", year)
    failed = sorted(out_dir.glob(f".{year}.failed-*"), reverse=True)
    for stale in failed[KEEP_FAILED:]:
        shutil.rmtree(stale, ignore_errors=True)


def _rename_exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def swap_in(build: Path, final: Path) -> None:
    """Make ``build`` the new ``final``; the old ``final`` is deleted only afterwards.

    Atomic where the OS can exchange two directories; elsewhere two renames, and
    a crash between them is repaired by :func:`clean_stale` on the next run.
    """
    if final.exists() and _rename_exchange(build, final):
        shutil.rmtree(build, ignore_errors=True)  # now holds the old publication
        return
    if final.exists():
        old = final.with_name(f".{final.name}.old-{secrets.token_hex(4)}")
        os.rename(final, old)
        os.rename(build, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(build, final)


# --- the run's own temporary folder, and the snapshot of the inputs -----------------------------------

RUN_FOLDER_PREFIX = "sikkerby-run-"
_STALE_UNLOCKED_SECONDS = 3600  # a run folder without a lock file is left for an hour (being created)


def _try_lock(path: Path):
    """An exclusive, non-blocking advisory lock on ``path``: the open file, or ``None`` when another
    process holds it (or the lock cannot be taken)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on this platform
        return None
    try:
        handle = open(path, "a+")  # noqa: SIM115 - held while the lock is
    except OSError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def remove_stale_run_folders(base: Path) -> list[Path]:
    """Remove the run folders in ``base`` that no running ``sikkerby run`` holds (their lock is free):
    left by runs killed with SIGKILL. Returns the folders removed."""
    removed = []
    try:
        candidates = sorted(base.glob(RUN_FOLDER_PREFIX + "*"))
    except OSError:
        return removed
    for folder in candidates:
        lock_path = folder / ".lock"
        try:
            if not folder.is_dir() or folder.is_symlink():
                continue
            if not lock_path.exists():
                if time.time() - folder.stat().st_mtime < _STALE_UNLOCKED_SECONDS:
                    continue
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
                continue
        except OSError:
            continue
        handle = _try_lock(lock_path)
        if handle is None:
            continue  # a live run
        try:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        finally:
            handle.close()
    return removed


class RunFolder:
    """The run's temporary folder ``<tmp>/sikkerby-run-<random>/``: the snapshot of the inputs
    (``inputs/``) and every temporary file of the run (``tmp/``: this process's ``tempfile`` folder, and
    ``TMPDIR`` of the kernels and tools it starts). Held by a lock while the run lives; removed by
    :meth:`close`, or by the next run's :func:`remove_stale_run_folders` after a SIGKILL."""

    def __init__(self):
        base = Path(tempfile.gettempdir())
        self.removed = remove_stale_run_folders(base)
        self.path = Path(tempfile.mkdtemp(prefix=RUN_FOLDER_PREFIX, dir=base))
        self._lock = _try_lock(self.path / ".lock")
        self.tmp = self.path / "tmp"
        self.tmp.mkdir()
        self._saved = (tempfile.tempdir, os.environ.get("TMPDIR"))
        tempfile.tempdir = str(self.tmp)
        os.environ["TMPDIR"] = str(self.tmp)

    def close(self) -> None:
        previous_tempdir, previous_env = self._saved
        tempfile.tempdir = previous_tempdir
        if previous_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = previous_env
        shutil.rmtree(self.path, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def input_candidates(folder: Path) -> list[Path]:
    """The files of ``folder`` that validation may read or name: every regular file whose base name is
    one of the contract's inputs, in any case and with any suffix (``Lukninger.CSV``, ``lukninger.xls``)."""
    from sikkerby.inputs.contract import INPUT_FILES

    names = {f.name for f in INPUT_FILES}
    return sorted(p for p in folder.iterdir() if p.stem.lower() in names and p.is_file())


def snapshot_inputs(folder: Path, target: Path, chunk: int = 1 << 20) -> dict[str, str]:
    """Copy the inputs of ``folder`` into ``target`` (made here), hashing each as it is copied:
    ``{file name: SHA-256 of the copy}``. A file that cannot be read is an :class:`InputError`."""
    target.mkdir()
    hashes: dict[str, str] = {}
    problems = []
    from sikkerby.inputs.readers import read_error_text

    for path in input_candidates(folder):
        digest = hashlib.sha256()
        try:
            source = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            problems.append(Problem(path.name, None, None, f"filen kan ikke åbnes ({read_error_text(exc)})"))
            continue
        with source:
            try:
                copy = open(target / path.name, "xb")  # noqa: SIM115
            except OSError as exc:
                raise SikkerByError(f"Inddata kan ikke kopieres til kørslens mappe {target}: {error_text(exc)}. "
                                    "Publikationen er ikke ændret.") from None
            with copy:
                while True:
                    try:
                        block = source.read(chunk)
                    except OSError as exc:
                        problems.append(Problem(path.name, None, None,
                                                f"filen kan ikke læses ({read_error_text(exc)})"))
                        break
                    if not block:
                        hashes[path.name] = digest.hexdigest()
                        break
                    digest.update(block)
                    try:
                        copy.write(block)
                    except OSError as exc:
                        raise SikkerByError(f"Inddata kan ikke kopieres til kørslens mappe {target}: "
                                            f"{error_text(exc)}. Publikationen er ikke ændret.") from None
    if problems:
        raise InputError(problems)
    return hashes
