"""The programme as data: a folder with ``program.yaml`` and one ``<år>.yaml`` per reporting year.

The file's shape is fixed (docs/programme.md) and read strictly by a pydantic schema: an
unknown key, a missing key, a wrong type or an unknown calculation is a
:class:`ProgrammeError` naming the file, the line and the key, before anything runs.

Run-time objects:

- :class:`Programme`: the whole programme; ``maalepunkter`` (the seed's målepunkter, each
  with its ``indikatorer``) and ``indikatorer`` (every indikator, in file order).
- :class:`Maalepunkt`: ``nr``, ``goal_area``, ``title``, ``rationale``, ``indikatorer``.
- :class:`Indikator`: one measured quantity: its ``calculation`` (a name in
  :data:`CALCULATIONS`) with ``parameters``, its unit, baseline, target and status kind.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sikkerby.config.paths import params_dir
from sikkerby.errors import SikkerByError

KINDS = ("sti", "retning", "krav")
UNITS = ("procent", "antal")
# The need levels of the Tryghedsindeks (ascending), and their other accepted spellings: the vocabulary
# of the programme file's ``needs`` and of the tryghedsindeks file's ``indsatsbehov`` column alike.
NEED_LEVELS = ("minimal", "reduceret", "ordinær", "intensiveret", "markant")
NEED_ALIASES = {"ordinaer": "ordinær"}
# The survey's answer scale (1 meget tryg … 5 meget utryg).
ANSWER_CODES = (1, 2, 3, 4, 5)

# Every calculation an indikator may name, with the parameters it takes (all required).
# The functions themselves are :data:`sikkerby.model.calculations.REGISTRY`, keyed by these names.
CALCULATIONS: dict[str, tuple[str, ...]] = {
    "andel_utrygge": ("answers",),
    "omraader_med_indsatsbehov": ("needs",),
    "lukkedage": (),
    "lukkede_institutioner": (),
    "handleplan_rettidig": ("working_days",),
    "andel_sigtede": ("ages",),
    "bandelog_seneste": ("omraade",),
}
PARAMETERS = ("answers", "needs", "working_days", "ages", "omraade")


class ProgrammeError(SikkerByError, ValueError):
    """The programme folder is missing something or contradicts itself."""


# --- the schema of program.yaml ----------------------------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Period(_Strict):
    start: int
    end: int

    @model_validator(mode="after")
    def _ordered(self):
        if self.end < self.start:
            raise ValueError(f"slutåret {self.end} ligger før startåret {self.start}")
        return self


class _ProgrammeInfo(_Strict):
    id: str
    name: str
    period: _Period
    municipality: str
    committee: str
    secretariat: str


class _BydelSpec(_Strict):
    navn: str
    fra: int | None = None
    til: int | None = None

    @model_validator(mode="after")
    def _ordered(self):
        if self.fra is not None and self.til is not None and self.til < self.fra:
            raise ValueError(f"bydelen {self.navn}: 'til' ({self.til}) ligger før 'fra' ({self.fra})")
        return self


class _GoalArea(_Strict):
    title: str
    text: str


class _Baseline(_Strict):
    year: int | None = None
    value: float | None = None


class _Target(_Strict):
    year: int | None = None
    value: float | None = None
    reduction_pct: float | None = None
    provisional: str | None = None


class _YearlyRequirement(_Strict):
    min_fall: float
    strict: bool


class _IndikatorSpec(_Strict):
    id: str
    calculation: str
    title: str
    unit: Literal["procent", "antal"]
    decimals: Annotated[int, Field(ge=0, le=6)]
    kind: Literal["sti", "retning", "krav"]
    baseline: _Baseline = _Baseline()
    target: _Target
    yearly_requirement: _YearlyRequirement | None = None
    answers: list[int] | None = None
    needs: list[str] | None = None
    working_days: Annotated[int, Field(ge=1, le=60)] | None = None
    ages: Annotated[list[int], Field(min_length=2, max_length=2)] | None = None
    omraade: str | None = None

    @model_validator(mode="after")
    def _consistent(self):
        if self.calculation not in CALCULATIONS:
            raise ValueError(f"ukendt beregning '{self.calculation}' (kendte: {', '.join(CALCULATIONS)})")
        wanted = CALCULATIONS[self.calculation]
        for name in PARAMETERS:
            given = getattr(self, name) is not None
            if name in wanted and not given:
                raise ValueError(f"beregningen {self.calculation} skal have parameteren '{name}'")
            if name not in wanted and given:
                raise ValueError(f"parameteren '{name}' hører ikke til beregningen {self.calculation}"
                                 + (f" (den tager: {', '.join(wanted)})" if wanted else " (den tager ingen parametre)"))
        if self.answers is not None and (not self.answers or any(a not in ANSWER_CODES for a in self.answers)):
            raise ValueError(f"answers skal være svarkoder blandt {', '.join(map(str, ANSWER_CODES))}")
        if self.needs is not None:
            unknown = [n for n in self.needs if NEED_ALIASES.get(n, n) not in NEED_LEVELS]
            if not self.needs or unknown:
                raise ValueError(f"needs skal være indsatsbehov blandt {', '.join(NEED_LEVELS)}"
                                 + (f", ikke {', '.join(unknown)}" if unknown else ""))
        if self.ages is not None and not 0 <= self.ages[0] <= self.ages[1] <= 120:
            raise ValueError(f"ages skal være [fra, til] med fra ≤ til, ikke {list(self.ages)}")
        b, t = self.baseline, self.target
        if t.value is not None and t.reduction_pct is not None:
            if b.value is None or not math.isclose(b.value * (1 - t.reduction_pct / 100), t.value, abs_tol=1e-9):
                raise ValueError(f"target.value {t.value} er ikke basisværdien minus {t.reduction_pct} %")
        if self.kind == "sti":
            if b.year is None or t.year is None or (t.value is None and t.reduction_pct is None):
                raise ValueError("kind 'sti' skal have baseline.year, target.year og target.value eller target.reduction_pct")
            if t.year <= b.year:
                raise ValueError(f"target.year ({t.year}) skal ligge efter baseline.year ({b.year})")
        if self.kind == "retning" and (b.year is None or t.year is None):
            raise ValueError("kind 'retning' skal have baseline.year og target.year")
        if self.kind == "krav" and t.value is None:
            raise ValueError("kind 'krav' skal have target.value (kravet, fx 100)")
        if self.yearly_requirement is not None and self.kind != "sti":
            raise ValueError("yearly_requirement gælder kun kind 'sti'")
        return self


class _MaalepunktSpec(_Strict):
    nr: int
    goal_area: str
    title: str
    rationale: str = ""
    indikatorer: Annotated[list[_IndikatorSpec], Field(min_length=1)]


class _Category(_Strict):
    kategori: Literal["groen", "gul", "roed"]
    min: float | None


class _Weights(_Strict):
    resultat: float
    evidens: float


class _EvidenceModel(_Strict):
    evidence_points: dict[Literal["effektiv", "lovende", "utilstraekkelig", "ingen_effekt", "skadelig"], float]
    weights: _Weights
    categories: Annotated[list[_Category], Field(min_length=1)]


class _Publication(_Strict):
    max_table_rows: Annotated[int, Field(ge=1)] = 50
    max_scatter_labels: Annotated[int, Field(ge=0)] = 40

    @model_validator(mode="after")
    def _labels_within_rows(self):
        if self.max_scatter_labels > self.max_table_rows:
            raise ValueError(f"max_scatter_labels ({self.max_scatter_labels}) må ikke være større end "
                             f"max_table_rows ({self.max_table_rows}): punkternes numre henviser til tabellen")
        return self


class _Disclosure(_Strict):
    min_count: Annotated[int, Field(ge=1)] = 5


class _ProgrammeFile(_Strict):
    programme: _ProgrammeInfo
    bydele: Annotated[list[str | _BydelSpec], Field(min_length=1)]
    goal_areas: dict[str, _GoalArea]
    maalepunkter: Annotated[list[_MaalepunktSpec], Field(min_length=1)]
    evidence_model: _EvidenceModel
    forvaltninger: dict[str, str] = {}
    publication: _Publication = _Publication()
    disclosure: _Disclosure = _Disclosure()

    @model_validator(mode="after")
    def _references(self):
        nrs = [m.nr for m in self.maalepunkter]
        if len(set(nrs)) != len(nrs):
            raise ValueError("målepunkternes nr skal være forskellige")
        ids = [i.id for m in self.maalepunkter for i in m.indikatorer]
        if len(set(ids)) != len(ids):
            raise ValueError("indikatorernes id skal være forskellige")
        for m in self.maalepunkter:
            if m.goal_area not in self.goal_areas:
                raise ValueError(f"målepunkt {m.nr}: goal_area '{m.goal_area}' findes ikke under goal_areas "
                                 f"(kendte: {', '.join(self.goal_areas)})")
        names = [b if isinstance(b, str) else b.navn for b in self.bydele]
        if len(set(names)) != len(names):
            raise ValueError("bydele: hver bydel må kun stå én gang")
        if self.evidence_model.categories[-1].min is not None:
            raise ValueError("evidence_model.categories: den sidste kategori skal have min: null")
        return self


class _YearFile(_Strict):
    aar: int
    title: str
    subtitle: str = ""
    forelaeggelse: str = ""


# --- the run-time objects ----------------------------------------------------------------------

@dataclass(frozen=True)
class YearlyRequirement:
    """V(Y) must fall from V(Y-1) by at least ``min_fall`` (by more than it when ``strict``).

    The check itself is :func:`sikkerby.model.goal_status.requirement_holds`.
    """

    min_fall: float
    strict: bool


@dataclass(frozen=True)
class Indikator:
    """One measured quantity of a målepunkt: a named calculation with its parameters, and its goal.

    ``target_value`` is ``None`` for kind ``retning`` and for a target given as
    ``target_reduction_pct`` on a baseline taken from the data. ``provisional`` is the
    sentence the publication shows while the target is not fixed (``None``: the target is final).
    """

    id: str
    calculation: str
    title: str
    unit: str  # "procent" or "antal"
    decimals: int
    kind: str  # "sti", "retning" or "krav"
    baseline_year: int | None
    baseline_value: float | None  # None: taken from the data
    target_year: int | None
    target_value: float | None
    maalepunkt_nr: int
    goal_area: str
    target_reduction_pct: float | None = None
    provisional: str | None = None
    yearly_requirement: YearlyRequirement | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def lower_is_better(self) -> bool:
        return self.kind != "krav"

    @property
    def is_provisional(self) -> bool:
        return self.provisional is not None


@dataclass(frozen=True)
class Maalepunkt:
    """One of the programme's målepunkter: a title and rationale, judged on one or more indikatorer."""

    nr: int
    goal_area: str
    title: str
    rationale: str
    indikatorer: tuple[Indikator, ...]


