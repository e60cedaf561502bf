"""The front page's one-page overview: every målepunkt and indikator at a glance, and the programme's years.

Pure functions of the year's ``maalstatus`` table, the indikatorer's series and the programme; the
front-page notebook only shows what they return:

- :func:`maalepunkt_status`: one status for a målepunkt judged on several indikatorer (the
  administration's reading, stated in the method note: a målepunkt is only nået when every one of
  its indikatorer is);
- :func:`overview_frame` / :func:`overview_table`: per indikator the year's value, the change since
  the year before with an arrow, the target and the status (symbol, word, colour; provisional
  targets said to be provisional);
- :func:`status_history` / :func:`history_table`: in the programme's last year, every indikator ×
  every programme year: the end-of-programme conclusion;
- :func:`changes_frame` / :func:`changes_table` / :func:`describe_changes`: in other years, what
  changed since last year (status last year → this year);
- :func:`overview_chart`: the small multiples of :func:`sikkerby.report.plotting.overview_small_multiples`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from sikkerby.config.programme import Indikator, Programme
from sikkerby.model import goal_status
from sikkerby.model.goals import maalstatus as maalstatus_for
from sikkerby.model.goals import values_of
from sikkerby.report import plotting
from sikkerby.report.display import ColumnSpec, Table
from sikkerby.report.formatting import (
    MISSING,
    distinguishing_decimals,
    fmt_change,
    fmt_list,
    fmt_number,
    fmt_target,
    fmt_value,
    number_word,
    quoted,
    word,
)

# ------------------------------------------------------------------ a målepunkt's status

# The first status found in this order is the målepunkt's: one indikator that misses decides, then one
# that cannot be judged yet (the målepunkt cannot be called reached or on track without it).
_PRECEDENCE = (goal_status.IKKE_NAAET, goal_status.IKKE_PAA_SPORET, goal_status.IKKE_VURDERBAR,
               goal_status.BASISAAR, goal_status.PAA_SPORET, goal_status.NAAET)
MISSED = (goal_status.IKKE_NAAET, goal_status.IKKE_PAA_SPORET)
REACHED = (goal_status.NAAET, goal_status.PAA_SPORET)


def maalepunkt_status(statuses: Iterable[str]) -> str:
    """The status of a målepunkt from its indikatorer's statuses.

    ``ikke_naaet`` if any indikator is not reached; else ``ikke_paa_sporet`` if any is not on track;
    else ``ikke_vurderbar`` / ``basisaar`` if any cannot be judged or is in its baseline year; else
    ``paa_sporet`` if any is (only) on track; else ``naaet``. One indikator: its own status.
    """
    found = [str(s) for s in statuses]
    if not found:
        raise ValueError("a målepunkt needs at least one indikator")
    for status in found:
        word("status", status)  # a known status, or ValueError
    return next(s for s in _PRECEDENCE if s in found)


def maalepunkt_statuses(maalstatus: pd.DataFrame, programme: Programme) -> pd.DataFrame:
    """One row per målepunkt (programme order) for the year of ``maalstatus``: ``maalepunkt_nr``, ``titel``,
    ``status`` (:func:`maalepunkt_status`), ``antal_indikatorer``, ``antal_naaet_eller_paa_sporet``,
    ``foreloebigt`` (any of its targets provisional)."""
    by_id = maalstatus.set_index("indikator_id")
    rows = []
    for mp in programme.maalepunkter:
        statuses = [str(by_id.loc[m.id, "status"]) for m in mp.indikatorer if m.id in by_id.index]
        if not statuses:
            continue
        rows.append({
            "maalepunkt_nr": mp.nr, "titel": mp.title, "status": maalepunkt_status(statuses),
            "antal_indikatorer": len(statuses),
            "antal_naaet_eller_paa_sporet": sum(s in REACHED for s in statuses),
            "foreloebigt": any(_provisional(m, by_id.loc[m.id]) for m in mp.indikatorer if m.id in by_id.index),
        })
    return pd.DataFrame(rows, columns=["maalepunkt_nr", "titel", "status", "antal_indikatorer",
                                       "antal_naaet_eller_paa_sporet", "foreloebigt"])


def _provisional(indikator: Indikator, row: Mapping[str, Any]) -> bool:
    return indikator.is_provisional or str(row.get("maal_foreloebigt", "nej")) == "ja"


# ------------------------------------------------------------------ change since last year

UP, DOWN, SAME = "↑", "↓", "→"


def yearly_change(series: pd.DataFrame, indikator: Indikator, year: int) -> tuple[float | None, float | None]:
    """(V(Y), V(Y−1)) from the indikator's series; ``None`` where a year has no value."""
    values = values_of(series, indikator.id)
    return goal_status.value_in(values, year), goal_status.value_in(values, year - 1)


