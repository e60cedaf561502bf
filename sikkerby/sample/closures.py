"""Synthetic register of closures of municipal institutions and services (DATA.md §1.3).

Built backwards from the designed counts of :mod:`scenario`, so the counts are exact:

1. each year, choose which institutions close (``LUKKEDE_INSTITUTIONER``) and split the
   year's closed days (``LUKKEDAGE``) between them;
2. split each institution's days into a few episodes and place them in the year,
   apart from each other; an institution closed over New Year has its last episode
   end on 31 December and its first of the next year start on 1 January, and the two
   become one closure;
3. some episodes are registered twice (a second closure overlapping the first), which
   adds no closed day;
4. planned closures are added (they count nowhere);
5. every unplanned closure gets a handleplan date on or before the 3rd working day
   after its start, except ``SENE_HANDLEPLANER`` per start year: late or missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sikkerby.model.calculations.working_days import add_working_days
from sikkerby.sample import scenario

# (institution, forvaltning, bydel)
_INSTITUTIONS: tuple[tuple[str, str, str], ...] = (
    ("Klubben Mjølnerparken", "BUF", "Nørrebro"),
    ("Fritidscenter Blågården", "BUF", "Nørrebro"),
    ("Ungdomsklubben Tingbjerg", "BUF", "Brønshøj-Husum"),
    ("Klub Urbanplanen", "BUF", "Amager Øst"),
    ("Fritidsklubben Lundtoftegade", "BUF", "Bispebjerg"),
    ("Juniorklubben Folehaven", "BUF", "Valby"),
    ("Værestedet 18+ Nørrebro", "SOF", "Nørrebro"),
    ("Gadeplansteamet Nordvest", "SOF", "Bispebjerg"),
    ("Familiehuset Sydhavnen", "SOF", "Vesterbro/Kongens Enghave"),
    ("Biblioteket Blågårds Plads", "KFF", "Nørrebro"),
    ("Tingbjerg Bibliotek", "KFF", "Brønshøj-Husum"),
    ("Kulturhuset Islands Brygge", "KFF", "Amager Vest"),
    ("Borgerservice Nørrebro", "KFF", "Nørrebro"),
    ("Jobcenter København, afdeling Nørrebro", "BIF", "Nørrebro"),
    ("Ungdommens Uddannelsesvejledning Amager", "BIF", "Amager Øst"),
    ("Park- og vejdrift, Mimersparken", "TMF", "Nørrebro"),
    ("Byrumsdrift Urbanplanen", "TMF", "Amager Øst"),
    ("Sundhedshuset Bispebjerg", "SUF", "Bispebjerg"),
    ("Hjemmeplejen Amager Vest", "SUF", "Amager Vest"),
    ("Lokaludvalgssekretariatet Bispebjerg", "ØKF", "Bispebjerg"),
)
_AARSAGER = (
    "Uro i området",
    "Trusler mod personale",
    "Skyderi i nærområdet",
    "Hærværk og indbrud",
    "Konflikt mellem grupperinger",
    "Lukket som pædagogisk redskab",
)
_PLANLAGTE_AARSAGER = ("Personaledag", "Renovering", "Sommerlukning", "Flytning")
_MEAN_EPISODE = (5.0, 12.0)  # mean episode length in days, drawn per institution-year
_DOUBLE_REGISTRATIONS = 2  # episodes registered twice per year at scale 1
_MISSING_EVERY = 3  # every third late handleplan is missing altogether


def make_lukninger(rng: np.random.Generator, scale: int = 1) -> pd.DataFrame:
    """All closures 2013-2017, unplanned and planned, sorted by start date."""
    years = sorted(scenario.LUKKEDAGE)
    pool = _institution_pool(scale)
    chosen = _choose_institutions(rng, years, len(pool), scale)

    episodes = []  # (institution index, start, end) as datetime64[D]
    carry: dict[int, np.datetime64] = {}  # institution -> start of an episode running over New Year
    for year in years:
        inst, span_out = chosen[year]
        days = _split(rng, scenario.LUKKEDAGE[year] * scale, len(inst), minimum=1)
        span_in = set(carry)
        for i, d in zip(inst, days):
            starts, ends = _place(rng, year, int(d), start_jan1=i in span_in, end_dec31=i in span_out)
            if i in span_in:  # join with last year's episode ending 31 December
                starts[0] = carry.pop(i)
            if i in span_out:
                carry[i] = starts[-1]
                starts, ends = starts[:-1], ends[:-1]
            episodes.extend((i, s, e) for s, e in zip(starts, ends))
    assert not carry, "a New Year closure was not continued"

    inst_idx = np.array([e[0] for e in episodes])
    start = np.array([e[1] for e in episodes], dtype="datetime64[D]")
    end = np.array([e[2] for e in episodes], dtype="datetime64[D]")
    inst_idx, start, end = _double_registrations(rng, inst_idx, start, end, scale)
    unplanned = pd.DataFrame({"inst": inst_idx, "start": start, "end": end, "planlagt": False})
    unplanned["aarsag"] = rng.choice(_AARSAGER, size=len(unplanned))
    unplanned["handleplan"] = _handleplaner(rng, unplanned["start"].to_numpy("datetime64[D]"), scale)

    planned = _planned(rng, years, len(pool), scale)
    closures = pd.concat([unplanned, planned], ignore_index=True)
    closures = closures.sort_values(["start", "end", "inst", "planlagt"], kind="stable", ignore_index=True)

    start_year = closures["start"].dt.year
    number = closures.groupby(start_year).cumcount() + 1
    names = np.array([p[0] for p in pool])
    return pd.DataFrame({
        "lukning_id": "L" + start_year.astype(str) + "-" + number.astype(str).str.zfill(4),
        "institution": names[closures["inst"]],
        "forvaltning": np.array([p[1] for p in pool])[closures["inst"]],
        "bydel": np.array([p[2] for p in pool])[closures["inst"]],
        "startdato": closures["start"],
        "slutdato": closures["end"],
        "planlagt": closures["planlagt"].to_numpy(bool),
        "aarsag": closures["aarsag"].astype(str),
        "handleplan_dato": closures["handleplan"],
    })


def _institution_pool(scale: int) -> list[tuple[str, str, str]]:
    """The base institutions, repeated with a numbered unit name when ``scale`` > 1."""
    pool = list(_INSTITUTIONS)
    for copy in range(2, scale + 1):
        pool += [(f"{name}, enhed {copy}", forv, bydel) for name, forv, bydel in _INSTITUTIONS]
    return pool


def _choose_institutions(rng, years, pool_size, scale) -> dict[int, tuple[list[int], set[int]]]:
    """Per year: the institutions closing, and those of them still closed on 31 December.

    An institution closed over New Year is among the next year's institutions too; it
    is never one that already came in from the year before (no closure spans a whole year).
    """
    chosen: dict[int, tuple[list[int], set[int]]] = {}
    carried: list[int] = []
    for year in years:
        k = scenario.LUKKEDE_INSTITUTIONER[year] * scale
        others = np.setdiff1d(np.arange(pool_size), carried)
        picked = [int(i) for i in rng.choice(others, size=k - len(carried), replace=False)]
        n_out = scale if (year, year + 1) in scenario.NYTAARSLUKNINGER else 0
        chosen[year] = (sorted(carried + picked), set(picked[:n_out]))
        carried = picked[:n_out]
    return chosen


def _split(rng, total: int, parts: int, minimum: int) -> np.ndarray:
    """``total`` split into ``parts`` random integers, each at least ``minimum``."""
    share = rng.dirichlet(np.full(parts, 2.0))
    return minimum + rng.multinomial(total - minimum * parts, share)


def _place(rng, year: int, days: int, start_jan1: bool, end_dec31: bool):
    """Episodes covering exactly ``days`` days of ``year``, at least one open day apart."""
    first = np.datetime64(f"{year}-01-01")
    length_of_year = int((np.datetime64(f"{year + 1}-01-01") - first).astype(int))
    n_ep = int(np.clip(round(days / rng.uniform(*_MEAN_EPISODE)), 1, days))
    n_ep = min(n_ep, (length_of_year - days) + 1)
    lengths = _split(rng, days, n_ep, minimum=1)
    # Open days before, between (>= 1 each) and after the episodes.
    slots = np.ones(n_ep + 1)
    slots[0] = 0 if start_jan1 else 1
    slots[-1] = 0 if end_dec31 else 1
    spare = length_of_year - days - (n_ep - 1)
    gaps = rng.multinomial(spare, slots / slots.sum())
    gaps[1:-1] += 1
    offsets = np.cumsum(np.concatenate([[gaps[0]], (lengths + gaps[1:])[:-1]]))
    starts = first + offsets.astype("timedelta64[D]")
    ends = starts + (lengths - 1).astype("timedelta64[D]")
    return list(starts), list(ends)


def _double_registrations(rng, inst, start, end, scale):
    """Register some episodes a second time, overlapping the first: no new closed day."""
    length = (end - start).astype(int) + 1
    candidates = np.flatnonzero(length >= 3)
    n_double = min(len(candidates), _DOUBLE_REGISTRATIONS * len(scenario.LUKKEDAGE) * scale)
    pick = np.sort(rng.choice(candidates, size=n_double, replace=False))
    # The second registration starts a little later and ends with the episode or earlier.
    delay = rng.integers(1, length[pick] - 1)
    shorten = rng.integers(0, length[pick] - delay)
    return (np.concatenate([inst, inst[pick]]),
            np.concatenate([start, start[pick] + delay.astype("timedelta64[D]")]),
            np.concatenate([end, end[pick] - shorten.astype("timedelta64[D]")]))


def _handleplaner(rng, start: np.ndarray, scale: int) -> np.ndarray:
    """Handleplan dates: in time (0-3 working days) except the designed late/missing ones."""
    steps = rng.integers(0, 4, len(start))
    years = start.astype("datetime64[Y]").astype(int) + 1970
    late = np.zeros(len(start), dtype=bool)
    for year, n_late in scenario.SENE_HANDLEPLANER.items():
        idx = np.flatnonzero(years == year)
        late[rng.choice(idx, size=min(len(idx), n_late * scale), replace=False)] = True
    steps = np.where(late, rng.integers(4, 9, len(start)), steps)
    plan = np.where(steps == 0, start, add_working_days(start, steps))
    missing = late & (np.cumsum(late) % _MISSING_EVERY == 1)
    return np.where(missing, np.datetime64("NaT"), plan).astype("datetime64[D]")


def _planned(rng, years, pool_size, scale) -> pd.DataFrame:
    """Planned closures: staff days, renovation, summer; no handleplan needed."""
    n = scenario.PLANLAGTE_LUKNINGER_PR_AAR * scale
    frames = []
    for year in years:
        first = np.datetime64(f"{year}-01-01")
        start = first + rng.integers(0, 355, n).astype("timedelta64[D]")
        end = start + rng.integers(0, 5, n).astype("timedelta64[D]")
        frames.append(pd.DataFrame({
            "inst": rng.integers(0, pool_size, n), "start": start, "end": end, "planlagt": True,
            "aarsag": rng.choice(_PLANLAGTE_AARSAGER, size=n),
            "handleplan": np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
        }))
    return pd.concat(frames, ignore_index=True)