@dataclass(frozen=True)
class Bydel:
    """A bydel name and the years it is valid (``None``: open-ended)."""

    navn: str
    fra: int | None = None
    til: int | None = None

    def valid_in(self, year: int) -> bool:
        return (self.fra is None or year >= self.fra) and (self.til is None or year <= self.til)


@dataclass(frozen=True)
class Publication:
    """How long the publication's lists may be: ``max_table_rows`` rows per list of activities,
    institutions or closures; ``max_scatter_labels`` numbered points in the score scatter."""

    max_table_rows: int = 50
    max_scatter_labels: int = 40


@dataclass(frozen=True)
class Programme:
    id: str
    name: str
    municipality: str
    committee: str
    secretariat: str
    period_start: int
    period_end: int
    bydele: tuple[Bydel, ...]
    forvaltninger: dict[str, str]
    goal_areas: dict[str, dict[str, str]]
    maalepunkter: tuple[Maalepunkt, ...]
    evidence_points: dict[str, float]
    weights: dict[str, float]
    categories: tuple[tuple[str, float | None], ...]
    disclosure_min_count: int = 5
    publication: Publication = field(default_factory=Publication)
    folder: Path | None = None

    @property
    def indikatorer(self) -> tuple[Indikator, ...]:
        """Every indikator, in file order."""
        return tuple(i for m in self.maalepunkter for i in m.indikatorer)

    def indikator(self, indikator_id: str) -> Indikator:
        for i in self.indikatorer:
            if i.id == indikator_id:
                return i
        raise KeyError(indikator_id)

    def maalepunkt(self, nr: int) -> Maalepunkt:
        for m in self.maalepunkter:
            if m.nr == nr:
                return m
        raise KeyError(nr)

    def maalepunkter_for(self, goal_area: str) -> tuple[Maalepunkt, ...]:
        return tuple(m for m in self.maalepunkter if m.goal_area == goal_area)

    def indikatorer_for(self, goal_area: str) -> tuple[Indikator, ...]:
        return tuple(i for i in self.indikatorer if i.goal_area == goal_area)

    def indikatorer_of(self, calculation: str) -> tuple[Indikator, ...]:
        return tuple(i for i in self.indikatorer if i.calculation == calculation)

    @property
    def bydel_names(self) -> tuple[str, ...]:
        return tuple(b.navn for b in self.bydele)

    def bydele_in(self, year: int) -> tuple[str, ...]:
        """The bydel names valid in ``year``."""
        return tuple(b.navn for b in self.bydele if b.valid_in(year))

    @property
    def gang_log_areas(self) -> tuple[str, ...]:
        """The areas whose gang log some indikator follows (``omraade`` of ``bandelog_seneste``)."""
        return tuple(dict.fromkeys(i.parameters["omraade"] for i in self.indikatorer_of("bandelog_seneste")))


