"""The parts of a goal-area chapter (notebooks 01 and 02) that every målepunkt shares.

A goal-area notebook is, per målepunkt, one call of :func:`show_maalepunkt` (the
section: title, what is measured and why, baseline/target/deadline, the year's
value and status, the chart) followed by the målepunkt's own breakdowns: each is
one call of a breakdown function here (``bydel_table(ch)`` …), which computes it with
:mod:`sikkerby.model.calculations`, applies disclosure control and returns a display table.
:func:`show_goal_area` opens the chapter, :func:`show_goal_area_summary` closes it.

Every sentence comes from :mod:`sikkerby.report.formatting`; the texts of the programme
(titles, measures, rationales, goal-area texts) are shown as written in
params/program.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from sikkerby.config.programme import Maalepunkt, Programme
from sikkerby.model import goal_status
from sikkerby.model.calculations import (
    areas,
    closures,
    gang_log,
    handleplan,
    survey,
    youth_crime,
)
from sikkerby.model.disclosure import HIDDEN_SHARE, suppress_small_counts
from sikkerby.model.goals import values_of
from sikkerby.report import display
from sikkerby.report.chapter import ChapterContext
from sikkerby.report.formatting import (
    NBSP,
    describe_ci_comparison,
    describe_latest_count,
    describe_status,
    describe_status_counts,
    describe_target,
    fmt_ci,
    forvaltning_name,
    is_missing,
    unit_noun,
    warning_of,
)
from sikkerby.report.plotting import series_chart

ColumnSpec = display.ColumnSpec


# ----------------------------------------------------------------- one målepunkt

def _row_float(row: Mapping[str, Any], key: str) -> float | None:
    value = row.get(key)
    return None if is_missing(value) else float(value)


def previous_value(ch: ChapterContext, maalepunkt: Maalepunkt) -> float | None:
    """V(Y−1) for the status sentence, as the yearly requirement sees it (``None`` without a requirement).

    The baseline comes from the status row (``basisvaerdi``), not computed again.
    """
    if maalepunkt.yearly_requirement is None:
        return None
    row = ch.status_row(maalepunkt.id)
    return goal_status.previous_value(maalepunkt, values_of(ch.series, maalepunkt.id), ch.year,
                                      baseline=_row_float(row, "basisvaerdi"))


def baseline_warning(ch: ChapterContext, maalepunkt: Maalepunkt) -> str | None:
    """The målepunkt's sentence of ``ch.baseline_warnings`` (its data differ from the published baseline), if any."""
    return warning_of(maalepunkt, ch.baseline_warnings)


def chart_caption(maalepunkt: Maalepunkt, series: pd.DataFrame, year: int,
                  baseline_value: float | None = None) -> str:
    """``Andelen 2011–2017 med målsti og mål.`` — what the målepunkt's chart shows.

    ``baseline_value``: the effective baseline (the status row's ``basisvaerdi``); for kind
    ``retning`` the level of the baseline year is only named when there is one.
    """
    m = maalepunkt
    noun = unit_noun(m.unit).capitalize()
    years = sorted(int(y) for y in series.loc[series["vaerdi"].notna(), "aar"])
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else f"til og med {year}")
    if m.kind == "sti":
        drawn = f"med målstien fra {m.baseline_year} og målet for {m.target_year}"
    elif m.kind == "retning":
        drawn = ("" if is_missing(baseline_value)
                 else f"med niveauet i basisåret {m.baseline_year}, som {noun.lower()} skal under")
    else:
        drawn = "med kravet, der gælder hvert år"
    if series[["ci_nedre", "ci_oevre"]].notna().all(axis=1).any():
        drawn = f"{drawn} samt" if drawn else "med"
        drawn += f" 95{NBSP}%-konfidensintervaller"
    return f"{m.title}: {noun.lower()} {span}{' ' + drawn if drawn else ''}."


