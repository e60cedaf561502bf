"""Status of an indikator for a reporting year: DATA.md §2.1, as pure functions.

An indikator's values are a ``pandas.Series`` indexed by year (int). The rules:

- no value for Y → ``ikke_vurderbar``
- Y = b (baseline year) → ``basisaar``
- kind ``sti``: path P(Y) = B + (T − B)·(Y − b)/(t − b).
  Y < t: ``paa_sporet`` if V(Y) ≤ P(Y) and the yearly requirement holds
  (against V(Y−1), where V(b) is B; skipped when V(Y−1) is missing),
  else ``ikke_paa_sporet``. Y ≥ t: ``naaet`` if V(Y) ≤ T, else ``ikke_naaet``.
- kind ``retning``: V(Y) < B → ``paa_sporet`` (Y < t) / ``naaet`` (Y ≥ t),
  else ``ikke_paa_sporet`` / ``ikke_naaet``.
- kind ``krav``: ``naaet`` if V(Y) ≥ T (the requirement, 100), else ``ikke_naaet``; every year.

Decisions not fixed by DATA.md (documented here and tested):

- A year *before* the baseline year (e.g. the Tryghedsindeks of 2010) has no
  status: the goal did not exist yet → ``ikke_vurderbar``. Kind ``krav`` has
  no baseline year and is judged in every year with a value.
- Kinds ``sti``/``retning`` without an effective baseline (empty in
  program.yaml and no value in the data for the baseline year) → ``ikke_vurderbar``
  (after ``basisaar`` for Y = b).
- The path P(Y) is defined for b ≤ Y; after the target year it stays at T.
- Comparisons use unrounded values, but two values equal up to floating-point
  noise (:data:`TOLERANCE`) count as equal: ``16.4 − 15.4`` is
  ``0.9999999999999982`` in binary floating point and is a fall of exactly 1.0.
- The effective baseline B is the published value in program.yaml; when that
  is empty, the data's value in the baseline year. A published baseline that
  differs from the data is kept (authoritative) and reported by
  :func:`baseline_discrepancy`, never raised as an error. "Differs" means: the
  published figure cannot be the data's value rounded to the decimals the
  figure is written with (17.5 → 1 decimal: data within 17.45-17.55 agree;
  283 → 0 decimals: data within 282.5-283.5 agree).
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from sikkerby.config.programme import Indikator, YearlyRequirement, reduced

NAAET = "naaet"
IKKE_NAAET = "ikke_naaet"
PAA_SPORET = "paa_sporet"
IKKE_PAA_SPORET = "ikke_paa_sporet"
BASISAAR = "basisaar"
IKKE_VURDERBAR = "ikke_vurderbar"
STATUSES = (NAAET, IKKE_NAAET, PAA_SPORET, IKKE_PAA_SPORET, BASISAAR, IKKE_VURDERBAR)

TOLERANCE = 1e-9


def _le(a: float, b: float) -> bool:
    """a ≤ b, with values equal up to floating-point noise counting as equal."""
    return a <= b + TOLERANCE


def _lt(a: float, b: float) -> bool:
    """a < b by more than floating-point noise."""
    return a < b - TOLERANCE


def value_in(series: pd.Series, year: int) -> float | None:
    """The series' value for ``year`` as a float; ``None`` when absent or missing."""
    if series is None or year not in series.index:
        return None
    value = series.loc[year]
    if pd.isna(value):
        return None
    return float(value)


def path_value(baseline: float, baseline_year: int, target: float, target_year: int, year: int) -> float | None:
    """P(Y) = B + (T − B)·(Y − b)/(t − b) for b ≤ Y ≤ t; T after t; ``None`` before b."""
    if year < baseline_year:
        return None
    if year >= target_year:
        return float(target)
    return baseline + (target - baseline) * (year - baseline_year) / (target_year - baseline_year)


def requirement_holds(requirement: YearlyRequirement, value: float, previous: float) -> bool:
    """The yearly requirement: V(Y) falls from V(Y−1) by at least ``min_fall`` (strict: by more)."""
    fall = previous - value
    if requirement.strict:
        return fall > requirement.min_fall + TOLERANCE
    return fall >= requirement.min_fall - TOLERANCE


