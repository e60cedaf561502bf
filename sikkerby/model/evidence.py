"""The effect-and-evidence model (DATA.md §3, seed page 12).

For a reporting year ``Y`` every activity gets a ``model_status``; activities in
the model are scored on their own results (attainment of their success
criteria) and on research evidence (``evidensniveau``). Everything here is a
pure function of DataFrames typed as in :mod:`sikkerby.inputs.contract`; the weights,
evidence points and category thresholds come from ``params/program.yaml``
through :class:`ModelParams`.

Typical use in a notebook::

    from sikkerby.model import evidence
    result = evidence.evaluate(dataset, programme, aar)
    result.scores            # the aktivitetsscorer.csv table
    result.flags             # what the publication must point out
    result.by_indsatsomraade # counts and mean scores per indsatsområde

Floating-point note: scores are kept unrounded. Category thresholds and the tie
test for ``udviklingspotentiale`` allow a difference of :data:`TOLERANCE` so
that binary rounding noise (``69.99999999999999``) does not decide a category.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sikkerby.config.programme import Programme, ProgrammeError
from sikkerby.inputs.contract import EVIDENSNIVEAUER, INDSATSOMRAADER, RESULTATER

# --- vocabularies of the model's outputs ----------------------------------

MODEL_STATUSES = ("i_model", "foermaaling", "godt_paa_vej", "forsinket", "ikke_i_model")
IN_MODEL = ("i_model", "foermaaling")
KATEGORIER = ("groen", "gul", "roed")
UDVIKLINGSPOTENTIALER = ("resultater", "evidens", "begge")
FLAGS = ("mangler_forandringsteori", "mangler_baseline", "mangler_forventet_aar", "forsinket")

# Danish labels for tables and charts.
MODEL_STATUS_LABELS = {
    # "i modellen" in the publication's sentences is every activity in the model (i_model and
    # foermaaling); the status of those scored on their results has a label of its own
    "i_model": "Afrapporterer resultater",
    "foermaaling": "Førmåling",
    "godt_paa_vej": "Godt på vej",
    "forsinket": "Forsinket",
    "ikke_i_model": "Ikke i modellen",
}
KATEGORI_LABELS = {"groen": "Grøn", "gul": "Gul", "roed": "Rød"}
UDVIKLINGSPOTENTIALE_LABELS = {"resultater": "Resultater", "evidens": "Evidens", "begge": "Begge"}
FLAG_LABELS = {
    "mangler_forandringsteori": "I modellen uden forandringsteori",
    "mangler_baseline": "Succeskriterium uden basisværdi",
    "mangler_forventet_aar": "Mangler forventet år i modellen",
    "forsinket": "Forsinket",
}

# The columns of aktivitetsscorer.csv (DATA.md §4), in order.
SCORE_COLUMNS = (
    "aktivitet_id", "navn", "forvaltning", "indsatsomraade", "model_status",
    "resultatscore", "evidensscore", "samlet_score", "kategori", "udviklingspotentiale",
)
ATTAINMENT_COLUMNS = (
    "aktivitet_id", "kriterie_id", "beskrivelse", "resultat", "retning",
    "baseline", "maal", "vaerdi", "maalopfyldelse", "mangler_baseline",
)
FLAG_COLUMNS = ("aktivitet_id", "navn", "forvaltning", "model_status", "flag", "kriterie_id", "besked")
ANNEX_COLUMNS = (
    "indsatsomraade", "aktivitet_id", "navn", "forvaltning", "model_status", "kriterie_id", "beskrivelse",
    "resultat", "retning", "baseline", "maal", "vaerdi", "maalopfyldelse", "mangler_baseline", "i_resultatscore",
)

# The evidence level of a method that research shows does harm: such an activity is always
# ``roed`` (DATA.md §3), whatever the points of program.yaml make of its score.
SKADELIG = "skadelig"
ALWAYS_ROED = "roed"

TOLERANCE = 1e-9


# --- parameters -------------------------------------------------------------

@dataclass(frozen=True)
class ModelParams:
    """Weights, evidence points and categories of the model (``evidence_model`` in program.yaml)."""

    evidence_points: Mapping[str, float]
    weight_resultat: float = 0.5
    weight_evidens: float = 0.5
    categories: tuple[tuple[str, float | None], ...] = (("groen", 70.0), ("gul", 40.0), ("roed", None))

    def __post_init__(self):
        missing = [level for level in EVIDENSNIVEAUER if level not in self.evidence_points]
        if missing:
            raise ProgrammeError(f"evidence_model.evidence_points: no points for {', '.join(missing)}")
        if not self.categories or self.categories[-1][1] is not None:
            raise ProgrammeError("evidence_model.categories: the last category must have no minimum")

    @classmethod
    def from_programme(cls, programme: Programme) -> ModelParams:
        weights = programme.weights
        for key in ("resultat", "evidens"):
            if key not in weights:
                raise ProgrammeError(f"evidence_model.weights: '{key}' is missing")
        return cls(
            evidence_points=dict(programme.evidence_points),
            weight_resultat=float(weights["resultat"]),
            weight_evidens=float(weights["evidens"]),
            categories=tuple(programme.categories),
        )

    @property
    def kategorier(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.categories)


# --- model status -------------------------------------------------------------

def _as_float(values: pd.Series) -> pd.Series:
    """Nullable integer years as float64 (missing -> NaN, so comparisons are False)."""
    return pd.to_numeric(values).astype("float64")


def model_status(aktiviteter: pd.DataFrame, year: int) -> pd.Series:
    """Each activity's ``model_status`` for reporting year ``year`` (same index as ``aktiviteter``)."""
    first = _as_float(aktiviteter["foerste_aar_i_model"])
    expected = _as_float(aktiviteter["forventet_aar_i_model"])
    in_model = (first <= year).to_numpy()
    status = np.select(
        [in_model & (first == year).to_numpy(),
         in_model,
         (expected == year + 1).to_numpy(),
         (expected <= year).to_numpy()],
        ["foermaaling", "i_model", "godt_paa_vej", "forsinket"],
        default="ikke_i_model",
    )
    return pd.Series(status, index=aktiviteter.index, name="model_status", dtype="str")


