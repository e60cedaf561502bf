"""What the front page says: the publication's introduction, the key messages, the data sources.

Pure functions of the year's results (the ``maalstatus`` table of DATA.md §4, the
effect-and-evidence model's scores, the programme) that return Danish sentences
or small tables; the front-page notebook only displays them.

The key messages (:func:`key_messages`) lead with what was missed, then what was reached:

1. the målepunkter by status, missed first, each named by its number
   (:func:`status_overview_message`; a målepunkt with several indikatorer takes the status of
   :func:`sikkerby.report.overview.maalepunkt_status`);
2. one message per målepunkt, the missed ones first (:func:`maalepunkt_message`): its status (and
   that its target is provisional), the year's value against the target, for a miss by how much,
   whether a survey's comparison is statistically certain, and in how many of the programme's years
   it was reached or on track;
3. the effect-and-evidence model: the scored activities per kategori, the pipeline, any activity
   built on a harmful method, and where the development potential lies (:func:`evidence_messages`);
4. when the data disagree with a published baseline: how many indikatorer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from sikkerby.config.programme import Indikator, Maalepunkt, Programme
from sikkerby.inputs.contract import INPUTS_BY_NAME
from sikkerby.model import goal_status
from sikkerby.model.calculations.survey import OVER, UNDER, ci_side
from sikkerby.model.evidence import KATEGORIER, model_overview
from sikkerby.report import evidence_chapter
from sikkerby.report.formatting import (
    NBSP,
    _requirement_text,
    count_words,
    counts_whole_units,
    distinguishing_decimals,
    fmt_baseline,
    fmt_change,
    fmt_ci,
    fmt_count,
    fmt_goal_threshold,
    fmt_list,
    fmt_number,
    fmt_value,
    goal_threshold,
    is_missing,
    label,
    number_word,
    quoted,
    unit_noun,
    word,
)
from sikkerby.report.overview import MISSED, REACHED, maalepunkt_status

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


def _maalepunkter_words(n: int) -> str:
    return f"{number_word(n, neuter=True)} {'målepunkt' if n == 1 else 'målepunkter'}"


def _indikatorer_words(n: int, stressed: bool = False) -> str:
    return f"{number_word(n, stressed=stressed)} {'indikator' if n == 1 else 'indikatorer'}"


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
    judged = f" (vurderet på {_indikatorer_words(k)})" if k != n else ""
    text = (f"{title} er den årlige status på {programme.name}{place}. "
            f"Den gælder {year}, {programme_year_text(programme, year)}, og viser, hvordan det går med "
            f"programmets {_maalepunkter_words(n)}{judged}"
            f"{' for ' + fmt_list(areas) if areas else ''}, "
            f"og hvordan aktiviteterne klarer sig i effekt- og evidensmodellen.")
    when = str(year_params.get("forelaeggelse") or "").strip()
    if programme.committee:
        text += f" Publikationen forelægges {programme.committee}{' i ' + when if when else ''}."
    elif when:
        text += f" Publikationen forelægges i {when}."
    return text


# --------------------------------------------------------------- the målepunkter's status

# In the status overview the missed come first, then what cannot be judged, then what was reached.
_STATUS_ORDER = (goal_status.IKKE_NAAET, goal_status.IKKE_PAA_SPORET, goal_status.IKKE_VURDERBAR,
                 goal_status.BASISAAR, goal_status.PAA_SPORET, goal_status.NAAET)
_STATUS_WORDS = {
    goal_status.NAAET: "nået", goal_status.PAA_SPORET: "på sporet",
    goal_status.IKKE_PAA_SPORET: "ikke på sporet", goal_status.IKKE_NAAET: "ikke nået",
    goal_status.BASISAAR: "i basisåret", goal_status.IKKE_VURDERBAR: "kan ikke vurderes",
}
PROVISIONAL_WORDS = "målet er foreløbigt"


def _rows(maalstatus: pd.DataFrame) -> dict[str, dict]:
    return {r["indikator_id"]: r for r in maalstatus.to_dict("records")}


def _is_provisional(indikator: Indikator, row: Mapping[str, Any]) -> bool:
    return indikator.is_provisional or str(row.get("maal_foreloebigt", "nej")) == "ja"


def maalepunkt_results(maalstatus: pd.DataFrame, programme: Programme) -> list[tuple[Maalepunkt, str]]:
    """Each målepunkt with indikatorer in ``maalstatus`` and its status (programme order)."""
    rows = _rows(maalstatus)
    found = []
    for mp in programme.maalepunkter:
        statuses = [str(rows[m.id]["status"]) for m in mp.indikatorer if m.id in rows]
        if statuses:
            found.append((mp, maalepunkt_status(statuses)))
    return found


def status_overview_message(maalstatus: pd.DataFrame, programme: Programme, year: int) -> str:
    """The first key message: the målepunkter by status, the missed first, each group naming its målepunkter.

    ``I 2017, programmets fjerde og sidste år, er to af programmets fem målepunkter ikke nået (målepunkt 1
    og 3), og tre er nået (målepunkt 2, 4 og 5).``
    """
    results = maalepunkt_results(maalstatus, programme)
    n = len(results)
    when = f"I {year}, {programme_year_text(programme, year)},"
    if n == 0:
        return f"{when} er der ingen målepunkter at vurdere."
    groups = []
    for status in _STATUS_ORDER:
        nrs = [mp.nr for mp, s in results if s == status]
        if nrs:
            which = f"målepunkt {fmt_list(str(nr) for nr in nrs)}"
            groups.append((status, len(nrs), which))
    if len(groups) == 1:
        status = groups[0][0]
        if status == goal_status.IKKE_VURDERBAR:
            text = f"{when} kan {'målepunktet' if n == 1 else 'ingen af programmets målepunkter'} vurderes."
        elif status in MISSED:  # "ingen … er nået", not "alle … er ikke nået"
            positive = _STATUS_WORDS[status].removeprefix("ikke ")
            text = (f"{when} er programmets ene målepunkt ikke {positive}." if n == 1 else
                    f"{when} er ingen af programmets {_maalepunkter_words(n)} {positive}.")
        else:
            every = "programmets ene målepunkt" if n == 1 else ("begge programmets målepunkter" if n == 2
                                                                else f"alle programmets {_maalepunkter_words(n)}")
            text = f"{when} er {every} {_STATUS_WORDS[status]}."
    else:
        first_status, k, which = groups[0]
        head = f"{when} er {number_word(k, neuter=True, stressed=True)} af programmets {_maalepunkter_words(n)} " \
               f"{_STATUS_WORDS[first_status]} ({which})"
        rest = [f"{number_word(k2, neuter=True, stressed=True)} "
                f"{'kan ikke vurderes' if s == goal_status.IKKE_VURDERBAR else 'er ' + _STATUS_WORDS[s]} ({w})"
                for s, k2, w in groups[1:]]
        text = f"{head}, og {fmt_list(rest)}." if len(rest) == 1 else f"{head}; {fmt_list(rest)}."
    several = [mp for mp, _ in results if len(mp.indikatorer) > 1]
    if several:
        text += (f" {'Målepunkt ' + fmt_list(str(mp.nr) for mp in several)} vurderes på flere indikatorer og er "
                 "kun nået eller på sporet, når de alle er det.")
    return text


def _limit(m: Indikator, row: Mapping[str, Any]) -> tuple[float | None, str, bool]:
    """What the year's value is judged against: (the exact value, how it is named, whether it is a lower limit).
    The target in and after the target year (``sti``), the path before it, the baseline (``retning``),
    the requirement (``krav``)."""
    year = int(row["aar"])
    get = (lambda k: None if is_missing(row.get(k)) else float(row[k]))
    if m.kind == "krav":
        return get("maalvaerdi"), "kravet", True
    if m.kind == "retning":
        return get("basisvaerdi"), f"niveauet i {row['basisaar']}", False
    if m.target_year is not None and year >= m.target_year:
        return get("maalvaerdi"), "målet", False
    return get("sti_vaerdi"), f"målstien for {year}", False


def indikator_fact(m: Indikator, row: Mapping[str, Any], previous: float | None = None) -> str:
    """The year's value against what it is judged by, in one or two short sentences; for a miss, by how much.

    ``Andelen var 13,3 % i 2017 mod målet på højst 13,0 %, 0,3 procentpoint over.`` Targets and paths at the
    indikator's precision (:func:`sikkerby.report.formatting.fmt_goal_threshold`); a share gets more decimals
    only where it would otherwise read like its limit. ``previous`` (V(Y−1)) names the yearly requirement
    when it is what failed.
    """
    year, status = int(row["aar"]), str(row["status"])
    noun = unit_noun(m.unit).capitalize()
    if is_missing(row.get("vaerdi")):
        return f"Der er ingen værdi for {year}, så status kan ikke vurderes."
    value = float(row["vaerdi"])
    limit, what, at_least = _limit(m, row)
    whole = counts_whole_units(m)
    d = m.decimals if whole else distinguishing_decimals(value, (limit,), m.decimals)
    v = fmt_value(value, m.unit, d)
    if status == goal_status.BASISAAR:
        return f"{noun} var {v} i {year}, som er basisåret for målet."
    if limit is None:
        return f"{noun} var {v} i {year}."
    if m.kind == "retning":
        text = (f"{noun} var {v} i {year} mod {fmt_baseline(m, limit)} i {row['basisaar']}; målet er at komme under "
                f"niveauet i {row['basisaar']} senest i {m.target_year}.")
        return text
    shown = fmt_goal_threshold(m, limit, d, at_least=at_least)
    words = "mindst" if at_least else "højst"
    text = f"{noun} var {v} i {year} mod {what} på {words} {shown}"
    if status in MISSED:
        # the gap between the two numbers as the sentence shows them, so the reader's subtraction agrees
        shown_value = round(value) if whole else float(_plain_number(fmt_number(value, d)))
        shown_limit = goal_threshold(m, limit, at_least=at_least) if whole else float(_plain_number(
            fmt_number(limit, d)))
        gap = abs(shown_value - shown_limit)
        missed_limit = (shown_value < shown_limit) if at_least else (shown_value > shown_limit)
        if missed_limit and gap > goal_status.TOLERANCE:
            text += f", {fmt_change(gap, m.unit, 0 if whole else d)} {'under' if at_least else 'over'}"
    if m.kind == "sti" and what.startswith("målstien") and not is_missing(row.get("maalvaerdi")):
        text += f"; målet er højst {fmt_goal_threshold(m, row['maalvaerdi'])} i {m.target_year}"
    text += "."
    requirement = m.yearly_requirement
    if (status == goal_status.IKKE_PAA_SPORET and requirement is not None and previous is not None
            and not goal_status.requirement_holds(requirement, value, previous)):
        rule = _requirement_text(requirement, m.unit, m.decimals)
        text += (f" {rule[0].upper()}{rule[1:]} er ikke opfyldt ({unit_noun(m.unit)} var "
                 f"{fmt_value(previous, m.unit, distinguishing_decimals(previous, (value,), m.decimals))} i {year - 1}).")
    return text


def _plain_number(text: str) -> str:
    """A Danish-formatted number as Python reads it: ``1.234,5`` → ``1234.5``."""
    return text.replace(".", "").replace(",", ".")


def ci_fact(m: Indikator, row: Mapping[str, Any]) -> str:
    """For a survey measure: whether the year's comparison is statistically certain, with the 95 % interval
    (``Det er ikke statistisk sikkert, at andelen ligger over målet (95 %-konfidensinterval: 12,0–14,6 %).``);
    empty without an interval or in the baseline year."""
    lo, hi = row.get("ci_nedre"), row.get("ci_oevre")
    if is_missing(lo) or is_missing(hi) or str(row["status"]) in (goal_status.BASISAAR, goal_status.IKKE_VURDERBAR):
        return ""
    limit, what, _ = _limit(m, row)
    if limit is None:
        return ""
    side = ci_side(float(lo), float(hi), limit)
    where = "under" if float(row["vaerdi"]) <= limit else "over"
    d = max(distinguishing_decimals(float(x), (limit,), m.decimals) for x in (lo, hi))
    interval = f"95{NBSP}%-konfidensinterval: {fmt_ci(lo, hi, m.unit, d)}"
    if side in (UNDER, OVER):
        return (f"Det er statistisk sikkert, at {unit_noun(m.unit)} ligger {'under' if side == UNDER else 'over'} "
                f"{what} ({interval}).")
    return f"Det er ikke statistisk sikkert, at {unit_noun(m.unit)} ligger {where} {what} ({interval})."


def _history_sentence(m: Indikator, history: pd.DataFrame | None, year: int, programme: Programme) -> str:
    """The programme's years up to ``year`` in which the indikator was reached or on track, and those it was not."""
    if history is None or history.empty:
        return ""
    mine = history[(history["indikator_id"] == m.id) & (history["aar"] <= year)
                   & (history["aar"] >= programme.period_start)]
    judged = mine[mine["status"].isin(MISSED + REACHED)].sort_values("aar")
    if len(judged) < 2:
        return ""
    good = judged[judged["status"].isin(REACHED)]
    bad = judged[judged["status"].isin(MISSED)]
    subject = "Kravet" if m.kind == "krav" else "Indikatoren"
    if good.empty:
        return (f" {subject} har hverken været nået eller på sporet i nogen af programmets år "
                f"{int(judged['aar'].min())}-{int(judged['aar'].max())}.")
    good_statuses = set(good["status"])
    words = ("nået" if good_statuses == {goal_status.NAAET} else
             "på sporet" if good_statuses == {goal_status.PAA_SPORET} else "nået eller på sporet")
    only = "kun " if len(good) < len(bad) else ""
    return (f" {subject} var {only}{words} i {fmt_list(str(int(y)) for y in good['aar'])}, men ikke i "
            f"{fmt_list(str(int(y)) for y in bad['aar'])}.")


