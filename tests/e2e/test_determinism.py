"""The same inputs give the same publication (DATA.md §4, DESIGN.md quality bars).

Two real runs of ``sikkerby run --year 2017`` on the bundled sample data, the
second with ``--force`` into another output folder (so nothing is reused),
with the fixture notebooks: the CSVs, every HTML page and the PDF — its text
and its bytes — are identical. Only manifest.json and run.log record when a run
happened, and those times appear nowhere in the publication.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from run_helpers import FIXTURE_NOTEBOOKS, run_sikkerby

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("determinism")
    env = {"SIKKERBY_NOTEBOOKS": str(FIXTURE_NOTEBOOKS)}
    first = run_sikkerby("run", "--year", "2017", "--out", root / "a", "--quiet", env=env)
    assert first.returncode == 0, first.stderr
    second = run_sikkerby("run", "--year", "2017", "--out", root / "b", "--quiet", "--force", env=env)
    assert second.returncode == 0, second.stderr
    return root / "a" / "2017", root / "b" / "2017"


def _manifest(folder):
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_the_runs_were_two_separate_builds(two_runs):
    a, b = two_runs
    assert _manifest(a)["started"] <= _manifest(b)["started"]
    assert _manifest(a)["cache_key"] == _manifest(b)["cache_key"]  # the same inputs, code and notebooks


@pytest.mark.parametrize("name", ["maalstatus.csv", "aktivitetsscorer.csv"])
def test_csvs_are_byte_identical(two_runs, name):
    a, b = two_runs
    assert (a / name).read_bytes() == (b / name).read_bytes()
    assert len((a / name).read_text(encoding="utf-8").splitlines()) > 1


def test_html_pages_are_byte_identical_and_hold_no_run_time(two_runs):
    a, b = two_runs
    pages = sorted(p.name for p in a.glob("*.html"))
    assert "index.html" in pages and pages == sorted(p.name for p in b.glob("*.html"))
    times = [m[k] for m in (_manifest(a), _manifest(b)) for k in ("started", "finished")]
    for name in pages:
        html = (a / name).read_text(encoding="utf-8")
        assert html == (b / name).read_text(encoding="utf-8"), name
        for moment in times:
            assert moment not in html and moment[:16] not in html, (name, moment)


def test_pdf_text_and_bytes_are_identical(two_runs):
    from babel.dates import format_date
    from pypdf import PdfReader

    a, b = two_runs
    name = "sikkerby-status-2017.pdf"
    texts = ["\n".join(page.extract_text() for page in PdfReader(folder / name).pages) for folder in (a, b)]
    assert texts[0] == texts[1]
    assert "Sikker By – status 2017" in texts[0]
    assert format_date(date.today(), format="long", locale="da") not in texts[0]  # not the day of the run
    assert (a / name).read_bytes() == (b / name).read_bytes()
    assert PdfReader(a / name).metadata.get("/CreationDate") is None


def test_publication_date_comes_from_the_year_params():
    from sikkerby.publish.run import publication_date

    assert publication_date({"aar": 2017, "forelaeggelse": "juni 2018"}) == ""
    assert publication_date({"dato": date(2018, 6, 1)}) == "1. juni 2018"
    assert publication_date({"dato": "2018-06-21"}) == "21. juni 2018"
