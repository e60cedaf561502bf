"""Bilag 2, "Metode og kvalitet", and the front page's "Om tallene": how the figures are made.

Every sentence is generated from the programme (its indikatorer, calculations, targets, evidence
model, disclosure limit), the data and the year, so the note always describes what this publication
did: the definitions (closures used as a pædagogisk redskab included, as the programme defines
målepunkt 3), which rules are the administration's reading of the programme rather than its words,
the uncertainty of the survey and of small counts and rates, disclosure control, the data sources
with their years, the revision policy and the publication's metadata. No developer words: the
provenance is one plain sentence (:data:`PROVENANCE`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from babel.lists import format_list

from sikkerby.config.programme import Indikator, Programme, load_year_params
from sikkerby.model import goal_status
from sikkerby.model.calculations.handleplan import handleplan_deadlines
from sikkerby.model.calculations.youth_crime import in_ages
from sikkerby.model.evidence import ModelParams
from sikkerby.report import evidence_chapter, plotting
from sikkerby.report.display import ColumnSpec, Table
from sikkerby.report.formatting import (
    NBSP,
    _requirement_phrase,
    counts_whole_units,
    fmt_baseline,
    fmt_exact,
    fmt_goal_threshold,
    fmt_list,
    fmt_number,
    is_missing,
    quoted,
    threshold_is_rounded,
    word,
)

PROVENANCE = ("Alle tal, tabeller, figurer og statusvurderinger i publikationen er beregnet direkte fra inddata, og "
              "de sætninger, der beskriver resultaterne, er dannet ud fra de samme tal; ingen tal er skrevet ind "
              "med hånden. Inddata kontrolleres, før noget beregnes, og oplysninger, der ligner personnumre, "
              "afvises. Hvilke filer og hvilken version af beregningerne publikationen bygger på, registreres "
              "sammen med publikationen, så tallene kan efterprøves.")

# Who delivers each input (docs/data-contract.md §1), by the input's fixed base name.
SUPPLIERS = {
    "tryghedsundersoegelse": "Undersøgelsens leverandør via Center for Sikker By",
    "tryghedsindeks": "Center for Sikker By (Tryghedsindekset)",
    "lukninger": "Forvaltningerne",
    "sigtelser": "Københavns Politi og Danmarks Statistik",
    "bandelog": "Københavns Politi",
    "aktiviteter": "Forvaltningerne",
    "succeskriterier": "Forvaltningerne",
}

def _or_list(items) -> str:
    """Danish enumeration with »eller«: ``a, b eller c``."""
    items = [str(i) for i in items]
    return format_list(items, style="or", locale="da_DK") if items else ""


_ANSWER_WORDS = {1: "meget tryg", 2: "tryg", 3: "hverken tryg eller utryg", 4: "utryg", 5: "meget utryg"}
SMALL_COUNT = 20  # counts below this in the year are called small in the note on uncertainty


@dataclass
class Section:
    """One part of the note: a heading, paragraphs and bullets (each plain text), and optionally a table."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    table: Table | None = None


# ------------------------------------------------------------------ definitions

