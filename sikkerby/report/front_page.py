"""What the front page says: the publication's introduction, the key messages, the data sources.

Pure functions of the year's results (the ``maalstatus`` table of DATA.md §4, the
effect-and-evidence model's scores, the programme) that return Danish sentences
or small tables; the front-page notebook only displays them.

The key messages (:func:`key_messages`) are, in order:

1. how many målepunkter are nået / på sporet / not (:func:`formatting.describe_status_counts`);
2. the best and 3. the weakest development since the baseline year
   (:func:`developments`: relative change from the baseline value, in the
   direction that is better for the målepunkt; only målepunkter with a value,
   a non-zero baseline and a reporting year after the baseline year take part);
4. the model's scores: activities in the model with a samlet score, per kategori;
5. the model's pipeline: activities godt på vej, in their førmåling year, forsinket;
6. when the data disagree with a published baseline: how many målepunkter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sikkerby.config.programme import Indikator, Programme
from sikkerby.inputs.contract import INPUTS_BY_NAME
from sikkerby.model import goal_status
from sikkerby.model.evidence import KATEGORIER, model_overview
from sikkerby.report.formatting import (
    describe_status_counts,
    describe_target,
    distinguishing_decimals,
    fmt_baseline,
    fmt_change,
    fmt_count,
    fmt_list,
    fmt_number,
    fmt_pct,
    fmt_value,
    is_missing,
    label,
    unit_noun,
    word,
)

_ORDINALS = ("første", "andet", "tredje", "fjerde", "femte", "sjette", "syvende", "ottende", "niende", "tiende")


def _ordinal(n: int) -> str:
    """``1`` → ``første`` … ``10`` → ``tiende``; beyond that ``11.``."""
    return _ORDINALS[n - 1] if 1 <= n <= len(_ORDINALS) else f"{n}."


def programme_year_text(programme: Programme, year: int) -> str:
    """Where ``year`` lies in the programme period: ``programmets fjerde og sidste år`` etc."""
    start, end = programme.period_start, programme.period_end
    if year < start:
        return f"året før programperioden {start}-{end}" if year == start - 1 else f"før programperioden {start}-{end}"
    if year > end:
        return f"efter programperioden {start}-{end}"
    n = year - start + 1
    if year == end:
        return f"programmets {_ordinal(n)} og sidste år"
    return f"programmets {_ordinal(n)} år"


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def introduction(programme: Programme, year_params: Mapping[str, Any], year: int) -> str:
    """The front page's opening paragraph: publication, programme, municipality, year, committee.

    ``year_params`` is ``params/<year>.yaml`` (:func:`sikkerby.config.programme.load_year_params`):
    ``title`` and ``forelaeggelse`` are used when present.
    """
    title = str(year_params.get("title") or "").strip() or "Publikationen"
    place = f" i {programme.municipality}" if programme.municipality else ""
    areas = [_first_lower(area.get("title", key)) for key, area in programme.goal_areas.items()]
    n = len(programme.maalepunkter)
    k = len(programme.indikatorer)
    judged = f" (vurderet på {fmt_count(k, 'indikator', 'indikatorer')})" if k != n else ""
    text = (f"{title} er den årlige status på {programme.name}{place}. "
            f"Den gælder {year}, {programme_year_text(programme, year)}, og viser, hvordan det går med "
            f"programmets {fmt_count(n, 'målepunkt', 'målepunkter')}{judged}"
            f"{' for ' + fmt_list(areas) if areas else ''}, "
            f"og hvordan aktiviteterne klarer sig i effekt- og evidensmodellen.")
    when = str(year_params.get("forelaeggelse") or "").strip()
    if programme.committee:
        text += f" Publikationen forelægges {programme.committee}{' i ' + when if when else ''}."
    elif when:
        text += f" Publikationen forelægges i {when}."
    return text


# ----------------------------------------------------------------- developments

@dataclass(frozen=True)
class Development:
    """One målepunkt's change from its baseline to the reporting year."""

    indikator_id: str
    year: int
    value: float
    baseline_year: int
    baseline: float
    status: str
    improvement: float  # relative change in the better direction: 0.4 = 40 % better than the baseline