def _first_sentence(text: str) -> str:
    head = text.split(". ", 1)[0].rstrip(".")
    return head + "."


def _compact_fact(m: Indikator, row: Mapping[str, Any]) -> str:
    """The year's value against the target in a few words: ``185 mod højst 189``, ``3 mod 5 i 2013``."""
    value = fmt_value(row["vaerdi"], m.unit, m.decimals)
    if m.kind == "krav" and not is_missing(row.get("maalvaerdi")):
        return f"{value} mod mindst {fmt_goal_threshold(m, row['maalvaerdi'], at_least=True)}"
    if m.kind == "sti":
        limit = row.get("maalvaerdi") if int(row["aar"]) >= (m.target_year or 0) else row.get("sti_vaerdi")
        return value if is_missing(limit) else f"{value} mod højst {fmt_goal_threshold(m, limit)}"
    if not is_missing(row.get("basisvaerdi")):
        return f"{value} mod {fmt_baseline(m, row['basisvaerdi'])} i {row['basisaar']}"
    return value


def maalepunkt_message(maalepunkt: Maalepunkt, maalstatus: pd.DataFrame, programme: Programme,
                       history: pd.DataFrame | None = None, previous: Mapping[str, float | None] | None = None) -> str:
    """One key message for a målepunkt: ``<Status>: målepunkt <nr> »<title>«`` (``(målet er foreløbigt)``
    after the status when a target is, and why in the programme's first sentence), the area it is measured
    on when its calculation is restricted to one, then per indikator the value against its target
    (:func:`indikator_fact`), for a survey whether that is statistically certain (:func:`ci_fact`) and, for a
    miss, the programme's years it was and was not reached or on track (``history``: stacked maalstatus
    tables). A målepunkt with several indikatorer lists the reached ones briefly and explains the others.
    ``previous``: V(Y−1) per indikator id, for the yearly requirement.
    """
    rows = _rows(maalstatus)
    indikatorer = [m for m in maalepunkt.indikatorer if m.id in rows]
    status = maalepunkt_status(str(rows[m.id]["status"]) for m in indikatorer)
    provisional = [m for m in indikatorer if _is_provisional(m, rows[m.id])]
    year = int(rows[indikatorer[0].id]["aar"])
    lead = f"{label('status', status).word}{' (' + PROVISIONAL_WORDS + ')' if provisional else ''}: " \
           f"målepunkt {maalepunkt.nr} {quoted(maalepunkt.title)}"
    areas = [str(m.parameters["omraade"]) for m in indikatorer if m.parameters.get("omraade")]
    if areas:
        lead += f", målt på {fmt_list(dict.fromkeys(areas))}"
    previous = previous or {}

    def explained(m: Indikator) -> str:
        row = rows[m.id]
        text = indikator_fact(m, row, previous.get(m.id))
        ci = ci_fact(m, row)
        if ci:
            text += f" {ci}"
        if str(row["status"]) in MISSED:
            text += _history_sentence(m, history, year, programme)
        if _is_provisional(m, row) and m.provisional:
            text += f" {_first_sentence(m.provisional)}"
        return text

    if len(indikatorer) == 1:
        return f"{lead}. {explained(indikatorer[0])}"
    reached = [m for m in indikatorer if str(rows[m.id]["status"]) in REACHED]
    others = [m for m in indikatorer if m not in reached]
    n = len(indikatorer)
    if reached:
        facts = [f"{quoted(m.title)} ({_compact_fact(m, rows[m.id])})" for m in reached]
        kinds = {str(rows[m.id]["status"]) for m in reached}
        what = _STATUS_WORDS[kinds.pop()] if len(kinds) == 1 else "nået eller på sporet"
        count = (f"{number_word(len(reached), stressed=True).capitalize()} af dets {_indikatorer_words(n)} er {what}"
                 if len(reached) < n else f"Alle dets {_indikatorer_words(n)} er {what}")
        text = f"{lead}. {count}: {fmt_list(facts)}."
    else:
        text = f"{lead}. Målepunktet vurderes på {_indikatorer_words(n)}."
    for m in others:
        text += f" {label('status', str(rows[m.id]['status'])).word}: {quoted(m.title)}. {explained(m)}"
    return text