def definition(indikator: Indikator) -> str:
    """What the indikator counts, from its calculation and parameters, in the reader's words."""
    m, p = indikator, indikator.parameters
    calc = m.calculation
    if calc == "andel_utrygge":
        answers = _or_list(_ANSWER_WORDS.get(int(a), str(a)) for a in p.get("answers", ()))
        return ("den vægtede andel af de gyldige svar i Tryghedsundersøgelsen, der er " + answers + ", på "
                "spørgsmålet »Hvor tryg eller utryg føler du dig, når du færdes i dit nabolag om aftenen og "
                "natten?«. Svarene »ved ikke« og uoplyst tæller ikke med.")
    if calc == "omraader_med_indsatsbehov":
        return (f"antallet af lokalområder i Tryghedsindekset, hvis indsatsbehov er "
                f"{_or_list(str(n) for n in p.get('needs', ()))}.")
    if calc == "lukkedage":
        return ("antallet af forskellige par af institution og kalenderdag, hvor en kommunal institution eller "
                "serviceydelse har holdt lukket uden at det var planlagt, som følge af uro i et område. En lukning, "
                "der bruges som pædagogisk redskab over for brugerne, tæller med, sådan som programmet definerer "
                "målepunktet. Planlagte lukninger tæller ikke. Weekender og helligdage tæller med, og en lukning "
                "hen over nytår tæller hver dag i det år, dagen ligger i.")
    if calc == "lukkede_institutioner":
        return ("antallet af institutioner og serviceydelser med mindst én ikke-planlagt lukkedag i året, "
                "lukninger som pædagogisk redskab medregnet.")
    if calc == "handleplan_rettidig":
        n = int(p.get("working_days", 0))
        return (f"andelen af de ikke-planlagte lukninger, der begynder i året, hvor der senest {n}. arbejdsdag "
                "efter første lukkedag er lavet en handleplan for genåbning eller et alternativt tilbud. Første "
                "lukkedag er dag 0; arbejdsdage er mandag til fredag uden helligdage. En manglende handleplan "
                "tæller som for sen, og en lukning tæller i det år, den begynder.")
    if calc == "andel_sigtede":
        lo, hi = p.get("ages", (15, 25))
        return (f"antallet af {lo}-{hi}-årige, der er sigtet mindst én gang i året for personfarlig eller anden "
                f"alvorlig kriminalitet, i procent af alle {lo}-{hi}-årige i kommunen.")
    if calc == "bandelog_seneste":
        return (f"antallet af personer med relation til bandemiljøet i Københavns Politis bandelog for "
                f"{p.get('omraade', '')} ved årets seneste opgørelse. Loggen føres kun for dette område, så "
                "målepunktet måles dér.")
    return "beregnet som beskrevet i programmet."


def definitions(programme: Programme) -> Section:
    """One bullet per indikator: its panel code, title and :func:`definition`."""
    codes = plotting.panel_codes(programme.indikatorer)
    bullets = [f"Indikator {code}, {quoted(m.title)}: {definition(m)}" for code, m in zip(codes, programme.indikatorer)]
    return Section("Definitioner", [
        "Indikatorens nummer er målepunktets; bogstavet skelner et målepunkts indikatorer. Hver indikator måles sådan:"],
        bullets)


# ------------------------------------------------------------------ the administration's reading

def _titles(indikatorer) -> str:
    return fmt_list(quoted(m.title) for m in indikatorer)


def exact_target_rule(indikator: Indikator, target: float | None, baseline: float | None) -> str | None:
    """The exact target behind a rounded one: ``… 283 − 33 % = 189,61. Da der tælles i hele tal, er målet nået ved
    højst 189.`` (``None`` when the shown target is exact)."""
    m = indikator
    if target is None or not threshold_is_rounded(m, target):
        return None
    shown = fmt_goal_threshold(m, target)
    if m.target_reduction_pct is not None and baseline is not None:
        how = (f"{fmt_baseline(m, baseline)} − {fmt_number(m.target_reduction_pct, 2).rstrip('0').rstrip(',')}"
               f"{NBSP}% = {fmt_exact(target, m.unit, m.decimals)}")
    else:
        how = fmt_exact(target, m.unit, m.decimals)
    if counts_whole_units(m):
        return (f"Målet for {quoted(m.title)} er {how}. Da der tælles i hele tal, er målet nået ved højst {shown}, "
                f"og publikationen viser {shown}; målstiens værdier vises på samme måde.")
    return (f"Målet for {quoted(m.title)} er {how}; publikationen viser det med indikatorens decimaler som {shown}, "
            "men vurderer med det uafrundede tal.")


def _rounded_path_example(sti, rows: Mapping[str, Mapping[str, Any]]) -> str | None:
    """``fx er målstien for 2014 16,375 %, som vises som 16,4 %``: the first path value of a share that the
    indikator's decimals round, from the programme's own baseline and target; ``None`` when there is none."""
    for m in sti:
        if counts_whole_units(m):
            continue
        row = rows.get(m.id, {})
        if is_missing(row.get("basisvaerdi")) or is_missing(row.get("maalvaerdi")):
            continue
        B, T = float(row["basisvaerdi"]), float(row["maalvaerdi"])
        for y in range(m.baseline_year + 1, m.target_year):
            path = goal_status.path_value(B, m.baseline_year, T, m.target_year, y)
            if threshold_is_rounded(m, path):
                return (f"fx er målstien for {quoted(m.title)} i {y} {fmt_exact(path, m.unit, m.decimals)}, "
                        f"som vises som {fmt_goal_threshold(m, path)}")
    return None


