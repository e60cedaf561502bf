"""Hand-written results tables for the front-page, overview and key-message tests (current programme shape:
målepunkter with indikatorer, ``maalstatus`` keyed by ``indikator_id``)."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from sikkerby.model.evidence import KATEGORIER, SCORE_COLUMNS
from sikkerby.model.goals import MAALSTATUS_COLUMNS

_DTYPES = {
    "maalepunkt_nr": "int64", "indikator_id": "str", "maalomraade": "str", "aar": "int64",
    "vaerdi": "float64", "ci_nedre": "float64", "ci_oevre": "float64",
    "basisaar": "Int64", "basisvaerdi": "float64", "maalaar": "Int64",
    "maalvaerdi": "float64", "sti_vaerdi": "float64", "status": "str", "maal_foreloebigt": "str",
}


def status_table(programme, year: int, rows: list[dict]) -> pd.DataFrame:
    """A ``maalstatus`` table (DATA.md §4) from a few rows ``{"id", "vaerdi", "status", ...}``; baseline, target
    and years default to the programme's, ``maal_foreloebigt`` follows the indikator."""
    out = []
    for row in rows:
        m = programme.indikator(row["id"])
        out.append({
            "maalepunkt_nr": m.maalepunkt_nr, "indikator_id": m.id, "maalomraade": m.goal_area, "aar": year,
            "vaerdi": row.get("vaerdi"), "ci_nedre": row.get("ci_nedre"), "ci_oevre": row.get("ci_oevre"),
            "basisaar": row.get("basisaar", m.baseline_year), "basisvaerdi": row.get("basisvaerdi", m.baseline_value),
            "maalaar": m.target_year, "maalvaerdi": row.get("maalvaerdi", m.target_value),
            "sti_vaerdi": row.get("sti_vaerdi"), "status": row["status"],
            "maal_foreloebigt": "ja" if m.is_provisional else "nej",
        })
    return pd.DataFrame(out, columns=MAALSTATUS_COLUMNS).astype(_DTYPES)


def series_table(rows: list[tuple[str, int, float]]) -> pd.DataFrame:
    """A ``measure_series`` table from (indikator_id, aar, vaerdi) triples."""
    return pd.DataFrame({"indikator_id": [r[0] for r in rows], "aar": [r[1] for r in rows],
                         "vaerdi": [r[2] for r in rows], "ci_nedre": float("nan"), "ci_oevre": float("nan")}).astype(
        {"indikator_id": "str", "aar": "int64", "vaerdi": "float64"})


def scores_frame(rows: list[tuple]) -> pd.DataFrame:
    """An ``aktivitetsscorer`` table from (aktivitet_id, model_status, samlet_score[, udviklingspotentiale]) tuples;
    resultat- and evidensscore equal the samlet score, kategori by the default limits 70/40."""
    def kategori(score):
        if score is None:
            return None
        return "groen" if score >= 70 else "gul" if score >= 40 else "roed"

    frame = pd.DataFrame({
        "aktivitet_id": [r[0] for r in rows], "navn": [f"Aktivitet {r[0]}" for r in rows],
        "forvaltning": "BUF", "indsatsomraade": "I", "model_status": [r[1] for r in rows],
        "resultatscore": [r[2] for r in rows], "evidensscore": [r[2] for r in rows],
        "samlet_score": [r[2] for r in rows], "kategori": [kategori(r[2]) for r in rows],
        "udviklingspotentiale": [r[3] if len(r) > 3 else ("begge" if r[2] is not None else None) for r in rows],
    }, columns=list(SCORE_COLUMNS))
    for column in ("resultatscore", "evidensscore", "samlet_score"):
        frame[column] = frame[column].astype("float64")
    for column in ("aktivitet_id", "navn", "forvaltning", "indsatsomraade", "model_status", "kategori",
                   "udviklingspotentiale"):
        frame[column] = frame[column].astype("str")
    return frame


def result(scores: pd.DataFrame, year: int, skadelig: pd.DataFrame | None = None):
    """What :func:`sikkerby.report.front_page.key_messages` reads of an evidence-model result."""
    params = SimpleNamespace(kategorier=KATEGORIER,
                             categories=(("groen", 70.0), ("gul", 40.0), ("roed", None)))
    return SimpleNamespace(year=year, scores=scores, params=params,
                           skadelig=skadelig if skadelig is not None else scores.iloc[0:0])
