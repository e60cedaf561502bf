"""Synthetic register of Sikker By activities and their success criteria (DATA.md §1.6-1.7).

About 40 activities across the five indsatsområder and the seven forvaltninger. Their
path into the effect-and-evidence model is drawn from a fixed mix of profiles
(in the model since 2013, entering in 2014-2017 on time or delayed, expected next
year, overdue, no expected year), so every reporting year 2014-2017 shows every
model status. Each activity has 1-3 success criteria whose yearly values move from
the baseline towards the target at an activity-specific pace, so some overshoot
the target, some fall below the baseline and some are missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sikkerby.inputs.contract import EVIDENSNIVEAUER
from sikkerby.sample import scenario

# (name, forvaltning, indsatsområde). Names are free text: '&', quotes and '<' included on purpose.
_ACTIVITIES: tuple[tuple[str, str, str], ...] = (
    ("Trivselsforløb i 7.-9. klasse", "BUF", "I"),
    ("Lektiecafé & fritidsvejledning", "KFF", "I"),
    ("Åbne idrætshaller om aftenen", "KFF", "I"),
    ("Forældrenetværk i Mjølnerparken", "BUF", "I"),
    ("SSP-undervisning om rusmidler", "BUF", "I"),
    ('Kulturhusenes ungeprogram "Ung i Byen"', "KFF", "I"),
    ("Gadeidræt i Tingbjerg", "KFF", "I"),
    ("Sundhedsplejerskens trivselssamtaler", "SUF", "I"),
    ("Fritidsjob til unge i udsatte boligområder", "BIF", "I"),
    ('Indsatsen "En Vej Ind"', "SOF", "II"),
    ("Systematisk risikovurdering (YLS/CMI)", "SOF", "II"),
    ("Mentorordning for kriminalitetstruede unge", "SOF", "II"),
    ("Familiebehandling ved bekymrende adfærd", "SOF", "II"),
    ("Uddannelsesvejledning for unge < 18 år uden skoletilbud", "BIF", "II"),
    ("Klubbernes opsøgende arbejde", "BUF", "II"),
    ("Gadeplansarbejde i Blågårdskvarteret", "SOF", "II"),
    ("Netværksmøder ved første sigtelse", "BUF", "II"),
    ("Rusmiddelrådgivning for unge (U-turn)", "SUF", "II"),
    ("Exit-programmet", "SOF", "III"),
    ("18+ centrene", "SOF", "III"),
    ("Udslusning efter afsoning", "SOF", "III"),
    ("Misbrugsbehandling for unge 18-25 år", "SUF", "III"),
    ("Job & uddannelse efter dom", "BIF", "III"),
    ("Mentorer til løsladte unge", "BIF", "III"),
    ("Ungekontakten i samarbejde med Kriminalforsorgen", "SOF", "III"),
    ("Amager Partnerskab", "ØKF", "IV"),
    ("Partnerskab for et trygt Indre Nørrebro", "ØKF", "IV"),
    ("Tingbjerg-Husum Partnerskab", "ØKF", "IV"),
    ("Tryghedsvandringer med beboere", "TMF", "IV"),
    ("Tryghedsskabende belysning i Mjølnerparken", "TMF", "IV"),
    ("Natteravne & lokale ildsjæle", "KFF", "IV"),
    ("Hotspot-indsatsen i Folehaven", "ØKF", "IV"),
    ("Graffitifjernelse & renhold", "TMF", "IV"),
    ("Trygge skoleveje i Bispebjerg", "TMF", "IV"),
    ("Sikker By Programgruppen", "ØKF", "V"),
    ("SSP København – operativ koordination", "SOF", "V"),
    ("Tryghedsindekset", "ØKF", "V"),
    ("Uro-beredskabet ved konflikter", "ØKF", "V"),
    ("Videndeling om kriminalprævention <kick-off-seminar>", "ØKF", "V"),
    ("Lokale SSP-netværk", "BUF", "V"),
    ("Fælles kriminalitetsstatistik med Københavns Politi", "ØKF", "V"),
    ("Koordinering af boligsociale helhedsplaner", "TMF", "V"),
)

# (foerste_aar_i_model, forventet_aar_i_model, how many of every 42 activities)
_PROFILES: tuple[tuple[int | None, int | None, int], ...] = (
    (2013, None, 8),    # in the model from the start
    (2014, None, 6), (2014, 2014, 2),
    (2015, 2015, 4), (2015, 2014, 2), (2015, None, 1),   # (2015, 2014): overdue in 2014
    (2016, 2016, 3), (2016, 2015, 2), (2016, None, 1),
    (2017, 2017, 2), (2017, 2016, 2),
    (None, 2018, 3),    # godt på vej in 2017
    (None, 2016, 2),    # overdue in 2016 and 2017
    (None, 2019, 1),
    (None, None, 3),    # no expected year reported
)
_EVIDENS_P = (0.2, 0.35, 0.3, 0.1, 0.05)  # over contract.EVIDENSNIVEAUER

_RESULTATER_BY_OMRAADE = {
    "I": ("fritidstilbud", "uddannelse"),
    "II": ("uddannelse", "misbrug", "tilbagefald", "fritidstilbud"),
    "III": ("tilbagefald", "beskaeftigelse", "misbrug"),
    "IV": ("trygge_lokalomraader",),
    "V": ("koordination",),
}
# resultat -> (description, unit "pct"/"antal", retning)
_CRITERIA: dict[str, tuple[tuple[str, str, str], ...]] = {
    "fritidstilbud": (("Andel unge i målgruppen med et fast fritidstilbud (%)", "pct", "op"),
                      ("Antal unge, der deltager mindst én gang om ugen", "antal", "op")),
    "uddannelse": (("Andel deltagere i uddannelse 12 måneder efter forløbet (%)", "pct", "op"),
                   ("Fravær i skolen blandt deltagerne (% af skoledagene)", "pct", "ned")),
    "beskaeftigelse": (("Andel deltagere i job eller uddannelse efter 6 måneder (%)", "pct", "op"),
                       ("Antal deltagere i fritids- eller praktikjob", "antal", "op")),
    "misbrug": (("Andel deltagere med ophørt eller reduceret misbrug (%)", "pct", "op"),),
    "tilbagefald": (("Andel deltagere sigtet igen inden for 12 måneder (%)", "pct", "ned"),
                    ("Antal sigtelser blandt deltagerne", "antal", "ned")),
    "trygge_lokalomraader": (("Andel beboere, der føler sig utrygge om aftenen (%)", "pct", "ned"),
                             ("Antal anmeldelser af hærværk i området", "antal", "ned"),
                             ("Andel beboere, der kender tryghedsindsatsen (%)", "pct", "op")),
    "koordination": (("Andel sager med fælles handleplan inden 14 dage (%)", "pct", "op"),
                     ("Antal gennemførte koordinationsmøder", "antal", "op")),
}
_N_CRITERIA_P = (0.3, 0.45, 0.25)  # 1, 2 or 3 criteria per activity
_MISSING_VALUE = 0.08  # share of due yearly values not reported
_EMPTY_BASELINES = 1  # criteria without a baseline, per 42 activities (in the model by 2015)


def make_aktiviteter(rng: np.random.Generator, scale: int = 1) -> pd.DataFrame:
    """The activity register: ``len(_ACTIVITIES) * scale`` activities."""
    base = len(_ACTIVITIES)
    n = base * scale
    copy = np.repeat(np.arange(1, scale + 1), base)
    names = np.tile(np.array([a[0] for a in _ACTIVITIES], dtype=object), scale)
    names = np.where(copy > 1, names + " (hold " + copy.astype(str).astype(object) + ")", names)

    profiles = np.repeat(np.arange(len(_PROFILES)), [p[2] for p in _PROFILES])
    profiles = rng.permutation(np.tile(profiles, scale))
    foerste = pd.array([_PROFILES[p][0] for p in profiles], dtype="Int64")
    forventet = pd.array([_PROFILES[p][1] for p in profiles], dtype="Int64")

    # Theory of change: almost always once in the model, often not before.
    in_model_by_2016 = np.asarray((foerste <= 2016).fillna(False), dtype=bool)
    teori = rng.random(n) < np.where(in_model_by_2016, 0.9, 0.5)
    if not (in_model_by_2016 & ~teori).any():  # the publication must have one to flag
        teori[np.flatnonzero(in_model_by_2016)[:scale]] = False

    width = max(3, len(str(n)))
    return pd.DataFrame({
        "aktivitet_id": [f"SB-{i:0{width}d}" for i in range(1, n + 1)],
        "navn": names.astype(str),
        "forvaltning": np.tile([a[1] for a in _ACTIVITIES], scale),
        "indsatsomraade": np.tile([a[2] for a in _ACTIVITIES], scale),
        "foerste_aar_i_model": foerste,
        "forventet_aar_i_model": forventet,
        "forandringsteori": teori,
        "evidensniveau": rng.choice(EVIDENSNIVEAUER, size=n, p=_EVIDENS_P),
    })


def make_succeskriterier(rng: np.random.Generator, aktiviteter: pd.DataFrame) -> pd.DataFrame:
    """1-3 criteria per activity, one row per criterion and year of :data:`scenario.AKTIVITETSAAR`."""
    n_act = len(aktiviteter)
    n_crit = rng.choice([1, 2, 3], size=n_act, p=_N_CRITERIA_P)
    act = np.repeat(np.arange(n_act), n_crit)
    k = np.concatenate([np.arange(1, c + 1) for c in n_crit]) if n_act else np.array([], int)
    m = len(act)

    # Which kind of result each criterion measures, and the template it uses.
    omraade = aktiviteter["indsatsomraade"].to_numpy(str)[act]
    resultat = np.empty(m, dtype=object)
    beskrivelse = np.empty(m, dtype=object)
    unit = np.empty(m, dtype=object)
    retning = np.empty(m, dtype=object)
    u1, u2 = rng.random(m), rng.random(m)
    for om, choices in _RESULTATER_BY_OMRAADE.items():
        idx = np.flatnonzero(omraade == om)
        res = np.array(choices, dtype=object)[(u1[idx] * len(choices)).astype(int)]
        resultat[idx] = res
        for r in set(res):
            jdx = idx[res == r]
            templates = _CRITERIA[r]
            pick = (u2[jdx] * len(templates)).astype(int)
            beskrivelse[jdx] = [templates[p][0] for p in pick]
            unit[jdx] = [templates[p][1] for p in pick]
            retning[jdx] = [templates[p][2] for p in pick]

    # Baseline and target, consistent with retning.
    pct, up = unit == "pct", retning == "op"
    baseline = np.where(pct, np.where(up, rng.uniform(20, 60, m), rng.uniform(15, 45, m)),
                        np.where(up, rng.uniform(20, 200, m), rng.uniform(40, 300, m)))
    baseline = np.where(pct, np.round(baseline, 1), np.round(baseline))
    change = np.where(pct, np.where(up, rng.uniform(8, 20, m), -rng.uniform(5, 15, m)),
                      baseline * np.where(up, rng.uniform(0.15, 0.5, m), -rng.uniform(0.15, 0.4, m)))
    maal = np.where(pct, np.round(np.clip(baseline + change, 2, 95), 1), np.round(baseline + change))
    maal = np.where(maal == baseline, baseline + np.where(up, 1, -1), maal)

    # Yearly values from the first model year on: baseline at first, then towards (or past) the target.
    years = np.array(scenario.AKTIVITETSAAR)
    foerste = aktiviteter["foerste_aar_i_model"].to_numpy(dtype=float, na_value=np.nan)[act]
    pace = rng.normal(0.3, 0.35, m)  # attainment gained per year, per criterion
    row_crit = np.repeat(np.arange(m), len(years))
    row_year = np.tile(years, m)
    since = row_year - foerste[row_crit]
    progress = np.where(since > 0, pace[row_crit] * since + rng.normal(0, 0.15, len(row_crit)),
                        rng.normal(0, 0.05, len(row_crit)))
    value = baseline[row_crit] + progress * (maal - baseline)[row_crit]
    value = np.where(pct[row_crit], np.round(np.clip(value, 0, 100), 1), np.round(np.maximum(value, 0)))
    due = since >= 0
    value = np.where(due & (rng.random(len(row_crit)) >= _MISSING_VALUE), value, np.nan)

    # A few criteria of activities in the model early on have no baseline (flagged, not refused).
    baseline = baseline.astype(float)
    early = np.flatnonzero(foerste <= 2015)
    n_empty = min(len(early), _EMPTY_BASELINES * max(1, n_act // len(_ACTIVITIES)))
    baseline[rng.choice(early, size=n_empty, replace=False)] = np.nan

    ids = aktiviteter["aktivitet_id"].to_numpy(str)
    return pd.DataFrame({
        "aktivitet_id": ids[act][row_crit],
        "kriterie_id": np.char.add("K", k.astype(str))[row_crit],
        "aar": row_year.astype(np.int64),
        "beskrivelse": beskrivelse[row_crit].astype(str),
        "resultat": resultat[row_crit].astype(str),
        "retning": retning[row_crit].astype(str),
        "baseline": baseline[row_crit],
        "maal": maal[row_crit].astype(float),
        "vaerdi": value,
    })