def developments(maalstatus: pd.DataFrame, programme: Programme) -> list[Development]:
    """The målepunkter whose change since the baseline year can be compared, best first.

    ``improvement`` is (B − V)/B for målepunkter where lower is better, (V − B)/B
    otherwise. Left out: no value, no or zero baseline, reporting year not after
    the baseline year. Ties keep the programme's order.
    """
    order = {m.id: i for i, m in enumerate(programme.indikatorer)}
    found = []
    for _, row in maalstatus.iterrows():
        m = programme.indikator(row["indikator_id"])
        value, baseline, b = row["vaerdi"], row["basisvaerdi"], row["basisaar"]
        if is_missing(value) or is_missing(baseline) or is_missing(b) or float(baseline) == 0:
            continue
        if int(row["aar"]) <= int(b):
            continue
        value, baseline = float(value), float(baseline)
        change = (baseline - value) if m.lower_is_better else (value - baseline)
        found.append(Development(m.id, int(row["aar"]), value, int(b), baseline, str(row["status"]),
                                 change / abs(baseline)))
    return sorted(found, key=lambda d: (-d.improvement, order[d.indikator_id]))


def _status_clause(status: str) -> str:
    subject = "målet" if status in (goal_status.NAAET, goal_status.IKKE_NAAET) else "målepunktet"
    return f"{subject} er {label('status', status).word.lower()}"


def describe_development(indikator: Indikator, development: Development) -> str:
    """``»Title«: andelen er faldet med 4,2 procentpoint (24 % af basisværdien) fra 17,5 % i 2013 til 13,3 % i 2017``."""
    m, d = indikator, development
    noun = unit_noun(m.unit)
    decimals = distinguishing_decimals(d.value, (d.baseline,), m.decimals, thresholds=True)
    value, baseline = fmt_value(d.value, m.unit, decimals), fmt_baseline(m, d.baseline)
    diff = d.value - d.baseline
    if abs(diff) <= goal_status.TOLERANCE:
        change = f"uændret {value} i både {d.baseline_year} og {d.year}"
    else:
        size = abs(diff)
        relative = abs(diff) / abs(d.baseline) * 100
        change = (f"{'steget' if diff > 0 else 'faldet'} med "
                  f"{fmt_change(size, m.unit, distinguishing_decimals(size, (0,), decimals))} "
                  f"({fmt_pct(relative, distinguishing_decimals(relative, (0,), 0))} af basisværdien) "
                  f"fra {baseline} i {d.baseline_year} til {value} i {d.year}")
    return f"»{m.title}«: {noun} er {change}"


def development_messages(maalstatus: pd.DataFrame, programme: Programme) -> list[str]:
    """The best and the weakest development since the baseline year (one sentence each; one or none
    when fewer than two målepunkter can be compared)."""
    found = developments(maalstatus, programme)
    if not found:
        return []
    if len(found) == 1:
        d = found[0]
        return [f"Udviklingen siden basisåret kan kun opgøres for ét målepunkt, "
                f"{describe_development(programme.indikator(d.indikator_id), d)}, og {_status_clause(d.status)}."]
    best, worst = found[0], found[-1]
    return [
        f"{_development_lead(best, best=True)} siden basisåret (relativ ændring) har "
        f"{describe_development(programme.indikator(best.indikator_id), best)}, og {_status_clause(best.status)}.",
        f"{_development_lead(worst, best=False)} siden basisåret har "
        f"{describe_development(programme.indikator(worst.indikator_id), worst)}, og {_status_clause(worst.status)}.",
    ]


def _development_lead(d: Development, best: bool) -> str:
    """What the best/last of the compared developments is called, by its direction.

    The last is ``Den svageste udvikling`` only when it is a worsening; when every development
    is an improvement it is ``Den mindste forbedring``. Likewise the first is ``Den mindste
    forværring`` when every development is a worsening.
    """
    if d.improvement > goal_status.TOLERANCE:
        return "Den bedste udvikling" if best else "Den mindste forbedring"
    if d.improvement < -goal_status.TOLERANCE:
        return "Den mindste forværring" if best else "Den svageste udvikling"
    return "Den bedste udvikling" if best else "Den svageste udvikling"  # unchanged


# ------------------------------------------------------------- the evidence model

