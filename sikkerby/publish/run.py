"""``sikkerby run``: validate -> execute the notebooks (in parallel) -> CSVs, manifest -> render -> swap in.

The order is the promise of DATA.md §4-5 and DESIGN.md:

1. The cache (:mod:`sikkerby.publish.cache`) is checked first, before anything heavy is
   imported; an unchanged year is left alone. In a changed year, a chapter whose own key
   (its notebook, the inputs it reads, parameters, package ...) is the one recorded in the
   published manifest is copied from the published year instead of executed
   (:meth:`_Run.reuse_chapter`); the CSVs, the PDF and the manifest are always made anew.
2. Every input is validated before any notebook executes; bad input ends the run
   with exit status 1 and nothing in ``<out>`` changes.
3. All notebooks of all requested years execute together on ``--jobs`` workers.
   A failing notebook does not stop the others. While they run, this process
   writes the CSVs (once the first notebook is done, so that its data are not in
   memory three times at once) and renders each chapter's HTML page as soon as it is done.
4. Each year is built in a folder of its own beside ``<out>/<Y>/``
   (``<out>/.<Y>.build-<random>``) and swapped in only when everything
   succeeded. A failed or interrupted year leaves ``<out>/<Y>/`` exactly as it
   was and keeps its build as ``<out>/.<Y>.failed-<time>/`` for diagnosis.

One snapshot: before validation the input files are copied, and hashed as they
are copied, into the run's own temporary folder (:class:`RunFolder`); the run
validates, computes the CSVs and executes every notebook from that copy, and the
manifest records its hashes and the original folder. An input changed while the
run goes on changes nothing of this publication (the bundled sample data, part
of the package, are not copied: their hashes are checked again at the end).
Everything temporary of the run (the snapshot, the PDF's work folder, the
kernels' connection files) lies in that folder, removed at the end; a run
killed with SIGKILL leaves it, and the next run removes it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sikkerby.config.paths import (
    is_sample_data,
    notebooks_dir,
    params_dir,
    resolve_data_dir,
)
from sikkerby.errors import (
    InputError,
    Problem,
    SikkerByError,
    error_text,
    mask_cpr_text,
)
from sikkerby.publish import cache
from sikkerby.publish.folders import (
    RunFolder,
    YearLock,
    clean_stale,
    input_candidates,
    snapshot_inputs,
    swap_in,
)
from sikkerby.publish.interruption import (
    EXIT_TERMINATED,
    INTERRUPTED,
    SignalsHeld,
    exit_status,
    handling,
    interrupts_in_finalizers_noted,
    on_sigint,
    on_sigterm,
)
from sikkerby.publish.memory import release_memory
from sikkerby.publish.progress import Progress, RunLog, seconds_da
from sikkerby.publish.render.chapters import Chapter, discover_chapters

RENDERER_NBCONVERT = "nbconvert+pandoc+typst"
RENDERER_QUARTO = "quarto"
# Inputs from this size on are large enough that three copies of them (this process and two
# kernels) would matter: the run writes the CSVs right after validating and lets go of the data
# before the notebooks start (smaller inputs: the CSVs are written while the notebooks run).
LARGE_INPUTS_FROM_BYTES = 16 * 2**20
EXIT_FAILED = 1


def workers(jobs: int | None) -> int:
    """How many notebooks run at once: ``--jobs``, by default one per CPU."""
    return max(1, jobs or os.cpu_count() or 1)


# --- the steps' heavy modules (pandas and up) are imported inside them, so that an unchanged
# re-run, which needs none of them, stays well under a second ------------------------------------

def load_inputs(data_dir: str, programme, reuse: bool = True):
    """Read and validate every input file (raises :class:`sikkerby.errors.InputError`).

    ``reuse=False`` (``--force``) validates afresh instead of reading a dataset
    validated before from the same inputs (:mod:`sikkerby.inputs.dataset_cache`); the
    notebooks then reuse this validation.
    """
    from sikkerby.inputs.dataset import load_dataset

    return load_dataset(data_dir or None, programme, reuse=reuse)


def output_tables(dataset, programme, year: int, series=None) -> dict:
    """The CSV outputs of DATA.md §4 for ``year``, by file name, each checked against its schema
    (``series``: :func:`sikkerby.model.goals.measure_series` of ``dataset``, when already computed)."""
    from sikkerby.model.evidence import aktivitetsscorer
    from sikkerby.model.goals import maalstatus
    from sikkerby.model.output_schemas import check_output

    tables = {
        "maalstatus.csv": maalstatus(dataset, programme, year, series=series),
        "aktivitetsscorer.csv": aktivitetsscorer(dataset, programme, year),
    }
    return {name: check_output(name, table) for name, table in tables.items()}


# --- files and folders ----------------------------------------------------------------------------

def pdf_name(year: int) -> str:
    return f"sikkerby-status-{year}.pdf"


def expected_outputs(year: int, chapters: tuple[Chapter, ...], renderer: str = RENDERER_NBCONVERT) -> list[str]:
    """The files a complete publication folder holds (relative to ``<out>/<Y>/``)."""
    files = ["index.html", pdf_name(year), "maalstatus.csv", "aktivitetsscorer.csv", "manifest.json", "run.log"]
    files += [f"notebooks/{c.name}" for c in chapters]
    if renderer == RENDERER_NBCONVERT:
        files += [c.html_name for c in chapters[1:]]
    return files


# --- one year's build -----------------------------------------------------------------------------

@dataclass
class YearBuild:
    year: int
    key: str
    final: Path
    build: Path
    params: dict
    started: str
    pending: set[str] = field(default_factory=set)  # notebooks still executing
    chapter_keys: dict[str, str] = field(default_factory=dict)  # notebook name -> chapter key
    reused: set[str] = field(default_factory=set)  # notebooks copied from the published year, not executed
    tables_written: bool = False
    stored_keys: dict[str, str] | None = None  # the chapter keys of the published year's manifest
    conversions: list = field(default_factory=list)  # threads making chapters' parts of the PDF
    pdf: threading.Thread | None = None  # making the PDF while the last chapter's page is made
    results: dict = field(default_factory=dict)  # notebook name -> NotebookResult
    problems: list[str] = field(default_factory=list)  # Danish, one per problem
    t0: float = field(default_factory=time.perf_counter)

    @property
    def failed(self) -> bool:
        return bool(self.problems)


def publication_date(year_params: dict) -> str:
    """The title page's date: ``dato`` of ``params/<Y>.yaml`` in Danish (``1. juni 2018``), else none.

    Never the day of the run, so the same inputs give the same publication;
    when the run happened is recorded in ``manifest.json``.
    """
    day = year_params.get("dato")
    if not day:
        return ""
    from sikkerby.report.formatting import (
        fmt_date,  # the render phase has pandas loaded already
    )

    return fmt_date(day)


class _Run:
    """The state of one ``sikkerby run`` invocation (several years)."""

    def __init__(self, *, years, data_dir, out_dir, jobs, force, quiet, notebooks_dir, stream,
                 params_dir=None, renderer="auto", runner=None):
        self.years = list(dict.fromkeys(int(y) for y in years))
        self.data_arg = "" if data_dir is None or str(data_dir).strip() == "" else str(_resolved(Path(data_dir)))
        self.data_path = _resolved(resolve_data_dir(self.data_arg))
        self.sample = _is_sample(self.data_arg)
        self.out_dir = _resolved(Path(out_dir))
        self.jobs = workers(jobs)
        self.force = force
        self.notebooks = _resolved(_notebooks_dir(notebooks_dir))
        self.params_dir = _resolved(_params_dir(params_dir))
        self.renderer_choice = renderer  # --renderer: auto, offline or quarto
        self.stream = stream if stream is not None else sys.stderr
        self.progress = Progress(quiet=quiet, stream=self.stream)
        self.log = RunLog()
        self.locks: list[YearLock] = []
        self.log_handlers: list = []
        self.builds: dict[int, YearBuild] = {}
        self.html = None  # HtmlRenderer, made on first use
        self.renderer_name = RENDERER_NBCONVERT
        self.started = datetime.now().astimezone().isoformat(timespec="seconds")
        self.dataset = None  # the validated inputs, while this process needs them
        self.source_files: dict = {}  # input name -> the file read (for the manifest)
        self.run_folder: RunFolder | None = None
        self.work_data = self.data_arg  # the folder validated and given to the notebooks: the snapshot
        self.snapshot: dict[str, str] | None = None  # file name -> SHA-256 of the copy worked from
        self._runner = runner  # sikkerby.publish.execute.NotebookRunner; a given one is kept (preview)
        self._own_runner = runner is None
        self._early: threading.Thread | None = None  # makes the runner and starts its kernels
        self._pandoc = threading.Lock()  # held by the chapter conversion running (convert_for_pdf)

    # -- the notebook runner (its kernels may start during validation)
    def input_bytes(self) -> int:
        try:
            return sum(path.stat().st_size for path in cache.input_files(self.data_path).values())
        except OSError:  # validation names the problem
            return 0

    def start_kernels_early(self, years: list[int]) -> None:
        """Start the notebooks' kernels (and their imports) from another thread, while this one copies
        and validates the inputs: the first at once, then one per worker up to the number of chapters
        to execute (:meth:`chapters_to_execute`: finding that out imports the calculations, which
        takes longer than starting a kernel process). No notebook runs before validation has passed;
        bad input shuts them down."""
        fingerprint = dict(self.fingerprint)  # the plan's: take_snapshot replaces it meanwhile

        def start() -> None:
            runner = self.runner()
            started = runner.start(1, self.notebooks)
            count = min(self.jobs, self.chapters_to_execute(years, fingerprint))
            started += runner.start(count, self.notebooks)
            if started:
                self.log(f"{started} notebookkerne{'r' if started != 1 else ''} startet, mens inddata kopieres "
                         "og valideres.")
            else:
                self.log("Notebookkernerne fra forrige kørsel bruges igen.")

        self._early = threading.Thread(target=start, name="sikkerby-kernels", daemon=True)
        self._early.start()

    def runner(self):
        """The notebook runner (made on first use; waits for :meth:`start_kernels_early`'s thread)."""
        if self._early is not None and self._early is not threading.current_thread():
            self._early.join()
        if self._runner is None:
            from sikkerby.publish.execute import NotebookRunner

            self._runner = NotebookRunner(self.jobs)
        if not self._runner.warm_code:  # a kept runner has it from its first run
            from sikkerby.publish.execute import notebook_code_cells, warm_up_code

            self._runner.warm_code = warm_up_code(notebook_code_cells(c.source for c in self.chapters))
        self._runner.on_start = lambda job: self.progress.started(job.label)  # this run's progress display
        return self._runner

    def close_runner(self) -> None:
        """End the runner's workers and shut their kernels down (a kept runner's only after an interruption)."""
        if self._early is not None:
            self._early.join()
        if self._runner is not None and self._own_runner:
            self._runner.close()

    # -- messages
    def say(self, text: str) -> None:
        self.log(text)
        self.progress.message(text)

    def error(self, text: str) -> None:
        """Errors are printed even with --quiet."""
        self.log(text)
        self.progress.close()
        print(text, file=self.stream, flush=True)

    def rel(self, path: Path) -> str:
        """``path`` relative to the working folder when it lies inside it, else absolute."""
        try:
            relative = os.path.relpath(path)
        except ValueError:
            return str(path)
        return str(_resolved(Path(path))) if relative.startswith("..") else relative

    # -- phase 1: what needs doing
    def plan(self) -> list[int]:
        from sikkerby.config.programme import check_folder
        from sikkerby.publish.render.quarto import QUARTO, choose_renderer

        # the programme folder is read strictly before anything else: a mistake in it stops the run here
        self.programme = check_folder(self.params_dir, tuple(self.years))
        self.chapters = discover_chapters(self.notebooks, self.programme.goal_areas)
        chosen, why = choose_renderer(self.renderer_choice)
        self.renderer_name = RENDERER_QUARTO if chosen == QUARTO else RENDERER_NBCONVERT
        self.say(why)
        try:
            self.fingerprint = cache.fingerprint(
                data_dir=self.data_path, notebooks=[c.source for c in self.chapters],
                params_dir=self.params_dir, renderer=self.renderer_name)
        except OSError as exc:  # an input (or the folder) that cannot be read: say which, as validation would
            raise self.unreadable(exc) from None
        self.keys = {y: cache.year_key(self.fingerprint, y) for y in self.years}
        todo = []
        for year in self.years:
            final = self.out_dir / str(year)
            if not self.force and cache.is_current(final, self.keys[year],
                                                   expected_outputs(year, self.chapters, self.renderer_name)):
                self.say(f"{year}: uændret siden sidste kørsel – {self.rel(final)} er opdateret (brug --force for at bygge igen).")
            else:
                todo.append(year)
        return todo

    def unreadable(self, exc: OSError) -> SikkerByError:
        """The error for a file the run cannot read: an input problem when it is an input, else a message."""
        from sikkerby.inputs.readers import read_error_text

        name = Path(exc.filename) if exc.filename else None
        if name is not None and (name == self.data_path or name.parent == self.data_path):
            if name == self.data_path:
                return InputError([Problem(str(name), None, None,
                                           f"mappen med inddata kan ikke læses ({read_error_text(exc)})")])
            return InputError([Problem(name.name, None, None, f"filen kan ikke åbnes ({read_error_text(exc)})")])
        return SikkerByError(f"{exc.filename or 'En fil'} kan ikke læses ({read_error_text(exc)}). "
                             "Publikationen er ikke ændret.")

    # -- phase 1b: one snapshot of the inputs
    def take_snapshot(self) -> None:
        """Copy the inputs into the run's folder (:func:`snapshot_inputs`); from here on the run works
        from the copy, and the cache keys describe it. The bundled sample is not copied (its hashes are
        checked again before a year is published, :meth:`sample_unchanged`)."""
        self.run_folder = RunFolder()
        for stale in self.run_folder.removed:
            self.log(f"Fjernede {stale}, efterladt af en afbrudt kørsel")
        if self.sample:
            return
        try:
            self.data_path.stat()
            if not self.data_path.is_dir():
                return  # validation names the problem
            input_candidates(self.data_path)
        except (OSError, RuntimeError):
            return  # validation names the problem
        try:
            self.snapshot = snapshot_inputs(self.data_path, self.run_folder.path / "inputs")
        except OSError as exc:  # the folder itself could not be listed after all
            raise self.unreadable(exc) from None
        self.work_data = str(self.run_folder.path / "inputs")
        # the key as the next run's plan computes it from the folder (fingerprint.input_files), from the copy
        read = {name: sha for name, sha in self.snapshot.items() if Path(name).suffix.lower() in (".csv", ".xlsx")}
        self.fingerprint = {**self.fingerprint, "inputs": read}
        self.keys = {y: cache.year_key(self.fingerprint, y) for y in self.years}
        self.log(f"Inddata kopieret til {self.work_data} ({len(self.snapshot)} filer); kørslen bruger kopien.")

    def sample_unchanged(self) -> bool:
        """For the bundled sample (not copied): are its files still the ones the run started with?"""
        from sikkerby.inputs.fingerprint import input_files, sha256_file

        try:
            now = {name: sha256_file(path) for name, path in input_files(self.data_path).items()}
        except OSError:
            return False
        return now == self.fingerprint["inputs"]

    # -- phase 2: validate
    def validate(self):
        self.say(f"Validerer inddata i {'de medfølgende eksempeldata' if self.sample else self.rel(self.data_path)} …")
        t0 = time.perf_counter()
        self.dataset = load_inputs(self.work_data, self.programme, reuse=not self.force)
        self.source_files = dict(self.dataset.source_files)  # for the manifest, also after drop_dataset
        self.log(f"Inddata er i orden ({seconds_da(time.perf_counter() - t0)}).")
        self.warnings = tuple(self.dataset.warnings)
        for warning in self.warnings:  # beyond the contract: reported, and in the publication's note
            self.error(mask_cpr_text(f"Advarsel: {warning}"))
        from sikkerby.report.formatting import reporting_year_warnings

        data_years = self.dataset.years()
        for year in self.years:
            for warning in reporting_year_warnings(self.programme, data_years, year):
                self.error(f"Advarsel: {warning}")
        release_memory()  # validation's intermediate frames, before the kernels load the data

    def drop_dataset(self) -> None:
        """Let go of the validated data once the CSVs are written; this process keeps only which files
        were read (for the manifest)."""
        self.dataset = None
        release_memory()

    # -- phase 3: build folders and jobs
    def prepare(self, years: list[int]) -> list:
        from sikkerby.config.programme import load_year_params
        from sikkerby.publish.execute import NotebookJob

        builds = {}
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            for year in years:
                lock = YearLock(self.out_dir, year)
                lock.acquire()
                self.locks.append(lock)
                clean_stale(self.out_dir, year, self.log)
                builds[year] = self.out_dir / f".{year}.build-{secrets.token_hex(4)}"
                (builds[year] / "notebooks").mkdir(parents=True)
        except OSError as exc:  # before any notebook runs; an empty build folder is removed by the next run
            raise SikkerByError(f"Outputmappen {self.rel(self.out_dir)} kan ikke bruges: {error_text(exc)}. "
                                "Publikationen er ikke ændret.") from None
        work = []
        for year, build in builds.items():
            yb = YearBuild(year, self.keys[year], self.out_dir / str(year), build,
                           load_year_params(year, self.params_dir),
                           datetime.now().astimezone().isoformat(timespec="seconds"))
            self.builds[year] = yb
            yb.chapter_keys = {c.name: self.chapter_key(year, c) for c in self.chapters}
            for chapter in self.chapters:
                if self.reuse_chapter(yb, chapter):
                    continue
                yb.pending.add(chapter.name)
                work.append(NotebookJob(year, chapter, build / "notebooks" / chapter.name,
                                        self.notebook_parameters(year) | {"data_dir": self.work_data}
                                        | dict(chapter.parameters), self.notebooks))
            if yb.reused:
                self.say(f"{year}: {len(yb.reused)} af {len(self.chapters)} kapitler er uændrede og genbruges; "
                         f"{len(yb.pending)} køres.")
        return work

    def chapter_reads(self, chapter: Chapter) -> tuple[str, ...] | None:
        """The input files (base names) ``chapter`` reads; ``None``: every input.

        A goal area's chapter reads the inputs of its indikatorer's calculations; another
        chapter what its notebook declares (``"sikkerby": {"reads": [...]}``), else everything.
        """
        if chapter.goal_area is not None:
            from sikkerby.model.calculations import inputs_read

            indikatorer = [i for m in self.programme.maalepunkter_for(chapter.goal_area) for i in m.indikatorer]
            return tuple(inputs_read(indikatorer))
        return chapter.reads

    def chapter_key(self, year: int, chapter: Chapter, fingerprint: dict | None = None) -> str:
        """:func:`sikkerby.publish.cache.chapter_key` of ``chapter`` in ``year`` (with the run's fingerprint,
        unless another is given)."""
        return cache.chapter_key(
            fingerprint or self.fingerprint, year, stem=chapter.stem, source=chapter.source.name,
            parameters=self.notebook_parameters(year) | dict(chapter.parameters),
            reads=self.chapter_reads(chapter), chapters=[(c.stem, c.title) for c in self.chapters])

    def chapter_files(self, chapter: Chapter) -> list[str]:
        """What a chapter leaves in a year's folder: its executed notebook and (offline) its page."""
        files = [f"notebooks/{chapter.name}"]
        if self.renderer_name == RENDERER_NBCONVERT:
            files.append(chapter.html_name)
        return files

    def reusable(self, year: int, chapter: Chapter, stored_keys: dict, key: str) -> bool:
        """The published ``year`` holds ``chapter`` executed under ``key``, its key in this run (never
        with ``--force``)."""
        if self.force or stored_keys.get(chapter.name) != key:
            return False
        return all((self.out_dir / str(year) / name).is_file() for name in self.chapter_files(chapter))

    def chapters_to_execute(self, years: list[int], fingerprint: dict | None = None) -> int:
        """How many chapters of ``years`` cannot be reused (:meth:`reusable`), as far as the plan knows."""
        count = 0
        for year in years:
            stored = {} if self.force else cache.stored_chapter_keys(self.out_dir / str(year))
            count += sum(not self.reusable(year, c, stored, self.chapter_key(year, c, fingerprint))
                         for c in self.chapters)
        return count

    def reuse_chapter(self, yb: YearBuild, chapter: Chapter) -> bool:
        """Copy ``chapter``'s executed notebook and page from the published year into the build when
        :meth:`reusable`. True when copied."""
        if self.force:
            return False
        if yb.stored_keys is None:
            yb.stored_keys = cache.stored_chapter_keys(yb.final)
        if not self.reusable(yb.year, chapter, yb.stored_keys, yb.chapter_keys[chapter.name]):
            return False
        files = self.chapter_files(chapter)
        try:
            for name in files:
                shutil.copy2(yb.final / name, yb.build / name)
        except OSError as exc:
            self.log(f"{chapter.name} kunne ikke genbruges ({error_text(exc)}); den køres igen.", yb.year)
            for name in files:
                (yb.build / name).unlink(missing_ok=True)
            return False
        yb.reused.add(chapter.name)
        self.log(f"{chapter.name}: uændret, genbrugt fra den publicerede udgave.", yb.year)
        return True

    def notebook_parameters(self, year: int) -> dict:
        """What papermill gives every notebook (and the manifest records)."""
        return {"aar": year, "data_dir": self.data_arg, "params_dir": str(self.params_dir)}

    # -- phase 4: CSVs (while the notebooks run)
    def write_tables_once(self) -> None:
        """The CSVs of every year not written yet; then this process lets go of the data."""
        written = False
        series = None  # every year's maalstatus reads the same series: computed once
        for yb in self.builds.values():
            if not yb.tables_written:
                series = self.write_tables(yb, series)
                yb.tables_written = written = True
        if written:
            self.drop_dataset()

    def write_tables(self, yb: YearBuild, series=None):
        """The year's CSVs (problems go to the year); returns the series computed for them, for the next year."""
        from sikkerby.model.goals import measure_series
        from sikkerby.publish.render.tables import write_csv

        try:
            dataset = self.dataset
            if series is None:
                series = measure_series(dataset, self.programme)
            for name, frame in output_tables(dataset, self.programme, yb.year, series).items():
                write_csv(neutralise_formulas(frame), yb.build / name)
            self.log("CSV-filerne er skrevet.", yb.year)
        except SikkerByError as exc:
            yb.problems.append(str(exc))
        except OSError as exc:
            yb.problems.append(f"CSV-filerne kunne ikke skrives: {error_text(exc)}")
            self.log(_traceback(exc), yb.year)
        except Exception as exc:  # noqa: BLE001 - reported, the year is not published
            yb.problems.append(f"Beregningen af CSV-filerne fejlede: {type(exc).__name__}: {exc}")
            self.log(_traceback(exc), yb.year)
        return series

    # -- phase 5: pages
    def page_context(self, yb: YearBuild):
        from sikkerby import __version__
        from sikkerby.publish.render.html import PageContext

        secretariat = self.programme.secretariat
        footer = " · ".join(x for x in (self.programme.name, secretariat, f"lavet med sikkerby {__version__}") if x)
        if self.sample:
            footer = "Eksempeldata – ikke virkelige tal · " + footer
        return PageContext(yb.params.get("title", f"Sikker By – status {yb.year}"), yb.params.get("subtitle", ""),
                           footer, __version__, pdf_name(yb.year))

    def render_page(self, yb: YearBuild, chapter: Chapter) -> None:
        if self.renderer_name != RENDERER_NBCONVERT or yb.failed:
            return
        import nbformat

        from sikkerby.publish.render.html import HtmlRenderer

        if self.html is None:
            self.html = HtmlRenderer(self.chapters, self.page_context(yb))
        self.html.context = self.page_context(yb)
        try:
            nb = nbformat.read(yb.build / "notebooks" / chapter.name, as_version=4)
            self.convert_for_pdf(yb, chapter, nb)  # pandoc, on another thread, while this one makes the page
            if not yb.pending:  # the year's last chapter: the PDF can be made meanwhile too
                yb.pdf = threading.Thread(target=self.render_rest, args=(yb,), name=f"sikkerby-pdf-{yb.year}",
                                          daemon=True)
                yb.pdf.start()
            self.html.write(chapter, nb, yb.build)
        except Exception as exc:  # noqa: BLE001 - reported, the year is not published
            yb.problems.append(f"Siden for {chapter.name} kunne ikke laves: {error_text(exc)}")
            self.log(_traceback(exc), yb.year)

    def typst_cache(self) -> Path:
        """Where the chapters' Typst fragments are kept between runs (:func:`sikkerby.publish.render.pdf.chapter_typst`)."""
        from sikkerby.inputs.dataset_cache import run_cache_root

        return run_cache_root(self.out_dir) / "typst"

    def convert_for_pdf(self, yb: YearBuild, chapter: Chapter, nb) -> None:
        """Start making the chapter's part of the PDF (pandoc) on another thread, kept for the PDF step
        (:meth:`render_rest` waits for it); a failure there is only a lost head start (the PDF step makes
        it again and reports it)."""
        from sikkerby.publish.render.pdf import chapter_typst

        metadata, folder = self.pdf_metadata(yb), self.typst_cache()

        def convert() -> None:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                with self._pandoc:  # one at a time: a chapter's pandoc holds its charts (~0.2 GiB at 100x)
                    chapter_typst(chapter, nb, metadata, folder)
            except Exception as exc:  # noqa: BLE001
                self.log(f"{chapter.name}: PDF-delen laves først til sidst ({error_text(exc)})", yb.year)

        thread = threading.Thread(target=convert, name=f"sikkerby-pandoc-{chapter.stem}", daemon=True)
        thread.start()
        yb.conversions.append(thread)

    def pdf_metadata(self, yb: YearBuild) -> dict:
        return {
            "title": yb.params.get("title", f"Sikker By – status {yb.year}"),
            "subtitle": yb.params.get("subtitle", ""),
            "programme": self.programme.name,
            "municipality": self.programme.municipality,
            "committee": self.programme.committee,
            "forelaeggelse": str(yb.params.get("forelaeggelse", "")),
            "secretariat": self.programme.secretariat,
            "aar": str(yb.year),
            "date": publication_date(yb.params),
            "lang": "da",
            "toc-title": "Indhold",
            "sample-data": self.sample,
        }

    def render_rest(self, yb: YearBuild) -> None:
        """The PDF (or the Quarto book) once every notebook of the year is done."""
        import nbformat

        for thread in yb.conversions:
            thread.join()
        t0 = time.perf_counter()
        try:
            if self.renderer_name == RENDERER_QUARTO:
                from sikkerby.publish.render.quarto import (
                    render_with_quarto,
                    write_quarto_project,
                )

                info = {**self.pdf_metadata(yb), "forelaeggelse": yb.params.get("forelaeggelse")}
                write_quarto_project(yb.build, self.chapters, yb.year, info)
                render_with_quarto(yb.build, yb.year)
            else:
                from sikkerby.publish.render.pdf import render_pdf

                chapters = [(c, nbformat.read(yb.build / "notebooks" / c.name, as_version=4)) for c in self.chapters]
                render_pdf(chapters, yb.build / pdf_name(yb.year), self.pdf_metadata(yb), cache_dir=self.typst_cache())
            self.log(f"PDF lavet ({seconds_da(time.perf_counter() - t0)}).", yb.year)
        except Exception as exc:  # noqa: BLE001 - reported, the year is not published
            yb.problems.append(f"PDF'en kunne ikke laves: {error_text(exc)}")
            self.log(_traceback(exc), yb.year)

    # -- phase 6: manifest, log, swap
    def manifest(self, yb: YearBuild) -> dict:
        from sikkerby.publish.manifest import (
            build_manifest,
            git_commit,
            now_iso,
            tool_versions,
        )

        if not hasattr(self, "_versions"):
            self._versions = tool_versions(self.renderer_name)
            self._git = git_commit()
        # the files validation read, with the hashes of what the run worked from (the snapshot's)
        inputs = {}
        for stem, path in sorted(self.source_files.items()):
            name = Path(path).name
            sha = self.fingerprint["inputs"].get(name)
            if sha is not None:
                inputs[stem] = {"file": name, "sha256": sha}
        notebooks = []
        for c in self.chapters:
            r = yb.results.get(c.name)
            notebooks.append({"file": c.name, "source": c.source.name, "title": c.title, "sha256": self.fingerprint["notebooks"][c.source.name],
                              "seconds": None if r is None else round(r.seconds, 3),
                              "key": yb.chapter_keys.get(c.name), "reused": c.name in yb.reused})
        outputs = sorted(p.relative_to(yb.build).as_posix() for p in yb.build.rglob("*") if p.is_file())
        outputs = sorted(set(outputs) | {"manifest.json", "run.log"})
        return build_manifest(
            year=yb.year, parameters=self.notebook_parameters(yb.year), data_dir=self.data_path,
            sample_data=self.sample, inputs=inputs, input_snapshot=self.snapshot is not None,
            warnings=list(getattr(self, "warnings", ())),
            params={name: sha for name, sha in self.fingerprint["params"].items()},
            notebooks=notebooks, renderer=self.renderer_name, started=yb.started, finished=now_iso(),
            cache_key=yb.key, versions=self._versions, git=self._git, outputs=outputs)

    def capture_library_logs(self) -> None:
        """papermill's, traitlets' and nbclient's log lines go to the run log, not the terminal."""
        for name in ("papermill", "traitlets", "nbclient"):
            logger = logging.getLogger(name)
            handler = _ToRunLog(self.log)
            logger.addHandler(handler)
            logger.propagate = False
            self.log_handlers.append((logger, handler))

    def record(self, result) -> None:
        """One executed chapter: log it and render its page (the year's last also starts its PDF)."""
        yb = self.builds[result.job.year]
        name = result.job.chapter.name
        yb.results[name] = result
        yb.pending.discard(name)
        self.progress.finished(result.job.label, result.ok, result.seconds)
        for line in result.log:
            self.log(line, yb.year)
        self.log(f"{name}: {'færdig' if result.ok else 'FEJL'} ({seconds_da(result.seconds)})", yb.year)
        if result.failure is not None:
            yb.problems.append(result.failure.message())
        else:
            self.render_page(yb, result.job.chapter)

    def publish_done(self, wait: bool = False) -> int:
        """Publish (:meth:`publish`) each year whose chapters are all done and whose PDF is made, waiting
        for the PDFs when ``wait``; a year's PDF does not hold up the next year's pages. How many were
        published."""
        published = 0
        for yb in self.builds.values():
            if yb.build is None or yb.pending or (not wait and yb.pdf is not None and yb.pdf.is_alive()):
                continue
            published += self.publish(yb)
        return published

    def publish(self, yb: YearBuild) -> bool:
        """:meth:`finish` the year; its build folder is no longer ours (published, or kept as failed)."""
        published = self.finish(yb)
        yb.build = None
        return published

    def finish(self, yb: YearBuild) -> bool:
        """Publish a finished year, or keep its build for diagnosis. True when published."""
        from sikkerby.publish.manifest import write_manifest

        if yb.pdf is not None:  # started with the last chapter's page
            yb.pdf.join()
        elif not yb.failed:
            self.render_rest(yb)
        if not yb.failed and self.sample and not self.sample_unchanged():
            yb.problems.append("De medfølgende eksempeldata blev ændret under kørslen; publikationen ville "
                               "blande gamle og nye tal. Kør igen.")
        if not yb.failed:
            try:
                write_manifest(yb.build / "manifest.json", self.manifest(yb))
            except Exception as exc:  # noqa: BLE001
                yb.problems.append(f"manifest.json kunne ikke skrives: {error_text(exc)}")
        if yb.failed:
            self.fail(yb)
            return False
        self.log(f"Publikationen er færdig ({seconds_da(time.perf_counter() - yb.t0)}); lægges i {yb.final}.", yb.year)
        (yb.build / "run.log").write_text(self.log.text_for(yb.year), encoding="utf-8")
        with SignalsHeld():  # a signal meanwhile takes effect after the swap, and after saying so
            swap_in(yb.build, yb.final)
            self.say(f"{yb.year}: publikationen er klar i {self.rel(yb.final)} "
                     f"({seconds_da(time.perf_counter() - yb.t0)}).")
        return True

    def fail(self, yb: YearBuild, reason: str | None = None) -> None:
        if reason:
            yb.problems.append(reason)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        failed = self.out_dir / f".{yb.year}.failed-{stamp}"
        while failed.exists():
            failed = failed.with_name(failed.name + "-" + secrets.token_hex(2))
        for problem in yb.problems:
            self.log(problem, yb.year)
        try:
            (yb.build / "run.log").write_text(self.log.text_for(yb.year), encoding="utf-8")
        except OSError:  # e.g. a full disk: the message below still says what happened
            pass
        try:
            os.rename(yb.build, failed)
            kept = f"Byggemappen med de kørte notebooks og loggen er gemt i {self.rel(failed)}/"
        except OSError as exc:
            kept = f"(byggemappen {yb.build} kunne ikke gemmes: {error_text(exc)})"
        lines = [f"{yb.year}: publikationen blev IKKE opdateret – {self.rel(yb.final)} er uændret."]
        lines += [f"  {p}" for p in yb.problems]
        lines.append(f"  {kept}")
        self.error("\n".join(lines))


class _ToRunLog(logging.Handler):
    """Papermill's and nbclient's warnings go to run.log, not over the progress display."""

    def __init__(self, log: RunLog):
        super().__init__(logging.WARNING)
        self.run_log = log

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.run_log(f"{record.name}: {record.getMessage()}")
        except Exception:  # noqa: BLE001 - logging must never break the run
            pass


def _traceback(exc: BaseException) -> str:
    import traceback

    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def run_years(years, data_dir: str | os.PathLike | None = "", out_dir: str | os.PathLike = "outputs",
              jobs: int | None = None, force: bool = False, quiet: bool = False,
              notebooks_dir: str | os.PathLike | None = None, stream=None,
              params_dir: str | os.PathLike | None = None, renderer: str = "auto", runner=None) -> int:
    """Build the publication for each year in ``years``; returns the exit status.

    0: every year published or already up to date; 1: some year failed (its old
    publication is untouched); 130/143: interrupted by Ctrl-C/SIGTERM. Bad input
    raises :class:`sikkerby.errors.InputError` before anything is executed.

    ``runner``: a persistent :class:`sikkerby.publish.execute.NotebookRunner` whose kernels this run
    uses and leaves running for the next (``sikkerby preview``); by default the run has its own.
    """
    run = _Run(years=years, data_dir=data_dir, out_dir=out_dir, jobs=jobs, force=force, quiet=quiet,
               notebooks_dir=notebooks_dir, stream=stream, params_dir=params_dir, renderer=renderer,
               runner=runner)
    INTERRUPTED.clear()
    signals = contextlib.ExitStack()
    signals.enter_context(handling(signal.SIGTERM, on_sigterm))
    signals.enter_context(handling(signal.SIGINT, on_sigint))
    signals.enter_context(interrupts_in_finalizers_noted())
    saved_environment = _set_run_environment(run)
    try:
        _skip_slow_optional_imports()
        todo = run.plan()
        if not todo:
            return 0
        run.start_kernels_early(todo)
        run.take_snapshot()
        large = run.input_bytes() >= LARGE_INPUTS_FROM_BYTES
        run.validate()
        INTERRUPTED.stop_if_noted()  # an interrupt a library swallowed while the inputs were read
        work = run.prepare(todo)
        from sikkerby.publish.execute import prepare_execution

        prepare_execution()  # once, here, while the kernels start: not in two workers side by side
        if large:  # the CSVs now, from the data just validated, then this process lets go of them: not
            run.write_tables_once()  # while two kernels hold the data too (memory; nothing is read twice)
        run.say(f"Kører {len(work)} notebook{'s' if len(work) != 1 else ''} for {', '.join(map(str, todo))}"
                + (f" med op til {run.jobs} ad gangen …" if len(work) > 1 else " …"))
        run.progress.set_total(len(work))

        run.capture_library_logs()
        runner = run.runner()
        try:
            runner.submit(work)
            if not large:  # the CSVs while the kernels start
                run.write_tables_once()
            published = 0
            INTERRUPTED.stop_if_noted()
            for yb in list(run.builds.values()):
                if not yb.pending:  # every chapter reused: the front matter and the PDF only
                    run.write_tables_once()
                    published += run.publish(yb)
            for result in runner.results(stop=INTERRUPTED.is_set):
                run.record(result)
                published += run.publish_done()
            published += run.publish_done(wait=True)
        except KeyboardInterrupt as exc:
            code = exit_status(exc)
            runner.abort()
            for result in runner.finished_now():
                yb = run.builds[result.job.year]
                if result.failure is not None and yb.build is not None:
                    yb.problems.append(result.failure.message())
            for yb in run.builds.values():
                if yb.build is not None and yb.build.exists():
                    run.fail(yb, "Kørslen blev afbrudt (" + ("SIGTERM" if code == EXIT_TERMINATED else "Ctrl-C") + ").")
            return code
        except Exception as exc:  # a fault in the run itself: keep the builds for diagnosis
            runner.abort()
            run.log(_traceback(exc))
            for yb in run.builds.values():
                if yb.build is not None and yb.build.exists():
                    run.fail(yb, f"Kørslen stoppede: {error_text(exc)}" if isinstance(exc, OSError)
                             else f"Kørslen stoppede med en uventet fejl: {type(exc).__name__}: {exc}")
            if INTERRUPTED.is_set():  # a signal held during a swap that failed: it was asked to stop too
                INTERRUPTED.pending = False
                return exit_status()
            return EXIT_FAILED
        failed = len(run.builds) - published
        return EXIT_FAILED if failed else 0
    except KeyboardInterrupt:  # before any notebook ran (validation, say): the builds made so far are empty
        for yb in run.builds.values():
            if yb.build is not None:
                shutil.rmtree(yb.build, ignore_errors=True)
        raise
    finally:
        run.close_runner()
        _restore_environment(saved_environment)
        if run.run_folder is not None:
            run.run_folder.close()
        for lock in run.locks:
            lock.release()
        for logger, handler in run.log_handlers:
            logger.removeHandler(handler)
            logger.propagate = True
        run.progress.close()
        signals.close()


# --- the run's environment: where its notebooks (own kernels) find the programme and the dataset cache ---

_notebooks_dir, _params_dir = notebooks_dir, params_dir  # the _Run's own arguments shadow these names


def _set_run_environment(run: _Run) -> dict[str, str | None]:
    """Point this process and the notebooks' kernels (which inherit the environment) at the dataset
    cache in the output folder (``<out>/.sikkerby-cache``, never the home folder:
    :mod:`sikkerby.inputs.dataset_cache`). The programme folder reaches the notebooks as their
    ``params_dir`` parameter. Returns the values to restore."""
    from sikkerby.inputs.dataset_cache import CACHE_ENV, run_cache_root

    wanted = {CACHE_ENV: str(run_cache_root(run.out_dir))}
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    return saved


def _restore_environment(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _skip_slow_optional_imports() -> None:
    """Keep slow, unused optional imports out of the run.

    nbformat (under papermill and nbconvert) imports jsonschema, which imports the
    optional ``rfc3987_syntax`` package when it is installed; that package compiles
    a grammar at import time (over a second) and serves only jsonschema's "iri"
    string formats, which the notebook schema does not use. Marked absent, it is
    skipped by jsonschema exactly as if it were not installed.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)
    # papermill tries to import black (to format the parameters cell) for every notebook, in the
    # worker threads; when it is not installed, it is marked absent once, so those tries fail at once
    import importlib.util

    if "black" not in sys.modules and importlib.util.find_spec("black") is None:
        sys.modules["black"] = None


def _resolved(path: Path) -> Path:
    """``path`` made absolute with symbolic links resolved; as given (absolute) when that fails (a
    symlink loop raises RuntimeError before Python 3.13): validation then says what is wrong with it."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def _is_sample(data_dir: str) -> bool:
    try:
        return is_sample_data(data_dir)
    except (OSError, RuntimeError):
        return False


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?"


def neutralise_formulas(frame):
    """``frame`` with every text cell that a spreadsheet would take for a formula (it starts with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return: ``=HYPERLINK(...)``) prefixed with a single
    quote, so opening the published CSV in Excel shows the text instead of running it (OWASP's advice
    on CSV injection). Number columns, and text that is a plain number (``-1.5``), are left as they are."""
    import numpy as np
    import pandas as pd

    changed = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            continue
        text = column.astype("object")
        is_text = text.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        if not is_text.any():
            continue
        cells = text[is_text].astype("str")
        risky = cells.str.startswith(_FORMULA_START) & ~cells.str.fullmatch(_PLAIN_NUMBER)
        if risky.any():
            values = text.to_numpy(dtype=object, copy=True)
            at = np.flatnonzero(is_text)[risky.to_numpy(dtype=bool)]
            values[at] = ["'" + v for v in values[at]]
            changed[name] = pd.Series(values, index=frame.index, dtype=column.dtype, name=name)
    return frame.assign(**changed) if changed else frame
