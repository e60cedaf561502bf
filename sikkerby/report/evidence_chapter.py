"""The effect-and-evidence chapter's content: generated sentences and reader-ready tables.

Everything here reads an :class:`~sikkerby.model.evidence.EvidenceModelResult`
(``ch.evidence`` in a notebook) and returns plain Danish text or a
:class:`sikkerby.report.display.Table`; the notebook only calls and shows them::

    e = ch.evidence
    display.show_markdown(evidence_report.describe_summary(e))
    evidence_report.ranked_table(e)
    evidence_report.show_list(evidence_report.describe_godt_paa_vej(e), evidence_report.godt_paa_vej_table(e))

Sentences are plain text (activity names included as they are) and must be
shown through :class:`sikkerby.report.display.Paragraph` / ``display.show_markdown``,
which escape them on both publication routes; tables escape their cells.
Scores are shown with :data:`SCORE_DECIMALS` decimals, raised only where two
numbers a sentence compares would otherwise look equal.

A large activity register is not listed in full: every table of activities takes
``max_rows`` (``programme.publication.max_table_rows``) and shows its first rows,
with :func:`cut_note` under it saying how many of how many and where the rest are
(:data:`SCORES_FILE` for lists whose content that file holds). ``None`` shows all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from sikkerby.inputs.contract import EVIDENSNIVEAUER, INDSATSOMRAADER
from sikkerby.model import evidence
from sikkerby.report import display, plotting
from sikkerby.report.display import ColumnSpec, Paragraph, Table
from sikkerby.report.formatting import (
    MISSING,
    count_words,
    distinguishing_decimals,
    exact_decimals,
    fmt_count,
    fmt_list,
    fmt_number,
    fmt_pct,
    forvaltning_name,
    is_missing,
    number_word,
    quoted,
    word,
)

SCORE_DECIMALS = 1
MAX_RESULTATSCORE = 100.0  # attainment is clipped to 0-100 (DATA.md §3)


def _score(value: Any, decimals: int = SCORE_DECIMALS) -> str:
    return fmt_number(value, decimals)


def _plain(value: float) -> str:
    """A parameter from program.yaml as written (``0,5``, ``70``, ``67``)."""
    return fmt_number(value, exact_decimals(value, 3))


def _count(n: int, singular: str = "aktivitet", plural: str = "aktiviteter") -> str:
    return fmt_count(int(n), singular, plural)


def _some(n: int) -> str:
    """A count inside a sentence: ``ingen`` for 0."""
    return "ingen" if int(n) == 0 else fmt_number(int(n))


def _opening(n: int, singular: str = "aktivitet", plural: str = "aktiviteter", neuter: bool = False) -> str:
    """A count that opens a sentence, in words: ``Tre aktiviteter`` (never a numeral first)."""
    return count_words(n, singular, plural, neuter=neuter, capital=True)


IN_MODEL_WORDS = "afrapporterer resultater"  # model_status i_model in a sentence (its label, in lower case)


# ------------------------------------------------------------------- the scores as shown

def score_decimals(value: Any, categories: tuple[tuple[str, float | None], ...] = (), decimals: int = SCORE_DECIMALS) -> int:
    """Decimals to show a samlet score with: ``decimals``, more (up to 3 more) when rounding would put the
    shown score on the other side of a category limit (69,96 is gul; shown as 70,0 it would look grøn)."""
    if is_missing(value):
        return decimals
    value = float(value)
    limits = [float(m) for _, m in categories if m is not None]
    for d in range(decimals, decimals + 4):
        shown = float(fmt_number(value, d).replace(".", "").replace(",", "."))
        if all((shown >= limit - evidence.TOLERANCE) == (value >= limit - evidence.TOLERANCE) for limit in limits):
            return d
    return decimals + 3


def shown_score(value: Any, categories: tuple[tuple[str, float | None], ...] = ()) -> float:
    """The samlet score as the publication shows it (rounded half up at :func:`score_decimals`), as a number."""
    d = score_decimals(value, categories)
    return float(fmt_number(value, d).replace(".", "").replace(",", "."))


def fmt_score(value: Any, categories: tuple[tuple[str, float | None], ...] = ()) -> str:
    """A samlet score at :func:`score_decimals`: ``72,4``; ``69,96`` next to a limit of 70."""
    return _score(value, score_decimals(value, categories))


# ------------------------------------------------------------- a large register: cut tables

SCORES_FILE = "aktivitetsscorer.csv"  # one row per activity in the publication folder (DATA.md §4)
ACTIVITY_NOUN = ("aktivitet", "aktiviteter")


SCORES_HELD = f"{SCORES_FILE} i publikationens mappe, som har én række pr. aktivitet"


def cut_note(shown: int, total: int, in_scores_file: bool, noun: tuple[str, str] = ACTIVITY_NOUN) -> str:
    """:func:`sikkerby.report.display.cut_note` for a list of activities: when ``in_scores_file``,
    :data:`SCORES_FILE` holds what every row of the table says, and the sentence sends the reader there.

    ``Tabellen viser de første 50 af 4.200 aktiviteter. Alle 4.200 står i aktivitetsscorer.csv
    i publikationens mappe, som har én række pr. aktivitet.``
    """
    return display.cut_note(shown, total, noun, SCORES_HELD if in_scores_file else None)


def cut_table(rows: pd.DataFrame, columns: list[ColumnSpec] | list[str], caption: str, max_rows: int | None, *,
              in_scores_file: bool, noun: tuple[str, str] = ACTIVITY_NOUN) -> Table:
    """:func:`sikkerby.report.display.cut_table` for a list of activities (see :func:`cut_note`)."""
    return display.cut_table(rows, columns, caption, max_rows, noun=noun,
                             held_in=SCORES_HELD if in_scores_file else None)


# ------------------------------------------------------------------------- selections

def unscored_in_model(scores: pd.DataFrame) -> pd.DataFrame:
    """``i_model`` activities without a ``samlet_score`` (no criterion with both baseline and value)."""
    rows = scores[(scores["model_status"] == "i_model") & scores["samlet_score"].isna()]
    return rows.reset_index(drop=True)


def ranked_scores(scores: pd.DataFrame, categories: tuple[tuple[str, float | None], ...] = ()) -> pd.DataFrame:
    """The activities with a ``samlet_score``, highest first; equal shown scores in ``aktivitet_id`` order.

    Adds ``rang`` (1 = highest; activities whose score is *shown* the same share the rank, the next
    rank skips: 1, 1, 3). The shown score is :func:`shown_score` (one decimal, more only next to a
    category limit of ``categories``), so two rows that read ``50,0`` always have the same number
    and two rows with different numbers never read the same.
    """
    scored = scores[scores["samlet_score"].notna()]
    key = pd.Series([shown_score(v, categories) for v in scored["samlet_score"]], index=scored.index,
                    dtype="float64")
    ordered = (scored.assign(_key=key).sort_values(["_key", "aktivitet_id"], ascending=[False, True], kind="stable")
               .reset_index(drop=True))
    values = ordered["_key"].to_numpy()
    ranks: list[int] = []
    for i, value in enumerate(values):
        ranks.append(ranks[-1] if i and values[i - 1] == value else i + 1)
    ordered = ordered.drop(columns="_key")
    ordered.insert(0, "rang", pd.Series(ranks, index=ordered.index, dtype="int64"))
    return ordered


def scatter_scores(scores: pd.DataFrame, categories: tuple[tuple[str, float | None], ...] = ()) -> pd.DataFrame:
    """The ``i_model`` activities for the score scatter: :func:`ranked_scores` (best first, so the
    chart's legend lists the categories top-down), then those without a score (``rang`` missing,
    ``Int64``), which the chart leaves out and counts in its alt text."""
    ranked = ranked_scores(scores, categories)
    frame = pd.concat([ranked, unscored_in_model(scores)], ignore_index=True)
    frame["rang"] = frame["rang"].astype("Int64")
    return frame


def in_model_flags(flags: pd.DataFrame) -> pd.DataFrame:
    """The flags about activities in the model: no theory of change, a criterion without baseline."""
    keep = flags["flag"].isin(["mangler_forandringsteori", "mangler_baseline"])
    return flags[keep].reset_index(drop=True)


# ---------------------------------------------------------------------- the model's rules

def describe_weights(params: evidence.ModelParams) -> str:
    """The score formula and the category limits, from ``program.yaml`` (via :class:`ModelParams`).

    ``Den samlede score er 0,5 × resultatscoren + 0,5 × evidensscoren. Kategorien er grøn ved
    en samlet score på 70 eller mere, gul ved 40 eller mere og rød under 40.``
    """
    zones = []
    upper = None
    for kategori, minimum in params.categories:
        name = word("kategori", kategori).lower()
        if minimum is not None:
            zones.append(f"{name} ved {_plain(minimum)} eller mere" if zones
                         else f"{name} ved en samlet score på {_plain(minimum)} eller mere")
        elif upper is not None:
            zones.append(f"{name} under {_plain(upper)}")
        else:
            zones.append(f"{name} for alle scorer")
        upper = minimum
    return (f"Den samlede score er {_plain(params.weight_resultat)} × resultatscoren + "
            f"{_plain(params.weight_evidens)} × evidensscoren. Kategorien er {fmt_list(zones)}.")


def evidence_points_frame(params: evidence.ModelParams) -> pd.DataFrame:
    """``evidensniveau, evidensscore``: the points each evidence level gives, in the contract's order."""
    levels = [level for level in EVIDENSNIVEAUER if level in params.evidence_points]
    return pd.DataFrame({"evidensniveau": pd.Series(levels, dtype="str"),
                         "evidensscore": [float(params.evidence_points[level]) for level in levels]})


