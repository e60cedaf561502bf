"""Bilag 1: the seed's annex "Uddybende oversigt over indsatsernes målindfrielse".

Per indsatsområde (I-V, headed as the programme text heads them), every activity in the
effect-and-evidence model with its forvaltning and each success criterion: what is measured, the
basisværdi, the target, the value in the year and the attainment, and the activity's resultatscore
(the mean attainment of the criteria that count). The data are
:func:`sikkerby.model.evidence.criteria_annex` (``result.annex``); this module only words and lays
them out, so the resultatscore in the annex is the one in the scores table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from sikkerby.inputs.contract import INDSATSOMRAADER
from sikkerby.model import evidence
from sikkerby.report import display
from sikkerby.report.display import ColumnSpec, Heading, Paragraph, Table
from sikkerby.report.formatting import (
    MISSING,
    count_words,
    exact_decimals,
    fmt_count,
    fmt_number,
    fmt_pct,
    is_missing,
    number_word,
)

# The programme text's own headings of its five indsatsområder (pages 7-11).
INDSATSOMRAADE_HEADINGS = {
    "I": "I. Indsatser, der forebygger, at børn og unge bliver kriminelle",
    "II": "II. Indsatser, der forebygger, at kriminalitetstruede børn og unge bliver kriminelle",
    "III": "III. Indsatser, der forhindrer tilbagefald til kriminalitet og/eller forværring af kriminalitet",
    "IV": "IV. Tryghedsskabende indsatser baseret i lokalområder",
    "V": "V. Koordination og videndeling om kriminalpræventive og tryghedsskabende indsatser",
}
ATTAINMENT_DECIMALS = 1
CRITERION_NOUN = ("succeskriterium", "succeskriterier")
FULLY = 100.0


def heading(indsatsomraade: str) -> str:
    """The indsatsområde's heading as the programme text words it (others: ``Indsatsområde <key>``)."""
    return INDSATSOMRAADE_HEADINGS.get(str(indsatsomraade), f"Indsatsområde {indsatsomraade}")


def criterion_number(value: Any) -> str:
    """A basisværdi, target or value as the forvaltning reported it: as few decimals as it needs (at most 2)."""
    if is_missing(value):
        return MISSING
    return fmt_number(value, exact_decimals(float(value), 2))


def attainment_text(value: Any, row: Mapping[str, Any]) -> str:
    """The attainment cell: ``50,0 %`` for a criterion in the resultatscore; otherwise why it is not."""
    if row.get("model_status") == "foermaaling":
        return "førmåling"
    if bool(row.get("mangler_baseline")):
        return "mangler basisværdi"
    if is_missing(row.get("vaerdi")):
        return "ingen værdi"
    return fmt_pct(value, ATTAINMENT_DECIMALS)


def annex_frame(result: evidence.EvidenceModelResult) -> pd.DataFrame:
    """``result.annex`` with each activity's ``resultatscore`` on its first criterion row (missing on the
    others) and ``foerste`` (True on the first row of an activity)."""
    annex = result.annex.copy()
    scores = result.scores.set_index("aktivitet_id")["resultatscore"]
    first = ~annex["aktivitet_id"].duplicated()
    annex["foerste"] = first.to_numpy()
    annex["resultatscore"] = annex["aktivitet_id"].map(scores).where(first).astype("float64")
    return annex


SHY = "\u00ad"  # a soft hyphen: long headers of narrow columns may break there (PDF and HTML)


def _activity_cell(value: Any, row: Mapping[str, Any]) -> str:
    """The activity and its forvaltning, on the activity's first criterion row only: ``Navn (BUF)``."""
    return f"{value} ({row['forvaltning']})" if bool(row["foerste"]) else ""


def _score_cell(value: Any, row: Mapping[str, Any]) -> str:
    if not bool(row["foerste"]):
        return ""
    if row.get("model_status") == "foermaaling":
        return "førmåling"
    return fmt_number(value, 1) if not is_missing(value) else "ingen"


