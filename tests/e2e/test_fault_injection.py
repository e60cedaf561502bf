"""Faults during ``sikkerby run``: the last good publication survives, and the next run works.

Every run here is the real command in its own process, on the bundled sample
data, with the small fixture notebooks (tests/notebooks_fixture) — the point is
the run's mechanics, not the chapters' content. The last good publication is a
real earlier run, and "intact" means byte for byte: every file and folder under
``<out>/2017/`` has the same SHA-256 before and after.

Signals are sent at a known moment, not after a guessed sleep: one chapter has
an extra cell that writes a marker file (with its kernel's pid) and then waits
until a release file exists. The test waits for the marker, then signals.
"""

from __future__ import annotations

import io
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from run_helpers import (
    FIXTURE_NOTEBOOKS,
    WAIT_FOR_RELEASE,
    kernels_of_this_process,
    notebooks_with_cell,
    run_sikkerby,
    sikkerby_command,
    tree_digest,
    wait_for_notebook,
)

from sikkerby.config.paths import PROJECT_DIR

pytestmark = pytest.mark.slow

WAIT_CELL = "#| include: false\n" + WAIT_FOR_RELEASE


@pytest.fixture(scope="module")
def waiting_notebooks(tmp_path_factory) -> Path:
    """The fixture notebooks; 01_tryghed.ipynb waits (cell 3) while a test holds it."""
    return notebooks_with_cell(tmp_path_factory.mktemp("nb") / "notebooks", WAIT_CELL)


@pytest.fixture(scope="module")
def last_good(tmp_path_factory, waiting_notebooks) -> Path:
    """An output folder holding a complete publication for 2017, made by a normal run."""
    root = tmp_path_factory.mktemp("last-good")
    release = root / "release"
    release.touch()
    out = root / "out"
    done = run_sikkerby("run", "--year", "2017", "--out", out, "--quiet",
                        env=_env(waiting_notebooks, root / "started", release))
    assert done.returncode == 0, done.stderr
    return out


def _env(notebooks: Path, started: Path, release: Path) -> dict:
    return {"SIKKERBY_NOTEBOOKS": str(notebooks), "SIKKERBY_TEST_STARTED": str(started),
            "SIKKERBY_TEST_RELEASE": str(release)}


