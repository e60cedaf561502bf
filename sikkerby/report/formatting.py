"""Danish number formatting, the status vocabularies, and generated result sentences.

Conventions (tested in ``tests/test_formatting.py``):

- Numbers use babel with locale ``da_DK``: ``.`` groups thousands, ``,`` is the
  decimal sign (``1.234``, ``17,5``, ``-1.234,5``).
- Rounding is **half up, away from zero** (``0,05 → 0,1``; ``17,45 → 17,5``;
  ``-0,05 → -0,1``), as a reader, Excel and Danmarks Statistik expect. Babel's
  own default is the decimal module's banker's rounding (``17,45 → 17,4``), so
  every call runs in a ``decimal`` context with ``ROUND_HALF_UP``. Babel turns a
  float into a Decimal through ``str()``, so ``2.675`` rounds as written (``2,68``).
  A value that rounds to zero never shows a minus sign (``-0,04 → 0,0``).
- A number and its unit are joined by a **non-breaking space** (U+00A0, :data:`NBSP`):
  ``17,5 %``, ``1,2 procentpoint``; so a line never breaks between them, in
  HTML or in the PDF. Tests compare against ``f"17,5{NBSP}%"``.
- Percent values are on the 0-100 scale the data use: ``fmt_pct(17.5)`` is ``17,5 %``.
- A missing value (``None``, ``NaN``, ``pd.NA``, ``NaT``) is shown as :data:`MISSING` (``–``).
- Years are never grouped: ``2017``, not ``2.017``.

Status words, symbols and colours are data (:data:`VOCABULARIES`): every value
gets a Danish word, a symbol and an Okabe-Ito colour, so status is never shown
by colour alone.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal

from sikkerby.config.programme import NEED_LEVELS, Indikator, YearlyRequirement
from sikkerby.inputs.contract import KOEN
from sikkerby.model import evidence, goal_status
from sikkerby.model.calculations.areas import GAAET_UD, KOMMET_TIL
from sikkerby.model.calculations.handleplan import FOR_SEN, MANGLER
from sikkerby.model.calculations.survey import OVER, UNDER, ci_side
from sikkerby.model.calculations.youth_crime import KOEN_UOPLYST

LOCALE = "da_DK"
NBSP = "\u00a0"
MISSING = "–"  # en dash

UNITS = ("procent", "antal")


# --------------------------------------------------------------------------- numbers

def is_missing(value: Any) -> bool:
    """True for ``None``, ``NaN``, ``pd.NA`` and ``NaT``."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # e.g. a list: not a scalar, not missing
        return False


@functools.lru_cache(maxsize=20_000)
def _babel_number(kind: type, text: str, decimals: int) -> str:
    """babel's Danish text of the number ``kind(text)``, rounded half up to ``decimals``.

    Kept (tables and tick labels format the same numbers again and again, and babel takes about
    50 µs a number) by type and exact text, so -0.0 and 0.0, 1 and 1.0, a float and a Decimal
    never share an entry: ``str`` of a float, an int or a Decimal gives the same number back.
    """
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        return format_decimal(kind(text), format=pattern, locale=LOCALE)


def fmt_number(value: Any, decimals: int = 0, *, signed: bool = False) -> str:
    """A number in Danish format, rounded half up: ``1.234``, ``17,5``; missing → ``–``.

    ``signed=True`` writes a ``+`` before positive values (for changes).
    """
    if is_missing(value):
        return MISSING
    if decimals < 0:
        raise ValueError("decimals must be 0 or more")
    number = float(value) if not isinstance(value, (int, decimal.Decimal)) else value
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueError(f"cannot format {value!r} as a number")
    if isinstance(number, bool):  # str(False) would not give False back
        number = int(number)
    text = _babel_number(type(number), str(number), decimals)
    if text.startswith("-") and not any(ch in "123456789" for ch in text):
        text = text[1:]  # -0,0 → 0,0
    if signed and not text.startswith("-") and any(ch in "123456789" for ch in text):
        text = "+" + text
    return text


def fmt_pct(value: Any, decimals: int = 1, *, signed: bool = False) -> str:
    """A percentage on the 0-100 scale: ``fmt_pct(17.5)`` → ``17,5 %`` (non-breaking space)."""
    if is_missing(value):
        return MISSING
    return f"{fmt_number(value, decimals, signed=signed)}{NBSP}%"


def fmt_pp(value: Any, decimals: int = 1, *, signed: bool = False) -> str:
    """Percentage points: ``fmt_pp(1.2)`` → ``1,2 procentpoint`` (same word in plural)."""
    if is_missing(value):
        return MISSING
    return f"{fmt_number(value, decimals, signed=signed)}{NBSP}procentpoint"


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")


def fmt_value(value: Any, unit: str, decimals: int) -> str:
    """A målepunkt value in its unit: ``procent`` → ``13,4 %``, ``antal`` → ``1.234``."""
    _check_unit(unit)
    return fmt_pct(value, decimals) if unit == "procent" else fmt_number(value, decimals)


def fmt_change(value: Any, unit: str, decimals: int) -> str:
    """A difference between two målepunkt values: procent → procentpoint, antal → number."""
    _check_unit(unit)
    return fmt_pp(value, decimals) if unit == "procent" else fmt_number(value, decimals)