def previous_value(indikator: Indikator, series: pd.Series, year: int,
                   baseline: float | None = None) -> float | None:
    """V(Y−1) as the yearly requirement sees it: the baseline B when Y−1 is the baseline year.

    ``baseline`` overrides the effective baseline. ``None`` when the value is missing.
    """
    if indikator.baseline_year is not None and year - 1 == indikator.baseline_year:
        return effective_baseline(indikator, series) if baseline is None else float(baseline)
    return value_in(series, year - 1)


def effective_baseline(indikator: Indikator, series: pd.Series) -> float | None:
    """B: the published baseline; if empty, the data's value in the baseline year (else ``None``)."""
    if indikator.baseline_value is not None:
        return float(indikator.baseline_value)
    if indikator.baseline_year is None:
        return None
    return value_in(series, indikator.baseline_year)


def published_decimals(value: float) -> int:
    """How many decimals a published figure is written with (17.5 → 1, 283.0 → 0, 1.25 → 2)."""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def baseline_discrepancy(indikator: Indikator, series: pd.Series) -> float | None:
    """The data's baseline-year value when it differs from the published baseline, else ``None``.

    ``None`` when there is no published baseline, no data for the baseline year,
    or the data agree at the precision the baseline is published with (the
    published figure can be the data's value rounded). The sentence a reader sees
    is :func:`sikkerby.report.formatting.baseline_warning`.
    """
    if indikator.baseline_value is None or indikator.baseline_year is None:
        return None
    data_value = value_in(series, indikator.baseline_year)
    if data_value is None:
        return None
    half_unit = 0.5 * 10.0 ** -published_decimals(indikator.baseline_value)
    if abs(data_value - indikator.baseline_value) <= half_unit + TOLERANCE:
        return None  # the published figure is the data's value, rounded
    return data_value


def effective_target(indikator: Indikator, baseline: float | None) -> float | None:
    """T: the target value; for a target given as ``reduction_pct`` on a baseline taken from the data,
    B·(1 − pct/100). ``None`` for kind ``retning`` (no level, only a direction)."""
    if indikator.target_value is not None:
        return float(indikator.target_value)
    if indikator.target_reduction_pct is not None and baseline is not None:
        return reduced(float(baseline), indikator.target_reduction_pct)
    return None


def status(indikator: Indikator, series: pd.Series, year: int, baseline: float | None = None) -> str:
    """The §2.1 status of ``indikator`` in ``year`` given its yearly ``series``.

    ``baseline`` overrides the effective baseline (default: :func:`effective_baseline`).
    """
    value = value_in(series, year)
    if value is None:
        return IKKE_VURDERBAR
    kind = indikator.kind
    if kind == "krav":
        return NAAET if value >= indikator.target_value - TOLERANCE else IKKE_NAAET
    b = indikator.baseline_year
    t = indikator.target_year
    if year < b:
        return IKKE_VURDERBAR
    if year == b:
        return BASISAAR
    B = effective_baseline(indikator, series) if baseline is None else float(baseline)
    if B is None:
        return IKKE_VURDERBAR
    reached_target_year = year >= t
    if kind == "retning":
        better = _lt(value, B)
        if reached_target_year:
            return NAAET if better else IKKE_NAAET
        return PAA_SPORET if better else IKKE_PAA_SPORET
    if kind == "sti":
        T = effective_target(indikator, B)
        if T is None:
            return IKKE_VURDERBAR
        if reached_target_year:
            return NAAET if _le(value, T) else IKKE_NAAET
        on_path = _le(value, path_value(B, b, T, t, year))
        requirement = indikator.yearly_requirement
        if on_path and requirement is not None:
            previous = previous_value(indikator, series, year, baseline=B)
            if previous is not None:
                on_path = requirement_holds(requirement, value, previous)
        return PAA_SPORET if on_path else IKKE_PAA_SPORET
    raise ValueError(f"unknown kind {kind!r} for indikator {indikator.id}")
