"""A goal-area chapter: the goal area's text, then each of its målepunkter, then a summary.

The goal-area notebook loops over the programme's målepunkter for its goal area and
calls :func:`show_maalepunkt` for each: the målepunkt's title and rationale, then per
indikator what is measured, baseline/target/deadline, the year's value and status, the
chart and the breakdowns its calculation owns (:data:`sikkerby.model.calculations.REGISTRY`),
each laid out by :data:`BREAKDOWNS` here with disclosure control applied.
:func:`show_goal_area` opens the chapter, :func:`show_goal_area_summary` closes it.

Every sentence comes from this module or :mod:`sikkerby.report.formatting`; the texts of the
programme (titles, rationales, goal-area texts) are shown as written in the programme file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from sikkerby.config.programme import Indikator, Maalepunkt, Programme
from sikkerby.model import calculations, goal_status
from sikkerby.model.calculations import (
    areas,
    calculation_for,
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
    number_word,
    unit_noun,
    warning_of,
)
from sikkerby.report.plotting import series_chart

ColumnSpec = display.ColumnSpec


# ----------------------------------------------------------------- one indikator

def _row_float(row: Mapping[str, Any], key: str) -> float | None:
    value = row.get(key)
    return None if is_missing(value) else float(value)


def previous_value(ch: ChapterContext, indikator: Indikator) -> float | None:
    """V(Y−1) for the status sentence, as the yearly requirement sees it (``None`` without a requirement).

    The baseline comes from the status row (``basisvaerdi``), not computed again.
    """
    if indikator.yearly_requirement is None:
        return None
    row = ch.status_row(indikator.id)
    return goal_status.previous_value(indikator, values_of(ch.series, indikator.id), ch.year,
                                      baseline=_row_float(row, "basisvaerdi"))


def baseline_warning(ch: ChapterContext, indikator: Indikator) -> str | None:
    """The indikator's sentence of ``ch.baseline_warnings`` (its data differ from the published baseline), if any."""
    return warning_of(indikator, ch.baseline_warnings)


def chart_caption(indikator: Indikator, series: pd.DataFrame, year: int,
                  baseline_value: float | None = None) -> str:
    """``Andelen 2011–2017 med målsti og mål.`` — what the indikator's chart shows.

    ``baseline_value``: the effective baseline (the status row's ``basisvaerdi``); for kind
    ``retning`` the level of the baseline year is only named when there is one.
    """
    m = indikator
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


PROVISIONAL_LEAD = "Foreløbigt mål"


def indikator_objects(ch: ChapterContext, indikator: Indikator, heading_level: int | None = None) -> list[Any]:
    """The display objects of one indikator, in order, before its chart.

    A heading (the indikator's title) when ``heading_level`` is given, else what is measured;
    baseline/target/deadline, a callout when the target is provisional and one when the data
    differ from the published baseline, the status (symbol, word, colour), the status sentence
    and, for survey measures, whether the comparison with path or target is statistically clear.
    """
    m = indikator
    row = ch.status_row(m.id)
    if heading_level is not None:
        objects: list[Any] = [display.Heading(m.title, heading_level)]
    else:
        objects = [display.Paragraph(f"{m.title.rstrip('.')}.", lead="Hvad måles")]
    objects.append(display.Paragraph(describe_target(m, row), lead="Basisværdi, mål og frist"))
    if m.provisional:
        objects.append(display.Callout(PROVISIONAL_LEAD, m.provisional))
    warning = baseline_warning(ch, m)
    if warning:
        objects.append(display.Callout("Basisværdi", warning))
    objects.append(display.StatusLine(f"Status {ch.year}" + (" (foreløbigt mål)" if m.provisional else ""),
                                      row["status"]))
    objects.append(display.Paragraph(describe_status(m, row, previous_value(ch, m))))
    ci = describe_ci_comparison(m, row)
    if ci:
        objects.append(display.Paragraph(ci, lead="Statistisk usikkerhed"))
    return objects


def show_indikator(ch: ChapterContext, indikator: Indikator, heading_level: int | None = None) -> None:
    """Display an indikator (:func:`indikator_objects`), its series chart with a caption, and its breakdowns."""
    for obj in indikator_objects(ch, indikator, heading_level):
        display.show(obj)
    series = ch.series_of(indikator.id)
    baseline = _row_float(ch.status_row(indikator.id), "basisvaerdi")
    chart = series_chart(series, indikator, ch.year, baseline_value=baseline)
    display.show_chart(chart, caption=chart_caption(indikator, series, ch.year, baseline_value=baseline))
    sub = (heading_level or 2) + 1
    for name in calculation_for(indikator).breakdowns:
        for obj in breakdown_objects(ch, indikator, name, sub):
            display.show(obj)


