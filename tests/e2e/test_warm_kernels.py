"""Warm kernels: for large inputs the first kernels start (and import) while the run validates.

The run's promise stays: no notebook cell runs before validation has passed, a
warm kernel leaves no trace in the executed notebook, and no kernel outlives the run
(also when validation fails).
"""

from __future__ import annotations

import io

import nbformat
import psutil
import pytest
from run_helpers import FIXTURE_NOTEBOOKS

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


def _is_running_kernel(process: psutil.Process) -> bool:
    """A live ipykernel; a process that has exited (a zombie not yet reaped, or gone) is none."""
    try:
        return process.status() != psutil.STATUS_ZOMBIE and any("ipykernel" in part for part in process.cmdline())
    except (psutil.ZombieProcess, psutil.NoSuchProcess):
        return False


def _kernels_of_this_process() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True) if _is_running_kernel(p)]


@pytest.mark.slow
def test_run_with_warm_kernels_publishes_the_same_notebooks(tmp_path, monkeypatch):
    monkeypatch.setattr(run_module, "WARM_KERNELS_FROM_BYTES", 0)  # the sample counts as large
    stream = io.StringIO()
    out = tmp_path / "out"
    rc = run_years([2017], data_dir="", out_dir=out, notebooks_dir=FIXTURE_NOTEBOOKS, stream=stream, quiet=True,
                   jobs=2)
    assert rc == 0, stream.getvalue()
    log = (out / "2017" / "run.log").read_text(encoding="utf-8")
    assert "Starter notebookkernerne, mens inddata valideres." in log
    assert "Could not destroy zmq context" not in log
    # the first notebook of each of the two workers ran in a kernel started early
    assert log.count("kører i en kerne, der blev startet under valideringen (start og import: ") == 2
    for name in ("00_forside.ipynb", "01_tryghed.ipynb", "02_kriminalitet.ipynb"):
        nb = nbformat.read(out / "2017" / "notebooks" / name, as_version=4)
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        # the silent warm-up is not counted: the first cell is 1, as in a fresh kernel
        assert counts == list(range(1, len(counts) + 1)), (name, counts)
        assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    front = nbformat.read(out / "2017" / "notebooks" / "00_forside.ipynb", as_version=4)
    assert any("Statusåret er **2017**" in o.get("data", {}).get("text/markdown", "")
               for c in front.cells for o in c.get("outputs", []))
    assert _kernels_of_this_process() == []
    # the run let go of the data while the kernels loaded them; the CSVs read them back, unchanged
    from sikkerby.config.programme import load_programme
    from sikkerby.inputs.dataset import load_dataset
    from sikkerby.publish.render.tables import write_csv

    programme = load_programme()
    for name, frame in run_module.output_tables(load_dataset("", programme), programme, 2017).items():
        write_csv(frame, tmp_path / name)
        assert (tmp_path / name).read_bytes() == (out / "2017" / name).read_bytes(), name


@pytest.mark.slow
def test_bad_input_with_warm_kernels_stops_them_and_writes_nothing(tmp_path, monkeypatch):
    from factories import valid_tables, with_changes, write_folder

    monkeypatch.setattr(run_module, "WARM_KERNELS_FROM_BYTES", 0)
    data = write_folder(tmp_path / "data", with_changes(valid_tables(), "sigtelser", 0, sigtede=-3))
    out = tmp_path / "out"
    with pytest.raises(InputError) as raised:
        run_years([2017], data_dir=data, out_dir=out, notebooks_dir=FIXTURE_NOTEBOOKS, stream=io.StringIO(),
                  quiet=True)
    assert "sigtelser" in str(raised.value)
    assert not out.exists()
    assert _kernels_of_this_process() == []


def test_small_inputs_start_no_kernel_before_validation(sample_data_dir):
    """The sample (about 1 MB) is below the threshold: bad input there never starts a kernel."""
    from sikkerby.publish.cache import input_files

    size = sum(p.stat().st_size for p in input_files(sample_data_dir).values())
    assert 0 < size < run_module.WARM_KERNELS_FROM_BYTES