def _copy(last_good: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    out = tmp_path / "out"
    shutil.copytree(last_good, out)
    return out, tree_digest(out / "2017")


def _gone(pid: int, limit: float = 60.0) -> bool:
    """True once ``pid`` has ended (a zombie counts as ended)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.1)
    return False


def _kill_if_alive(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _next_run_succeeds(out: Path, env: dict, release: Path) -> None:
    """The run after a fault builds and publishes 2017 again and leaves no build folder behind."""
    release.touch()
    done = run_sikkerby("run", "--year", "2017", "--out", out, "--force", env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "publikationen er klar" in done.stderr
    manifest = json.loads((out / "2017" / "manifest.json").read_text(encoding="utf-8"))
    for name in manifest["outputs"]:
        assert (out / "2017" / name).is_file(), name
    assert not list(out.glob(".2017.build-*")) and not list(out.glob(".2017.old-*"))


def _interrupted_run(tmp_path: Path, waiting_notebooks: Path, out: Path, send) -> tuple[subprocess.Popen, int, str]:
    """Start a forced run, wait until 01_tryghed.ipynb is executing, then call ``send(proc)``."""
    started, release = tmp_path / "started", tmp_path / "release"
    env = {**os.environ, **_env(waiting_notebooks, started, release)}
    proc = subprocess.Popen(sikkerby_command("run", "--year", "2017", "--out", out, "--force"), cwd=PROJECT_DIR,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    kernel = wait_for_notebook(started, proc)
    try:
        send(proc)
        stdout, stderr = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc, kernel, stdout + stderr


def test_ctrl_c_during_a_notebook_keeps_the_last_good_publication(last_good, waiting_notebooks, tmp_path):
    out, before = _copy(last_good, tmp_path)
    proc, kernel, printed = _interrupted_run(tmp_path, waiting_notebooks, out, lambda p: p.send_signal(signal.SIGINT))
    try:
        assert proc.returncode == 130, printed
        assert "Traceback" not in printed
        assert "afbrudt (Ctrl-C)" in printed and "IKKE opdateret" in printed
        assert tree_digest(out / "2017") == before
        assert not list(out.glob(".2017.build-*"))
        assert len(list(out.glob(".2017.failed-*"))) == 1  # kept for diagnosis
        assert _gone(kernel), "the interrupted notebook's kernel is still running"
    finally:
        _kill_if_alive(kernel)
    _next_run_succeeds(out, _env(waiting_notebooks, tmp_path / "started-2", tmp_path / "release"),
                       tmp_path / "release")


def test_sigkill_during_a_notebook_keeps_the_last_good_publication(last_good, waiting_notebooks, tmp_path):
    out, before = _copy(last_good, tmp_path)
    proc, kernel, printed = _interrupted_run(tmp_path, waiting_notebooks, out, lambda p: p.kill())
    try:
        assert proc.returncode == -signal.SIGKILL
        assert tree_digest(out / "2017") == before
        [left] = out.glob(".2017.build-*")  # nobody could clean up: the next run must
        # the orphaned kernel notices that its parent died and ends (ipykernel's parent poller)
        assert _gone(kernel), "the killed run's kernel is still running"
    finally:
        _kill_if_alive(kernel)
    _next_run_succeeds(out, _env(waiting_notebooks, tmp_path / "started-2", tmp_path / "release"),
                       tmp_path / "release")
    assert not left.exists()
    log = (out / "2017" / "run.log").read_text(encoding="utf-8")
    assert f"Fjernede efterladt byggemappe {left.name}" in log


def test_a_notebook_failing_midway_is_named_with_its_cell(last_good, tmp_path):
    out, before = _copy(last_good, tmp_path)
    notebooks = notebooks_with_cell(tmp_path / "notebooks", "#| label: andel\nnaevner = 0\nandel = 7 / naevner",
                                    index=4)
    done = run_sikkerby("run", "--year", "2017", "--out", out, "--force",
                        env={"SIKKERBY_NOTEBOOKS": str(notebooks)})
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    [line] = [line for line in done.stderr.splitlines() if "01_tryghed.ipynb" in line and "Fejl" in line]
    assert "celle 4" in line and "«naevner = 0»" in line and "ZeroDivisionError" in line
    assert tree_digest(out / "2017") == before
    assert "2017: publikationen blev IKKE opdateret" in done.stderr


@pytest.mark.parametrize("where", ["a file", "below a file"])
def test_output_folder_that_is_a_file_gives_a_danish_message(tmp_path, where):
    blocker = tmp_path / "outputs"
    blocker.write_text("ikke en mappe", encoding="utf-8")
    out = blocker if where == "a file" else blocker / "sikkerby"
    done = run_sikkerby("run", "--year", "2017", "--out", out, env={"SIKKERBY_NOTEBOOKS": str(FIXTURE_NOTEBOOKS)})
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "kan ikke bruges" in done.stderr
    assert ("der ligger allerede en fil med det navn" if where == "a file"
            else "en del af stien er en fil, ikke en mappe") in done.stderr
    assert blocker.read_text(encoding="utf-8") == "ikke en mappe"
    assert "Kører" not in done.stderr  # stopped before any notebook


def _limit_file_size(size: int):
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing
    return limit


@pytest.mark.parametrize("limit, failing", [
    (2_000, "CSV-filerne kunne ikke skrives"),  # the CSVs and executed notebooks are larger
    (20_000, "PDF'en kunne ikke laves"),  # pages and notebooks fit; the fixture's PDF is ~50 kB
])
def test_full_disk_keeps_the_last_good_publication(last_good, waiting_notebooks, tmp_path, limit, failing):
    out, before = _copy(last_good, tmp_path)
    release = tmp_path / "release"
    release.touch()
    env = _env(waiting_notebooks, tmp_path / "started", release)
    done = run_sikkerby("run", "--year", "2017", "--out", out, "--force", env=env,
                        preexec_fn=_limit_file_size(limit))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert f"{failing}: filen kan ikke blive større – disken eller kvoten er fuld" in done.stderr
    assert "2017: publikationen blev IKKE opdateret" in done.stderr
    assert tree_digest(out / "2017") == before
    assert not list(out.glob(".2017.build-*"))


# --- the same with a real read-only or full file system (needs a private mount namespace) -----------------

NAMESPACE_SCRIPT = """\
import json, shutil, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from run_helpers import run_sikkerby, tree_digest
last_good, out = {last_good!r}, {out!r}
{prepare}
before = tree_digest(Path(out, "2017"))
done = run_sikkerby("run", "--year", "2017", "--out", out, "--force", env={env!r})
print(json.dumps({{"rc": done.returncode, "stderr": done.stderr, "stdout": done.stdout, "before": before,
                  "after": tree_digest(Path(out, "2017"))}}))
"""


def _run_in_mount_namespace(shell: str, last_good: Path, out: Path, waiting_notebooks: Path, tmp_path: Path,
                            prepare: str = "") -> dict:
    """:data:`NAMESPACE_SCRIPT` (a run into ``out`` whose notebooks are released at once) after ``shell``."""
    release = tmp_path / "release"
    release.touch()
    script = NAMESPACE_SCRIPT.format(tests=str(Path(__file__).parents[1]), last_good=str(last_good), out=str(out),
                                     prepare=prepare, env=_env(waiting_notebooks, tmp_path / "started", release))
    return _in_mount_namespace(shell, script)


def _in_mount_namespace(shell: str, script: str) -> dict:
    """Run ``shell`` (mounts) then ``script`` in a private mount namespace; skip where that is not allowed."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare is not installed")
    probe = subprocess.run([unshare, "-m", "sh", "-c", "mount -t tmpfs -o size=4k tmpfs /mnt"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"no private mount namespace here: {probe.stderr.strip()}")
    done = subprocess.run([unshare, "-m", "sh", "-c", f'{shell} && exec "$0" -c "$1"', sys.executable, script],
                          capture_output=True, text=True, encoding="utf-8", timeout=600, cwd=PROJECT_DIR)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_read_only_output_folder_gives_a_danish_message(last_good, waiting_notebooks, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(last_good, out)
    result = _run_in_mount_namespace(f"mount --bind {out} {out} && mount -o remount,bind,ro {out}",
                                     last_good, out, waiting_notebooks, tmp_path)
    assert result["rc"] == 1
    assert "Traceback" not in result["stderr"] + result["stdout"]
    assert "kan ikke bruges: filsystemet er skrivebeskyttet" in result["stderr"]
    assert result["after"] == result["before"] == tree_digest(last_good / "2017")


def test_full_tmpfs_keeps_the_last_good_publication(last_good, waiting_notebooks, tmp_path):
    """A real 'no space left on device': the output folder is a tmpfs with room for little more than the old one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    out = mount / "out"
    pages = sum(-(-p.stat().st_size // 4096) for p in last_good.rglob("*") if p.is_file())
    # room for the old publication and 48 kB more: the new one (a ~50 kB PDF alone) cannot fit
    result = _run_in_mount_namespace(f"mount -t tmpfs -o size={pages * 4096 + 48 * 1024} tmpfs {mount}",
                                     last_good, out, waiting_notebooks, tmp_path,
                                     prepare="shutil.copytree(last_good, out)")
    assert result["rc"] == 1
    assert "Traceback" not in result["stderr"] + result["stdout"]
    assert "der er ikke mere plads på disken" in result["stderr"]
    assert result["after"] == result["before"] == tree_digest(last_good / "2017")


def test_ctrl_c_after_validation_before_any_notebook_leaves_no_build_folder(tmp_path, monkeypatch):
    """An interrupt between validation and the first notebook (here: while papermill is imported)
    stops the run with nothing left behind: no build folder, no kernel."""
    from sikkerby.publish import execute
    from sikkerby.publish.run import run_years

    def interrupted() -> None:
        raise KeyboardInterrupt()

    monkeypatch.setattr(execute, "prepare_execution", interrupted)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_years([2017], out_dir=out, notebooks_dir=FIXTURE_NOTEBOOKS, quiet=True, renderer="offline",
                  params_dir=PROJECT_DIR / "tests" / "programmes" / "sikker-by-2014-2017")
    assert sorted(p.name for p in out.iterdir()) == [".2017.lock", ".sikkerby-cache"]  # no build, no year
    assert kernels_of_this_process() == []


def test_a_sigterm_a_library_swallowed_still_stops_the_run_with_143(tmp_path, monkeypatch):
    """The handler notes the signal before it raises; when the exception is swallowed (a library
    call, a finalizer), the run stops by the note, with SIGTERM's exit status, not Ctrl-C's."""
    from sikkerby.publish import interruption, run as run_module

    record = run_module._Run.record
    swallowed = []

    def record_after_a_swallowed_sigterm(self, result):
        if not swallowed:
            try:
                interruption.on_sigterm(signal.SIGTERM, None)
            except KeyboardInterrupt as exc:  # what a careless library does
                swallowed.append(exc)
        return record(self, result)

    monkeypatch.setattr(run_module._Run, "record", record_after_a_swallowed_sigterm)
    out = tmp_path / "out"
    code = run_module.run_years([2017], out_dir=out, notebooks_dir=FIXTURE_NOTEBOOKS, quiet=True, jobs=1,
                                renderer="offline",
                                params_dir=PROJECT_DIR / "tests" / "programmes" / "sikker-by-2014-2017")
    assert swallowed and code == 143
    assert not (out / "2017").exists()  # nothing published
    assert kernels_of_this_process() == []


def test_ctrl_c_during_a_swap_that_fails_still_ends_the_run_with_130(tmp_path, monkeypatch):
    """A signal during the publication's swap is held (noted) until the swap is done; when the swap
    fails instead, the run reports the swap's error and still ends with the signal's status."""
    from sikkerby.publish import interruption, run as run_module

    def swap_interrupted_then_failing(build, final):
        interruption.on_sigint(signal.SIGINT, None)  # held: only noted
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(run_module, "swap_in", swap_interrupted_then_failing)
    out = tmp_path / "out"
    stream = io.StringIO()
    code = run_module.run_years([2017], out_dir=out, notebooks_dir=FIXTURE_NOTEBOOKS, quiet=True, jobs=1,
                                renderer="offline", stream=stream,
                                params_dir=PROJECT_DIR / "tests" / "programmes" / "sikker-by-2014-2017")
    assert code == 130, stream.getvalue()
    assert not interruption.INTERRUPTED.pending
    assert not (out / "2017").exists()
    failed = list(out.glob(".2017.failed-*"))
    assert len(failed) == 1 and "No space left on device" in (failed[0] / "run.log").read_text(encoding="utf-8")
    assert kernels_of_this_process() == []


def test_an_interrupt_a_library_swallowed_during_validation_stops_the_run_before_any_notebook(tmp_path, monkeypatch):
    """The run checks the note right after validation (where pandas reads the inputs): an interrupt
    swallowed there stops it before any notebook or publication, as one that got through does."""
    from sikkerby.publish import interruption, run as run_module

    validate = run_module._Run.validate
    swallowed = []

    def validate_and_swallow_an_interrupt(self):
        try:
            interruption.on_sigint(signal.SIGINT, None)
        except KeyboardInterrupt as exc:  # what a careless library does
            swallowed.append(exc)
        return validate(self)

    monkeypatch.setattr(run_module._Run, "validate", validate_and_swallow_an_interrupt)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_module.run_years([2017], out_dir=out, notebooks_dir=FIXTURE_NOTEBOOKS, quiet=True, renderer="offline",
                             params_dir=PROJECT_DIR / "tests" / "programmes" / "sikker-by-2014-2017")
    assert swallowed
    assert sorted(p.name for p in out.iterdir()) == [".sikkerby-cache"]  # stopped before the year's folders
    assert kernels_of_this_process() == []