def evidence_points_table(params: evidence.ModelParams) -> Table:
    """The evidence points of ``program.yaml`` as a small table."""
    frame = evidence_points_frame(params)
    return Table(frame, [
        ColumnSpec("evidensniveau", "Evidensniveau", kind="label", vocabulary="evidensniveau"),
        ColumnSpec("evidensscore", "Evidensscore", formatter=lambda v, row: _plain(v), align="right"),
    ], caption="Evidensscore for hvert evidensniveau")


# ------------------------------------------------------------------------------ summary

def describe_summary(result: evidence.EvidenceModelResult, max_names: int | None = None) -> str:
    """The year in numbers: activities in the model, in førmåling, godt på vej, forsinket; categories.

    "I modellen" always means every activity in the model (those reporting results and those in
    their førmåling year); those reporting results are named so. Activities reporting results
    without a score are named, unless there are more than ``max_names``: then the sentence
    points to :data:`SCORES_FILE`. No sentence starts with a numeral.

    ``I 2017 indgår 33 af programmets 42 aktiviteter i effekt- og evidensmodellen: 29 afrapporterer
    resultater, og 4 er i førmåling. Tre aktiviteter er godt på vej mod modellen, og to er forsinkede.
    Af de 28 aktiviteter med en samlet score ligger 9 i grøn kategori, 14 i gul og 5 i rød.``
    """
    scores = result.scores
    year = result.year
    status = scores["model_status"]
    n_total = len(scores)
    n_i_model = int((status == "i_model").sum())
    n_foer = int((status == "foermaaling").sum())
    n_in = n_i_model + n_foer
    n_godt = int((status == "godt_paa_vej").sum())
    n_late = int((status == "forsinket").sum())

    if n_total == 0:
        return f"Der er ingen aktiviteter i aktivitetsregisteret for {year}."
    if n_in == 0:
        text = f"I {year} indgår ingen af programmets {_count(n_total)} i effekt- og evidensmodellen."
    else:
        of = f"{fmt_number(n_in)} af programmets {_count(n_total)}" if n_in < n_total else \
            (f"alle programmets {_count(n_total)}" if n_total > 1 else "programmets ene aktivitet")
        text = (f"I {year} indgår {of} i effekt- og evidensmodellen: {_some(n_i_model)} {IN_MODEL_WORDS}, "
                f"og {_some(n_foer)} er i førmåling.")
    late = ("ingen er forsinkede" if n_late == 0 else
            f"{number_word(n_late)} {'er forsinket' if n_late == 1 else 'er forsinkede'}")
    if n_godt:
        text += f" {_opening(n_godt)} er godt på vej mod modellen, og {late}."
    else:
        text += f" Ingen aktiviteter er godt på vej mod modellen, og {late}."

    ranked = ranked_scores(scores, result.params.categories)
    if len(ranked):
        counts = [f"{_some((ranked['kategori'] == k).sum())} i {word('kategori', k).lower()}"
                  for k in result.params.kategorier]
        counts[0] += " kategori"
        text += (f" Af de {_count(len(ranked))} med en samlet score ligger {fmt_list(counts)}."
                 if len(ranked) > 1 else f" Den ene aktivitet med en samlet score ligger {fmt_list(counts)}.")
    unscored = unscored_in_model(scores)
    if len(unscored):
        named = max_names is None or len(unscored) <= max_names
        who = f" ({fmt_list(str(name) for name in unscored['navn'])})" if named else ""
        if len(unscored) == n_i_model:
            of_them = (f"Ingen af de {fmt_number(n_i_model)}, der {IN_MODEL_WORDS}," if n_i_model > 1
                       else f"Den ene aktivitet, der {IN_MODEL_WORDS},")
            has = "har en samlet score" if n_i_model > 1 else "har ingen samlet score"
        else:
            of_them = f"{number_word(len(unscored)).capitalize()} af de {fmt_number(n_i_model)}, der {IN_MODEL_WORDS},"
            has = "har ingen samlet score"
        text += (f" {of_them} {has}{who}, fordi ingen af "
                 f"{'dens' if len(unscored) == 1 else 'deres'} succeskriterier har både en basisværdi og "
                 f"en målt værdi for {year}.")
        if not named:
            text += f" De står i {SCORES_FILE} i publikationens mappe som aktiviteter i modellen uden samlet score."
    return text


