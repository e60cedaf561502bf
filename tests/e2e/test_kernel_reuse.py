"""Kept kernels: each worker's kernel starts (and imports) while the run validates, then runs one
chapter after another, reset between them.

The run's promises: no notebook cell runs before validation has passed; a chapter cannot tell
whether it ran first in its kernel (the same outputs as in a fresh kernel; nothing a chapter
changed reaches the next); a failed chapter costs its kernel; no kernel outlives the run (also
when validation fails).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import nbformat
import pytest
from run_helpers import FIXTURE_NOTEBOOKS, kernels_of_this_process

from sikkerby.config.programme import load_programme
from sikkerby.errors import InputError
from sikkerby.publish import run as run_module
from sikkerby.publish.execute import warm_up_code
from sikkerby.publish.run import run_years


def test_warm_up_code_is_the_notebooks_imports_once_each_in_order():
    cells = [
        'aar = 2017\ndata_dir = ""',
        "#| include: false\nfrom sikkerby.report.chapter import open_chapter\nfrom sikkerby import display\n"
        "ch = open_chapter(aar, data_dir)",
        "import pandas as pd, numpy\nx = pd.Series([1])",
        "%matplotlib inline\nimport seaborn",  # not plain Python: skipped whole
        "from __future__ import annotations\nfrom sikkerby import display\nif True:\n    import json",
    ]
    assert warm_up_code(cells).splitlines() == [
        "from sikkerby.report.chapter import open_chapter",
        "from sikkerby import display",
        "import pandas as pd, numpy",
    ]


def test_warm_up_code_without_imports_is_empty():
    assert warm_up_code(["aar = 2017", "print(aar)"]) == ""


def _code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def _errors(path) -> list:
    return [o for c in _code_cells(path) for o in c.get("outputs", []) if o.get("output_type") == "error"]


@pytest.mark.slow
@pytest.mark.parametrize("large", [False, True], ids=["small-inputs", "large-inputs"])
def test_run_keeps_one_kernel_per_worker(tmp_path, monkeypatch, large):
    if large:  # the sample counts as large: the run lets go of the data and writes the CSVs later
        monkeypatch.setattr(run_module, "LARGE_INPUTS_FROM_BYTES", 0)
    stream = io.StringIO()
    out = tmp_path / "out"
    rc = run_years([2017], data_dir="", out_dir=out, notebooks_dir=FIXTURE_NOTEBOOKS, stream=stream, quiet=True,
                   jobs=2)
    assert rc == 0, stream.getvalue()
    log = (out / "2017" / "run.log").read_text(encoding="utf-8")
    assert "2 notebookkerner startet, mens inddata kopieres og valideres." in log
    assert "Could not destroy zmq context" not in log
    # two kernels for three chapters: each worker's first chapter in a kernel started early, the third
    # in a kernel that ran another chapter before it
    assert log.count("kører i en kerne, der blev startet i forvejen (start og import: ") == 2
    assert log.count("kører i samme kerne som ") == 1
    for name in ("00_forside.ipynb", "01_tryghed.ipynb", "02_kriminalitet.ipynb"):
        counts = [c.execution_count for c in _code_cells(out / "2017" / "notebooks" / name)]
        # neither the silent warm-up nor an earlier chapter is counted: the first cell is 1, as in a fresh kernel
        assert counts == list(range(1, len(counts) + 1)), (name, counts)
        assert not _errors(out / "2017" / "notebooks" / name)
    front = nbformat.read(out / "2017" / "notebooks" / "00_forside.ipynb", as_version=4)
    assert any("Statusåret er **2017**" in o.get("data", {}).get("text/markdown", "")
               for c in front.cells for o in c.get("outputs", []))
    assert kernels_of_this_process() == []
    # the CSVs are what the calculations give, whether written at once or read back after the first notebook
    from sikkerby.config.programme import load_programme
    from sikkerby.inputs.dataset import load_dataset
    from sikkerby.publish.render.tables import write_csv

    programme = load_programme()
    for name, frame in run_module.output_tables(load_dataset("", programme), programme, 2017).items():
        write_csv(frame, tmp_path / name)
        assert (tmp_path / name).read_bytes() == (out / "2017" / name).read_bytes(), name


@pytest.mark.slow
def test_bad_input_stops_the_kernels_and_writes_nothing(tmp_path):
    from factories import valid_tables, with_changes, write_folder

    data = write_folder(tmp_path / "data", with_changes(valid_tables(), "sigtelser", 0, sigtede=-3))
    out = tmp_path / "out"
    with pytest.raises(InputError) as raised:
        run_years([2017], data_dir=data, out_dir=out, notebooks_dir=FIXTURE_NOTEBOOKS, stream=io.StringIO(),
                  quiet=True)
    assert "sigtelser" in str(raised.value)
    assert not out.exists()
    assert kernels_of_this_process() == []


def _outputs(path) -> list:
    """Each code cell's execution count and outputs (papermill's timing metadata left out)."""
    return [(c.execution_count, c.get("outputs", [])) for c in _code_cells(path)]


@pytest.mark.slow
def test_every_chapter_is_as_in_a_fresh_kernel(tmp_path):
    """One worker runs the five chapters of the project's notebooks one after another in one kernel;
    each chapter, executed again alone in a fresh kernel, gives the same outputs, figures included."""
    from sikkerby.config.paths import notebooks_dir
    from sikkerby.publish.execute import NotebookJob, execute_one

    out = tmp_path / "out"
    stream = io.StringIO()
    assert run_years([2017], data_dir="", out_dir=out, stream=stream, quiet=True, jobs=1) == 0, stream.getvalue()
    manifest = json.loads((out / "2017" / "manifest.json").read_text(encoding="utf-8"))
    log = (out / "2017" / "run.log").read_text(encoding="utf-8")
    assert log.count("kører i samme kerne som ") == len(manifest["notebooks"]) - 1
    chapters = {c.name: c for c in run_module.discover_chapters(notebooks_dir(), load_programme().goal_areas)}
    for entry in manifest["notebooks"]:
        chapter = chapters[entry["file"]]
        alone = tmp_path / "alone" / chapter.name
        job = NotebookJob(2017, chapter, alone, manifest["parameters"] | dict(chapter.parameters), notebooks_dir())
        result = execute_one(job)
        assert result.ok, result.failure
        assert _outputs(alone) == _outputs(out / "2017" / "notebooks" / chapter.name), chapter.name


def _notebook(path, *sources: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def _runner_results(folder, names: list[str]) -> dict:
    """Run the notebooks ``names`` of ``folder`` in this order on one worker; their results by name."""
    from sikkerby.publish.execute import (
        NotebookJob,
        NotebookRunner,
        notebook_code_cells,
        warm_up_code,
    )
    from sikkerby.publish.render.chapters import Chapter

    paths = [folder / name for name in names]
    runner = NotebookRunner(1, warm_code=warm_up_code(notebook_code_cells(paths)))
    runner.start(1, folder)
    runner.submit([NotebookJob(2017, Chapter(source=path, title=path.stem, position=i, stem=path.stem),
                               folder / "out" / path.name, {}, folder) for i, path in enumerate(paths)])
    try:
        return {r.job.chapter.name: r for r in runner.results()}
    finally:
        runner.close()


@pytest.mark.slow
def test_what_a_chapter_changes_does_not_reach_the_next(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    _notebook(tmp_path / "a.ipynb",
              "import os, sys, warnings\nimport matplotlib, matplotlib.pyplot as plt\nimport pandas as pd",
              "left_behind = 42\n"
              "matplotlib.rcParams['lines.linewidth'] = 9.5\n"
              "pd.set_option('display.max_rows', 3)\n"
              "os.chdir('elsewhere')\n"
              "sys.path.insert(0, '/somewhere/else')\n"
              "os.environ['SIKKERBY_TEST_LEFT_BEHIND'] = '1'\n"
              "warnings.simplefilter('error')\n"
              "figure = plt.figure()")
    _notebook(tmp_path / "b.ipynb",
              "import os, sys, warnings\nimport matplotlib, matplotlib.pyplot as plt\nimport pandas as pd",
              "assert 'left_behind' not in globals()\n"
              "assert 'figure' not in globals()\n"
              "assert matplotlib.rcParams['lines.linewidth'] != 9.5\n"
              "assert pd.get_option('display.max_rows') != 3\n"
              f"assert os.getcwd() == {str(tmp_path)!r}\n"
              "assert '/somewhere/else' not in sys.path\n"
              "assert 'SIKKERBY_TEST_LEFT_BEHIND' not in os.environ\n"
              "assert plt.get_fignums() == []\n"
              "warnings.warn('only a warning')\n"
              "print('clean')")
    results = _runner_results(tmp_path, ["a.ipynb", "b.ipynb"])
    assert results["a.ipynb"].ok and results["b.ipynb"].ok, results["b.ipynb"].failure
    assert any(re.search(r"kører i samme kerne som \S*a\.ipynb, som dens kapitel nr\. 2 ", line)
               for line in results["b.ipynb"].log)
    counts = [c.execution_count for c in _code_cells(tmp_path / "out" / "b.ipynb")]
    assert counts == [1, 2]
    assert kernels_of_this_process() == []


@pytest.mark.slow
def test_a_failed_chapter_costs_its_kernel(tmp_path):
    _notebook(tmp_path / "a.ipynb", "import os\nstate = 'from a'", "raise ValueError('stop')")
    _notebook(tmp_path / "b.ipynb", "import os\nassert 'state' not in globals()\nprint(os.getpid())")
    results = _runner_results(tmp_path, ["a.ipynb", "b.ipynb"])
    assert not results["a.ipynb"].ok and results["a.ipynb"].failure.ename == "ValueError"
    assert results["b.ipynb"].ok, results["b.ipynb"].failure
    assert not any("samme kerne" in line for line in results["b.ipynb"].log)
    assert any("startet i forvejen" in line for line in results["b.ipynb"].log)
    assert kernels_of_this_process() == []


def test_a_kernel_kept_beyond_its_run_has_its_files_in_its_own_folder(tmp_path):
    """A preview's kernels outlive the run that started them, and that run's temporary folder: their
    connection files and TMPDIR are in the folder the runner was given (a connection file removed
    before the kernel read it would leave a kernel listening where no client talks to it)."""
    from jupyter_core.utils import run_sync

    from sikkerby.publish.execute import _run_silently, start_kept_kernel

    folder = tmp_path / "kernels"
    folder.mkdir()
    kernel = start_kept_kernel(tmp_path, "import tempfile", folder=folder)
    assert kernel is not None
    try:
        assert Path(kernel.km.connection_file).parent == folder
        run_sync(_run_silently)(kernel.km.client(), kernel.km,
                                "import tempfile\n"
                                f"assert tempfile.gettempdir() == {str(folder)!r}, tempfile.gettempdir()", 60)
    finally:
        kernel.close(now=True)
    assert not Path(kernel.km.connection_file).exists()  # removed with the kernel


@pytest.mark.slow
def test_kernels_keep_no_input_history(tmp_path):
    """IPython's SQLite input history is written after every cell and at every reset; the run's
    kernels, kept or started by papermill for one notebook, do without it."""
    from sikkerby.publish.execute import NotebookJob, execute_one
    from sikkerby.publish.render.chapters import Chapter

    check = "assert not get_ipython().history_manager.enabled, 'history on'\nIn[-1]"
    _notebook(tmp_path / "a.ipynb", "import os", check)
    results = _runner_results(tmp_path, ["a.ipynb"])
    assert results["a.ipynb"].ok, results["a.ipynb"].failure
    alone = tmp_path / "alone.ipynb"
    _notebook(alone, check)
    result = execute_one(NotebookJob(2017, Chapter(source=alone, title="alone", position=0, stem="alone"),
                                     tmp_path / "out" / "alone.ipynb", {}, tmp_path))
    assert result.ok, result.failure
    assert "In[-1]" in _code_cells(tmp_path / "out" / "alone.ipynb")[0].outputs[0]["data"]["text/plain"]
    assert kernels_of_this_process() == []