def change_direction(indikator: Indikator, value: float | None, previous: float | None) -> str | None:
    """``bedre``, ``dårligere`` or ``uændret`` since last year (lower is better except for kind ``krav``);
    ``None`` without both values."""
    if value is None or previous is None:
        return None
    diff = value - previous
    if abs(diff) <= goal_status.TOLERANCE:
        return "uændret"
    better = diff < 0 if indikator.lower_is_better else diff > 0
    return "bedre" if better else "dårligere"


def describe_change(indikator: Indikator, value: float | None, previous: float | None, *, unit: bool = False) -> str:
    """The change since last year for a table cell: an arrow for the direction of the value, its size and whether
    it is better: ``↓ 0,8 (bedre)``, ``↑ 5 (dårligere)``, ``→ uændret``; ``–`` without both values. The size is in
    the indikator's unit (procentpoint for a share), written out with ``unit``. Decimals are raised when a
    real change would read 0."""
    direction = change_direction(indikator, value, previous)
    if direction is None:
        return MISSING
    if direction == "uændret":
        return f"{SAME} uændret"
    diff = value - previous
    d = distinguishing_decimals(abs(diff), (0.0,), indikator.decimals)
    arrow = UP if diff > 0 else DOWN
    size = fmt_change(abs(diff), indikator.unit, d) if unit else fmt_number(abs(diff), d)
    return f"{arrow} {size} ({direction})"


# ------------------------------------------------------------------ the overview table

OVERVIEW_COLUMNS = ["nr", "navn", "vaerdi", "aendring", "maal", "status", "indikator_id"]


def overview_label(maalepunkt_title: str, indikator: Indikator | None) -> str:
    """What a row of the overview is called: a målepunkt's title, with the area its indikator is measured on
    when the calculation is restricted to one (``… i København (målt på Indre Nørrebro)``); for one of
    several indikatorer, the indikator's title."""
    if indikator is None:
        return maalepunkt_title
    area = indikator.parameters.get("omraade")
    if area and str(area).lower() not in maalepunkt_title.lower():
        return f"{maalepunkt_title} (målt på {area})"
    return maalepunkt_title


def compact_target(indikator: Indikator, row: Mapping[str, Any]) -> str:
    """The target in a few words for the overview: ``højst 189 i 2017``, ``under 5 (2013) i 2017``,
    ``mindst 100,0 % hvert år`` (at the indikator's precision); ``–`` when a part is missing."""
    return fmt_target(indikator, row, compact=True)


def overview_frame(maalstatus: pd.DataFrame, series: pd.DataFrame, programme: Programme) -> pd.DataFrame:
    """The overview table's rows as text ready to show (except ``status``, a vocabulary value), programme order.

    A målepunkt with one indikator is one row named by the målepunkt (and the area it is measured on);
    a målepunkt with several has a row of its own with its status (:func:`maalepunkt_status`), then one row
    per indikator named by the indikator's title. Columns: ``nr`` (``1``, ``3``, ``3a`` …: the figure's
    panel codes), ``navn``, ``vaerdi``, ``aendring`` (:func:`describe_change`), ``maal``
    (:func:`compact_target`, ``, foreløbigt`` after a provisional one),
    ``status`` and ``indikator_id`` (empty on a målepunkt's own row).
    """
    rows = {r["indikator_id"]: r for r in maalstatus.to_dict("records")}
    codes = dict(zip((m.id for m in programme.indikatorer), plotting.panel_codes(programme.indikatorer)))
    out = []
    for mp in programme.maalepunkter:
        mine = [m for m in mp.indikatorer if m.id in rows]
        if not mine:
            continue
        if len(mine) > 1:
            n = len(mine)
            out.append({"nr": str(mp.nr), "navn": mp.title, "vaerdi": "", "aendring": "",
                        "maal": f"{'begge' if n == 2 else 'alle ' + number_word(n)} indikatorer skal nås",
                        "status": maalepunkt_status(str(rows[m.id]["status"]) for m in mine), "indikator_id": ""})
        for m in mine:
            row = rows[m.id]
            year = int(row["aar"])
            value, previous = yearly_change(series, m, year)
            target = compact_target(m, row)
            if _provisional(m, row):
                target = f"{target}, foreløbigt"
            out.append({
                "nr": codes[m.id],
                "navn": overview_label(mp.title, m) if len(mine) == 1 else m.title,
                "vaerdi": fmt_value(row["vaerdi"], m.unit, m.decimals),
                "aendring": describe_change(m, value, previous),
                "maal": target,
                "status": str(row["status"]),
                "indikator_id": m.id,
            })
    return pd.DataFrame(out, columns=OVERVIEW_COLUMNS)