def threshold_decimals(value: Any, decimals: int) -> int:
    """Decimals for a target, path or requirement: ``decimals``, more (up to 2 extra) to be exact."""
    return max(decimals, exact_decimals(value, decimals + 2))


def fmt_threshold(value: Any, unit: str, decimals: int) -> str:
    """A target (an upper limit) or path value in its unit, at the indikator's precision (issue 12).

    A count (``antal``, no decimals) is rounded *down*: ``189.61`` is ``189``, not ``190`` (a count
    of 190 misses it, 189 meets it), so the shown limit says exactly what the exact one says. Other
    values are rounded half up at ``decimals`` (``16.375`` → ``16,4 %``). The exact value is
    :func:`fmt_exact`, for the method note; :func:`fmt_goal_threshold` also handles lower limits.
    """
    if is_missing(value):
        return MISSING
    if unit == "antal" and decimals == 0:
        return fmt_number(math.floor(float(value) + goal_status.TOLERANCE), 0)
    return fmt_value(value, unit, decimals)


def fmt_baseline(indikator: Indikator, value: Any) -> str:
    """A målepunkt's baseline in its unit: a published baseline as the programme wrote it.

    ``1.1`` published for a målepunkt with 2 decimals is ``1,1 %``, not ``1,10 %``
    (:func:`sikkerby.model.goal_status.published_decimals`); a baseline taken from the
    data (none published) is written like a threshold (:func:`fmt_threshold`).
    """
    if is_missing(value):
        return MISSING
    published = indikator.baseline_value
    if published is not None and abs(float(value) - float(published)) <= goal_status.TOLERANCE:
        return fmt_value(value, indikator.unit, goal_status.published_decimals(published))
    return fmt_threshold(value, indikator.unit, indikator.decimals)


def fmt_year(value: Any) -> str:
    """A year without thousands separator: ``2017``; missing → ``–``."""
    return MISSING if is_missing(value) else str(int(value))