def describe_skadelig(result: evidence.EvidenceModelResult, forvaltninger: Mapping[str, str] | None = None) -> str:
    """Names every activity whose method research shows does harm (``skadelig``, DATA.md §3), and says it
    is always in kategori rød; or that there is none."""
    rows = result.skadelig
    if rows.empty:
        return "Ingen af aktiviteterne bygger på en metode, som forskningen viser er skadelig."
    forvaltninger = forvaltninger or {}
    names = [f"{quoted(r['navn'])} ({forvaltning_name(r['forvaltning'], forvaltninger)}, "
             f"{word('model_status', r['model_status']).lower()})" for _, r in rows.iterrows()]
    one = len(rows) == 1
    return (f"{'Aktiviteten' if one else 'Aktiviteterne'} {fmt_list(names)} bygger på en metode, som forskningen "
            f"viser er skadelig. En sådan aktivitet er altid i kategori {word('kategori', evidence.ALWAYS_ROED).lower()}, "
            f"uanset {'dens' if one else 'deres'} samlede score.")


# ------------------------------------------------------------------------- ranked table

def ranked_table(result: evidence.EvidenceModelResult, max_rows: int | None = None) -> Table:
    """The scored activities, best first (:func:`ranked_scores`), category as symbol, word and colour;
    the best ``max_rows`` of them (:func:`cut_table`)."""
    ranked = ranked_scores(result.scores, result.params.categories)
    return cut_table(ranked, [
        ColumnSpec("rang", "Nr.", kind="number"),
        ColumnSpec("navn", "Aktivitet"),
        ColumnSpec("forvaltning", "Forvaltning"),
        ColumnSpec("resultatscore", "Resultatscore", kind="number", decimals=SCORE_DECIMALS),
        ColumnSpec("evidensscore", "Evidensscore", kind="number", decimals=SCORE_DECIMALS),
        ColumnSpec("samlet_score", "Samlet score", align="right",
                   formatter=lambda v, row: fmt_score(v, result.params.categories)),
        ColumnSpec("kategori", "Kategori", kind="status", vocabulary="kategori"),
    ], caption=f"Aktiviteternes samlede score i {result.year}, højeste først", max_rows=max_rows,
        in_scores_file=True)


