"""Generate and write the synthetic sample data (the seven input files of DATA.md §1).

The data are SYNTHETIC: made up by this module, calibrated so that 2013 gives the
programme's published baselines and 2014-2017 a realistic mix of statuses (see
:mod:`sikkerby.sample.scenario`). The same ``seed`` and ``scale`` give the same
files, byte for byte. ``sikkerby sample-data --out DIR`` calls :func:`write_sample_data`.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from sikkerby.inputs.contract import INPUTS_BY_NAME
from sikkerby.sample.activities import make_aktiviteter, make_succeskriterier
from sikkerby.sample.areas import make_tryghedsindeks
from sikkerby.sample.charges import make_sigtelser
from sikkerby.sample.closures import make_lukninger
from sikkerby.sample.gang_log import make_bandelog
from sikkerby.sample.survey import make_tryghedsundersoegelse

SEED = 20140101  # the project's fixed seed: the bundled files are made with it

_TABLES = ("tryghedsundersoegelse", "tryghedsindeks", "lukninger", "sigtelser",
           "bandelog", "aktiviteter", "succeskriterier")


def generate_sample_data(scale: int = 1, seed: int | None = None) -> dict[str, pd.DataFrame]:
    """The seven input tables as DataFrames, keyed by input name (DATA.md §1).

    ``scale`` multiplies survey respondents, closures and activities (with their
    criteria) for benchmarks; ``seed`` defaults to :data:`SEED`.
    """
    if not isinstance(scale, (int, np.integer)) or scale < 1:
        raise ValueError(f"scale must be a positive integer, not {scale!r}")
    scale = int(scale)
    # One independent stream per table: changing one table's recipe leaves the others as they are.
    streams = dict(zip(_TABLES, (np.random.default_rng(s) for s in
                                 np.random.SeedSequence(SEED if seed is None else seed).spawn(len(_TABLES)))))
    aktiviteter = make_aktiviteter(streams["aktiviteter"], scale)
    tables = {
        "tryghedsundersoegelse": make_tryghedsundersoegelse(streams["tryghedsundersoegelse"], scale),
        "tryghedsindeks": make_tryghedsindeks(streams["tryghedsindeks"]),
        "lukninger": make_lukninger(streams["lukninger"], scale),
        "sigtelser": make_sigtelser(streams["sigtelser"]),
        "bandelog": make_bandelog(streams["bandelog"]),
        "aktiviteter": aktiviteter,
        "succeskriterier": make_succeskriterier(streams["succeskriterier"], aktiviteter),
    }
    return {name: table[list(INPUTS_BY_NAME[name].column_names)] for name, table in tables.items()}


def write_sample_data(out: str | os.PathLike, scale: int = 1, seed: int | None = None) -> list[Path]:
    """Write the seven CSV files into ``out`` (created if needed); returns their paths.

    Plain UTF-8 (no BOM), comma-separated, ``.`` decimals, ISO dates, ``ja``/``nej``
    booleans, ``\\n`` line ends; empty cells for missing values.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in generate_sample_data(scale=scale, seed=seed).items():
        path = out / f"{name}.csv"
        to_csv_text(table).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
    return paths


def to_csv_text(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with dates as ``YYYY-MM-DD`` and booleans as ``ja``/``nej`` (other columns unchanged)."""
    out = table.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_bool_dtype(series):
            out[col] = np.where(series.to_numpy(bool), "ja", "nej")
        elif pd.api.types.is_datetime64_any_dtype(series):
            out[col] = series.dt.strftime("%Y-%m-%d")
    return out