def overview_table(maalstatus: pd.DataFrame, series: pd.DataFrame, programme: Programme) -> Table:
    """:func:`overview_frame` as a table: status as symbol, word and colour; the note says what the arrow
    means and why a provisional target is provisional."""
    frame = overview_frame(maalstatus, series, programme)
    year = int(maalstatus["aar"].iloc[0]) if len(maalstatus) else None
    by_id = maalstatus.set_index("indikator_id")
    note = ("Pilen viser, om værdien er steget eller faldet siden året før (andele i procentpoint), og parentesen, "
            "om det er en forbedring. Før målåret vurderes, om en indikator er på sporet, i målåret, om målet er nået; "
            "et krav gælder hvert år.")
    if any(i and _provisional(programme.indikator(i), by_id.loc[i]) for i in frame["indikator_id"]):
        note += " Hvorfor et mål er foreløbigt, står i hovedbudskaberne og i bilag 2."
    return Table(frame, [
        ColumnSpec("nr", "Nr."),
        ColumnSpec("navn", "Målepunkt og indikator"),
        ColumnSpec("vaerdi", f"Værdi {year}" if year else "Værdi", align="right"),
        ColumnSpec("aendring", f"Ændring fra {year - 1}" if year else "Ændring fra året før"),
        ColumnSpec("maal", "Mål"),
        ColumnSpec("status", f"Status {year}" if year else "Status", kind="status"),
    ], caption=f"Målepunkterne i {year}: værdi, udvikling, mål og status" if year else "Målepunkterne",
        note=note)


def overview_chart(series: pd.DataFrame, maalstatus: pd.DataFrame, programme: Programme, year: int):
    """The overview's small multiples (:func:`sikkerby.report.plotting.overview_small_multiples`)."""
    return plotting.overview_small_multiples(series, maalstatus, programme, year)


def overview_caption(programme: Programme, year: int) -> str:
    """The caption under the small multiples."""
    return (f"Hver indikator år for år til og med {year} med målsti og mål (stjerne), niveauet i basisåret eller "
            "kravet. Nummeret er målepunktets, bogstavet indikatorens.")


# ------------------------------------------------------------------ the programme's years

def programme_years(programme: Programme, year: int) -> list[int]:
    """The programme's years up to and including ``year`` (``period_start`` … min(``year``, ``period_end``))."""
    return list(range(programme.period_start, min(year, programme.period_end) + 1))


def status_history(dataset, programme: Programme, years: Sequence[int], series: pd.DataFrame) -> pd.DataFrame:
    """:func:`sikkerby.model.goals.maalstatus` for each of ``years``, stacked (one row per indikator and year)."""
    frames = [maalstatus_for(dataset, programme, int(y), series=series) for y in years]
    if not frames:
        return maalstatus_for(dataset, programme, programme.period_start, series=series).iloc[0:0]
    return pd.concat(frames, ignore_index=True)