def section_objects(ch: ChapterContext, maalepunkt_id: str, level: int = 2) -> list[Any]:
    """The display objects of a målepunkt's section, in order, before the chart.

    Heading (the title), what is measured and why, baseline/target/deadline,
    a callout when the data differ from the published baseline, the status
    (symbol, word, colour), the status sentence and, for survey measures, whether
    the comparison with path or target is statistically clear.
    """
    m = ch.maalepunkt(maalepunkt_id)
    row = ch.status_row(maalepunkt_id)
    objects: list[Any] = [
        display.Heading(m.title, level),
        display.Paragraph(f"{m.measure.rstrip('.')}.", lead="Hvad måles"),
    ]
    if m.rationale:
        objects.append(display.Paragraph(m.rationale, lead="Hvorfor"))
    objects.append(display.Paragraph(describe_target(m, row), lead="Udgangspunkt, mål og frist"))
    warning = baseline_warning(ch, m)
    if warning:
        objects.append(display.Callout("Basisværdi", warning))
    objects.append(display.StatusLine(f"Status {ch.year}", row["status"]))
    objects.append(display.Paragraph(describe_status(m, row, previous_value(ch, m))))
    ci = describe_ci_comparison(m, row)
    if ci:
        objects.append(display.Paragraph(ci, lead="Statistisk usikkerhed"))
    return objects


def show_maalepunkt(ch: ChapterContext, maalepunkt_id: str, level: int = 2) -> None:
    """Display a målepunkt's section (:func:`section_objects`), then its series chart with a caption."""
    m = ch.maalepunkt(maalepunkt_id)
    for obj in section_objects(ch, maalepunkt_id, level):
        display.show(obj)
    series = ch.series_of(maalepunkt_id)
    baseline = _row_float(ch.status_row(maalepunkt_id), "basisvaerdi")
    chart = series_chart(series, m, ch.year, baseline_value=baseline)
    display.show_chart(chart, caption=chart_caption(m, series, ch.year, baseline_value=baseline))


# -------------------------------------------------------------- the goal area

def goal_area_statuses(ch: ChapterContext, goal_area: str) -> list[str]:
    """The year's status of every målepunkt of ``goal_area``, in programme order."""
    return [str(ch.status_row(m.id)["status"]) for m in ch.programme.maalepunkter_for(goal_area)]


def show_goal_area(ch: ChapterContext, goal_area: str) -> None:
    """The goal area's text from the programme."""
    area = ch.programme.goal_areas[goal_area]
    display.show_markdown(" ".join(str(area.get("text", "")).split()))


def show_goal_area_summary(ch: ChapterContext, goal_area: str) -> None:
    """The statuses of the goal area's målepunkter: a counting sentence and the status table."""
    ids = [m.id for m in ch.programme.maalepunkter_for(goal_area)]
    display.show_markdown(describe_status_counts(goal_area_statuses(ch, goal_area)))
    rows = ch.maalstatus[ch.maalstatus["maalepunkt_id"].isin(ids)]
    title = ch.programme.goal_areas[goal_area].get("title", goal_area)
    display.show(display.maalstatus_table(rows, ch.programme, caption=f"{title}: status for {ch.year}",
                                              show_year=False))


# ------------------------------------------------------- breakdown table layouts

def disclosure_note(programme: Programme, shares: bool = False) -> str:
    """The line under a disclosure-controlled table: how small counts (and, with ``shares``, their shares) are shown."""
    n = programme.disclosure_min_count
    text = f"Antal fra 1 til {n - 1} vises som »<{n}« af hensyn til diskretion"
    if shares:
        text += f"; andele beregnet af dem vises som »{HIDDEN_SHARE}«"
    return text + "."


