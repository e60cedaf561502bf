"""The validated input tables of one data folder (:class:`Dataset`)."""

from __future__ import annotations

from dataclasses import dataclass, fields
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

    @classmethod
    def table_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls) if f.type == "pd.DataFrame")

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

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
