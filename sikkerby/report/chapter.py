"""What every chapter notebook starts from: the programme, the data and the year's results.

A notebook's first code cell after ``parameters`` is::

    from sikkerby.report.chapter import open_chapter
    ch = open_chapter(aar, data_dir)

and everything after it reads ``ch``: the programme, the validated dataset, the
year's parameters, every målepunkt's series, the year's ``maalstatus`` table and,
on first use, the effect-and-evidence model's result. Each is computed once.
"""

from __future__ import annotations

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

# measure_series of the last dataset this process opened, by the dataset's key (ChapterContext.series)
_SERIES: dict[str, pd.DataFrame] = {}


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

        key = self.dataset.key
        if key is not None and key in _SERIES:
            return _SERIES[key].copy()
        series = measure_series(self.dataset, self.programme)
        if key is not None:
            _SERIES.clear()
            _SERIES[key] = series.copy()
        return series

    @cached_property
    def maalstatus(self) -> pd.DataFrame:
        """:func:`sikkerby.model.goals.maalstatus` for the reporting year (the ``maalstatus.csv`` table)."""
        from sikkerby.model.goals import maalstatus

        return maalstatus(self.dataset, self.programme, self.year, series=self.series)

    @cached_property
    def baseline_warnings(self) -> list[str]:
        """Danish sentences where the data disagree with a published baseline."""
        from sikkerby.report.formatting import baseline_warnings

        return baseline_warnings(self.programme, self.series)

    @cached_property
    def evidence(self):
        """:func:`sikkerby.model.evidence.evaluate` for the reporting year."""
        from sikkerby.model.evidence import evaluate

        return evaluate(self.dataset, self.programme, self.year)

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