def _maybe_marker(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def bydel_columns(maalepunkt: Maalepunkt) -> list[ColumnSpec]:
    """:func:`sikkerby.model.calculations.survey.utryghed_aften_by_bydel` for readers (after disclosure control)."""
    m = maalepunkt

    def interval(value: Any, row: Mapping[str, Any]) -> str:
        return _maybe_marker(row["ci_nedre"]) or fmt_ci(row["ci_nedre"], row["ci_oevre"], m.unit, m.decimals)

    return [
        ColumnSpec("bydel", "Bydel"),
        ColumnSpec("vaerdi", "Andel utrygge", kind="percent", decimals=m.decimals),
        ColumnSpec("ci_nedre", f"95{NBSP}%-konfidensinterval", formatter=interval, align="right"),
        ColumnSpec("n", "Antal svar", kind="number"),
    ]


def omraade_changes_columns(changes: pd.DataFrame, year: int) -> list[ColumnSpec]:
    """:func:`sikkerby.model.calculations.areas.omraader_changes` for readers."""
    before = str(int(changes["fra_aar"].iloc[0])) if len(changes) else "året før"
    return [
        ColumnSpec("omraade", "Lokalområde"),
        ColumnSpec("bydel", "Bydel"),
        ColumnSpec("aendring", "Ændring", kind="status", vocabulary="omraade_aendring"),
        ColumnSpec("indsatsbehov_foer", f"Indsatsbehov {before}", kind="label", vocabulary="indsatsbehov"),
        ColumnSpec("indsatsbehov", f"Indsatsbehov {year}", kind="label", vocabulary="indsatsbehov"),
    ]


def _forvaltning(programme: Programme):
    return lambda value, row: forvaltning_name(value, programme.forvaltninger)


def institution_columns(programme: Programme) -> list[ColumnSpec]:
    """:func:`sikkerby.model.calculations.closures.lukkedage_by_institution` for readers."""
    return [
        ColumnSpec("institution", "Institution/serviceydelse"),
        ColumnSpec("forvaltning", "Forvaltning", formatter=_forvaltning(programme)),
        ColumnSpec("bydel", "Bydel"),
        ColumnSpec("lukkedage", "Lukkedage", kind="number"),
    ]


def forvaltning_columns(programme: Programme) -> list[ColumnSpec]:
    """:func:`sikkerby.model.calculations.closures.lukkedage_by_forvaltning` for readers."""
    return [
        ColumnSpec("forvaltning", "Forvaltning", formatter=_forvaltning(programme)),
        ColumnSpec("lukkedage", "Lukkedage", kind="number"),
        ColumnSpec("lukkede_institutioner", "Lukkede institutioner", kind="number"),
    ]


def late_plan_columns() -> list[ColumnSpec]:
    """:func:`sikkerby.model.calculations.handleplan.sene_handleplaner` for readers (dates in Danish).

    The forvaltning is shown by its short name (``BUF``) and the working days are left out (the
    dates and the problem say it), which keeps the table narrow enough for a PDF page.
    """
    return [
        ColumnSpec("institution", "Institution/serviceydelse"),
        ColumnSpec("forvaltning", "Forvaltning"),
        ColumnSpec("startdato", "Lukket fra", kind="date"),
        ColumnSpec("frist", "Frist for handleplan", kind="date"),
        ColumnSpec("handleplan_dato", "Handleplan lavet", kind="date"),
        ColumnSpec("problem", "Problem", kind="status", vocabulary="handleplan_problem"),
    ]


def youth_crime_columns(maalepunkt: Maalepunkt) -> list[ColumnSpec]:
    """:func:`sikkerby.model.calculations.youth_crime.ungdomskriminalitet_breakdown` for readers."""
    return [
        ColumnSpec("aldersgruppe", "Alder", formatter=lambda v, row: f"{v} år"),
        ColumnSpec("koen", "Køn", kind="label", vocabulary="koen"),
        ColumnSpec("befolkning", "Unge i alt", kind="number"),
        ColumnSpec("sigtede", "Sigtede", kind="number"),
        ColumnSpec("andel", "Andel sigtede", kind="percent", decimals=maalepunkt.decimals),
    ]


def bandelog_columns() -> list[ColumnSpec]:
    """:func:`sikkerby.model.calculations.gang_log.bandelog_series` for readers (dates in Danish)."""
    return [
        ColumnSpec("kvartal", "Kvartal"),
        ColumnSpec("dato", "Opgjort", kind="date"),
        ColumnSpec("antal_personer", "Antal personer", kind="number"),
    ]


# ----------------------------------------------------------- breakdown tables
#
# Each function below is one breakdown of a goal-area chapter, ready to show: the measure for
# the reporting year, disclosure control (which count columns are suppressed and which shares
# depend on them) with the programme's min_count, the column layout, caption, note and the
# text shown when there are no rows. The notebooks call them with ``display.show(...)``.

def bydel_table(ch: ChapterContext) -> display.Table:
    """``utryghed_aften`` per bydel: answers (``n``) below min_count hide the share and its interval."""
    frame = survey.utryghed_aften_by_bydel(ch.dataset.tryghedsundersoegelse, ch.year, ch.programme.bydele)
    frame = suppress_small_counts(frame, ["n"], ch.programme.disclosure_min_count,
                                  shares={"vaerdi": "n", "ci_nedre": "n", "ci_oevre": "n"})
    return display.Table(frame, bydel_columns(ch.maalepunkt("utryghed_aften")),
                         caption=f"Andel utrygge om aftenen og natten pr. bydel, {ch.year}",
                         note=disclosure_note(ch.programme, shares=True),
                         empty=f"Ingen gyldige svar i {ch.year}")


def area_changes_table(ch: ChapterContext) -> display.Table:
    """Lokalområder that came into or left the count of ``omraader_indsatsbehov`` (its ``needs`` setting)."""
    needs = ch.maalepunkt("omraader_indsatsbehov").extra["needs"]
    changes = areas.omraader_changes(ch.dataset.tryghedsindeks, needs, ch.year)
    return display.Table(changes, omraade_changes_columns(changes, ch.year),
                         caption=f"Lokalområder, der er kommet til eller gået ud af opgørelsen, {ch.year}",
                         empty="Ingen lokalområder er kommet til eller gået ud")


def institution_table(ch: ChapterContext) -> display.Table:
    """Closure days per institution in the reporting year, most days first; small day counts suppressed.
    At most ``publication.max_table_rows`` institutions (a sentence under the table says when cut)."""
    frame = closures.lukkedage_by_institution(ch.dataset.lukninger, ch.year)
    frame = suppress_small_counts(frame, ["lukkedage"], ch.programme.disclosure_min_count)
    return display.cut_table(frame, institution_columns(ch.programme),
                             f"Ikke-planlagte lukkedage pr. institution, {ch.year}",
                             ch.programme.publication.max_table_rows, noun=("institution", "institutioner"),
                             note=disclosure_note(ch.programme), empty=f"Ingen ikke-planlagte lukninger i {ch.year}")


def forvaltning_table(ch: ChapterContext) -> display.Table:
    """Closure days and closed institutions per forvaltning; both counts disclosure-controlled."""
    frame = closures.lukkedage_by_forvaltning(ch.dataset.lukninger, ch.year)
    frame = suppress_small_counts(frame, ["lukkedage", "lukkede_institutioner"], ch.programme.disclosure_min_count)
    return display.Table(frame, forvaltning_columns(ch.programme),
                         caption=f"Ikke-planlagte lukninger pr. forvaltning, {ch.year}",
                         note=disclosure_note(ch.programme),
                         empty=f"Ingen ikke-planlagte lukninger i {ch.year}")


def late_plans_table(ch: ChapterContext) -> display.Table:
    """Closures begun in the year whose action plan came late or is missing (the deadline of ``handleplan_3_dage``),
    in date order; at most ``publication.max_table_rows`` of them (a sentence under the table says when cut)."""
    working_days = ch.maalepunkt("handleplan_3_dage").extra["working_days"]
    late = handleplan.sene_handleplaner(ch.dataset.lukninger, ch.year, working_days)
    return display.cut_table(late, late_plan_columns(),
                             f"Ikke-planlagte lukninger begyndt i {ch.year}, hvor handleplanen kom for sent eller mangler",
                             ch.programme.publication.max_table_rows, noun=("lukning", "lukninger"),
                             empty=f"Alle lukninger begyndt i {ch.year} fik en rettidig handleplan")


def youth_crime_table(ch: ChapterContext) -> display.Table:
    """Charged young people by age and sex; both counts suppressed, the share hidden when either is."""
    frame = youth_crime.ungdomskriminalitet_breakdown(ch.dataset.sigtelser, ch.year)
    frame = suppress_small_counts(frame, ["sigtede", "befolkning"], ch.programme.disclosure_min_count,
                                  shares={"andel": ["sigtede", "befolkning"]})
    return display.Table(frame, youth_crime_columns(ch.maalepunkt("ungdomskriminalitet")),
                         caption=f"Sigtede unge fordelt på alder og køn, {ch.year}",
                         note=disclosure_note(ch.programme, shares=True),
                         empty=f"Ingen sigtelser opgjort for {ch.year}")


def bandelog_latest_text(ch: ChapterContext) -> str:
    """The sentence naming the gang log's latest count in the reporting year (the målepunkt's value)."""
    omraade = ch.programme.bandelog_omraade
    latest = gang_log.bandelog_latest(ch.dataset.bandelog, omraade, ch.year)
    return describe_latest_count(ch.year, latest, omraade)


def bandelog_table(ch: ChapterContext) -> display.Table:
    """Every gang-log count of the programme's area up to the reporting year; small counts suppressed."""
    omraade = ch.programme.bandelog_omraade
    frame = gang_log.bandelog_series(ch.dataset.bandelog, omraade, through_year=ch.year)
    frame = suppress_small_counts(frame, ["antal_personer"], ch.programme.disclosure_min_count)
    return display.Table(frame, bandelog_columns(),
                         caption=f"Bandelogens opgørelser for {omraade} til og med {ch.year}",
                         note=disclosure_note(ch.programme),
                         empty=f"Ingen opgørelser til og med {ch.year}")