def maalepunkt_messages(maalstatus: pd.DataFrame, programme: Programme, history: pd.DataFrame | None = None,
                        previous: Mapping[str, float | None] | None = None) -> list[str]:
    """:func:`maalepunkt_message` for every målepunkt: the missed first, then those that cannot be judged
    or are in their baseline year, then the reached; programme order within each."""
    results = maalepunkt_results(maalstatus, programme)
    order = {s: i for i, s in enumerate(_STATUS_ORDER)}
    ranked = sorted(results, key=lambda r: order[r[1]])  # stable: programme order within a status
    return [maalepunkt_message(mp, maalstatus, programme, history, previous) for mp, _ in ranked]


# ------------------------------------------------------------- the evidence model

def evidence_messages(scores: pd.DataFrame, year: int, kategorier: Sequence[str] = KATEGORIER) -> list[str]:
    """Two sentences on the effect-and-evidence model for ``year`` from its ``aktivitetsscorer`` table:
    the activities reporting results with a score per kategori, and the activities godt på vej / in
    førmåling / forsinket. No sentence opens with a numeral."""
    overview = model_overview(scores, kategorier).set_index("model_status")
    counts = overview["antal_aktiviteter"]
    reporting = int(counts["i_model"])
    in_model = reporting + int(counts["foermaaling"])
    per_kategori = [f"{fmt_number(int(overview.loc['i_model', f'antal_{k}']))} i {word('kategori', k).lower()}"
                    for k in kategorier]
    if per_kategori:
        per_kategori[0] = per_kategori[0].replace(" i ", " i kategori ", 1)
    scored = reporting - int(overview.loc["i_model", "antal_uden_score"])
    if reporting == 0:
        first = f"Ingen aktiviteter i effekt- og evidensmodellen har en samlet score for {year}."
    else:
        of = (f"Af de {fmt_number(in_model)} aktiviteter i effekt- og evidensmodellen afrapporterer "
              f"{'alle' if reporting == in_model else fmt_number(reporting)} resultater" if in_model > 1 else
              "Den ene aktivitet i effekt- og evidensmodellen afrapporterer resultater")
        if scored == reporting:
            has = ("og har en samlet score" if reporting == 1 else
                   f"og {'har alle' if reporting > 2 else 'har begge'} en samlet score")
            first = f"{of} {has} for {year}: {fmt_list(per_kategori)}."
        else:
            missing = reporting - scored
            first = (f"{of}; {fmt_number(scored)} af dem har en samlet score for {year}: {fmt_list(per_kategori)}, "
                     f"og {number_word(missing, stressed=True)} mangler en resultatscore og dermed en samlet score.")

    on_the_way = int(counts["godt_paa_vej"])
    parts = [f"{count_words(on_the_way, 'aktivitet', 'aktiviteter', capital=True)} er godt på vej ind i modellen "
             f"og forventes at indgå fra {year + 1}" if on_the_way else "Ingen aktiviteter er godt på vej ind i modellen"]
    if int(counts["foermaaling"]):
        n = int(counts["foermaaling"])
        parts.append(f"{number_word(n, stressed=True)} har førmåling i {year} (første år i modellen, kun evidensscore)")
    if int(counts["forsinket"]):
        n = int(counts["forsinket"])
        parts.append(f"{number_word(n, stressed=True)} {'er forsinkede' if n > 1 else 'er forsinket'} i forhold til "
                     "det forventede år")
    return [first, fmt_list(parts) + "."]


