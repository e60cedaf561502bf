"""Synthetic respondents of the yearly tryghedsundersøgelse (DATA.md §1.1).

Each year a few thousand respondents are drawn across the ten bydele (small bydele
over-sampled, as survey vendors do), given design weights that restore the bydele's
population shares, and answer the evening-safety question with a probability that
depends on bydel, sex and age. A last calibration step scales the weights of the
"utryg" respondents by a factor close to 1, so the weighted share of answers 4-5
among the valid answers is exactly the designed figure of :mod:`scenario`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sikkerby.sample import scenario

# Relative risk of feeling unsafe in the evening, by bydel (Nørrebro and Bispebjerg highest).
_BYDEL_RISK = {
    "Indre By": 0.9, "Østerbro": 0.6, "Nørrebro": 1.5, "Vesterbro/Kongens Enghave": 1.1,
    "Valby": 0.9, "Vanløse": 0.7, "Brønshøj-Husum": 1.25, "Bispebjerg": 1.4,
    "Amager Øst": 0.9, "Amager Vest": 1.2,
}
_INVALID_9 = 0.025  # share answering 9 "ved ikke"
_INVALID_EMPTY = 0.015  # share with no answer at all
_RESPONDENTS = (2800, 3600)  # respondents a year at scale 1 (uniform range)


def make_tryghedsundersoegelse(rng: np.random.Generator, scale: int = 1) -> pd.DataFrame:
    """One row per respondent for every year in :data:`scenario.UTRYGHED_AFTEN`."""
    years = sorted(scenario.UTRYGHED_AFTEN)
    return pd.concat([_one_year(rng, year, scale) for year in years], ignore_index=True)


def _one_year(rng: np.random.Generator, year: int, scale: int) -> pd.DataFrame:
    bydele = np.array(list(scenario.BYDELE))
    population = np.array(list(scenario.BYDELE.values()), dtype=float)
    n = int(rng.integers(*_RESPONDENTS) * scale)

    # Sample: roughly equal numbers per bydel (square-root allocation), so small ones are over-sampled.
    alloc = np.sqrt(population) / np.sqrt(population).sum()
    bydel_idx = np.sort(rng.choice(len(bydele), size=n, p=alloc))
    koen = np.where(rng.random(n) < 0.52, "k", "m")
    alder = np.clip(np.round(rng.normal(46, 17, n)), 16, 90).astype(np.int64)

    # Design weights: population share / sample share, with non-response noise, mean 1.
    sample_share = np.bincount(bydel_idx, minlength=len(bydele)) / n
    weight = (population / population.sum())[bydel_idx] / sample_share[bydel_idx]
    weight = weight * rng.lognormal(0.0, 0.3, n)

    # Answers: latent risk by bydel, sex and age; scaled to the designed share on average.
    risk = np.array([_BYDEL_RISK[b] for b in bydele])[bydel_idx]
    risk = risk * np.where(koen == "k", 1.35, 0.75) * (0.8 + 0.006 * (alder - 16))
    target = scenario.UTRYGHED_AFTEN[year] / 100
    p_utryg = np.clip(risk * target / np.average(risk, weights=weight), 0, 0.95)
    utryg = rng.random(n) < p_utryg
    answer = np.where(
        utryg,
        np.where(rng.random(n) < 0.3, 5, 4),
        rng.choice([1, 2, 3], size=n, p=[0.35, 0.45, 0.20]),
    )
    u = rng.random(n)
    answer = np.where(u < _INVALID_9, 9, answer)
    valid = u >= _INVALID_9 + _INVALID_EMPTY
    svar = pd.array(answer, dtype="Int64")
    svar[(u >= _INVALID_9) & ~valid] = pd.NA

    # Calibrate: scale the weights of valid "utryg" answers so the weighted share is exact.
    is_utryg = valid & (answer >= 4)
    w_utryg = weight[is_utryg].sum()
    w_tryg = weight[valid & ~is_utryg].sum()
    factor = target * w_tryg / ((1 - target) * w_utryg)
    weight = np.where(is_utryg, weight * factor, weight)
    weight = np.round(weight / weight.mean(), 6)

    return pd.DataFrame({
        "aar": np.full(n, year, dtype=np.int64),
        "respondent_id": _ids(year, n),
        "bydel": bydele[bydel_idx],
        "vaegt": weight,
        "tryghed_aften": svar,
        "koen": koen,
        "alder": alder,
    })


def _ids(year: int, n: int) -> np.ndarray:
    """Respondent ids like ``2013-00042`` (never ten digits in a row: nothing CPR-like)."""
    return np.strings.add(f"{year}-", np.strings.zfill(np.arange(1, n + 1).astype(str), 5))