def administration_rules(programme: Programme, maalstatus: pd.DataFrame, params: ModelParams) -> Section:
    """The rules that are the administration's reading of the programme, not its words."""
    rows = {r["indikator_id"]: r for r in maalstatus.to_dict("records")}
    ind = list(programme.indikatorer)
    sti = [m for m in ind if m.kind == "sti"]
    retning = [m for m in ind if m.kind == "retning"]
    krav = [m for m in ind if m.kind == "krav"]
    bullets = []
    if sti:
        bullets.append(f"Målsti: for {_titles(sti)} går en lige linje fra basisværdien i basisåret til målet i "
                       "målåret. Før målåret er indikatoren på sporet, når årets værdi ligger på eller under linjen, "
                       "og når årets krav om fald er opfyldt; i målåret er målet nået, når værdien højst er målet.")
        for m in sti:
            if m.yearly_requirement is not None:
                bullets.append(f"Krav om fald: {quoted(m.title)} skal "
                               f"{_requirement_phrase(m.yearly_requirement, m.unit, m.decimals)}; den første "
                               "sammenligning er med basisværdien.")
    for m in ind:
        row = rows.get(m.id, {})
        target = None if is_missing(row.get("maalvaerdi")) else float(row["maalvaerdi"])
        baseline = None if is_missing(row.get("basisvaerdi")) else float(row["basisvaerdi"])
        rule = exact_target_rule(m, target, baseline)
        if rule:
            bullets.append(rule)
    example = _rounded_path_example(sti, rows)
    if example:
        bullets.append(f"Værdier på målstien vises med indikatorens antal decimaler ({example}); vurderingen bruger "
                       "altid de uafrundede tal, og hvor en værdi og stien ellers ville se ens ud, vises flere "
                       "decimaler.")
    if retning:
        bullets.append(f"Hvor programmet kun siger »færre« eller »mindre« ({_titles(retning)}), er målet, at værdien i "
                       "målåret er lavere end i basisåret; før målåret er indikatoren på sporet, når værdien ligger "
                       "under niveauet i basisåret.")
    for m in ind:
        if m.baseline_value is None and m.baseline_year is not None and m.kind != "krav":
            bullets.append(f"Programmet angiver ikke basisværdien for {quoted(m.title)}; den er taget fra data for "
                           f"{m.baseline_year}.")
        if m.provisional:
            bullets.append(f"Foreløbigt mål for {quoted(m.title)}: {m.provisional}")
    if krav:
        bullets.append(f"Et krav, der gælder hvert år ({_titles(krav)}), vurderes hvert år for sig som nået eller "
                       "ikke nået.")
    if any(len(mp.indikatorer) > 1 for mp in programme.maalepunkter):
        bullets.append("Et målepunkt, der vurderes på flere indikatorer, er kun nået (eller på sporet), når alle dets "
                       "indikatorer er det; én indikator, der ikke er nået, gør målepunktet ikke nået.")
    points = fmt_list(f"{word('evidensniveau', k).lower()} {fmt_number(v, 0)}" for k, v in params.evidence_points.items())
    bullets.append("Effekt- og evidensmodellens point, vægte og kategorigrænser er forvaltningens operationalisering "
                   "af modellen, ikke programmets egne tal: programteksten siger kun, at scoren kobler aktiviteternes "
                   f"resultater med forskningsmæssig evidens. {evidence_chapter.describe_weights(params)} "
                   f"Evidensscoren er {points} point.")
    bullets.append("En aktivitets målopfyldelse for ét succeskriterium er (værdi − basisværdi) / (mål − basisværdi), "
                   "begrænset til 0-100 %; resultatscoren er gennemsnittet over de succeskriterier, der har både "
                   "basisværdi og værdi i året. Udviklingspotentialet er den laveste af de to scorer.")
    bullets.append("En aktivitet, hvis metode forskningen viser er skadelig, er altid i kategori rød, uanset sin "
                   "samlede score, og nævnes ved navn.")
    return Section("Forvaltningens fortolkning af programmets mål", [
        "Programteksten fastsætter målene. Reglerne for, hvornår et mål er nået eller på sporet, og effekt- og "
        "evidensmodellens tal er forvaltningens fortolkning og står ikke i programteksten:"], bullets)