def evidence_messages(scores: pd.DataFrame, year: int, kategorier: Sequence[str] = KATEGORIER) -> list[str]:
    """Two sentences on the effect-and-evidence model for ``year`` from its ``aktivitetsscorer`` table:
    the scored activities per kategori, and the activities godt på vej / in førmåling / forsinket."""
    overview = model_overview(scores, kategorier).set_index("model_status")
    counts = overview["antal_aktiviteter"]
    in_model = int(counts["i_model"])
    per_kategori = [f"{fmt_number(int(overview.loc['i_model', f'antal_{k}']))} i kategori {word('kategori', k).lower()}"
                    for k in kategorier]
    scored = in_model - int(overview.loc["i_model", "antal_uden_score"])
    activities = fmt_count(in_model, "aktivitet", "aktiviteter")
    in_model_word = word("model_status", "i_model")
    if in_model == 0:
        first = f"Ingen aktiviteter i effekt- og evidensmodellen har en samlet score for {year}."
    elif scored == in_model:
        every = f"Alle {activities}" if in_model > 1 else "Den eneste aktivitet"
        first = (f"{every} med status »{in_model_word}« i effekt- og evidensmodellen har en samlet score "
                 f"for {year}: {fmt_list(per_kategori)}.")
    else:
        first = (f"Af de {activities} med status »{in_model_word}« i effekt- og evidensmodellen har "
                 f"{fmt_number(scored)} en samlet score for {year}: {fmt_list(per_kategori)}; "
                 f"{fmt_number(in_model - scored)} mangler en resultatscore og dermed en samlet score.")

    on_the_way = int(counts["godt_paa_vej"])
    parts = [f"{fmt_count(on_the_way, 'aktivitet', 'aktiviteter')} er godt på vej ind i modellen og forventes "
             f"at indgå fra {year + 1}" if on_the_way else "Ingen aktiviteter er godt på vej ind i modellen"]
    if int(counts["foermaaling"]):
        n = int(counts["foermaaling"])
        parts.append(f"{fmt_number(n)} har førmåling i {year} (første år i modellen, kun evidensscore)")
    if int(counts["forsinket"]):
        n = int(counts["forsinket"])
        parts.append(f"{fmt_number(n)} {'er forsinkede' if n > 1 else 'er forsinket'} i forhold til det forventede år")
    return [first, fmt_list(parts) + "."]


# --------------------------------------------------------------- key messages

def key_messages(maalstatus: pd.DataFrame, programme: Programme, evidence_result: Any,
                 baseline_warnings: Iterable[str] = ()) -> list[str]:
    """The front page's key messages for the reporting year (3-6 Danish sentences; see the module doc).

    ``maalstatus``: :func:`sikkerby.model.goals.maalstatus` for one year; ``evidence_result``:
    :func:`sikkerby.model.evidence.evaluate` for the same year (its ``scores``, ``year`` and
    ``params.kategorier`` are used); ``baseline_warnings``: :func:`sikkerby.model.goals.baseline_warnings`.
    """
    years = set(int(y) for y in maalstatus["aar"])
    if len(years) != 1:
        raise ValueError(f"maalstatus must hold one reporting year, not {sorted(years)}")
    year = years.pop()
    if int(evidence_result.year) != year:
        raise ValueError(f"the evidence model is for {evidence_result.year}, maalstatus for {year}")
    messages = [describe_status_counts(maalstatus["status"])]
    messages += missed_messages(maalstatus, programme)
    messages += development_messages(maalstatus, programme)
    messages += evidence_messages(evidence_result.scores, year, evidence_result.params.kategorier)
    warnings = list(baseline_warnings)
    if warnings:
        messages.append(f"For {fmt_count(len(warnings), 'målepunkt', 'målepunkter')} giver data en anden "
                        f"basisværdi end den offentliggjorte; den offentliggjorte basisværdi bruges "
                        f"(se afsnittet Om tallene).")
    return messages


def missed_messages(maalstatus: pd.DataFrame, programme: Programme) -> list[str]:
    """One sentence per indikator not reached or not on track, naming it, its value and its goal
    (what was missed leads; see :func:`key_messages`). Provisional targets are said to be provisional."""
    out = []
    missed = maalstatus[maalstatus["status"].isin([goal_status.IKKE_NAAET, goal_status.IKKE_PAA_SPORET])]
    for row in missed.to_dict("records"):
        indikator = programme.indikator(row["indikator_id"])
        provisional = " (målet er foreløbigt)" if indikator.provisional else ""
        out.append(f"{word('status', row['status'])}: målepunkt {indikator.maalepunkt_nr}, »{indikator.title}«"
                   f"{provisional}. {describe_target(indikator, row)}")
    return out