def fmt_date(value: Any) -> str:
    """A date in Danish: ``18. marts 2016``; accepts date, datetime, Timestamp or ISO text."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str):
        value = _dt.date.fromisoformat(value)
    elif isinstance(value, (pd.Timestamp, _dt.datetime)):
        value = value.date()
    return format_date(value, format="d. MMMM y", locale=LOCALE)


def fmt_count(n: int, singular: str, plural: str) -> str:
    """A count with the right noun form: ``1 aktivitet``, ``2 aktiviteter``, ``1.234 lukkedage``."""
    return f"{fmt_number(n)} {singular if int(n) == 1 else plural}"


def fmt_list(items: Iterable[str]) -> str:
    """Danish enumeration: ``a, b og c`` (babel's list patterns)."""
    items = [str(i) for i in items]
    return format_list(items, locale=LOCALE) if items else ""


def exact_decimals(value: float, at_most: int) -> int:
    """The fewest decimals (≤ ``at_most``) that write ``value`` without rounding it."""
    for d in range(at_most + 1):
        if math.isclose(round(float(value), d), float(value), rel_tol=0, abs_tol=1e-9):
            return d
    return at_most


def distinguishing_decimals(value: Any, others: Iterable[Any], decimals: int, *,
                            thresholds: bool = False, extra: int = 3) -> int:
    """``decimals``, raised (by at most ``extra``) until ``value`` looks different from every unequal other.

    Comparisons use unrounded values; a sentence must not show ``13,0 %`` against
    a target of ``13,0 %`` and call the target missed. ``thresholds=True``: the
    others are written with :func:`fmt_threshold` (targets, paths). Missing
    others, and others equal to ``value`` up to floating-point noise, are ignored.
    """
    if is_missing(value):
        return decimals
    others = [float(o) for o in others
              if not is_missing(o) and abs(float(o) - float(value)) > goal_status.TOLERANCE]

    for d in range(decimals, decimals + extra + 1):
        if all(fmt_number(value, d) != fmt_number(o, threshold_decimals(o, d) if thresholds else d) for o in others):
            return d
    return decimals + extra


# ----------------------------------------------------------------------- vocabularies

@dataclass(frozen=True)
class Label:
    """How one vocabulary value is shown: a Danish word, a symbol and a colour."""

    word: str
    symbol: str
    colour: str  # hex, from the Okabe-Ito colour-blind-safe palette (grey for neutral)

    @property
    def ink(self) -> str:
        """Black or white, whichever contrasts more with :attr:`colour` (WCAG luminance)."""
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b = (int(self.colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
        return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#FFFFFF"

    @property
    def text(self) -> str:
        """Symbol and word: ``✓ Nået`` (word only when there is no symbol)."""
        return f"{self.symbol} {self.word}" if self.symbol else self.word


# Okabe & Ito (2008), "Color Universal Design"; readable by colour-blind readers.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
GREY = "#999999"
_C = OKABE_ITO

_STATUS_LABELS = {
    goal_status.NAAET: Label("Nået", "✓", _C["bluish_green"]),
    goal_status.PAA_SPORET: Label("På sporet", "→", _C["sky_blue"]),
    goal_status.IKKE_PAA_SPORET: Label("Ikke på sporet", "⚠", _C["orange"]),
    goal_status.IKKE_NAAET: Label("Ikke nået", "✗", _C["vermillion"]),
    goal_status.BASISAAR: Label("Basisår", "●", _C["blue"]),
    goal_status.IKKE_VURDERBAR: Label("Kan ikke vurderes", "?", GREY),
}
# Symbols for kategori are the marker shapes of the score chart (o, s, v).
_KATEGORI_SHAPES = {"groen": ("●", _C["bluish_green"]), "gul": ("■", _C["yellow"]), "roed": ("▼", _C["vermillion"])}
_MODEL_STATUS_SHAPES = {
    "i_model": ("●", _C["bluish_green"]),
    "foermaaling": ("◆", _C["sky_blue"]),
    "godt_paa_vej": ("→", _C["blue"]),
    "forsinket": ("⚠", _C["orange"]),
    "ikke_i_model": ("○", GREY),
}
_UDVIKLING_COLOURS = {"resultater": _C["reddish_purple"], "evidens": _C["blue"], "begge": GREY}

VOCABULARIES: dict[str, dict[str, Label]] = {
    "status": _STATUS_LABELS,
    "model_status": {k: Label(evidence.MODEL_STATUS_LABELS[k], *_MODEL_STATUS_SHAPES[k])
                     for k in evidence.MODEL_STATUSES},
    "kategori": {k: Label(evidence.KATEGORI_LABELS[k], *_KATEGORI_SHAPES[k]) for k in evidence.KATEGORIER},
    "udviklingspotentiale": {k: Label(evidence.UDVIKLINGSPOTENTIALE_LABELS[k], "", _UDVIKLING_COLOURS[k])
                             for k in evidence.UDVIKLINGSPOTENTIALER},
    "evidensniveau": {
        "effektiv": Label("Effektiv", "", _C["bluish_green"]),
        "lovende": Label("Lovende", "", _C["sky_blue"]),
        "utilstraekkelig": Label("Utilstrækkelig", "", _C["yellow"]),
        "ingen_effekt": Label("Ingen effekt", "", GREY),
        "skadelig": Label("Skadelig", "", _C["vermillion"]),
    },
    "indsatsomraade": {
        "I": Label("I (primær)", "", GREY),
        "II": Label("II (sekundær)", "", GREY),
        "III": Label("III (tertiær)", "", GREY),
        "IV": Label("IV (lokalområder)", "", GREY),
        "V": Label("V (koordination)", "", GREY),
    },
    "resultat": {
        "fritidstilbud": Label("Fritidstilbud", "", GREY),
        "uddannelse": Label("Uddannelse", "", GREY),
        "beskaeftigelse": Label("Beskæftigelse", "", GREY),
        "misbrug": Label("Misbrug", "", GREY),
        "tilbagefald": Label("Tilbagefald", "", GREY),
        "trygge_lokalomraader": Label("Trygge lokalområder", "", GREY),
        "koordination": Label("Koordination", "", GREY),
    },
    # breakdown tables of the goal-area chapters
    "koen": {"k": Label("Kvinder", "", GREY), "m": Label("Mænd", "", GREY),
             KOEN_UOPLYST: Label("Køn ikke oplyst", "", GREY)},
    "indsatsbehov": {level: Label(level.capitalize(), "", GREY) for level in NEED_LEVELS},
    "omraade_aendring": {KOMMET_TIL: Label("Kommet til", "▲", _C["orange"]),
                         GAAET_UD: Label("Gået ud", "▼", _C["bluish_green"])},
    "handleplan_problem": {MANGLER: Label("Handleplan mangler", "✗", _C["vermillion"]),
                           FOR_SEN: Label("Handleplan for sen", "⚠", _C["orange"])},
}
assert set(VOCABULARIES["koen"]) == {*KOEN, KOEN_UOPLYST}


def label(vocabulary: str, value: str) -> Label:
    """The :class:`Label` of ``value`` in ``vocabulary`` (e.g. ``label("status", "naaet")``)."""
    try:
        labels = VOCABULARIES[vocabulary]
    except KeyError:
        raise KeyError(f"unknown vocabulary {vocabulary!r}; known: {', '.join(VOCABULARIES)}") from None
    try:
        return labels[value]
    except KeyError:
        raise ValueError(f"{value!r} is not a value of {vocabulary}; known: {', '.join(labels)}") from None


def word(vocabulary: str, value: Any) -> str:
    """The Danish word for a vocabulary value (``Nået``); missing → ``–``."""
    return MISSING if is_missing(value) else label(vocabulary, value).word


def status_word(status: Any) -> str:
    """The Danish word for a målepunkt status: ``naaet`` → ``Nået``."""
    return word("status", status)


# ---------------------------------------------------------------------- sentences

def unit_noun(unit: str) -> str:
    """The noun a sentence uses for a målepunkt's value: ``andelen`` (procent) or ``antallet``."""
    _check_unit(unit)
    return "andelen" if unit == "procent" else "antallet"


def _requirement_text(requirement: YearlyRequirement, unit: str, decimals: int) -> str:
    if requirement.min_fall == 0:
        return "kravet om et fald fra året før" if requirement.strict else "kravet om, at niveauet ikke stiger fra året før"
    amount = fmt_change(requirement.min_fall, unit, threshold_decimals(requirement.min_fall, decimals))
    return f"kravet om et fald på {'mere end' if requirement.strict else 'mindst'} {amount} fra året før"


def _row_value(row: Mapping[str, Any], key: str) -> float | None:
    value = row.get(key)
    return None if is_missing(value) else float(value)


def _row_year(row: Mapping[str, Any], key: str) -> int | None:
    value = row.get(key)
    return None if is_missing(value) else int(value)


def fmt_target(indikator: Indikator, row: Mapping[str, Any], compact: bool = False) -> str:
    """A målepunkt's target in words, from a ``maalstatus`` row (for tables).

    ``sti``: ``højst 13,0 % i 2017``; ``retning``: ``i 2017 lavere end i 2013 (5)``;
    ``krav``: ``100,0 % hvert år``; missing parts → ``–``. Targets at the indikator's precision
    (:func:`fmt_goal_threshold`: the lukkedage target 189,61 is ``højst 189``). ``compact`` (the
    front page's overview): ``retning`` as ``under 5 (2013) i 2017``.
    """
    m = indikator
    target, baseline = _row_value(row, "maalvaerdi"), _row_value(row, "basisvaerdi")
    b, t = _row_year(row, "basisaar"), _row_year(row, "maalaar")
    if m.kind == "krav":
        return MISSING if target is None else f"mindst {fmt_goal_threshold(m, target, at_least=True)} hvert år"
    if m.kind == "sti":
        return MISSING if target is None or t is None else f"højst {fmt_goal_threshold(m, target)} i {t}"
    if baseline is None or b is None or t is None:
        return MISSING
    if compact:
        return f"under {fmt_baseline(m, baseline)} ({b}) i {t}"
    return f"i {t} lavere end i {b} ({fmt_baseline(m, baseline)})"


def _relation(value: float, reference: float) -> str:
    """``under``, ``på`` or ``over`` — with the same floating-point tolerance as the status rules."""
    if abs(value - reference) <= goal_status.TOLERANCE:
        return "på"
    return "under" if value < reference else "over"


def _check(condition: bool, indikator: Indikator, year: int, status: str) -> None:
    if not condition:
        raise ValueError(f"{indikator.id} {year}: status {status!r} contradicts the values in the row")


def describe_status(indikator: Indikator, row: Mapping[str, Any], previous_value: float | None = None) -> str:
    """Danish sentences stating a målepunkt's value, target and status, from one ``maalstatus`` row.

    ``row`` has the columns of ``maalstatus.csv`` (DATA.md §4). ``previous_value``
    (V(Y−1)), when given, is named where the yearly requirement decides. Every
    number in the text comes from the row; the words for the status come from
    the row's ``status``, and a status that contradicts the row's numbers raises
    ``ValueError`` (so a wrong table is never published with a plausible sentence).

    >>> describe_status(utryghed_aften, row)  # doctest: +SKIP
    'I 2017 var andelen 13,4 %. Målet var højst 13,0 % i 2017, så målet er ikke nået.'
    """
    m = indikator
    year = int(row["aar"])
    status = row["status"]
    label("status", status)  # a known status, or ValueError
    value = _row_value(row, "vaerdi")
    lo, hi = _row_value(row, "ci_nedre"), _row_value(row, "ci_oevre")
    baseline, target, path = (_row_value(row, k) for k in ("basisvaerdi", "maalvaerdi", "sti_vaerdi"))
    b, t = _row_year(row, "basisaar"), _row_year(row, "maalaar")
    noun = unit_noun(m.unit)

    if value is None:
        _check(status == goal_status.IKKE_VURDERBAR, m, year, status)
        return f"For {year} er der ingen opgjort værdi, så status kan ikke vurderes."

    d = m.decimals  # raised only where the sentence compares the value with something
    whole = counts_whole_units(m)
    if status not in (goal_status.IKKE_VURDERBAR, goal_status.BASISAAR):
        # counts are compared with whole-number limits (fmt_goal_threshold), which never look like another count
        d = distinguishing_decimals(value, () if whole else (baseline, target, path), d)
        d = distinguishing_decimals(value, (previous_value,), d)

    def show(x: float) -> str:
        return fmt_value(x, m.unit, d)

    def show_threshold(x: float, at_least: bool = False) -> str:  # at the indikator's precision: 189,61 → 189
        return fmt_goal_threshold(m, x, d, at_least=at_least)

    def relation_to(limit: float) -> str:  # for counts, against the whole-number limit the sentence shows
        return _relation(value, goal_threshold(m, limit) if whole else limit)

    ci = ""
    if lo is not None and hi is not None:
        ci = f" (95{NBSP}%-konfidensinterval: {fmt_number(lo, d)}–{show(hi)})"
    first = f"I {year} var {noun} {show(value)}{ci}."
    verdict = label("status", status).word.lower()

    if status == goal_status.IKKE_VURDERBAR:
        if b is not None and year < b:
            reason = f"målet først gælder fra basisåret {b}"
        elif b is not None and baseline is None:
            reason = f"der ikke er en basisværdi for {b}"
        else:
            reason = "der mangler oplysninger til vurderingen"
        return f"{first} Status kan ikke vurderes, fordi {reason}."

    if status == goal_status.BASISAAR:
        _check(year == b, m, year, status)
        text = f"{first} {year} er basisår, så værdien er basisværdien for målet."
        # the same rule as the run's warning: the published figure is not the data's value, rounded
        if goal_status.baseline_discrepancy(m, pd.Series({year: value})) is not None:
            text += f" Målet regnes fra den offentliggjorte basisværdi, {fmt_baseline(m, baseline)}."
        return text

    if m.kind == "krav":
        if target is None:
            raise ValueError(f"{m.id} {year}: status {status!r} needs maalvaerdi in the row")
        met = value >= target - goal_status.TOLERANCE
        _check(status == (goal_status.NAAET if met else goal_status.IKKE_NAAET), m, year, status)
        return f"{first} Målet er mindst {show_threshold(target, at_least=True)} hvert år, så målet er {verdict}."

    if baseline is None or b is None or t is None:
        raise ValueError(f"{m.id} {year}: status {status!r} needs basisaar, basisvaerdi and maalaar in the row")
    reached = year >= t

    if m.kind == "retning":
        relation = _relation(value, baseline)
        better = relation == "under"
        if reached:
            _check(status == (goal_status.NAAET if better else goal_status.IKKE_NAAET), m, year, status)
            return (f"{first} Målet var, at {noun} i {t} skulle være lavere end i {b} "
                    f"({fmt_baseline(m, baseline)}), så målet er {verdict}.")
        _check(status == (goal_status.PAA_SPORET if better else goal_status.IKKE_PAA_SPORET), m, year, status)
        return (f"{first} Målet er, at {noun} i {t} er lavere end i {b} ({fmt_baseline(m, baseline)}). "
                f"{noun.capitalize()} ligger {relation} niveauet i {b}, så målepunktet er {verdict}.")

    if m.kind != "sti":
        raise ValueError(f"unknown kind {m.kind!r} for målepunkt {m.id}")
    if reached:
        _check(status == (goal_status.NAAET if relation_to(target) != "over" else goal_status.IKKE_NAAET),
               m, year, status)
        return f"{first} Målet var højst {show_threshold(target)} i {t}, så målet er {verdict}."
    _check(status in (goal_status.PAA_SPORET, goal_status.IKKE_PAA_SPORET), m, year, status)
    goal = f"Målet er højst {show_threshold(target)} i {t}"
    if path is None:
        return f"{first} {goal}. Målepunktet er {verdict}."
    relation = relation_to(path)
    text = f"{first} {goal}, og målstien for {year} er højst {show_threshold(path)}."
    requirement = m.yearly_requirement
    since = ""
    if previous_value is not None:
        since = f" ({noun} var {show(previous_value)} i {year - 1})"
    if relation == "over":
        _check(status == goal_status.IKKE_PAA_SPORET, m, year, status)
        if (requirement is not None and previous_value is not None
                and not goal_status.requirement_holds(requirement, value, previous_value)):
            return (f"{text} {noun.capitalize()} ligger over stien, og "
                    f"{_requirement_text(requirement, m.unit, m.decimals)} er heller ikke opfyldt{since}, "
                    f"så målepunktet er {verdict}.")
        return f"{text} {noun.capitalize()} ligger over stien, så målepunktet er {verdict}."
    if status == goal_status.PAA_SPORET:
        kept = f", og {_requirement_text(requirement, m.unit, m.decimals)} er opfyldt{since}" if requirement else ""
        return f"{text} {noun.capitalize()} ligger {relation} stien{kept}, så målepunktet er {verdict}."
    _check(requirement is not None, m, year, status)  # on or under the path: only the requirement can fail
    return (f"{text} {noun.capitalize()} ligger {relation} stien, men "
            f"{_requirement_text(requirement, m.unit, m.decimals)} er ikke opfyldt{since}, "
            f"så målepunktet er {verdict}.")


_SUMMARY_ORDER = (
    (goal_status.NAAET, "nået"),
    (goal_status.PAA_SPORET, "på sporet"),
    (goal_status.IKKE_PAA_SPORET, "ikke på sporet"),
    (goal_status.IKKE_NAAET, "ikke nået"),
    (goal_status.BASISAAR, "i basisåret"),
)


def describe_status_counts(statuses: Iterable[str]) -> str:
    """One sentence counting indikatorer by status.

    ``["naaet", "paa_sporet", "paa_sporet", "ikke_vurderbar"]`` →
    ``Af 4 indikatorer er 1 nået og 2 på sporet, mens 1 ikke kan vurderes.``;
    one status for all: ``Begge indikatorer er nået.``, ``Alle 5 indikatorer er på sporet.``
    """
    statuses = list(statuses)
    for s in statuses:
        label("status", s)
    total = fmt_count(len(statuses), "indikator", "indikatorer")
    if not statuses:
        return "Der er ingen indikatorer at vurdere."
    if len(set(statuses)) == 1 and statuses[0] != goal_status.IKKE_VURDERBAR:
        words = dict(_SUMMARY_ORDER)[statuses[0]]
        n = len(statuses)
        who = "Indikatoren" if n == 1 else ("Begge indikatorer" if n == 2 else f"Alle {fmt_number(n)} indikatorer")
        return f"{who} er {words}."
    parts = [f"{fmt_number(statuses.count(s))} {words}" for s, words in _SUMMARY_ORDER if statuses.count(s)]
    unknown = statuses.count(goal_status.IKKE_VURDERBAR)
    if not parts:
        return f"Ingen af de {total} kan vurderes." if unknown > 1 else "Indikatoren kan ikke vurderes."
    text = f"Af {total} er {fmt_list(parts)}"
    if unknown:
        text += f", mens {fmt_number(unknown)} ikke kan vurderes"
    return text + "."


# ------------------------------------------------------- goal-area chapter sentences

def fmt_ci(lower: Any, upper: Any, unit: str, decimals: int) -> str:
    """A confidence interval in the målepunkt's unit: ``12,0–14,6 %``; missing → ``–``."""
    _check_unit(unit)
    if is_missing(lower) or is_missing(upper):
        return MISSING
    return f"{fmt_number(lower, decimals)}–{fmt_value(upper, unit, decimals)}"


def _requirement_phrase(requirement: YearlyRequirement, unit: str, decimals: int) -> str:
    """What the yearly requirement asks of the value, as a verb phrase: ``falde hvert år``."""
    if requirement.min_fall == 0:
        return "falde hvert år" if requirement.strict else "ikke stige fra et år til det næste"
    amount = fmt_change(requirement.min_fall, unit, threshold_decimals(requirement.min_fall, decimals))
    return f"falde med {'mere end' if requirement.strict else 'mindst'} {amount} om året"


def describe_target(indikator: Indikator, row: Mapping[str, Any]) -> str:
    """Baseline, target and deadline of a målepunkt in Danish sentences, from one ``maalstatus`` row.

    ``sti``: ``Basisværdien er 17,5 % i 2013. Målet er højst 13,0 % med frist i 2017.
    Indtil da skal andelen falde med mindst 1,0 procentpoint om året og ligge på eller under
    en lige linje (målstien) fra basisværdien til målet.`` ``retning``: the target is to be
    below the baseline by the target year; ``krav``: the requirement holds every year.
    A baseline the programme leaves empty is said to come from the data. Targets are shown at
    the indikator's precision (:func:`fmt_goal_threshold`): a reduction of 33 % from 283
    lukkedage is ``højst 189``; the exact figure (189,61) is in the method note.
    """
    m = indikator
    noun = unit_noun(m.unit)
    baseline, target = _row_value(row, "basisvaerdi"), _row_value(row, "maalvaerdi")
    b, t = _row_year(row, "basisaar"), _row_year(row, "maalaar")

    def show(x: float, at_least: bool = False) -> str:
        return fmt_goal_threshold(m, x, at_least=at_least)

    if m.kind == "krav":
        if target is None:
            return "Programmet angiver ikke kravets størrelse."
        return (f"Målepunktet er et krav uden basisår og slutår: {noun} skal være mindst "
                f"{show(target, at_least=True)} hvert år.")
    if b is None:
        start = "Programmet angiver intet basisår."
    elif baseline is None:
        start = f"Programmet angiver ingen basisværdi, og data har ingen værdi for basisåret {b}."
    elif m.baseline_value is None:
        start = (f"Basisværdien er {fmt_baseline(m, baseline)} i {b}. Programmet fastsætter ikke selv værdien; "
                 f"den er taget fra data for {b}.")
    else:
        start = f"Basisværdien er {fmt_baseline(m, baseline)} i {b}."
    if t is None:
        return f"{start} Programmet angiver ingen frist for målet."
    if m.kind == "sti":
        if target is None:
            return f"{start} Programmet angiver ingen målværdi; fristen er {t}."
        pct = m.target_reduction_pct
        if pct is not None and b:
            text = (f"{start} Målet er en reduktion på {fmt_number(pct, exact_decimals(pct, 2))}{NBSP}% i forhold "
                    f"til {b}, det vil sige højst {show(target)} i {t}.")
        else:
            text = f"{start} Målet er højst {show(target)} med frist i {t}."
        requirement = m.yearly_requirement
        path = "ligge på eller under en lige linje (målstien) fra basisværdien til målet"
        if requirement is not None:
            return f"{text} Indtil da skal {noun} {_requirement_phrase(requirement, m.unit, m.decimals)} og {path}."
        return f"{text} Indtil da skal {noun} {path}."
    if m.kind == "retning":
        text = f"{start} Målet er, at {noun} er lavere end i {b}, med frist i {t}."
        return f"{text} Indtil da er målepunktet på sporet, når {noun} ligger under niveauet i {b}."
    raise ValueError(f"unknown kind {m.kind!r} for målepunkt {m.id}")


def describe_ci_comparison(indikator: Indikator, row: Mapping[str, Any]) -> str | None:
    """Whether the year's comparison with the path or target is statistically clear (DATA.md §2.1),
    in the publication's words ``statistisk sikker``.

    The reference is the path value P(Y) before the target year, the target from
    it (``sti``); the baseline (``retning``); the requirement (``krav``). The
    comparison is clear when the whole 95 % confidence interval lies on one side
    (:func:`sikkerby.model.calculations.survey.ci_side`). ``None`` when the row has no
    interval, in the baseline year or before it, or without a reference value.
    """
    m = indikator
    lo, hi = _row_value(row, "ci_nedre"), _row_value(row, "ci_oevre")
    if lo is None or hi is None:
        return None
    year = int(row["aar"])
    b, t = _row_year(row, "basisaar"), _row_year(row, "maalaar")
    if m.kind != "krav" and (b is None or year <= b):
        return None
    baseline, target, path = (_row_value(row, k) for k in ("basisvaerdi", "maalvaerdi", "sti_vaerdi"))
    if m.kind == "krav":
        reference, what = target, "kravet"
    elif m.kind == "retning":
        reference, what = baseline, f"niveauet i {b}"
    elif t is not None and year >= t:
        reference, what = target, f"målet for {t}"
    else:
        reference, what = path, f"målstien for {year}"
    if reference is None:
        return None
    d = max(distinguishing_decimals(x, (reference,), m.decimals) for x in (lo, hi))
    interval = fmt_ci(lo, hi, m.unit, d)
    ref = fmt_baseline(m, reference) if m.kind == "retning" else fmt_goal_threshold(m, reference, d)
    noun = unit_noun(m.unit)
    side = ci_side(lo, hi, reference)
    if side in (UNDER, OVER):
        where = "under" if side == UNDER else "over"
        return (f"Hele 95{NBSP}%-konfidensintervallet ({interval}) ligger {where} {what} ({ref}), "
                f"så det er statistisk sikkert, at {noun} ligger {where}.")
    return (f"95{NBSP}%-konfidensintervallet ({interval}) omfatter {what} ({ref}), så sammenligningen "
            f"er ikke statistisk sikker: med undersøgelsens usikkerhed kan {noun} ligge på begge sider af {ref}.")


def describe_latest_count(year: int, latest: Mapping[str, Any] | None, place: str = "", *,
                          date: str = "dato", count: str = "antal_personer",
                          singular: str = "person", plural: str = "personer") -> str:
    """The year's value of a count taken several times a year: the latest count in the year.

    ``latest``: the row of that count (its ``date`` and ``count`` fields), ``None`` when the year has none.
    ``Årets tal er den seneste opgørelse i 2017, den 31. december 2017: 117 personer i Indre Nørrebro.``
    """
    where = f" i {place}" if place else ""
    if latest is None or is_missing(latest.get(date)) or is_missing(latest.get(count)):
        return f"Der er ingen opgørelse{where} fra {year}."
    return (f"Årets tal er den seneste opgørelse i {year}, den {fmt_date(latest[date])}: "
            f"{fmt_count(int(latest[count]), singular, plural)}{where}.")


def forvaltning_name(code: Any, forvaltninger: Mapping[str, str]) -> str:
    """``Børne- og Ungdomsforvaltningen (BUF)`` for a code the programme names, else the code as it is."""
    full = forvaltninger.get(str(code))
    return f"{full} ({code})" if full else str(code)


def _warning_lead(indikator: Indikator) -> str:
    return f"{indikator.title}:"


def baseline_warning(indikator: Indikator, series: pd.Series) -> str | None:
    """A Danish sentence when the data's baseline-year value differs from the published baseline
    (:func:`sikkerby.model.goal_status.baseline_discrepancy`); ``None`` when they agree."""
    data_value = goal_status.baseline_discrepancy(indikator, series)
    if data_value is None:
        return None
    decimals = goal_status.published_decimals(indikator.baseline_value)
    shown = 0 if float(data_value).is_integer() else max(decimals, indikator.decimals) + 1
    return (
        f"{_warning_lead(indikator)} basisværdien for {indikator.baseline_year} er offentliggjort som "
        f"{fmt_number(indikator.baseline_value, decimals)}, men data giver "
        f"{fmt_number(data_value, shown)}. Den offentliggjorte basisværdi bruges."
    )


def baseline_warnings(programme, series: pd.DataFrame) -> list[str]:
    """Danish sentences, one per målepunkt whose data differ from its published baseline (DATA.md §2)."""
    from sikkerby.model.goals import values_of

    warnings = []
    for m in programme.indikatorer:
        message = baseline_warning(m, values_of(series, m.id))
        if message is not None:
            warnings.append(message)
    return warnings


def warning_of(indikator: Indikator, warnings: list[str] | tuple[str, ...]) -> str | None:
    """The målepunkt's sentence among already computed :func:`baseline_warning` sentences, if any.

    The sentences start with the målepunkt's title (unique in a programme), so no recomputation is needed.
    """
    lead = _warning_lead(indikator)
    return next((w for w in warnings if w.startswith(lead + " ")), None)


def reporting_year_warnings(programme, data_years: set[int], year: int) -> list[str]:
    """Danish warnings when ``year`` is an odd reporting year: outside the programme's
    period, or a year no input has a row for (its publication would assess nothing)."""
    warnings = []
    if not programme.period_start <= year <= programme.period_end:
        warnings.append(f"{year} ligger uden for programperioden {programme.period_start}-{programme.period_end}.")
    if year not in data_years:
        warnings.append(f"Ingen inddata har rækker for {year}; publikationen kan ikke vurdere årets målepunkter.")
    return warnings


# =====================================================================================================
# Targets at the indikator's precision, and Danish sentence helpers (issue 12: the publication a
# committee would sign). Kept in one block so that other work on this module merges cleanly.
# =====================================================================================================

def counts_whole_units(indikator: Indikator) -> bool:
    """True when the indikator counts whole things (unit ``antal``, no decimals): lukkedage, institutions, areas.

    For such an indikator "at most 189,61" and "at most 189" are the same rule, so a target can be
    shown as a whole number without changing what it says (:func:`fmt_goal_threshold`).
    """
    return indikator.unit == "antal" and indikator.decimals == 0


def goal_threshold(indikator: Indikator, value: float, *, at_least: bool = False) -> float:
    """A target or path value at the indikator's precision, as a number (see :func:`fmt_goal_threshold`).

    Counts (:func:`counts_whole_units`): an upper limit ("højst") is rounded down, a lower limit
    ("mindst", ``at_least``) up, so that a whole count meets the shown limit exactly when it meets
    the exact one (``189.61`` → ``189``; ``6.03`` → ``6``). Other indikatorer: half up to
    ``indikator.decimals`` (``16.375`` → ``16.4``), as every value is shown.
    """
    value = float(value)
    if counts_whole_units(indikator):
        return float(math.ceil(value - goal_status.TOLERANCE) if at_least
                     else math.floor(value + goal_status.TOLERANCE))
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        return float(decimal.Decimal(repr(value)).quantize(decimal.Decimal(1).scaleb(-indikator.decimals)))


def fmt_goal_threshold(indikator: Indikator, value: Any, decimals: int | None = None, *,
                       at_least: bool = False) -> str:
    """A target or path value as the publication shows it: at the indikator's precision, in its unit.

    ``fmt_goal_threshold(lukkedage, 189.61)`` → ``189`` (a count of 189 meets "højst 189,61", 190 does
    not); ``fmt_goal_threshold(utryghed, 16.375)`` → ``16,4 %``. ``decimals`` (more than the
    indikator's) is for a sentence that must tell a value and a limit apart; counts stay whole. The
    exact value and rule are in the publication's method note (:func:`exact_target_rule`).
    """
    if is_missing(value):
        return MISSING
    m = indikator
    if counts_whole_units(m):
        return fmt_number(goal_threshold(m, value, at_least=at_least), 0)
    return fmt_value(value, m.unit, m.decimals if decimals is None else max(decimals, m.decimals))


def threshold_is_rounded(indikator: Indikator, value: Any) -> bool:
    """True when :func:`fmt_goal_threshold` shows ``value`` other than it is (``189.61`` as ``189``)."""
    if is_missing(value):
        return False
    return abs(goal_threshold(indikator, value) - float(value)) > goal_status.TOLERANCE


_NUMBER_WORDS = ("nul", "en", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti", "elleve", "tolv")


def count_words(n: int, singular: str, plural: str, *, neuter: bool = False, capital: bool = False) -> str:
    """A count in words when it is small, for the start of a sentence: ``Tre aktiviteter``, ``Et målepunkt``.

    Danish style writes a sentence-opening number in words; 1-12 are words (``en``/``et`` by
    gender: ``neuter`` for ``et målepunkt``), larger counts keep their digits after ``I alt``
    (``I alt 42 aktiviteter``), so no sentence starts with a numeral. ``capital`` capitalises.
    """
    n = int(n)
    if 0 <= n < len(_NUMBER_WORDS):
        number = ("et" if neuter else "en") if n == 1 else ("ingen" if n == 0 else _NUMBER_WORDS[n])
        text = f"{number} {singular if n == 1 else plural}"
    else:
        text = f"i alt {fmt_count(n, singular, plural)}"
    return text[:1].upper() + text[1:] if capital else text


def number_word(n: int, *, neuter: bool = False, stressed: bool = False) -> str:
    """``3`` → ``tre`` (1-12 in words, ``en``/``et`` for 1), larger numbers in digits: for counts inside a sentence
    that are compared with another count (``tre af fem målepunkter``). ``stressed``: the counting one,
    ``én``/``ét`` (``ét af fem målepunkter``), not the article."""
    n = int(n)
    if n == 1:
        return ("ét" if neuter else "én") if stressed else ("et" if neuter else "en")
    if 0 <= n < len(_NUMBER_WORDS):
        return _NUMBER_WORDS[n]
    return fmt_number(n)


def quoted(text: Any) -> str:
    """A title or name in the publication's quotation marks: ``»Mindre ungdomskriminalitet«``."""
    return f"»{text}«"


def fmt_exact(value: Any, unit: str, decimals: int) -> str:
    """A target or path value written exactly (at least ``decimals``, up to two more): ``189,61``, ``16,375 %``;
    for the method note, which states the exact rule behind :func:`fmt_threshold`."""
    if is_missing(value):
        return MISSING
    return fmt_value(value, unit, threshold_decimals(value, decimals))