def annex_table(rows: pd.DataFrame, year: int, caption: str, max_rows: int | None = None) -> Table:
    """The criteria of one indsatsområde: activity with its forvaltning (on the activity's first row), criterion,
    basisværdi, target, the year's value, attainment and the activity's resultatscore."""
    return display.cut_table(rows, [
        ColumnSpec("navn", "Aktivitet (forvaltning)", formatter=_activity_cell),
        ColumnSpec("beskrivelse", "Succeskriterium"),
        ColumnSpec("baseline", f"Basis{SHY}værdi", formatter=lambda v, r: criterion_number(v), align="right"),
        ColumnSpec("maal", "Mål", formatter=lambda v, r: criterion_number(v), align="right"),
        ColumnSpec("vaerdi", f"Værdi {year}", formatter=lambda v, r: criterion_number(v), align="right"),
        ColumnSpec("maalopfyldelse", f"Mål{SHY}opfyldelse", formatter=attainment_text, align="right"),
        ColumnSpec("resultatscore", f"Resultat{SHY}score", formatter=_score_cell, align="right"),
    ], caption=caption, max_rows=max_rows, noun=CRITERION_NOUN)


def describe_indsatsomraade(rows: pd.DataFrame, year: int) -> str:
    """What the indsatsområde's criteria add up to in ``year``: activities and criteria, how many count in
    the resultatscore, and of those how many are fully met, not past the basisværdi, or partly met."""
    n_act = rows["aktivitet_id"].nunique()
    n_crit = len(rows)
    counted = rows[rows["i_resultatscore"].astype(bool)]
    text = (f"{count_words(n_act, 'aktivitet', 'aktiviteter', capital=True)} i modellen har i alt "
            f"{fmt_count(n_crit, *CRITERION_NOUN)} i {year}.")
    k = len(counted)
    if k == 0:
        return text + f" Ingen af dem indgår i en resultatscore for {year}."
    full = int((counted["maalopfyldelse"] >= FULLY - evidence.TOLERANCE).sum())
    none = int((counted["maalopfyldelse"] <= evidence.TOLERANCE).sum())
    partly = k - full - none
    def n(k: int) -> str:
        return number_word(k, neuter=True, stressed=True) if k else "ingen"

    if k == 1:
        status = ("er nået fuldt ud" if full else "står stadig på basisværdien eller derunder" if none
                  else "er delvist nået")
        return f"{text} Det ene succeskriterium, der indgår i resultatscoren, {status}."
    return (f"{text} Af de {fmt_count(k, *CRITERION_NOUN)}, der indgår i resultatscoren, er {n(full)} nået fuldt ud, "
            f"{n(none)} står stadig på basisværdien eller derunder, og {n(partly)} er delvist nået.")


def annex_intro(result: evidence.EvidenceModelResult) -> str:
    """The annex's opening: what it lists, how attainment and resultatscore are computed, and how many."""
    annex = result.annex
    n_act = annex["aktivitet_id"].nunique()
    year = result.year
    if annex.empty:
        return f"Ingen aktiviteter i effekt- og evidensmodellen har succeskriterier for {year}."
    return (f"Bilaget viser for hver aktivitet i effekt- og evidensmodellen dens succeskriterier: hvad der måles, "
            f"basisværdien, målet og den værdi, forvaltningen har målt i {year}. Målopfyldelsen er, hvor stor en del "
            "af vejen fra basisværdien til målet værdien er nået: 0 % ved basisværdien eller derunder, 100 % ved "
            "målet eller derover. Resultatscoren er gennemsnittet af målopfyldelsen for de succeskriterier, der har "
            f"både en basisværdi og en værdi i {year}. En aktivitet i sit første år i modellen (førmåling) opstiller "
            f"basisværdier og får endnu ingen resultatscore. I alt {fmt_count(len(annex), *CRITERION_NOUN)} hos "
            f"{fmt_count(n_act, 'aktivitet', 'aktiviteter')} er med.")


def annex_parts(result: evidence.EvidenceModelResult, max_rows: int | None = None, level: int = 3) -> list:
    """The annex's display objects: per indsatsområde (I-V, in order; those without activities in the model
    left out) a heading, :func:`describe_indsatsomraade` and :func:`annex_table`."""
    frame = annex_frame(result)
    order = list(INDSATSOMRAADER) + sorted(set(frame["indsatsomraade"]) - set(INDSATSOMRAADER))
    parts: list = []
    for key in order:
        rows = frame[frame["indsatsomraade"] == key]
        if rows.empty:
            continue
        parts.append(Heading(heading(key), level))
        parts.append(Paragraph(describe_indsatsomraade(rows, result.year)))
        parts.append(annex_table(rows.reset_index(drop=True), result.year,
                                 caption=f"{heading(key).split('.')[0]}. Succeskriterier og målopfyldelse, "
                                         f"{result.year}", max_rows=max_rows))
    return parts