def baseline_note(baseline_warnings: Iterable[str]) -> str:
    """One sentence introducing the baseline warnings (:func:`sikkerby.model.goals.baseline_warnings`), or
    saying that the data agree with every published baseline."""
    n = len(list(baseline_warnings))
    if n == 0:
        return ("Data for basisåret stemmer overens med de offentliggjorte basisværdier for alle målepunkter, "
                "der har en offentliggjort basisværdi.")
    return (f"For {fmt_count(n, 'målepunkt', 'målepunkter')} giver data for basisåret en anden værdi end den "
            f"offentliggjorte basisværdi:")


def data_sources_caption(year: int) -> str:
    """The caption of the data-sources table: the publication uses data up to and including ``year``."""
    return f"Inddata bag publikationen (data til og med {year})"


# ---------------------------------------------------------------- chapter guide

EVIDENCE_CHAPTER = ("Effekt og evidens", "viser effekt- og evidensmodellen: aktiviteternes scorer, de aktiviteter, "
                    "der er godt på vej ind i modellen, og hvor aktiviteterne har deres udviklingspotentiale")


def chapter_guide(programme: Programme) -> tuple[str, list[str]]:
    """'Sådan læses publikationen': an opening sentence and one bullet per chapter, from the programme.

    One chapter per goal area (its title, how many målepunkter and their titles) and the
    effect-and-evidence chapter last.
    """
    bullets = []
    for key, area in programme.goal_areas.items():
        titles = [f"»{m.title}«" for m in programme.maalepunkter_for(key)]
        title = str(area.get("title", key))
        if not titles:
            bullets.append(f"{title} har ingen målepunkter i programmet.")
            continue
        which = "målepunktet" if len(titles) == 1 else f"programmets {fmt_count(len(titles), 'målepunkt', 'målepunkter')}"
        bullets.append(f"{title} gennemgår {which} {fmt_list(titles)}.")
    bullets.append(f"{EVIDENCE_CHAPTER[0]} {EVIDENCE_CHAPTER[1]}.")
    n = len(bullets)
    words = _COUNT_WORDS[n] if n < len(_COUNT_WORDS) else fmt_number(n)
    opening = (f"Denne sammenfatning giver overblikket. Bagefter følger {words} "
               f"{'kapitel' if n == 1 else 'kapitler'}, som kan læses hver for sig:")
    return opening, bullets


_COUNT_WORDS = ("nul", "ét", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti")


# ---------------------------------------------------------------- data sources

# The column that dates a row of each input (none: the register has no year).
YEAR_COLUMNS = {
    "tryghedsundersoegelse": "aar",
    "tryghedsindeks": "aar",
    "lukninger": "startdato",
    "sigtelser": "aar",
    "bandelog": "dato",
    "aktiviteter": None,
    "succeskriterier": "aar",
}


def _years(values: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.year
    return pd.to_numeric(values)


def data_sources(dataset, year: int | None = None) -> pd.DataFrame:
    """One row per input of a :class:`~sikkerby.inputs.dataset.Dataset`: what it is and what it holds.

    Columns: ``input`` (base name), ``titel`` (the contract's Danish title), ``fil``
    (the file's name, no folder), ``raekker``, ``foerste_aar``, ``sidste_aar``
    (from :data:`YEAR_COLUMNS`; ``<NA>`` for the activity register). With ``year``
    (the reporting year) the years are those the publication uses: rows dated
    after ``year`` are left out of ``foerste_aar``/``sidste_aar``.
    """
    rows = []
    for name in dataset.table_names():
        table = dataset.table(name)
        column = YEAR_COLUMNS.get(name)
        years = _years(table[column]).dropna() if column else pd.Series(dtype="float64")
        if year is not None:
            years = years[years <= year]
        path = dataset.source_files.get(name)
        rows.append({
            "input": name,
            "titel": INPUTS_BY_NAME[name].title,
            "fil": path.name if path is not None else "",
            "raekker": len(table),
            "foerste_aar": int(years.min()) if len(years) else pd.NA,
            "sidste_aar": int(years.max()) if len(years) else pd.NA,
        })
    frame = pd.DataFrame(rows)
    for column in ("input", "titel", "fil"):
        frame[column] = frame[column].astype("str")
    frame["raekker"] = frame["raekker"].astype("int64")
    for column in ("foerste_aar", "sidste_aar"):
        frame[column] = frame[column].astype("Int64")
    return frame