# ------------------------------------------------------------------ uncertainty

def uncertainty(programme: Programme, dataset, maalstatus: pd.DataFrame, year: int) -> Section:
    """The survey's confidence interval, small counts, and rates on few events, with this year's numbers."""
    rows = {r["indikator_id"]: r for r in maalstatus.to_dict("records")}
    paragraphs = []
    survey = [m for m in programme.indikatorer if m.calculation == "andel_utrygge"]
    if survey:
        paragraphs.append(
            f"{quoted(survey[0].title) if len(survey) == 1 else 'Andelene fra Tryghedsundersøgelsen'} bygger på en "
            f"stikprøve. Publikationen angiver et 95{NBSP}%-konfidensinterval beregnet med den effektive "
            "stikprøvestørrelse, som tager højde for, at svarene er vægtet. En forskel til målet eller målstien "
            "kaldes statistisk sikker, når hele intervallet ligger på samme side; ellers kan forskellen skyldes "
            "stikprøven. Status følger altid reglerne for målet, også når forskellen ikke er statistisk sikker.")
    small = []
    for m in programme.indikatorer:
        value = rows.get(m.id, {}).get("vaerdi")
        if m.unit == "antal" and not is_missing(value) and float(value) < SMALL_COUNT:
            small.append(f"{quoted(m.title)} ({fmt_number(value, 0)} i {year})")
    if small:
        paragraphs.append(f"Nogle indikatorer tæller få enheder: {fmt_list(small)}. Med så små tal kan en ændring "
                          "på én eller to fra år til år skyldes tilfældigheder og bør ikke alene læses som en varig "
                          "udvikling.")
    for m in programme.indikatorer:
        if m.calculation == "handleplan_rettidig":
            deadlines = handleplan_deadlines(dataset.lukninger, int(m.parameters["working_days"]))
            n = int((deadlines["aar"] == year).sum())
            if n:
                paragraphs.append(
                    f"{quoted(m.title)} bygger på {fmt_number(n)} ikke-planlagte "
                    f"{'lukning' if n == 1 else 'lukninger'}, der begyndte i {year}; én lukning flytter derfor "
                    f"andelen {fmt_number(100 / n, 1)} procentpoint.")
        if m.calculation == "andel_sigtede":
            lo, hi = m.parameters["ages"]
            rows_y = in_ages(dataset.sigtelser, (lo, hi))
            rows_y = rows_y[rows_y["aar"] == year]
            population = int(rows_y["befolkning"].sum())
            if population:
                per_step = population * 0.01 / 100  # persons in 0,01 procentpoint
                paragraphs.append(
                    f"{quoted(m.title)} er en andel af alle {fmt_number(population)} {lo}-{hi}-årige i kommunen i "
                    f"{year}. En ændring på 0,01 procentpoint svarer til omkring {fmt_number(per_step, 0)} "
                    f"{'person' if round(per_step) == 1 else 'personer'}, så små ændringer i anden decimal kan "
                    "skyldes få personer.")
    return Section("Usikkerhed", paragraphs)


# ------------------------------------------------------------------ disclosure, sources, revision

def disclosure(programme: Programme) -> Section:
    """How small counts are protected in the publication."""
    k = programme.disclosure_min_count
    return Section("Diskretionering", [
        f"I tabeller, der fordeler tal om personer, fx på bydel, alder og køn eller institution, vises antal fra 1 til "
        f"{fmt_number(k - 1)} som »<{fmt_number(k)}«, og andele, der kunne afsløre dem, vises ikke. Indikatorernes "
        "værdier for hele kommunen er ikke omfattet. Tabeller over aktiviteter tæller aktiviteter, ikke personer. "
        "Succeskriteriernes værdier i bilag 1 er forvaltningernes egne opgørelser for hver aktivitet og vises, som de "
        "er indberettet."])


def sources_frame(data_sources: pd.DataFrame) -> pd.DataFrame:
    """:func:`sikkerby.report.front_page.data_sources` with each input's supplier (``leverandoer``)."""
    frame = data_sources.copy()
    frame["leverandoer"] = frame["input"].map(SUPPLIERS).fillna("").astype("str")
    return frame