def history_frame(history: pd.DataFrame, programme: Programme) -> pd.DataFrame:
    """Every indikator × every year of ``history``: ``nr``, ``indikator`` (``(foreløbigt mål)`` after a
    provisional one), one column per year holding the status, then ``maalepunkt_status`` (the last year's
    status of the målepunkt, on its first row)."""
    years = sorted({int(y) for y in history["aar"]})
    codes = dict(zip((m.id for m in programme.indikatorer), plotting.panel_codes(programme.indikatorer)))
    last = history[history["aar"] == years[-1]] if years else history
    mp_status = maalepunkt_statuses(last, programme).set_index("maalepunkt_nr")["status"] if years else {}
    rows = []
    seen: set[int] = set()
    for m in programme.indikatorer:
        mine = history[history["indikator_id"] == m.id].set_index("aar")
        if mine.empty:
            continue
        provisional = any(_provisional(m, r) for _, r in mine.iterrows())
        row = {"nr": codes[m.id], "indikator": m.title + (" (foreløbigt mål)" if provisional else "")}
        for y in years:
            row[str(y)] = str(mine.loc[y, "status"]) if y in mine.index else goal_status.IKKE_VURDERBAR
        row["maalepunkt_status"] = None if m.maalepunkt_nr in seen else mp_status.get(m.maalepunkt_nr)
        seen.add(m.maalepunkt_nr)
        rows.append(row)
    return pd.DataFrame(rows, columns=["nr", "indikator", *map(str, years), "maalepunkt_status"])


def history_table(history: pd.DataFrame, programme: Programme) -> Table:
    """:func:`history_frame` as the end-of-programme table: statuses as symbol, word and colour."""
    frame = history_frame(history, programme)
    years = [c for c in frame.columns if c.isdigit()]
    span = f"{years[0]}-{years[-1]}" if years else ""
    return Table(frame, [
        ColumnSpec("nr", "Nr."),
        ColumnSpec("indikator", "Indikator"),
        *[ColumnSpec(y, y, kind="status") for y in years],
        ColumnSpec("maalepunkt_status", f"Målepunktet {years[-1]}" if years else "Målepunktet", kind="status"),
    ], caption=f"Programmets afslutning: status for hver indikator i programmets år {span}",
        note="Før målåret vurderes, om en indikator er på sporet; i målåret, om målet er nået. Et krav, der "
             "gælder hvert år, er nået eller ikke nået hvert år. Et målepunkt er kun nået, når alle dets "
             "indikatorer er nået.")


# ------------------------------------------------------------------ what changed since last year

def status_rank(status: str) -> int | None:
    """How good a status is, for comparing two years: nået/på sporet 2, ikke nået/ikke på sporet 1;
    ``None`` for basisår and kan ikke vurderes."""
    if status in REACHED:
        return 2
    if status in MISSED:
        return 1
    return None


def changes_frame(previous: pd.DataFrame, current: pd.DataFrame, programme: Programme) -> pd.DataFrame:
    """Status last year → this year per indikator (programme order): ``nr``, ``indikator``, ``foer``, ``nu``,
    ``aendring`` (``forbedret``, ``forværret``, ``uændret`` or ``ikke sammenlignelig``), ``indikator_id``."""
    before = previous.set_index("indikator_id")["status"]
    now = current.set_index("indikator_id")
    codes = dict(zip((m.id for m in programme.indikatorer), plotting.panel_codes(programme.indikatorer)))
    rows = []
    for m in programme.indikatorer:
        if m.id not in now.index:
            continue
        was = str(before.get(m.id, goal_status.IKKE_VURDERBAR))
        is_ = str(now.loc[m.id, "status"])
        a, b = status_rank(was), status_rank(is_)
        change = ("ikke sammenlignelig" if a is None or b is None else
                  "forbedret" if b > a else "forværret" if b < a else "uændret")
        provisional = _provisional(m, now.loc[m.id])
        rows.append({"nr": codes[m.id], "indikator": m.title + (" (foreløbigt mål)" if provisional else ""),
                     "foer": was, "nu": is_, "aendring": change, "indikator_id": m.id})
    return pd.DataFrame(rows, columns=["nr", "indikator", "foer", "nu", "aendring", "indikator_id"])


def changes_table(previous: pd.DataFrame, current: pd.DataFrame, programme: Programme) -> Table:
    """:func:`changes_frame` as a table captioned with the two years."""
    frame = changes_frame(previous, current, programme)
    y0, y1 = int(previous["aar"].iloc[0]), int(current["aar"].iloc[0])
    return Table(frame, [
        ColumnSpec("nr", "Nr."),
        ColumnSpec("indikator", "Indikator"),
        ColumnSpec("foer", f"Status {y0}", kind="status"),
        ColumnSpec("nu", f"Status {y1}", kind="status"),
        ColumnSpec("aendring", "Ændring"),
    ], caption=f"Hvad er ændret siden sidste år: status {y0} og {y1}",
        note="Forbedret: fra ikke nået eller ikke på sporet til nået eller på sporet; forværret: omvendt. Et "
             "basisår eller en status, der ikke kan vurderes, kan ikke sammenlignes.")


