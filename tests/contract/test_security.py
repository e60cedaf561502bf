"""Security: hostile data text, YAML, notebook parameters, small counts and personal data.

- Every text from the data is escaped in the publication: a real run with the
  real notebooks on a copy of the sample data whose free-text cells hold
  ``<script>``, ``<img onerror>``, ``&`` and quotes gives pages without a script
  element or an event attribute, and shows the text as text (HTML and PDF).
- The same run has ``disclosure.min_count`` raised to 60 through a temporary
  params folder (``SIKKERBY_PARAMS``): every breakdown table shows ``<60`` and
  hides the shares derived from it; no small count about people is left.
- YAML is read with the safe loader only.
- Notebook parameters are values, never code: a data folder whose path holds
  ``"; import os; os.system('touch /tmp/pwned-…') #`` runs without executing it.
- No tracked file and no file of a built publication holds a CPR-like number.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from factories import copy_programme, write_folder
from run_helpers import FIXTURE_NOTEBOOKS, run_sikkerby

from sikkerby.config.paths import PACKAGE_DIR, PROJECT_DIR, notebooks_dir, params_dir
from sikkerby.inputs.personal_data import cpr_cells

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "quotes": "Tom & Jerry \"Citat\" 'enkelt' </td></tr></table>",
}
MIN_COUNT = 60
NOTEBOOKS = ("00_sammenfatning.ipynb", "01_maalomraade.ipynb", "02_effekt_og_evidens.ipynb", "03_bilag.ipynb")
# the publication's pages: the goal-area notebook is one chapter per goal area
CHAPTERS = ("00_sammenfatning", "01_tryghed", "02_kriminalitet", "03_effekt_og_evidens", "04_bilag")
# Columns of whole numbers that are not counts of people: ranks, years, scores, numbers of
# activities, criteria or input rows, and the målepunkter's own published values.
NOT_PEOPLE = {"Nr.", "Aktiviteter", "I modellen", "Førmåling", "Grøn", "Gul", "Rød", "Succeskriterier",
              "Heraf grøn", "Heraf gul", "Heraf rød", "Heraf uden samlet score", "Evidensscore", "Resultatscore",
              "Samlet score", "Gns. samlet score", "Rækker", "Fra år", "Til år", "I modellen fra",
              "Forventet i modellen", "År", "Værdi", "Målsti i året",
              # issue 12: the activities reporting results; the overview's own values of the indikatorer, their
              # change and the programme's years; the annex's success criteria as each forvaltning reports them
              "Afrapporterer resultater", "Nr.", "Værdi 2014", "Værdi 2015", "Værdi 2016", "Værdi 2017",
              "Ændring fra 2013", "Ændring fra 2014", "Ændring fra 2015", "Ændring fra 2016",
              "Basis\u00adværdi", "Mål", "Mål\u00adopfyldelse", "Resultat\u00adscore", "Rækker"}
# The breakdown tables of counts about people: caption start -> count columns, share columns
BREAKDOWNS = {
    "Andelen pr. bydel": (["Antal svar"], ["Andel utrygge"]),
    "Ikke-planlagte lukkedage pr. institution": (["Lukkedage"], []),
    "Ikke-planlagte lukninger pr. forvaltning": (["Lukkedage", "Lukkede institutioner"], []),
    "Sigtede unge fordelt på alder og køn": (["Unge i alt", "Sigtede"], ["Andel sigtede"]),
    "Bandelogens opgørelser": (["Antal personer"], []),
}
WHOLE_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})*")  # Danish: 12.714


class Page(HTMLParser):
    """Elements, text and tables of one HTML page (html.parser, as a browser would see the markup)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.tables: list[dict] = []
        self._table = self._row = self._cell = None
        self._caption = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "table":
            self._table = {"caption": "", "header": [], "rows": []}
            self.tables.append(self._table)
        elif tag == "caption":
            self._caption = True
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self._caption = False
            # the caption without its number ("Tabel 1.2: "), so tests can find a table by its words
            self._table["caption"] = re.sub(r"^\s*Tabel [0-9.]+:\s*", "", self._table["caption"])
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._table["header"]:
                self._table["rows"].append(self._row)
            else:
                self._table["header"] = self._row
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        self.text.append(data)
        if self._caption and self._table is not None:
            self._table["caption"] += data
        if self._cell is not None:
            self._cell.append(data)


