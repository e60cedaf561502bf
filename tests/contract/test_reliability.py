"""Reliability round 2 (docs/reliability.md): what used to end in a traceback, a lost row or a misread number.

Most cases run the real command in this process through its entry point
(:func:`sikkerby.cli.main`); the permission cases start it as a separate process
without the capabilities that let root read any file (``setpriv``), so that a file
or folder without read access really cannot be read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from factories import PROGRAMME_2014_2017, valid_tables, with_changes, write_folder
from test_bad_input_corpus import run_in_process

from sikkerby.config.paths import PROJECT_DIR
from sikkerby.errors import CPR_MASK, Problem, mask_cpr_text

P = ("--params", PROGRAMME_2014_2017)


def no_traceback(*texts: str) -> bool:
    return not any("Traceback" in t for t in texts)


# ----------------------------------------------------------------- paths the command is pointed at

def test_a_symlink_loop_as_data_folder(tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    for args in (("validate", "--data", loop, *P),
                 ("run", "--year", "2017", "--data", loop, "--out", tmp_path / "out", *P)):
        code, out, err = run_in_process(*args)
        assert code == 1 and no_traceback(out, err), err
        assert f"- {loop}: mappen med inddata kan ikke læses (stien er en løkke af symbolske links)" in err
    assert not (tmp_path / "out").exists()


def test_a_file_as_data_folder(tmp_path):
    (tmp_path / "data").write_text("x")
    code, out, err = run_in_process("validate", "--data", tmp_path / "data", *P)
    assert code == 1 and "stien er en fil, ikke en mappe med inddata" in err and no_traceback(out, err)


def test_proc_as_data_folder_names_every_missing_file(tmp_path):
    code, out, err = run_in_process("validate", "--data", "/proc", *P)
    assert code == 1 and no_traceback(out, err)
    assert err.count(": filen mangler: mappen skal indeholde") == 7, err


@pytest.mark.parametrize("out", ["/proc/sikkerby-ud", "/sys/sikkerby-ud"])
def test_an_output_folder_that_cannot_be_made(out, tmp_path):
    """/proc takes no new folder and /sys is mounted read-only: a Danish message, nothing published."""
    if Path(out).exists():
        pytest.skip(f"{out} exists here")
    data = write_folder(tmp_path / "data")
    code, stdout, err = run_in_process("run", "--year", "2017", "--data", data, "--out", out, *P)
    assert code == 1 and no_traceback(stdout, err), err
    assert f"Outputmappen {out} kan ikke bruges" in err and "Publikationen er ikke ændret" in err


def test_template_out_on_an_existing_file(tmp_path):
    target = tmp_path / "skabelon"
    target.write_text("noget andet")
    code, out, err = run_in_process("template", "--out", target)
    assert code == 1 and no_traceback(out, err)
    assert err.strip() == f"Fejl: der ligger allerede en fil med det navn ({target})."
    assert target.read_text() == "noget andet"


def test_template_out_on_a_read_only_file_system(tmp_path):
    if Path("/sys/sikkerby").exists():
        pytest.skip("/sys/sikkerby exists here")
    code, out, err = run_in_process("template", "--out", "/sys/sikkerby")
    assert code == 1 and no_traceback(out, err)
    assert err.startswith("Fejl: ") and "/sys/sikkerby" in err


def test_a_year_range_of_a_hundred_million_years_is_refused_not_built(tmp_path):
    code, out, err = run_in_process("run", "--year", "1-100000000", "--out", tmp_path / "out", *P)
    assert code == 1 and no_traceback(out, err)  # a usage error: a Danish message and exit 1
    assert "'1-100000000': et år skal ligge mellem 1900 og 2100" in err
    assert run_in_process("run", "--year", "2016-2018,2101", "--out", tmp_path / "out", *P)[0] == 1


def test_an_unexpected_error_is_a_danish_message_without_traceback(monkeypatch, tmp_path):
    import sikkerby.inputs.dataset as dataset

    def broken(*args, **kwargs):
        raise ZeroDivisionError("for tests: 120375-2211")

    monkeypatch.setattr(dataset, "load_dataset", broken)
    code, out, err = run_in_process("validate", "--data", write_folder(tmp_path / "d"), *P)
    assert code == 1 and no_traceback(out, err)
    assert err.startswith("Uventet fejl i sikkerby (ZeroDivisionError: for tests: ******-****)")
    assert "120375" not in err  # even an exception's own text is masked
    monkeypatch.setenv("SIKKERBY_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        run_in_process("validate", "--data", tmp_path / "d", *P)


def test_a_memory_error_is_a_danish_message(monkeypatch, tmp_path):
    import sikkerby.inputs.dataset as dataset

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(dataset, "load_dataset", exhausted)
    code, out, err = run_in_process("validate", "--data", write_folder(tmp_path / "d"), *P)
    assert (code, err.strip()) == (1, "Der var ikke hukommelse nok til opgaven; intet er ændret.")


# ----------------------------------------------------------------- files that cannot be read

def _unprivileged(*args: str) -> subprocess.CompletedProcess:
    """``python -m sikkerby <args>`` as a process that cannot read what its permissions forbid (root
    without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: the tests may run as root)."""
    prefix = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root without setpriv: file permissions cannot be made to apply")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    return subprocess.run([*prefix, sys.executable, "-m", "sikkerby", *map(str, args)], capture_output=True,
                          text=True, encoding="utf-8", cwd=PROJECT_DIR, timeout=300)


@pytest.mark.parametrize("command", ["validate", "run"])
def test_an_input_file_without_read_access(command, tmp_path):
    data = write_folder(tmp_path / "data")
    (data / "lukninger.csv").chmod(0)
    try:
        args = ["--data", data, *P] if command == "validate" else ["--year", "2017", "--data", data, "--out",
                                                                  tmp_path / "out", *P]
        done = _unprivileged(command, *args)
    finally:
        (data / "lukninger.csv").chmod(0o644)
    assert done.returncode == 1 and no_traceback(done.stdout, done.stderr), done.stderr
    assert "- lukninger.csv: filen kan ikke åbnes (der er ikke adgang til at læse den)" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_data_folder_without_read_access(command, tmp_path):
    data = write_folder(tmp_path / "data")
    data.chmod(0)
    try:
        args = ["--data", data, *P] if command == "validate" else ["--year", "2017", "--data", data, "--out",
                                                                  tmp_path / "out", *P]
        done = _unprivileged(command, *args)
    finally:
        data.chmod(0o755)
    assert done.returncode == 1 and no_traceback(done.stdout, done.stderr), done.stderr
    assert f"- {data}: mappen med inddata kan ikke læses (der er ikke adgang til at læse den)" in done.stderr


# ----------------------------------------------------------------- CPR numbers, in any spelling

SPELLINGS = ["120375-2211", "1203752211", "120375 2211", "120375\u20132211", "120375\u20142211",
             "120375\u20112211", "120375\u22122211", "120375\u00a02211", "120375\u202f2211", "120375 - 2211",
             "12.03.75-2211", "12.03.752211", "12-03-75-2211", "12/03/75 2211", "12 03 75 2211"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_is_refused_masked_and_never_printed(spelling, tmp_path):
    from sikkerby.inputs.personal_data import cpr_cells, mask_cpr

    assert cpr_cells(pd.Series([f"Elev {spelling} truede"], dtype=object)).tolist() == [True]
    assert mask_cpr(pd.Series([f"Elev {spelling} truede"], dtype=object))[0] in (
        f"Elev {CPR_MASK} truede", "Elev ********** truede")
    assert mask_cpr_text(f"x {spelling} y") != f"x {spelling} y"
    write_folder(tmp_path, with_changes(valid_tables(), "lukninger", 1, aarsag=f"Elev {spelling} truede"))
    code, out, err = run_in_process("validate", "--data", tmp_path, *P)
    assert code == 1
    assert "- lukninger.csv, række 3, kolonne 'aarsag': cellen ser ud til at indeholde et CPR-nummer" in err
    assert spelling not in err and "2211" not in err and "120375" not in err


@pytest.mark.parametrize("text", ["2016-03-18", "18.03.2016", "1234567890", "0.0101901234", "2011-100000",
                                  "tlf. 33 66 33 66", "12.03.2017 1234", "kl. 12.30-14.15"])
def test_what_is_not_a_cpr_number_is_left_alone(text):
    from sikkerby.inputs.personal_data import cpr_cells

    assert cpr_cells(pd.Series([text], dtype=object)).tolist() == [False]
    assert mask_cpr_text(text) == text


def test_a_column_at_letters_CPR_is_not_a_personal_data_column():
    from sikkerby.inputs.personal_data import screen

    cells = pd.DataFrame({"navn": ["a"], "(kolonne CPR)": ["note"], "cpr_nr": [""]}, index=[2], dtype=object)
    problems, _, _ = screen(cells, "aktiviteter.xlsx", names=["navn", "", "cpr_nr"])
    assert [(p.column, p.rule.split(" (")[0]) for p in problems] == [("cpr_nr", "kolonnenavnet tyder på personoplysninger")]


def test_input_error_lists_warnings_after_problems():
    from sikkerby.errors import InputError

    error = InputError([Problem("a.csv", 2, "x", "skal være et tal", "y")],
                       [Problem("b.csv", None, "z", "usædvanlig", warning=True)])
    assert str(error).splitlines() == ["Inddata er ikke i orden: 1 problem(er).",
                                       "- a.csv, række 2, kolonne 'x': skal være et tal (værdi: y)",
                                       "Desuden 1 advarsel/advarsler (stopper ikke kørslen):",
                                       "- Advarsel: b.csv, kolonne 'z': usædvanlig"]


# ----------------------------------------------------------------- published CSVs

def test_formula_like_text_is_neutralised_and_numbers_are_not():
    from sikkerby.publish.run import neutralise_formulas

    frame = pd.DataFrame({
        "navn": pd.Series(['=HYPERLINK("http://x","klik")', "+45 tlf", "-1.5", "@SUM(1)", "\tTab", "\rCR",
                           "Natteravne", "-", None], dtype="str"),
        "score": [-1.5, 2.0, -0.25, 1.0, 0.0, 3.0, 4.0, 5.0, 6.0],
    })
    out = neutralise_formulas(frame)
    assert out["navn"].tolist()[:8] == ["'=HYPERLINK(\"http://x\",\"klik\")", "'+45 tlf", "-1.5", "'@SUM(1)", "'\tTab",
                                        "'\rCR", "Natteravne", "'-"]
    assert pd.isna(out["navn"][8])
    assert out["score"].tolist() == frame["score"].tolist() and out["score"].dtype == "float64"
    assert out["navn"].dtype == frame["navn"].dtype
    assert neutralise_formulas(frame[["score"]]) is not None
    clean = pd.DataFrame({"navn": pd.Series(["a", "b"], dtype="str")})
    assert neutralise_formulas(clean) is clean  # nothing to change: the same frame, byte-identical CSV


# ----------------------------------------------------------------- the run's temporary folder

def test_stale_run_folders_are_removed_and_live_ones_kept(tmp_path):
    from sikkerby.publish.folders import RUN_FOLDER_PREFIX, _try_lock, remove_stale_run_folders

    stale = tmp_path / f"{RUN_FOLDER_PREFIX}killed"
    (stale / "tmp").mkdir(parents=True)
    (stale / ".lock").touch()
    (stale / "tmp" / "tmpabc.json").write_text("{}")  # a kernel's connection file
    live = tmp_path / f"{RUN_FOLDER_PREFIX}running"
    live.mkdir()
    held = _try_lock(live / ".lock")
    assert held is not None
    young = tmp_path / f"{RUN_FOLDER_PREFIX}being-made"  # no lock yet: left alone for an hour
    young.mkdir()
    other = tmp_path / "someone-elses"
    other.mkdir()
    try:
        assert remove_stale_run_folders(tmp_path) == [stale]
        assert not stale.exists() and live.exists() and young.exists() and other.exists()
    finally:
        held.close()
    assert remove_stale_run_folders(tmp_path) == [live]


def test_the_run_folder_holds_every_temporary_file_and_is_removed(tmp_path, monkeypatch):
    import tempfile

    from sikkerby.publish.folders import RunFolder

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.delenv("TMPDIR", raising=False)
    folder = RunFolder()
    try:
        assert folder.path.parent == tmp_path and folder.path.name.startswith("sikkerby-run-")
        assert tempfile.gettempdir() == str(folder.tmp) == os.environ["TMPDIR"]
        with tempfile.TemporaryDirectory(prefix="sikkerby-pdf-") as work:  # what the PDF renderer makes
            assert Path(work).parent == folder.tmp
        fd, name = tempfile.mkstemp(".json")  # where jupyter_client writes a kernel's connection file
        os.close(fd)
        assert Path(name).parent == folder.tmp
    finally:
        folder.close()
    assert not folder.path.exists()
    assert tempfile.gettempdir() == str(tmp_path) and "TMPDIR" not in os.environ


def test_the_snapshot_copies_and_hashes_the_inputs(tmp_path):
    import hashlib

    from sikkerby.publish.folders import snapshot_inputs

    data = write_folder(tmp_path / "data")
    (data / "Lukninger.CSV").write_bytes((data / "lukninger.csv").read_bytes())
    (data / "lukninger.csv").unlink()
    (data / "noter.txt").write_text("ikke inddata")
    hashes = snapshot_inputs(data, tmp_path / "copy")
    assert sorted(hashes) == sorted(["Lukninger.CSV", "aktiviteter.csv", "bandelog.csv", "sigtelser.csv",
                                     "succeskriterier.csv", "tryghedsindeks.csv", "tryghedsundersoegelse.csv"])
    for name, sha in hashes.items():
        assert hashlib.sha256((data / name).read_bytes()).hexdigest() == sha
        assert (tmp_path / "copy" / name).read_bytes() == (data / name).read_bytes()
    assert not (tmp_path / "copy" / "noter.txt").exists()
