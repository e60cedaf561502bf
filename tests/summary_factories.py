"""Small hand-written results tables for the front-page tests (``maalstatus``, ``aktivitetsscorer``)."""

from __future__ import annotations

import pandas as pd

from sikkerby.model.evidence import SCORE_COLUMNS
from sikkerby.model.goals import MAALSTATUS_COLUMNS


def status_table(programme, year: int, rows: list[dict]) -> pd.DataFrame:
    """A ``maalstatus`` table (DATA.md §4 columns and dtypes) from a few hand-written rows.

    Each row names its indikator (``id``), ``status`` and optionally ``vaerdi``, ``basisaar``, ``basisvaerdi``.
    """
    out = []
    for row in rows:
        i = programme.indikator(row["id"])
        out.append({
            "maalepunkt_nr": i.maalepunkt_nr, "indikator_id": i.id, "maalomraade": i.goal_area, "aar": year,
            "vaerdi": row.get("vaerdi"), "ci_nedre": None, "ci_oevre": None,
            "basisaar": row.get("basisaar"), "basisvaerdi": row.get("basisvaerdi"),
            "maalaar": i.target_year, "maalvaerdi": i.target_value, "sti_vaerdi": None,
            "status": row["status"], "maal_foreloebigt": "ja" if i.is_provisional else "nej",
        })
    return pd.DataFrame(out, columns=MAALSTATUS_COLUMNS).astype({
        "maalepunkt_nr": "int64", "indikator_id": "str", "maalomraade": "str", "aar": "int64", "vaerdi": "float64",
        "ci_nedre": "float64", "ci_oevre": "float64", "basisaar": "Int64", "basisvaerdi": "float64",
        "maalaar": "Int64", "maalvaerdi": "float64", "sti_vaerdi": "float64", "status": "str",
        "maal_foreloebigt": "str",
    })


def scores_frame(rows: list[tuple[str, str, float | None]]) -> pd.DataFrame:
    """An ``aktivitetsscorer`` table from (aktivitet_id, model_status, samlet_score) triples."""
    def kategori(score):
        if score is None:
            return None
        return "groen" if score >= 70 else "gul" if score >= 40 else "roed"

    frame = pd.DataFrame({
        "aktivitet_id": [r[0] for r in rows], "navn": [f"Aktivitet {r[0]}" for r in rows],
        "forvaltning": "BUF", "indsatsomraade": "I", "model_status": [r[1] for r in rows],
        "resultatscore": [r[2] for r in rows], "evidensscore": [r[2] for r in rows],
        "samlet_score": [r[2] for r in rows], "kategori": [kategori(r[2]) for r in rows],
        "udviklingspotentiale": None,
    }, columns=list(SCORE_COLUMNS))
    for column in ("resultatscore", "evidensscore", "samlet_score"):
        frame[column] = frame[column].astype("float64")
    for column in ("aktivitet_id", "navn", "forvaltning", "indsatsomraade", "model_status", "kategori",
                   "udviklingspotentiale"):
        frame[column] = frame[column].astype("str")
    return frame
