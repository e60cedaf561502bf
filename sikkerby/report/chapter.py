"""What every chapter notebook starts from: the programme, the data and the year's results.

A notebook's first code cell after ``parameters`` is::

    from sikkerby.report.chapter import open_chapter
    ch = open_chapter(aar, data_dir)

and everything after it reads ``ch``: the programme, the validated dataset, the
year's parameters, every målepunkt's series, the year's ``maalstatus`` table and,
on first use, the effect-and-evidence model's result. Each is computed once.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from sikkerby.config.paths import is_sample_data
from sikkerby.config.programme import (
    Indikator,
    Programme,
    load_programme,
    load_year_params,
)
from sikkerby.inputs.dataset import Dataset, load_dataset

# results of the dataset this process opened last, by (its key, what, year): a kept kernel runs chapter
# after chapter (every chapter reads the series; the front page, the evidence chapter and the annex of a
# year all read the evidence model), and a run of several years goes on to the next year. The dataset's
# key covers the inputs, the programme and the package code; the least recently used entry goes first.
_KEPT: dict[tuple[str, str, int | None], object] = {}
_KEPT_ENTRIES = 9


def _copied(value):
    """A copy a chapter may change (tables, and the evidence model's parameters, a dict among them)."""
    return value.copy() if isinstance(value, pd.DataFrame) else copy.deepcopy(value)


def _kept(ch: "ChapterContext", what: str, compute, year: int | None = None):
    """``compute()``, or a copy of what it gave for the same dataset (and ``year``) before in this process."""
    key = getattr(ch.dataset, "key", None)  # a hand-made context may have no dataset
    if key is None:
        return compute()
    entry = (key, what, year)
    if entry in _KEPT:
        _KEPT[entry] = _KEPT.pop(entry)  # the most recently used now
        return _copied(_KEPT[entry])
    value = compute()
    for stale in [k for k in _KEPT if k[0] != key]:  # another dataset's
        del _KEPT[stale]
    while len(_KEPT) >= _KEPT_ENTRIES:
        del _KEPT[next(iter(_KEPT))]  # the least recently used
    _KEPT[entry] = _copied(value)
    return value


@dataclass
class ChapterContext:
    """The inputs and results one reporting year's chapters share."""

    year: int
    data_dir: str
    programme: Programme
    dataset: Dataset
    year_params: dict = field(default_factory=dict)

    @property
    def is_sample(self) -> bool:
        """True when the data are the bundled synthetic sample ("eksempeldata")."""
        return is_sample_data(self.data_dir)

    @cached_property
    def series(self) -> pd.DataFrame:
        """:func:`sikkerby.model.goals.measure_series`: every indikator, every year in the data (the
        same for every year's chapters: kept in this process under the dataset's key, which covers
        the inputs and the programme; each chapter gets its own copy)."""
        from sikkerby.model.goals import measure_series

        return _kept(self, "series", lambda: measure_series(self.dataset, self.programme))

    @cached_property
    def maalstatus(self) -> pd.DataFrame:
        """:func:`sikkerby.model.goals.maalstatus` for the reporting year (the ``maalstatus.csv`` table)."""
        from sikkerby.model.goals import maalstatus

        return _kept(self, "maalstatus",
                     lambda: maalstatus(self.dataset, self.programme, self.year, series=self.series), self.year)

    @cached_property
    def baseline_warnings(self) -> list[str]:
        """Danish sentences where the data disagree with a published baseline."""
        from sikkerby.report.formatting import baseline_warnings

        return baseline_warnings(self.programme, self.series)

    @cached_property
    def evidence(self):
        """:func:`sikkerby.model.evidence.evaluate` for the reporting year (computed once per dataset and year
        in this process; each chapter gets its own copy of the tables)."""
        from sikkerby.model.evidence import evaluate

        return _kept(self, "evidence", lambda: evaluate(self.dataset, self.programme, self.year), self.year)

    def indikator(self, indikator_id: str) -> Indikator:
        return self.programme.indikator(indikator_id)

    def status_row(self, indikator_id: str) -> pd.Series:
        """The indikator's row of :attr:`maalstatus`."""
        rows = self.maalstatus[self.maalstatus["indikator_id"] == indikator_id]
        if rows.empty:
            raise KeyError(indikator_id)
        return rows.iloc[0]

    def series_of(self, indikator_id: str, through_year: bool = True) -> pd.DataFrame:
        """One indikator's rows of :attr:`series`, up to the reporting year unless ``through_year`` is False."""
        rows = self.series[self.series["indikator_id"] == indikator_id]
        if through_year:
            rows = rows[rows["aar"] <= self.year]
        return rows.reset_index(drop=True)


def open_chapter(aar: int, data_dir: str = "", params_dir: str = "",
                 programme: Programme | None = None) -> ChapterContext:
    """Load the programme folder (empty: the project's ``params/``) and validate the data folder
    (empty: the bundled sample) for year ``aar``.

    Raises :class:`sikkerby.errors.InputError` when the data break the contract and
    :class:`sikkerby.config.programme.ProgrammeError` when the programme folder is not usable.
    """
    programme = programme or load_programme(params_dir or None)
    dataset = load_dataset(data_dir, programme, keep=True)
    return ChapterContext(year=int(aar), data_dir=str(data_dir or ""), programme=programme,
                          dataset=dataset, year_params=load_year_params(int(aar), programme.folder))