def maalepunkt_heading(maalepunkt: Maalepunkt) -> str:
    """``Målepunkt 3: Færre institutioner …``."""
    return f"Målepunkt {maalepunkt.nr}: {maalepunkt.title}"


def show_maalepunkt(ch: ChapterContext, maalepunkt: Maalepunkt, level: int = 2) -> None:
    """One målepunkt: its heading and rationale, then each indikator with its chart and breakdowns.

    A målepunkt judged on several indikatorer gets a sub-heading per indikator.
    """
    display.show(display.Heading(maalepunkt_heading(maalepunkt), level))
    if maalepunkt.rationale:
        display.show(display.Paragraph(maalepunkt.rationale, lead="Hvorfor"))
    several = len(maalepunkt.indikatorer) > 1
    if several:
        display.show(display.Paragraph(
            f"Målepunktet vurderes på {number_word(len(maalepunkt.indikatorer))} indikatorer, som hver har sit mål.",
            lead="Indikatorer"))
    for indikator in maalepunkt.indikatorer:
        show_indikator(ch, indikator, heading_level=level + 1 if several else None)


# -------------------------------------------------------------- the goal area

def goal_area_statuses(ch: ChapterContext, goal_area: str) -> list[str]:
    """The year's status of every indikator of ``goal_area``, in programme order."""
    return [str(ch.status_row(i.id)["status"]) for i in ch.programme.indikatorer_for(goal_area)]


def show_goal_area(ch: ChapterContext, goal_area: str) -> None:
    """The goal area's text from the programme, and how the chapter is laid out."""
    area = ch.programme.goal_areas[goal_area]
    display.show_markdown(" ".join(str(area.get("text", "")).split()))
    display.show_markdown(
        "For hvert målepunkt viser kapitlet, hvad der måles og hvorfor, udgangspunkt, mål og frist, årets værdi "
        "og status samt udviklingen år for år i en figur. Status står altid med både symbol og ord, så den kan "
        "læses uden farver. Til sidst i hvert afsnit følger de fordelinger, der forklarer tallet.")


def show_goal_area_summary(ch: ChapterContext, goal_area: str) -> None:
    """The statuses of the goal area's indikatorer: a counting sentence and the status table."""
    ids = [i.id for i in ch.programme.indikatorer_for(goal_area)]
    display.show(display.Heading("Opsummering", 2))
    display.show_markdown(describe_status_counts(goal_area_statuses(ch, goal_area)))
    rows = ch.maalstatus[ch.maalstatus["indikator_id"].isin(ids)]
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


def bydel_columns(indikator: Indikator) -> list[ColumnSpec]:
    """:func:`sikkerby.model.calculations.survey.utryghed_aften_by_bydel` for readers (after disclosure control)."""
    m = indikator

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