# --- reading ----------------------------------------------------------------------------------

_TYPE_WORDS = {
    "int_type": "skal være et helt tal", "int_parsing": "skal være et helt tal",
    "float_type": "skal være et tal", "float_parsing": "skal være et tal",
    "string_type": "skal være en tekst", "bool_type": "skal være true eller false",
    "list_type": "skal være en liste", "tuple_type": "skal være en liste med to tal",
    "dict_type": "skal være en samling af nøgler og værdier", "model_type": "skal være en samling af nøgler og værdier",
    "model_attributes_type": "skal være en samling af nøgler og værdier",
    "too_short": "må ikke være tom", "greater_than_equal": "er for lille", "less_than_equal": "er for stor",
}


def _safe_load(text: str) -> Any:
    """``yaml.safe_load``, with libyaml's safe loader when PyYAML was built with it (about ten times
    faster: every notebook reads the programme)."""
    if getattr(yaml, "__with_libyaml__", False):
        return yaml.load(text, Loader=yaml.CSafeLoader)
    return yaml.safe_load(text)


def _read_yaml(path: Path) -> tuple[Any, str]:
    """The file's data (safe loader) and its text (for :func:`_node_tree`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProgrammeError(f"{path}: filen findes ikke") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProgrammeError(f"{path}: kan ikke læses ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        return _safe_load(text), text
    except yaml.YAMLError:
        pass
    try:  # the pure-Python loader's message, whichever loader found the problem
        return yaml.safe_load(text), text
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path.name}, linje {mark.line + 1}" if mark is not None else path.name
        raise ProgrammeError(f"{path}: {where}: kan ikke læses som YAML ({getattr(exc, 'problem', None) or exc})") from None


def _node_tree(text: str) -> yaml.Node | None:
    """The YAML text's node tree (for an error's line numbers: composed only when there is an error)."""
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _node_at(node: yaml.Node | None, loc: tuple) -> tuple[yaml.Node | None, bool]:
    """The deepest node along ``loc`` and whether ``loc``'s last key is a key of that node's mapping."""
    key_node = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if match is None:
                continue  # a pydantic union tag ('str', '_BydelSpec', …), not a key of the file
            key_node, node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            key_node, node = None, node.value[part]
    return (key_node or node), key_node is not None


def _path_text(loc: tuple) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.startswith("_") or part in ("str", "function-after", "tagged-union"):
            continue
        else:
            text += ("." if text else "") + part
    return text


def _error_text(error: dict) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "ukendt nøgle"
    if kind == "missing":
        return "mangler"
    if kind == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", "")).replace("'", "").replace(" or ", " eller ")
        return f"skal være en af {expected}"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if kind in ("greater_than_equal", "less_than_equal"):
        limit = error.get("ctx", {}).get("ge", error.get("ctx", {}).get("le"))
        word = "mindst" if kind == "greater_than_equal" else "højst"
        return f"skal være {word} {limit}"
    return _TYPE_WORDS.get(kind, error["msg"])


def _messages(path: Path, exc: ValidationError, root: yaml.Node | None) -> list[str]:
    out = []
    seen = set()
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        if error["type"] in ("is_instance_of", "string_type") and any(p == "str" for p in loc) and len(exc.errors()) > 1:
            continue  # the other member of "name or {navn, fra, til}" explains the problem better
        node, _ = _node_at(root, loc)
        line = f", linje {node.start_mark.line + 1}" if node is not None and node.start_mark else ""
        key = _path_text(loc)
        text = f"{path.name}{line}, {key or '(hele filen)'}: {_error_text(error)}"
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def _parse(schema: type[BaseModel], path: Path):
    raw, text = _read_yaml(path)
    if raw is None:
        raw = {}
    try:
        return schema.model_validate(raw)
    except ValidationError as exc:
        messages = _messages(path, exc, _node_tree(text))
        raise ProgrammeError(f"{path.parent}: programfilen kan ikke bruges:\n  - " + "\n  - ".join(messages)) from None


def _indikator(spec: _IndikatorSpec, maalepunkt: _MaalepunktSpec) -> Indikator:
    req = spec.yearly_requirement
    parameters = {name: getattr(spec, name) for name in CALCULATIONS[spec.calculation]}
    if "needs" in parameters:
        parameters["needs"] = [NEED_ALIASES.get(n, n) for n in parameters["needs"]]
    if "ages" in parameters:
        parameters["ages"] = tuple(parameters["ages"])
    target_value = spec.target.value
    if target_value is None and spec.target.reduction_pct is not None and spec.baseline.value is not None:
        target_value = reduced(spec.baseline.value, spec.target.reduction_pct)
    return Indikator(
        id=spec.id, calculation=spec.calculation, title=" ".join(spec.title.split()), unit=spec.unit,
        decimals=spec.decimals, kind=spec.kind,
        baseline_year=spec.baseline.year, baseline_value=spec.baseline.value,
        target_year=spec.target.year, target_value=target_value,
        target_reduction_pct=spec.target.reduction_pct,
        provisional=None if spec.target.provisional is None else " ".join(spec.target.provisional.split()),
        maalepunkt_nr=maalepunkt.nr, goal_area=maalepunkt.goal_area,
        yearly_requirement=None if req is None else YearlyRequirement(req.min_fall, req.strict),
        parameters=parameters,
    )


def reduced(baseline: float, reduction_pct: float) -> float:
    """B·(1 − pct/100), rid of binary floating-point noise (283 less 33 % is 189.61, not 189.60999999999999)."""
    return round(baseline * (1 - reduction_pct / 100), 10)


def programme_path(folder: str | Path | None = None) -> Path:
    """``program.yaml`` in ``folder`` (default: :func:`sikkerby.config.paths.params_dir`); a file is taken as it is."""
    path = Path(folder) if folder not in (None, "") else params_dir()
    return path if path.suffix in (".yaml", ".yml") else path / "program.yaml"


def load_programme(folder: str | Path | None = None) -> Programme:
    """Read and check the programme folder's ``program.yaml`` into a :class:`Programme`.

    ``folder``: the programme folder (or the file itself); default the project's ``params/``.
    Raises :class:`ProgrammeError` listing every problem with file, line and key.
    """
    path = programme_path(folder)
    spec: _ProgrammeFile = _parse(_ProgrammeFile, path)
    info = spec.programme
    maalepunkter = tuple(
        Maalepunkt(nr=m.nr, goal_area=m.goal_area, title=" ".join(m.title.split()),
                   rationale=" ".join(m.rationale.split()),
                   indikatorer=tuple(_indikator(i, m) for i in m.indikatorer))
        for m in spec.maalepunkter)
    model = spec.evidence_model
    return Programme(
        id=info.id, name=info.name, municipality=info.municipality, committee=info.committee,
        secretariat=info.secretariat, period_start=info.period.start, period_end=info.period.end,
        bydele=tuple(Bydel(b) if isinstance(b, str) else Bydel(b.navn, b.fra, b.til) for b in spec.bydele),
        forvaltninger=dict(spec.forvaltninger),
        goal_areas={k: {"title": v.title, "text": " ".join(v.text.split())} for k, v in spec.goal_areas.items()},
        maalepunkter=maalepunkter,
        evidence_points=dict(model.evidence_points),
        weights={"resultat": model.weights.resultat, "evidens": model.weights.evidens},
        categories=tuple((c.kategori, c.min) for c in model.categories),
        disclosure_min_count=spec.disclosure.min_count,
        publication=Publication(spec.publication.max_table_rows, spec.publication.max_scatter_labels),
        folder=path.parent,
    )


def load_year_params(year: int, folder: str | Path | None = None) -> dict[str, Any]:
    """``<year>.yaml`` of the programme folder (strict: ``aar``, ``title``, ``subtitle``, ``forelaeggelse``).

    A year without a file gets defaults; a file whose ``aar`` is another year is an error.
    """
    folder = Path(folder) if folder not in (None, "") else params_dir()
    if folder.suffix in (".yaml", ".yml"):
        folder = folder.parent
    path = folder / f"{year}.yaml"
    if not path.exists():
        return {"aar": year, "title": f"Sikker By – status {year}", "subtitle": "", "forelaeggelse": ""}
    spec: _YearFile = _parse(_YearFile, path)
    if spec.aar != year:
        raise ProgrammeError(f"{path}: aar er {spec.aar}, men filen hedder {year}.yaml")
    return spec.model_dump()


def check_folder(folder: str | Path | None = None, years: tuple[int, ...] = ()) -> Programme:
    """The programme folder read strictly: ``program.yaml`` and every ``<år>.yaml`` in it (and ``years``')."""
    programme = load_programme(folder)
    base = programme.folder or params_dir()
    found = {int(p.stem) for p in base.glob("*.yaml") if p.stem.isdigit()}
    for year in sorted(found | set(years)):
        load_year_params(year, base)
    return programme
