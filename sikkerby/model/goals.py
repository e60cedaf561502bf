"""Every indikator's yearly series and the year's goal status (DATA.md §2, §2.1, §4 ``maalstatus.csv``).

The målepunkter and indikatorer, their order, baselines and targets come from the
programme; each indikator's calculation is looked up by name in
:data:`sikkerby.model.calculations.REGISTRY`; the status rules are
:mod:`sikkerby.model.goal_status`.
"""

from __future__ import annotations

import pandas as pd

from sikkerby.config.programme import Programme
from sikkerby.inputs.tables import Dataset
from sikkerby.model import goal_status
from sikkerby.model.calculations import calculation_for

SERIES_COLUMNS = ["indikator_id", "aar", "vaerdi", "ci_nedre", "ci_oevre"]
MAALSTATUS_COLUMNS = ["maalepunkt_nr", "indikator_id", "maalomraade", "aar", "vaerdi", "ci_nedre", "ci_oevre",
                      "basisaar", "basisvaerdi", "maalaar", "maalvaerdi", "sti_vaerdi", "status", "maal_foreloebigt"]
_SERIES_DTYPES = {"indikator_id": "str", "aar": "int64", "vaerdi": "float64",
                  "ci_nedre": "float64", "ci_oevre": "float64"}
_MAALSTATUS_DTYPES = {
    "maalepunkt_nr": "int64", "indikator_id": "str", "maalomraade": "str", "aar": "int64",
    "vaerdi": "float64", "ci_nedre": "float64", "ci_oevre": "float64",
    "basisaar": "Int64", "basisvaerdi": "float64", "maalaar": "Int64",
    "maalvaerdi": "float64", "sti_vaerdi": "float64", "status": "str", "maal_foreloebigt": "str",
}


def _yearly_frame(result: pd.Series | pd.DataFrame, column: str) -> pd.DataFrame:
    """A calculation's result as ``aar, vaerdi, ci_nedre, ci_oevre`` (ci missing when it has none)."""
    frame = result.to_frame(column) if isinstance(result, pd.Series) else result
    out = pd.DataFrame({"aar": frame.index.to_numpy(dtype="int64"),
                        "vaerdi": frame[column].to_numpy(dtype="float64")})
    for ci in ("ci_nedre", "ci_oevre"):
        out[ci] = frame[ci].to_numpy(dtype="float64") if ci in frame.columns and column == "vaerdi" else float("nan")
    return out[out["vaerdi"].notna()]


def measure_series(dataset: Dataset, programme: Programme) -> pd.DataFrame:
    """Long table ``indikator_id, aar, vaerdi, ci_nedre, ci_oevre``: every indikator, every year in the data.

    Rows in programme order, then by year. Each calculation is computed once per distinct
    set of parameters (calculations shared by several indikatorer, like the closure counts, once in all).
    """
    cache: dict = {}
    parts = []
    for indikator in programme.indikatorer:
        calculation = calculation_for(indikator)
        key = (calculation.compute,) if calculation.shared else (
            calculation.compute, tuple(sorted((k, repr(v)) for k, v in indikator.parameters.items())))
        if key not in cache:
            cache[key] = calculation.compute(dataset, indikator)
        part = _yearly_frame(cache[key], calculation.column).sort_values("aar")
        parts.append(part.assign(indikator_id=indikator.id))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in _SERIES_DTYPES.items()})
    out = pd.concat(parts, ignore_index=True)[SERIES_COLUMNS]
    return out.astype(_SERIES_DTYPES).reset_index(drop=True)


def values_of(series: pd.DataFrame, indikator_id: str) -> pd.Series:
    """One indikator's values from a :func:`measure_series` table, as a Series indexed by year."""
    rows = series[series["indikator_id"] == indikator_id]
    return pd.Series(rows["vaerdi"].to_numpy(dtype="float64"),
                     index=pd.Index(rows["aar"].to_numpy(dtype="int64"), name="aar"), name=indikator_id)


def maalstatus(dataset: Dataset, programme: Programme, year: int, series: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``maalstatus.csv`` table of DATA.md §4 for ``year``: one row per indikator, programme order.

    ``basisvaerdi`` is the effective baseline (published, else from the data); ``maalvaerdi``
    the effective target (a ``reduction_pct`` applied to it); ``sti_vaerdi`` the path value
    P(year) for kind ``sti`` (empty otherwise or before the baseline year); ``maal_foreloebigt``
    ``ja`` while the programme calls the target provisional. ``series``: a
    :func:`measure_series` table already computed for ``dataset`` (computed here when omitted).
    """
    if series is None:
        series = measure_series(dataset, programme)
    rows = []
    for indikator in programme.indikatorer:
        values = values_of(series, indikator.id)
        this_year = series[(series["indikator_id"] == indikator.id) & (series["aar"] == year)]
        baseline = goal_status.effective_baseline(indikator, values)
        target = goal_status.effective_target(indikator, baseline)
        path = None
        if indikator.kind == "sti" and baseline is not None and target is not None:
            path = goal_status.path_value(baseline, indikator.baseline_year, target, indikator.target_year, year)
        rows.append({
            "maalepunkt_nr": indikator.maalepunkt_nr,
            "indikator_id": indikator.id,
            "maalomraade": indikator.goal_area,
            "aar": year,
            "vaerdi": this_year["vaerdi"].iloc[0] if len(this_year) else float("nan"),
            "ci_nedre": this_year["ci_nedre"].iloc[0] if len(this_year) else float("nan"),
            "ci_oevre": this_year["ci_oevre"].iloc[0] if len(this_year) else float("nan"),
            "basisaar": indikator.baseline_year,
            "basisvaerdi": baseline,
            "maalaar": indikator.target_year,
            "maalvaerdi": target,
            "sti_vaerdi": path,
            "status": goal_status.status(indikator, values, year, baseline=baseline),
            "maal_foreloebigt": "ja" if indikator.is_provisional else "nej",
        })
    out = pd.DataFrame(rows, columns=MAALSTATUS_COLUMNS)
    return out.astype(_MAALSTATUS_DTYPES)
