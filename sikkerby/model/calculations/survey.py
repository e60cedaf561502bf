"""The calculation `andel_utrygge`: weighted share of evening/night insecurity (DATA.md §2), with a 95 % CI.

Valid answers are ``tryghed_aften`` 1-5 (missing = ved ikke/uoplyst, excluded).
p = Σw·[answer ∈ {4, 5}] / Σw over valid answers; 95 % CI p ± z·√(p(1−p)/n_eff)
with Kish's effective sample size n_eff = (Σw)²/Σw² over the same respondents.
Values are in percent. The interval is the contract's formula, not clipped to 0-100.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

Z_95 = 1.96
UNSAFE_ANSWERS = (4, 5)

# sides of a reference value, see :func:`ci_side`
UNDER = "under"
OVER = "over"
UAFKLARET = "uafklaret"

COLUMNS = ["vaerdi", "ci_nedre", "ci_oevre", "n", "n_eff"]


def _weighted_share(survey: pd.DataFrame, keys: list[str], z: float,
                    answers: Sequence[int] = UNSAFE_ANSWERS) -> pd.DataFrame:
    answer = survey["tryghed_aften"]
    valid = answer.notna().to_numpy()
    valid_rows = survey.loc[valid, keys]
    w = survey["vaegt"].to_numpy(dtype="float64")[valid]
    if len(w) and np.isfinite(w.max()) and w.max() > 0:
        w = w / w.max()  # p and n_eff do not change with the weights' scale; Σw² then cannot overflow
    unsafe = answer[valid].isin(list(answers)).to_numpy()
    parts = valid_rows.assign(_w=w, _w2=w * w, _wx=np.where(unsafe, w, 0.0), _n=1)
    sums = parts.groupby(keys, sort=True)[["_w", "_w2", "_wx", "_n"]].sum()
    p = sums["_wx"] / sums["_w"]
    n_eff = sums["_w"] ** 2 / sums["_w2"]
    half = z * np.sqrt(p * (1 - p) / n_eff)
    out = pd.DataFrame({
        "vaerdi": 100 * p,
        "ci_nedre": 100 * (p - half),
        "ci_oevre": 100 * (p + half),
        "n": sums["_n"].astype("int64"),
        "n_eff": n_eff,
    })
    return out


def utryghed_aften(survey: pd.DataFrame, z: float = Z_95, answers: Sequence[int] = UNSAFE_ANSWERS) -> pd.DataFrame:
    """Per survey year (index ``aar``): ``vaerdi`` (% of valid answers in ``answers``), ``ci_nedre``,
    ``ci_oevre``, ``n``, ``n_eff`` — the calculation ``andel_utrygge``.

    Years without a single valid answer have no row (no value).
    """
    out = _weighted_share(survey, ["aar"], z, answers)
    out.index = out.index.astype("int64")
    return out[COLUMNS]


def utryghed_aften_by_bydel(survey: pd.DataFrame, year: int, bydele: Sequence[str] | None = None,
                            z: float = Z_95, answers: Sequence[int] = UNSAFE_ANSWERS) -> pd.DataFrame:
    """The measure by ``bydel`` for one survey year, columns ``bydel`` + :data:`COLUMNS`.

    ``bydele`` (e.g. ``programme.bydele_in(year)``) fixes the rows and their order; a bydel
    without valid answers then gets a row with ``n`` = 0 and missing values. A year
    without a single valid answer has no rows at all (nothing was measured).
    """
    rows = survey[survey["aar"] == year]
    out = _weighted_share(rows, ["bydel"], z, answers)
    if bydele is not None and len(out):
        out = out.reindex(pd.Index(list(bydele), name="bydel"))
        out["n"] = out["n"].fillna(0).astype("int64")
    return out[COLUMNS].reset_index()


def ci_side(lower: float, upper: float, reference: float) -> str:
    """Where a confidence interval lies relative to ``reference`` (a path or target value).

    ``under``: the whole interval is below the reference; ``over``: the whole
    interval is above it; ``uafklaret``: the interval contains (or touches) it, so
    the comparison is not statistically clear.
    """
    if upper < reference:
        return UNDER
    if lower > reference:
        return OVER
    return UAFKLARET


def is_clear(lower: float, upper: float, reference: float) -> bool:
    """True when the comparison with ``reference`` is statistically clear (see :func:`ci_side`)."""
    return ci_side(lower, upper, reference) != UAFKLARET