def scatter_caption(result: evidence.EvidenceModelResult, max_labels: int | None = None) -> str:
    """The caption of the score scatter for the year: the points are labelled with their number
    in :func:`ranked_table`, or, with more than ``max_labels`` points, not labelled
    (:func:`sikkerby.report.plotting.labels_points`, as the chart decides)."""
    frame = scatter_scores(result.scores, result.params.categories)
    head = (f"Resultatscore og evidensscore for aktiviteterne i modellen i {result.year}. Baggrunden viser "
            "kategorierne efter samlet score")
    if plotting.labels_points(frame, max_labels):
        return f"{head}; punkterne er mærket med aktivitetens nummer i tabellen over den samlede score."
    n = len(plotting.scatter_points(frame))
    return (f"{head}. Med {_count(n)} i figuren er punkterne ikke mærket (de mærkes, når der højst er "
            f"{fmt_number(max_labels)}); hver aktivitets scorer står i {SCORES_FILE} i publikationens mappe.")


# -------------------------------------------------------------------------- the lists

def _year_cell(value: Any, row: Mapping[str, Any]) -> str:
    return MISSING if is_missing(value) else str(int(value))


def _list_columns(*extra: ColumnSpec) -> list[ColumnSpec]:
    return [
        ColumnSpec("navn", "Aktivitet"),
        ColumnSpec("forvaltning", "Forvaltning"),
        ColumnSpec("indsatsomraade", "Indsatsområde", kind="label", vocabulary="indsatsomraade"),
        *extra,
    ]


def _yes_no(value: Any, row: Mapping[str, Any]) -> str:
    return MISSING if is_missing(value) else ("Ja" if bool(value) else "Nej")


def describe_foermaaling(result: evidence.EvidenceModelResult) -> str:
    """How many activities are in their førmåling year, and what that means."""
    n = len(result.foermaaling)
    if n == 0:
        return f"Ingen aktiviteter er i førmåling i {result.year}."
    missing_theory = int((~result.foermaaling["forandringsteori"].astype(bool)).sum())
    text = (f"{_opening(n)} er i førmåling i {result.year}: {'den' if n == 1 else 'de'} "
            f"udarbejder forandringsteori og opstiller basisværdier for {'sine' if n == 1 else 'deres'} "
            f"succeskriterier og får en resultatscore fra {result.year + 1}.")
    if missing_theory:
        text += (f" {_opening(missing_theory)} i førmåling har endnu ikke en forandringsteori."
                 if missing_theory < n else
                 (" Ingen af dem har endnu en forandringsteori." if n > 1 else " Den har endnu ikke en forandringsteori."))
    return text


def foermaaling_table(result: evidence.EvidenceModelResult, max_rows: int | None = None) -> Table:
    # the theory of change is not in aktivitetsscorer.csv
    return cut_table(result.foermaaling, _list_columns(
        ColumnSpec("forandringsteori", "Forandringsteori", formatter=_yes_no),
    ), caption=f"Aktiviteter i førmåling i {result.year}", max_rows=max_rows, in_scores_file=False)


def describe_godt_paa_vej(result: evidence.EvidenceModelResult) -> str:
    """The list for Økonomiudvalget: activities expected in the model next year."""
    n = len(result.godt_paa_vej)
    nxt = result.year + 1
    if n == 0:
        return f"Ingen aktiviteter er godt på vej med effektarbejdet, så ingen forventes at indgå i modellen i {nxt}."
    return (f"{_opening(n)} er godt på vej med effektarbejdet og forventes at indgå i "
            f"effekt- og evidensmodellen i {nxt}. Listen forelægges Økonomiudvalget sammen med denne afrapportering.")