def potential_message(result: Any) -> str | None:
    """Where the development potential of the scored activities mostly lies, in one sentence; ``None``
    without scored activities."""
    counts = evidence_chapter.potential_counts(result)
    n = sum(counts.values())
    if n == 0:
        return None
    where = [f"{fmt_number(counts['evidens'])} i evidensen", f"{fmt_number(counts['resultater'])} i resultaterne"]
    if counts["begge"]:
        where.append(f"{fmt_number(counts['begge'])} i begge")
    most = max(("evidens", "resultater"), key=lambda k: counts[k])
    lead = ("Udviklingspotentialet ligger oftest i evidensen" if most == "evidens" and counts["evidens"] > counts["resultater"]
            else "Udviklingspotentialet ligger oftest i resultaterne" if counts["resultater"] > counts["evidens"]
            else "Udviklingspotentialet ligger lige så ofte i evidensen som i resultaterne")
    return (f"{lead}: af de {fmt_count(n, 'aktivitet', 'aktiviteter')} med en samlet score har {fmt_list(where)} "
            f"(se afsnittet om udviklingspotentiale).")


# --------------------------------------------------------------- key messages

def key_messages(maalstatus: pd.DataFrame, programme: Programme, evidence_result: Any,
                 baseline_warnings: Iterable[str] = (), history: pd.DataFrame | None = None,
                 previous: Mapping[str, float | None] | None = None) -> list[str]:
    """The front page's key messages for the reporting year (see the module doc), missed first.

    ``maalstatus``: :func:`sikkerby.model.goals.maalstatus` for one year; ``evidence_result``:
    :func:`sikkerby.model.evidence.evaluate` for the same year (its ``scores``, ``year``,
    ``params.kategorier`` and, when present, ``skadelig`` are used); ``baseline_warnings``:
    :func:`sikkerby.report.formatting.baseline_warnings`; ``history``: the maalstatus tables of the
    programme's years (:func:`sikkerby.report.overview.status_history`), for how often a missed
    indikator was reached before; ``previous``: V(Y−1) per indikator id.
    """
    years = set(int(y) for y in maalstatus["aar"])
    if len(years) != 1:
        raise ValueError(f"maalstatus must hold one reporting year, not {sorted(years)}")
    year = years.pop()
    if int(evidence_result.year) != year:
        raise ValueError(f"the evidence model is for {evidence_result.year}, maalstatus for {year}")
    messages = [status_overview_message(maalstatus, programme, year)]
    messages += maalepunkt_messages(maalstatus, programme, history, previous)
    messages += evidence_messages(evidence_result.scores, year, evidence_result.params.kategorier)
    skadelig = getattr(evidence_result, "skadelig", None)
    if skadelig is not None and len(skadelig):
        messages.append(evidence_chapter.describe_skadelig(evidence_result, programme.forvaltninger))
    if hasattr(evidence_result, "params") and hasattr(evidence_result.params, "categories"):
        potential = potential_message(evidence_result)
        if potential:
            messages.append(potential)
    warnings = list(baseline_warnings)
    if warnings:
        messages.append(f"For {_indikatorer_words(len(warnings), stressed=True)} giver data en anden basisværdi end den "
                        f"offentliggjorte; den offentliggjorte basisværdi bruges (se afsnittet Om tallene).")
    return messages


