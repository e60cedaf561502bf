"""The validated input tables of one data folder (:class:`Dataset`)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Dataset:
    """All seven inputs, validated and typed as described in :mod:`sikkerby.inputs.contract`."""

    tryghedsundersoegelse: pd.DataFrame
    tryghedsindeks: pd.DataFrame
    lukninger: pd.DataFrame
    sigtelser: pd.DataFrame
    bandelog: pd.DataFrame
    aktiviteter: pd.DataFrame
    succeskriterier: pd.DataFrame
    source_dir: Path
    source_files: dict[str, Path]  # input name -> the file that was read
    # Plausibility findings beyond the contract (DATA.md §1), one Danish sentence each, naming file, row and
    # column: for the run log and the publication's note on data quality. Never a reason to refuse.
    warnings: tuple[str, ...] = ()
    # the dataset cache's key of the inputs it was read from (files, programme, package), when known:
    # what results computed from it can be kept under in this process
    key: str | None = field(default=None, compare=False)

    @classmethod
    def table_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls) if f.type == "pd.DataFrame")

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def copy(self, key: str | None = None) -> Dataset:
        """A dataset whose tables are copies of these (pandas' copy-on-write: nothing is copied until
        one of them is changed), so that a caller changing a table changes nobody else's."""
        return replace(self, key=key or self.key,
                       **{name: self.table(name).copy(deep=False) for name in self.table_names()})

    def years(self) -> set[int]:
        """The calendar years some input has a row for (an ``aar`` or a date in that year)."""
        found: set[int] = set()
        for name in self.table_names():
            table = self.table(name)
            for column in ("aar", "startdato", "slutdato", "dato"):
                if column in table.columns:
                    values = table[column]
                    values = values.dt.year if column != "aar" else values
                    found.update(int(y) for y in pd.unique(values.dropna()))
        return found