def godt_paa_vej_table(result: evidence.EvidenceModelResult, max_rows: int | None = None) -> Table:
    # model_status godt_paa_vej in aktivitetsscorer.csv means: expected in the model the year after (DATA.md §3)
    return cut_table(result.godt_paa_vej, _list_columns(
        ColumnSpec("forventet_aar_i_model", "Forventet i modellen", formatter=_year_cell, align="right"),
    ), caption=f"Aktiviteter godt på vej mod modellen i {result.year + 1}", max_rows=max_rows, in_scores_file=True)


def describe_forsinket(result: evidence.EvidenceModelResult) -> str:
    """Activities late into the model, and activities outside it without an expected year."""
    table = result.forsinket
    n_late = int((table["aarsag"] == "forsinket").sum())
    n_missing = int((table["aarsag"] == "mangler_forventet_aar").sum())
    year = result.year
    if n_late == 0 and n_missing == 0:
        return (f"Ingen aktiviteter er forsinkede i {year}, og alle aktiviteter uden for modellen "
                "har et forventet år for, hvornår de kan indgå.")
    late = (f"{_opening(n_late)} var forventet i modellen senest i {year}, men indgår ikke" if n_late
            else f"Ingen aktiviteter er forsinkede i {year}")
    missing = (f"{_count(n_missing)} uden for modellen mangler et forventet år for, hvornår "
               f"{'den' if n_missing == 1 else 'de'} kan indgå" if n_missing
               else "alle aktiviteter uden for modellen har et forventet år")
    return f"{late}, og {missing}."


def forsinket_table(result: evidence.EvidenceModelResult, max_rows: int | None = None) -> Table:
    # the expected year and the remark are not in aktivitetsscorer.csv
    return cut_table(result.forsinket, _list_columns(
        ColumnSpec("forventet_aar_i_model", "Forventet i modellen", formatter=_year_cell, align="right"),
        ColumnSpec("aarsag", "Bemærkning", formatter=lambda v, row: evidence.FLAG_LABELS[v]),
    ), caption=f"Forsinkede aktiviteter og aktiviteter uden forventet år, {result.year}", max_rows=max_rows,
        in_scores_file=False)


def describe_flags(result: evidence.EvidenceModelResult) -> str:
    """Activities in the model without a theory of change, and criteria without a baseline (basisværdi)."""
    flags = in_model_flags(result.flags)
    theory = flags[flags["flag"] == "mangler_forandringsteori"]
    baseline = flags[flags["flag"] == "mangler_baseline"]
    if flags.empty:
        return (f"Alle aktiviteter i modellen har i {result.year} en forandringsteori, "
                "og alle deres succeskriterier har en basisværdi.")
    parts = []
    if len(theory):
        parts.append(f"{count_words(len(theory), 'aktivitet', 'aktiviteter')} i modellen har ingen "
                     f"forandringsteori i {result.year}")
    if len(baseline):
        n_act = baseline["aktivitet_id"].nunique()
        parts.append(f"{count_words(len(baseline), 'succeskriterium', 'succeskriterier', neuter=True)} hos "
                     f"{_count(n_act)} i modellen mangler en basisværdi og indgår derfor ikke i resultatscoren")
    if not len(theory):
        parts.append(f"alle aktiviteter i modellen har en forandringsteori i {result.year}")
    if not len(baseline):
        parts.append("alle succeskriterier har en basisværdi")
    text = ", og ".join(parts)
    return text[0].upper() + text[1:] + "."


def flags_table(result: evidence.EvidenceModelResult, max_rows: int | None = None) -> Table:
    """One row per remark (an activity may have several); the remarks are not in aktivitetsscorer.csv."""
    flags = in_model_flags(result.flags)
    return cut_table(flags, [
        ColumnSpec("navn", "Aktivitet"),
        ColumnSpec("forvaltning", "Forvaltning"),
        ColumnSpec("model_status", "Status i modellen", kind="status", vocabulary="model_status"),
        ColumnSpec("besked", "Bemærkning"),
    ], caption=f"Aktiviteter i modellen med bemærkninger, {result.year}", max_rows=max_rows,
        in_scores_file=False, noun=("bemærkning", "bemærkninger"))


def list_parts(sentence: str, table: Table) -> list:
    """What :func:`show_list` shows: the sentence, and the table only when it has rows."""
    return [Paragraph(sentence), table] if table.rows else [Paragraph(sentence)]


def show_list(sentence: str, table: Table) -> None:
    """Display a generated sentence and, unless it is empty, the table below it."""
    display.show(*list_parts(sentence, table))


# ----------------------------------------------------------------------- breakdowns

BREAKDOWN_NOTE = "Tabellen tæller aktiviteter, ikke personer; derfor vises også små antal."