def baseline_note(baseline_warnings: Iterable[str]) -> str:
    """One sentence introducing the baseline warnings (:func:`sikkerby.model.goals.baseline_warnings`), or
    saying that the data agree with every published baseline."""
    n = len(list(baseline_warnings))
    if n == 0:
        return ("Data for basisåret stemmer overens med de offentliggjorte basisværdier for alle indikatorer, "
                "der har en offentliggjort basisværdi.")
    return (f"For {_indikatorer_words(n, stressed=True)} giver data for basisåret en anden værdi end den "
            f"offentliggjorte basisværdi:")


DATA_QUALITY_HEADING = "Bemærkninger til data"


def data_quality_note(warnings: Iterable[str]) -> str:
    """The sentence above the list of the inputs' warnings (findings beyond the data contract that did not
    stop the publication), or the sentence saying there were none."""
    n = len(list(warnings))
    if n == 0:
        return "Kontrollen af inddata gav ingen bemærkninger ud over de regler, data skal overholde."
    return (f"Kontrollen af inddata gav {fmt_count(n, 'bemærkning', 'bemærkninger')}. De har ikke forhindret "
            "publikationen, men bør undersøges af den, der har leveret data:")


def data_sources_caption(year: int) -> str:
    """The caption of the data-sources table: the publication uses data up to and including ``year``."""
    return f"Inddata bag publikationen (data til og med {year})"


