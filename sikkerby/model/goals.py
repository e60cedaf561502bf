"""Every målepunkt's yearly series and the year's goal status (DATA.md §2, §2.1, §4 ``maalstatus.csv``).

The målepunkter, their order, baselines and targets come from the programme
(params/program.yaml); the calculation of each is looked up in
:data:`sikkerby.model.calculations.REGISTRY`; the status rules are :mod:`sikkerby.model.goal_status`.
"""

from __future__ import annotations

import pandas as pd

from sikkerby.config.programme import Programme
from sikkerby.inputs.dataset import Dataset
from sikkerby.model import goal_status
from sikkerby.model.calculations import measure_for

SERIES_COLUMNS = ["maalepunkt_id", "aar", "vaerdi", "ci_nedre", "ci_oevre"]
MAALSTATUS_COLUMNS = ["maalepunkt_id", "maalomraade", "aar", "vaerdi", "ci_nedre", "ci_oevre",
                      "basisaar", "basisvaerdi", "maalaar", "maalvaerdi", "sti_vaerdi", "status"]
_SERIES_DTYPES = {"maalepunkt_id": "str", "aar": "int64", "vaerdi": "float64",
                  "ci_nedre": "float64", "ci_oevre": "float64"}


def _yearly_frame(result: pd.Series | pd.DataFrame, column: str) -> pd.DataFrame:
    """A measure's result as ``aar, vaerdi, ci_nedre, ci_oevre`` (ci missing when the measure has none)."""
    frame = result.to_frame(column) if isinstance(result, pd.Series) else result
    out = pd.DataFrame({"aar": frame.index.to_numpy(dtype="int64"),
                        "vaerdi": frame[column].to_numpy(dtype="float64")})
    for ci in ("ci_nedre", "ci_oevre"):
        out[ci] = frame[ci].to_numpy(dtype="float64") if ci in frame.columns and column == "vaerdi" else float("nan")
    return out[out["vaerdi"].notna()]


def measure_series(dataset: Dataset, programme: Programme) -> pd.DataFrame:
    """Long table ``maalepunkt_id, aar, vaerdi, ci_nedre, ci_oevre``: every målepunkt, every year in the data.

    Rows in program.yaml order, then by year. Each measure is computed once
    (measures shared by several målepunkter, like the closure counts, once in all).
    """
    cache: dict = {}
    parts = []
    for m in programme.maalepunkter:
        measure = measure_for(m.id)
        key = measure.compute if measure.shared else (measure.compute, m.id)
        if key not in cache:
            cache[key] = measure.compute(dataset, programme, m)
        part = _yearly_frame(cache[key], measure.column).sort_values("aar")
        parts.append(part.assign(maalepunkt_id=m.id))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in _SERIES_DTYPES.items()})
    out = pd.concat(parts, ignore_index=True)[SERIES_COLUMNS]
    return out.astype(_SERIES_DTYPES).reset_index(drop=True)


def values_of(series: pd.DataFrame, maalepunkt_id: str) -> pd.Series:
    """One målepunkt's values from a :func:`measure_series` table, as a Series indexed by year."""
    rows = series[series["maalepunkt_id"] == maalepunkt_id]
    return pd.Series(rows["vaerdi"].to_numpy(dtype="float64"),
                     index=pd.Index(rows["aar"].to_numpy(dtype="int64"), name="aar"), name=maalepunkt_id)


def maalstatus(dataset: Dataset, programme: Programme, year: int, series: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``maalstatus.csv`` table of DATA.md §4 for ``year``: one row per målepunkt, program.yaml order.

    ``basisvaerdi`` is the effective baseline (published, else from the data);
    ``sti_vaerdi`` the path value P(year) for kind ``sti`` (empty otherwise or
    before the baseline year). ``series``: a :func:`measure_series` table already
    computed for ``dataset`` (computed here when omitted).
    """
    if series is None:
        series = measure_series(dataset, programme)
    rows = []
    for m in programme.maalepunkter:
        values = values_of(series, m.id)
        this_year = series[(series["maalepunkt_id"] == m.id) & (series["aar"] == year)]
        baseline = goal_status.effective_baseline(m, values)
        path = None
        if m.kind == "sti" and baseline is not None:
            path = goal_status.path_value(baseline, m.baseline_year, m.target_value, m.target_year, year)
        rows.append({
            "maalepunkt_id": m.id,
            "maalomraade": m.goal_area,
            "aar": year,
            "vaerdi": this_year["vaerdi"].iloc[0] if len(this_year) else float("nan"),
            "ci_nedre": this_year["ci_nedre"].iloc[0] if len(this_year) else float("nan"),
            "ci_oevre": this_year["ci_oevre"].iloc[0] if len(this_year) else float("nan"),
            "basisaar": m.baseline_year,
            "basisvaerdi": baseline,
            "maalaar": m.target_year,
            "maalvaerdi": m.target_value,
            "sti_vaerdi": path,
            "status": goal_status.status(m, values, year, baseline=baseline),
        })
    out = pd.DataFrame(rows, columns=MAALSTATUS_COLUMNS)
    return out.astype({
        "maalepunkt_id": "str", "maalomraade": "str", "aar": "int64",
        "vaerdi": "float64", "ci_nedre": "float64", "ci_oevre": "float64",
        "basisaar": "Int64", "basisvaerdi": "float64", "maalaar": "Int64",
        "maalvaerdi": "float64", "sti_vaerdi": "float64", "status": "str",
    })