def _breakdown_columns(result: evidence.EvidenceModelResult) -> list[ColumnSpec]:
    return [
        ColumnSpec("antal_aktiviteter", "Aktiviteter", kind="number"),
        ColumnSpec("antal_i_model", "Afrapporterer resultater", kind="number"),
        ColumnSpec("antal_foermaaling", "Førmåling", kind="number"),
        *[ColumnSpec(f"antal_{k}", word("kategori", k), kind="number") for k in result.params.kategorier],
        ColumnSpec("gns_samlet_score", "Gns. samlet score", kind="number", decimals=SCORE_DECIMALS),
    ]


def indsatsomraade_table(result: evidence.EvidenceModelResult) -> Table:
    """Activities per indsatsområde I-V: status counts, categories and mean samlet score."""
    return Table(result.by_indsatsomraade, [
        ColumnSpec("indsatsomraade", "Indsatsområde", kind="label", vocabulary="indsatsomraade"),
        *_breakdown_columns(result),
    ], caption=f"Aktiviteterne pr. indsatsområde, {result.year}", note=BREAKDOWN_NOTE)


def forvaltning_table(result: evidence.EvidenceModelResult, forvaltninger: Mapping[str, str]) -> Table:
    """Activities per forvaltning (names from ``programme.forvaltninger``)."""
    return Table(result.by_forvaltning, [
        ColumnSpec("forvaltning", "Forvaltning", formatter=lambda v, row: forvaltning_name(v, forvaltninger)),
        *_breakdown_columns(result),
    ], caption=f"Aktiviteterne pr. forvaltning, {result.year}", note=BREAKDOWN_NOTE)


def resultat_table(result: evidence.EvidenceModelResult) -> Table:
    """Per theory-of-change result: criteria, activities, categories, mean attainment and score."""
    return Table(result.by_resultat, [
        ColumnSpec("resultat", "Resultat i forandringsteorien", kind="label", vocabulary="resultat"),
        ColumnSpec("antal_kriterier", "Succeskriterier", kind="number"),
        ColumnSpec("antal_aktiviteter", "Aktiviteter", kind="number"),
        ColumnSpec("antal_i_model", "Afrapporterer resultater", kind="number"),
        *[ColumnSpec(f"antal_{k}", word("kategori", k), kind="number") for k in result.params.kategorier],
        ColumnSpec("gns_maalopfyldelse", "Gns. målopfyldelse", kind="percent", decimals=SCORE_DECIMALS),
        ColumnSpec("gns_samlet_score", "Gns. samlet score", kind="number", decimals=SCORE_DECIMALS),
    ], caption=f"Succeskriterier og aktiviteter pr. resultat i forandringsteorien, {result.year}",
        note="En aktivitet tælles under hvert resultat, som et af dens succeskriterier sigter mod. "
             + BREAKDOWN_NOTE)


def describe_extremes(frame: pd.DataFrame, key: str, value: str, name: Callable[[Any], str],
                      among: str, what: str, fmt: Callable[[Any, int], str] = _score) -> str:
    """Which groups have the highest and the lowest ``value`` (groups without a value are skipped).

    ``among`` names the groups in plural (``indsatsområderne``), ``what`` the
    measure (``gennemsnitlige samlede score``); ``fmt(value, decimals)`` writes it.
    Groups closer than :data:`sikkerby.model.evidence.TOLERANCE` tie and are listed together.
    """
    present = frame[frame[value].notna()]
    if present.empty:
        return f"Blandt {among} har ingen en {what} i året."
    values = present[value].astype("float64")
    top, bottom = values.max(), values.min()
    best = [name(k) for k, v in zip(present[key], values) if top - v <= evidence.TOLERANCE]
    worst = [name(k) for k, v in zip(present[key], values) if v - bottom <= evidence.TOLERANCE]
    d = distinguishing_decimals(top, (bottom,), SCORE_DECIMALS)
    if len(present) == 1:
        return f"Kun {best[0]} har en {what} ({fmt(top, d)})."
    if top - bottom <= evidence.TOLERANCE:
        return f"Blandt {among} er den {what} den samme for alle ({fmt(top, d)})."
    return (f"Blandt {among} har {fmt_list(best)} den højeste {what} ({fmt(top, d)}), "
            f"og {fmt_list(worst)} den laveste ({fmt(bottom, d)}).")


def describe_indsatsomraader(result: evidence.EvidenceModelResult) -> str:
    return describe_extremes(result.by_indsatsomraade, "indsatsomraade", "gns_samlet_score",
                             lambda k: f"indsatsområde {word('indsatsomraade', k)}", "indsatsområderne",
                             "gennemsnitlige samlede score")


def describe_forvaltninger(result: evidence.EvidenceModelResult, forvaltninger: Mapping[str, str]) -> str:
    return describe_extremes(result.by_forvaltning, "forvaltning", "gns_samlet_score",
                             lambda k: forvaltning_name(k, forvaltninger), "forvaltningerne",
                             "gennemsnitlige samlede score")