# ---------------------------------------------------------------- chapter guide

EVIDENCE_CHAPTER = ("Effekt og evidens", "viser effekt- og evidensmodellen: aktiviteternes scorer, de aktiviteter, "
                    "der er godt på vej ind i modellen, og hvor aktiviteterne har deres udviklingspotentiale")
ANNEX_CHAPTER = ("Bilagene", "viser hver aktivitets succeskriterier med basisværdi, mål, årets værdi og målopfyldelse "
                 "(bilag 1) og beskriver metode og datakvalitet: definitioner, forvaltningens fortolkning af "
                 "programmets mål, usikkerhed, diskretionering og datakilder (bilag 2)")


def chapter_guide(programme: Programme) -> tuple[str, list[str]]:
    """'Sådan læses publikationen': an opening sentence and one bullet per chapter, from the programme.

    One chapter per goal area (its title, how many målepunkter and their titles), the
    effect-and-evidence chapter and the annexes last.
    """
    bullets = []
    for key, area in programme.goal_areas.items():
        titles = [f"»{m.title}«" for m in programme.maalepunkter_for(key)]
        title = str(area.get("title", key))
        if not titles:
            bullets.append(f"{title} har ingen målepunkter i programmet.")
            continue
        which = "målepunktet" if len(titles) == 1 else f"programmets {_maalepunkter_words(len(titles))}"
        bullets.append(f"{title} gennemgår {which} {fmt_list(titles)}.")
    bullets.append(f"{EVIDENCE_CHAPTER[0]} {EVIDENCE_CHAPTER[1]}.")
    bullets.append(f"{ANNEX_CHAPTER[0]} {ANNEX_CHAPTER[1]}.")
    n = len(bullets)
    words = number_word(n, neuter=True, stressed=True)
    opening = (f"Denne sammenfatning giver overblikket. Bagefter følger {words} "
               f"{'kapitel' if n == 1 else 'kapitler'}, som kan læses hver for sig:")
    return opening, bullets



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


# ---------------------------------------------------------------- V(Y-1) for the status sentences

def previous_values(series: pd.DataFrame, programme: Programme, maalstatus: pd.DataFrame) -> dict[str, float | None]:
    """V(Y−1) per indikator id as the yearly requirement sees it (the baseline when Y−1 is the baseline
    year; :func:`sikkerby.model.goal_status.previous_value`), for indikatorer with a yearly requirement."""
    from sikkerby.model.goals import values_of

    out: dict[str, float | None] = {}
    for row in maalstatus.to_dict("records"):
        m = programme.indikator(row["indikator_id"])
        if m.yearly_requirement is None:
            continue
        baseline = None if is_missing(row.get("basisvaerdi")) else float(row["basisvaerdi"])
        out[m.id] = goal_status.previous_value(m, values_of(series, m.id), int(row["aar"]), baseline=baseline)
    return out