def _rewrite(path: Path, change) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(frame)
    frame.to_csv(path, index=False)


def hostile_copy_of_sample(folder: Path, sample: Path) -> Path:
    """The sample data with markup, '&' and quotes in every kind of free text the publication may show."""
    shutil.copytree(sample, folder)

    def activities(f):
        for row, payload in enumerate(PAYLOADS.values()):
            f.loc[row, "navn"] = f"{payload} {f.loc[row, 'navn']}"

    def closures(f):
        counted = f[(f["planlagt"] == "nej") & f["startdato"].str.startswith("2017")]
        for payload, name in zip(PAYLOADS.values(), counted["institution"].unique()):
            f.loc[f["institution"] == name, "institution"] = f"{payload} {name}"
        f["aarsag"] = PAYLOADS["script"]

    def areas(f):
        f["omraade"] = PAYLOADS["img"] + " " + f["omraade"]

    def criteria(f):
        f["beskrivelse"] = PAYLOADS["quotes"] + " " + f["beskrivelse"]

    _rewrite(folder / "aktiviteter.csv", activities)
    _rewrite(folder / "lukninger.csv", closures)
    _rewrite(folder / "tryghedsindeks.csv", areas)
    _rewrite(folder / "succeskriterier.csv", criteria)
    return folder