def sources(data_sources: pd.DataFrame, year: int) -> Section:
    """The data sources with their supplier and the years the publication uses."""
    frame = sources_frame(data_sources)
    table = Table(frame, [
        ColumnSpec("titel", "Inddata"),
        ColumnSpec("leverandoer", "Leverandør"),
        ColumnSpec("raekker", "Rækker", kind="number"),
        ColumnSpec("foerste_aar", "Fra år", kind="year", align="right"),
        ColumnSpec("sidste_aar", "Til år", kind="year", align="right"),
    ], caption=f"Datakilder og de år, publikationen bruger (data til og med {year})")
    return Section("Datakilder", [
        f"Publikationen bruger hver kildes data til og med {year}. Aktivitetsregisteret har ingen årstal; "
        "aktiviteternes år i modellen står i registeret."], table=table)


def revision(programme: Programme) -> Section:
    """What happens when data for earlier years change."""
    return Section("Revision", [
        "Hvert år leveres hele serien igen, og alle år beregnes på ny ud fra de senest leverede data. Retter en "
        "leverandør et tal for et tidligere år, kan værdien og status for det år derfor afvige fra en tidligere "
        "publikation; tabellen over programmets år viser status beregnet med de nuværende data. En offentliggjort "
        "basisværdi ændres ikke: afviger data fra den, bruges den offentliggjorte, og publikationen gør opmærksom "
        "på forskellen."])


# ------------------------------------------------------------------ the publication

def next_publication(programme: Programme, year: int) -> str:
    """The next status publication, from the programme period and the next year's parameters."""
    if year >= programme.period_end:
        return (f"ingen i denne programperiode; {programme.period_end} er periodens sidste år, så dette er den sidste "
                f"årlige status på {programme.name}.")
    nxt = load_year_params(year + 1, programme.folder)
    when = str(nxt.get("forelaeggelse") or "").strip()
    committee = f" {programme.committee}" if programme.committee else ""
    return f"Næste status gælder {year + 1} og forelægges{committee}{' i ' + when if when else ''}."


def metadata(programme: Programme, year_params: Mapping[str, Any], year: int) -> list[str]:
    """The publication's metadata as bullets: title, programme, committee and date, responsible unit, data, next."""
    title = str(year_params.get("title") or f"Status {year}")
    when = str(year_params.get("forelaeggelse") or "").strip()
    items = [f"Publikation: {title}",
             f"Program: {programme.name}, {programme.municipality}" if programme.municipality
             else f"Program: {programme.name}"]
    if programme.committee:
        items.append(f"Forelægges: {programme.committee}{', ' + when if when else ''}")
    items.append(f"Ansvarlig: {programme.secretariat}")
    items.append(f"Data: til og med {year}")
    items.append(f"Næste publikation: {next_publication(programme, year)}")
    return items


def about(programme: Programme, year_params: Mapping[str, Any], year: int) -> Section:
    """The front page's "Om tallene": the plain provenance sentence and the publication's metadata."""
    return Section("Om publikationen", [PROVENANCE], metadata(programme, year_params, year))


def method_sections(programme: Programme, dataset, maalstatus: pd.DataFrame, params: ModelParams,
                    data_sources: pd.DataFrame, year_params: Mapping[str, Any], year: int) -> list[Section]:
    """Bilag 2 in order: definitions, the administration's reading, uncertainty, disclosure, sources,
    revision, and the publication."""
    return [
        definitions(programme),
        administration_rules(programme, maalstatus, params),
        uncertainty(programme, dataset, maalstatus, year),
        disclosure(programme),
        sources(data_sources, year),
        revision(programme),
        about(programme, year_params, year),
    ]


def section_parts(section: Section, level: int = 3) -> list:
    """A :class:`Section` as display objects: heading, paragraphs, bullets, table."""
    from sikkerby.report.display import BulletList, Heading, Paragraph

    parts: list = [Heading(section.title, level)]
    parts += [Paragraph(text) for text in section.paragraphs]
    if section.bullets:
        parts.append(BulletList(section.bullets))
    if section.table is not None:
        parts.append(section.table)
    return parts