def describe_resultater(result: evidence.EvidenceModelResult) -> str:
    return describe_extremes(result.by_resultat, "resultat", "gns_maalopfyldelse",
                             lambda k: word("resultat", k).lower(), "resultaterne i forandringsteorien",
                             "gennemsnitlige målopfyldelse", fmt=fmt_pct)


# ---------------------------------------------------------------- development potential

_DEFINITE = {"resultater": "resultaterne", "evidens": "evidensen"}


def potential_counts(result: evidence.EvidenceModelResult, kategori: str | None = None) -> dict[str, int]:
    """How many activities with a samlet score have each ``udviklingspotentiale`` (all three keys),
    optionally only those in ``kategori``."""
    ranked = ranked_scores(result.scores, result.params.categories)
    if kategori is not None:
        ranked = ranked[ranked["kategori"] == kategori]
    return {k: int((ranked["udviklingspotentiale"] == k).sum()) for k in evidence.UDVIKLINGSPOTENTIALER}


def describe_potentials(result: evidence.EvidenceModelResult) -> str:
    """The summary of development potentials for Økonomiudvalget (the seed's "opsummering af relevante
    udviklingspotentialer"), in words: how many activities have their potential in the results, in the
    evidence or in both, what each means, and where the activities in the lowest kategori have theirs."""
    counts = potential_counts(result)
    n = sum(counts.values())
    if n == 0:
        return (f"Ingen aktiviteter har en samlet score i {result.year}, så der er ingen "
                "udviklingspotentialer at opsummere.")
    if n == 1:
        only = next(k for k, v in counts.items() if v)
        text = ("Den ene aktivitet med en samlet score har lige store resultat- og evidensscorer, så potentialet "
                "ligger i begge." if only == "begge" else
                f"Den ene aktivitet med en samlet score har sit største udviklingspotentiale i "
                f"{_DEFINITE[only]}.")
    else:
        parts = [f"{_some(counts['evidens'])} deres største udviklingspotentiale i evidensen",
                 f"{_some(counts['resultater'])} i resultaterne"]
        text = f"Af de {_count(n)} med en samlet score har {fmt_list(parts)}"
        if counts["begge"]:
            text += (f", og for {fmt_number(counts['begge'])} er resultatscoren og evidensscoren lige store, så "
                     "potentialet ligger i begge")
        text += "."
    if counts["evidens"]:
        text += (" Potentiale i evidensen betyder, at aktiviteten når sine egne succeskriterier bedre, end "
                 "forskningen dokumenterer virkningen af dens metode: den kan især styrkes ved at bygge på metoder "
                 "med bedre dokumenteret effekt.")
    if counts["resultater"]:
        text += (" Potentiale i resultaterne betyder, at metoden er bedre dokumenteret, end aktiviteten når sine "
                 "succeskriterier: den kan især styrkes ved at nå længere med succeskriterierne.")
    lowest = result.params.kategorier[-1]
    low = potential_counts(result, lowest)
    n_low = sum(low.values())
    if n_low and len(result.params.kategorier) > 1:
        where = [f"{_some(low['resultater'])} i resultaterne", f"{_some(low['evidens'])} i evidensen"]
        if low["begge"]:
            where.append(f"{fmt_number(low['begge'])} i begge")
        lead = (f"Blandt de {_count(n_low)} i kategori {word('kategori', lowest).lower()} ligger potentialet for"
                if n_low > 1 else f"Den ene aktivitet i kategori {word('kategori', lowest).lower()} har potentialet")
        if n_low > 1:
            text += f" {lead} {fmt_list(where)}."
        else:
            only = next(k for k, v in low.items() if v)
            text += f" {lead} i {'begge' if only == 'begge' else _DEFINITE[only]}."
    return text


POTENTIAL_CAPTIONS = {
    "resultater": "Aktiviteter med udviklingspotentiale i resultaterne",
    "evidens": "Aktiviteter med udviklingspotentiale i evidensen",
    "begge": "Aktiviteter med lige stor resultatscore og evidensscore",
}


def _at_top(rows: pd.DataFrame, params: evidence.ModelParams) -> pd.Series:
    """Rows whose resultatscore and evidensscore are both the highest possible."""
    top_e = max(params.evidence_points.values())
    return ((rows["resultatscore"] >= MAX_RESULTATSCORE - evidence.TOLERANCE)
            & (rows["evidensscore"] >= top_e - evidence.TOLERANCE))