def describe_changes(previous: pd.DataFrame, current: pd.DataFrame, programme: Programme) -> str:
    """One or two sentences on what changed since last year, naming the indikatorer that moved."""
    frame = changes_frame(previous, current, programme)
    y0, y1 = int(previous["aar"].iloc[0]), int(current["aar"].iloc[0])
    better = frame[frame["aendring"] == "forbedret"]
    worse = frame[frame["aendring"] == "forværret"]
    comparable = frame[frame["aendring"] != "ikke sammenlignelig"]
    if comparable.empty:
        return (f"Ingen af indikatorerne kan sammenlignes med {y0}, fordi {y0} er basisår eller ikke kan vurderes "
                "for dem alle.")
    if better.empty and worse.empty:
        return f"Ingen indikator har skiftet mellem at nå og ikke nå sit mål eller sin sti fra {y0} til {y1}."

    def names(rows: pd.DataFrame) -> str:
        return fmt_list(f"{r['nr']} {quoted(programme.indikator(r['indikator_id']).title)}"
                        for _, r in rows.iterrows())

    parts = []
    if len(better):
        parts.append(f"Fra {y0} til {y1} er {_n_indikatorer(len(better))} skiftet til nået eller på sporet: "
                     f"{names(better)}.")
    if len(worse):
        lead = "Omvendt er" if len(better) else f"Fra {y0} til {y1} er"
        parts.append(f"{lead} {_n_indikatorer(len(worse))} skiftet til ikke nået eller ikke på sporet: "
                     f"{names(worse)}.")
    return " ".join(parts)


def _n_indikatorer(n: int) -> str:
    return f"{number_word(n, stressed=True)} {'indikator' if n == 1 else 'indikatorer'}"


# ------------------------------------------------------------------ the section after the overview

FINAL_TITLE = "Programmets afslutning"
CHANGES_TITLE = "Hvad er ændret siden sidste år"


def year_section_title(programme: Programme, year: int) -> str:
    """``Programmets afslutning`` in the programme's last year (and after it), else
    ``Hvad er ændret siden sidste år``."""
    return FINAL_TITLE if year >= programme.period_end else CHANGES_TITLE


def year_section(dataset, programme: Programme, series: pd.DataFrame, maalstatus: pd.DataFrame,
                 history: pd.DataFrame | None = None, level: int = 2) -> list:
    """The section after the overview: in the programme's last year every indikator × every programme year
    (:func:`history_table`, the end-of-programme conclusion); in other years the status last year → this
    year (:func:`describe_changes`, :func:`changes_table`). ``history``: :func:`status_history` of the
    programme's years, computed here when omitted."""
    from sikkerby.report.display import Heading, Paragraph

    year = int(maalstatus["aar"].iloc[0])
    parts: list = [Heading(year_section_title(programme, year), level)]
    if year >= programme.period_end:
        if history is None:
            history = status_history(dataset, programme, programme_years(programme, year), series)
        years = sorted({int(y) for y in history["aar"]})
        parts.append(Paragraph(
            f"Tabellen er programmets slutstatus: hver indikators status i hvert af programmets år "
            f"{years[0]}-{years[-1]} og i sidste kolonne målepunktets samlede status i {years[-1]}."
            if years else "Der er ingen af programmets år at vise."))
        parts.append(history_table(history, programme))
        return parts
    previous = maalstatus_for(dataset, programme, year - 1, series=series)
    parts.append(Paragraph(describe_changes(previous, maalstatus, programme)))
    parts.append(changes_table(previous, maalstatus, programme))
    return parts


class PageBreak:
    """A new page in the PDF before what follows (a raw Typst ``pagebreak``; weak, so never an empty page).

    In HTML it is an empty marker, so the web page is unchanged."""

    def _repr_html_(self) -> str:
        return '<div class="sb-page-break" aria-hidden="true"></div>'

    def _repr_markdown_(self) -> str:
        return "```{=typst}\n#pagebreak(weak: true)\n```\n"

    def __repr__(self) -> str:
        return ""
