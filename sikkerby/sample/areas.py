"""Synthetic Tryghedsindeks: every local area's need for a safety effort (DATA.md §1.2).

About 35 areas a year, 2010-2017. Each area has a latent safety level (lower for the
well-known vulnerable housing areas) that drifts from year to year; some areas enter
the index late or leave it early. Each year the areas are ranked on the level and the
worst ones, exactly as many as :data:`scenario.OMRAADER_INDSATSBEHOV` says, get an
``intensiveret`` or ``markant`` need; ``indeksvaerdi`` (higher = tryggere) follows the
same ranking, so the categories and the index values agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sikkerby.sample import scenario

# (area, bydel, base level: lower = less safe, always in the index?)
_AREAS: tuple[tuple[str, str, float, bool], ...] = (
    ("Mjølnerparken", "Nørrebro", -2.2, True),
    ("Blågårdskvarteret", "Nørrebro", -1.8, True),
    ("Aldersrogade-kvarteret", "Nørrebro", -1.5, True),
    ("Nørrebroparken", "Nørrebro", -0.6, True),
    ("Assistens-kvarteret", "Nørrebro", 0.2, True),
    ("Tingbjerg", "Brønshøj-Husum", -2.0, True),
    ("Husum Nord", "Brønshøj-Husum", -0.9, True),
    ("Brønshøj Torv", "Brønshøj-Husum", 0.8, False),
    ("Lundtoftegade", "Bispebjerg", -1.6, True),
    ("Bispeparken", "Bispebjerg", -1.2, True),
    ("Nordvest-kvarteret", "Bispebjerg", -0.7, True),
    ("Bispebjerg Bakke", "Bispebjerg", 0.4, False),
    ("Urbanplanen", "Amager Øst", -1.9, True),
    ("Hørgården", "Amager Øst", -1.4, True),
    ("Amagerbro", "Amager Øst", 0.3, True),
    ("Sundbyøster", "Amager Øst", 0.6, False),
    ("Sjælør Boulevard", "Vesterbro/Kongens Enghave", -1.0, True),
    ("Sydhavnen", "Vesterbro/Kongens Enghave", -0.4, True),
    ("Enghave Plads", "Vesterbro/Kongens Enghave", 0.1, True),
    ("Istedgade-kvarteret", "Vesterbro/Kongens Enghave", -0.8, True),
    ("Kødbyen", "Vesterbro/Kongens Enghave", 0.5, False),
    ("Folehaven", "Valby", -1.3, True),
    ("Akacieparken", "Valby", -1.1, True),
    ("Valby Centrum", "Valby", 0.6, True),
    ("Gammel Jernbanevej", "Valby", 0.9, False),
    ("Vanløse Centrum", "Vanløse", 1.0, True),
    ("Jyllingevej", "Vanløse", 1.3, False),
    ("Indre By Nord", "Indre By", 0.7, True),
    ("Christianshavn", "Indre By", -0.3, True),
    ("Rådhuspladsen og Strøget", "Indre By", -0.5, True),
    ("Nyhavn", "Indre By", 0.9, False),
    ("Ydre Østerbro", "Østerbro", 1.4, True),
    ("Nordhavn", "Østerbro", 1.5, False),
    ("Kildevældskvarteret", "Østerbro", 0.5, True),
    ("Sundby Vest", "Amager Vest", -0.2, True),
    ("Ørestad", "Amager Vest", 0.9, True),
    ("Kalvebod", "Amager Vest", 0.2, False),
    ("Islands Brygge", "Amager Vest", 1.1, True),
    ("Kastrupvej", "Amager Vest", 0.4, False),
    ("Bellahøj", "Brønshøj-Husum", -0.1, False),
)
_NEEDS_BELOW = ("ordinær", "reduceret", "minimal")  # from more to less need


def make_tryghedsindeks(rng: np.random.Generator) -> pd.DataFrame:
    """One row per area present in the index and year in :data:`scenario.OMRAADER_INDSATSBEHOV`."""
    years = np.array(sorted(scenario.OMRAADER_INDSATSBEHOV))
    names = np.array([a[0] for a in _AREAS])
    bydele = np.array([a[1] for a in _AREAS])
    base = np.array([a[2] for a in _AREAS])
    always = np.array([a[3] for a in _AREAS])
    n_areas, n_years = len(_AREAS), len(years)

    # Occasional areas are in the index for a contiguous run of years (entering and leaving).
    first = rng.integers(0, n_years - 2, n_areas)
    last = np.minimum(first + rng.integers(3, n_years + 1, n_areas), n_years) - 1
    year_idx = np.arange(n_years)
    present = always[:, None] | ((year_idx >= first[:, None]) & (year_idx <= last[:, None]))

    # Latent level: base + a slow improvement + an AR(1)-like drift.
    drift = np.cumsum(rng.normal(0, 0.25, (n_areas, n_years)), axis=1)
    level = base[:, None] + 0.08 * year_idx[None, :] + drift

    rows = []
    for j, year in enumerate(years):
        idx = np.flatnonzero(present[:, j])
        order = idx[np.argsort(level[idx, j], kind="stable")]  # worst first
        k = scenario.OMRAADER_INDSATSBEHOV[int(year)]
        n_markant = k // 3
        need = np.empty(len(order), dtype=object)
        need[:n_markant] = "markant"
        need[n_markant:k] = "intensiveret"
        rest = np.array_split(np.arange(k, len(order)), len(_NEEDS_BELOW))
        for label, part in zip(_NEEDS_BELOW, rest):
            need[part] = label
        # Index value: 100 is the city average; one rank step is a couple of points.
        ranks = np.arange(len(order))
        value = np.round(70 + 60 * ranks / (len(order) - 1) + rng.uniform(0, 1.5, len(order)), 1)
        rows.append(pd.DataFrame({
            "aar": np.full(len(order), year, dtype=np.int64),
            "omraade": names[order],
            "bydel": bydele[order],
            "indsatsbehov": need.astype(str),
            "indeksvaerdi": value,
        }))
    return pd.concat(rows, ignore_index=True).sort_values(["aar", "omraade"], ignore_index=True)