# --- criteria -------------------------------------------------------------------

def criterion_attainment(succeskriterier: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per success criterion known by ``year`` (a row with ``aar`` ≤ ``year``).

    ``vaerdi`` is the value measured in ``year`` (NaN without one);
    ``maalopfyldelse`` = clip((vaerdi − baseline)/(maal − baseline), 0, 1)·100,
    NaN without a value or without a baseline (``mangler_baseline`` is then true).
    Descriptive columns come from the criterion's latest row up to ``year``.
    Sorted by ``aktivitet_id``, ``kriterie_id``.
    """
    keys = ["aktivitet_id", "kriterie_id"]
    known = succeskriterier[succeskriterier["aar"] <= year].sort_values(keys + ["aar"], kind="stable")
    if known.empty:
        return _empty_frame(ATTAINMENT_COLUMNS, succeskriterier)
    latest = known.groupby(keys, sort=True, as_index=False).last()
    # baseline and maal are the same on every row of a criterion; take the first given.
    fixed = known.groupby(keys, sort=True)[["baseline", "maal"]].first().reset_index()
    values = known.loc[known["aar"] == year, keys + ["vaerdi"]]
    table = (latest[keys + ["beskrivelse", "resultat", "retning"]]
             .merge(fixed, on=keys, how="left")
             .merge(values, on=keys, how="left"))
    baseline = table["baseline"].astype("float64")
    span = table["maal"].astype("float64") - baseline
    if (span == 0).any():
        bad = table.loc[span == 0, keys].astype(str).agg("/".join, axis=1).tolist()
        raise ValueError(f"maal equals baseline for criterion {', '.join(bad)}")
    # Multiply before dividing: (57 - 0) * 100 / 100 is exactly 57.
    attainment = ((table["vaerdi"].astype("float64") - baseline) * 100.0 / span).clip(0.0, 100.0)
    table["maalopfyldelse"] = attainment
    table["mangler_baseline"] = baseline.isna()
    return table[list(ATTAINMENT_COLUMNS)].reset_index(drop=True)


def _empty_frame(columns: Sequence[str], like: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=like[c].dtype if c in like else "float64") for c in columns})
    if "mangler_baseline" in frame:
        frame["mangler_baseline"] = frame["mangler_baseline"].astype(bool)
    return frame


# --- scores -------------------------------------------------------------------

def _category(score: float, categories: tuple[tuple[str, float | None], ...]):
    if pd.isna(score):
        return np.nan
    for name, minimum in categories:
        if minimum is None or score >= minimum - TOLERANCE:
            return name
    return np.nan  # unreachable: the last category has no minimum


def _weaker(resultat: float, evidens: float):
    if pd.isna(resultat) or pd.isna(evidens):
        return np.nan
    if abs(resultat - evidens) <= TOLERANCE:
        return "begge"
    return "resultater" if resultat < evidens else "evidens"


def score_activities(aktiviteter: pd.DataFrame, succeskriterier: pd.DataFrame, year: int,
                     params: ModelParams) -> pd.DataFrame:
    """The ``aktivitetsscorer`` table (DATA.md §4) for ``year``: the pure core of the model.

    One row per activity, sorted by ``aktivitet_id``, with exactly :data:`SCORE_COLUMNS`.
    ``i_model`` activities get every score; ``foermaaling`` activities get
    ``evidensscore`` only; other activities get no scores. Missing values are NaN.
    An activity with a ``samlet_score`` whose ``evidensniveau`` is ``skadelig`` is ``roed``
    whatever its score (DATA.md §3); without a score it has no kategori, like every other.
    """
    status = model_status(aktiviteter, year)
    criteria = criterion_attainment(succeskriterier, year)
    resultatscore = criteria.groupby("aktivitet_id")["maalopfyldelse"].mean()  # NaNs skipped; none -> NaN

    table = aktiviteter[["aktivitet_id", "navn", "forvaltning", "indsatsomraade"]].copy()
    table["model_status"] = status
    is_scored = (status == "i_model").to_numpy()
    has_evidence = status.isin(IN_MODEL).to_numpy()

    res = table["aktivitet_id"].map(resultatscore).astype("float64")
    table["resultatscore"] = res.where(is_scored)
    points = aktiviteter["evidensniveau"].map(params.evidence_points).astype("float64")
    table["evidensscore"] = points.where(has_evidence)
    table["samlet_score"] = (params.weight_resultat * table["resultatscore"]
                             + params.weight_evidens * table["evidensscore"])
    harmful = (aktiviteter["evidensniveau"] == SKADELIG).to_numpy()
    table["kategori"] = pd.Series(
        [ALWAYS_ROED if bad and not pd.isna(s) else _category(s, params.categories)
         for s, bad in zip(table["samlet_score"], harmful)], index=table.index, dtype="str")
    table["udviklingspotentiale"] = pd.Series(
        [_weaker(r, e) for r, e in zip(table["resultatscore"], table["evidensscore"])],
        index=table.index, dtype="str")
    table = table.sort_values("aktivitet_id", kind="stable").reset_index(drop=True)
    return table[list(SCORE_COLUMNS)]


def aktivitetsscorer(dataset, programme: Programme, year: int) -> pd.DataFrame:
    """The ``aktivitetsscorer.csv`` table of DATA.md §4 for a loaded :class:`~sikkerby.inputs.dataset.Dataset`."""
    return score_activities(dataset.aktiviteter, dataset.succeskriterier, year,
                            ModelParams.from_programme(programme))


# --- flags --------------------------------------------------------------------

def activity_flags(aktiviteter: pd.DataFrame, succeskriterier: pd.DataFrame, year: int) -> pd.DataFrame:
    """What the publication must point out for ``year``: one row per flag (columns :data:`FLAG_COLUMNS`).

    ``flag`` is one of :data:`FLAGS`:
    ``mangler_forandringsteori`` — in the model (``i_model``/``foermaaling``) without a theory of change;
    ``mangler_baseline`` — in the model with a criterion (known by ``year``) whose baseline is empty
    (one row per criterion, ``kriterie_id`` set; such a criterion is left out of ``resultatscore``);
    ``mangler_forventet_aar`` — ``ikke_i_model`` without an expected year;
    ``forsinket`` — expected in the model by ``year`` but not in it.
    ``besked`` is the Danish text for the reader. Sorted by activity, flag, criterion.
    """
    base = aktiviteter[["aktivitet_id", "navn", "forvaltning"]].copy()
    base["model_status"] = model_status(aktiviteter, year)
    expected = _as_float(aktiviteter["forventet_aar_i_model"])
    in_model = base["model_status"].isin(IN_MODEL)
    parts = []

    def add(mask, flag, messages, kriterie_id=None):
        part = base[mask.to_numpy()].copy()
        part["flag"] = flag
        part["kriterie_id"] = pd.NA if kriterie_id is None else kriterie_id
        part["besked"] = messages if isinstance(messages, str) else messages[mask.to_numpy()]
        parts.append(part)

    add(in_model & ~aktiviteter["forandringsteori"].astype(bool), "mangler_forandringsteori",
        "Aktiviteten er i effekt- og evidensmodellen uden en forandringsteori.")
    add(base["model_status"].eq("ikke_i_model") & expected.isna(), "mangler_forventet_aar",
        "Aktiviteten er ikke i effekt- og evidensmodellen, og der er ikke angivet et forventet år for, "
        "hvornår den kan indgå.")
    late_text = expected.map(lambda y: "" if pd.isna(y) else
                             f"Aktiviteten var forventet i effekt- og evidensmodellen i {int(y)}, "
                             "men indgår ikke.")
    add(base["model_status"].eq("forsinket"), "forsinket", late_text)

    criteria = criterion_attainment(succeskriterier, year)
    no_baseline = criteria.loc[criteria["mangler_baseline"], ["aktivitet_id", "kriterie_id"]]
    missing = base[in_model.to_numpy()].merge(no_baseline, on="aktivitet_id", how="inner")
    missing["flag"] = "mangler_baseline"
    described = criteria.set_index(["aktivitet_id", "kriterie_id"])["beskrivelse"]
    missing["besked"] = [f"Succeskriteriet »{described.loc[(a, k)]}« mangler en basisværdi og indgår ikke i "
                         "resultatscoren." for a, k in zip(missing["aktivitet_id"], missing["kriterie_id"])]
    parts.append(missing)

    flags = pd.concat([p[list(FLAG_COLUMNS)] for p in parts], ignore_index=True)
    for column in ("flag", "kriterie_id", "besked", "model_status"):
        flags[column] = flags[column].astype("str")
    flags["_order"] = flags["flag"].map({f: i for i, f in enumerate(FLAGS)})
    flags = flags.sort_values(["aktivitet_id", "_order", "kriterie_id"], kind="stable", na_position="first")
    return flags.drop(columns="_order").reset_index(drop=True)


# --- aggregates -------------------------------------------------------------------

def _summarise(frame: pd.DataFrame, by: str, order: Sequence[str], kategorier: Sequence[str]) -> pd.DataFrame:
    """Counts per model_status and kategori, and mean scores of the ``i_model`` activities, per ``by``."""
    index = pd.Index(list(order), name=by, dtype="str")
    out = pd.DataFrame(index=index)
    out["antal_aktiviteter"] = frame.groupby(by)["aktivitet_id"].nunique().reindex(index, fill_value=0)
    status = (frame.groupby([by, "model_status"]).size().unstack(fill_value=0)
              .reindex(index=index, columns=list(MODEL_STATUSES), fill_value=0).add_prefix("antal_"))
    kategori = (frame.groupby([by, "kategori"]).size().unstack(fill_value=0)
                .reindex(index=index, columns=list(kategorier), fill_value=0).add_prefix("antal_"))
    scored = frame[frame["model_status"] == "i_model"]
    means = (scored.groupby(by)[["resultatscore", "evidensscore", "samlet_score"]].mean()
             .reindex(index).add_prefix("gns_"))
    out = pd.concat([out, status, kategori, means], axis=1)
    count_columns = [c for c in out.columns if c.startswith("antal_")]
    out[count_columns] = out[count_columns].astype("int64")
    return out.reset_index()


def _order(present: pd.Series, first: Sequence[str] = ()) -> list[str]:
    first = list(first)
    return first + sorted(set(present.dropna()) - set(first))


def scores_by_indsatsomraade(scores: pd.DataFrame, kategorier: Sequence[str] = KATEGORIER) -> pd.DataFrame:
    """Per indsatsområde I-V (all five, in order): activity counts per status and kategori, mean scores.

    Mean scores (``gns_resultatscore``, ``gns_evidensscore``, ``gns_samlet_score``)
    are over the ``i_model`` activities that have the score.
    """
    return _summarise(scores, "indsatsomraade", _order(scores["indsatsomraade"], INDSATSOMRAADER), kategorier)


def scores_by_forvaltning(scores: pd.DataFrame, forvaltninger: Sequence[str] = (),
                          kategorier: Sequence[str] = KATEGORIER) -> pd.DataFrame:
    """As :func:`scores_by_indsatsomraade`, per forvaltning: ``forvaltninger`` first (e.g. the
    programme's codes, all listed even without activities), then any others alphabetically."""
    return _summarise(scores, "forvaltning", _order(scores["forvaltning"], forvaltninger), kategorier)


def scores_by_resultat(scores: pd.DataFrame, criteria: pd.DataFrame,
                       kategorier: Sequence[str] = KATEGORIER) -> pd.DataFrame:
    """Per theory-of-change result (``resultat`` of the criteria, all seven in order).

    ``criteria`` is :func:`criterion_attainment` for the same year. An activity
    counts under every result one of its criteria names. Besides the columns of
    :func:`scores_by_indsatsomraade`: ``antal_kriterier`` (criteria naming the
    result) and ``gns_maalopfyldelse`` (their mean attainment, ``i_model``
    activities only).
    """
    pairs = criteria[["aktivitet_id", "resultat"]].drop_duplicates()
    frame = pairs.merge(scores, on="aktivitet_id", how="inner")
    order = _order(criteria["resultat"], RESULTATER)
    out = _summarise(frame, "resultat", order, kategorier)
    index = pd.Index(order, dtype="str")
    n_criteria = criteria.groupby("resultat").size().reindex(index, fill_value=0)
    scored_ids = scores.loc[scores["model_status"] == "i_model", "aktivitet_id"]
    scored = criteria[criteria["aktivitet_id"].isin(scored_ids)]
    mean_attainment = scored.groupby("resultat")["maalopfyldelse"].mean().reindex(index)
    out.insert(2, "antal_kriterier", n_criteria.to_numpy().astype("int64"))
    out["gns_maalopfyldelse"] = mean_attainment.to_numpy()
    return out


def model_overview(scores: pd.DataFrame, kategorier: Sequence[str] = KATEGORIER) -> pd.DataFrame:
    """The whole model in one table: one row per ``model_status`` (all five, in order).

    ``antal_aktiviteter`` counts the activities with that status; ``antal_<kategori>``
    (one column per kategori) and ``antal_uden_score`` (no ``samlet_score``) split
    the ``i_model`` row. Only ``i_model`` activities can have a kategori, so those
    columns are missing (``<NA>``, nullable ``Int64``) in the other rows.
    """
    index = pd.Index(list(MODEL_STATUSES), name="model_status", dtype="str")
    out = pd.DataFrame(index=index)
    out["antal_aktiviteter"] = scores.groupby("model_status").size().reindex(index, fill_value=0).astype("int64")
    scored = scores[scores["model_status"] == "i_model"]
    in_model = pd.Series(index == "i_model", index=index)
    for kategori in kategorier:
        count = int((scored["kategori"] == kategori).sum())
        out[f"antal_{kategori}"] = pd.Series(count, index=index, dtype="Int64").where(in_model, pd.NA)
    without = int(scored["samlet_score"].isna().sum())
    out["antal_uden_score"] = pd.Series(without, index=index, dtype="Int64").where(in_model, pd.NA)
    return out.reset_index()


# --- the committee's lists ------------------------------------------------------

_LIST_COLUMNS = ["aktivitet_id", "navn", "forvaltning", "indsatsomraade"]


def _listing(aktiviteter: pd.DataFrame, year: int, statuses: Sequence[str], extra: Sequence[str]) -> pd.DataFrame:
    status = model_status(aktiviteter, year)
    table = aktiviteter.loc[status.isin(statuses).to_numpy(), _LIST_COLUMNS + list(extra)].copy()
    table["model_status"] = status[status.isin(statuses)]
    return table.sort_values(["forvaltning", "aktivitet_id"], kind="stable").reset_index(drop=True)


def list_godt_paa_vej(aktiviteter: pd.DataFrame, year: int) -> pd.DataFrame:
    """The activities "godt på vej" (expected in the model in ``year`` + 1), for Økonomiudvalget."""
    return _listing(aktiviteter, year, ["godt_paa_vej"], ["forventet_aar_i_model"])


def list_forsinket(aktiviteter: pd.DataFrame, year: int) -> pd.DataFrame:
    """Activities that are late (``forsinket``) or not in the model without an expected year.

    ``aarsag`` is ``forsinket`` or ``mangler_forventet_aar`` (labels in :data:`FLAG_LABELS`).
    """
    table = _listing(aktiviteter, year, ["forsinket", "ikke_i_model"], ["forventet_aar_i_model"])
    table = table[(table["model_status"] == "forsinket") | table["forventet_aar_i_model"].isna()].copy()
    table["aarsag"] = np.where(table["model_status"] == "forsinket", "forsinket", "mangler_forventet_aar")
    table["aarsag"] = table["aarsag"].astype("str")
    return table.reset_index(drop=True)


def list_foermaaling(aktiviteter: pd.DataFrame, year: int) -> pd.DataFrame:
    """Activities in their first model year (theory of change and baselines due in ``year``)."""
    return _listing(aktiviteter, year, ["foermaaling"], ["forandringsteori"])


def list_skadelig(aktiviteter: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every activity in the register whose method research shows does harm (``evidensniveau`` ``skadelig``),
    with its ``model_status`` in ``year``: the publication names each of them (DATA.md §3)."""
    status = model_status(aktiviteter, year)
    harmful = (aktiviteter["evidensniveau"] == SKADELIG).to_numpy()
    table = aktiviteter.loc[harmful, _LIST_COLUMNS].copy()
    table["model_status"] = status[harmful]
    return table.sort_values(["forvaltning", "aktivitet_id"], kind="stable").reset_index(drop=True)


# --- the annex: every success criterion and its attainment --------------------------

def criteria_annex(aktiviteter: pd.DataFrame, succeskriterier: pd.DataFrame, year: int) -> pd.DataFrame:
    """The seed's annex "Uddybende oversigt over indsatsernes målindfrielse" as data: one row per success
    criterion (known by ``year``) of every activity in the model (``i_model`` and ``foermaaling``).

    Columns :data:`ANNEX_COLUMNS`: the activity's ``indsatsomraade``, ``aktivitet_id``, ``navn``,
    ``forvaltning`` and ``model_status``, then :func:`criterion_attainment`'s columns, and
    ``i_resultatscore``: the criterion counts in the activity's ``resultatscore`` (status ``i_model``,
    a baseline and a value in ``year``), so the mean of ``maalopfyldelse`` over those rows of one
    activity is its ``resultatscore``. Sorted by indsatsområde (I-V, then others), activity, criterion.
    """
    status = model_status(aktiviteter, year)
    activities = aktiviteter[["aktivitet_id", "navn", "forvaltning", "indsatsomraade"]].copy()
    activities["model_status"] = status
    activities = activities[activities["model_status"].isin(IN_MODEL)]
    criteria = criterion_attainment(succeskriterier, year)
    table = activities.merge(criteria, on="aktivitet_id", how="inner")
    table["i_resultatscore"] = ((table["model_status"] == "i_model") & table["maalopfyldelse"].notna()).astype(bool)
    order = {k: i for i, k in enumerate(_order(table["indsatsomraade"], INDSATSOMRAADER))}
    table["_order"] = table["indsatsomraade"].map(order)
    table = table.sort_values(["_order", "aktivitet_id", "kriterie_id"], kind="stable").drop(columns="_order")
    for column in ("indsatsomraade", "aktivitet_id", "navn", "forvaltning", "model_status", "kriterie_id",
                   "beskrivelse", "resultat", "retning"):
        table[column] = table[column].astype("str")
    for column in ("baseline", "maal", "vaerdi", "maalopfyldelse"):
        table[column] = table[column].astype("float64")
    table["mangler_baseline"] = table["mangler_baseline"].astype(bool)
    return table[list(ANNEX_COLUMNS)].reset_index(drop=True)


# --- everything at once, for the notebook ----------------------------------------

@dataclass(frozen=True)
class EvidenceModelResult:
    """The model's tables for one reporting year (see :func:`evaluate`)."""

    year: int
    params: ModelParams
    scores: pd.DataFrame
    criteria: pd.DataFrame
    flags: pd.DataFrame
    by_indsatsomraade: pd.DataFrame
    by_forvaltning: pd.DataFrame
    by_resultat: pd.DataFrame
    godt_paa_vej: pd.DataFrame
    forsinket: pd.DataFrame
    foermaaling: pd.DataFrame
    skadelig: pd.DataFrame
    annex: pd.DataFrame


def evaluate(dataset, programme: Programme, year: int) -> EvidenceModelResult:
    """Run the whole model for ``year`` on a loaded dataset: scores, criteria, flags, aggregates, lists."""
    params = ModelParams.from_programme(programme)
    aktiviteter, succeskriterier = dataset.aktiviteter, dataset.succeskriterier
    scores = score_activities(aktiviteter, succeskriterier, year, params)
    criteria = criterion_attainment(succeskriterier, year)
    return EvidenceModelResult(
        year=year,
        params=params,
        scores=scores,
        criteria=criteria,
        flags=activity_flags(aktiviteter, succeskriterier, year),
        by_indsatsomraade=scores_by_indsatsomraade(scores, params.kategorier),
        by_forvaltning=scores_by_forvaltning(scores, list(programme.forvaltninger), params.kategorier),
        by_resultat=scores_by_resultat(scores, criteria, params.kategorier),
        godt_paa_vej=list_godt_paa_vej(aktiviteter, year),
        forsinket=list_forsinket(aktiviteter, year),
        foermaaling=list_foermaaling(aktiviteter, year),
        skadelig=list_skadelig(aktiviteter, year),
        annex=criteria_annex(aktiviteter, succeskriterier, year),
    )
