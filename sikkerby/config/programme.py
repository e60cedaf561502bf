"""The programme as data: målepunkter, targets, bydele, evidence points (params/program.yaml)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sikkerby.config.paths import params_dir
from sikkerby.errors import SikkerByError

KINDS = ("sti", "retning", "krav")


class ProgrammeError(SikkerByError, ValueError):
    """params/*.yaml is missing something or contradicts itself."""


@dataclass(frozen=True)
class YearlyRequirement:
    """V(Y) must fall from V(Y-1) by at least ``min_fall`` (by more than it when ``strict``).

    The check itself is :func:`sikkerby.model.goal_status.requirement_holds`.
    """

    min_fall: float
    strict: bool


@dataclass(frozen=True)
class Maalepunkt:
    id: str
    goal_area: str
    title: str
    measure: str
    unit: str  # "procent" or "antal"
    decimals: int
    source: str
    kind: str
    baseline_year: int | None
    baseline_value: float | None  # None: taken from the data
    target_year: int | None
    target_value: float | None
    yearly_requirement: YearlyRequirement | None = None
    rationale: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def lower_is_better(self) -> bool:
        return self.kind != "krav"


# The publication settings and their smallest allowed values (``publication`` in program.yaml).
PUBLICATION_MINIMA = {"max_table_rows": 1, "max_scatter_labels": 0}


def _check_count(value: Any, name: str, minimum: int) -> None:
    """``value`` must be a whole number (not a bool, not ``12.0``) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        shown = "en tom værdi" if value is None else repr(value)
        raise ProgrammeError(f"{name} skal være et helt tal, ikke {shown}")
    if value < minimum:
        raise ProgrammeError(f"{name} skal være mindst {minimum}, ikke {value}")


@dataclass(frozen=True)
class Publication:
    """How long the publication's lists may be.

    ``max_table_rows``: a table listing activities (chapter 03), institutions or closures
    (chapter 01) shows at most this many rows (and says so under it when it holds more); ``max_scatter_labels``: the score
    scatter labels its points only when it has at most this many. A label is the
    activity's number in the ranked table, so it may not exceed the rows that table lists.
    """

    max_table_rows: int = 50
    max_scatter_labels: int = 40

    def __post_init__(self):
        for name, minimum in PUBLICATION_MINIMA.items():
            _check_count(getattr(self, name), f"publication.{name}", minimum)
        if self.max_scatter_labels > self.max_table_rows:
            raise ProgrammeError(
                f"publication.max_scatter_labels ({self.max_scatter_labels}) må ikke være større end "
                f"publication.max_table_rows ({self.max_table_rows}): punkternes numre henviser til "
                "tabellen over den samlede score")


@dataclass(frozen=True)
class Programme:
    id: str
    name: str
    municipality: str
    committee: str
    period_start: int
    period_end: int
    bydele: tuple[str, ...]
    bandelog_omraade: str
    forvaltninger: dict[str, str]
    goal_areas: dict[str, dict[str, str]]
    maalepunkter: tuple[Maalepunkt, ...]
    evidence_points: dict[str, float]
    weights: dict[str, float]
    categories: tuple[tuple[str, float | None], ...]
    disclosure_min_count: int
    raw: dict[str, Any] = field(repr=False, default_factory=dict)
    publication: Publication = field(default_factory=Publication)

    def maalepunkt(self, maalepunkt_id: str) -> Maalepunkt:
        for m in self.maalepunkter:
            if m.id == maalepunkt_id:
                return m
        raise KeyError(maalepunkt_id)

    def maalepunkter_for(self, goal_area: str) -> tuple[Maalepunkt, ...]:
        return tuple(m for m in self.maalepunkter if m.goal_area == goal_area)


def _read_yaml(fh, path: Path) -> Any:
    """YAML from ``fh`` with the safe loader; a syntax error names the file and line, no traceback."""
    try:
        return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}, linje {mark.line + 1}" if mark is not None else str(path)
        raise ProgrammeError(f"{where}: kan ikke læses som YAML ({getattr(exc, 'problem', None) or exc})") from None


def _require(mapping: dict, key: str, where: str) -> Any:
    if key not in mapping:
        raise ProgrammeError(f"{where}: '{key}' is missing")
    return mapping[key]


def _maalepunkt(raw: dict) -> Maalepunkt:
    where = f"program.yaml, maalepunkt {raw.get('id', '?')}"
    kind = _require(raw, "kind", where)
    if kind not in KINDS:
        raise ProgrammeError(f"{where}: kind '{kind}' is not one of {', '.join(KINDS)}")
    baseline = raw.get("baseline") or {}
    target = raw.get("target") or {}
    req = raw.get("yearly_requirement")
    known = {"id", "goal_area", "title", "measure", "unit", "decimals", "source", "kind",
             "baseline", "target", "yearly_requirement", "rationale"}
    m = Maalepunkt(
        id=_require(raw, "id", where),
        goal_area=_require(raw, "goal_area", where),
        title=_require(raw, "title", where),
        measure=raw.get("measure", ""),
        unit=raw.get("unit", "antal"),
        decimals=int(raw.get("decimals", 1)),
        source=raw.get("source", ""),
        kind=kind,
        baseline_year=baseline.get("year"),
        baseline_value=None if baseline.get("value") is None else float(baseline["value"]),
        target_year=target.get("year"),
        target_value=None if target.get("value") is None else float(target["value"]),
        yearly_requirement=None if req is None else YearlyRequirement(float(req.get("min_fall", 0)), bool(req.get("strict", False))),
        rationale=" ".join(str(raw.get("rationale", "")).split()),
        extra={k: v for k, v in raw.items() if k not in known} | {"target": target},
    )
    if kind == "sti":
        if m.baseline_year is None or m.target_year is None or m.target_value is None:
            raise ProgrammeError(f"{where}: kind 'sti' needs a baseline year, a target year and a target value")
        pct = target.get("reduction_pct")
        if pct is not None and m.baseline_value is not None:
            derived = m.baseline_value * (1 - float(pct) / 100)
            if not math.isclose(derived, m.target_value, abs_tol=1e-9):
                raise ProgrammeError(f"{where}: target value {m.target_value} is not baseline less {pct} % ({derived})")
    if kind == "retning" and (m.baseline_year is None or m.target_year is None):
        raise ProgrammeError(f"{where}: kind 'retning' needs a baseline year and a target year")
    if kind == "krav" and m.target_value is None:
        raise ProgrammeError(f"{where}: kind 'krav' needs a target value")
    return m


def load_programme(path: str | Path | None = None) -> Programme:
    """Read ``program.yaml`` (safe loader) into a :class:`Programme`.

    Anything missing or of the wrong kind raises :class:`ProgrammeError` naming the file.
    """
    path = Path(path) if path is not None else params_dir() / "program.yaml"
    try:
        with open(path, encoding="utf-8") as fh:
            raw = _read_yaml(fh, path)
    except OSError as exc:
        raise ProgrammeError(f"{path}: kan ikke læses ({exc.strerror})") from None
    try:
        return _programme(raw, str(path))
    except ProgrammeError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise ProgrammeError(f"{path}: en værdi mangler eller har forkert form ({type(exc).__name__}: {exc})") from None


def _programme(raw: Any, where: str) -> Programme:
    if not isinstance(raw, dict):
        raise ProgrammeError(f"{where}: the file must hold a mapping with 'programme', 'maalepunkter', …")
    prog = _require(raw, "programme", where)
    period = _require(prog, "period", where)
    model = _require(raw, "evidence_model", where)
    maalepunkter = tuple(_maalepunkt(m) for m in _require(raw, "maalepunkter", where))
    ids = [m.id for m in maalepunkter]
    if len(set(ids)) != len(ids):
        raise ProgrammeError(f"{where}: målepunkt ids are not unique")
    return Programme(
        id=prog["id"],
        name=prog["name"],
        municipality=prog.get("municipality", ""),
        committee=prog.get("committee", "Økonomiudvalget"),
        period_start=int(period["start"]),
        period_end=int(period["end"]),
        bydele=tuple(_require(raw, "bydele", where)),
        bandelog_omraade=_require(raw, "bandelog_omraade", where),
        forvaltninger=dict(raw.get("forvaltninger", {})),
        goal_areas=dict(_require(raw, "goal_areas", where)),
        maalepunkter=maalepunkter,
        evidence_points={k: float(v) for k, v in _require(model, "evidence_points", where).items()},
        weights={k: float(v) for k, v in _require(model, "weights", where).items()},
        categories=tuple((c["kategori"], None if c.get("min") is None else float(c["min"])) for c in _require(model, "categories", where)),
        disclosure_min_count=int((raw.get("disclosure") or {}).get("min_count", 5)),
        raw=raw,
        publication=_publication(raw.get("publication"), where),
    )


def _publication(raw: Any, where: str) -> Publication:
    """The ``publication`` section; missing (or empty) means the defaults of :class:`Publication`."""
    if raw is None:
        return Publication()
    if not isinstance(raw, dict):
        raise ProgrammeError(f"{where}: publication skal være en samling af indstillinger "
                             f"({', '.join(PUBLICATION_MINIMA)}), ikke {raw!r}")
    unknown = [str(key) for key in raw if key not in PUBLICATION_MINIMA]
    if unknown:
        raise ProgrammeError(f"{where}: ukendt indstilling under publication: {', '.join(unknown)} "
                             f"(kendte: {', '.join(PUBLICATION_MINIMA)})")
    try:
        return Publication(**raw)
    except ProgrammeError as exc:
        raise ProgrammeError(f"{where}: {exc}") from None


def load_year_params(year: int, directory: str | Path | None = None) -> dict[str, Any]:
    """Read ``params/<year>.yaml`` (safe loader); a year without a file gets defaults."""
    directory = Path(directory) if directory is not None else params_dir()
    path = directory / f"{year}.yaml"
    defaults = {"aar": year, "title": f"Sikker By – status {year}"}
    if not path.exists():
        return defaults
    with open(path, encoding="utf-8") as fh:
        return defaults | (_read_yaml(fh, path) or {})


def reporting_year_warnings(programme: Programme, data_years: set[int], year: int) -> list[str]:
    """Danish warnings when ``year`` is an odd reporting year: outside the programme's
    period, or a year no input has a row for (its publication would assess nothing)."""
    warnings = []
    if not programme.period_start <= year <= programme.period_end:
        warnings.append(f"{year} ligger uden for programperioden {programme.period_start}-{programme.period_end}.")
    if year not in data_years:
        warnings.append(f"Ingen inddata har rækker for {year}; publikationen kan ikke vurdere årets målepunkter.")
    return warnings
