"""DATA.md §1 and §5 through the real command: every case of the corpus (tests/bad_inputs.py).

Each bad folder goes through ``sikkerby run --year 2017 --data <bad> --out <out>``,
called in this process through the command's entry point (:func:`sikkerby.cli.main`,
what the ``sikkerby`` script calls), and must

- exit with status 1 before any notebook executes (the notebooks folder is a
  fixture whose only notebook leaves a marker file when it runs);
- print one line per problem naming the file, the row, the column and the rule,
  and no Python traceback;
- never print a CPR number, in any spelling (:func:`sikkerby.errors.mask_cpr_text`
  finds none in the output), nor the case's own numbers as found or without separators;
- leave ``<out>`` exactly as it was: a last good publication in ``<out>/2017/``
  (pages, CSVs, PDF, nested notebooks) byte for byte, and nothing added beside it.

Every accepted folder (``ACCEPTED``: plausibility beyond the contract, or what
older versions refused or misread) goes through ``sikkerby validate`` and must say
OK with exit 0, with exactly its warnings, and read the values right.

A sample of cases runs as a separate process too, as a user starts the command.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from bad_inputs import ACCEPTED, CORPUS, AcceptedInput, BadInput
from factories import PROGRAMME_2014_2017
from run_helpers import run_sikkerby, tree_digest, write_last_good_publication

from sikkerby.cli import main
from sikkerby.config.paths import PROJECT_DIR
from sikkerby.errors import mask_cpr_text

SUBPROCESS_SAMPLE = ("activities-navn-cpr-space", "gang-log-excel-cell-at-XFD1048576",
                     "activities-stray-quote-swallows-a-row", "closures-end-before-start")


def marker_notebooks(folder: Path) -> Path:
    """A notebooks folder whose one chapter leaves ``executed-<data folder name>`` behind when it runs."""
    folder.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_raw_cell("---\ntitle: Markør\n---"),
        nbformat.v4.new_code_cell('aar = 2017\ndata_dir = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("from pathlib import Path\n"
                                  "Path('executed-' + Path(data_dir).name).write_text(str(aar))"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "00_forside.ipynb")
    return folder


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str
    before: dict[str, str]
    after: dict[str, str]
    executed: bool

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_in_process(*args, env: dict | None = None) -> tuple[int, str, str]:
    """``sikkerby <args>`` through :func:`sikkerby.cli.main` in this process: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as exc:  # argparse
                code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def corpus_results(tmp_path_factory) -> dict[str, CliResult]:
    """Every case through the command's entry point, one after another; results by case id."""
    root = tmp_path_factory.mktemp("corpus")
    good = write_last_good_publication(root / "last-good")
    notebooks = marker_notebooks(root / "notebooks")
    results = {}
    for case in CORPUS:
        data, out = root / "data" / case.id, root / "out" / case.id
        case.build(data)
        shutil.copytree(good, out)
        before = tree_digest(out)
        code, stdout, stderr = run_in_process("run", "--year", "2017", "--data", data, "--out", out,
                                              "--params", PROGRAMME_2014_2017,
                                              env={"SIKKERBY_NOTEBOOKS": str(notebooks)})
        executed = (notebooks / f"executed-{case.id}").exists()
        results[case.id] = CliResult(code, stdout, stderr, before, tree_digest(out), executed)
    assert not list(notebooks.glob("executed-*")), "a notebook executed for bad input"
    return results


def test_the_corpus_covers_every_input_and_kind_of_problem():
    assert len(CORPUS) >= 110 and len(ACCEPTED) >= 14
    assert len({c.id for c in CORPUS} | {c.id for c in ACCEPTED}) == len(CORPUS) + len(ACCEPTED)
    inputs = {case.file.rsplit(".", 1)[0] for case in CORPUS}
    assert inputs == {"tryghedsundersoegelse", "tryghedsindeks", "lukninger", "sigtelser", "bandelog",
                      "aktiviteter", "succeskriterier"}
    for name in inputs:
        rules = " ".join(c.rule for c in CORPUS if c.file.startswith(name + "."))
        assert "CPR-nummer" in rules or "personoplysninger" in rules, name
        assert "skal være" in rules, name  # type, range or vocabulary
    kinds = ("kolonnen mangler", "personoplysninger", "CPR-nummer", "skal være et helt tal", "skal være et tal",
             "skal være en gyldig dato", "ja/nej", "skal være mellem", "skal være mindst", "større end 0",
             "entydig", "skal være en af:", "programmets bydele", "må ikke være tom", "slutdato skal",
             "sigtede må ikke", "baseline skal være den samme", "maal skal være den samme", "lig baseline",
             "retning skal passe", "findes ikke i", "filen er tom", "filen mangler", "ingen datarækker",
             "blandede tegnsæt", "hverken læses som UTF-8", "andet antal felter", "skal stå i række 1",
             "Excel-fil", "mere end én gang", "NUL-tegn", "flere filer",
             # reliability round 2
             "uden for tabellen", "pakket usædvanligt tæt", "cellen er for lang", "formel uden gemt resultat",
             "Excel-fejl", "året skal ligge mellem", "kan læses på to måder", "anførselstegn", "for mange kolonner")
    for kind in kinds:
        assert any(kind in case.rule for case in CORPUS), kind
    cpr_columns = {(c.file.rsplit(".", 1)[0], c.column) for c in CORPUS if "CPR-nummer" in c.rule}
    for free_text in (("aktiviteter", "navn"), ("lukninger", "aarsag"), ("succeskriterier", "beskrivelse"),
                      ("tryghedsindeks", "omraade"), ("bandelog", "omraade")):
        assert free_text in cpr_columns, free_text
    secrets = [s for case in CORPUS for s in case.secrets]
    assert any("-" in s for s in secrets) and any(re.fullmatch(r"\d{10}", s) for s in secrets)
    for spelling in (" ", "\u2013", "\u2011", "\u00a0", "\u2212", " - ", "."):  # docs/reliability.md's list
        assert any(re.fullmatch(r"[\d .\-\u2013\u2011\u00a0\u2212]+", s) and spelling in s for s in secrets), spelling


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.id)
def test_bad_input_is_refused_before_any_notebook_and_nothing_is_lost(case, corpus_results):
    result = corpus_results[case.id]
    assert result.returncode == 1, result.output
    assert "Traceback" not in result.output
    assert re.search(r"^Inddata er ikke i orden: \d+ problem\(er\)\.$", result.stderr, re.M), result.stderr
    line = case.expected_line(result.stderr)
    assert line is not None, f"expected a line starting {case.location!r} with {case.rule!r}:\n{result.stderr}"
    assert not result.executed and "Kører" not in result.output
    assert result.after == result.before  # the last good publication byte for byte, nothing added
    for secret in case.secrets:
        assert secret not in result.output
        assert re.sub(r"\D", "", secret) not in re.sub(r"\D", "", result.output.replace("\n", " "))
    assert mask_cpr_text(result.output) == result.output  # no CPR number in any spelling