def youth_crime_columns(indikator: Indikator) -> list[ColumnSpec]:
    """:func:`sikkerby.model.calculations.youth_crime.ungdomskriminalitet_breakdown` for readers."""
    return [
        ColumnSpec("aldersgruppe", "Alder", formatter=lambda v, row: f"{v} år"),
        ColumnSpec("koen", "Køn", kind="label", vocabulary="koen"),
        ColumnSpec("befolkning", "Unge i alt", kind="number"),
        ColumnSpec("sigtede", "Sigtede", kind="number"),
        ColumnSpec("andel", "Andel sigtede", kind="percent", decimals=indikator.decimals),
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
# Each function below is one breakdown of an indikator, ready to show: the calculation's
# breakdown for the reporting year with the indikator's parameters, disclosure control (which
# count columns are suppressed and which shares depend on them) with the programme's min_count,
# the column layout, caption, note and the text shown when there are no rows.

def bydel_table(ch: ChapterContext, indikator: Indikator) -> display.Table:
    """The survey share per bydel valid in the year: answers (``n``) below min_count hide the share and its interval."""
    frame = survey.utryghed_aften_by_bydel(ch.dataset.tryghedsundersoegelse, ch.year, ch.programme.bydele_in(ch.year),
                                           answers=indikator.parameters["answers"])
    frame = suppress_small_counts(frame, ["n"], ch.programme.disclosure_min_count,
                                  shares={"vaerdi": "n", "ci_nedre": "n", "ci_oevre": "n"})
    return display.Table(frame, bydel_columns(indikator),
                         caption=f"{unit_noun(indikator.unit).capitalize()} pr. bydel, {ch.year}: {indikator.title}",
                         note=disclosure_note(ch.programme, shares=True),
                         empty=f"Ingen gyldige svar i {ch.year}")


def area_changes_table(ch: ChapterContext, indikator: Indikator) -> display.Table:
    """Lokalområder that came into or left the indikator's count (its ``needs``)."""
    changes = areas.omraader_changes(ch.dataset.tryghedsindeks, indikator.parameters["needs"], ch.year)
    return display.Table(changes, omraade_changes_columns(changes, ch.year),
                         caption=f"Lokalområder, der er kommet til eller gået ud af opgørelsen, {ch.year}",
                         empty="Ingen lokalområder er kommet til eller gået ud")


def institution_table(ch: ChapterContext, indikator: Indikator) -> display.Table:
    """Closure days per institution in the reporting year, most days first; small day counts suppressed.
    At most ``publication.max_table_rows`` institutions (a sentence under the table says when cut)."""
    frame = closures.lukkedage_by_institution(ch.dataset.lukninger, ch.year)
    frame = suppress_small_counts(frame, ["lukkedage"], ch.programme.disclosure_min_count)
    return display.cut_table(frame, institution_columns(ch.programme),
                             f"Ikke-planlagte lukkedage pr. institution, {ch.year}",
                             ch.programme.publication.max_table_rows, noun=("institution", "institutioner"),
                             note=disclosure_note(ch.programme), empty=f"Ingen ikke-planlagte lukninger i {ch.year}")


def forvaltning_table(ch: ChapterContext, indikator: Indikator) -> display.Table:
    """Closure days and closed institutions per forvaltning; both counts disclosure-controlled."""
    frame = closures.lukkedage_by_forvaltning(ch.dataset.lukninger, ch.year)
    frame = suppress_small_counts(frame, ["lukkedage", "lukkede_institutioner"], ch.programme.disclosure_min_count)
    return display.Table(frame, forvaltning_columns(ch.programme),
                         caption=f"Ikke-planlagte lukninger pr. forvaltning, {ch.year}",
                         note=disclosure_note(ch.programme),
                         empty=f"Ingen ikke-planlagte lukninger i {ch.year}")


def late_plans_table(ch: ChapterContext, indikator: Indikator) -> display.Table:
    """Closures begun in the year whose action plan came after the indikator's deadline or is missing,
    in date order; at most ``publication.max_table_rows`` of them (a sentence under the table says when cut)."""
    working_days = int(indikator.parameters["working_days"])
    late = handleplan.sene_handleplaner(ch.dataset.lukninger, ch.year, working_days)
    return display.cut_table(late, late_plan_columns(),
                             f"Ikke-planlagte lukninger begyndt i {ch.year}, hvor handleplanen kom senere end "
                             f"{working_days}. arbejdsdag eller mangler",
                             ch.programme.publication.max_table_rows, noun=("lukning", "lukninger"),
                             empty=f"Alle lukninger begyndt i {ch.year} fik en handleplan senest {working_days}. arbejdsdag")


def youth_crime_table(ch: ChapterContext, indikator: Indikator) -> display.Table:
    """Charged young people by age band (within the indikator's ages) and sex; both counts suppressed,
    the share hidden when either is."""
    bands = youth_crime.age_bands(tuple(indikator.parameters["ages"]))
    frame = youth_crime.ungdomskriminalitet_breakdown(ch.dataset.sigtelser, ch.year, bands)
    frame = suppress_small_counts(frame, ["sigtede", "befolkning"], ch.programme.disclosure_min_count,
                                  shares={"andel": ["sigtede", "befolkning"]})
    return display.Table(frame, youth_crime_columns(indikator),
                         caption=f"Sigtede unge fordelt på alder og køn, {ch.year}",
                         note=disclosure_note(ch.programme, shares=True),
                         empty=f"Ingen sigtelser opgjort for {ch.year}")


def bandelog_latest_text(ch: ChapterContext, indikator: Indikator) -> str:
    """The sentence naming the gang log's latest count in the reporting year (the indikator's value)."""
    omraade = indikator.parameters["omraade"]
    latest = gang_log.bandelog_latest(ch.dataset.bandelog, omraade, ch.year)
    return describe_latest_count(ch.year, latest, omraade)


def bandelog_table(ch: ChapterContext, indikator: Indikator) -> display.Table:
    """Every gang-log count of the indikator's area up to the reporting year; small counts suppressed."""
    omraade = indikator.parameters["omraade"]
    frame = gang_log.bandelog_series(ch.dataset.bandelog, omraade, through_year=ch.year)
    frame = suppress_small_counts(frame, ["antal_personer"], ch.programme.disclosure_min_count)
    return display.Table(frame, bandelog_columns(),
                         caption=f"Bandelogens opgørelser for {omraade} til og med {ch.year}",
                         note=disclosure_note(ch.programme),
                         empty=f"Ingen opgørelser til og med {ch.year}")


# ------------------------------------------------- the breakdowns, by name

def _bydel_intro(ch: ChapterContext, indikator: Indikator) -> str:
    return ("Andelen er beregnet på samme måde som for hele byen, men på hver bydels svar. Bydelene har færre "
            "svar end hele byen, så deres konfidensintervaller er bredere.")


def _late_plans_intro(ch: ChapterContext, indikator: Indikator) -> str:
    return (f"Fristen er {indikator.parameters['working_days']}. arbejdsdag efter lukningens første dag, som er "
            "dag 0. Weekender og helligdage tæller ikke med. En lukning tæller i det år, den begynder. En handleplan, "
            "der er lavet før lukningen, er rettidig.")


Breakdown = tuple[str, Callable[[ChapterContext, Indikator], str] | None,
                  Callable[[ChapterContext, Indikator], Any]]

# breakdown name -> (heading, intro text or None, the table); the names are the calculations'
# (sikkerby.model.calculations), so a calculation's breakdowns follow it into every programme.
BREAKDOWNS: dict[str, Breakdown] = {
    calculations.BYDEL: ("Fordelt på bydele", _bydel_intro, bydel_table),
    calculations.AREA_CHANGES: (
        "Områder, der er kommet til eller gået ud",
        lambda ch, i: ("Tabellen viser de lokalområder, der i år er kommet med i opgørelsen eller er gået ud af "
                       "den, sammenlignet med det foregående Tryghedsindeks."),
        area_changes_table),
    calculations.INSTITUTIONS: (
        "Lukkedage pr. institution",
        lambda ch, i: ("En lukkedag er en kalenderdag, hvor en institution eller serviceydelse holdt lukket uden at "
                       "have planlagt det. Overlappende lukninger af samme institution tæller dagen én gang. Lukninger, "
                       "hvor institutionen er lukket som pædagogisk redskab, tæller med."),
        institution_table),
    calculations.FORVALTNINGER: ("Lukkedage og lukkede institutioner pr. forvaltning", None, forvaltning_table),
    calculations.LATE_PLANS: ("Lukninger uden rettidig handleplan", _late_plans_intro, late_plans_table),
    calculations.AGE_SEX: (
        "Fordelt på alder og køn",
        lambda ch, i: "Andelen er antallet af sigtede unge delt med antallet af unge i samme alder og køn.",
        youth_crime_table),
    calculations.GANG_LOG_COUNTS: (
        "Bandelogens opgørelser",
        lambda ch, i: ("Politiet opgør bandeloggen flere gange om året. Indikatorens værdi for et år er årets "
                       f"seneste opgørelse; tabellen viser alle opgørelser til og med året. "
                       f"{bandelog_latest_text(ch, i)}"),
        bandelog_table),
}


def breakdown_objects(ch: ChapterContext, indikator: Indikator, name: str, level: int = 3) -> list[Any]:
    """The display objects of one breakdown of ``indikator``: heading, intro and table."""
    heading, intro, table = BREAKDOWNS[name]
    objects: list[Any] = [display.Heading(heading, level)]
    if intro is not None:
        objects.append(display.Paragraph(intro(ch, indikator)))
    objects.append(table(ch, indikator))
    return objects


def breakdown_tables(ch: ChapterContext, indikator: Indikator) -> dict[str, Any]:
    """Every breakdown table of ``indikator`` by breakdown name (for an analyst to explore)."""
    return {name: BREAKDOWNS[name][2](ch, indikator) for name in calculation_for(indikator).breakdowns}


def breakdown_frames(ch: ChapterContext, goal_area: str) -> dict[str, dict[str, pd.DataFrame]]:
    """For an analyst: the numbers behind every breakdown table of ``goal_area``, as DataFrames with their
    own dtypes, by indikator id and breakdown name (``frames["utryghed_aften"]["bydel"]``)."""
    return {i.id: {name: table.data for name, table in breakdown_tables(ch, i).items()}
            for i in ch.programme.indikatorer_for(goal_area)}