def describe_potential_group(rows: pd.DataFrame, potential: str, params: evidence.ModelParams) -> str:
    """What the activities whose ``udviklingspotentiale`` is ``potential`` have in common, in words.

    ``rows``: their rows of the scores table (all with this potential).
    """
    n = len(rows)
    if potential not in POTENTIAL_CAPTIONS:
        raise ValueError(f"unknown udviklingspotentiale {potential!r}")
    if n == 0:
        return f"Ingen aktiviteter har en samlet score med dette udviklingspotentiale ({word('udviklingspotentiale', potential).lower()})."
    one = n == 1
    their, they = ("dens", "den") if one else ("deres", "de")
    if potential == "evidens":
        return (f"Udviklingspotentialet ligger i evidensen for {_count(n)}: {their} evidensscore er lavere end "
                f"resultatscoren, så {they} især kan udvikles ved at bygge på metoder med bedre dokumenteret effekt.")
    if potential == "resultater":
        return (f"Udviklingspotentialet ligger i resultaterne for {_count(n)}: {their} resultatscore er lavere end "
                f"evidensscoren, så {they} især kan udvikles ved at nå længere med {'sine' if one else 'deres'} "
                "succeskriterier.")
    top = int(_at_top(rows, params).sum())
    top_text = ("har den højest mulige score for både resultater og evidens og har ikke et særligt "
                "udviklingspotentiale")
    if top == n:
        return f"{_opening(n)} {top_text}."
    text = (f"For {_count(n)} er resultatscoren og evidensscoren lige store, så udviklingspotentialet ligger "
            "i begge dele")
    if top:
        text += f"; {fmt_number(top)} af {'dem' if n > 1 else 'den'} {top_text}"
    return text + "."


def potential_parts(result: evidence.EvidenceModelResult, max_rows: int | None = None) -> list:
    """The development-potential section: the summary, then per potential its sentence and activities
    (each table cut to ``max_rows``; the sentences count them all)."""
    ranked = ranked_scores(result.scores, result.params.categories)
    parts: list = [Paragraph(describe_potentials(result))]
    for potential in evidence.UDVIKLINGSPOTENTIALER:
        rows = ranked[ranked["udviklingspotentiale"] == potential]
        if rows.empty:
            continue
        parts.append(Paragraph(describe_potential_group(rows, potential, result.params)))
        parts.append(cut_table(rows, [
            ColumnSpec("rang", "Nr.", kind="number"),
            ColumnSpec("navn", "Aktivitet"),
            ColumnSpec("forvaltning", "Forvaltning"),
            ColumnSpec("resultatscore", "Resultatscore", kind="number", decimals=SCORE_DECIMALS),
            ColumnSpec("evidensscore", "Evidensscore", kind="number", decimals=SCORE_DECIMALS),
            ColumnSpec("kategori", "Kategori", kind="status", vocabulary="kategori"),
        ], caption=f"{POTENTIAL_CAPTIONS[potential]}, {result.year}", max_rows=max_rows, in_scores_file=True))
    return parts


# ------------------------------------------------------------------------- overview

def activity_overview(result: evidence.EvidenceModelResult, aktiviteter: pd.DataFrame) -> pd.DataFrame:
    """Every activity with its model status, first year in the model, expected year (outside it
    only), theory of change and kategori; in ``aktivitet_id`` order."""
    years = aktiviteter[["aktivitet_id", "foerste_aar_i_model", "forventet_aar_i_model", "forandringsteori"]]
    table = result.scores.merge(years, on="aktivitet_id", how="left")
    in_model = table["model_status"].isin(evidence.IN_MODEL)
    table["foerste_aar_i_model"] = table["foerste_aar_i_model"].where(in_model)
    table["forventet_aar_i_model"] = table["forventet_aar_i_model"].where(~in_model)
    return table.sort_values("aktivitet_id", kind="stable").reset_index(drop=True)


def overview_parts(result: evidence.EvidenceModelResult, aktiviteter: pd.DataFrame,
                   max_rows: int | None = None) -> list[Table]:
    """All activities in the register and where they stand in the model: one table per indsatsområde
    (I-V, in order; an indsatsområde without activities is left out), each cut to ``max_rows``
    (the model years and the theory of change are not in aktivitetsscorer.csv)."""
    overview = activity_overview(result, aktiviteter)
    columns = [
        ColumnSpec("navn", "Aktivitet"),
        ColumnSpec("forvaltning", "Forvaltning"),
        ColumnSpec("model_status", "Status i modellen", kind="status", vocabulary="model_status"),
        ColumnSpec("foerste_aar_i_model", "I modellen fra", formatter=_year_cell, align="right"),
        ColumnSpec("forventet_aar_i_model", "Forventet i modellen", formatter=_year_cell, align="right"),
        ColumnSpec("forandringsteori", "Forandringsteori", formatter=_yes_no),
    ]
    order = list(INDSATSOMRAADER) + sorted(set(overview["indsatsomraade"].dropna()) - set(INDSATSOMRAADER))
    tables = []
    for omraade in order:
        rows = overview[overview["indsatsomraade"] == omraade]
        if len(rows):
            name = word("indsatsomraade", omraade) if omraade in INDSATSOMRAADER else str(omraade)
            tables.append(cut_table(rows, columns, caption=f"Indsatsområde {name}: aktiviteterne i {result.year}",
                                    max_rows=max_rows, in_scores_file=False))
    return tables