@pytest.mark.parametrize("case", ACCEPTED, ids=lambda case: case.id)
def test_what_the_contract_allows_passes_with_its_warnings(case: AcceptedInput, tmp_path):
    from sikkerby.config.programme import load_programme
    from sikkerby.inputs.dataset import load_dataset

    case.build(tmp_path / "data")
    code, stdout, stderr = run_in_process("validate", "--data", tmp_path / "data", "--params", PROGRAMME_2014_2017)
    assert (code, stdout) == (0, "OK\n"), stderr
    warnings = [line for line in stderr.splitlines() if line.startswith("Advarsel: ")]
    assert len(warnings) == len(case.expected) and len(stderr.splitlines()) == len(warnings), stderr
    for file, row, column, rule in case.expected:
        start = AcceptedInput.line_start(file, row, column)
        assert any(line.startswith(start) and rule in line for line in warnings), (start, rule, stderr)
    if case.check is not None:
        dataset = load_dataset(tmp_path / "data", load_programme(PROGRAMME_2014_2017))
        assert case.check(dataset)


@pytest.mark.slow
@pytest.mark.parametrize("case_id", SUBPROCESS_SAMPLE)
def test_a_sample_of_the_corpus_as_a_user_starts_it(case_id, tmp_path):
    """The same cases as a separate process (``python -m sikkerby``): the same exit status and message."""
    case: BadInput = next(c for c in CORPUS if c.id == case_id)
    case.build(tmp_path / "data")
    out = write_last_good_publication(tmp_path / "out")
    before = tree_digest(out)
    notebooks = marker_notebooks(tmp_path / "notebooks")
    done = run_sikkerby("run", "--year", "2017", "--data", tmp_path / "data", "--out", out,
                        "--params", PROGRAMME_2014_2017, env={"SIKKERBY_NOTEBOOKS": str(notebooks)})
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert case.expected_line(done.stderr), done.stderr
    assert tree_digest(out) == before and not list(notebooks.glob("executed-*"))
    assert mask_cpr_text(done.stdout + done.stderr) == done.stdout + done.stderr


@pytest.mark.slow
def test_the_marker_notebook_does_leave_its_mark_on_good_input(tmp_path):
    """The control for ``executed``: on a valid folder the same notebook runs and leaves its marker."""
    from factories import write_folder

    notebooks = marker_notebooks(tmp_path / "notebooks")
    data = write_folder(tmp_path / "good-data")
    done = run_sikkerby("run", "--year", "2017", "--data", data, "--out", tmp_path / "out", "--quiet",
                        "--params", PROGRAMME_2014_2017, env={"SIKKERBY_NOTEBOOKS": str(notebooks)})
    assert done.returncode == 0, done.stderr
    # the run works from its snapshot of the inputs: the notebook saw the copy's folder, named "inputs"
    assert (notebooks / "executed-inputs").read_text() == "2017"


def test_validation_fails_before_any_notebook_runs(tmp_path):
    """The run stops at validation: its kernels (started meanwhile) are stopped, no notebook ran, and
    neither papermill nor nbconvert nor matplotlib was imported in the run's process."""
    case = next(c for c in CORPUS if c.id == "closures-end-before-start")
    case.build(tmp_path / "data")
    code = ("import sys, psutil\n"
            "from sikkerby.cli import main\n"
            f"rc = main(['run', '--year', '2017', '--data', {str(tmp_path / 'data')!r}, "
            f"'--out', {str(tmp_path / 'out')!r}, '--params', {str(PROGRAMME_2014_2017)!r}])\n"
            "heavy = sorted(m for m in ('papermill', 'nbconvert', 'matplotlib') if m in sys.modules)\n"
            "kernels = [p for p in psutil.Process().children(recursive=True)\n"
            "           if p.status() != psutil.STATUS_ZOMBIE and 'ipykernel' in ' '.join(p.cmdline())]\n"
            "print(rc, heavy, len(kernels))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                          cwd=PROJECT_DIR, timeout=300, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert done.stdout.strip() == "1 [] 0", done.stdout + done.stderr
    assert case.expected_line(done.stderr)
    assert not (tmp_path / "out").exists()  # not even the output folder was made
    assert not list(tmp_path.glob("sikkerby-run-*"))  # the run's own temporary folder is gone