def params_with_min_count(folder: Path, min_count: int) -> Path:
    copy_programme(folder)
    text = (folder / "program.yaml").read_text(encoding="utf-8")
    changed, n = re.subn(r"(?m)^(\s*min_count:\s*)\d+\s*$", rf"\g<1>{min_count}", text)
    assert n == 1, "program.yaml has no disclosure.min_count"
    (folder / "program.yaml").write_text(changed, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile_publication(tmp_path_factory, sample_data_dir) -> Path:
    """The real publication for 2017 from hostile data, with disclosure.min_count = 60."""
    missing = [name for name in NOTEBOOKS if not (notebooks_dir() / name).is_file()]
    assert not missing, f"the real chapter notebooks are needed: {missing}"
    root = tmp_path_factory.mktemp("hostile")
    data = hostile_copy_of_sample(root / "data", sample_data_dir)
    params = params_with_min_count(root / "params", MIN_COUNT)
    done = run_sikkerby("run", "--year", "2017", "--data", data, "--out", root / "out", "--quiet",
                        env={"SIKKERBY_PARAMS": str(params)})
    assert done.returncode == 0, done.stderr
    return root / "out" / "2017"


def _pages(folder: Path) -> dict[str, tuple[str, Page]]:
    return {p.name: (html := p.read_text(encoding="utf-8"), Page(html)) for p in sorted(folder.glob("*.html"))}


def _pdf_text(folder: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(folder / "sikkerby-status-2017.pdf").pages)


# --- escaping ---------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_data_text_cannot_add_markup_to_the_pages(hostile_publication):
    pages = _pages(hostile_publication)
    assert sorted(pages) == sorted(["index.html", *(f"{c}.html" for c in CHAPTERS[1:])])
    for name, (html, page) in pages.items():
        assert not [tag for tag, _ in page.elements if tag == "script"], name
        handlers = [(tag, attr) for tag, attrs in page.elements for attr in attrs if attr.lower().startswith("on")]
        assert handlers == [], name
        assert not [attrs for tag, attrs in page.elements if tag == "img" and attrs.get("src") == "x"], name
        assert "<script>alert" not in html and "<img src=x" not in html, name


@pytest.mark.slow
def test_data_text_is_shown_as_text(hostile_publication):
    pages = _pages(hostile_publication)
    text = " ".join(" ".join("".join(page.text).split()) for _, page in pages.values())
    for payload in PAYLOADS.values():
        assert payload in text, payload  # activity names, institutions and areas are on the pages
    html = pages["03_effekt_og_evidens.html"][0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # quotes may stay literal in text (only attribute values need them escaped); '&' and '<' may not
    assert "Tom &amp; Jerry" in html and "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;" in html
    tables = [t for _, page in pages.values() for t in page.tables]
    institutions = next(t for t in tables if t["caption"].startswith("Ikke-planlagte lukkedage pr. institution"))
    assert any(row[0].startswith(PAYLOADS["script"]) for row in institutions["rows"])
    pdf = "".join(_pdf_text(hostile_publication).split())
    for payload in PAYLOADS.values():
        assert "".join(payload.split()) in pdf, payload


# --- disclosure control -------------------------------------------------------------------------------------

def _whole_number(cell: str) -> int | None:
    return int(cell.replace(".", "")) if WHOLE_NUMBER.fullmatch(cell) else None


@pytest.mark.slow
def test_no_small_count_of_people_is_published(hostile_publication):
    marker = f"<{MIN_COUNT}"
    seen = set()
    for name, (_, page) in _pages(hostile_publication).items():
        for table in page.tables:
            header = table["header"]
            for row in table["rows"]:
                for column, cell in zip(header, row):
                    value = _whole_number(cell)
                    if column not in NOT_PEOPLE and value is not None:
                        assert not 1 <= value < MIN_COUNT, (name, table["caption"], column, cell)
            for caption, (counts, shares) in BREAKDOWNS.items():
                if table["caption"].startswith(caption):
                    seen.add(caption)
                    for row in table["rows"]:
                        cells = dict(zip(header, row))
                        hidden = any(cells[c] == marker for c in counts)
                        if hidden:  # a share computed from a hidden count would give it away
                            assert all(cells[share] == "–" for share in shares), (caption, row)
    assert seen == set(BREAKDOWNS), set(BREAKDOWNS) - seen


@pytest.mark.slow
def test_min_count_comes_from_the_params(hostile_publication):
    pages = _pages(hostile_publication)
    cells = [cell for _, page in pages.values() for t in page.tables for row in t["rows"] for cell in row]
    assert f"<{MIN_COUNT}" in cells  # the sample has closures and charges below 60
    assert "<5" not in cells
    text = " ".join(" ".join("".join(page.text).split()) for _, page in pages.values())
    assert f"Antal fra 1 til {MIN_COUNT - 1} vises som »<{MIN_COUNT}«" in text
    assert f"<{MIN_COUNT}" in _pdf_text(hostile_publication)


# --- YAML ---------------------------------------------------------------------------------------------------

UNSAFE_YAML = re.compile(r"yaml\.(unsafe_load|full_load|full_load_all|unsafe_load_all)\b|(Unsafe|Full)Loader\b"
                         r"|Loader\s*=\s*(yaml\.)?Loader\b")
YAML_LOAD_CALL = re.compile(r"yaml\.load(_all)?\s*\(([^()]*)\)")


def unsafe_yaml_calls(text: str) -> list[str]:
    """``yaml.load`` without a safe loader, and the unsafe loaders by name."""
    found = [m.group(0) for m in UNSAFE_YAML.finditer(text)]
    return found + [m.group(0) for m in YAML_LOAD_CALL.finditer(text) if "SafeLoader" not in m.group(2)]


def test_the_yaml_check_finds_unsafe_calls():
    assert unsafe_yaml_calls("yaml.load(fh)\nyaml.unsafe_load(x)\nyaml.load(s, Loader=yaml.FullLoader)") == [
        "yaml.unsafe_load", "FullLoader", "yaml.load(fh)", "yaml.load(s, Loader=yaml.FullLoader)"]
    assert unsafe_yaml_calls("yaml.safe_load(fh)\nyaml.load(fh, Loader=yaml.CSafeLoader)") == []


def test_yaml_is_only_read_with_the_safe_loader():
    sources = sorted(PACKAGE_DIR.rglob("*.py")) + sorted((PROJECT_DIR / "notebooks").glob("*.ipynb"))
    found = {str(p.relative_to(PROJECT_DIR)): calls for p in sources
             if (calls := unsafe_yaml_calls(p.read_text(encoding="utf-8")))}
    assert found == {}
    assert any("yaml.safe_load(" in p.read_text(encoding="utf-8") for p in sources)


def test_a_python_tag_in_the_params_is_not_executed(tmp_path):
    from sikkerby.config.programme import (
        ProgrammeError,
        load_programme,
        load_year_params,
    )

    marker = tmp_path / "pwned"
    tag = f"!!python/object/apply:os.system ['touch {marker}']"
    copy_programme(tmp_path / "params")
    program = tmp_path / "params" / "program.yaml"
    program.write_text(program.read_text(encoding="utf-8") + f"\nextra: {tag}\n", encoding="utf-8")
    (tmp_path / "params" / "2017.yaml").write_text(f"aar: 2017\ntitle: {tag}\n", encoding="utf-8")
    with pytest.raises(ProgrammeError, match="kan ikke læses som YAML"):  # the safe loader refuses the tag
        load_programme(program)
    with pytest.raises(ProgrammeError, match="kan ikke læses som YAML"):
        load_year_params(2017, tmp_path / "params")
    assert not marker.exists()


# --- notebook parameters --------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_data_path_holding_code_is_passed_as_a_value(tmp_path):
    marker = Path("/tmp") / f"pwned-{uuid.uuid4().hex}"
    # the folder's path reads: .../x"; import os; os.system('touch /tmp/pwned-<id>') #/data
    data = tmp_path / """x"; import os; os.system('touch """ / "tmp" / f"{marker.name}') #" / "data"
    assert f"""x"; import os; os.system('touch /tmp/{marker.name}') #""" in str(data)
    write_folder(data)
    notebooks = tmp_path / "notebooks"
    shutil.copytree(FIXTURE_NOTEBOOKS, notebooks)
    try:
        done = run_sikkerby("run", "--year", "2017", "--data", data, "--out", tmp_path / "out", "--quiet",
                            env={"SIKKERBY_NOTEBOOKS": str(notebooks)})
        assert done.returncode == 0, done.stderr
        assert not marker.exists()
    finally:
        marker.unlink(missing_ok=True)
    executed = json.loads((tmp_path / "out" / "2017" / "notebooks" / "02_kriminalitet.ipynb").read_text("utf-8"))
    injected = next(c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assigned = {}
    for statement in ast.parse("".join(injected["source"])).body:  # nothing but `name = literal`
        assert isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant), ast.dump(statement)
        assigned[statement.targets[0].id] = statement.value.value
    # the notebooks work from the run's copy of the inputs (one snapshot, docs/reliability.md): the folder's
    # hostile name does not even reach them; the manifest records it, as a value
    copy = Path(assigned.pop("data_dir"))
    assert copy.name == "inputs" and copy.parent.name.startswith("sikkerby-run-") and not copy.exists()
    assert assigned == {"aar": 2017, "params_dir": str(params_dir().resolve())}
    manifest = json.loads((tmp_path / "out" / "2017" / "manifest.json").read_text("utf-8"))
    assert manifest["data_dir"] == str(data.resolve()) and manifest["parameters"]["data_dir"] == str(data.resolve())
    shown = json.dumps(executed["cells"][-1]["outputs"], ensure_ascii=False)
    assert "Inddatamappen har 7 filer" in shown  # the notebook used the value as the folder it is


# --- personal data ---------------------------------------------------------------------------------------------

# Files that hold made-up CPR numbers on purpose: the tests of the refusal itself.
CPR_TEST_FILES = {"tests/contract/test_personal_data.py", "tests/unit/test_fast_paths.py",
                  "tests/contract/test_cli_validate.py", "tests/bad_inputs.py",
                  "tests/contract/test_cpr_excel_numbers.py", "tests/contract/test_reliability.py",
                  "docs/data-contract.md"}  # the contract's own examples of what is refused
BINARY = (".png", ".jpg", ".xlsx", ".pdf", ".zip")


def _cpr_lines(text: str) -> list[str]:
    lines = pd.Series(text.splitlines(), dtype=object)
    if lines.empty:
        return []
    return [line[:80] for line in lines[cpr_cells(lines).to_numpy()]]


def test_no_tracked_file_holds_a_cpr_number():
    if not (PROJECT_DIR / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_DIR, capture_output=True, check=True)
    files = [name for name in listed.stdout.decode("utf-8").split("\0") if name]
    assert "sikkerby/sample_data/tryghedsundersoegelse.csv" in files
    found = {}
    for name in files:
        path = PROJECT_DIR / name
        if name in CPR_TEST_FILES or name.endswith(BINARY) or not path.is_file():
            continue
        hits = _cpr_lines(path.read_bytes().decode("utf-8", "replace"))
        if hits:
            found[name] = hits[:3]
    assert found == {}


@pytest.mark.slow
def test_no_file_of_a_built_publication_holds_a_cpr_number(hostile_publication):
    found = {}
    for path in sorted(hostile_publication.rglob("*")):
        if not path.is_file():
            continue
        text = _pdf_text(path.parent) if path.suffix == ".pdf" else path.read_bytes().decode("utf-8", "replace")
        hits = _cpr_lines(text)
        if hits:
            found[path.name] = hits[:3]
    assert found == {}
    assert (hostile_publication / "index.html").is_file()
